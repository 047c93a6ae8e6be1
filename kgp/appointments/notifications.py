"""E-mails about appointments, in the booking's language, each with the calendar file (.ics).

Sent after the transaction commits, through the task queue (kgp.core.mail carries the text
attachment). The consultant of the slot gets a short notice with a link to the backoffice. A
cancellation or move says who made it (a staff member with their agency, or the booking link) and
the reason given.
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

from kgp.accounts.models import User

from . import ics
from .models import Booking

ICS_NAME = "erstgespraech.ics"


def _when(booking: Booking) -> str:
    start = timezone.localtime(booking.slot.starts_at)
    end = timezone.localtime(booking.slot.ends_at)
    return f"{date_format(start, 'DATE_FORMAT')}, {date_format(start, 'TIME_FORMAT')}–{date_format(end, 'TIME_FORMAT')}"


def _who(booking: Booking, staff: User | None, *, moved: bool) -> str:
    """Who cancelled or moved the appointment, in the active language (staff: name and agency, never
    their e-mail address)."""
    if staff is None:
        return _("Moved through the link in the confirmation e-mail.") if moved else _("Cancelled through the link in the confirmation e-mail.")
    agency = staff.organisation.name if staff.organisation_id else booking.slot.organisation.name
    name = staff.get_full_name()
    who = f"{name}, {agency}" if name else agency
    return (_("Moved by %(who)s.") if moved else _("Cancelled by %(who)s.")) % {"who": who}


def _change_lines(booking: Booking, change: dict | None) -> list[str]:
    """`change`: {"staff": User | None, "reason": str, "moved": bool} for a cancellation or move."""
    if change is None:
        return []
    lines = [_who(booking, change.get("staff"), moved=change.get("moved", False))]
    if change.get("reason"):
        lines.append(_("Reason: %(reason)s") % {"reason": change["reason"]})
    return lines + [""]


def _body(booking: Booking, intro: str, change: dict | None = None) -> str:
    lines = [_("Hello,"), "", intro, ""] + _change_lines(booking, change)
    lines.append(_("When: %(when)s") % {"when": _when(booking)})
    lines.append(_("Where: %(where)s") % {"where": ics.location_text(booking)})
    lines.append(_("Topic: %(topic)s") % {"topic": booking.topic})
    lines.append(_("With: %(agency)s") % {"agency": booking.slot.organisation.name})
    lines += ["", _("The calendar file is attached.")]
    if booking.status == "confirmed":
        lines += ["", _("Cancel or move the appointment: %(url)s") % {"url": ics.manage_url(booking)}]
    return "\n".join(lines) + "\n"


def _message(booking: Booking, subject: str, intro: str, change: dict | None = None) -> EmailMessage:
    with translation.override(booking.language or settings.LANGUAGE_CODE):
        message = EmailMessage(" ".join(_(subject).split()), _body(booking, _(intro), change), None, [booking.contact_email])
        message.attach(ICS_NAME, ics.calendar_text(booking), "text/calendar")
    return message


def _team_notice(
    booking: Booking, subject: str, change: dict | None = None, *, consultant: User | None = None, method: str | None = None
) -> EmailMessage | None:
    """A notice to the slot's consultant (or `consultant`), with the calendar file (`method`: see ics)."""
    consultant = consultant or booking.slot.consultant
    if consultant is None or not consultant.is_active:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        body = _("%(company)s, %(when)s.\n\nOpen your slots in the backoffice: %(url)s") % {
            "company": booking.company.name,
            "when": _when(booking),
            "url": settings.SITE_URL + reverse("backoffice:appointment_slots"),
        }
        extra = "\n".join(_change_lines(booking, change)).strip()
        message = EmailMessage(" ".join(_(subject).split()), body + "\n" + ("\n" + extra + "\n" if extra else ""), None, [consultant.email])
        message.attach(ICS_NAME, ics.calendar_text(booking, method=method), "text/calendar")
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


def booking_moved(booking: Booking, *, staff: User | None = None, old_consultant: User | None = None) -> None:
    """The company and the new slot's consultant get the new time; a different consultant of the old
    slot gets a cancelling calendar file (same UID), so the event leaves their calendar."""
    change = {"staff": staff, "moved": True}
    handed_over = old_consultant is not None and old_consultant.pk != booking.slot.consultant_id
    _send_after_commit(
        _message(booking, gettext_noop("Your initial consultation has been moved"), gettext_noop("your initial consultation has been moved to a new time."), change),
        _team_notice(booking, gettext_noop("Initial consultation moved"), change),
        _team_notice(booking, gettext_noop("Initial consultation moved to another consultant"), change, consultant=old_consultant, method="CANCEL")
        if handed_over
        else None,
    )


def booking_cancelled(booking: Booking, *, staff: User | None = None, reason: str = "") -> None:
    change = {"staff": staff, "reason": reason, "moved": False}
    _send_after_commit(
        _message(booking, gettext_noop("Your initial consultation has been cancelled"), gettext_noop("your initial consultation has been cancelled."), change),
        _team_notice(booking, gettext_noop("Initial consultation cancelled"), change),
    )


def booking_reminder(booking: Booking) -> None:
    _send_after_commit(
        _message(booking, gettext_noop("Reminder: your initial consultation tomorrow"), gettext_noop("this is a reminder of your initial consultation tomorrow.")),
    )
