"""Template helpers for showing audit entries in words."""

from __future__ import annotations

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from kgp.core.models import AuditLogEntry

register = template.Library()

EXTRA_LABELS = {
    "topics": "Topics",
    "source": "Source",
    "merged_company": "Merged company",
    "text_version": "Consent text version",
    "status": "Status",
}


@register.filter
def field_label(entry: AuditLogEntry, field: str) -> str:
    """The verbose name of a changed field of the entry's object type."""
    if field in EXTRA_LABELS:
        return _(EXTRA_LABELS[field])
    try:
        model = apps.get_model(entry.object_type)
        return str(model._meta.get_field(field).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return field


@register.filter
def change_value(value: object) -> str:
    """A changed value in words: yes/no for booleans, a dash for nothing, lists joined."""
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if value in (None, ""):
        return "–"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "–"
    return str(value)
