"""Services of the check: start, partial saves, completion with messages per question, the API
submission, saving to a company, sharing and the company timeline, and version changes."""

from __future__ import annotations

import pytest
from django.utils import translation

from kgp.assessment import queries, services
from kgp.assessment.models import CheckResult, Questionnaire
from kgp.companies.queries import company_timeline
from kgp.core.errors import ServiceError
from kgp.core.models import AuditLogEntry
from kgp.testing.factories import CompanyFactory, MembershipFactory, UserFactory

from .conftest import uniform

pytestmark = pytest.mark.django_db


def _keys_of(spec, dimension_key):
    return [q.key for q in spec.questions_of(dimension_key)]


# --- start and save ----------------------------------------------------------------------------


def test_start_creates_an_unguessable_token_on_the_published_version(v1):
    a = services.check_start(size_class="micro")
    b = services.check_start(size_class="micro")
    assert a.questionnaire == v1 and a.completed_at is None and a.answers == {}
    assert len(a.token) >= 40 and a.token != b.token
    assert AuditLogEntry.objects.filter(object_type="assessment.checkresult", object_id=str(a.pk), action="create", company=None).exists()


@pytest.mark.parametrize("size_class", ["", "huge", "unknown"])
def test_start_needs_a_size_class(v1, size_class):
    with pytest.raises(ServiceError) as info:
        services.check_start(size_class=size_class)
    assert info.value.field == "size_class"


def test_start_without_a_published_version_is_refused(v1):
    Questionnaire.objects.filter(pk=v1.pk).update(status="retired")
    with pytest.raises(ServiceError) as info:
        services.check_start(size_class="small")
    assert info.value.code == "no_questionnaire"


def test_start_for_a_company_needs_membership(v1, company, company_user):
    stranger = UserFactory()
    with pytest.raises(ServiceError):
        services.check_start(size_class="small", user=stranger, company=company)
    result = services.check_start(size_class="small", user=company_user, company=company)
    assert result.company == company and result.user == company_user


def test_partial_save_stores_valid_answers_and_reports_the_rest(v1, spec):
    result = services.check_start(size_class="small")
    first, second, third = (q.key for q in spec.questions[:3])
    problems = services.check_save_answers(result=result, answers={first: "2", second: 9, "erfunden": 1})
    result.refresh_from_db()
    assert result.answers == {first: 2}
    assert {(p.question, p.code) for p in problems} == {(second, "invalid_level"), ("erfunden", "unknown_question")}
    assert services.check_save_answers(result=result, answers={third: 4}) == []
    result.refresh_from_db()
    assert result.answers == {first: 2, third: 4}


def test_partial_save_reports_an_inconsistency_with_a_message_naming_the_other_question(v1, spec):
    rule = next(q for q in spec.questions if q.has_rule)
    other = spec.question(rule.requires)
    result = services.check_start(size_class="small")
    with translation.override("de"):
        problems = services.check_save_answers(result=result, answers={other.key: 0, rule.key: 4})
    (problem,) = problems
    assert problem.question == rule.key and problem.code == "inconsistent"
    assert f"Frage {other.number}" in problem.message or other.text in problem.message
    assert other.text in problem.message
    result.refresh_from_db()
    assert result.answers == {other.key: 0, rule.key: 4}  # kept, so the respondent can correct either


def test_complete_reports_every_missing_and_inconsistent_answer(v1, spec):
    rule = next(q for q in spec.questions if q.has_rule)
    result = services.check_start(size_class="small")
    answers = uniform(spec, 1)
    answers[rule.key] = 4
    answers[rule.requires] = 0
    missing = spec.questions[-1].key
    del answers[missing]
    with pytest.raises(services.AnswersInvalid) as info:
        services.check_complete(result=result, answers=answers)
    assert info.value.by_question().keys() == {rule.key, missing}
    assert missing in info.value.message and rule.key in info.value.message
    result.refresh_from_db()
    assert result.completed_at is None and result.answers == {}  # nothing stored


def test_complete_scores_and_freezes_the_answers(v1, spec):
    result = services.check_start(size_class="small")
    result = services.check_complete(result=result, answers=uniform(spec, 4))
    assert result.completed_at is not None
    assert result.scores == {d.key: 100 for d in spec.dimensions} | {"overall": 100}
    with pytest.raises(ServiceError) as info:
        services.check_save_answers(result=result, answers={spec.questions[0].key: 0})
    assert info.value.code == "completed"
    with pytest.raises(ServiceError):
        services.check_complete(result=result)


