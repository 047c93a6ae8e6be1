"""Portal: a company books its initial consultation (from a request or directly), and anyone with
the link from the confirmation e-mail cancels or moves it (no login needed: the link's token is
unguessable)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kgp.accounts.models import Role, User
from kgp.appointments import access, services
from kgp.appointments.forms import BookingForm, MoveForm
from kgp.appointments.models import Booking
from kgp.companies import access as company_access
from kgp.companies.models import Company
from kgp.core.errors import ServiceError
from kgp.requests import access as request_access
from kgp.requests.models import Request


def _company_user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if user.role != Role.COMPANY:
        raise Http404
    return user


def _book(request: HttpRequest, user: User, company: Company, req: Request | None) -> HttpResponse:
    agency = services.responsible_agency(company=company, request=req)
    slots = list(access.free_slots(agency.pk if agency else None)[:100])
    initial = {"contact_name": user.get_full_name() if hasattr(user, "get_full_name") else "", "contact_email": user.email}
    if req is not None and request_access.member_full_view(user, req):
        initial = {"contact_name": req.contact_name, "contact_email": req.contact_email}
    form = BookingForm(request.POST or None, slots=slots, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                booking = services.booking_create(
                    actor=user,
                    slot=form.chosen_slot(),
                    company=company,
                    request=req,
                    topic=data["topic"],
                    participants=data["participants"],
                    location_kind=data["location_kind"],
                    contact_name=data["contact_name"],
                    contact_email=data["contact_email"],
                    language=translation.get_language() or "de",
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Your initial consultation is booked. We have sent you a confirmation with a calendar file."))
                return redirect("web:appointment_manage", token=booking.manage_token)
        status = 400
    context = {"form": form, "company": company, "req": req, "agency": agency, "has_slots": bool(slots)}
    return render(request, "web/appointments/book.html", context, status=status)


@login_required
def appointment_book_for_request(request: HttpRequest, request_id: int) -> HttpResponse:
    user = _company_user(request)
    req = request_access.request_for_member(user, request_id)
    if not request_access.is_member_of_company(user, req):
        raise Http404  # sent before the membership was confirmed: book once the company is confirmed
    company = req.company.merged_into if req.company.merged_into_id else req.company
    return _book(request, user, company, req)


@login_required
def appointment_book(request: HttpRequest, company_id: int) -> HttpResponse:
    user = _company_user(request)
    return _book(request, user, company_access.company_for_member(user, company_id), None)


def _actor(request: HttpRequest) -> object:
    return request.user if request.user.is_authenticated else "booking link"


def _render_manage(request: HttpRequest, booking: Booking, *, form: MoveForm | None = None, status: int = 200) -> HttpResponse:
    slots = list(access.free_slots(booking.slot.organisation_id)[:100]) if booking.is_active else []
    context = {"booking": booking, "form": form or MoveForm(slots=slots), "has_slots": bool(slots)}
    return render(request, "web/appointments/manage.html", context, status=status)


@never_cache
def appointment_manage(request: HttpRequest, token: str) -> HttpResponse:
    return _render_manage(request, access.booking_by_token(token))


@never_cache
@require_POST
def appointment_cancel(request: HttpRequest, token: str) -> HttpResponse:
    booking = access.booking_by_token(token)
    try:
        services.booking_cancel(actor=_actor(request), booking=booking)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _render_manage(request, booking, status=400)
    messages.success(request, _("Your initial consultation has been cancelled."))
    return redirect("web:appointment_manage", token=token)


@never_cache
@require_POST
def appointment_move(request: HttpRequest, token: str) -> HttpResponse:
    booking = access.booking_by_token(token)
    slots = list(access.free_slots(booking.slot.organisation_id)[:100]) if booking.is_active else []
    form = MoveForm(request.POST, slots=slots)
    if form.is_valid():
        try:
            services.booking_move(actor=_actor(request), booking=booking, new_slot=form.chosen_slot())
        except ServiceError as exc:
            form.add_error("slot" if exc.field == "slot" else None, exc.message)
        else:
            messages.success(request, _("Your initial consultation has been moved. We have sent you a new calendar file."))
            return redirect("web:appointment_manage", token=token)
    return _render_manage(request, booking, form=form, status=400)
