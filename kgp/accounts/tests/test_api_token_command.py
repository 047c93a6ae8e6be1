"""`manage.py api_token create|revoke EMAIL`: the printed token works, only its hash is stored."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from kgp.accounts.models import ApiToken
from kgp.accounts.services import api_token_authenticate


def run(*args: str) -> str:
    out = StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
class TestCreate:
    def test_printed_token_authenticates(self, consultant, company):
        token = run("create", consultant.email)
        assert token.startswith(ApiToken.PREFIX)
        assert api_token_authenticate(token) == consultant
        response = Client().get("/api/v1/companies", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        assert [c["id"] for c in response.json()["results"]] == [company.pk]

    def test_only_the_hash_is_stored(self, consultant):
        token = run("create", consultant.email, "--name", "CRM-Sync")
        stored = ApiToken.objects.get(user=consultant)
        assert stored.name == "CRM-Sync"
        assert stored.token_hash == ApiToken.hash(token)
        assert token not in stored.token_hash

    def test_email_is_case_insensitive(self, consultant):
        token = run("create", "  " + consultant.email.upper())
        assert api_token_authenticate(token) == consultant

    def test_every_call_prints_a_new_token(self, consultant):
        first, second = run("create", consultant.email), run("create", consultant.email)
        assert first != second
        assert api_token_authenticate(first) == api_token_authenticate(second) == consultant

    def test_unknown_user(self, db):
        with pytest.raises(CommandError, match="No user"):
            run("create", "niemand@example.org")
        assert not ApiToken.objects.exists()

    def test_deactivated_user(self, consultant):
        consultant.is_active = False
        consultant.save(update_fields=["is_active"])
        with pytest.raises(CommandError, match="deactivated"):
            run("create", consultant.email)
        assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_revoke_stops_all_tokens_of_the_user(consultant, other_consultant):
    first, second = run("create", consultant.email), run("create", consultant.email)
    other = run("create", other_consultant.email)
    assert run("revoke", consultant.email) == f"Revoked 2 token(s) of {consultant.email}."
    assert api_token_authenticate(first) is None
    assert api_token_authenticate(second) is None
    assert api_token_authenticate(other) == other_consultant
    response = Client().get("/api/v1/companies", headers={"Authorization": f"Bearer {first}"})
    assert response.status_code == 401
