"""Backoffice: consultants' availability slots for initial consultations, with their bookings."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kgp.accounts.models import User
from kgp.appointments import access, services
from kgp.appointments.forms import SlotPublishForm
from kgp.appointments.models import SlotStatus
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
