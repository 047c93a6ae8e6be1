"""The access layer: who sees and edits which company."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kgp.companies import access
from kgp.testing.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bochum_company():
    return CompanyFactory(name="Bochumer Feinmechanik GmbH", postcode="44787", city="Bochum")


@pytest.fixture
def shared_bochum_company():
    return CompanyFactory(name="Geteilte Gießerei GmbH", postcode="44801", city="Bochum", network_sharing=True)


@pytest.fixture
def outside_company():
    return CompanyFactory(name="Berliner Werk GmbH", postcode="10115", city="Berlin")


def test_consultant_sees_own_agency_and_shared(consultant, company, bochum_company, shared_bochum_company, outside_company):
    visible = set(access.companies_for_staff(consultant))
    assert visible == {company, shared_bochum_company}


def test_coordinator_sees_everything(coordinator, company, bochum_company, outside_company):
    assert set(access.companies_for_staff(coordinator)) == {company, bochum_company, outside_company}


def test_readonly_staff_sees_like_their_agency_but_cannot_edit(readonly, company, bochum_company):
    assert set(access.companies_for_staff(readonly)) == {company}
    assert not access.can_edit_company(readonly, company)
    with pytest.raises(PermissionDenied):
        access.company_for_staff_edit(readonly, company.pk)


def test_other_agency_gets_404_for_unshared_and_403_for_editing_shared(other_consultant, company, shared_bochum_company):
    with pytest.raises(Http404):
        access.company_for_staff(other_consultant, company.pk)
    company.network_sharing = True
    company.save()
    assert access.company_for_staff(other_consultant, company.pk) == company
    with pytest.raises(PermissionDenied):
        access.company_for_staff_edit(other_consultant, company.pk)
    assert access.company_for_staff_edit(other_consultant, shared_bochum_company.pk) == shared_bochum_company


def test_company_user_sees_nothing_in_staff_scope_and_only_own_company_in_portal(company_user, company, bochum_company):
    assert not access.companies_for_staff(company_user).exists()
    assert list(access.companies_for_member(company_user)) == [company]
    with pytest.raises(Http404):
        access.company_for_member(company_user, bochum_company.pk)


def test_merged_companies_are_invisible(coordinator, company):
    company.is_active = False
    company.save()
    with pytest.raises(Http404):
        access.company_for_staff(coordinator, company.pk)


@pytest.mark.parametrize("bad_id", ["abc", None, "1; DROP TABLE", -1, 10**12])
def test_bad_ids_are_404(coordinator, bad_id):
    with pytest.raises(Http404):
        access.company_for_staff(coordinator, bad_id)


def test_deactivated_staff_sees_nothing(consultant, company):
    consultant.is_active = False
    consultant.save()
    assert not access.companies_for_staff(consultant).exists()
