"""The daily digest e-mail of a consultant's (or the coordination's) work.

`digests_send` runs once a day (`manage.py send_digests`, the task `send_daily_digests`), on working
days (Monday to Friday) only: on Saturdays and Sundays it sends nothing, and Monday's digest shows
what became overdue over the weekend. Public holidays are not known to the system and get a digest.

Who gets one: every active staff member with the role consultant or coordinator, `daily_digest`
switched on and an e-mail address — at most one a day (`DigestSent`, unique per user and day, is
inserted first inside the transaction; a second run, or a second worker at the same time, finds the
row or hits the constraint and skips the user). No digest when there is nothing to report.

What it contains (the same rules as the "my work" page, see queries.my_work):
- the user's overdue open tasks and those due by Sunday of this week (only tasks of their own
  agency's cases and companies; the coordination: all);
- the new requests of their agency (the coordination: the requests routed to the network
  coordination, as its "my work" page shows them);
- their open cases without an activity for IDLE_DAYS days;
- the initial consultations booked in their own slots today and on the next working day.

Company names, task titles, request numbers, stages and times only — never notes, messages or the
contact data of a booking. Every line links to the backoffice with an absolute address (SITE_URL).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kgp.accounts.models import Role, User
from kgp.appointments.models import Booking, BookingStatus
from kgp.core.audit import log_action
from kgp.requests import access as request_access
from kgp.requests.models import RequestStatus

from . import access
from .models import DigestSent, Task
from .queries import IDLE_DAYS, week_end

logger = logging.getLogger(__name__)

# At most this many lines per section; more are summed up as "… and more" with a link.
DIGEST_LIMIT = 20
DIGEST_ROLES = (Role.CONSULTANT, Role.COORDINATOR)
TEMPLATE = "email/daily_digest.txt"


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5


def next_working_day(day: dt.date) -> dt.date:
    following = day + dt.timedelta(days=1)
    while not is_working_day(following):
        following += dt.timedelta(days=1)
    return following


def _url(name: str, *args: Any) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _section(rows: list[Any], url: Any) -> dict[str, Any]:
    """The first DIGEST_LIMIT rows (each with its absolute link), and whether there were more."""
    return {"items": [{"obj": row, "url": url(row)} for row in rows[:DIGEST_LIMIT]], "more": len(rows) > DIGEST_LIMIT}


def _task_url(task: Task) -> str:
    if task.case_id:
        return _url("backoffice:case_detail", task.case_id)
    return _url("backoffice:company_detail", task.company_id)


def _day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of `first` to the start of the day after `last`, in the local time zone."""
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    return start, end


def _bookings(user: User, first: dt.date, last: dt.date) -> list[Any]:
    """Confirmed initial consultations in the user's own slots from `first` to `last` (one query)."""
    start, end = _day_bounds(first, last)
    return list(
        Booking.objects.filter(
            status=BookingStatus.CONFIRMED, slot__consultant=user, slot__starts_at__gte=start, slot__starts_at__lt=end
        )
        .select_related("slot", "company")
        .order_by("slot__starts_at", "id")[: 2 * DIGEST_LIMIT + 1]
    )


