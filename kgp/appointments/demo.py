"""Demo appointments: the consultants' published slots for the next weeks, upcoming bookings, a moved
and a cancelled booking, and the initial consultations already held.

Called by `seed_demo` after the journey demo, which says which companies had their initial
consultation on which day and which are waiting for one (plain tuples: `appointments` does not
import `journey`). Slots, upcoming bookings, the move and the cancellation go through the services
(validation, locking, audit log, the e-mails after the commit — to addresses at the demo domain
only). The services refuse anything in the past, so the consultations already held are written
directly: a booked slot and a confirmed booking per consultation, with the reminder marked as sent,
the booking time set back to when it was arranged, and the audit entry the service would have
written. Deterministic for one seed, apart from the timestamps of seeding.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from kgp.accounts.models import Role, User
from kgp.companies.demo import DEMO_DOMAIN, slug
from kgp.companies.models import Company, CompanyMembership, Contact
from kgp.core.audit import log_action
from kgp.organisations.models import Organisation
from kgp.requests.models import Request

from . import services
from .models import Booking, LocationKind, Slot, SlotStatus

WEEKS = 8
# Weekly slots per agency: (weekday 0=Monday, hour, minute, minutes, location).
WEEKLY: dict[str, tuple[tuple[int, int, int, int, str], ...]] = {
    "dortmund": ((1, 9, 0, 90, LocationKind.AT_AGENCY), (3, 14, 0, 60, LocationKind.ONLINE)),
    "bochum": ((0, 10, 0, 90, LocationKind.AT_AGENCY), (2, 13, 30, 60, LocationKind.ONLINE)),
    "hagen": ((1, 13, 0, 90, LocationKind.AT_AGENCY), (4, 9, 0, 60, LocationKind.ONLINE)),
    "hamm": ((2, 9, 30, 90, LocationKind.AT_AGENCY), (3, 10, 0, 60, LocationKind.ONLINE)),
    "unna": ((0, 14, 0, 90, LocationKind.AT_AGENCY), (3, 9, 0, 60, LocationKind.ONLINE)),
}  # fmt: skip
DEFAULT_WEEKLY = ((1, 10, 0, 90, LocationKind.AT_AGENCY), (3, 14, 0, 60, LocationKind.ONLINE))
# The network coordination offers online consultations to companies outside the region (lead partner).
COORDINATION_WEEKLY = (4, 11, 0, 60, LocationKind.ONLINE)
ONLINE_DETAIL = "Videokonferenz; den Zugangslink erhalten Sie mit der Bestätigung."
COMPANY_DETAIL = "Bei Ihnen im Betrieb, gern mit einem Rundgang durch die Produktion."
PARTICIPANTS = (
    "Geschäftsführung und Technische Leitung",
    "Geschäftsführerin, Produktionsleiter",
    "Inhaber, Leitung Einkauf",
    "Geschäftsführung, Energiebeauftragte",
    "",
)
HELD_HOURS = ((9, 0), (11, 0), (14, 0), (16, 0))


@dataclass
class AppointmentDemo:
    slots: list[Slot] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)


def _next_weekday(today: dt.date, weekday: int) -> dt.date:
    """The first day after today that falls on `weekday`."""
    return today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _local(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _detail(organisation: Organisation, kind: str) -> str:
    if kind == LocationKind.AT_AGENCY:
        return f"{organisation.name}, Besprechungsraum {1 + organisation.pk % 3}"
    return ONLINE_DETAIL if kind == LocationKind.ONLINE else COMPANY_DETAIL


def _publish(actor: User, organisation: Organisation, series: Iterable[tuple[int, int, int, int, str]], weeks: int) -> list[Slot]:
    today = timezone.localdate()
    slots: list[Slot] = []
    for weekday, hour, minute, minutes, kind in series:
        detail = _detail(organisation, kind)
        slots += services.slots_publish(
            actor=actor,
            organisation=organisation,
            starts_at=_local(_next_weekday(today, weekday), hour, minute),
            duration_minutes=minutes,
            location_kind=kind,
            location_detail=detail,
            weeks=weeks,
        )
    return slots


def _publish_all(consultants: list[User], coordinator: User | None) -> list[Slot]:
    """Two weekly series per consultant, one visit at a company in the second week, one slot withdrawn
    (holiday); the coordination's weekly online slot for the lead partner."""
    today = timezone.localdate()
    slots: list[Slot] = []
    for consultant in consultants:
        organisation = consultant.organisation
        series = WEEKLY.get(organisation.key, DEFAULT_WEEKLY)
        published = _publish(consultant, organisation, series, WEEKS)
        free_day = next(d for d in range(5) if d not in {s[0] for s in series})
        visit = _next_weekday(today, free_day) + dt.timedelta(weeks=1)
        published += services.slots_publish(
            actor=consultant, organisation=organisation, starts_at=_local(visit, 10, 0), duration_minutes=120,
            location_kind=LocationKind.AT_COMPANY, location_detail=COMPANY_DETAIL,
        )  # fmt: skip
        online = [s for s in published if s.location_kind == LocationKind.ONLINE]
        if len(online) > 4:
            services.slot_delete(actor=consultant, slot=online[4])  # holiday: withdrawn, kept as history
        slots += published
    lead = Organisation.objects.filter(is_lead_partner=True).first()
    if coordinator is not None and lead is not None:
        slots += _publish(coordinator, lead, (COORDINATION_WEEKLY,), 6)
    return slots