def test_all_answers_0_score_0(completed, spec):
    result = completed(level=0)
    assert set(result.scores.values()) == {0}


def test_scores_follow_the_weights_of_version_1(completed, spec):
    dimension = spec.dimensions[0]
    questions = spec.questions_of(dimension.key)
    answers = uniform(spec, 0)
    heavy = max(questions, key=lambda q: q.weight)
    answers[heavy.key] = 4
    result = completed(answers=answers)
    total = sum(q.weight for q in questions)
    expected = (heavy.weight * 4 * 100 * 2 + total * 4) // (total * 4 * 2)  # half up
    assert result.scores[dimension.key] == expected


# --- the API's submission ----------------------------------------------------------------------


def test_submit_stores_an_anonymous_completed_result(v1, spec):
    result = services.check_submit(version=1, answers=uniform(spec, 3), size_class="medium")
    assert result.completed_at and result.company is None and result.user is None
    assert result.scores["overall"] == 75
    entry = AuditLogEntry.objects.get(object_type="assessment.checkresult", object_id=str(result.pk))
    assert entry.company is None and entry.changes["source"] == [None, "api"]


def test_submit_refuses_another_version_and_stores_nothing(v1, spec):
    with pytest.raises(ServiceError) as info:
        services.check_submit(version=2, answers=uniform(spec, 3))
    assert info.value.field == "version" and info.value.code == "wrong_version"
    assert not CheckResult.objects.exists()


# --- company, sharing and the timeline ---------------------------------------------------------


def _audit_on_timeline(company):
    return [i.obj for i in company_timeline(company) if i.kind == "audit" and i.obj.object_type == "assessment.checkresult"]


def test_a_result_saved_to_a_company_but_not_shared_stays_off_the_timeline(completed, company, company_user):
    result = completed()
    services.check_attach_to_company(result=result, user=company_user, company=company)
    result.refresh_from_db()
    assert result.company == company and result.user == company_user and not result.shared_with_agency
    assert _audit_on_timeline(company) == []


def test_sharing_puts_the_result_on_the_timeline_and_withdrawing_logs_without_the_company(completed, company, company_user):
    result = completed(user=company_user, company=company)
    services.check_share(result=result, shared=True, actor=company_user)
    result.refresh_from_db()
    assert result.shared_with_agency and result.shared_at is not None
    (entry,) = _audit_on_timeline(company)
    assert entry.action == "consent" and entry.changes == {"shared_with_agency": [False, True]}
    assert entry.object_id == str(result.pk)
    services.check_share(result=result, shared=False, actor=company_user)
    result.refresh_from_db()
    assert not result.shared_with_agency and result.shared_at is None
    withdrawal = AuditLogEntry.objects.filter(object_type="assessment.checkresult", object_id=str(result.pk)).order_by("-id").first()
    assert withdrawal.changes == {"shared_with_agency": [True, False]} and withdrawal.company is None
    assert len(_audit_on_timeline(company)) == 1
    # Sharing again with no change writes nothing new.
    services.check_share(result=result, shared=False, actor=company_user)
    assert AuditLogEntry.objects.filter(object_type="assessment.checkresult", object_id=str(result.pk)).count() == 4


def test_only_members_share_and_only_completed_results(v1, completed, company, company_user):
    result = completed(user=company_user, company=company)
    outsider = UserFactory()
    with pytest.raises(ServiceError):
        services.check_share(result=result, shared=True, actor=outsider)
    open_result = services.check_start(size_class="small", user=company_user, company=company)
    with pytest.raises(ServiceError):
        services.check_share(result=open_result, shared=True, actor=company_user)
    anonymous = completed()
    with pytest.raises(ServiceError):
        services.check_share(result=anonymous, shared=True, actor=company_user)


def test_moving_a_shared_result_to_another_company_withdraws_the_sharing(completed, company, company_user):
    other = CompanyFactory(name="Zweitfirma GmbH")
    MembershipFactory(user=company_user, company=other)
    result = completed(user=company_user, company=company)
    services.check_share(result=result, shared=True, actor=company_user)
    services.check_attach_to_company(result=result, user=company_user, company=other)
    result.refresh_from_db()
    assert result.company == other and not result.shared_with_agency


