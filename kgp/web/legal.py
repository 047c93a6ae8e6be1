"""The legal pages every public website in Germany needs: imprint, privacy notice, accessibility statement.

Legal text is written out per language (templates/web/legal/<page>_de.html and <page>_en.html), not
through the message catalogue: a lawyer reviews each version as a whole, and a missing translation must
never mix two languages in one legal text. The German version is the binding one.

The operator details come from settings.OPERATOR (the `site` context processor passes them to every
template); the partner agencies come from the database, the consent texts from kgp.companies.consents.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from kgp.companies.consents import TEXTS as CONSENT_TEXTS
from kgp.companies.consents import VERSION as CONSENT_VERSION
from kgp.companies.consents import consent_text
from kgp.companies.models import Consent
from kgp.organisations.models import Organisation

# Update with the texts. The accessibility statement must be reviewed at least once a year (§ 4 BITV NRW).
ACCESSIBILITY_STATEMENT_DATE = dt.date(2026, 11, 25)
PRIVACY_NOTICE_DATE = dt.date(2026, 11, 25)


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "de"


def _partners() -> list[Organisation]:
    return list(Organisation.objects.order_by("-is_lead_partner", "name"))


def _render(request: HttpRequest, page: str, context: dict[str, Any] | None = None) -> HttpResponse:
    return render(request, f"web/legal/{page}_{_language()}.html", context or {})


def imprint(request: HttpRequest) -> HttpResponse:
    return _render(request, "imprint", {"partners": _partners()})


def privacy(request: HttpRequest) -> HttpResponse:
    language = _language()
    labels = dict(Consent.Kind.choices)
    consents = [
        {"kind": kind, "label": labels.get(kind, kind), "text": consent_text(kind, language)}
        for kind in CONSENT_TEXTS
    ]
    return _render(
        request,
        "privacy",
        {
            "partners": _partners(),
            "consents": consents,
            "consent_version": CONSENT_VERSION,
            "log_retention_days": settings.SERVER_LOG_RETENTION_DAYS,
            "cookies": _cookies(),
            "notice_date": PRIVACY_NOTICE_DATE,
            "map_tile_origin": getattr(settings, "MAP_TILE_ORIGIN", ""),
        },
    )


def _cookies() -> dict[str, Any]:
    """Names and lifetimes of the cookies as configured, so the privacy notice stays true to the settings."""
    language_age = settings.LANGUAGE_COOKIE_AGE
    return {
        "session": settings.SESSION_COOKIE_NAME,
        "session_days": settings.SESSION_COOKIE_AGE // 86400,
        # None: the user chooses "remember me" at login; True/False: always / never remembered.
        "session_remember": getattr(settings, "ACCOUNT_SESSION_REMEMBER", None),
        "csrf": settings.CSRF_COOKIE_NAME,
        "csrf_days": settings.CSRF_COOKIE_AGE // 86400,
        "language": settings.LANGUAGE_COOKIE_NAME,
        "language_days": language_age // 86400 if language_age else None,
        "messages": CookieStorage.cookie_name,
    }


def accessibility(request: HttpRequest) -> HttpResponse:
    return _render(request, "accessibility", {"statement_date": ACCESSIBILITY_STATEMENT_DATE})