def _contact(company: Company, member: User | None) -> tuple[str, str]:
    """Name and e-mail of the person who books: the company login, else a contact person of the
    company. The address is always at the demo domain, never a real one."""
    if member is not None:
        return member.get_full_name() or member.email, member.email
    contact = Contact.objects.filter(company=company).order_by("pk").first()
    first, last = (contact.first_name, contact.last_name) if contact else ("Kim", "Berger")
    local = f"{slug(first)}.{slug(last)}".replace("-", "") or "kontakt"
    return f"{first} {last}".strip(), f"{local}@{DEMO_DOMAIN}"


def _held(
    plan: tuple[Company, Request | None, User, dt.date | None, str, dt.date | None],
    member: User | None,
    used: dict[tuple[int, dt.date], int],
    rng: random.Random,
) -> Booking | None:
    """A consultation that took place: slot and booking written directly (the services refuse the past)."""
    company, request, consultant, day, topic, booked_on = plan
    if day is None or consultant.organisation_id is None:
        return None
    taken = used.get((consultant.pk, day), 0)
    if taken >= len(HELD_HOURS):
        return None
    used[(consultant.pk, day)] = taken + 1
    hour, minute = HELD_HOURS[taken]
    starts_at = _local(day, hour, minute)
    if starts_at >= timezone.now():
        return None
    kind = rng.choice((LocationKind.AT_COMPANY, LocationKind.AT_COMPANY, LocationKind.AT_AGENCY, LocationKind.ONLINE))
    organisation = consultant.organisation
    detail = _detail(organisation, kind)
    booked_at = _local(booked_on or day - dt.timedelta(days=7), 12, 30)
    if request is not None:  # arranged after the request came in
        booked_at = max(booked_at, request.created_at + dt.timedelta(hours=2))
    booked_at = min(booked_at, starts_at - dt.timedelta(hours=2))
    slot = Slot.objects.create(
        organisation=organisation, consultant=consultant, starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=90),
        location_kind=kind, location_detail=detail, status=SlotStatus.BOOKED, created_by=consultant,
    )  # fmt: skip
    name, email = _contact(company, member)
    booker = member or consultant
    booking = Booking.objects.create(
        slot=slot, company=company, request=request, topic=topic, participants=rng.choice(PARTICIPANTS),
        location_kind=kind, contact_name=name, contact_email=email, language="de", booked_by=booker,
        # Reminders go out 23–25 hours ahead (send_reminders): a booking made earlier than that got one.
        reminder_sent_at=starts_at - dt.timedelta(hours=24) if booked_at <= starts_at - dt.timedelta(hours=25) else None,
    )  # fmt: skip
    Slot.objects.filter(pk=slot.pk).update(created_at=booked_at - dt.timedelta(days=rng.randint(3, 14)))
    Booking.objects.filter(pk=booking.pk).update(created_at=booked_at)
    booking.created_at = booked_at
    # The entry booking_create writes (the timeline shows the booking itself at its booking time).
    log_action(actor=booker, action="create", obj=booking, company=company, changes={"slot": [None, str(slot)]})
    return booking


