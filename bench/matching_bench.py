"""The matching part of `make bench`: quality on the sample and query latency at 10,000 profiles.

1. Quality: the engine (kgp.matching.engine, default configuration) indexes the 16 sample profiles
   and ranks them for each of the 12 sample needs (need city → coordinates for the distance); nDCG@5
   and recall@10 exactly as defined in data/matching/README.md (gain = grade; IDCG@5 from the need's
   judged grades; a profile the engine does not return counts as not retrieved), mean over needs,
   with the per-need values. The same for ablations that add one analysis step at a time: plain
   BM25 on tokens, + stemming, + decompounding, + synonyms, + character n-grams (typos), + topic
   tags and formats (= default), and the default without synonyms.
2. Latency: 10,000 synthetic profiles (deterministic seed; descriptions mixed from the vocabulary of
   the synonym, topic and base lexicons plus random compounds, so that the index has a realistic
   number of distinct terms) plus the 16 sample profiles; index build time; 500 distinct needs
   (the 12 sample needs and synthetic ones of 20-90 words), single-threaded in-process, after a
   warm-up: p50/p95 (nearest rank); single-profile update and removal times. Target p95 < 50 ms.

Run alone: `.venv/bin/python bench/matching_bench.py` prints the JSON. bench/run.py can call `run()`.
The sample is read from MATCHING_SAMPLE_DIR, else ../shared/data/matching/sample beside the
repository, else the copy in kgp/matching/tests/sample.
"""

from __future__ import annotations

import json
import math
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kgp.matching.engine import Document, Index  # noqa: E402
from kgp.matching.evaluation import (  # noqa: E402
    SAMPLE_COPY,
    Sample,
    ablations,
    evaluate,
    load_sample,
    profile_document,
)
from kgp.matching.geo import MUNICIPALITIES  # noqa: E402
from kgp.matching.lexicons import TOPICS_PATH, load_keyed  # noqa: E402
from kgp.matching.synonyms import load_synonyms  # noqa: E402
from kgp.matching.text import DATA_DIR  # noqa: E402

SEED = 20240601
SYNTHETIC_PROFILES = 10_000
LATENCY_QUERIES = 500
WARMUP_QUERIES = 30
TARGET_P95_MS = 50.0
KINDS = ("university", "uas", "institute", "transfer_centre", "company", "association")


def sample_dir() -> Path:
    candidates = [os.environ.get("MATCHING_SAMPLE_DIR"), ROOT.parent / "shared" / "data" / "matching" / "sample"]
    for c in candidates:
        if c and (Path(c) / "qrels.tsv").exists():
            return Path(c)
    return SAMPLE_COPY


# --- synthetic profiles and needs ---


