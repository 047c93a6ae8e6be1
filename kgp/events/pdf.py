"""The participant list for the funding body as PDF (WeasyPrint), in German, rendered without any
external resource.

Header: the event, its date and time, its place and the organisers. Table: number, company, name,
function and a signature column, empty for a handwritten signature, or "digital eingecheckt <time>"
for people checked in on the day. The footer of every page carries the funding notice
(`settings.EVENT_FUNDING_NOTICE`) and the page numbers. Listed are the registered and checked-in
participants (not the waiting list, not cancellations, not no-shows); before the end of the event a
few empty rows follow for people who sign in on paper.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import ics
from .models import Event, Registration, RegistrationStatus

S = RegistrationStatus
LISTED = (S.REGISTERED, S.ATTENDED)
BLANK_ROWS = 5


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class DataOnly(URLFetcher):
        """Only data: URLs; the rendering never reads a file or the network."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                raise ValueError(f"external resource refused: {url[:80]}")
            return super().fetch(url, headers)

    return DataOnly(allowed_protocols=("data",))


def listed(event: Event) -> list[Registration]:
    return list(
        event.registrations.filter(status__in=LISTED)
        .select_related("company")
        .order_by("company_name", "last_name", "first_name", "id")
    )


def when_text(event: Event) -> str:
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    if start.date() == end.date():
        return f"{start:%d.%m.%Y}, {start:%H:%M}–{end:%H:%M} Uhr"
    return f"{start:%d.%m.%Y} {start:%H:%M} Uhr – {end:%d.%m.%Y} {end:%H:%M} Uhr"


def checked_in_text(event: Event, registration: Registration) -> str:
    if registration.status != S.ATTENDED or registration.checked_in_at is None:
        return ""
    at = timezone.localtime(registration.checked_in_at)
    single_day = timezone.localtime(event.starts_at).date() == timezone.localtime(event.ends_at).date()
    return f"digital eingecheckt {at:%H:%M} Uhr" if single_day else f"digital eingecheckt {at:%d.%m.%Y %H:%M} Uhr"


def _company(registration: Registration, visible: Collection[int] | None) -> str:
    """The name of the linked company record where the user may see it, else the name as registered."""
    if registration.company_id and registration.company and (visible is None or registration.company_id in visible):
        return registration.company.name
    return registration.company_name


def participant_list_context(event: Event, visible: Collection[int] | None = None) -> dict[str, object]:
    registrations = listed(event)
    rows = [
        {
            "number": n,
            "company": _company(r, visible),
            "name": r.name,
            "function": r.function,
            "signature": checked_in_text(event, r),
        }
        for n, r in enumerate(registrations, start=1)
    ]
    blank = [] if event.is_past else list(range(len(rows) + 1, len(rows) + 1 + BLANK_ROWS))
    organisers = [o.name for o in event.organisations.order_by("-is_lead_partner", "name")]
    with translation.override("de"):
        place = ics.location_text(event, with_link=False)
        kind = event.get_kind_display()
        module = event.get_module_display()
    return {
        "event": event,
        "when": when_text(event),
        "place": place,
        "kind": kind,
        "module": module,
        "organisers": organisers,
        "co_organiser": event.co_organiser.name if event.co_organiser_id and event.co_organiser else "",
        "rows": rows,
        "blank_rows": blank,
        "attended": sum(1 for r in registrations if r.status == S.ATTENDED),
        "notice": getattr(settings, "EVENT_FUNDING_NOTICE", ""),
        "printed": f"{timezone.localtime():%d.%m.%Y %H:%M} Uhr",
    }


def participant_list_filename(event: Event) -> str:
    return f"Teilnahmeliste-{event.slug[:80]}.pdf"


def render_participant_list(event: Event, visible: Collection[int] | None = None) -> bytes:
    """`visible`: the ids of the company records the user may see (None: all)."""
    from weasyprint import HTML

    with translation.override("de"):
        html = render_to_string("events/participant_list.html", participant_list_context(event, visible))
    return HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf()
