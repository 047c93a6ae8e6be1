"""Merging two company records moves the connect, event and climate data of the removed one."""

from __future__ import annotations

import pytest

from kgp.climate import services as climate_services
from kgp.climate.models import Footprint
from kgp.companies import services as company_services
from kgp.connect import search, services
from kgp.connect.models import CompanyProfile, Introduction, Need
from kgp.events import services as event_services
from kgp.events.tests.conftest import make_event
from kgp.testing.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_merge_moves_needs_introductions_profile_registrations_and_footprints(consultant, coordinator, profile):
    keep = CompanyFactory(name="Behalten GmbH", postcode="44139", city="Dortmund")
    removed = CompanyFactory(name="Doppelt GmbH", postcode="44139", city="Dortmund")
    other = CompanyFactory(name="Andere GmbH", postcode="44139", city="Dortmund")
    need = services.need_create(actor=consultant, company=removed, title="Druckluft", text="Wir suchen Hilfe beim Messen der Druckluft.")
    intro = services.introduction_propose(actor=consultant, company=removed, profile=profile, message="Das Labor misst Druckluftnetze.")
    incoming = services.introduction_propose(actor=consultant, company=other, target_company=removed, message="Gleiche Herausforderung.")
    services.company_profile_save(actor=consultant, company=removed, challenges="Energiekosten senken", peer_exchange=True)
    event = make_event(consultant)
    registration = event_services.registration_create(
        event=event, email="a@doppelt.example.org", first_name="A", last_name="B", company_name="Doppelt", company=removed,
        actor=consultant,
    )  # fmt: skip
    footprint = climate_services.footprint_create(
        actor=consultant, company=removed, data={"year": 2024, "entries": [{"carrier": "natural_gas", "quantity": 1000, "unit": "kWh"}]}
    )
    assert search.match_companies("Energiekosten", visible=removed.__class__.objects.all()) != []

    company_services.company_merge(actor=coordinator, keep=keep, remove=removed)

    assert Need.objects.get(pk=need.pk).company == keep
    assert Introduction.objects.get(pk=intro.pk).company == keep
    assert Introduction.objects.get(pk=incoming.pk).target_company == keep
    assert CompanyProfile.objects.get(company=keep).challenges == "Energiekosten senken"
    registration.refresh_from_db()
    assert registration.company == keep
    assert Footprint.objects.get(pk=footprint.pk).company == keep
    # The matching index follows: the kept company is found, the removed one no longer.
    assert [m.id for m in search.match_companies("Energiekosten", visible=keep.__class__.objects.all())] == [str(keep.pk)]
