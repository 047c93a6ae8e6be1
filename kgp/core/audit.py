"""Writing the audit log. Services call these inside their transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from .models import AuditLogEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return sorted(str(v) for v in value)
    return value


def snapshot(instance: models.Model, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The audited fields of an instance as JSON-friendly values."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [old, new]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def log_action(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    company: Any = None,
    changes: dict[str, Any] | None = None,
) -> AuditLogEntry:
    user = actor if getattr(actor, "pk", None) else None
    label = (user.email if user else str(actor or "system"))[:255]
    return AuditLogEntry.objects.create(
        actor=user,
        actor_label=label,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        company=company,
        changes=changes or {},
    )
