"""Editing the questionnaire (network coordination): drafts only, published versions are immutable,
publishing validates and retires the previous version; every change is in the audit log."""

from __future__ import annotations

import pytest

from kgp.assessment import services
from kgp.assessment.models import Dimension, Option, Question, Questionnaire
from kgp.companies.models import Topic
from kgp.core.errors import ServiceError
from kgp.core.models import AuditLogEntry

pytestmark = pytest.mark.django_db

FIVE = [services.OptionData(level, f"Stufe {level}", f"Level {level}") for level in range(5)]


@pytest.fixture
def draft(v1, coordinator):
    return services.questionnaire_draft_from(actor=coordinator, source=v1)


def _audit(obj, action):
    return AuditLogEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action)


def test_a_draft_copies_the_whole_version(v1, draft, coordinator):
    assert draft.version == 2 and draft.status == "draft"
    assert [d.key for d in draft.dimensions.all()] == [d.key for d in v1.dimensions.all()]
    for old, new in zip(v1.dimensions.all(), draft.dimensions.all(), strict=True):
        assert set(old.topics.all()) == set(new.topics.all())
        assert old.interpretation_basic_de == new.interpretation_basic_de
    assert draft.questions.count() == v1.questions.count()
    assert Option.objects.filter(question__questionnaire=draft).count() == Option.objects.filter(question__questionnaire=v1).count()
    old_rules = {(q.key, q.requires.key, q.requires_from_level, q.requires_min_level) for q in v1.questions.filter(requires__isnull=False)}
    new_rules = {(q.key, q.requires.key, q.requires_from_level, q.requires_min_level) for q in draft.questions.filter(requires__isnull=False)}
    assert old_rules == new_rules
    assert all(q.requires.questionnaire_id == draft.pk for q in draft.questions.filter(requires__isnull=False))
    entry = _audit(draft, "create").get()
    assert entry.actor == coordinator and entry.changes["copied_from"] == [None, 1]


def test_published_and_retired_versions_cannot_be_changed(v1, coordinator):
    dimension = v1.dimensions.first()
    question = v1.questions.first()
    attempts = [
        lambda: services.dimension_update(actor=coordinator, dimension=dimension, data={"name_de": "X"}, topics=[]),
        lambda: services.question_update(actor=coordinator, question=question, data={"text_de": "X?"}, options=FIVE),
        lambda: services.question_create(actor=coordinator, dimension=dimension, data={"key": "neu", "text_de": "X?"}, options=FIVE),
        lambda: services.question_delete(actor=coordinator, question=question),
        lambda: services.questionnaire_update(actor=coordinator, questionnaire=v1, title="X", change_note=""),
        lambda: services.questionnaire_publish(actor=coordinator, questionnaire=v1),
        lambda: services.questionnaire_delete(actor=coordinator, questionnaire=v1),
    ]
    for attempt in attempts:
        with pytest.raises(ServiceError) as info:
            attempt()
        assert info.value.code == "not_draft"
    dimension.refresh_from_db()
    question.refresh_from_db()
    assert dimension.name_de != "X" and question.text_de != "X?"
    assert v1.questions.count() == Question.objects.filter(questionnaire=v1).count()


def test_edit_a_dimension_of_a_draft(draft, coordinator):
    dimension = draft.dimensions.get(key="smart")
    services.dimension_update(
        actor=coordinator, dimension=dimension, data={"name_de": "Digitale Produktion", "interpretation_low_de": "Neu."},
        topics=Topic.objects.filter(key__in=["smart", "funding"]),
    )  # fmt: skip
    dimension.refresh_from_db()
    assert dimension.name_de == "Digitale Produktion" and dimension.interpretation_low_de == "Neu."
    assert {t.key for t in dimension.topics.all()} == {"smart", "funding"}
    changes = _audit(dimension, "update").get().changes
    assert changes["name_de"] == ["Smarte Produktion", "Digitale Produktion"]
    assert changes["topics"] == [["smart"], ["funding", "smart"]]


def test_edit_a_question_with_its_options_and_rule(draft, coordinator):
    question = draft.questions.get(key="cli_targets")
    services.question_update(
        actor=coordinator, question=question,
        data={"text_de": "Welche Klimaziele haben Sie?", "weight": 4, "requires": draft.questions.get(key="cli_energy_metering"),
              "requires_from_level": 2, "requires_min_level": 1},
        options=[services.OptionData(0, "keine"), services.OptionData(2, "einige"), services.OptionData(4, "viele")],
    )  # fmt: skip
    question.refresh_from_db()
    assert question.text_de == "Welche Klimaziele haben Sie?" and question.weight == 4
    assert sorted(question.options.values_list("level", flat=True)) == [0, 2, 4]
    assert question.requires.key == "cli_energy_metering"
    changes = _audit(question, "update").get().changes
    assert {"text_de", "weight", "requires", "requires_from_level", "requires_min_level", "options"} <= set(changes)