def _open_slots(organisation_id: int | None, consultant: User | None, *, after: dt.datetime, days: int) -> list[Slot]:
    slots = Slot.objects.filter(
        organisation_id=organisation_id,
        status=SlotStatus.OPEN,
        starts_at__gt=after,
        starts_at__lte=timezone.now() + dt.timedelta(days=days),
    ).order_by("starts_at", "pk")
    own = [s for s in slots if consultant is not None and s.consultant_id == consultant.pk]
    return own or list(slots)


def _book(
    plan: tuple[Company, Request | None, User, dt.date | None, str, dt.date | None],
    member: User | None,
    rng: random.Random,
    *,
    after: dt.datetime | None = None,
) -> Booking | None:
    """An upcoming initial consultation in one of the next open slots of the company's agency."""
    company, request, consultant, _day, topic, _booked_on = plan
    agency = services.responsible_agency(company=company, request=request)
    after = after or timezone.now() + dt.timedelta(hours=26)  # not so soon that the reminder is due at once
    candidates = _open_slots(agency.pk if agency else None, consultant, after=after, days=24)
    if not candidates:
        return None
    slot = rng.choice(candidates[:4])
    name, email = _contact(company, member)
    return services.booking_create(
        actor=member or consultant, slot=slot, company=company, topic=topic, contact_name=name, contact_email=email,
        location_kind=slot.location_kind, participants=rng.choice(PARTICIPANTS), request=request,
    )  # fmt: skip


def seed_appointments(
    *, consultations: Iterable[tuple[Company, Request | None, User, dt.date | None, str, dt.date | None]] = (), rng_seed: int = 0
) -> AppointmentDemo:
    """Slots for every demo consultant and the bookings of `consultations` — each (company, request,
    consultant, day, topic, booked on): held on `day`, or (day None) to be booked in the next weeks.
    Does nothing when any slot exists already."""
    result = AppointmentDemo()
    if Slot.objects.exists():
        return result
    rng = random.Random(rng_seed)
    consultants: dict[int, User] = {}
    for user in User.objects.filter(role=Role.CONSULTANT, is_active=True, organisation__isnull=False).select_related(
        "organisation"
    ).order_by("pk"):
        consultants.setdefault(user.organisation_id, user)
    coordinator = User.objects.filter(role=Role.COORDINATOR, is_active=True).order_by("pk").first()
    plans = list(consultations)
    members: dict[int, User] = {}
    for membership in CompanyMembership.objects.filter(
        company__in=[p[0] for p in plans], status=CompanyMembership.Status.APPROVED, user__is_active=True
    ).select_related("user").order_by("pk"):
        members.setdefault(membership.company_id, membership.user)
    used: dict[tuple[int, dt.date], int] = {}
    for plan in plans:
        booking = _held(plan, members.get(plan[0].pk), used, rng)
        if booking is not None:
            result.bookings.append(booking)
    result.slots = _publish_all([consultants[k] for k in sorted(consultants)], coordinator)
    upcoming = [p for p in plans if p[3] is None]
    booked: list[tuple[Booking, Any]] = []
    for plan in upcoming:
        booking = _book(plan, members.get(plan[0].pk), rng)
        if booking is not None:
            booked.append((booking, plan))
            result.bookings.append(booking)
    staff_booked = [(b, p) for b, p in booked if b.booked_by_id == p[2].pk]
    if staff_booked:
        # One company asked to move its appointment: the consultant moved it a week later (same link, same UID).
        booking, plan = staff_booked[0]
        later = _open_slots(booking.slot.organisation_id, plan[2], after=booking.slot.starts_at + dt.timedelta(days=6), days=60)
        if later:
            services.booking_move(actor=plan[2], booking=booking, new_slot=later[0])
    if len(staff_booked) > 1:
        # Another cancelled, and booked again for a later day.
        booking, plan = staff_booked[-1]
        services.booking_cancel(
            actor=plan[2], booking=booking,
            reason="Das Unternehmen hat wegen einer Kundenauditierung abgesagt; neuer Termin telefonisch vereinbart.",
        )  # fmt: skip
        again = _book(plan, None, rng, after=booking.slot.starts_at + dt.timedelta(days=1))
        if again is not None:
            result.bookings.append(again)
    return result
