"""Who may read and change slots and bookings. Tenant reads of companies and requests go through
their own access modules.

- network coordinator: every agency's slots and bookings; may publish and withdraw any;
- consultant: their own agency's slots and bookings; publishes and withdraws them;
- read-only staff: reads their agency's slots and bookings; every write answers 403;
- other agencies' slots and bookings: 404 (a booking belongs to the agency of its slot);
- company user: the free slots of the agency responsible for their company or request; their
  bookings through the portal;
- anyone holding a booking's link (the unguessable manage token): that booking, to cancel or move it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from kgp.accounts.models import Role, User
from kgp.core.ids import parse_id
from kgp.core.models import AuditLogEntry
from kgp.organisations.models import Organisation

from .models import Booking, BookingStatus, Slot, SlotStatus


def slots_for_staff(user: User) -> QuerySet[Slot]:
    if not (user.is_authenticated and user.is_staff_member):
        return Slot.objects.none()
    qs = Slot.objects.select_related("organisation", "consultant")
    if user.role == Role.COORDINATOR:
        return qs
    return qs.filter(organisation_id=user.organisation_id)


def with_bookings(qs: QuerySet[Slot]) -> QuerySet[Slot]:
    confirmed = Booking.objects.filter(status=BookingStatus.CONFIRMED).select_related("company")
    return qs.prefetch_related(Prefetch("bookings", queryset=confirmed, to_attr="confirmed_bookings"))


def slot_for_staff(user: User, slot_id: int | str) -> Slot:
    pk = parse_id(slot_id)
    slot = slots_for_staff(user).filter(pk=pk).first() if pk is not None else None
    if slot is None:
        raise Http404
    return slot


def slot_for_staff_edit(user: User, slot_id: int | str) -> Slot:
    """403 for read-only staff before any lookup (reveals nothing), 404 for slots not visible."""
    if not (user.is_authenticated and user.can_edit_crm):
        raise PermissionDenied
    return slot_for_staff(user, slot_id)


def publishing_agencies(user: User) -> QuerySet[Organisation]:
    """The agencies a staff member may publish slots for."""
    if not (user.is_authenticated and user.can_edit_crm):
        return Organisation.objects.none()
    if user.role == Role.COORDINATOR:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk=user.organisation_id)


def free_slots(organisation_id: int | None, *, start: dt.datetime | None = None, end: dt.datetime | None = None) -> QuerySet[Slot]:
    """Open slots of one agency from now (or `start`) on, soonest first."""
    if organisation_id is None:
        return Slot.objects.none()
    now = timezone.now()
    qs = Slot.objects.filter(organisation_id=organisation_id, status=SlotStatus.OPEN, starts_at__gt=max(start or now, now))
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    return qs.select_related("organisation").order_by("starts_at", "pk")


def bookings_for_staff(user: User) -> QuerySet[Booking]:
    """Bookings in the slots the user may read (the coordination: all)."""
    if not (user.is_authenticated and user.is_staff_member):
        return Booking.objects.none()
    qs = Booking.objects.select_related("slot", "slot__organisation", "slot__consultant", "company", "booked_by")
    if user.role == Role.COORDINATOR:
        return qs
    return qs.filter(slot__organisation_id=user.organisation_id)


def booking_for_staff(user: User, booking_id: int | str) -> Booking:
    pk = parse_id(booking_id)
    booking = bookings_for_staff(user).filter(pk=pk).first() if pk is not None else None
    if booking is None:
        raise Http404
    return booking


def booking_for_staff_edit(user: User, booking_id: int | str) -> Booking:
    """403 for read-only staff before any lookup (reveals nothing), 404 for bookings not visible."""
    if not (user.is_authenticated and user.can_edit_crm):
        raise PermissionDenied
    return booking_for_staff(user, booking_id)


def booking_history(booking: Booking, *, limit: int = 50) -> list[AuditLogEntry]:
    """The booking's audit entries, newest first (one query, on the (object_type, object_id) index)."""
    qs = AuditLogEntry.objects.filter(object_type=Booking._meta.label_lower, object_id=str(booking.pk))
    return list(qs.order_by("-created_at", "-id")[:limit])


def move_targets(booking: Booking) -> QuerySet[Slot]:
    """The free slots a booking can be moved to: open, future, same agency, not its own slot."""
    return free_slots(booking.slot.organisation_id).exclude(pk=booking.slot_id).select_related("consultant")


def move_target(booking: Booking, slot_id: object) -> Slot | None:
    """The slot chosen for a move if it belongs to the booking's agency (any status, so the service
    can say why it cannot be booked), else None."""
    pk = parse_id(slot_id)
    if pk is None:
        return None
    return Slot.objects.filter(pk=pk, organisation_id=booking.slot.organisation_id).first()


def booking_by_token(token: str) -> Booking:
    """The booking behind a manage link, or 404."""
    if not token or len(token) > 64:
        raise Http404
    booking = Booking.objects.select_related("slot", "slot__organisation", "company").filter(manage_token=token).first()
    if booking is None:
        raise Http404
    return booking
