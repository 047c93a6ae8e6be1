import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from kgp.deminimis import services
from kgp.deminimis.models import AidGrant, DeclaredAid
from kgp.testing.factories import CompanyFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def grant(consultant, company):
    company.register_court = "Amtsgericht Dortmund"
    company.register_number = "HRB 12345"
    company.street = "Hafenstraße 12"
    company.save()
    return services.aid_grant(
        actor=consultant, company=company, granted_on=dt.date(2025, 3, 1), value_eur=Decimal("12345.60"),
        purpose="Coaching zur Digitalisierung der Fertigung",
    )  # fmt: skip


def _grant_post(value="1000", day=None, **extra):
    return {"grant-granted_on": (day or TODAY).isoformat(), "grant-value_eur": value, "grant-purpose": "Coaching", **extra}


def test_certificate_pdf_contains_the_required_statements(client, consultant, grant):
    client.force_login(consultant)
    response = client.get(reverse("backoffice:deminimis_certificate", args=[grant.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert grant.certificate_number in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in (
        "De-minimis-Bescheinigung", grant.certificate_number, "Stahlbau Beispiel GmbH", "Hafenstraße 12", "44139 Dortmund",
        "Amtsgericht Dortmund HRB 12345", "12.345,60 EUR", "Bruttosubventionsäquivalent", "01.03.2025",
        "Coaching zur Digitalisierung der Fertigung", "Verordnung (EU) 2023/2831", "ABl. L, 2023/2831, 15.12.2023",
        "zehn Jahre lang auf", "auf Anforderung vor", grant.organisation.name,
    ):
        assert expected in text, expected


def test_certificate_rendering_refuses_external_resources():
    from kgp.deminimis.pdf import _fetcher

    fetcher = _fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.org/logo.png")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")


def test_company_page_shows_ledger_and_window(client, consultant, grant):
    client.force_login(consultant)
    response = client.get(reverse("backoffice:deminimis_company", args=[grant.company_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert grant.certificate_number in body and 'name="grant-value_eur"' in body
    assert 'name="grant-override_reason"' not in body  # only coordinators see the override field


def test_coordinator_sees_the_override_field(client, coordinator, company):
    client.force_login(coordinator)
    body = client.get(reverse("backoffice:deminimis_company", args=[company.pk])).content.decode()
    assert 'name="grant-override_reason"' in body


def test_grant_via_backoffice(client, consultant, company):
    client.force_login(consultant)
    response = client.post(reverse("backoffice:deminimis_grant", args=[company.pk]), _grant_post("1.500,50"))
    assert response.status_code == 302
    assert AidGrant.objects.get().value_eur == Decimal("1500.50")


@pytest.mark.parametrize("data", [_grant_post("-5"), _grant_post(day=TODAY + dt.timedelta(days=1)), _grant_post("abc")])
def test_bad_grant_input_is_400_and_writes_nothing(client, consultant, company, data):
    client.force_login(consultant)
    response = client.post(reverse("backoffice:deminimis_grant", args=[company.pk]), data)
    assert response.status_code == 400
    assert not AidGrant.objects.exists()


def test_ceiling_block_is_400_with_message_and_coordinator_override(client, consultant, coordinator, company):
    services.aid_grant(actor=consultant, company=company, granted_on=TODAY, value_eur=Decimal("300000"), purpose="x")
    client.force_login(consultant)
    data = _grant_post("1", **{"grant-override_reason": "Beschluss"})
    response = client.post(reverse("backoffice:deminimis_grant", args=[company.pk]), data)
    assert response.status_code == 400 and AidGrant.objects.count() == 1
    assert "300" in response.content.decode()
    client.force_login(coordinator)
    response = client.post(reverse("backoffice:deminimis_grant", args=[company.pk]), data)
    assert response.status_code == 302
    assert AidGrant.objects.filter(exceeds_ceiling=True, override_by=coordinator).count() == 1


def test_other_agency_gets_404_even_for_shared_company_and_readonly_403(client, other_consultant, readonly, company, grant):
    company.network_sharing = True
    company.save()
    client.force_login(other_consultant)
    assert client.get(reverse("backoffice:deminimis_company", args=[company.pk])).status_code == 404
    assert client.get(reverse("backoffice:deminimis_certificate", args=[grant.pk])).status_code == 404
    assert grant.certificate_number not in client.get(reverse("backoffice:deminimis_list")).content.decode()
    client.force_login(readonly)
    assert client.post(reverse("backoffice:deminimis_grant", args=[company.pk]), _grant_post()).status_code == 403
    assert AidGrant.objects.count() == 1
    assert grant.certificate_number in client.get(reverse("backoffice:deminimis_list")).content.decode()


def test_backoffice_declared_aid_add_and_bad_input(client, consultant, company):
    client.force_login(consultant)
    url = reverse("backoffice:deminimis_declare", args=[company.pk])
    data = {"declared-granted_on": "2024-05-01", "declared-grantor": "Land NRW", "declared-amount_eur": "2000", "declared-legal_basis": "VO"}
    assert client.post(url, data | {"declared-amount_eur": "-1"}).status_code == 400
    assert not DeclaredAid.objects.exists()
    assert client.post(url, data).status_code == 302
    assert DeclaredAid.objects.get().source == "backoffice"


def test_portal_lists_grants_and_takes_the_declaration(client, company_user, grant):
    company = grant.company
    client.force_login(company_user)
    url = reverse("web:portal_deminimis", args=[company.pk])
    response = client.get(url)
    assert response.status_code == 200 and grant.certificate_number in response.content.decode()
    bad = client.post(url, {"granted_on": (TODAY + dt.timedelta(days=3)).isoformat(), "grantor": "Bund", "amount_eur": "100", "legal_basis": "VO"})
    assert bad.status_code == 400 and not DeclaredAid.objects.exists()
    ok = client.post(url, {"granted_on": "2024-02-29", "grantor": "Bund", "amount_eur": "2.500,00", "legal_basis": "VO (EU) 2023/2831"})
    assert ok.status_code == 302
    declared = DeclaredAid.objects.get()
    assert declared.source == "portal" and declared.amount_eur == Decimal("2500") and declared.declared_by == company_user
    pdf = client.get(reverse("web:portal_deminimis_certificate", args=[company.pk, grant.pk]))
    assert pdf.status_code == 200 and grant.certificate_number in pdf_text(pdf.content)
    assert reverse("web:portal_deminimis", args=[company.pk]) in client.get(reverse("web:portal")).content.decode()


def test_portal_refuses_other_companies_and_staff(client, company_user, consultant, grant):
    other = CompanyFactory()
    client.force_login(company_user)
    assert client.get(reverse("web:portal_deminimis", args=[other.pk])).status_code == 404
    assert client.get(reverse("web:portal_deminimis_certificate", args=[other.pk, grant.pk])).status_code == 404
    client.force_login(consultant)
    assert client.get(reverse("web:portal_deminimis", args=[grant.company_id])).status_code == 404
    client.logout()
    assert client.get(reverse("web:portal_deminimis", args=[grant.company_id])).status_code == 302


def test_pending_member_gets_404(client, company):
    from kgp.accounts.models import Role
    from kgp.testing.factories import MembershipFactory, UserFactory

    user = UserFactory(role=Role.COMPANY)
    MembershipFactory(user=user, company=company, status="pending")
    client.force_login(user)
    assert client.get(reverse("web:portal_deminimis", args=[company.pk])).status_code == 404


def test_company_detail_links_the_ledger_only_with_full_view(client, consultant, other_consultant, company):
    link = reverse("backoffice:deminimis_company", args=[company.pk])
    client.force_login(consultant)
    assert link in client.get(reverse("backoffice:company_detail", args=[company.pk])).content.decode()
    company.network_sharing = True
    company.save()
    client.force_login(other_consultant)
    assert link not in client.get(reverse("backoffice:company_detail", args=[company.pk])).content.decode()
