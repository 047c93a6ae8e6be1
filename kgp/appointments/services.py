"""Appointment services: publishing and withdrawing slots, booking, cancelling and moving.

Keyword-only, typed, atomic; each one writes the audit log (bookings with their company, so they
appear on the company's timeline). E-mails go out after the commit (notifications.py). Views check
who may call them (access.py) and only pass input.

A slot is never booked twice: booking_create and booking_move lock the slot row before checking it,
and the partial unique constraint `booking_one_confirmed_per_slot` is the last line of defence.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kgp.accounts.models import User
from kgp.companies.models import Company
from kgp.core.audit import log_action
from kgp.core.errors import ServiceError
from kgp.organisations.models import Organisation
from kgp.requests.models import Request

from . import notifications
from .models import Booking, BookingStatus, LocationKind, Slot, SlotStatus

MIN_MINUTES = 15
MAX_MINUTES = 8 * 60
MAX_WEEKS = 26
# How far ahead slots may be published.
MAX_DAYS_AHEAD = 366


def _text(value: str, field: str, max_length: int, *, required: bool = True) -> str:
    text = " ".join((value or "").split()) if field != "participants" else (value or "").strip()
    if required and not text:
        raise ServiceError(_("This field is required."), field=field, code="required")
    if len(text) > max_length:
        raise ServiceError(_("The text is too long."), field=field)
    return text


def _location(value: str, field: str = "location_kind") -> str:
    if value not in LocationKind.values:
        raise ServiceError(_("Choose a location."), field=field)
    return value


def responsible_agency(*, company: Company, request: Request | None = None) -> Organisation | None:
    """The agency whose slots the company books: the request's agency, else the company's responsible
    agency; for companies outside the region the network coordination (the lead partner)."""
    agency_id = request.partner_id if request is not None else company.responsible_partner_id
    if agency_id is not None:
        return Organisation.objects.filter(pk=agency_id).first()
    return Organisation.objects.filter(is_lead_partner=True).first()


# --- slots ------------------------------------------------------------------------------------


@transaction.atomic
def slots_publish(
    *,
    actor: User,
    organisation: Organisation,
    starts_at: dt.datetime,
    duration_minutes: int,
    location_kind: str,
    location_detail: str = "",
    weeks: int = 1,
    consultant: User | None = None,
) -> list[Slot]:
    """One slot, or the same slot weekly for `weeks` weeks (same local time, across DST changes).
    Refuses past starts, implausible durations and overlaps with the consultant's own open or
    booked slots."""
    if not isinstance(starts_at, dt.datetime) or timezone.is_naive(starts_at):
        raise ServiceError(_("Enter a date and time."), field="starts_at")
    if not isinstance(duration_minutes, int) or not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        raise ServiceError(
            _("The duration must be between %(min)s and %(max)s minutes.") % {"min": MIN_MINUTES, "max": MAX_MINUTES},
            field="duration_minutes",
        )
    if not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        raise ServiceError(_("Repeat for 1 to %(max)s weeks.") % {"max": MAX_WEEKS}, field="weeks")
    now = timezone.now()
    if starts_at <= now:
        raise ServiceError(_("The slot must lie in the future."), field="starts_at", code="past")
    location_kind = _location(location_kind)
    location_detail = _text(location_detail, "location_detail", 300, required=False)
    consultant = consultant or actor
    local_start = timezone.localtime(starts_at).replace(tzinfo=None)
    tz = timezone.get_current_timezone()
    slots: list[Slot] = []
    for week in range(weeks):
        start = timezone.make_aware(local_start + dt.timedelta(weeks=week), tz)
        end = start + dt.timedelta(minutes=duration_minutes)
        if start > now + dt.timedelta(days=MAX_DAYS_AHEAD):
            raise ServiceError(_("Slots can be published at most one year ahead."), field="starts_at")
        overlap = Slot.objects.filter(
            consultant=consultant,
            status__in=(SlotStatus.OPEN, SlotStatus.BOOKED),
            starts_at__lt=end,
            ends_at__gt=start,
        ).exists()
        if overlap:
            raise ServiceError(
                _("On %(day)s you already have a slot at this time.") % {"day": f"{timezone.localtime(start):%d.%m.%Y}"},
                field="starts_at",
                code="overlap",
            )
        slot = Slot(
            organisation=organisation,
            consultant=consultant,
            starts_at=start,
            ends_at=end,
            location_kind=location_kind,
            location_detail=location_detail,
            created_by=actor,
        )
        slot.full_clean()
        slot.save()
        slots.append(slot)
    for slot in slots:
        log_action(actor=actor, action="create", obj=slot, changes={"starts_at": [None, slot.starts_at.isoformat()]})
    return slots


@transaction.atomic
def slot_delete(*, actor: User, slot: Slot) -> None:
    """Withdraw an open slot (it stays in the database, so its history is kept). A booked slot must be
    cancelled first."""
    slot = Slot.objects.select_for_update().get(pk=slot.pk)
    if slot.status != SlotStatus.OPEN:
        raise ServiceError(_("Only an open slot can be withdrawn."), code="not_open")
    slot.status = SlotStatus.CANCELLED
    slot.save(update_fields=["status"])
    log_action(actor=actor, action="delete", obj=slot, changes={"status": [SlotStatus.OPEN, SlotStatus.CANCELLED]})


# --- bookings ---------------------------------------------------------------------------------


def _lock_bookable(slot_id: int, *, agency_id: int | None, field: str = "slot") -> Slot:
    """Lock the slot row and check that it can be booked now by a company of this agency."""
    slot = Slot.objects.select_for_update().filter(pk=slot_id).first()
    if slot is None or slot.organisation_id != agency_id:
        raise ServiceError(_("This slot is not offered to your company."), field=field, code="wrong_agency")
    if slot.starts_at <= timezone.now():
        raise ServiceError(_("This slot lies in the past."), field=field, code="past")
    if slot.status == SlotStatus.CANCELLED:
        raise ServiceError(_("This slot has been withdrawn. Please choose another one."), field=field, code="withdrawn")
    if slot.status != SlotStatus.OPEN:
        raise ServiceError(_("This slot has just been booked by someone else. Please choose another one."), field=field, code="taken")
    return slot


def _check_location(slot: Slot, location_kind: str) -> str:
    location_kind = _location(location_kind)
    # Every consultation can also be held as a video call; otherwise it takes place where the slot says.
    if location_kind not in (slot.location_kind, LocationKind.ONLINE):
        raise ServiceError(_("This slot is not offered at this location."), field="location_kind", code="location")
    return location_kind


@transaction.atomic
def booking_create(
    *,
    actor: User,
    slot: Slot,
    company: Company,
    topic: str,
    contact_name: str,
    contact_email: str,
    location_kind: str,
    participants: str = "",
    request: Request | None = None,
    language: str = "de",
) -> Booking:
    """Book a slot for a company. Only slots of the company's responsible agency (or of the agency
    the request went to), open and in the future. Concurrent bookings of one slot: exactly one wins."""
    if request is not None and request.company_id != company.pk and request.company.merged_into_id != company.pk:
        raise ServiceError(_("The request belongs to another company."), field="request", code="wrong_company")
    agency = responsible_agency(company=company, request=request)
    locked = _lock_bookable(slot.pk, agency_id=agency.pk if agency else None)
    booking = Booking(
        slot=locked,
        company=company,
        request=request,
        topic=_text(topic, "topic", 300),
        participants=_text(participants, "participants", 500, required=False),
        location_kind=_check_location(locked, location_kind),
        contact_name=_text(contact_name, "contact_name", 200),
        contact_email=(contact_email or "").strip(),
        language=language if language in ("de", "en") else "de",
        booked_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        booking.full_clean(exclude=["slot", "company", "request", "booked_by"])
    except Exception as exc:  # ValidationError: the e-mail address is the only field left to check
        raise ServiceError(_("Enter a valid e-mail address."), field="contact_email") from exc
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        raise ServiceError(
            _("This slot has just been booked by someone else. Please choose another one."), field="slot", code="taken"
        ) from None
    locked.status = SlotStatus.BOOKED
    locked.save(update_fields=["status"])
    log_action(actor=actor, action="create", obj=booking, company=company, changes={"slot": [None, str(locked)]})
    notifications.booking_confirmed(booking)
    return booking


def _lock_booking(booking: Booking) -> Booking:
    locked = Booking.objects.select_for_update(of=("self",)).select_related("slot", "company").get(pk=booking.pk)
    if locked.status != BookingStatus.CONFIRMED:
        raise ServiceError(_("This appointment has already been cancelled."), code="cancelled")
    if locked.slot.starts_at <= timezone.now():
        raise ServiceError(_("This appointment has already taken place."), code="past")
    return locked


MAX_REASON = 1000
_REASON_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _reason(value: str) -> str:
    """A cancellation reason: line breaks kept, other control characters dropped, at most MAX_REASON."""
    text = _REASON_CONTROL.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    if len(text) > MAX_REASON:
        raise ServiceError(_("The text is too long."), field="reason")
    return text


def _staff(actor: Any) -> User | None:
    """The staff member acting, for the e-mails ("cancelled by …"); None for the booking link."""
    return actor if isinstance(actor, User) and actor.is_staff_member else None


@transaction.atomic
def booking_cancel(*, actor: Any, booking: Booking, reason: str = "") -> Booking:
    """Cancel a booking (by the company through its link, or by staff); the slot is open again.
    The booking has no field for the reason: it goes into the audit log and the e-mails."""
    reason = _reason(reason)
    booking = _lock_booking(booking)
    slot = Slot.objects.select_for_update().get(pk=booking.slot_id)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.sequence += 1
    booking.save(update_fields=["status", "cancelled_at", "sequence"])
    if slot.status == SlotStatus.BOOKED:
        slot.status = SlotStatus.OPEN
        slot.save(update_fields=["status"])
    changes: dict[str, Any] = {"status": [BookingStatus.CONFIRMED, BookingStatus.CANCELLED]}
    if reason:
        changes["reason"] = [None, reason]
    log_action(actor=actor, action="update", obj=booking, company=booking.company, changes=changes)
    notifications.booking_cancelled(booking, staff=_staff(actor), reason=reason)
    return booking


@transaction.atomic
def booking_move(*, actor: Any, booking: Booking, new_slot: Slot) -> Booking:
    """Move a booking to another open slot of the same agency: the new slot is booked, the old one
    freed, in one transaction. The booking keeps its link and calendar UID."""
    booking = _lock_booking(booking)
    if new_slot.pk == booking.slot_id:
        raise ServiceError(_("Choose a different slot."), field="slot", code="same")
    old = booking.slot
    # Lock both slots in id order, so two moves in opposite directions cannot deadlock.
    list(Slot.objects.select_for_update().filter(pk__in=[old.pk, new_slot.pk]).order_by("pk").values_list("pk", flat=True))
    locked = _lock_bookable(new_slot.pk, agency_id=old.organisation_id)
    if booking.location_kind not in (locked.location_kind, LocationKind.ONLINE):
        booking.location_kind = locked.location_kind
    booking.slot = locked
    booking.sequence += 1
    booking.reminder_sent_at = None
    try:
        with transaction.atomic():
            booking.save(update_fields=["slot", "location_kind", "sequence", "reminder_sent_at"])
    except IntegrityError:
        raise ServiceError(
            _("This slot has just been booked by someone else. Please choose another one."), field="slot", code="taken"
        ) from None
    Slot.objects.filter(pk=old.pk, status=SlotStatus.BOOKED).update(status=SlotStatus.OPEN)
    locked.status = SlotStatus.BOOKED
    locked.save(update_fields=["status"])
    log_action(actor=actor, action="update", obj=booking, company=booking.company, changes={"slot": [str(old), str(locked)]})
    notifications.booking_moved(booking, staff=_staff(actor), old_consultant=old.consultant)
    return booking


# --- reminders --------------------------------------------------------------------------------

REMINDER_FROM = dt.timedelta(hours=23)
REMINDER_TO = dt.timedelta(hours=25)


@transaction.atomic
def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind every confirmed booking that starts in 23 to 25 hours and was not reminded yet.
    Run every 15 minutes; running it twice (or in two workers at once) sends each reminder once:
    the rows are locked (SKIP LOCKED on PostgreSQL) and `reminder_sent_at` is set in the same
    transaction. The e-mails are queued after the commit."""
    now = now or timezone.now()
    due = list(
        Booking.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("slot", "slot__organisation", "company")
        .filter(
            status=BookingStatus.CONFIRMED,
            reminder_sent_at__isnull=True,
            slot__starts_at__gte=now + REMINDER_FROM,
            slot__starts_at__lte=now + REMINDER_TO,
        )
        .order_by("pk")
    )
    for booking in due:
        booking.reminder_sent_at = now
        booking.save(update_fields=["reminder_sent_at"])
        notifications.booking_reminder(booking)
    return len(due)
