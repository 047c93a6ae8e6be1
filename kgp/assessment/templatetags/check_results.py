"""Template helpers of the Transformations-Check for other pages (the company timeline)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from kgp.assessment.models import CheckResult

register = template.Library()


@register.simple_tag
def check_result_url(entry: object) -> str:
    """The backoffice page of the check result an audit entry is about, while the result is shared
    with the agency; "" otherwise. The page itself checks who may see it.

    Usage on the timeline: {% load check_results %}{% check_result_url item.obj as url %}{% if url %}…{% endif %}
    """
    if getattr(entry, "object_type", "") != "assessment.checkresult":
        return ""
    try:
        pk = int(getattr(entry, "object_id", ""))
    except (TypeError, ValueError):
        return ""
    if not CheckResult.objects.filter(pk=pk, shared_with_agency=True, completed_at__isnull=False).exists():
        return ""
    return reverse("backoffice:check_result", args=[pk])