@pytest.mark.parametrize(
    ("data", "options", "field"),
    [
        ({"weight": 9}, FIVE, "weight"),
        ({"text_de": ""}, FIVE, "text_de"),
        ({}, FIVE[:1], "options"),
        ({}, [services.OptionData(0, "a"), services.OptionData(0, "b")], "options"),
        ({"key": "cli_co2_balance"}, FIVE, "key"),
        ({"requires_from_level": 1, "requires_min_level": 1, "requires": None}, FIVE, None),
    ],
)
def test_invalid_question_changes_are_refused(draft, coordinator, data, options, field):
    question = draft.questions.get(key="cli_targets")
    if field is None:  # a rule pointing to itself
        data = data | {"requires": question}
        field = "requires"
    with pytest.raises(ServiceError) as info:
        services.question_update(actor=coordinator, question=question, data=data, options=options)
    assert info.value.field == field


def test_a_rule_must_use_offered_levels_and_a_question_of_the_same_version(v1, draft, coordinator):
    question = draft.questions.get(key="cli_targets")
    with pytest.raises(ServiceError):
        services.question_update(
            actor=coordinator, question=question, data={"requires": v1.questions.get(key="cli_co2_balance"), "requires_from_level": 3, "requires_min_level": 2}, options=FIVE
        )
    with pytest.raises(ServiceError) as info:
        services.question_update(
            actor=coordinator, question=question, data={"requires_from_level": 3, "requires_min_level": 2},
            options=[services.OptionData(0, "a"), services.OptionData(4, "b")],
        )  # fmt: skip
    assert info.value.field == "requires_from_level"


def test_add_and_delete_questions(draft, coordinator):
    dimension = draft.dimensions.get(key="talent")
    question = services.question_create(
        actor=coordinator, dimension=dimension, data={"key": "talent_new", "text_de": "Neue Frage?", "weight": 2}, options=FIVE
    )
    assert question.order == dimension.questions.count() and question.options.count() == 5
    assert _audit(question, "create").exists()
    required = draft.questions.get(key="talent_planning")
    dependant = draft.questions.get(key="talent_training")
    assert dependant.requires == required
    required_pk = required.pk
    services.question_delete(actor=coordinator, question=required)
    dependant.refresh_from_db()
    assert dependant.requires is None and dependant.requires_from_level is None and dependant.requires_min_level is None
    assert not Question.objects.filter(pk=required_pk).exists()
    assert AuditLogEntry.objects.filter(object_type="assessment.question", object_id=str(required_pk), action="delete").exists()
    assert _audit(dependant, "update").exists()


def test_publish_retires_the_previous_version(v1, draft, coordinator):
    services.questionnaire_publish(actor=coordinator, questionnaire=draft)
    v1.refresh_from_db()
    draft.refresh_from_db()
    assert (v1.status, draft.status) == ("retired", "published") and draft.published_at
    assert Questionnaire.objects.filter(status="published").count() == 1
    assert _audit(draft, "update").get().changes == {"status": ["draft", "published"]}
    assert _audit(v1, "update").get().changes == {"status": ["published", "retired"]}


def test_publish_checks_every_dimension_and_question(draft, coordinator):
    talent = draft.dimensions.get(key="talent")
    for question in talent.questions.all():
        services.question_delete(actor=coordinator, question=question)
    services.question_update(
        actor=coordinator, question=draft.questions.get(key="smart_automation"), data={},
        options=[services.OptionData(1, "a"), services.OptionData(2, "b")],
    )  # fmt: skip
    Dimension.objects.filter(pk=draft.dimensions.get(key="smart").pk).update(interpretation_leading_de="")
    problems = services.publish_problems(draft)
    assert len(problems) == 3
    assert any("Fachkräfte" in p for p in problems) and any("smart_automation" in p for p in problems)
    with pytest.raises(ServiceError) as info:
        services.questionnaire_publish(actor=coordinator, questionnaire=draft)
    assert info.value.code == "not_publishable"
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_draft_can_be_deleted_but_not_a_version_with_results(v1, draft, coordinator, completed):
    services.questionnaire_delete(actor=coordinator, questionnaire=draft)
    assert not Questionnaire.objects.filter(pk=draft.pk).exists()
    completed()
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        v1.delete()


def test_questionnaire_title_and_change_note(draft, coordinator):
    services.questionnaire_update(actor=coordinator, questionnaire=draft, title="Check 2027", change_note="Neue Frage zur KI")
    draft.refresh_from_db()
    assert (draft.title, draft.change_note) == ("Check 2027", "Neue Frage zur KI")
    assert _audit(draft, "update").get().changes["title"] == ["Transformations-Check", "Check 2027"]
