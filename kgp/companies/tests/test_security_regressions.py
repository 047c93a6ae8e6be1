"""Regression tests for problems a security review found (tenancy, privacy, NUL bytes, audit gaps).

Each docstring describes the problem as it was; the test asserts the fixed behaviour.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kgp.accounts.models import Role
from kgp.companies import services
from kgp.companies.filters import CompanyFilter
from kgp.companies.models import Company, CompanyImport, Consent, Contact
from kgp.core.models import AuditLogEntry
from kgp.testing.factories import CompanyFactory, UserFactory, org

pytestmark = pytest.mark.django_db


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("firmen.csv", text.encode("utf-8"), content_type="text/csv")


# --- tenancy ------------------------------------------------------------------------------------


def test_coordinator_import_is_not_visible_to_agency_consultants(client, coordinator, consultant):
    """The coordinator belongs to Dortmund (organisation=dortmund), and imports_for_user scopes by
    organisation only, so Dortmund consultants read the coordinator's import of Bochum companies."""
    client.force_login(coordinator)
    response = client.post(
        reverse("backoffice:import_upload"),
        {"file": _csv("Name;PLZ;Ort\nGeheime Bochumer Werkstatt GmbH;44787;Bochum\n")},
    )
    assert response.status_code == 302
    company_import = CompanyImport.objects.get()

    client.force_login(consultant)
    detail = client.get(reverse("backoffice:import_detail", args=[company_import.pk]))
    assert detail.status_code == 404
    upload_page = client.get(reverse("backoffice:import_upload")).content.decode()
    assert "firmen.csv" not in upload_page


def test_shared_company_detail_shows_other_agencies_only_what_the_consent_covers(client, other_consultant, consultant):
    """The network-sharing consent covers "Stammdaten und Themen"; the detail page shows another
    agency the contact persons, the internal notes and the full audit timeline as well."""
    company = services.company_create(
        actor=consultant, data={"name": "Geteilte Metall GmbH", "postcode": "44139", "city": "Dortmund"}
    )
    services.consent_record(actor=consultant, company=company, kind=Consent.Kind.NETWORK_SHARING, granted=True)
    services.contact_create(
        actor=consultant,
        company=company,
        data={"first_name": "Erika", "last_name": "Privatperson", "email": "erika.privat@example.org"},
    )
    services.note_create(actor=consultant, company=company, text="Interne Einschätzung: Liquiditätsengpass")

    client.force_login(other_consultant)
    body = client.get(reverse("backoffice:company_detail", args=[company.pk])).content.decode()
    assert "Geteilte Metall GmbH" in body  # master data: covered by the consent
    assert "erika.privat@example.org" not in body
    assert "Liquiditätsengpass" not in body


def test_portal_join_request_does_not_reveal_the_existing_company(client, company):
    """Anyone can sign up as a company user. Entering a known register number (or a similar name in
    the same place) under any name files a join request, and the portal then shows the CRM's name
    of the matched company: an oracle for "is firm X a client of the agencies, under which name"."""
    Company.objects.filter(pk=company.pk).update(register_court="Dortmund", register_number="HRB 4711")
    stranger = UserFactory(email="neugierig@example.org", role=Role.COMPANY)
    client.force_login(stranger)
    client.post(
        reverse("web:portal_company_create"),
        {"name": "Irgendwas", "postcode": "10115", "city": "Berlin", "register_court": "Dortmund",
         "register_number": "HRB 4711", "is_autonomous": "on"},
    )  # fmt: skip
    portal = client.get(reverse("web:portal")).content.decode()
    assert company.name not in portal


# --- placement ----------------------------------------------------------------------------------


def test_company_user_cannot_hand_the_company_to_another_agency(client, company, company_user):
    """Only the network coordination moves a company to another partner (access.placement_error);
    the portal edit re-derives the partner from the postcode without that check."""
    client.force_login(company_user)
    client.post(
        reverse("web:portal_company_edit", args=[company.pk]),
        {"name": company.name, "postcode": "44787", "city": "Bochum", "is_autonomous": "on"},
    )
    company.refresh_from_db()
    assert company.responsible_partner == org("dortmund")


# --- bad input ----------------------------------------------------------------------------------


def test_list_filters_reject_nul_bytes():
    """PostgreSQL refuses NUL in text parameters: /backoffice/companies/?q=%00 (and municipality,
    partner, sector, topic; also the export) answer 500 there. The API rejects control characters."""
    for name in ("q", "municipality", "partner", "sector", "topic"):
        assert name in CompanyFilter.from_params({name: "a\x00b"}).errors, name


def test_import_rejects_nul_bytes_after_the_first_8_kb(client, consultant):
    """check_upload looks for NUL only in the first 8 KB; later NULs reach the report (PostgreSQL:
    500 on upload, jsonb refuses \\u0000) and, on SQLite, the company name."""
    rows = "".join(f"Firma {i} GmbH;44139;Dortmund\n" for i in range(400))
    content = "Name;PLZ;Ort\n" + rows + "Null\x00Firma GmbH;44139;Dortmund\n"
    assert "\x00" not in content[:8192]
    client.force_login(consultant)
    client.post(reverse("backoffice:import_upload"), {"file": _csv(content)})
    assert not CompanyImport.objects.exclude(status=CompanyImport.Status.INVALID).exists()


# --- consents and audit -------------------------------------------------------------------------


def test_deleting_a_contact_keeps_the_consent_records(consultant, company):
    """Consent.contact is on_delete=CASCADE: deleting a contact erases the proof of its consents."""
    contact = services.contact_create(
        actor=consultant, company=company, data={"last_name": "Zustimmung"}, consent_contact=True
    )
    assert Consent.objects.filter(company=company, kind=Consent.Kind.CONTACT).count() == 1
    services.contact_delete(actor=consultant, contact=Contact.objects.get(pk=contact.pk))
    assert Consent.objects.filter(company=company, kind=Consent.Kind.CONTACT).count() == 1


def test_portal_registration_logs_the_membership_it_grants(client):
    """company_register_by_user creates the approved membership (portal access) without an audit entry."""
    user = UserFactory(role=Role.COMPANY)
    client.force_login(user)
    client.post(
        reverse("web:portal_company_create"),
        {"name": "Neue Gießerei GmbH", "postcode": "44139", "city": "Dortmund", "is_autonomous": "on"},
    )
    company = Company.objects.get(name="Neue Gießerei GmbH")
    assert AuditLogEntry.objects.filter(company=company, object_type="companies.companymembership").exists()


def test_holding_add_logs_the_autonomy_change(consultant):
    """holding_add sets is_autonomous=False with a bare .update() (services.py:233); no entry records it."""
    company = services.company_create(
        actor=consultant, data={"name": "Autonom GmbH", "postcode": "44139", "city": "Dortmund"}
    )
    services.holding_add(
        actor=consultant,
        company=company,
        year=2024,
        holding=services.HoldingData(name="Mutter AG", kind="linked", share_percent=60, staff_awu=10),
    )
    assert Company.objects.get(pk=company.pk).is_autonomous is False
    assert any(e.changes.get("is_autonomous") == [True, False] for e in AuditLogEntry.objects.filter(company=company))


def test_company_factory_still_works():
    """Sanity check of the fixtures this file relies on (passes)."""
    assert CompanyFactory(postcode="44787").responsible_partner == org("bochum")
