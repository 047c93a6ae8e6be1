"""Accounts: roles, staff MFA enforcement, production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import IntegrityError
from django.urls import reverse

from kgp.accounts.models import Role, User

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_agency_staff_need_an_organisation():
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="x@example.org", role=Role.CONSULTANT)


def test_email_is_the_login_and_is_lower_cased():
    user = User.objects.create_user(email="Person@Example.ORG", password="x")
    assert user.email == "person@example.org"
    assert user.role == Role.COMPANY


def test_superuser_is_a_coordinator():
    user = User.objects.create_superuser(email="admin@example.org", password="x")
    assert user.role == Role.COORDINATOR and user.is_staff_member


def test_staff_without_totp_are_sent_to_mfa_setup(client, consultant, settings):
    settings.STAFF_MFA_REQUIRED = True
    client.force_login(consultant)
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_with_totp_may_use_the_backoffice(client, consultant, settings):
    from allauth.mfa.models import Authenticator

    settings.STAFF_MFA_REQUIRED = True
    Authenticator.objects.create(user=consultant, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(consultant)
    assert client.get(reverse("backoffice:home")).status_code == 200


def test_company_users_are_not_forced_into_mfa(client, company_user, settings):
    settings.STAFF_MFA_REQUIRED = True
    client.force_login(company_user)
    assert client.get(reverse("web:portal")).status_code == 200


def _settings_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "SECRET_KEY", "DATABASE_URL", "STAFF_MFA"))}
    return env | extra


def test_production_defaults_are_safe():
    code = (
        "import sys; sys.modules.pop('pytest', None);"
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.STAFF_MFA_REQUIRED)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_settings_env(SECRET_KEY="x" * 60), capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "True", "True", "31536000", "True", "True"]


def test_missing_secret_key_in_production_refuses_to_start():
    code = "import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; from django.conf import settings; settings.DEBUG"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_settings_env(), capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_passes_with_a_production_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_settings_env(SECRET_KEY="s" * 20 + "-Production-Like-Key-0123456789abcdef", ALLOWED_HOSTS="kompetenzregion.example"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_crm_data_is_read_only_in_the_admin(client, company):
    admin_user = User.objects.create_superuser(email="root@example.org", password="x")
    client.force_login(admin_user)
    assert client.get(f"/admin/companies/company/{company.pk}/change/").status_code == 200
    assert client.post(f"/admin/companies/company/{company.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/companies/company/add/").status_code == 403


def test_superuser_address_is_verified():
    user = User.objects.create_superuser(email="op@example.org", password="x")
    assert user.emailaddress_set.get().verified


def test_api_tokens_are_audited(consultant):
    from kgp.accounts.services import api_token_create, api_token_revoke_all
    from kgp.core.models import AuditLogEntry

    api_token_create(user=consultant, name="Skript")
    assert api_token_revoke_all(user=consultant) == 1
    actions = list(AuditLogEntry.objects.filter(object_type="accounts.apitoken").values_list("action", flat=True))
    assert sorted(actions) == ["create", "delete"]
