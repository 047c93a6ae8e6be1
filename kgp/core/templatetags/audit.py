"""Template helpers for showing audit entries in words."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from kgp.core.models import AuditLogEntry

register = template.Library()

EXTRA_LABELS = {
    "topics": _("Topics"),
    "source": _("Source"),
    "merged_company": _("Merged company"),
    "text_version": _("Consent text version"),
    "status": _("Status"),
    "network_sharing": _("Shared with the whole network"),
    "newsletter": _("Newsletter"),
    "contact": _("Agrees to be contacted"),
    "request": _("Consent to the processing of a request"),
    "shared_with_agency": _("Shared with the agency"),
    "reason": _("Reason"),
    "slot": _("Appointment"),
    "case": _("Case"),
    "kind": _("Kind"),
    "file": _("File"),
    "activity": _("Activity"),
    "aid_grant": _("De-minimis aid"),
    "done": _("Done"),
    "event": _("Event"),
    "name": _("Name"),
    "no_shows": _("Did not attend"),
    "organisations": _("Organising agencies"),
    "target": _("Introduced to"),
    "need": _("Need"),
    "groups": _("Synonym groups"),
    "note": _("Note"),
    "on_behalf": _("Recorded on behalf of the side"),
    "company_decision": _("Answer of the company"),
    "target_decision": _("Answer of the contacted side"),
}


def _field(entry: AuditLogEntry, name: str) -> models.Field | None:
    try:
        return apps.get_model(entry.object_type)._meta.get_field(name)  # type: ignore[return-value]
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def _value(field: models.Field | None, value: object) -> str:
    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    if value in (None, ""):
        return "–"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "–"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DecimalField):
        try:
            return number_format(Decimal(str(value)), use_l10n=True, force_grouping=True)
        except InvalidOperation:
            return str(value)
    return str(value)


@register.filter
def changes_in_words(entry: AuditLogEntry) -> list[tuple[str, str, str]]:
    """The entry's changes as (field label, old value, new value), with choice labels and yes/no."""
    rows = []
    for name, change in (entry.changes or {}).items():
        old, new = change if isinstance(change, list) and len(change) == 2 else (None, change)
        field = _field(entry, name)
        label = EXTRA_LABELS.get(name) or (field.verbose_name if field is not None else name)
        rows.append((str(label), _value(field, old), _value(field, new)))
    return rows
