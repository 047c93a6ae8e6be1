"""/slots: free initial-consultation slots of an agency, and booking one for a company (staff only).

Scoped like the backoffice: consultants and read-only staff see their own agency's slots (another
agency answers 404), the coordination every agency's. Booking needs a staff member who may edit the
company (read-only staff: 403); the service enforces that the slot belongs to the company's
responsible agency and can be booked only once.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

from kgp.accounts.models import Role, User
from kgp.appointments import access, services
from kgp.appointments.models import Booking, LocationKind, Slot
from kgp.companies.access import company_for_staff_edit
from kgp.organisations.models import Organisation
from kgp.requests import access as request_access

from .auth import StaffTokenAuth, api_user
from .schemas import ErrorOut

router = Router(auth=StaffTokenAuth(), tags=["appointments"])

MAX_SLOTS = 200
READ_ONLY_MESSAGE = gettext_lazy("Your role does not allow you to book appointments.")


def _no_control_chars(value: str) -> str:
    if any((ord(ch) < 32 and ch not in "\t\n\r") or ord(ch) == 127 for ch in value):
        raise PydanticCustomError("control_characters", _("Control characters are not allowed."))
    return value


def _text(max_length: int, min_length: int = 0):  # type: ignore[no-untyped-def]
    return Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length), AfterValidator(_no_control_chars)
    ]


class SlotListParams(Schema):
    partner: Annotated[str, StringConstraints(max_length=32)] | None = Field(
        None, description="Key of the agency (default: your own; the coordination: the lead partner)"
    )
    from_: dt.datetime | None = Field(None, alias="from", description="Slots starting at or after (default: now)")
    to: dt.datetime | None = Field(None, description="Slots starting before")


class SlotOut(Schema):
    id: int
    partner: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location_kind: str
    location_detail: str

    @staticmethod
    def resolve_partner(obj: Slot) -> str:
        return obj.organisation.key


class BookingIn(Schema):
    company_id: int
    request_id: int | None = None
    topic: _text(300, 1)  # type: ignore[valid-type]
    participants: _text(500) = ""  # type: ignore[valid-type]
    location_kind: Literal[tuple(LocationKind.values)]  # type: ignore[valid-type]
    contact_name: _text(200, 1)  # type: ignore[valid-type]
    contact_email: _text(254, 3)  # type: ignore[valid-type]


class BookingOut(Schema):
    id: int
    slot_id: int
    company_id: int
    request_id: int | None
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location_kind: str
    topic: str

    @staticmethod
    def resolve_starts_at(obj: Booking) -> dt.datetime:
        return obj.slot.starts_at

    @staticmethod
    def resolve_ends_at(obj: Booking) -> dt.datetime:
        return obj.slot.ends_at


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _agency(user: User, key: str | None) -> Organisation:
    if key is None:
        agency = user.organisation if user.role != Role.COORDINATOR or user.organisation else None
        agency = agency or Organisation.objects.filter(is_lead_partner=True).first()
    else:
        agency = Organisation.objects.filter(key=key).first()
    if agency is None or (user.role != Role.COORDINATOR and agency.pk != user.organisation_id):
        raise Http404
    return agency


@router.get("", response={200: list[SlotOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, summary="Free slots")
def list_slots(request: HttpRequest, params: Query[SlotListParams]) -> list[Slot]:
    """Open slots of one agency, soonest first (at most 200)."""
    user = api_user(request)
    agency = _agency(user, params.partner)
    return list(access.free_slots(agency.pk, start=_aware(params.from_), end=_aware(params.to))[:MAX_SLOTS])


@router.post(
    "/{slot_id}/booking",
    response={201: BookingOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Book a slot for a company",
)
def book_slot(request: HttpRequest, slot_id: int, payload: BookingIn) -> Status[Booking]:
    """Books the slot for a company you may edit; the contact person gets the confirmation with the
    calendar file. 400 when the slot was taken meanwhile, lies in the past or belongs to another agency
    than the company's."""
    user = api_user(request)
    if not user.can_edit_crm:
        raise PermissionDenied(str(READ_ONLY_MESSAGE))
    slot = access.slot_for_staff(user, slot_id)
    company = company_for_staff_edit(user, payload.company_id)
    req = request_access.request_for_staff(user, payload.request_id) if payload.request_id is not None else None
    booking = services.booking_create(
        actor=user,
        slot=slot,
        company=company,
        request=req,
        topic=payload.topic,
        participants=payload.participants,
        location_kind=payload.location_kind,
        contact_name=payload.contact_name,
        contact_email=payload.contact_email,
        language="de",
    )
    return Status(201, booking)
