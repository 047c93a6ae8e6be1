"""Evaluation of the engine on a judged sample (data/matching/README.md): nDCG@5 and recall@10.

Definitions, exactly as in the README: for each need the engine ranks all profiles; the gain of a
profile is its grade (2 or 1, unlisted profiles 0); DCG@5 = Σ_{i=1..5} gain_i / log2(i + 1); the
ideal DCG@5 sorts that need's judged grades in descending order and takes the top 5;
recall@10 = relevant profiles (grade ≥ 1) in the top 10 / relevant profiles of the need. Both are
averaged over the needs. A profile the engine does not return (no matching term at all) counts as
not retrieved.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgp.matching.engine import Document, EngineConfig, Index
from kgp.matching.geo import coordinates

SAMPLE_COPY = Path(__file__).resolve().parent / "tests" / "sample"


@dataclass
class Sample:
    profiles: list[dict[str, Any]]
    needs: list[dict[str, Any]]
    qrels: dict[str, dict[str, int]]


def load_sample(path: str | Path = SAMPLE_COPY) -> Sample:
    path = Path(path)

    def jsonl(name: str) -> list[dict[str, Any]]:
        lines = (path / name).read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    qrels: dict[str, dict[str, int]] = {}
    for line in (path / "qrels.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            need_id, ext_id, grade = line.split("\t")
            qrels.setdefault(need_id, {})[ext_id] = int(grade)
    return Sample(jsonl("profiles.jsonl"), jsonl("needs.jsonl"), qrels)


def profile_document(p: dict[str, Any]) -> Document:
    lat, lon = coordinates(p.get("city", "")) or (None, None)
    return Document(
        id=p["external_id"],
        kind=p.get("kind", ""),
        name=p.get("name", ""),
        description=p.get("description", ""),
        keywords=p.get("keywords", []),
        lat=lat,
        lon=lon,
    )


def ndcg_at_5(ranking: list[str], grades: dict[str, int]) -> float:
    dcg = sum(grades.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranking[:5]))
    ideal = sorted(grades.values(), reverse=True)[:5]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_10(ranking: list[str], grades: dict[str, int]) -> float:
    relevant = {d for d, g in grades.items() if g >= 1}
    return len(relevant & set(ranking[:10])) / len(relevant) if relevant else 0.0


def evaluate(sample: Sample, config: EngineConfig | None = None, *, index: Index | None = None) -> dict[str, Any]:
    """Metrics of the engine (default configuration unless ``config``) on ``sample``."""
    if index is None:
        index = Index(config)
        index.add_many(profile_document(p) for p in sample.profiles)
    per_need: dict[str, dict[str, Any]] = {}
    for need in sample.needs:
        lat, lon = coordinates(need.get("city", "")) or (None, None)
        ranking = [m.id for m in index.search(need["text"], lat=lat, lon=lon, limit=len(sample.profiles))]
        grades = sample.qrels.get(need["id"], {})
        per_need[need["id"]] = {
            "ndcg@5": round(ndcg_at_5(ranking, grades), 4),
            "recall@10": round(recall_at_10(ranking, grades), 4),
            "top3": ranking[:3],
        }
    return {
        "ndcg@5": round(statistics.fmean(v["ndcg@5"] for v in per_need.values()), 4),
        "recall@10": round(statistics.fmean(v["recall@10"] for v in per_need.values()), 4),
        "per_need": per_need,
    }


ABLATIONS = ("tokens", "stemming", "decompounding", "synonyms", "ngrams", "topics")


def ablations(sample: Sample, steps: Iterable[str] = ABLATIONS) -> dict[str, dict[str, float]]:
    """Mean metrics for the configurations that add one analysis step at a time, and the default
    without synonyms."""
    out = {}
    for step in steps:
        r = evaluate(sample, EngineConfig.ablation(step))
        out[step] = {"ndcg@5": r["ndcg@5"], "recall@10": r["recall@10"]}
    r = evaluate(sample, EngineConfig(synonyms=False))
    out["default_without_synonyms"] = {"ndcg@5": r["ndcg@5"], "recall@10": r["recall@10"]}
    return out
