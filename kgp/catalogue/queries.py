"""Reads about offers that are not tenant-scoped: the change history."""

from __future__ import annotations

from kgp.core.models import AuditLogEntry

from .models import Offer


def offer_history(offer: Offer, *, limit: int = 50) -> list[AuditLogEntry]:
    """The offer's audit entries, newest first (one query, on the (object_type, object_id) index)."""
    return list(
        AuditLogEntry.objects.filter(object_type=Offer._meta.label_lower, object_id=str(offer.pk)).order_by(
            "-created_at", "-id"
        )[:limit]
    )
