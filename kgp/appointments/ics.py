"""Calendar files (.ics, RFC 5545) for bookings, built with the icalendar library.

Times are written in Europe/Berlin with a TZID and the matching VTIMEZONE, so Outlook, Google,
Apple and Thunderbird show the local time. The UID stays the same for a booking's life: a moved
appointment (METHOD:REQUEST, higher SEQUENCE) replaces the event, a cancellation (METHOD:CANCEL)
removes it.
"""

from __future__ import annotations

from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Booking, BookingStatus, LocationKind

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//Kompetenzregion gruene Produktion//Termine//DE"


def uid(booking: Booking) -> str:
    host = urlparse(settings.SITE_URL).hostname or "localhost"
    return f"erstgespraech-{booking.pk}@{host}"


def manage_url(booking: Booking) -> str:
    return settings.SITE_URL + reverse("web:appointment_manage", args=[booking.manage_token])


def location_text(booking: Booking) -> str:
    """Where the consultation takes place, in words (the active language)."""
    slot = booking.slot
    if booking.location_kind == LocationKind.AT_COMPANY:
        company = booking.company
        address = ", ".join(p for p in (company.street, f"{company.postcode} {company.city}".strip()) if p)
        return _("At your company: %(address)s") % {"address": address or company.name}
    if booking.location_kind == LocationKind.ONLINE:
        base = _("Online (video call)")
        return f"{base}: {slot.location_detail}" if slot.location_kind == LocationKind.ONLINE and slot.location_detail else base
    detail = slot.location_detail or slot.organisation.name
    return _("At the agency: %(place)s") % {"place": detail}


def calendar_text(booking: Booking, *, method: str | None = None) -> str:
    """The booking as a calendar file; METHOD:CANCEL for a cancelled booking, else METHOD:REQUEST."""
    if method is None:
        method = "CANCEL" if booking.status == BookingStatus.CANCELLED else "REQUEST"
    slot = booking.slot
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    event = Event()
    event.add("uid", uid(booking))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", timezone.now().astimezone(ZoneInfo("UTC")))
    event.add("dtstart", slot.starts_at.astimezone(BERLIN))
    event.add("dtend", slot.ends_at.astimezone(BERLIN))
    event.add("summary", _("Initial consultation with %(agency)s") % {"agency": slot.organisation.name})
    event.add("location", location_text(booking))
    description = [
        _("Topic: %(topic)s") % {"topic": booking.topic},
        _("Cancel or move the appointment: %(url)s") % {"url": manage_url(booking)},
    ]
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organiser_email = slot.organisation.email or (slot.consultant.email if slot.consultant else "")
    if organiser_email:
        organizer = vCalAddress(f"mailto:{organiser_email}")
        organizer.params["cn"] = vText(slot.organisation.name)
        event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{booking.contact_email}")
    attendee.params["cn"] = vText(booking.contact_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", attendee)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")
