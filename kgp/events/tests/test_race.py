"""An event is never overbooked and nobody is registered twice, even when many registrations arrive at
the same moment.

Runs on PostgreSQL only (threads with their own database connections; SQLite serialises whole
transactions, so it cannot show the race). `make test` runs it in its PostgreSQL pass. Each race
starts all its threads at a barrier; a monitor thread counts the seats taken while they run, so a
moment of overbooking would be seen even if it were corrected later.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from kgp.accounts.models import Role, User
from kgp.core.errors import ServiceError
from kgp.events import services
from kgp.events.models import SEAT_STATUSES, Event, EventStatus, Registration, RegistrationChange, RegistrationStatus
from kgp.testing.factories import org

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: row locks across parallel connections"
    ),
]

S = RegistrationStatus
CAPACITY = 50
PEOPLE = 200
THREADS = 40  # 40 connections at once (plus the monitor): well below PostgreSQL's default of 100


def threads(wanted: int) -> int:
    """`wanted`, or fewer (at least 8) when other sessions already use most of the server's
    connections (a shared development server): the race is the same, only fewer run at once."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int"
            " - (SELECT count(*) FROM pg_stat_activity)"
        )
        free = cursor.fetchone()[0]
    return max(8, min(wanted, free - 10))


def make_event(capacity: int = CAPACITY, slug: str = "rennen") -> Event:
    start = timezone.now() + dt.timedelta(days=10)
    event = Event.objects.create(
        slug=slug, title="Andrang", kind="information", summary="Viele wollen hin", starts_at=start,
        ends_at=start + dt.timedelta(hours=2), venue="Halle", capacity=capacity, status=EventStatus.PUBLISHED,
    )  # fmt: skip
    event.organisations.set([org("dortmund")])
    return event


def seats(event: Event) -> int:
    return Registration.objects.filter(event=event, status__in=SEAT_STATUSES).count()


def statuses(event: Event) -> Counter[str]:
    return Counter(Registration.objects.filter(event=event).values_list("status", flat=True))


def race(
    work: Sequence[Any], target: Callable[[Any], object], *, threads: int, event: Event
) -> tuple[list[object], list[str], int]:
    """Runs target(item) for every item, the items dealt round-robin to `threads` threads that start
    together at a barrier. Returns the results, the codes of the ServiceErrors and the largest number
    of seats taken that the monitor saw while the threads ran."""
    barrier = threading.Barrier(threads + 1)
    done = threading.Event()
    results: list[object] = []
    codes: list[str] = []
    unexpected: list[BaseException] = []
    most = [0]
    lock = threading.Lock()

    def worker(items: Sequence[Any]) -> None:
        try:
            barrier.wait()
            for item in items:
                try:
                    result = target(item)
                    with lock:
                        results.append(result)
                except ServiceError as exc:
                    with lock:
                        codes.append(exc.code)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            with lock:
                unexpected.append(exc)
        finally:
            connections.close_all()

    def monitor() -> None:
        try:
            barrier.wait()
            while not done.is_set():
                most[0] = max(most[0], seats(event))
            most[0] = max(most[0], seats(event))
        finally:
            connections.close_all()

    chunks = [list(work[i::threads]) for i in range(threads)]
    pool = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    watcher = threading.Thread(target=monitor)
    watcher.start()
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=180)
    done.set()
    watcher.join(timeout=60)
    assert not any(t.is_alive() for t in pool), "a thread did not finish"
    assert not unexpected, unexpected
    return results, codes, most[0]


def guest(event: Event, n: int) -> Registration:
    return services.registration_create(
        event=event,
        email=f"gast{n}@example.org",
        first_name="Gast",
        last_name=f"Nummer {n}",
        company_name=f"Gastbetrieb {n} GmbH",
    )


def company_users(count: int, prefix: str = "firma") -> list[User]:
    return [
        User.objects.create(
            email=f"{prefix}{n}@example.org", role=Role.COMPANY, first_name="Firma", last_name=f"Person {n}"
        )
        for n in range(count)
    ]