def test_someone_elses_result_cannot_be_attached(completed, company, company_user):
    result = completed(user=company_user, company=company)
    intruder = UserFactory()
    intruder_company = CompanyFactory()
    MembershipFactory(user=intruder, company=intruder_company)
    with pytest.raises(ServiceError):
        services.check_attach_to_company(result=result, user=intruder, company=intruder_company)
    with pytest.raises(ServiceError):  # not a member of that company
        services.check_attach_to_company(result=completed(), user=company_user, company=intruder_company)


# --- version change ----------------------------------------------------------------------------


def _publish_v2_with_changes(v1, coordinator):
    """v2: the first question reworded and its level 4 removed, the last question deleted, a new one added."""
    draft = services.questionnaire_draft_from(actor=coordinator, source=v1)
    first = draft.questions.order_by("dimension__order", "order").first()
    options = [services.OptionData(o.level, o.text_de, o.text_en) for o in first.options.all()]
    services.question_update(
        actor=coordinator, question=first, data={"text_de": "Neu formulierte Frage?"},
        options=[o for o in options if o.level != 4] + [services.OptionData(4, "Ganz neu", "Brand new")],
    )  # fmt: skip
    last = draft.questions.order_by("-dimension__order", "-order").first()
    services.question_delete(actor=coordinator, question=last)
    services.question_create(
        actor=coordinator, dimension=first.dimension, data={"key": "res_new", "text_de": "Ganz neue Frage?", "weight": 2},
        options=[services.OptionData(0, "nein"), services.OptionData(4, "ja")],
    )  # fmt: skip
    services.questionnaire_publish(actor=coordinator, questionnaire=draft)
    return draft, first, last


def test_an_old_result_keeps_its_version_and_texts_after_a_new_version_is_published(v1, spec, completed, coordinator):
    result = completed(level=3)
    v1_first_text = spec.questions[0].text
    v2, first, last = _publish_v2_with_changes(v1, coordinator)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v1.status == "retired" and v2.status == "published"
    result.refresh_from_db()
    report = queries.report(result)
    assert report.spec.version == 1
    assert [row.key for row in report.rows] == [d.key for d in spec.dimensions]
    answered = dict((number, text) for _, items in report.answers for number, text, _level, _answer in items)
    assert answered[1] == v1_first_text
    assert last.key in {q.key for q in report.spec.questions}  # deleted in v2, still part of v1
    assert "res_new" not in {q.key for q in report.spec.questions}


def test_a_check_in_progress_continues_on_its_own_version(v1, spec, coordinator):
    result = services.check_start(size_class="small")
    services.check_save_answers(result=result, answers={spec.questions[0].key: 1})
    _publish_v2_with_changes(v1, coordinator)
    result.refresh_from_db()
    assert result.questionnaire == v1
    done = services.check_complete(result=result, answers=uniform(spec, 1) | {spec.questions[0].key: 1})
    assert done.questionnaire == v1 and done.scores["overall"] == 25


def test_starting_over_on_the_new_version_takes_over_unchanged_answers(v1, spec, coordinator):
    old = services.check_start(size_class="small")
    answers = uniform(spec, 2)
    services.check_save_answers(result=old, answers=answers)
    v2, first, last = _publish_v2_with_changes(v1, coordinator)
    new = services.check_start(size_class="small", carry_over_from=old)
    assert new.questionnaire == v2
    assert first.key in new.answers  # level 2 is still offered
    assert last.key not in new.answers and "res_new" not in new.answers
    assert len(new.answers) == len(answers) - 1


def test_submit_with_the_old_version_is_refused_after_a_new_one_is_published(v1, spec, coordinator):
    _publish_v2_with_changes(v1, coordinator)
    with pytest.raises(ServiceError) as info:
        services.check_submit(version=1, answers=uniform(spec, 1))
    assert info.value.code == "wrong_version"


def test_the_timeline_link_helper_points_to_shared_results_only(completed, company, company_user):
    from django.template import Context, Template
    from django.urls import reverse

    result = completed(user=company_user, company=company)
    services.check_share(result=result, shared=True, actor=company_user)
    (entry,) = _audit_on_timeline(company)
    template = Template("{% load check_results %}{% check_result_url entry as url %}[{{ url }}]")
    assert template.render(Context({"entry": entry})) == f"[{reverse('backoffice:check_result', args=[result.pk])}]"
    services.check_share(result=result, shared=False, actor=company_user)
    assert template.render(Context({"entry": entry})) == "[]"
    other = AuditLogEntry.objects.filter(company=company).exclude(object_type="assessment.checkresult").first()
    if other is not None:
        assert template.render(Context({"entry": other})) == "[]"
