import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kgp.companies.models import Holding
from kgp.core.errors import ServiceError
from kgp.core.models import AuditLogEntry
from kgp.deminimis import services
from kgp.deminimis.models import AidGrant, DeclaredAid
from kgp.testing.factories import CompanyFactory, OfferFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def grant(actor, company, value, day=TODAY, **kw):
    return services.aid_grant(actor=actor, company=company, granted_on=day, value_eur=Decimal(value), purpose="Coaching Digitalisierung", **kw)


def test_grant_assigns_certificate_number_agency_and_audit(consultant, company):
    g = grant(consultant, company, "12500.50")
    assert g.certificate_number == f"DM-{TODAY.year}-{g.pk:05d}"
    assert g.organisation == company.responsible_partner
    assert g.consultant == consultant and not g.exceeds_ceiling
    entry = AuditLogEntry.objects.get(object_type="deminimis.aidgrant", object_id=str(g.pk))
    assert entry.company == company and entry.action == "create" and entry.changes["value_eur"] == "12500.50"


def test_ceiling_blocks_and_reports_sum_and_headroom(consultant, company):
    grant(consultant, company, "250000", TODAY - dt.timedelta(days=400))
    with pytest.raises(ServiceError) as exc:
        grant(consultant, company, "50000.01")
    assert exc.value.code == "ceiling" and exc.value.field == "value_eur"
    assert "250" in exc.value.message and "50" in exc.value.message
    assert AidGrant.objects.count() == 1
    grant(consultant, company, "50000")  # exactly at the ceiling
    assert AidGrant.objects.count() == 2


def test_consultant_cannot_override(consultant, company):
    grant(consultant, company, "300000", TODAY - dt.timedelta(days=10))
    with pytest.raises(ServiceError):
        grant(consultant, company, "1000", override_reason="Dringend")
    assert AidGrant.objects.count() == 1


def test_coordinator_override_needs_a_reason_and_is_recorded(coordinator, company):
    grant(coordinator, company, "300000", TODAY - dt.timedelta(days=10))
    with pytest.raises(ServiceError):
        grant(coordinator, company, "1000")
    g = grant(coordinator, company, "1000", override_reason="Beschluss der Lenkungsgruppe vom 3. Mai")
    assert g.exceeds_ceiling and g.override_by == coordinator and g.override_at is not None
    assert g.override_reason.startswith("Beschluss")


def test_override_reason_ignored_below_the_ceiling(coordinator, company):
    g = grant(coordinator, company, "1000", override_reason="nicht nötig")
    assert not g.exceeds_ceiling and g.override_reason == ""


def test_declared_aid_counts(consultant, company, company_user):
    services.declared_aid_add(
        actor=company_user, company=company, granted_on=TODAY - dt.timedelta(days=100), grantor="Land NRW",
        amount_eur=Decimal("290000"), legal_basis="VO (EU) 2023/2831", source="portal",
    )  # fmt: skip
    with pytest.raises(ServiceError):
        grant(consultant, company, "10000.01")
    grant(consultant, company, "10000")
    assert services.headroom(company=company).headroom == 0


def test_declared_aid_outside_the_window_does_not_count(consultant, company):
    old = TODAY.replace(year=TODAY.year - 3) if not (TODAY.month == 2 and TODAY.day == 29) else TODAY.replace(year=TODAY.year - 3, day=28)
    services.declared_aid_add(
        actor=consultant, company=company, granted_on=old, grantor="Bund", amount_eur=Decimal("300000"),
        legal_basis="De-minimis", source="backoffice",
    )  # fmt: skip
    grant(consultant, company, "300000")


def test_linked_enterprises_count_together(consultant, company):
    mother = CompanyFactory(name="Mutter Holding AG", postcode="44135")
    grant(consultant, mother, "200000", TODAY - dt.timedelta(days=30))
    Holding.objects.create(company=company, year=2024, name="Mutter Holding GmbH", kind="linked", share_percent=80)
    with pytest.raises(ServiceError):
        grant(consultant, company, "100000.01")
    # and from the mother's side, the daughter's aid counts too
    grant(consultant, company, "100000")
    with pytest.raises(ServiceError):
        grant(consultant, mother, "1")
    assert services.headroom(company=mother).total == Decimal("300000")


def test_partner_enterprises_and_unknown_names_do_not_count(consultant, company):
    other = CompanyFactory(name="Partner GmbH", postcode="44135")
    grant(consultant, other, "300000")
    Holding.objects.create(company=company, year=2024, name="Partner GmbH", kind="partner", share_percent=30)
    Holding.objects.create(company=company, year=2024, name="Unbekannt KG", kind="linked", share_percent=60)
    grant(consultant, company, "300000")
    from kgp.deminimis.queries import single_undertaking

    assert single_undertaking(company).unmatched == ["Unbekannt KG"]


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"value_eur": Decimal("-1")}, "value_eur"),
        ({"granted_on": TODAY + dt.timedelta(days=1)}, "granted_on"),
        ({"purpose": "  "}, "purpose"),
    ],
)
def test_bad_input_writes_nothing(consultant, company, kwargs, field):
    data = {"granted_on": TODAY, "value_eur": Decimal("100"), "purpose": "Coaching"} | kwargs
    with pytest.raises(ServiceError) as exc:
        services.aid_grant(actor=consultant, company=company, **data)
    assert exc.value.field == field
    assert not AidGrant.objects.exists() and not AuditLogEntry.objects.filter(object_type="deminimis.aidgrant").exists()


def test_offer_must_count_as_de_minimis(consultant, company):
    offer = OfferFactory(is_de_minimis=False)
    with pytest.raises(ServiceError) as exc:
        grant(consultant, company, "100", offer=offer)
    assert exc.value.field == "offer"


def test_readonly_cannot_grant(readonly, company):
    with pytest.raises(ServiceError):
        grant(readonly, company, "100")


def test_declared_aid_delete_is_audited(consultant, company):
    d = services.declared_aid_add(
        actor=consultant, company=company, granted_on=TODAY, grantor="Stadt", amount_eur=Decimal("5"), legal_basis="x", source="backoffice"
    )
    services.declared_aid_delete(actor=consultant, declared=d)
    assert not DeclaredAid.objects.exists()
    assert AuditLogEntry.objects.filter(object_type="deminimis.declaredaid", action="delete", company=company).exists()