def test_confirmations_of_200_guests_fill_exactly_the_capacity():
    """(a) 200 guests registered and waiting for their e-mail confirmation; all confirm at once from
    40 threads: 50 seats, 150 on the waiting list, in the order the confirmations were placed."""
    event = make_event()
    pending = [guest(event, n) for n in range(PEOPLE)]
    assert statuses(event) == {S.PENDING: PEOPLE}

    results, codes, most = race(
        pending, lambda r: services.registration_confirm(token=r.token), threads=threads(THREADS), event=event
    )

    assert codes == [] and len(results) == PEOPLE
    assert most <= CAPACITY
    assert statuses(event) == {S.REGISTERED: CAPACITY, S.WAITLISTED: PEOPLE - CAPACITY}
    assert RegistrationChange.objects.filter(registration__event=event, to_status=S.REGISTERED).count() == CAPACITY
    # Nobody overtook the waiting list: every seat went to an earlier confirmation than any waiting one.
    registered = Registration.objects.filter(event=event, status=S.REGISTERED).values_list("confirmed_at", flat=True)
    waiting = Registration.objects.filter(event=event, status=S.WAITLISTED).values_list("confirmed_at", flat=True)
    assert max(registered) <= min(waiting)
    # Confirming again changes nothing.
    again = services.registration_confirm(token=pending[0].token)
    assert again.status in (S.REGISTERED, S.WAITLISTED)
    assert statuses(event) == {S.REGISTERED: CAPACITY, S.WAITLISTED: PEOPLE - CAPACITY}


