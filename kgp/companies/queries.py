"""Reads of companies that are not tenant checks (those live in access.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from kgp.core.models import AuditLogEntry

from .models import Company, Note


@dataclass(frozen=True)
class TimelineItem:
    when: dt.datetime
    kind: str  # "note", "audit", or the kind of an extra source ("activity", "stage_change", "booking")
    actor: str
    obj: Any


# An extra source of timeline items: (company, limit, before) -> items. Apps that companies may not
# import (journey, appointments) provide them; the caller (a view) passes them in. Each source runs
# one query and returns at most `limit` items created before `before`.
TimelineSource = Callable[[Company, int, "dt.datetime | None"], list[TimelineItem]]

# Audit entries that duplicate an item an extra source shows (the item itself is shown instead).
DUPLICATE_AUDIT = (
    Q(object_type="companies.note", action="create")
    | Q(object_type="journey.activity", action="create")
    | Q(object_type="journey.stagechange")
    | Q(object_type="journey.case", action="update", changes__has_key="stage")
    | Q(object_type="appointments.booking", action="create")
    | Q(object_type="events.registration", action="update", changes__has_key="event")  # a check-in
)


def company_timeline(
    company: Company,
    *,
    limit: int = 50,
    before: dt.datetime | None = None,
    extra_sources: Iterable[TimelineSource] = (),
) -> list[TimelineItem]:
    """Notes and audit entries of a company, plus the items of `extra_sources`, newest first (two
    queries and one per extra source; the audit entries are read last). With extra sources, the audit
    entries they duplicate are left out; without them only the creation entries of notes are."""
    extra_sources = tuple(extra_sources)
    notes = Note.objects.filter(company=company).select_related("author")
    audit = AuditLogEntry.objects.filter(company=company).select_related("actor")
    if before is not None:
        notes = notes.filter(created_at__lt=before)
        audit = audit.filter(created_at__lt=before)
    note_items = [
        TimelineItem(n.created_at, "note", str(n.author) if n.author else "", n) for n in notes.order_by("-created_at", "-id")[:limit]
    ]
    extra_items: list[TimelineItem] = []
    for source in extra_sources:
        extra_items += source(company, limit, before)
    # An audit entry older than the limit-th newest note or extra item cannot be among the first `limit`
    # items. Bounding the audit query by that time keeps it short for a company with thousands of
    # activities: each has an audit entry that is left out here, and without the bound the database
    # would read all of them to find the few it shows.
    known = sorted((i.when for i in (*note_items, *extra_items)), reverse=True)
    if 0 < limit <= len(known):
        audit = audit.filter(created_at__gte=known[limit - 1])
    audit_items = [
        TimelineItem(a.created_at, "audit", str(a.actor) if a.actor else a.actor_label, a)
        for a in audit.exclude(
            DUPLICATE_AUDIT if extra_sources else Q(object_type="companies.note", action="create")
        ).order_by("-created_at", "-id")[:limit]
    ]
    items = note_items + audit_items + extra_items  # this order decides between items of the same time
    items.sort(key=lambda i: i.when, reverse=True)
    return items[:limit]
