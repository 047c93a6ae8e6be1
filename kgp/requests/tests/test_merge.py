"""company_merge moves the removed record's requests to the kept company (receivers.py)."""

from __future__ import annotations

import pytest

from kgp.companies import services as company_services
from kgp.requests import access
from kgp.requests.models import Request
from kgp.testing.factories import CompanyFactory, RequestFactory

pytestmark = pytest.mark.django_db


def test_requests_move_to_the_kept_company_on_merge(coordinator, consultant):
    keep = CompanyFactory(name="Behalten GmbH", postcode="44139", city="Dortmund")
    removed = CompanyFactory(name="Doppelt GmbH", postcode="44139", city="Dortmund")
    moved = RequestFactory(company=removed)
    other = RequestFactory(company=CompanyFactory(name="Dritte GmbH", postcode="44139", city="Dortmund"))
    company_services.company_merge(actor=coordinator, keep=keep, remove=removed)
    moved.refresh_from_db()
    other.refresh_from_db()
    assert moved.company == keep and other.company.name == "Dritte GmbH"
    assert not Request.objects.filter(company=removed).exists()
    assert access.requests_for_staff(consultant).filter(pk=moved.pk).exists()


def test_a_failing_receiver_rolls_the_merge_back(coordinator, monkeypatch):
    from kgp.companies.signals import company_merged

    keep = CompanyFactory(name="Behalten GmbH", postcode="44139", city="Dortmund")
    removed = CompanyFactory(name="Doppelt GmbH", postcode="44139", city="Dortmund")
    req = RequestFactory(company=removed)

    def broken(sender, **kwargs):
        raise RuntimeError("receiver failed")

    company_merged.connect(broken, dispatch_uid="test.broken")
    try:
        with pytest.raises(RuntimeError):
            company_services.company_merge(actor=coordinator, keep=keep, remove=removed)
    finally:
        company_merged.disconnect(dispatch_uid="test.broken")
    req.refresh_from_db()
    removed.refresh_from_db()
    assert req.company == removed and removed.is_active
