"""Backoffice: consultants' availability slots for initial consultations, with their bookings.
Editors of the slot's agency (the coordination: every agency) cancel a booking, with a reason, or
move it to another free slot of the same agency; the company's contact person is e-mailed."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kgp.accounts.models import User
from kgp.appointments import access, services
from kgp.appointments.forms import SlotPublishForm
from kgp.appointments.models import Booking, SlotStatus
from kgp.core.errors import ServiceError

from .decorators import editor_required, staff_required


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _render(request: HttpRequest, *, form: SlotPublishForm | None = None, status: int = 200) -> HttpResponse:
    user = _user(request)
    agencies = access.publishing_agencies(user)
    slots = access.with_bookings(
        access.slots_for_staff(user)
        .filter(ends_at__gte=timezone.now(), status__in=(SlotStatus.OPEN, SlotStatus.BOOKED))
        .order_by("starts_at", "pk")
    )
    page = Paginator(slots, 50).get_page(request.GET.get("page"))
    initial = {"organisation": user.organisation_id}
    context = {
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "query": "",
        "can_edit": user.can_edit_crm,
        "form": form or (SlotPublishForm(agencies=agencies, initial=initial) if user.can_edit_crm else None),
    }
    return render(request, "backoffice/appointment_slots.html", context, status=status)


@staff_required
def appointment_slots(request: HttpRequest) -> HttpResponse:
    return _render(request)


@require_POST
@editor_required
def appointment_slot_publish(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SlotPublishForm(request.POST, agencies=access.publishing_agencies(user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            slots = services.slots_publish(
                actor=user,
                organisation=data["organisation"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                location_kind=data["location_kind"],
                location_detail=data["location_detail"],
                weeks=data["weeks"],
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("%(count)s slot(s) published.") % {"count": len(slots)})
            return redirect("backoffice:appointment_slots")
    return _render(request, form=form, status=400)


@require_POST
@editor_required
def appointment_slot_delete(request: HttpRequest, slot_id: int) -> HttpResponse:
    user = _user(request)
    slot = access.slot_for_staff_edit(user, slot_id)
    try:
        services.slot_delete(actor=user, slot=slot)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _render(request, status=400)
    messages.success(request, _("The slot has been withdrawn."))
    return redirect("backoffice:appointment_slots")


# --- bookings: cancel and move ------------------------------------------------------------------

MOVE_TARGETS_PER_PAGE = 20
HISTORY_LIMIT = 50


class BookingCancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=services.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Sent to the company's contact person with the cancellation."),
    )


class BookingMoveForm(forms.Form):
    # Ids of any page of the candidate list are accepted; the view looks the slot up and the service
    # checks that it is still open and in the future.
    slot = forms.CharField(label=gettext_lazy("New time"), widget=forms.RadioSelect)

    def offer(self, slots: object) -> None:
        """The slots shown as choices (one page of the candidates)."""
        self.fields["slot"].widget.choices = [
            (s.pk, " · ".join(str(p) for p in (s, s.get_location_kind_display(), s.consultant or "") if p)) for s in slots
        ]


def _render_booking(
    request: HttpRequest,
    booking: Booking,
    *,
    cancel_form: BookingCancelForm | None = None,
    move_form: BookingMoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    can_change = user.can_edit_crm and booking.is_active
    context: dict[str, object] = {
        "booking": booking,
        "can_change": can_change,
        "history": access.booking_history(booking, limit=HISTORY_LIMIT),
    }
    if can_change:
        page = Paginator(access.move_targets(booking), MOVE_TARGETS_PER_PAGE).get_page(request.GET.get("page"))
        context |= {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "query": "",
            "cancel_form": cancel_form or BookingCancelForm(),
            "move_form": move_form or BookingMoveForm(),
        }
        context["move_form"].offer(page.object_list)
    else:
        # A booking cancelled or past meanwhile: no forms, but the error of the refused action is shown.
        context |= {"cancel_form": cancel_form, "move_form": move_form}
    return render(request, "backoffice/appointment_booking.html", context, status=status)


@staff_required
def appointment_booking(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _render_booking(request, access.booking_for_staff(_user(request), booking_id))


@require_POST
@editor_required
def appointment_booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    user = _user(request)
    booking = access.booking_for_staff_edit(user, booking_id)
    form = BookingCancelForm(request.POST)
    if form.is_valid():
        try:
            services.booking_cancel(actor=user, booking=booking, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
        else:
            messages.success(request, _("The appointment has been cancelled. The company's contact person has been informed."))
            return redirect("backoffice:appointment_booking", booking_id=booking.pk)
    return _render_booking(request, booking, cancel_form=form, status=400)


@require_POST
@editor_required
def appointment_booking_move(request: HttpRequest, booking_id: int) -> HttpResponse:
    user = _user(request)
    booking = access.booking_for_staff_edit(user, booking_id)
    form = BookingMoveForm(request.POST)
    if form.is_valid():
        target = access.move_target(booking, form.cleaned_data["slot"])
        if target is None:
            form.add_error("slot", _("This slot does not exist or belongs to another agency. Choose one of the free slots."))
        else:
            try:
                services.booking_move(actor=user, booking=booking, new_slot=target)
            except ServiceError as exc:
                form.add_error("slot" if exc.field == "slot" else None, exc.message)
            else:
                messages.success(request, _("The appointment has been moved. The company's contact person has been informed."))
                return redirect("backoffice:appointment_booking", booking_id=booking.pk)
    return _render_booking(request, booking, move_form=form, status=400)
