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
)


def company_timeline(
    company: Company,
    *,
    limit: int = 50,
    before: dt.datetime | None = None,
    extra_sources: Iterable[TimelineSource] = (),
) -> list[TimelineItem]:
    """Notes and audit entries of a company, plus the items of `extra_sources`, newest first (two
    queries and one per extra source). With extra sources, the audit entries they duplicate are left
    out; without them only the creation entries of notes are."""
    extra_sources = tuple(extra_sources)
    notes = Note.objects.filter(company=company).select_related("author")
    audit = AuditLogEntry.objects.filter(company=company).select_related("actor")
    if before is not None:
        notes = notes.filter(created_at__lt=before)
        audit = audit.filter(created_at__lt=before)
    items = [
        TimelineItem(n.created_at, "note", str(n.author) if n.author else "", n) for n in notes.order_by("-created_at", "-id")[:limit]
    ]
    items += [
        TimelineItem(a.created_at, "audit", str(a.actor) if a.actor else a.actor_label, a)
        for a in audit.exclude(
            DUPLICATE_AUDIT if extra_sources else Q(object_type="companies.note", action="create")
        ).order_by("-created_at", "-id")[:limit]
    ]
    for source in extra_sources:
        items += source(company, limit, before)
    items.sort(key=lambda i: i.when, reverse=True)
    return items[:limit]
