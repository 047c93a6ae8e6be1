"""The Transformations-Check in the portal: start, steps with messages per question, save and resume
by the unguessable link, result page (chart, table, interpretation, comparison, recommendations),
saving to a company, sharing with the agency, the history, and old versions."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse

from kgp.assessment import queries, services
from kgp.assessment.models import CheckResult, Question, Questionnaire
from kgp.companies.queries import company_timeline
from kgp.testing.factories import CompanyFactory, MembershipFactory, OfferFactory, UserFactory

pytestmark = pytest.mark.django_db

START = reverse("web:check_start")


@pytest.fixture
def en(client) -> Client:
    """The test client with the English interface (the UI source strings are English)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def spec(db):
    return queries.spec_for(Questionnaire.objects.get(version=1))


def step_url(token: str, step: int) -> str:
    return reverse("web:check_step", args=[token, step])


def keys(spec, step: int) -> list[str]:
    return [q.key for q in spec.questions_of(spec.dimensions[step - 1].key)]


def post_step(client, token, spec, step, level=2, action="next", skip=(), **overrides):
    data = {f"q-{k}": level for k in keys(spec, step) if k not in skip}
    data.update({f"q-{k}": v for k, v in overrides.items()})
    data["action"] = action
    return client.post(step_url(token, step), data)


def start(client, size_class="small") -> CheckResult:
    response = client.post(START, {"size_class": size_class})
    assert response.status_code == 302
    return CheckResult.objects.latest("id")


def answer_all(client, result, spec, level=2) -> None:
    for step in range(1, len(spec.dimensions) + 1):
        response = post_step(client, result.token, spec, step, level=level, action="finish" if step == len(spec.dimensions) else "next")
        assert response.status_code == 302, response.content.decode()[:2000]


# --- start -------------------------------------------------------------------------------------


def test_start_page_explains_duration_anonymity_and_data(en):
    response = en.get(START)
    body = response.content.decode()
    assert response.status_code == 200
    assert "27 questions in 5 steps" in body and "anonymously" in body and "at least five companies" in body
    for name in ("Resilient production", "Climate-friendly production", "Smart production", "Cooperation and transfer", "Skilled workers and talent"):
        assert name in body
    assert reverse("web:privacy") in body


def test_start_needs_the_size_class(en):
    response = en.post(START, {})
    assert response.status_code == 400
    assert "how many people" in response.content.decode()
    assert not CheckResult.objects.exists()


def test_start_creates_a_check_and_goes_to_step_1(client):
    response = client.post(START, {"size_class": "micro"})
    result = CheckResult.objects.get()
    assert response["Location"] == step_url(result.token, 1)
    assert result.size_class == "micro" and result.user is None and result.company is None
    assert client.session["check_in_progress_token"] == result.token


def test_logged_in_company_user_starts_with_the_company_size_prefilled(client, company, company_user):
    company.size_class = "medium"
    company.save()
    client.force_login(company_user)
    response = client.get(START)
    assert response.context["form"]["size_class"].value() == "medium"
    assert response.context["form"]["company"].value() == company.pk
    client.post(START, {"size_class": "medium", "company": company.pk})
    result = CheckResult.objects.get()
    assert result.company == company and result.user == company_user


def test_a_company_of_someone_else_cannot_be_chosen(client, company_user):
    foreign = CompanyFactory()
    client.force_login(company_user)
    response = client.post(START, {"size_class": "small", "company": foreign.pk})
    assert response.status_code == 400
    assert not CheckResult.objects.exists()


# --- steps -------------------------------------------------------------------------------------


def test_step_page_has_fieldsets_legends_progress_and_no_inline_styles(en, spec):
    result = start(en)
    response = en.get(step_url(result.token, 2))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Step 2 of 5" in body
    assert body.count("<fieldset") == len(keys(spec, 2))
    assert body.count("<legend>") == len(keys(spec, 2))
    assert 'aria-current="step"' in body
    assert 'style="' not in body and "<script>" not in body
    assert result.token in body  # the personal link to bookmark
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_missing_answers_get_a_message_per_question_and_a_summary(en, spec):
    result = start(en)
    missing = keys(spec, 1)[1:3]
    response = post_step(en, result.token, spec, 1, skip=missing)
    assert response.status_code == 400
    body = response.content.decode()
    for key in missing:
        assert f'id="q-{key}-error"' in body
        assert re.search(rf'<fieldset class="check-question has-error" id="q-{key}" aria-describedby="[^"]*q-{key}-error"', body)
        assert f'href="#q-{key}-0"' in body  # the summary links to the first answer
    assert body.count("Please choose an answer to this question.") == 2 * len(missing)  # summary and field
    result.refresh_from_db()
    assert set(result.answers) == set(keys(spec, 1)) - set(missing)  # the given ones are kept