def test_200_direct_registrations_of_company_users_and_staff():
    """(b) 200 registrations that count at once (company users' own, and staff registering people by
    phone), all at the same moment: exactly 50 seats and 150 on the waiting list."""
    event = make_event()
    users = company_users(PEOPLE // 2)
    staff = User.objects.create(email="beratung@example.org", role=Role.CONSULTANT, organisation=org("dortmund"))

    def register(n: int) -> Registration:
        if n < len(users):
            user = users[n]
            return services.registration_create(
                event=event, email=user.email, first_name=user.first_name, last_name=user.last_name,
                company_name=f"Firma {n} GmbH", user=user,
            )  # fmt: skip
        return services.registration_create(
            event=event, email=f"telefon{n}@example.org", first_name="Anruf", last_name=str(n),
            company_name=f"Telefonbetrieb {n} GmbH", actor=staff,
        )  # fmt: skip

    results, codes, most = race(list(range(PEOPLE)), register, threads=threads(THREADS), event=event)

    assert codes == [] and len(results) == PEOPLE
    assert most <= CAPACITY
    assert statuses(event) == {S.REGISTERED: CAPACITY, S.WAITLISTED: PEOPLE - CAPACITY}
    assert Counter(r.status for r in results) == {S.REGISTERED: CAPACITY, S.WAITLISTED: PEOPLE - CAPACITY}
    emails = list(Registration.objects.filter(event=event).values_list("email", flat=True))
    assert len(emails) == len(set(emails)) == PEOPLE


@pytest.mark.parametrize("path", ["company_user", "staff"])
def test_the_same_email_address_from_20_threads_registers_once(path):
    """(c) 20 requests with the same e-mail address at the same moment: one registration, 19 refusals
    with the code "duplicate"."""
    event = make_event(capacity=5)
    user = company_users(1, prefix="doppelt")[0]
    staff = User.objects.create(email="beratung@example.org", role=Role.CONSULTANT, organisation=org("dortmund"))

    def register(n: int) -> Registration:
        if path == "company_user":
            return services.registration_create(
                event=event,
                email=user.email,
                first_name="Doppelt",
                last_name=str(n),
                company_name="Doppel GmbH",
                user=user,
            )
        return services.registration_create(
            event=event,
            email="Doppelt0@Example.org",
            first_name="Doppelt",
            last_name=str(n),
            company_name="Doppel GmbH",
            actor=staff,
        )

    results, codes, most = race(list(range(20)), register, threads=threads(20), event=event)

    assert len(results) == 1
    assert codes == ["duplicate"] * 19
    assert most <= 1
    active = Registration.objects.filter(event=event).exclude(status=S.CANCELLED)
    assert list(active.values_list("email", "status")) == [("doppelt0@example.org", S.REGISTERED)]


def test_cancellations_racing_with_confirmations_never_overbook():
    """(d) A full event (50 registered) while 25 participants cancel and 100 guests confirm, all at
    once: a freed seat goes to the waiting list as an offer (it stays taken) or, when nobody waits,
    to the next confirmation; never more than 50 seats are taken."""
    event = make_event()
    staff = User.objects.create(email="beratung@example.org", role=Role.CONSULTANT, organisation=org("dortmund"))
    registered = [
        services.registration_create(
            event=event,
            email=f"platz{n}@example.org",
            first_name="Platz",
            last_name=str(n),
            company_name="Platz GmbH",
            actor=staff,
        )
        for n in range(CAPACITY)
    ]
    assert seats(event) == CAPACITY
    pending = [guest(event, n) for n in range(100)]
    # 100 confirmations with 25 cancellations in between (every fourth item), dealt to the threads.
    work: list[tuple[str, Registration]] = []
    for n, registration in enumerate(pending):
        work.append(("confirm", registration))
        if n % 4 == 0:
            work.append(("cancel", registered[n // 4]))

    def step(item: tuple[str, Registration]) -> Registration:
        kind, registration = item
        if kind == "cancel":
            return services.registration_cancel(registration=registration)
        return services.registration_confirm(token=registration.token)

    results, codes, most = race(work, step, threads=threads(THREADS), event=event)

    assert codes == [] and len(results) == len(work)
    assert most <= CAPACITY
    counts = statuses(event)
    assert counts[S.CANCELLED] == 25
    # The offered seats are counted as taken: together with the registered ones exactly the capacity.
    assert counts[S.REGISTERED] + counts[S.OFFERED] == CAPACITY
    assert counts[S.WAITLISTED] == CAPACITY + 100 - 25 - CAPACITY
    assert counts[S.PENDING] == 0
    offers = RegistrationChange.objects.filter(registration__event=event, to_status=S.OFFERED).count()
    assert offers == counts[S.OFFERED]
    # Seats go to the waiting list in its order: everyone offered a seat confirmed before everyone still waiting.
    offered = Registration.objects.filter(event=event, status=S.OFFERED).values_list("confirmed_at", flat=True)
    waiting = Registration.objects.filter(event=event, status=S.WAITLISTED).values_list("confirmed_at", flat=True)
    if offered:
        assert max(offered) <= min(waiting)


def test_200_parallel_api_requests_of_company_users():
    """(e) The same through the API: 200 company users send `POST /api/v1/events/{slug}/registrations`
    at the same moment (40 at a time), each with their own token: 201 for all, 50 registered, 150 on
    the waiting list; the same users again: 400 "duplicate" for every one."""
    import json

    from django.test import Client

    from kgp.accounts.services import api_token_create

    event = make_event()
    tokens = [api_token_create(user=user, name="race") for user in company_users(PEOPLE)]

    def post(token: str) -> tuple[int, dict]:
        response = Client().post(
            f"/api/v1/events/{event.slug}/registrations", json.dumps({"company_name": "Parallel GmbH"}),
            content_type="application/json", headers={"Authorization": f"Bearer {token}"},
        )  # fmt: skip
        return response.status_code, response.json()

    results, codes, most = race(tokens, post, threads=threads(THREADS), event=event)

    assert codes == [] and most <= CAPACITY
    assert Counter(status for status, _ in results) == {201: PEOPLE}
    assert Counter(body["status"] for _, body in results) == {S.REGISTERED: CAPACITY, S.WAITLISTED: PEOPLE - CAPACITY}
    assert statuses(event) == {S.REGISTERED: CAPACITY, S.WAITLISTED: PEOPLE - CAPACITY}

    results, codes, most = race(tokens, post, threads=threads(THREADS), event=event)
    assert Counter((status, body.get("code")) for status, body in results) == {(400, "duplicate"): PEOPLE}
    assert Registration.objects.filter(event=event).count() == PEOPLE
