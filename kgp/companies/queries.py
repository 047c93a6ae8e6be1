"""Reads of companies that are not tenant checks (those live in access.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kgp.core.models import AuditLogEntry

from .models import Company, Note


@dataclass(frozen=True)
class TimelineItem:
    when: dt.datetime
    kind: str  # "note" or "audit"
    actor: str
    obj: Any


def company_timeline(company: Company, *, limit: int = 50, before: dt.datetime | None = None) -> list[TimelineItem]:
    """Notes and audit entries of a company, newest first (a constant number of queries)."""
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
        for a in audit.exclude(object_type="companies.note", action="create").order_by("-created_at", "-id")[:limit]
    ]
    items.sort(key=lambda i: i.when, reverse=True)
    return items[:limit]
