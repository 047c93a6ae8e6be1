"""The events part of `make bench` (runs inside the worker of run.py, one database at a time).

1. Registration throughput: company users register through `POST /api/v1/events/{slug}/registrations`
   (token authentication, the service with the event's row lock, the e-mail with its calendar file
   built and handed to an in-memory mail backend) into a few events with small capacities, so that
   waiting lists form. On PostgreSQL with 1, 8 and 32 threads (each its own database connection,
   all starting at a barrier); on SQLite single-threaded only (SQLite lets one writer at a time, so
   threads would measure its lock, not the application). Reported: registrations per second, p50
   and p95 latency of one registration, and the check afterwards: no event holds more seats than
   its capacity, each has exactly its capacity registered and the rest waitlisted, every answer
   was 201, and no e-mail address is registered twice for an event.
2. The public event list with 5,000 events (slug prefix `bench-ev-`, replaced on every run, written
   with bulk_create: ~30 % past, 2 % cancelled, 2 % drafts, across kinds, modules, topics and the
   five agencies, with ~150,000 registrations so the seat counts matter): the API list and the portal
   list (`/veranstaltungen/`), as an anonymous visitor, median and p95 over N requests, and the
   number of queries on different pages and filters (it must not change).

Bench data bypasses the services on purpose (no registration history, no audit entries).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import threading
import time
from collections import Counter
from typing import Any

EVENTS = 5_000
PREFIX = "bench-ev-"
REG_PREFIX = "bench-reg-"
USER_PREFIX = "bench.events."
SEED = 13

# Throughput: REGISTRATIONS company users into REG_EVENTS events of REG_CAPACITY seats each.
REG_EVENTS = 4
REG_CAPACITY = 25
REGISTRATIONS = 400
THREADS_PG = (1, 8, 32)
THREADS_SQLITE = (1,)
SQLITE_REGISTRATIONS = 200

API_URL = "/api/v1/events"
PORTAL_URL = "/veranstaltungen/"


# --- data -------------------------------------------------------------------------------------


def _delete_events(prefix: str) -> None:
    from kgp.events.models import Event, Feedback, Registration, RegistrationChange

    RegistrationChange.objects.filter(registration__event__slug__startswith=prefix).delete()
    Feedback.objects.filter(registration__event__slug__startswith=prefix).delete()
    Registration.objects.filter(event__slug__startswith=prefix).delete()
    Event.objects.filter(slug__startswith=prefix).delete()


def ensure_events(count: int = EVENTS) -> dict[str, int]:
    """Replaces the benchmark events: `count` events and their registrations, deterministic (seed 13)
    relative to now."""
    from django.db import transaction
    from django.utils import timezone

    from kgp.catalogue.models import Module
    from kgp.companies.models import Topic
    from kgp.events.models import Event, EventKind, EventStatus, Registration, RegistrationStatus
    from kgp.organisations.models import Municipality, Organisation

    S = RegistrationStatus
    rng = random.Random(SEED)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    partners = list(Organisation.objects.order_by("key"))
    topics = list(Topic.objects.order_by("key"))
    municipalities = list(Municipality.objects.order_by("key"))
    kinds = list(EventKind.values)
    modules = [Module.INFORM] * 5 + [Module.CONNECT] * 3 + [Module.COACH, Module.TRANSFER]
    started = time.perf_counter()
    with transaction.atomic():
        _delete_events(PREFIX)
        events, plan = [], []
        for i in range(count):
            past = i % 10 < 3
            days = rng.randint(1, 365)
            start = now + dt.timedelta(days=-days if past else days, hours=rng.randint(8, 16) - now.hour)
            online = rng.random() < 0.25
            roll = rng.random()
            status = (
                EventStatus.DRAFT if roll < 0.02 else EventStatus.CANCELLED if roll < 0.04 else EventStatus.PUBLISHED
            )
            capacity = rng.choice([15, 20, 30, 40, 60, 100])
            events.append(
                Event(
                    slug=f"{PREFIX}{i + 1}",
                    title=f"{EventKind(kinds[i % len(kinds)]).label} Energie und Ressourcen {i + 1}",
                    kind=kinds[i % len(kinds)],
                    module=rng.choice(modules),
                    summary="Praxisnahe Veranstaltung für produzierende Unternehmen der Region.",
                    description="Programm, Referentinnen und Referenten, Ablauf. " * 10,
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=rng.choice([2, 3, 4, 8])),
                    online=online,
                    venue="" if online else "Technologiezentrum",
                    address="" if online else "Musterstraße 1",
                    municipality=None if online else rng.choice(municipalities),
                    online_url=f"https://meet.example.org/bench-{i + 1}" if online else "",
                    capacity=capacity,
                    status=status,
                )
            )
            plan.append((past, status, capacity))
        Event.objects.bulk_create(events, batch_size=1000)
        events = list(Event.objects.filter(slug__startswith=PREFIX).order_by("id"))
        topic_links, organisers, registrations = [], [], []
        for i, (event, (past, status, capacity)) in enumerate(zip(events, plan, strict=True)):
            for topic in rng.sample(topics, rng.choice([1, 1, 2])):
                topic_links.append(Event.topics.through(event_id=event.pk, topic_id=topic.pk))
            for partner in rng.sample(partners, 2 if rng.random() < 0.15 else 1):
                organisers.append(Event.organisations.through(event_id=event.pk, organisation_id=partner.pk))
            if status == EventStatus.DRAFT:
                continue
            wanted = rng.randint(0, capacity) if past else rng.randint(0, capacity + capacity // 2)
            for n in range(wanted):
                if status == EventStatus.CANCELLED:
                    state = S.CANCELLED
                elif past:
                    state = rng.choices([S.ATTENDED, S.NO_SHOW, S.CANCELLED], weights=[80, 15, 5])[0]
                elif rng.random() < 0.05:
                    state = S.CANCELLED
                else:
                    state = S.REGISTERED if n < capacity else S.WAITLISTED
                earlier = event.starts_at - dt.timedelta(days=30)
                registrations.append(
                    Registration(
                        event_id=event.pk,
                        status=state,
                        email=f"teilnahme{n}.{i}@example.org",
                        first_name="Bench",
                        last_name=f"Person {n}",
                        company_name=f"Betrieb {n % 97} GmbH",
                        company_key=f"betrieb {n % 97} gmbh",
                        created_at=earlier,
                        confirmed_at=earlier,
                    )
                )
        Event.topics.through.objects.bulk_create(topic_links, batch_size=5000)
        Event.organisations.through.objects.bulk_create(organisers, batch_size=5000)
        Registration.objects.bulk_create(registrations, batch_size=5000)
    _analyze()
    return {
        "events": len(events),
        "past": sum(1 for past, status, _ in plan if past and status != EventStatus.DRAFT),
        "upcoming": sum(1 for past, status, _ in plan if not past and status != EventStatus.DRAFT),
        "drafts": sum(1 for _, status, _ in plan if status == EventStatus.DRAFT),
        "cancelled": sum(1 for _, status, _ in plan if status == EventStatus.CANCELLED),
        "registrations": len(registrations),
        "seconds": round(time.perf_counter() - started, 1),
    }


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- 1. registration throughput ---------------------------------------------------------------


def _bench_users(count: int) -> list[Any]:
    from kgp.accounts.models import ApiToken, Role, User

    existing = {u.email: u for u in User.objects.filter(email__startswith=USER_PREFIX)}
    missing = [
        User(email=f"{USER_PREFIX}{n}@example.org", role=Role.COMPANY, first_name="Bench", last_name=f"Firma {n}")
        for n in range(count)
        if f"{USER_PREFIX}{n}@example.org" not in existing
    ]
    User.objects.bulk_create(missing)
    users = list(User.objects.filter(email__startswith=USER_PREFIX).order_by("id"))[:count]
    ApiToken.objects.filter(user__in=users).delete()
    return users


def _tokens(users: list[Any]) -> list[str]:
    from kgp.accounts.models import ApiToken

    raws, rows = [], []
    for user in users:
        raw, token_hash = ApiToken.generate()
        raws.append(raw)
        rows.append(ApiToken(user=user, name="bench", token_hash=token_hash))
    ApiToken.objects.bulk_create(rows)
    return raws


def _reg_events(threads: int) -> list[Any]:
    from django.utils import timezone

    from kgp.events.models import Event, EventStatus
    from kgp.organisations.models import Organisation

    start = timezone.now() + dt.timedelta(days=30)
    dortmund = Organisation.objects.get(key="dortmund")
    events = []
    for k in range(REG_EVENTS):
        event = Event.objects.create(
            slug=f"{REG_PREFIX}{threads}-{k}", title=f"Durchsatz {threads}/{k}", kind="workshop", summary="Bench",
            starts_at=start, ends_at=start + dt.timedelta(hours=3), venue="Halle", capacity=REG_CAPACITY,
            status=EventStatus.PUBLISHED,
        )  # fmt: skip
        event.organisations.set([dortmund])
        events.append(event)
    return events


def _throughput_run(threads: int, total: int, percentile) -> dict[str, Any]:
    from django.db import connections
    from django.test import Client

    from kgp.events.models import SEAT_STATUSES, Registration, RegistrationStatus

    S = RegistrationStatus
    events = _reg_events(threads)
    users = _bench_users(total)
    tokens = _tokens(users)
    work = [(tokens[n], events[n % len(events)].slug) for n in range(total)]
    chunks = [work[i::threads] for i in range(threads)]
    barrier = threading.Barrier(threads)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    answers: Counter[str] = Counter()
    spans: list[tuple[float, float]] = []
    errors: list[str] = []
    lock = threading.Lock()
    body = json.dumps({"company_name": "Durchsatz GmbH", "function": "Einkauf"})

    def worker(chunk: list[tuple[str, str]]) -> None:
        client = Client()
        mine, codes, outcome = [], Counter(), Counter()
        try:
            barrier.wait()
            began = time.perf_counter()
            for token, slug in chunk:
                t0 = time.perf_counter()
                response = client.post(
                    f"{API_URL}/{slug}/registrations", body, content_type="application/json",
                    headers={"Authorization": f"Bearer {token}"},
                )  # fmt: skip
                mine.append((time.perf_counter() - t0) * 1000)
                codes[response.status_code] += 1
                if response.status_code == 201:
                    outcome[response.json()["status"]] += 1
            ended = time.perf_counter()
            with lock:
                latencies.extend(mine)
                statuses.update(codes)
                answers.update(outcome)
                spans.append((began, ended))
        except Exception as exc:  # noqa: BLE001 - reported in the result
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = max(e for _, e in spans) - min(b for b, _ in spans) if spans else float("nan")
    # The check afterwards.
    per_event = []
    for event in events:
        rows = Registration.objects.filter(event=event)
        counts = Counter(rows.values_list("status", flat=True))
        emails = list(rows.exclude(status=S.CANCELLED).values_list("email", flat=True))
        per_event.append(
            {
                "slug": event.slug,
                "seats_taken": rows.filter(status__in=SEAT_STATUSES).count(),
                "registered": counts[S.REGISTERED],
                "waitlisted": counts[S.WAITLISTED],
                "duplicate_emails": len(emails) - len(set(emails)),
            }
        )
    wanted = total // len(events)
    checks = {
        "all_201": dict(statuses) == {201: total},
        "no_overbooking": all(e["seats_taken"] <= REG_CAPACITY for e in per_event),
        "capacity_filled_rest_waitlisted": all(
            e["registered"] == min(REG_CAPACITY, wanted) and e["waitlisted"] == max(0, wanted - REG_CAPACITY)
            for e in per_event
        ),
        "no_duplicate_email": all(e["duplicate_emails"] == 0 for e in per_event),
        "no_errors": not errors,
    }
    result = {
        "threads": threads,
        "registrations": total,
        "events": len(events),
        "capacity_per_event": REG_CAPACITY,
        "wall_s": round(wall, 2),
        "registrations_per_s": round(total / wall, 1) if wall else None,
        "latency_ms": {
            "p50": round(statistics.median(latencies), 1) if latencies else None,
            "p95": round(percentile(latencies, 95), 1) if latencies else None,
            "max": round(max(latencies), 1) if latencies else None,
        },
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "answers": dict(answers),
        "per_event": per_event,
        "checks": checks,
        "ok": all(checks.values()),
        "errors": errors[:5],
    }
    print(
        f"  registration, {threads:2} thread(s): {result['registrations_per_s']} registrations/s, "
        f"p50 {result['latency_ms']['p50']} ms, p95 {result['latency_ms']['p95']} ms; "
        f"{dict(answers)}; check {'OK' if result['ok'] else 'FAILED: ' + str(checks)}",
        flush=True,
    )
    return result


def registration_throughput(percentile) -> dict[str, Any]:
    from django.core import mail
    from django.db import connection
    from django.test.utils import override_settings

    postgres = connection.vendor == "postgresql"
    runs = []
    _delete_events(REG_PREFIX)
    # The e-mails (text and calendar file) are built as usual but delivered to memory: no task queue,
    # no console output. In production the task backend stores each e-mail after the commit.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for threads in THREADS_PG if postgres else THREADS_SQLITE:
            runs.append(_throughput_run(threads, REGISTRATIONS if postgres else SQLITE_REGISTRATIONS, percentile))
            mail.outbox = []
    _delete_events(REG_PREFIX)
    note = (
        "threads with their own connections against the event's row lock"
        if postgres
        else "single-threaded: SQLite lets one writer at a time, so threads would measure its lock, not the application"
    )
    return {"runs": runs, "ok": all(r["ok"] for r in runs), "note": note}


# --- 2. the public event list -------------------------------------------------------------------


def _portal_available() -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("web:event_list") == PORTAL_URL
    except NoReverseMatch:
        return False


def event_list(n: int, *, percentile, warmup: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    scenarios = {
        "api_events": API_URL,
        "api_events_filtered": API_URL + "?topic=energy&module=inform",
        "api_events_past": API_URL + "?past=true",
        "api_events_page_10": API_URL + "?page=10",
    }
    counts_urls = {
        "api_page_1": API_URL + "?page=1",
        "api_page_50": API_URL + "?page=50",
        "api_page_size_100": API_URL + "?page_size=100",
        "api_past": scenarios["api_events_past"],
        "api_past_page_20": API_URL + "?past=true&page=20",
        "api_filtered": scenarios["api_events_filtered"],
        "api_filtered_page_2": scenarios["api_events_filtered"] + "&page=2",
        "api_partner_kind": API_URL + "?partner=hagen&kind=workshop",
    }
    portal = _portal_available()
    if portal:
        scenarios |= {"portal_events": PORTAL_URL, "portal_events_filtered": PORTAL_URL + "?topic=energy&module=inform"}
        counts_urls |= {
            "portal_page_1": PORTAL_URL + "?page=1",
            "portal_page_20": PORTAL_URL + "?page=20",
            "portal_filtered": PORTAL_URL + "?topic=energy&module=inform",
        }
    result: dict[str, Any] = {"portal": portal, "scenarios": {}}
    for name, url in scenarios.items():
        for _ in range(warmup):
            client.get(url)
        times, statuses = [], set()
        for _ in range(n):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            statuses.add(response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        rows = response.json()["count"] if url.startswith(API_URL) and response.status_code == 200 else None
        result["scenarios"][name] = {
            "url": url,
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "max_ms": round(max(times), 1),
            "queries": len(ctx.captured_queries),
            "status": sorted(statuses),
            "matching_events": rows,
        }
        print(f"  {name}: median {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms, "
              f"{len(ctx.captured_queries)} queries", flush=True)  # fmt: skip
    counts = {}
    for name, url in counts_urls.items():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        rows = len(response.json()["results"]) if url.startswith(API_URL) and response.status_code == 200 else None
        counts[name] = {"url": url, "queries": len(ctx.captured_queries), "status": response.status_code, "rows": rows}
    q = {k: v["queries"] for k, v in counts.items()}

    def equal(*names: str) -> bool:
        """The same number of queries for every page with rows; an empty page may need fewer (its
        prefetches have nothing to read: with fewer events than pages)."""
        full = {q[n] for n in names if counts[n]["rows"] != 0}
        return len(full) <= 1 and all(q[n] <= min(full, default=q[n]) for n in names if counts[n]["rows"] == 0)

    # The number of queries must not depend on the page, the page size or the number of events and
    # registrations. A topic or partner filter adds the query that checks its key (422 if unknown).
    checks = {
        "api_pages_and_page_sizes_equal": equal(
            "api_page_1", "api_page_50", "api_page_size_100", "api_past", "api_past_page_20"
        ),
        "api_filtered_pages_equal": equal("api_filtered", "api_filtered_page_2"),
        "api_filter_adds_only_its_key_check": q["api_filtered"] - q["api_page_1"] <= 1
        and q["api_partner_kind"] - q["api_page_1"] <= 1,
        "all_status_200": all(v["status"] == 200 for v in counts.values()),
    }
    if portal:
        checks["portal_equal_on_every_page_and_filter"] = (
            len({counts[k]["queries"] for k in counts if k.startswith("portal_")}) == 1
        )
    result["query_counts"] = {"urls": counts, "checks": checks, "constant": all(checks.values())}
    return result


def measure(n: int, *, percentile, warmup: int, events: int = EVENTS) -> dict[str, Any]:
    print("  registration throughput ...", flush=True)
    throughput = registration_throughput(percentile)
    print(f"  writing {events} events with registrations ...", flush=True)
    data = ensure_events(events)
    print(
        f"  {data['events']} events, {data['registrations']} registrations written in {data['seconds']} s", flush=True
    )
    listing = event_list(n, percentile=percentile, warmup=warmup)
    return {"data": data, "registration": throughput, "list": listing}
