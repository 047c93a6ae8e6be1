"""The company timeline with activities, stage changes and bookings, and the portal's agreed next
steps and upcoming bookings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kgp.accounts.models import Role
from kgp.appointments import queries as appointment_queries
from kgp.appointments import services as appointment_services
from kgp.appointments.models import LocationKind
from kgp.appointments.tests.conftest import make_slot
from kgp.companies import services as company_services
from kgp.companies.queries import company_timeline
from kgp.journey import queries, services
from kgp.testing.factories import CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SOURCES = (*queries.TIMELINE_SOURCES, *appointment_queries.TIMELINE_SOURCES)


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "kgp.core.mail.TaskEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def case(consultant, company):
    return services.case_open(actor=consultant, company=company, goals="Energiekosten senken")


def _consultation(actor, case):
    return services.activity_add(
        actor=actor, case=case, kind="initial_consultation", occurred_on=TODAY, situation="GEHEIME-LAGE",
        needs={"climate": "Energieaudit"}, next_steps="Coaching anbieten", notes="GEHEIM-NOTIZ", summary="GEHEIM-BETREFF",
    )  # fmt: skip


def _book(company, consultant):
    return appointment_services.booking_create(
        actor=None, slot=make_slot(consultant=consultant), company=company, topic="Energieeffizienz",
        contact_name="Anna Beispiel", contact_email="anna@example.org", location_kind=LocationKind.AT_AGENCY,
    )  # fmt: skip


def test_timeline_holds_all_kinds_in_date_order_without_duplicate_audit(consultant, company, case):
    company_services.note_create(actor=consultant, company=company, text="Anruf")
    _consultation(consultant, case)
    services.case_move_stage(actor=consultant, case=case, stage="initial_consultation")
    _book(company, consultant)
    items = company_timeline(company, extra_sources=SOURCES)
    kinds = {i.kind for i in items}
    assert {"note", "activity", "stage_change", "booking", "audit"} <= kinds
    whens = [i.when for i in items]
    assert whens == sorted(whens, reverse=True)
    audit_types = {(i.obj.object_type, i.obj.action) for i in items if i.kind == "audit"}
    assert ("journey.activity", "create") not in audit_types
    assert ("appointments.booking", "create") not in audit_types
    assert not any(i.kind == "audit" and i.obj.action == "update" and "stage" in (i.obj.changes or {}) for i in items)
    # Without extra sources the audit entries stay (the old behaviour).
    plain = company_timeline(company)
    assert any(i.kind == "audit" and i.obj.object_type == "journey.activity" for i in plain)


def _detail_queries(client, company):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("backoffice:company_detail", args=[company.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_company_detail_shows_new_kinds_with_constant_queries(client, consultant, company, case):
    client.force_login(consultant)
    _consultation(consultant, case)
    _book(company, consultant)
    one, response = _detail_queries(client, company)
    html = response.content.decode()
    assert "GEHEIM-BETREFF" in html  # the subject is shown to the owning agency
    assert "GEHEIM-NOTIZ" not in html and "GEHEIME-LAGE" not in html
    assert "→" in html and reverse("backoffice:case_detail", args=[case.pk]) in html
    for _ in range(29):
        _consultation(consultant, case)
    thirty, _ = _detail_queries(client, company)
    assert thirty <= one


def test_portal_shows_next_steps_and_bookings_to_members_only(client, consultant, company, company_user, case):
    _consultation(consultant, case)
    booking = _book(company, consultant)
    client.force_login(company_user)
    html = client.get(reverse("web:portal")).content.decode()
    assert "Coaching anbieten" in html
    assert reverse("web:appointment_manage", args=[booking.manage_token]) in html
    for secret in ("GEHEIM-NOTIZ", "GEHEIME-LAGE", "GEHEIM-BETREFF"):
        assert secret not in html

    stranger = UserFactory(email="andere@example.org", role=Role.COMPANY)
    MembershipFactory(user=stranger, company=CompanyFactory(name="Andere GmbH"))
    client.force_login(stranger)
    html = client.get(reverse("web:portal")).content.decode()
    assert "Coaching anbieten" not in html
    assert booking.manage_token not in html


def test_portal_reads_are_one_query_each(company):
    ids = [company.pk]
    with CaptureQueriesContext(connection) as ctx:
        queries.next_steps_for_companies(ids)
        appointment_queries.upcoming_bookings_for_companies(ids)
    assert len(ctx.captured_queries) == 2
