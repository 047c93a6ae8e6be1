"""A slot is never booked twice, even when many requests arrive at the same moment.

Runs on PostgreSQL only (threads with their own database connections; SQLite serialises whole
transactions, so it cannot show the race). `make test` runs it in its PostgreSQL pass.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from kgp.appointments import services
from kgp.appointments.models import Booking, BookingStatus, LocationKind, SlotStatus
from kgp.core.errors import ServiceError
from kgp.testing.factories import CompanyFactory

from .conftest import make_slot

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: row locks across parallel connections"),
]

PARALLEL = 8


def _race(target, count: int = PARALLEL) -> tuple[list[object], list[str]]:
    barrier = threading.Barrier(count)
    wins: list[object] = []
    losses: list[str] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        try:
            barrier.wait()
            result = target(index)
            with lock:
                wins.append(result)
        except ServiceError as exc:
            with lock:
                losses.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return wins, losses


def test_parallel_bookings_of_one_slot_exactly_one_succeeds():
    slot = make_slot()
    companies = [CompanyFactory(postcode="44139", city="Dortmund") for _ in range(PARALLEL)]

    def attempt(index: int) -> Booking:
        return services.booking_create(
            actor=None, slot=slot, company=companies[index], topic="Erstgespräch", contact_name=f"Person {index}",
            contact_email=f"p{index}@example.org", location_kind=LocationKind.AT_AGENCY,
        )  # fmt: skip

    wins, losses = _race(attempt)
    assert len(wins) == 1
    assert losses == ["taken"] * (PARALLEL - 1)
    assert Booking.objects.filter(slot=slot, status=BookingStatus.CONFIRMED).count() == 1
    slot.refresh_from_db()
    assert slot.status == SlotStatus.BOOKED

    # Cancelling frees the slot: it can be booked again (once).
    services.booking_cancel(actor=None, booking=wins[0])
    slot.refresh_from_db()
    assert slot.status == SlotStatus.OPEN
    wins, losses = _race(attempt)
    assert len(wins) == 1 and len(losses) == PARALLEL - 1


def test_parallel_moves_into_one_slot_exactly_one_succeeds():
    target = make_slot(days=9)
    bookings = [
        services.booking_create(
            actor=None, slot=make_slot(days=2, hour=8 + i), company=CompanyFactory(postcode="44139", city="Dortmund"),
            topic="Erstgespräch", contact_name="P", contact_email=f"m{i}@example.org", location_kind=LocationKind.AT_AGENCY,
        )  # fmt: skip
        for i in range(4)
    ]
    wins, losses = _race(lambda i: services.booking_move(actor=None, booking=bookings[i], new_slot=target), count=4)
    assert len(wins) == 1 and losses == ["taken"] * 3
    assert Booking.objects.filter(slot=target, status=BookingStatus.CONFIRMED).count() == 1
    # The losers keep their slots.
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 4
