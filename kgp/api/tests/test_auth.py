"""Token authentication of the API: who gets 401, who gets 403, and that sessions do not count."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kgp.accounts.models import ApiToken, Role
from kgp.accounts.services import api_token_create, api_token_revoke_all
from kgp.api.auth import STAFF_ONLY_MESSAGE
from kgp.api.errors import UNAUTHORIZED_MESSAGE
from kgp.testing.factories import UserFactory

from .helpers import COMPANIES, ApiClient, company_url

VALID_BODY = {"name": "Neue Fräserei GmbH", "postcode": "44139", "city": "Dortmund"}


def assert_401(response) -> None:
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": UNAUTHORIZED_MESSAGE}
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
class TestUnauthenticated:
    def test_no_header(self, company):
        client = ApiClient(None)
        assert_401(client.get(COMPANIES))
        assert_401(client.get(company_url(company.pk)))
        assert_401(client.post(COMPANIES, VALID_BODY))
        assert_401(client.patch(company_url(company.pk), {"name": "X"}))

    @pytest.mark.parametrize(
        "header",
        [
            "Bearer",
            "Bearer ",
            "Bearer kgp_this-token-does-not-exist",
            "Bearer not-even-our-prefix",
            "Bearer kgp_" + "x" * 500,
            "Token kgp_abc",
            "Basic dXNlcjpwYXNz",
            "kgp_abc",
        ],
    )
    def test_bad_header(self, company, header):
        response = Client().get(COMPANIES, headers={"Authorization": header})
        assert_401(response)

    def test_revoked_token(self, consultant, company):
        token = api_token_create(user=consultant)
        assert ApiClient(token).get(COMPANIES).status_code == 200
        api_token_revoke_all(user=consultant)
        assert_401(ApiClient(token).get(COMPANIES))

    def test_deactivated_user(self, consultant, company):
        token = api_token_create(user=consultant)
        consultant.is_active = False
        consultant.save(update_fields=["is_active"])
        assert_401(ApiClient(token).get(COMPANIES))

    def test_session_login_does_not_authenticate(self, coordinator, company):
        client = Client()
        client.force_login(coordinator)
        assert_401(client.get(COMPANIES))
        assert_401(client.get(company_url(company.pk)))


@pytest.mark.django_db
class TestAuthenticated:
    @pytest.mark.parametrize("role_fixture", ["coordinator", "consultant", "readonly"])
    def test_staff_roles_get_in(self, request, role_fixture, company):
        user = request.getfixturevalue(role_fixture)
        assert ApiClient(api_token_create(user=user)).get(COMPANIES).status_code == 200

    def test_scheme_is_case_insensitive_and_spaces_tolerated(self, consultant, company):
        token = api_token_create(user=consultant)
        response = Client().get(COMPANIES, headers={"Authorization": f"bearer  {token} "})
        assert response.status_code == 200

    def test_use_is_recorded(self, consultant, company):
        token = api_token_create(user=consultant)
        assert ApiToken.objects.get().last_used_at is None
        ApiClient(token).get(COMPANIES)
        assert ApiToken.objects.get().last_used_at is not None

    @pytest.mark.parametrize("role", [Role.COMPANY, Role.COMPETENCE])
    def test_non_staff_token_gets_403_everywhere(self, role, company, company_user):
        user = company_user if role == Role.COMPANY else UserFactory(role=role)
        client = ApiClient(api_token_create(user=user))
        responses = [
            client.get(COMPANIES),
            client.get(company_url(company.pk)),  # even the company the user is a member of
            client.post(COMPANIES, VALID_BODY),
            client.patch(company_url(company.pk), {"name": "Übernommen GmbH"}),
        ]
        for response in responses:
            assert response.status_code == 403
            assert response.json() == {"detail": STAFF_ONLY_MESSAGE}
        company.refresh_from_db()
        assert company.name == "Stahlbau Beispiel GmbH"

    def test_no_csrf_needed_with_a_token_even_with_a_session(self, consultant):
        """The API has no session auth, so it needs no CSRF token; a session cookie changes nothing."""
        client = Client(enforce_csrf_checks=True)
        client.force_login(consultant)
        token = api_token_create(user=consultant)
        response = client.post(
            COMPANIES, json.dumps(VALID_BODY), content_type="application/json", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 201, response.content
