"""The questionnaire as a JSON file: load one into the database, export one from it.

The format (`kgp-questionnaire/1`, see `data/questionnaire_v1.json`):

    {"format": "kgp-questionnaire/1", "title": "...", "change_note": "...",
     "dimensions": [{"key", "name_de", "name_en", "description_de", "description_en",
                     "interpretation": {"low"|"basic"|"advanced"|"leading": {"de", "en"}},
                     "topics": [topic keys],
                     "questions": [{"key", "text_de", "text_en", "help_de", "help_en", "weight",
                                    "requires": {"question", "from_level", "min_level"} (optional),
                                    "options": [{"level", "text_de", "text_en"}]}]}]}

`load` works with the real models and with the historical models of a data migration (pass
`apps`), so migration 0002 and the command `load_questionnaire` share it. It writes no audit entry;
`services.questionnaire_import` does that around it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FORMAT = "kgp-questionnaire/1"
V1_PATH = Path(__file__).resolve().parent / "data" / "questionnaire_v1.json"
BANDS = ("low", "basic", "advanced", "leading")


class FixtureError(ValueError):
    """The file does not describe a valid questionnaire; the message lists what is wrong."""


def read(path: str | Path) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FixtureError(f"{path}: {exc}") from exc
    check(data)
    return data


def check(data: Any) -> None:
    """Structural checks before anything is written (the publish rules are checked on publishing)."""
    problems: list[str] = []
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FixtureError(f"not a questionnaire file: expected \"format\": \"{FORMAT}\"")
    dimensions = data.get("dimensions")
    if not isinstance(dimensions, list) or not dimensions:
        raise FixtureError("the file has no dimensions")
    dimension_keys: set[str] = set()
    question_keys: set[str] = set()
    requirements: list[tuple[str, str]] = []
    for d_index, dimension in enumerate(dimensions, start=1):
        where = f"dimension {d_index}"
        if not isinstance(dimension, dict) or not dimension.get("key") or not dimension.get("name_de"):
            problems.append(f"{where}: key and name_de are required")
            continue
        if dimension["key"] in dimension_keys:
            problems.append(f"{where}: the key {dimension['key']!r} is used twice")
        dimension_keys.add(dimension["key"])
        for q_index, question in enumerate(dimension.get("questions") or [], start=1):
            qwhere = f"{where}, question {q_index}"
            if not isinstance(question, dict) or not question.get("key") or not question.get("text_de"):
                problems.append(f"{qwhere}: key and text_de are required")
                continue
            if question["key"] in question_keys:
                problems.append(f"{qwhere}: the key {question['key']!r} is used twice")
            question_keys.add(question["key"])
            weight = question.get("weight", 1)
            if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 5:
                problems.append(f"{qwhere}: the weight must be a whole number from 1 to 5")
            levels = [o.get("level") for o in question.get("options") or [] if isinstance(o, dict)]
            if any(not isinstance(lv, int) or isinstance(lv, bool) or not 0 <= lv <= 4 for lv in levels):
                problems.append(f"{qwhere}: option levels must be whole numbers from 0 to 4")
            if len(levels) != len(set(levels)):
                problems.append(f"{qwhere}: two options have the same level")
            if any(not (o.get("text_de") or "").strip() for o in question.get("options") or [] if isinstance(o, dict)):
                problems.append(f"{qwhere}: every option needs text_de")
            rule = question.get("requires")
            if rule:
                if not isinstance(rule, dict) or not all(
                    isinstance(rule.get(k), int) and 0 <= rule[k] <= 4 for k in ("from_level", "min_level")
                ):
                    problems.append(f"{qwhere}: requires needs question, from_level and min_level (0 to 4)")
                    continue
                requirements.append((question["key"], str(rule.get("question", ""))))
    for key, required in requirements:
        if required not in question_keys or required == key:
            problems.append(f"question {key!r}: requires the unknown question {required!r}")
    if problems:
        raise FixtureError("; ".join(problems))


def load(data: dict[str, Any], *, version: int, status: str = "draft", apps: Any = None) -> Any:
    """Create questionnaire `version` from the parsed file; returns the Questionnaire."""
    check(data)
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Questionnaire = apps.get_model("assessment", "Questionnaire")
    Dimension = apps.get_model("assessment", "Dimension")
    Question = apps.get_model("assessment", "Question")
    Option = apps.get_model("assessment", "Option")
    Topic = apps.get_model("companies", "Topic")

    published_at = None
    if status == "published":
        from django.utils import timezone

        published_at = timezone.now()
    questionnaire = Questionnaire.objects.create(
        version=version,
        title=(data.get("title") or "Transformations-Check")[:200],
        status=status,
        published_at=published_at,
        change_note=(data.get("change_note") or "")[:2000],
    )
    topics = {t.key: t for t in Topic.objects.all()}
    by_key: dict[str, Any] = {}
    rules: list[tuple[Any, dict[str, Any]]] = []
    options: list[Any] = []
    for d_order, d in enumerate(data["dimensions"], start=1):
        interpretation = d.get("interpretation") or {}
        dimension = Dimension.objects.create(
            questionnaire=questionnaire,
            key=d["key"],
            order=d_order,
            name_de=d["name_de"],
            name_en=d.get("name_en", ""),
            description_de=d.get("description_de", ""),
            description_en=d.get("description_en", ""),
            **{
                f"interpretation_{b}_{lang}": (interpretation.get(b) or {}).get(lang, "")
                for b in BANDS
                for lang in ("de", "en")
            },
        )
        dimension.topics.set([topics[k] for k in d.get("topics") or [] if k in topics])
        for q_order, q in enumerate(d.get("questions") or [], start=1):
            question = Question.objects.create(
                questionnaire=questionnaire,
                dimension=dimension,
                key=q["key"],
                order=q_order,
                text_de=q["text_de"],
                text_en=q.get("text_en", ""),
                help_de=q.get("help_de", ""),
                help_en=q.get("help_en", ""),
                weight=q.get("weight", 1),
            )
            by_key[q["key"]] = question
            if q.get("requires"):
                rules.append((question, q["requires"]))
            options += [
                Option(question=question, level=o["level"], text_de=o["text_de"], text_en=o.get("text_en", ""))
                for o in q.get("options") or []
            ]
    Option.objects.bulk_create(options)
    for question, rule in rules:
        question.requires = by_key[rule["question"]]
        question.requires_from_level = rule.get("from_level")
        question.requires_min_level = rule.get("min_level")
        question.save(update_fields=["requires", "requires_from_level", "requires_min_level"])
    return questionnaire


def export(questionnaire: Any) -> dict[str, Any]:
    """One version in the file format (loading it again gives the same questionnaire)."""
    questions = list(
        questionnaire.questions.select_related("requires").prefetch_related("options").order_by("dimension__order", "order", "id")
    )
    dimensions = []
    for dimension in questionnaire.dimensions.prefetch_related("topics").order_by("order", "id"):
        dimensions.append(
            {
                "key": dimension.key,
                "name_de": dimension.name_de,
                "name_en": dimension.name_en,
                "description_de": dimension.description_de,
                "description_en": dimension.description_en,
                "interpretation": {
                    b: {lang: getattr(dimension, f"interpretation_{b}_{lang}") for lang in ("de", "en")} for b in BANDS
                },
                "topics": sorted(t.key for t in dimension.topics.all()),
                "questions": [_export_question(q) for q in questions if q.dimension_id == dimension.pk],
            }
        )
    return {
        "format": FORMAT,
        "version": questionnaire.version,
        "title": questionnaire.title,
        "change_note": questionnaire.change_note,
        "dimensions": dimensions,
    }


def _export_question(question: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": question.key,
        "text_de": question.text_de,
        "text_en": question.text_en,
        "help_de": question.help_de,
        "help_en": question.help_en,
        "weight": question.weight,
    }
    if question.requires_id and question.requires_from_level is not None and question.requires_min_level is not None:
        data["requires"] = {
            "question": question.requires.key,
            "from_level": question.requires_from_level,
            "min_level": question.requires_min_level,
        }
    data["options"] = [
        {"level": o.level, "text_de": o.text_de, "text_en": o.text_en} for o in sorted(question.options.all(), key=lambda o: o.level)
    ]
    return data
