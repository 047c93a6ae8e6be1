"""Public portal: landing, registration with e-mail verification, company registration, join
requests, profile and consents; plus security headers."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from kgp.accounts.models import Role, User
from kgp.companies.models import Company, CompanyMembership, Consent
from kgp.testing.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_landing_page_shows_modules_and_partners(client):
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    for partner in ("Wirtschaftsförderung Dortmund", "Bochum Wirtschaftsentwicklung", "Wirtschaftsförderung Hagen", "Wirtschaftsförderung Hamm", "Wirtschaftsförderung Kreis Unna"):
        assert partner in body
    assert reverse("account_signup") in body


def test_strict_csp_and_no_third_party_assets(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    body = response.content.decode()
    assert not re.search(r'(src|href)="https?://', body)
    assert "<script>" not in body  # no inline scripts


def test_health(client):
    assert client.get("/health/").json() == {"status": "ok"}


def test_signup_verify_email_and_login(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "neu@example.org", "password1": "Sehr-sicheres-Passwort-1", "password2": "Sehr-sicheres-Passwort-1"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="neu@example.org")
    assert user.role == Role.COMPANY
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else re.sub(r"^https?://[^/]+", "", link)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified


def test_unverified_user_cannot_log_in(client):
    User.objects.create_user(email="unverified@example.org", password="Sehr-sicheres-Passwort-1", role=Role.COMPANY)
    response = client.post(reverse("account_login"), {"login": "unverified@example.org", "password": "Sehr-sicheres-Passwort-1"})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)


def test_login_is_rate_limited(client):
    from kgp.testing.factories import PASSWORD

    UserFactory(email="ziel@example.org")
    for i in range(6):
        client.post(reverse("account_login"), {"login": "ziel@example.org", "password": f"falsch-{i}"})
    response = client.post(reverse("account_login"), {"login": "ziel@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session  # even the right password is refused for a while
    assert response.status_code in (200, 429)
    assert response.context is None or response.context["form"].errors


def test_company_user_registers_a_company_with_consent(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("web:portal_company_create"),
        {"name": "Portal Werk GmbH", "postcode": "59063", "city": "Hamm", "is_autonomous": "on", "consent-network_sharing": "on"},
    )
    company = Company.objects.get(name="Portal Werk GmbH")
    assert response.status_code == 302
    assert company.responsible_partner.key == "hamm"
    assert company.network_sharing is True
    consent = Consent.objects.get(company=company, kind="network_sharing")
    assert consent.granted and consent.source == "portal" and consent.text
    assert CompanyMembership.objects.get(user=user, company=company).status == "approved"


def test_registering_a_known_company_asks_to_join(client):
    existing = CompanyFactory(name="Bekannt Werk GmbH", postcode="59063", city="Hamm")
    client.force_login(UserFactory())
    client.post(reverse("web:portal_company_create"), {"name": "Bekannt Werk GmbH", "postcode": "59065", "city": "Hamm"})
    membership = CompanyMembership.objects.get(company=existing)
    assert membership.status == "pending"
    assert Company.objects.count() == 1
    # Not approved yet: no access to the profile.
    assert client.get(reverse("web:portal_company_edit", args=[existing.pk])).status_code == 404


def test_company_user_edits_profile_and_withdraws_consent(client, company_user, company):
    company.network_sharing = True
    company.save()
    client.force_login(company_user)
    response = client.post(
        reverse("web:portal_company_edit", args=[company.pk]),
        {"name": company.name, "postcode": company.postcode, "city": company.city, "phone": "0231 555", "is_autonomous": "on"},
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.phone == "0231 555"
    assert company.network_sharing is False
    assert Consent.objects.filter(company=company, kind="network_sharing", granted=False).exists()


def test_company_user_bad_input_is_400(client, company_user, company):
    client.force_login(company_user)
    response = client.post(reverse("web:portal_company_edit", args=[company.pk]), {"name": "", "postcode": "99", "city": "x"})
    assert response.status_code == 400
    company.refresh_from_db()
    assert company.name == "Stahlbau Beispiel GmbH"


def test_company_user_cannot_open_other_companies(client, company_user):
    other = CompanyFactory()
    client.force_login(company_user)
    assert client.get(reverse("web:portal_company_edit", args=[other.pk])).status_code == 404


def test_staff_are_sent_to_the_backoffice(client, consultant):
    client.force_login(consultant)
    assert client.get(reverse("web:after_login"))["Location"] == reverse("backoffice:home")
    assert client.get(reverse("web:portal_company_create")).status_code == 404


def test_language_switch_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert 'lang="de"' in client.get("/").content.decode()


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    user = UserFactory(email="vergessen@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "vergessen@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    response = client.post(form_url, {"password1": "Ganz-neues-Passwort-7", "password2": "Ganz-neues-Passwort-7"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Ganz-neues-Passwort-7")
