"""E-mails about appointments, in the booking's language, each with the calendar file (.ics).

Sent after the transaction commits, through the task queue (kgp.core.mail carries the text
attachment). The consultant of the slot gets a short notice with a link to the backoffice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import ics
from .models import Booking

ICS_NAME = "erstgespraech.ics"


def _when(booking: Booking) -> str:
    start = timezone.localtime(booking.slot.starts_at)
    end = timezone.localtime(booking.slot.ends_at)
    return f"{date_format(start, 'DATE_FORMAT')}, {date_format(start, 'TIME_FORMAT')}–{date_format(end, 'TIME_FORMAT')}"


def _body(booking: Booking, intro: str) -> str:
    lines = [_("Hello,"), "", intro, ""]
    lines.append(_("When: %(when)s") % {"when": _when(booking)})
    lines.append(_("Where: %(where)s") % {"where": ics.location_text(booking)})
    lines.append(_("Topic: %(topic)s") % {"topic": booking.topic})
    lines.append(_("With: %(agency)s") % {"agency": booking.slot.organisation.name})
    lines += ["", _("The calendar file is attached.")]
    if booking.status == "confirmed":
        lines += ["", _("Cancel or move the appointment: %(url)s") % {"url": ics.manage_url(booking)}]
    return "\n".join(lines) + "\n"


def _message(booking: Booking, subject: str, intro: str) -> EmailMessage:
    with translation.override(booking.language or settings.LANGUAGE_CODE):
        message = EmailMessage(" ".join(_(subject).split()), _body(booking, _(intro)), None, [booking.contact_email])
        message.attach(ICS_NAME, ics.calendar_text(booking), "text/calendar")
    return message


def _team_notice(booking: Booking, subject: str) -> EmailMessage | None:
    consultant = booking.slot.consultant
    if consultant is None or not consultant.is_active:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        body = _("%(company)s, %(when)s.\n\nOpen your slots in the backoffice: %(url)s") % {
            "company": booking.company.name,
            "when": _when(booking),
            "url": settings.SITE_URL + reverse("backoffice:appointment_slots"),
        }
        message = EmailMessage(" ".join(_(subject).split()), body + "\n", None, [consultant.email])
        message.attach(ICS_NAME, ics.calendar_text(booking), "text/calendar")
    return message


def _send_after_commit(*messages: EmailMessage | None) -> None:
    def send() -> None:
        for message in messages:
            if message is not None:
                message.send()

    transaction.on_commit(send)


# The English source texts (marked with gettext_noop); _message translates them in the booking's language.
def booking_confirmed(booking: Booking) -> None:
    _send_after_commit(
        _message(booking, gettext_noop("Your initial consultation is booked"), gettext_noop("your initial consultation is booked.")),
        _team_notice(booking, gettext_noop("New initial consultation booked")),
    )


def booking_moved(booking: Booking) -> None:
    _send_after_commit(
        _message(booking, gettext_noop("Your initial consultation has been moved"), gettext_noop("your initial consultation has been moved to a new time.")),
        _team_notice(booking, gettext_noop("Initial consultation moved")),
    )


def booking_cancelled(booking: Booking) -> None:
    _send_after_commit(
        _message(booking, gettext_noop("Your initial consultation has been cancelled"), gettext_noop("your initial consultation has been cancelled.")),
        _team_notice(booking, gettext_noop("Initial consultation cancelled")),
    )


def booking_reminder(booking: Booking) -> None:
    _send_after_commit(
        _message(booking, gettext_noop("Reminder: your initial consultation tomorrow"), gettext_noop("this is a reminder of your initial consultation tomorrow.")),
    )
