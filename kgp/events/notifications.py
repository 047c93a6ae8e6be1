"""E-mails about events, in the participant's language, sent after the commit through the task queue.

- confirm_email: the double opt-in link for a guest (nothing counts before it is used);
- placed: registered (with the calendar file) or on the waiting list;
- seat_offered / offer_expired: a freed seat for a limited time, and its lapse;
- cancelled: the participant's own cancellation (or staff's), with a cancelling calendar file;
- event_changed / event_cancelled: notices with an updated or cancelling calendar file;
- reminder: 24 hours before, with the calendar file;
- feedback_request: after the event, to those who attended only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import ics
from .models import Event, Registration, RegistrationStatus

ICS_NAME = "veranstaltung.ics"


def when_text(event: Event) -> str:
    start = timezone.localtime(event.starts_at)
    end = timezone.localtime(event.ends_at)
    if start.date() == end.date():
        return f"{date_format(start, 'DATE_FORMAT')}, {date_format(start, 'TIME_FORMAT')}–{date_format(end, 'TIME_FORMAT')}"
    return f"{date_format(start, 'DATE_FORMAT')} {date_format(start, 'TIME_FORMAT')} – {date_format(end, 'DATE_FORMAT')} {date_format(end, 'TIME_FORMAT')}"


def _url(name: str, registration: Registration) -> str:
    return settings.SITE_URL + reverse(name, args=[registration.token])


def _details(registration: Registration) -> list[str]:
    event = registration.event
    lines = [
        _("Event: %(title)s") % {"title": event.title},
        _("When: %(when)s") % {"when": when_text(event)},
        _("Where: %(where)s") % {"where": ics.location_text(event, with_link=registration.is_confirmed_participant)},
    ]
    return lines


def _message(registration: Registration, subject: str, paragraphs: list[str], *, calendar: str | None = None) -> EmailMessage:
    body = "\n".join([_("Hello %(name)s,") % {"name": registration.name}, "", *paragraphs, "", *_details(registration)])
    body += "\n\n" + _("Your registration: %(url)s") % {"url": _url("web:event_registration", registration)}
    body += "\n\n" + _("Kompetenzregion für grüne Produktion") + "\n"
    message = EmailMessage(subject, body, None, [registration.email])
    if calendar is not None:
        message.attach(ICS_NAME, calendar, "text/calendar")
    return message


def _send(*messages: EmailMessage) -> None:
    # Called after the commit (see after_commit): the messages go to the task queue at once.
    for message in messages:
        message.send()


def after_commit(notice: Callable[..., None]) -> Callable[..., None]:
    """Build and send the e-mail after the writing transaction commits: the calendar file and the
    texts are not built while the event row is locked, and nothing is sent for a rolled-back change."""

    @wraps(notice)
    def deferred(*args: Any, **kwargs: Any) -> None:
        transaction.on_commit(lambda: notice(*args, **kwargs))

    return deferred


@after_commit
def confirm_email(registration: Registration) -> None:
    with translation.override(registration.language):
        subject = _("Please confirm your registration: %(title)s") % {"title": registration.event.title}
        paragraphs = [
            _("please confirm your e-mail address so that your registration counts:"),
            _url("web:event_confirm", registration),
            "",
            _("If you did not register, ignore this e-mail; nothing happens without the confirmation."),
        ]
        _send(_message(registration, subject, paragraphs))


@after_commit
def placed(registration: Registration) -> None:
    with translation.override(registration.language):
        if registration.status == RegistrationStatus.REGISTERED:
            subject = _("Registration confirmed: %(title)s") % {"title": registration.event.title}
            paragraphs = [_("your registration is confirmed. The calendar file is attached.")]
            if registration.event.online and registration.event.online_url:
                paragraphs.append(_("Online link: %(url)s") % {"url": registration.event.online_url})
            _send(_message(registration, subject, paragraphs, calendar=ics.registration_calendar(registration)))
        else:
            subject = _("Waiting list: %(title)s") % {"title": registration.event.title}
            paragraphs = [
                _("the event is fully booked; you are on the waiting list."),
                _("When a seat becomes free, we will offer it to you by e-mail. You can leave the waiting list at any time."),
            ]
            _send(_message(registration, subject, paragraphs))


@after_commit
def seat_offered(registration: Registration) -> None:
    with translation.override(registration.language):
        until = timezone.localtime(registration.offered_until)
        subject = _("A seat is free for you: %(title)s") % {"title": registration.event.title}
        paragraphs = [
            _("a seat has become free. It is reserved for you until %(until)s.")
            % {"until": f"{date_format(until, 'DATE_FORMAT')}, {date_format(until, 'TIME_FORMAT')}"},
            _("Please accept or decline it here:"),
            _url("web:event_registration", registration),
        ]
        _send(_message(registration, subject, paragraphs))


@after_commit
def offer_expired(registration: Registration) -> None:
    with translation.override(registration.language):
        subject = _("Offer expired: %(title)s") % {"title": registration.event.title}
        _send(_message(registration, subject, [_("the seat offered to you was not taken in time and has gone to the next person on the waiting list.")]))


@after_commit
def cancelled(registration: Registration, *, by_staff: bool) -> None:
    with translation.override(registration.language):
        subject = _("Registration cancelled: %(title)s") % {"title": registration.event.title}
        text = _("the organisers have cancelled your registration.") if by_staff else _("your registration has been cancelled.")
        _send(_message(registration, subject, [text], calendar=ics.registration_calendar(registration, cancel=True)))


@after_commit
def event_changed(event: Event, fields: list[str]) -> None:
    messages = []
    for registration in event.registrations.filter(
        status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.OFFERED, RegistrationStatus.WAITLISTED)
    ).select_related("event"):
        with translation.override(registration.language):
            subject = _("Changed: %(title)s") % {"title": event.title}
            paragraphs = [_("the time or place of the event has changed. Please note the new details below.")]
            calendar = ics.registration_calendar(registration) if registration.status == RegistrationStatus.REGISTERED else None
            if calendar:
                paragraphs.append(_("The updated calendar file is attached."))
            messages.append(_message(registration, subject, paragraphs, calendar=calendar))
    if messages:
        _send(*messages)


@after_commit
def event_cancelled(event: Event, registrations: Iterable[Registration], reason: str) -> None:
    messages = []
    for registration in registrations:
        registration.event = event
        with translation.override(registration.language):
            subject = _("Cancelled: %(title)s") % {"title": event.title}
            paragraphs = [_("unfortunately the event has been cancelled."), _("Reason: %(reason)s") % {"reason": reason}]
            messages.append(_message(registration, subject, paragraphs, calendar=ics.registration_calendar(registration, cancel=True)))
    if messages:
        _send(*messages)


@after_commit
def reminder(registration: Registration) -> None:
    with translation.override(registration.language):
        subject = _("Reminder: %(title)s") % {"title": registration.event.title}
        paragraphs = [_("this is a reminder of the event you registered for.")]
        if registration.event.online and registration.event.online_url:
            paragraphs.append(_("Online link: %(url)s") % {"url": registration.event.online_url})
        paragraphs.append(_("If you cannot come, please cancel so that someone from the waiting list can take your seat."))
        _send(_message(registration, subject, paragraphs, calendar=ics.registration_calendar(registration)))


@after_commit
def feedback_request(registration: Registration) -> None:
    with translation.override(registration.language):
        subject = _("How was it? %(title)s") % {"title": registration.event.title}
        paragraphs = [
            _("thank you for taking part. Two questions, one minute: how would you rate the event, and what should we improve?"),
            _url("web:event_feedback", registration),
        ]
        _send(_message(registration, subject, paragraphs))
