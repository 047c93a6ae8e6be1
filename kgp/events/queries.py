"""Reads of events: the public list with its filters (shared by the portal, the feeds and the API),
seat counts, feedback results and the company timeline source."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kgp.companies.models import Company
from kgp.companies.queries import TimelineItem

from .models import SEAT_STATUSES, Event, Feedback, Registration, RegistrationStatus

S = RegistrationStatus


def with_counts(qs: QuerySet[Event]) -> QuerySet[Event]:
    """Events annotated with `seats_taken` and `waiting` (one query with the list)."""
    return qs.annotate(
        seats_taken=Count("registrations", filter=Q(registrations__status__in=SEAT_STATUSES), distinct=True),
        waiting=Count("registrations", filter=Q(registrations__status=S.WAITLISTED), distinct=True),
    )


@dataclass
class EventFilter:
    """The public list's filters: topic (key), module, partner (organisation key), from/to dates,
    kind; upcoming events only unless `past` is set."""

    topic: str = ""
    module: str = ""
    partner: str = ""
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    past: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    def apply(self, qs: QuerySet[Event]) -> QuerySet[Event]:
        now = timezone.now()
        qs = (
            qs.filter(ends_at__lt=now).order_by("-starts_at", "-id")
            if self.past
            else qs.filter(ends_at__gte=now).order_by("starts_at", "id")
        )
        if self.topic:
            qs = qs.filter(topics__key=self.topic)
        if self.module:
            qs = qs.filter(module=self.module)
        if self.partner:
            qs = qs.filter(organisations__key=self.partner)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        tz = timezone.get_current_timezone()
        if self.date_from:
            qs = qs.filter(starts_at__gte=dt.datetime.combine(self.date_from, dt.time.min, tzinfo=tz))
        if self.date_to:
            qs = qs.filter(starts_at__lt=dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
        return qs


def list_rows(qs: QuerySet[Event]) -> QuerySet[Event]:
    """What a list row shows, in a constant number of queries; after paginating, `attach_counts`
    adds the seat counts of the page's events (counting before the LIMIT would count the
    registrations of every matching event)."""
    return qs.select_related("municipality", "co_organiser").prefetch_related("topics", "organisations")


def attach_counts(events: Iterable[Event]) -> list[Event]:
    """Set `seats_taken` and `waiting` on these events (one query)."""
    events = list(events)
    rows = (
        Registration.objects.filter(event_id__in=[e.pk for e in events])
        .values("event_id")
        .annotate(
            seats=Count("id", filter=Q(status__in=SEAT_STATUSES)), waiting=Count("id", filter=Q(status=S.WAITLISTED))
        )
        .order_by()
    )
    counts = {row["event_id"]: row for row in rows}
    for event in events:
        row = counts.get(event.pk, {})
        event.seats_taken = row.get("seats", 0)  # type: ignore[attr-defined]
        event.waiting = row.get("waiting", 0)  # type: ignore[attr-defined]
    return events


def free_seats(event: Event) -> int:
    taken = getattr(event, "seats_taken", None)
    if taken is None:
        taken = event.registrations.filter(status__in=SEAT_STATUSES).count()
    return max(0, event.capacity - taken)


@dataclass
class FeedbackResult:
    count: int
    average: float | None
    distribution: list[tuple[int, int]]  # (rating, number) for 5..1
    comments: list[Feedback]
    attended: int


def feedback_result(event: Event) -> FeedbackResult:
    rows = list(Feedback.objects.filter(registration__event=event).order_by("-created_at"))
    counts = Counter(f.rating for f in rows)
    attended = event.registrations.filter(status=S.ATTENDED).count()
    average = round(sum(f.rating for f in rows) / len(rows), 2) if rows else None
    return FeedbackResult(
        count=len(rows), average=average, distribution=[(r, counts.get(r, 0)) for r in (5, 4, 3, 2, 1)],
        comments=[f for f in rows if f.comment], attended=attended,
    )  # fmt: skip


def status_counts(event: Event) -> dict[str, int]:
    counts: dict[str, Any] = dict(event.registrations.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in S.values}


def timeline_attendance(company: Company, limit: int, before: dt.datetime | None) -> list[TimelineItem]:
    """A company's event attendance for its timeline (one query): attended registrations, at the
    time of the check-in."""
    qs = Registration.objects.filter(company=company, status=S.ATTENDED, checked_in_at__isnull=False).select_related(
        "event", "checked_in_by"
    )
    if before is not None:
        qs = qs.filter(checked_in_at__lt=before)
    return [
        TimelineItem(r.checked_in_at, "attendance", str(r.checked_in_by) if r.checked_in_by else "", r)
        for r in qs.order_by("-checked_in_at", "-id")[:limit]
    ]


TIMELINE_SOURCES = (timeline_attendance,)