def test_an_inconsistent_pair_gets_a_specific_message(en, spec):
    rule = next(q for q in spec.questions if q.has_rule)
    other = spec.question(rule.requires)
    step = spec.step_of(rule.key)
    result = start(en)
    response = post_step(en, result.token, spec, step, **{rule.key: 4, other.key: 0})
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="q-{rule.key}-error"' in body
    english = Question.objects.get(questionnaire__version=1, key=other.key).text_en  # the page is in English
    assert f"question {other.number}" in body and english in body


def test_save_and_continue_later_keeps_the_answers_and_the_link_resumes(en, spec):
    result = start(en)
    post_step(en, result.token, spec, 1)
    response = post_step(en, result.token, spec, 2, skip=keys(spec, 2)[2:], action="save")
    assert response.status_code == 302 and response["Location"] == step_url(result.token, 2)
    result.refresh_from_db()
    assert len(result.answers) == len(keys(spec, 1)) + 2
    other_browser = Client()
    resumed = other_browser.get(reverse("web:check_resume", args=[result.token]))
    assert resumed["Location"] == step_url(result.token, 2)  # the first step with open questions
    page = other_browser.get(step_url(result.token, 2)).content.decode()
    first = keys(spec, 2)[0]
    assert f'id="q-{first}-2" value="2" checked' in page


def test_back_saves_and_goes_back_without_requiring_answers(client, spec):
    result = start(client)
    response = post_step(client, result.token, spec, 3, skip=keys(spec, 3)[1:], action="back")
    assert response["Location"] == step_url(result.token, 2)
    result.refresh_from_db()
    assert list(result.answers) == keys(spec, 3)[:1]


def test_finish_with_open_questions_on_other_steps_links_to_them(en, spec):
    result = start(en)
    response = post_step(en, result.token, spec, 5, action="finish")
    assert response.status_code == 400
    body = response.content.decode()
    assert step_url(result.token, 1) + f"#q-{keys(spec, 1)[0]}-0" in body
    result.refresh_from_db()
    assert result.completed_at is None


def test_tampered_levels_are_refused(en, spec):
    result = start(en)
    key = keys(spec, 1)[0]
    response = post_step(en, result.token, spec, 1, **{key: 9})
    assert response.status_code == 400
    assert f'id="q-{key}-error"' in response.content.decode()
    result.refresh_from_db()
    assert key not in result.answers


def test_unknown_steps_and_tokens_are_404(client, spec):
    result = start(client)
    assert client.get(step_url(result.token, 0)).status_code == 404
    assert client.get(step_url(result.token, 6)).status_code == 404
    for token in ("x" * 43, result.token[:-1] + ("A" if result.token[-1] != "A" else "B"), "a" * 300):
        assert client.get(reverse("web:check_resume", args=[token])).status_code == 404
        assert client.get(reverse("web:check_result", args=[token])).status_code == 404


# --- result ------------------------------------------------------------------------------------


