"""Fixtures of the event tests: events made through the services by a consultant of Dortmund."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kgp.events import services
from kgp.organisations.models import Municipality
from kgp.testing.factories import org

BERLIN = ZoneInfo("Europe/Berlin")


def event_data(**overrides) -> dict:
    start = (timezone.now() + dt.timedelta(days=10)).astimezone(BERLIN).replace(hour=14, minute=0, second=0, microsecond=0)
    data = {
        "title": "Abwärme nutzen – Praxisabend", "kind": "information", "module": "inform",
        "summary": "Wie Betriebe Abwärme aus Druckluft und Öfen nutzen.", "description": "Drei Beispiele aus der Region.",
        "starts_at": start, "ends_at": start + dt.timedelta(hours=3), "venue": "Technologiezentrum",
        "address": "Musterstraße 1, 44227 Dortmund", "municipality": Municipality.objects.get(name="Dortmund"),
        "capacity": 3, "status": "published",
    }  # fmt: skip
    return data | overrides


def make_event(actor, **overrides):
    return services.event_create(actor=actor, data=event_data(**overrides), organisations=[org("dortmund")])


def guest(event, n: int = 1, **overrides):
    data = {
        "email": f"gast{n}@example.org", "first_name": "Gast", "last_name": f"Nummer {n}",
        "company_name": f"Gastbetrieb {n} GmbH", "function": "Energiemanagement",
    } | overrides  # fmt: skip
    return services.registration_create(event=event, **data)


def confirmed(event, n: int = 1, **overrides):
    registration = guest(event, n, **overrides)
    return services.registration_confirm(token=registration.token)


@pytest.fixture
def event(consultant):
    return make_event(consultant)
