"""Calendar files (.ics, RFC 5545) of events, built with the icalendar library.

Times are written in Europe/Berlin with a TZID and the matching VTIMEZONE (so an event across the
change from summer to winter time keeps its local times). The UID stays the same for an event's
life; its SEQUENCE rises with every change of time or place, so a calendar replaces the event, and
a cancellation (METHOD:CANCEL) removes it. The online link is written only into a confirmed
participant's file, never into the public feeds.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from .models import Event, EventStatus, Registration

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//Kompetenzregion gruene Produktion//Veranstaltungen//DE"


def uid(event: Event) -> str:
    host = urlparse(settings.SITE_URL).hostname or "localhost"
    return f"veranstaltung-{event.pk}@{host}"


def event_url(event: Event) -> str:
    return settings.SITE_URL + reverse("web:event_detail", args=[event.slug])


def location_text(event: Event, *, with_link: bool = False) -> str:
    if event.online:
        base = _("Online")
        return f"{base}: {event.online_url}" if with_link and event.online_url else base
    parts = [p for p in (event.venue, event.address) if p]
    if event.municipality_id and event.municipality.name not in " ".join(parts):
        parts.append(event.municipality.name)
    return ", ".join(parts)


def _vevent(event: Event, *, registration: Registration | None, cancelled: bool) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", uid(event))
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", timezone.now().astimezone(ZoneInfo("UTC")))
    vevent.add("dtstart", event.starts_at.astimezone(BERLIN))
    vevent.add("dtend", event.ends_at.astimezone(BERLIN))
    vevent.add("summary", event.title)
    with_link = registration is not None and registration.is_confirmed_participant
    vevent.add("location", location_text(event, with_link=with_link))
    lines = [event.summary, "", event_url(event)]
    if with_link and event.online and event.online_url:
        lines += ["", _("Online link: %(url)s") % {"url": event.online_url}]
    if registration is not None:
        manage = settings.SITE_URL + reverse("web:event_registration", args=[registration.token])
        lines += ["", _("Your registration: %(url)s") % {"url": manage}]
    vevent.add("description", "\n".join(lines))
    vevent.add("url", event_url(event))
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return vevent


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal


def registration_calendar(registration: Registration, *, cancel: bool = False) -> str:
    """The calendar file for a participant: METHOD:REQUEST, or METHOD:CANCEL when the event was
    cancelled or the registration ended."""
    event = registration.event
    cancelled = cancel or event.status == EventStatus.CANCELLED
    cal = _calendar("CANCEL" if cancelled else "REQUEST")
    cal.add_component(_vevent(event, registration=registration, cancelled=cancelled))
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


def feed(events: Iterable[Event], *, name: str) -> str:
    """A subscribable feed (METHOD:PUBLISH) of published and cancelled events, without online links."""
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Berlin")
    for event in events:
        cal.add_component(_vevent(event, registration=None, cancelled=event.status == EventStatus.CANCELLED))
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")
