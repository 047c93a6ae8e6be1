"""Version 1 as loaded by migration 0002, the questionnaire file format (load and export), and the
commands load_questionnaire and export_questionnaire."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from kgp.assessment import fixtures
from kgp.assessment.models import Option, Question, Questionnaire
from kgp.core.models import AuditLogEntry

pytestmark = pytest.mark.django_db

TOPICS = {
    "resilience": {"resilience", "supply_chain"},
    "climate": {"climate", "energy", "circular"},
    "smart": {"smart"},
    "cooperation": {"cooperation", "funding"},
    "talent": {"talent"},
}


def test_version_1_is_published_with_five_dimensions_and_their_topics(v1):
    assert v1.status == Questionnaire.Status.PUBLISHED and v1.published_at is not None
    assert Questionnaire.objects.filter(status="published").count() == 1
    dimensions = list(v1.dimensions.order_by("order"))
    assert [d.key for d in dimensions] == list(TOPICS)
    for dimension in dimensions:
        assert {t.key for t in dimension.topics.all()} == TOPICS[dimension.key]
        assert dimension.name_de and dimension.name_en and dimension.description_de and dimension.description_en
        for band in ("low", "basic", "advanced", "leading"):
            assert getattr(dimension, f"interpretation_{band}_de") and getattr(dimension, f"interpretation_{band}_en")


def test_version_1_has_at_least_24_questions_with_five_levels_each_and_three_rules(v1):
    questions = list(v1.questions.prefetch_related("options"))
    assert len(questions) >= 24
    for question in questions:
        assert question.text_de.endswith("?") and question.text_en.endswith("?"), question.key
        assert 1 <= question.weight <= 5
        assert sorted(o.level for o in question.options.all()) == [0, 1, 2, 3, 4], question.key
        assert all(o.text_de and o.text_en for o in question.options.all()), question.key
    for dimension in v1.dimensions.all():
        assert dimension.questions.count() >= 4
    rules = [q for q in questions if q.requires_id]
    assert len(rules) >= 3
    for question in rules:
        assert question.requires.questionnaire_id == v1.pk and question.requires_id != question.pk
        assert question.requires_from_level in range(5) and question.requires_min_level in range(5)


def test_export_and_load_give_the_same_questionnaire(v1):
    data = fixtures.export(v1)
    copy = fixtures.load(json.loads(json.dumps(data)), version=99)
    assert copy.status == "draft"
    again = fixtures.export(copy)
    assert again | {"version": 1} == data


def test_the_file_in_the_repository_equals_version_1(v1):
    stored = fixtures.read(fixtures.V1_PATH)
    exported = fixtures.export(v1)
    exported.pop("version")
    assert exported == stored


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="other"), "not a questionnaire file"),
        (lambda d: d.update(dimensions=[]), "no dimensions"),
        (lambda d: d["dimensions"][1]["questions"][0].update(key=d["dimensions"][0]["questions"][0]["key"]), "used twice"),
        (lambda d: d["dimensions"][0]["questions"][0].update(weight=9), "weight"),
        (lambda d: d["dimensions"][0]["questions"][0]["options"][1].update(level=0), "same level"),
        (lambda d: d["dimensions"][0]["questions"][0]["options"][1].update(level=7), "0 to 4"),
        (lambda d: d["dimensions"][0]["questions"][0].update(requires={"question": "nope", "from_level": 1, "min_level": 1}), "unknown question"),
    ],
)
def test_invalid_files_are_refused_with_a_message(change, message):
    data = fixtures.read(fixtures.V1_PATH)
    change(data)
    with pytest.raises(fixtures.FixtureError, match=message):
        fixtures.check(data)


def test_load_questionnaire_command_creates_an_audited_draft(tmp_path, v1):
    path = tmp_path / "fragebogen.json"
    data = fixtures.export(v1)
    data["dimensions"][0]["questions"][0]["text_de"] = "Eine geänderte Frage?"
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("load_questionnaire", str(path))
    draft = Questionnaire.objects.get(version=2)
    assert draft.status == "draft"
    assert draft.questions.count() == v1.questions.count()
    assert Question.objects.get(questionnaire=draft, key=data["dimensions"][0]["questions"][0]["key"]).text_de == "Eine geänderte Frage?"
    assert AuditLogEntry.objects.filter(object_type="assessment.questionnaire", object_id=str(draft.pk), action="import").exists()
    assert Questionnaire.objects.get(version=1).status == "published"  # unchanged until the draft is published


def test_load_questionnaire_command_refuses_a_broken_file(tmp_path):
    path = tmp_path / "kaputt.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_questionnaire", str(path))
    assert not Questionnaire.objects.filter(version=2).exists()


def test_export_questionnaire_command_writes_the_file_format(tmp_path, v1):
    path = tmp_path / "v1.json"
    call_command("export_questionnaire", "1", "--output", str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == fixtures.FORMAT and data["version"] == 1
    assert sum(len(d["questions"]) for d in data["dimensions"]) == v1.questions.count()
    with pytest.raises(CommandError):
        call_command("export_questionnaire", "42")


def test_options_of_a_question_are_unique_per_level(v1):
    from django.db import IntegrityError, transaction

    question = v1.questions.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Option.objects.create(question=question, level=2, text_de="doppelt")
