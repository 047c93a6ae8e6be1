"""Reads of bookings for the company timeline and the portal (one query each; tenant scoping is
done by the caller)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from kgp.companies.models import Company
from kgp.companies.queries import TimelineItem

from .models import Booking, BookingStatus

UPCOMING_LIMIT = 20


def timeline_bookings(company: Company, limit: int, before: dt.datetime | None) -> list[TimelineItem]:
    """A company's bookings (slot time and status) for its timeline, by booking time (one query)."""
    qs = Booking.objects.filter(company=company).select_related("slot", "booked_by")
    if before is not None:
        qs = qs.filter(created_at__lt=before)
    return [
        TimelineItem(b.created_at, "booking", str(b.booked_by) if b.booked_by else "", b)
        for b in qs.order_by("-created_at", "-id")[:limit]
    ]


TIMELINE_SOURCES = (timeline_bookings,)


def upcoming_bookings_for_companies(company_ids: Iterable[int], *, limit: int = UPCOMING_LIMIT) -> list[Booking]:
    """Confirmed bookings of these companies that have not started yet, soonest first (one query)."""
    return list(
        Booking.objects.filter(
            company_id__in=company_ids, status=BookingStatus.CONFIRMED, slot__starts_at__gt=timezone.now()
        )
        .select_related("slot", "company")
        .order_by("slot__starts_at", "id")[:limit]
    )
