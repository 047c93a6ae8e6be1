from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    # OPERATOR: the operator details of the legal pages and the footer (config/settings.py).
    return {"SITE_NAME": "Kompetenzregion grüne Produktion", "DEBUG": settings.DEBUG, "OPERATOR": settings.OPERATOR}
