"""Stored footprints: creation, member-only company results, sharing, who sees them, results that
stay as they were after a new factor set, intensities, and the token link."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kgp.climate import access, calc, queries, services
from kgp.climate.models import Footprint
from kgp.core.errors import ServiceError
from kgp.core.models import AuditLogEntry
from kgp.testing.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = {"year": 2024, "entries": [{"carrier": "natural_gas", "quantity": 200000, "unit": "kWh_hs"}, {"carrier": "electricity", "quantity": 1000, "unit": "kWh"}]}


def test_anonymous_result_is_stored_with_inputs_and_result_and_reachable_by_link():
    footprint = services.footprint_create(actor=None, data=BODY)
    assert footprint.company is None and footprint.created_by is None and footprint.year == 2024
    assert footprint.factor_set == queries.current_factor_set()
    assert footprint.inputs == BODY
    expected = calc.calculate(queries.factor_table(footprint.factor_set), BODY)
    assert footprint.result == services.result_to_json(expected)
    assert footprint.result["factor_set"] == "BAFA/UBA 2024"
    assert footprint.result["lines"][0]["source"] and footprint.result["lines"][0]["factor"]
    assert len(footprint.token) == 43
    assert access.footprint_by_token(footprint.token) == footprint
    assert not AuditLogEntry.objects.filter(object_id=str(footprint.pk), object_type__icontains="footprint").exists()


def test_invalid_input_raises_the_calculations_error():
    with pytest.raises(calc.InputError):
        services.footprint_create(actor=None, data={"year": 2024, "entries": [{"carrier": "natural_gas", "quantity": -1, "unit": "kWh"}]})
    assert not Footprint.objects.exists()


def test_company_result_needs_a_member_or_staff_who_may_edit(company, company_user, consultant, other_consultant, readonly):
    footprint = services.footprint_create(actor=company_user, data=BODY, company=company, employees="12", turnover_eur="2500000")
    assert footprint.company == company and footprint.created_by == company_user and not footprint.shared_with_agency
    assert (footprint.employees, footprint.turnover_eur) == (D("12"), D("2500000"))
    assert AuditLogEntry.objects.filter(company=company, action="create").exists()
    assert services.footprint_create(actor=consultant, data=BODY, company=company).company == company
    stranger = UserFactory(email="fremd@example.org", role="company")
    for actor in (None, stranger, other_consultant, readonly):
        with pytest.raises(PermissionDenied):
            services.footprint_create(actor=actor, data=BODY, company=company)
    assert Footprint.objects.count() == 2


def test_employees_and_turnover_must_be_positive(company_user, company):
    with pytest.raises(ServiceError) as exc:
        services.footprint_create(actor=company_user, data=BODY, company=company, employees="-3")
    assert exc.value.field == "employees"
    with pytest.raises(ServiceError) as exc:
        services.footprint_create(actor=company_user, data=BODY, company=company, turnover_eur="abc")
    assert exc.value.field == "turnover_eur"


def test_sharing_by_members_only_and_audited(company, company_user, consultant):
    footprint = services.footprint_create(actor=company_user, data=BODY, company=company)
    with pytest.raises(PermissionDenied):
        services.footprint_share(actor=consultant, footprint=footprint, shared=True)
    footprint = services.footprint_share(actor=company_user, footprint=footprint, shared=True)
    assert footprint.shared_with_agency and footprint.shared_at is not None
    assert AuditLogEntry.objects.filter(company=company, action="update").count() == 1
    footprint = services.footprint_share(actor=company_user, footprint=footprint, shared=False)
    assert not footprint.shared_with_agency and footprint.shared_at is None
    anonymous = services.footprint_create(actor=None, data=BODY)
    with pytest.raises(ServiceError):
        services.footprint_share(actor=company_user, footprint=anonymous, shared=True)


def test_staff_see_only_shared_results_of_their_agency(company, company_user, consultant, other_consultant, readonly, coordinator):
    footprint = services.footprint_create(actor=company_user, data=BODY, company=company)
    for user in (consultant, other_consultant, readonly, coordinator):
        assert not access.footprints_for_staff(user, company).exists()
    services.footprint_share(actor=company_user, footprint=footprint, shared=True)
    for user in (consultant, readonly, coordinator):
        assert list(access.footprints_for_staff(user, company)) == [footprint]
    assert not access.footprints_for_staff(other_consultant, company).exists()
    assert not access.footprints_for_staff(company_user, company).exists()
    # Network-wide sharing of the company does not open its footprints to other agencies.
    company.network_sharing = True
    company.save()
    assert not access.footprints_for_staff(other_consultant, company).exists()


def test_members_see_all_their_company_results(company, company_user, consultant):
    footprint = services.footprint_create(actor=company_user, data=BODY, company=company)
    other = CompanyFactory(name="Andere GmbH", postcode="44139", city="Dortmund")
    assert list(access.footprints_for_member(company_user, company)) == [footprint]
    assert not access.footprints_for_member(company_user, other).exists()
    assert not access.footprints_for_member(consultant, company).exists()


def test_stored_result_stays_after_a_new_factor_set(coordinator, company, company_user):
    old = services.footprint_create(actor=company_user, data=BODY, company=company)
    stored = dict(old.result)
    draft = services.factor_set_copy(actor=coordinator, source=queries.current_factor_set(), name="BAFA/UBA 2025")
    services.factor_set_update_factor(actor=coordinator, factor_set=draft, carrier="natural_gas", kg_per_kwh="0.25", source="Test")
    services.factor_set_publish(actor=coordinator, factor_set=draft)
    old.refresh_from_db()
    assert old.result == stored and old.factor_set.name == "BAFA/UBA 2024"
    new = services.footprint_create(actor=company_user, data=BODY, company=company)
    assert new.factor_set == draft and new.result["factor_set"] == "BAFA/UBA 2025"
    assert D(new.result["scope1_kg"]) != D(old.result["scope1_kg"])


def test_intensities():
    footprint = services.footprint_create(actor=None, data=BODY, employees="10", turnover_eur="2000000")
    total = services.total_kg(footprint.result)
    assert total == D(footprint.result["scope1_kg"]) + D(footprint.result["scope2_location_kg"]) + D(footprint.result["scope3_kg"])
    assert services.tonnes_per_employee(D("50000"), D("10")) == D("5")
    assert services.tonnes_per_million_eur(D("50000"), D("2000000")) == D("25")
    assert services.tonnes_per_employee(D("50000"), None) is None
    assert services.tonnes_per_employee(D("50000"), D("0")) is None
    assert services.tonnes_per_million_eur(D("50000"), None) is None


@pytest.mark.parametrize("token", ["", "short", "x" * 43 + "!", "a" * 44, "../" * 15, None])
def test_malformed_tokens_are_404(token):
    with pytest.raises(Http404):
        access.footprint_by_token(token)


def test_unknown_token_and_company_results_by_link(company, company_user, consultant):
    with pytest.raises(Http404):
        access.footprint_by_token("a" * 43)
    footprint = services.footprint_create(actor=company_user, data=BODY, company=company)
    assert access.footprint_by_token(footprint.token, company_user) == footprint
    for user in (None, consultant):
        with pytest.raises(Http404):
            access.footprint_by_token(footprint.token, user)