def test_the_whole_check_leads_to_the_result_page(en, spec):
    OfferFactory(title="Lieferketten-Coaching", module="coach", topics=["resilience"])
    OfferFactory(title="KI-Transfer", module="transfer", topics=["smart"])
    result = start(en)
    answers_level = 1
    answer_all(en, result, spec, level=answers_level)
    result.refresh_from_db()
    assert result.completed_at is not None and result.scores["overall"] == 25
    assert en.session["check_result_token"] == result.token
    response = en.get(reverse("web:check_result", args=[result.token]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "25 of 100 points overall" in body
    assert body.count('<svg class="check-bar"') == 6 and 'width="25"' in body
    assert "<table" in body and body.count('<th scope="row">') == 6  # five dimensions + overall
    dimension = Questionnaire.objects.get(version=1).dimensions.get(key="smart")
    assert dimension.interpretation_basic_en in body  # 25 points: the basic band, in English
    assert "Lieferketten-Coaching" in body and "KI-Transfer" in body
    assert "Addresses your weakest area" in body
    assert "A comparison with companies of your size appears" in body
    assert 'style="' not in body
    try:
        package_add = reverse("web:package_add")
    except NoReverseMatch:
        package_add = None
    if package_add:
        assert f'action="{package_add}"' in body
        assert re.search(r'name="offer" value="\d+"', body) and f'name="next" value="{reverse("web:check_result", args=[result.token])}"' in body


def _company_check(spec, level: int) -> None:
    user, company = UserFactory(), CompanyFactory()
    MembershipFactory(user=user, company=company)
    result = services.check_start(size_class="small", user=user, company=company)
    services.check_complete(result=result, answers={q.key: level for q in spec.questions})


def test_the_result_shows_the_comparison_from_five_other_results(en, spec):
    for level in (2, 2, 3, 3):
        _company_check(spec, level)
    for _ in range(5):  # anonymous results never count
        services.check_complete(result=services.check_start(size_class="small"), answers={q.key: 0 for q in spec.questions})
    result = start(en)
    answer_all(en, result, spec, level=1)
    url = reverse("web:check_result", args=[result.token])
    assert "Average of comparable companies" not in en.get(url).content.decode()
    _company_check(spec, 4)
    body = en.get(url).content.decode()
    assert "Average of comparable companies" in body and "taken from 5 results" in body
    assert '<td class="num">70</td>' in body  # (50 + 50 + 75 + 75 + 100) / 5
    assert 'class="average"' in body


def test_an_unfinished_check_has_no_result_page_yet(client):
    result = start(client)
    response = client.get(reverse("web:check_result", args=[result.token]))
    assert response["Location"] == reverse("web:check_resume", args=[result.token])


def test_a_completed_check_cannot_be_changed_through_the_steps(client, spec):
    result = start(client)
    answer_all(client, result, spec)
    response = post_step(client, result.token, spec, 1, level=4)
    assert response["Location"] == reverse("web:check_result", args=[result.token])
    result.refresh_from_db()
    assert set(result.answers.values()) == {2}


def test_an_anonymous_visitor_cannot_save_or_share(client, spec):
    result = start(client)
    answer_all(client, result, spec)
    body = client.get(reverse("web:check_result", args=[result.token])).content.decode()
    assert reverse("web:check_share", args=[result.token]) not in body
    assert reverse("account_login") in body
    assert client.post(reverse("web:check_share", args=[result.token]), {"shared": "1"}).status_code == 302  # to the login
    result.refresh_from_db()
    assert not result.shared_with_agency


# --- company users: save, share, history -------------------------------------------------------


def test_company_user_saves_an_anonymous_result_and_shares_it(en, spec, company, company_user, consultant, other_consultant):
    result = start(en)
    answer_all(en, result, spec)
    en.force_login(company_user)
    url = reverse("web:check_result", args=[result.token])
    body = en.get(url).content.decode()
    assert reverse("web:check_attach", args=[result.token]) in body
    response = en.post(reverse("web:check_attach", args=[result.token]), {"company": company.pk})
    assert response["Location"] == url
    result.refresh_from_db()
    assert result.company == company and result.user == company_user
    assert not [i for i in company_timeline(company) if i.kind == "audit" and i.obj.object_type == "assessment.checkresult"]

    backoffice_url = reverse("backoffice:check_result", args=[result.pk])
    staff = Client()
    staff.force_login(consultant)
    assert staff.get(backoffice_url).status_code == 404  # not shared yet

    assert "Wirtschaftsförderung Dortmund" in en.get(url).content.decode()  # names the agency
    en.post(reverse("web:check_share", args=[result.token]), {"shared": "1"})
    result.refresh_from_db()
    assert result.shared_with_agency
    entries = [i.obj for i in company_timeline(company) if i.kind == "audit" and i.obj.object_type == "assessment.checkresult"]
    assert len(entries) == 1 and entries[0].object_id == str(result.pk)
    assert staff.get(backoffice_url).status_code == 200
    other = Client()
    other.force_login(other_consultant)
    assert other.get(backoffice_url).status_code == 404

    en.post(reverse("web:check_share", args=[result.token]), {"shared": "0"})
    result.refresh_from_db()
    assert not result.shared_with_agency
    assert staff.get(backoffice_url).status_code == 404


def test_another_users_result_cannot_be_attached_or_shared(client, spec, company, company_user):
    result = start(client)
    answer_all(client, result, spec)
    client.force_login(company_user)
    client.post(reverse("web:check_attach", args=[result.token]), {"company": company.pk})
    intruder = UserFactory()
    MembershipFactory(user=intruder, company=CompanyFactory())
    client.force_login(intruder)
    assert client.post(reverse("web:check_attach", args=[result.token]), {"company": company.pk}).status_code == 403
    assert client.post(reverse("web:check_share", args=[result.token]), {"shared": "1"}).status_code == 403
    result.refresh_from_db()
    assert result.company == company and not result.shared_with_agency


def test_history_lists_open_and_completed_checks_of_the_user_and_the_company(client, spec, company, company_user):
    client.force_login(company_user)
    open_check = start(client)
    done = start(client)
    answer_all(client, done, spec)
    colleague_result = services.check_start(size_class="small", user=UserFactory(), company=None)
    response = client.get(reverse("web:check_history"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["in_progress"]] == [open_check.pk]
    assert [r.pk for r in response.context["completed"]] == [done.pk]
    body = response.content.decode()
    assert reverse("web:check_resume", args=[open_check.token]) in body
    assert reverse("web:check_result", args=[done.token]) in body
    assert colleague_result.token not in body


def test_history_needs_a_login_and_sends_staff_to_the_backoffice(client, consultant):
    assert client.get(reverse("web:check_history"))["Location"].startswith(reverse("account_login"))
    client.force_login(consultant)
    assert client.get(reverse("web:check_history"))["Location"] == reverse("backoffice:home")


# --- versions ----------------------------------------------------------------------------------


def _publish_v2(coordinator):
    v1 = Questionnaire.objects.get(version=1)
    draft = services.questionnaire_draft_from(actor=coordinator, source=v1)
    question = draft.questions.get(key="res_supplier_dependency")
    services.question_update(
        actor=coordinator, question=question, data={"text_de": "Völlig neue Frage zu Lieferanten?"},
        options=[services.OptionData(0, "nein"), services.OptionData(4, "ja")],
    )  # fmt: skip
    services.questionnaire_publish(actor=coordinator, questionnaire=draft)
    return draft


def test_a_result_of_version_1_still_displays_after_version_2(client, spec, coordinator):
    result = start(client)
    answer_all(client, result, spec, level=3)
    _publish_v2(coordinator)
    body = client.get(reverse("web:check_result", args=[result.token])).content.decode()
    assert "75" in body
    assert spec.question("res_supplier_dependency").text in body  # the v1 wording in "Your answers"
    assert "Völlig neue Frage" not in body


def test_a_check_in_progress_of_version_1_continues_or_starts_over(en, spec, coordinator):
    result = start(en)
    post_step(en, result.token, spec, 1, level=3)
    v2 = _publish_v2(coordinator)
    page = en.get(step_url(result.token, 1)).content.decode()
    assert "version 2 is now current" in page
    v1_question = Questionnaire.objects.get(version=1).questions.get(key="res_supplier_dependency")
    assert v1_question.text_en in page  # still its own version
    response = en.post(reverse("web:check_restart", args=[result.token]))
    new = CheckResult.objects.latest("id")
    assert new.questionnaire == v2 and new.pk != result.pk
    assert "res_supplier_dependency" not in new.answers  # level 3 is no longer offered
    assert len(new.answers) == len(keys(spec, 1)) - 1
    assert response["Location"] == step_url(new.token, 1)
    # The old one can still be finished on version 1.
    answer_all(en, result, spec, level=3)
    result.refresh_from_db()
    assert result.completed_at and result.questionnaire.version == 1


def test_the_check_is_closed_without_a_published_version(en):
    Questionnaire.objects.update(status="retired")
    response = en.get(START)
    assert "not available" in response.content.decode()
    assert en.post(START, {"size_class": "small"}).status_code == 400


def test_staff_trying_the_check_take_it_anonymously(client, consultant):
    client.force_login(consultant)
    result = start(client)
    assert result.user is None and result.company is None