def _vocabulary() -> dict[str, list[str]]:
    terms: list[str] = []
    for g in load_synonyms():
        terms.extend(g.terms)
    for words in load_keyed(TOPICS_PATH).values():
        terms.extend(words)
    lexicon = []
    for line in (DATA_DIR / "lexicon_de.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0]
        lexicon.extend(w for w in line.split() if len(w) >= 4)
    nouns = sorted({w.capitalize() for w in lexicon})
    return {"terms": sorted(set(terms)), "nouns": nouns}


_UNITS = ("Labor", "Fachgebiet", "Institut", "Lehrstuhl", "Fachbetrieb", "Team", "Zentrum", "Büro", "Verein")
_VERBS = ("untersucht", "entwickelt", "bewertet", "optimiert", "plant", "prüft", "begleitet", "modelliert", "misst")
_OFFERS = ("Messungen", "Studien", "Abschlussarbeiten", "Schulungen", "Workshops", "Forschungsprojekte", "Beratung")
_FUGEN = ("", "", "s", "n", "en")


def _compound(rng: random.Random, nouns: list[str]) -> str:
    a, b = rng.choice(nouns), rng.choice(nouns).lower()
    return a + rng.choice(_FUGEN) + b


def synthetic_profile(i: int, rng: random.Random, vocab: dict[str, list[str]]) -> Document:
    terms, nouns = vocab["terms"], vocab["nouns"]
    sentences = []
    for _ in range(rng.randint(4, 8)):
        picks = rng.sample(terms, 3)
        sentences.append(
            f"Das {rng.choice(_UNITS)} {rng.choice(_VERBS)} {picks[0]} und {picks[1]} "
            f"mit {_compound(rng, nouns)} für {picks[2]} in der {_compound(rng, nouns)}."
        )
    sentences.append(f"Angeboten werden {rng.choice(_OFFERS)} und {rng.choice(_OFFERS)}.")
    name, lat, lon = rng.choice(list(MUNICIPALITIES.values()))
    return Document(
        id=f"synthetic-{i:05d}",
        kind=rng.choice(KINDS),
        name=f"{rng.choice(_UNITS)} für {rng.choice(terms)} {name}",
        description=" ".join(sentences),
        keywords=rng.sample(terms, rng.randint(3, 8)),
        lat=lat + rng.uniform(-0.03, 0.03),
        lon=lon + rng.uniform(-0.03, 0.03),
    )


def synthetic_need(rng: random.Random, vocab: dict[str, list[str]]) -> str:
    terms, nouns = vocab["terms"], vocab["nouns"]
    parts = [f"Wir haben Probleme mit {rng.choice(terms)} an unserer {_compound(rng, nouns)}."]
    while len(" ".join(parts).split()) < rng.randint(20, 90):
        parts.append(
            rng.choice(
                (
                    f"Unser {_compound(rng, nouns)} ist seit Monaten zu hoch, vor allem bei {rng.choice(terms)}.",
                    f"Wer kann uns bei {rng.choice(terms)} und {rng.choice(terms)} unterstützen?",
                    f"Wir suchen jemanden für {rng.choice(terms)}, gerne auch eine Hochschule.",
                    f"Die {_compound(rng, nouns)} macht uns Sorgen, weil {rng.choice(terms)} fehlt.",
                )
            )
        )
    return " ".join(parts)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def latency(profiles_n: int = SYNTHETIC_PROFILES, queries_n: int = LATENCY_QUERIES, sample: Sample | None = None) -> dict[str, Any]:
    sample = sample or load_sample(sample_dir())
    rng = random.Random(SEED)
    vocab = _vocabulary()
    docs = [synthetic_profile(i, rng, vocab) for i in range(profiles_n)]
    docs.extend(profile_document(p) for p in sample.profiles)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    index = Index()
    t, c = time.perf_counter(), time.process_time()
    index.add_many(docs)
    build_s, build_cpu_s = time.perf_counter() - t, time.process_time() - c
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    snapshot = index.dumps()
    t = time.perf_counter()
    Index.loads(snapshot)
    load_s = time.perf_counter() - t

    queries = [n["text"] for n in sample.needs]
    queries += [synthetic_need(rng, vocab) for _ in range(queries_n - len(queries))]
    for q in [synthetic_need(rng, vocab) for _ in range(WARMUP_QUERIES)]:
        index.search(q)
    wall, cpu = [], []
    towns = list(MUNICIPALITIES.values())
    for q in queries:
        _name, lat, lon = rng.choice(towns)
        t, c = time.perf_counter(), time.process_time()
        index.search(q, lat=lat, lon=lon, limit=10)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)

    update_ms, remove_ms = [], []
    for i in range(50):
        doc = synthetic_profile(profiles_n + i, rng, vocab)
        doc.id = docs[i].id
        t = time.perf_counter()
        index.update(doc)
        update_ms.append((time.perf_counter() - t) * 1000)
    for i in range(50, 100):
        t = time.perf_counter()
        index.remove(docs[i].id)
        remove_ms.append((time.perf_counter() - t) * 1000)
    p95 = _percentile(wall, 0.95)
    return {
        "profiles": len(docs),
        "queries": len(wall),
        "build_s": round(build_s, 2),
        "build_cpu_s": round(build_cpu_s, 2),
        "snapshot_mb": round(len(snapshot) / 1e6, 1),
        "snapshot_load_s": round(load_s, 2),
        "query_ms": {
            "p50": round(_percentile(wall, 0.50), 2),
            "p95": round(p95, 2),
            "max": round(max(wall), 2),
            "mean": round(statistics.fmean(wall), 2),
        },
        "query_cpu_ms": {"p50": round(_percentile(cpu, 0.50), 2), "p95": round(_percentile(cpu, 0.95), 2)},
        "update_ms": {"p50": round(_percentile(update_ms, 0.5), 2), "p95": round(_percentile(update_ms, 0.95), 2)},
        "remove_ms": {"p50": round(_percentile(remove_ms, 0.5), 2), "p95": round(_percentile(remove_ms, 0.95), 2)},
        "target_p95_ms": TARGET_P95_MS,
        "passed": p95 < TARGET_P95_MS,
        "index": index.stats(),
        "max_rss_growth_mb": round((rss_after - rss_before) / 1024, 1),  # ru_maxrss is in KiB on Linux
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def run(profiles_n: int = SYNTHETIC_PROFILES, queries_n: int = LATENCY_QUERIES) -> dict[str, Any]:
    sample = load_sample(sample_dir())
    return {
        "sample": str(sample_dir()),
        "quality": evaluate(sample),
        "ablations": ablations(sample),
        "latency": latency(profiles_n, queries_n, sample),
    }


if __name__ == "__main__":
    args = sys.argv[1:]
    n = int(args[args.index("--profiles") + 1]) if "--profiles" in args else SYNTHETIC_PROFILES
    if "--quality" in args:
        s = load_sample(sample_dir())
        result: dict[str, Any] = {"quality": evaluate(s), "ablations": ablations(s)}
    else:
        result = run(n)
    print(json.dumps(result, indent=2, ensure_ascii=False))
