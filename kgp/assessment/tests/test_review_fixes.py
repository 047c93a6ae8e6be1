"""Regressions from the review: odd digits and tokens, a result sent along without a company in the
backoffice, check results moving with a company merge, and the queries of publish_problems."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kgp.assessment import access, scoring, services
from kgp.assessment.models import CheckResult
from kgp.companies import services as company_services
from kgp.testing.factories import CompanyFactory, MembershipFactory, RequestFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- levels and tokens -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "-²", "--1", "٣", "1²", "", " ", "-", "1234", "2.0", None, True, 2.5])
def test_odd_levels_are_invalid_never_an_error(value):
    assert scoring.as_level(value) is None


@pytest.mark.parametrize(("value", "level"), [(3, 3), ("3", 3), (" 4 ", 4), ("-1", -1), ("007", 7)])
def test_plain_levels_are_read(value, level):
    assert scoring.as_level(value) == level


def test_a_superscript_level_is_reported_as_invalid(spec):
    answers = {q.key: 2 for q in spec.questions} | {spec.questions[0].key: "²"}
    errors = scoring.validate(spec, answers)
    assert [e.code for e in errors] == ["invalid_level"]


@pytest.mark.parametrize("value", ["²", "-²", "--1"])
def test_an_odd_level_in_the_portal_is_a_form_error(client, completed, spec, value):
    client.post(reverse("web:check_start"), {"size_class": "small"})
    result = CheckResult.objects.get()
    key = spec.questions_of(spec.dimensions[0].key)[0].key
    url = reverse("web:check_step", args=[result.token, 1])
    assert client.post(url, {f"q-{key}": value, "action": "save"}).status_code == 302
    assert client.post(url, {f"q-{key}": value, "action": "next"}).status_code == 400
    result.refresh_from_db()
    assert key not in (result.answers or {})


@pytest.mark.parametrize("token", ["a\x00b" * 10, "a" * 19, "a" * 65, "a" * 30 + "\n", "a" * 30 + "/", "ä" * 30, "", None])
def test_malformed_tokens_are_404_without_a_query(token, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(Http404):
        access.result_by_token(token)


def test_a_real_token_is_found(completed):
    result = completed()
    assert access.result_by_token(result.token) == result


@pytest.mark.parametrize("path", ["a%00b", "a%00b/ergebnis", "a%00b/schritt/1"])
def test_nul_bytes_in_check_urls_are_404(client, path):
    assert client.get(f"/transformations-check/{path}/").status_code == 404


# --- a result sent along with an anonymous request ---------------------------------------------


def test_a_result_without_company_sent_along_renders_in_the_backoffice(client, consultant, company, completed):
    result = completed()  # anonymous: no company, not shared
    RequestFactory(company=company, check_result=result)
    client.force_login(consultant)
    response = client.get(reverse("backoffice:check_result", args=[result.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    with translation.override("de"):
        expected = gettext("Transformations-Check sent along with a request")
    assert expected in body
    assert "shared with the agency" not in body and "mit der Agentur geteilt" not in body


def test_a_shared_company_result_still_says_so(client, consultant, company, company_user, completed):
    result = completed(user=company_user, company=company)
    services.check_share(result=result, shared=True, actor=company_user)
    client.force_login(consultant)
    response = client.get(reverse("backoffice:check_result", args=[result.pk]))
    assert response.status_code == 200
    assert reverse("backoffice:company_detail", args=[company.pk]) in response.content.decode()


# --- company merge -----------------------------------------------------------------------------


def test_check_results_move_to_the_kept_company_on_merge(client, consultant, coordinator, completed):
    keep = CompanyFactory(name="Behalten GmbH", postcode="44139", city="Dortmund")
    removed = CompanyFactory(name="Doppelt GmbH", postcode="44139", city="Dortmund")
    user, other = UserFactory(), UserFactory()
    MembershipFactory(user=user, company=removed)
    MembershipFactory(user=other, company=removed)
    result = completed(user=user, company=removed)
    services.check_share(result=result, shared=True, actor=user)
    untouched = completed()
    company_services.company_merge(actor=coordinator, keep=keep, remove=removed)
    result.refresh_from_db()
    untouched.refresh_from_db()
    assert result.company == keep and result.shared_with_agency
    assert untouched.company is None
    client.force_login(consultant)
    assert client.get(reverse("backoffice:check_result", args=[result.pk])).status_code == 200
    # The other member moved to the kept company and still sees the company's result.
    assert access.results_for_member(other).filter(pk=result.pk).exists()
    assert not CheckResult.objects.filter(company=removed).exists()


# --- publish_problems --------------------------------------------------------------------------


def test_publish_problems_needs_a_constant_number_of_queries(v1):
    assert v1.questions.filter(requires__isnull=False).count() >= 2  # rules to check
    with CaptureQueriesContext(connection) as queries:
        assert services.publish_problems(v1) == []
    assert len(queries) <= 4  # dimensions, questions (with requires), options, options of the required questions