def digest_for(user: User, today: dt.date) -> dict[str, Any] | None:
    """The content of the user's digest for `today`, or None when there is nothing to report.
    Five queries whatever the number of tasks, requests, cases and bookings."""
    if not (user.is_staff_member and user.role in DIGEST_ROLES):
        return None
    limit = DIGEST_LIMIT + 1
    open_tasks = Task.objects.filter(assignee=user, done_at__isnull=True, company__is_active=True).select_related(
        "case", "company"
    )
    if user.role != Role.COORDINATOR:
        # Tasks are internal: only those of the user's own agency (as the task page allows them).
        open_tasks = open_tasks.filter(
            Q(case__organisation_id=user.organisation_id)
            | Q(case__isnull=True, company__responsible_partner_id=user.organisation_id)
        )
    overdue = list(open_tasks.filter(due_on__lt=today).order_by("due_on", "id")[:limit])
    this_week = list(open_tasks.filter(due_on__gte=today, due_on__lte=week_end(today)).order_by("due_on", "id")[:limit])

    visible = request_access.requests_for_staff(user)
    inbox = (
        visible.filter(partner__isnull=True) if user.role == Role.COORDINATOR else visible.filter(partner_id=user.organisation_id)
    )
    new_requests = list(inbox.filter(status=RequestStatus.NEW).select_related("company").order_by("-created_at", "-id")[:limit])

    idle = list(
        access.cases_for_staff(user)
        .filter(consultant=user, stage__is_closed=False, last_activity_on__lt=today - dt.timedelta(days=IDLE_DAYS))
        .select_related("company", "stage")
        .order_by("last_activity_on", "id")[:limit]
    )

    next_day = next_working_day(today)
    bookings = _bookings(user, today, next_day)
    bookings_today = [b for b in bookings if timezone.localdate(b.slot.starts_at) == today]
    bookings_next = [b for b in bookings if timezone.localdate(b.slot.starts_at) != today]

    if not (overdue or this_week or new_requests or idle or bookings):
        return None
    def booking_url(b: Booking) -> str:
        return _url("backoffice:appointment_booking", b.pk)

    return {
        "user": user,
        "today": today,
        "next_day": next_day,
        "idle_days": IDLE_DAYS,
        "is_coordinator": user.role == Role.COORDINATOR,
        "overdue": _section(overdue, _task_url),
        "due_this_week": _section(this_week, _task_url),
        "new_requests": _section(new_requests, lambda r: _url("backoffice:request_detail", r.pk)),
        "idle_cases": _section(idle, lambda c: _url("backoffice:case_detail", c.pk)),
        "bookings_today": _section(bookings_today, booking_url),
        "bookings_next": _section(bookings_next, booking_url),
        "my_work_url": _url("backoffice:my_work"),
    }


def _language(user: User) -> str:
    """Users have no stored language: staff digests are in the site's language (German)."""
    return settings.LANGUAGE_CODE


def digest_message(user: User, content: dict[str, Any]) -> EmailMessage:
    """The e-mail (plain text) in the user's language."""
    with translation.override(_language(user)):
        subject = _("Your daily overview for %(date)s") % {"date": date_format(content["today"], "SHORT_DATE_FORMAT")}
        body = render_to_string(TEMPLATE, content)
    body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
    return EmailMessage(" ".join(subject.split()), body, None, [user.email], headers={"Auto-Submitted": "auto-generated"})


def recipients() -> Any:
    """Everyone who gets a digest (if there is something to report)."""
    return (
        User.objects.filter(is_active=True, role__in=DIGEST_ROLES, daily_digest=True)
        .exclude(email="")
        .select_related("organisation")
        .order_by("pk")
    )


def digests_send(*, today: dt.date | None = None) -> int:
    """Send today's digests; returns how many were sent. Working days (Monday to Friday) only: on a
    Saturday or Sunday nothing is sent.

    Safe to run any number of times and on several workers at once: for each user the `DigestSent`
    row for the day is inserted first, in the same transaction that queues the e-mail (after the
    commit); a user who already has one is skipped, and the unique constraint stops a concurrent run.
    One user's failure is logged and does not stop the others. A constant number of queries per user."""
    today = today or timezone.localdate()
    if not is_working_day(today):
        return 0
    pending = recipients().exclude(pk__in=DigestSent.objects.filter(day=today).values("user_id"))
    sent = 0
    for user in pending:
        try:
            content = digest_for(user, today)
            if content is None:
                continue
            message = digest_message(user, content)
            with transaction.atomic():
                DigestSent.objects.create(user=user, day=today)
                transaction.on_commit(message.send)
        except IntegrityError:
            continue  # another run sent this user's digest meanwhile
        except Exception:
            logger.exception("daily digest for user %s failed", user.pk)
            continue
        sent += 1
    return sent


@transaction.atomic
def digest_subscription_set(*, user: User, enabled: bool) -> None:
    """Switch the user's own daily digest on or off (audited when it changes)."""
    current = User.objects.select_for_update().values_list("daily_digest", flat=True).get(pk=user.pk)
    if current == enabled:
        return
    User.objects.filter(pk=user.pk).update(daily_digest=enabled)
    user.daily_digest = enabled
    log_action(actor=user, action="update", obj=user, changes={"daily_digest": [current, enabled]})
