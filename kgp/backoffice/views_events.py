"""Backoffice: events. The list, create and edit, publish and cancel; the participants of an event
(list, add, cancel, link to a company record, history), the check-in on the day (phone first), the
exports (CSV, XLSX, PDF list for the funding body) and the feedback results.

Thin views: reads through kgp.events.access (companies through kgp.companies.access), writes through
kgp.events.services. Who may do what (access.py): every staff member reads published and cancelled
events and their agency's drafts; the participants of an event are read only by the organising
agencies' staff and the coordination (404 for anybody else); changes need an editor of an organising
agency or the coordination (403 for read-only staff and for other agencies' editors on an event they
can see).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from kgp.accounts.models import User
from kgp.companies import access as company_access
from kgp.companies.filters import CompanyFilter
from kgp.core.errors import ServiceError
from kgp.core.ids import parse_id
from kgp.core.models import AuditLogEntry
from kgp.events import access, exports, pdf, queries, services
from kgp.events.forms import (
    EventForm,
    EventListForm,
    EventStatusForm,
    LinkCompanyForm,
    NoShowForm,
    ParticipantFilterForm,
    ParticipantForm,
    ReasonForm,
)
from kgp.events.ics import location_text
from kgp.events.models import SEAT_STATUSES, Event, EventStatus, Registration, RegistrationStatus
from kgp.organisations.models import Organisation

from .decorators import editor_required, staff_required

S = RegistrationStatus
PER_PAGE = 25
PARTICIPANTS_PER_PAGE = 50
CHECKIN_PER_PAGE = 100
HISTORY_LIMIT = 50
COMPANY_CHOICES = 20
CHECKIN_OPENS_HOURS = services.CHECKIN_OPENS_HOURS
CHECKIN_STATUSES = (S.REGISTERED, S.ATTENDED, S.NO_SHOW)
NOTIFIED_STATUSES = (S.REGISTERED, S.OFFERED, S.WAITLISTED)  # who hears of a new time or place


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _form_error(form: Any, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _participants_editable(user: User, event_id: int) -> Event:
    """An event whose participants the user may change: 404 for anybody who may not read them, 403
    for read-only organisers (editor_required answers them before)."""
    event = access.event_for_participants(user, event_id)
    if not access.can_manage(user, event):
        raise PermissionDenied
    return event


def _search(qs: QuerySet[Registration], q: str) -> QuerySet[Registration]:
    """Every word must occur in the first or last name, the company or the e-mail address."""
    for word in q.split()[:6]:
        qs = qs.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(company_name__icontains=word)
            | Q(email__icontains=word)
        )
    return qs


def _filtered(event: Event, params: Any) -> tuple[QuerySet[Registration], ParticipantFilterForm]:
    """The participants of the list and the exports: one status or all but cancelled, and a search."""
    form = ParticipantFilterForm(params)
    form.is_valid()
    status, q = form.values()
    qs = event.registrations.all()
    qs = qs.filter(status=status) if status else qs.exclude(status=S.CANCELLED)
    return _search(qs, q), form


def _query(params: Any, *drop: str) -> str:
    query = params.copy()
    for key in ("page", *drop):
        query.pop(key, None)
    return query.urlencode()


# --- the list ------------------------------------------------------------------------------------


@staff_required
def event_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisations = list(Organisation.objects.order_by("name"))
    form = EventListForm(request.GET, organisations=organisations)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.warning(request, error)
    values = form.values()
    visible = access.events_for_staff(user)
    if values["module"]:
        visible = visible.filter(module=values["module"])
    if values["kind"]:
        visible = visible.filter(kind=values["kind"])
    if values["organisation"]:
        visible = visible.filter(organisations__key=values["organisation"])
    for word in values["q"].split()[:6]:
        visible = visible.filter(title__icontains=word)
    # Counts and rows on the ids: the access layer's joins must not multiply the seat counts.
    base = Event.objects.filter(pk__in=visible.values("pk"))
    now = timezone.now()
    tabs = {
        "upcoming": Q(ends_at__gte=now) & ~Q(status=EventStatus.DRAFT),
        "past": Q(ends_at__lt=now) & ~Q(status=EventStatus.DRAFT),
        "drafts": Q(status=EventStatus.DRAFT),
    }
    counts = base.aggregate(**{name: Count("pk", filter=condition) for name, condition in tabs.items()})
    view = values["view"]
    order = ("-starts_at", "-id") if view == "past" else ("starts_at", "id")
    rows = queries.list_rows(base.filter(tabs[view])).order_by(*order)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = queries.attach_counts(page.object_list)
    for event in page.object_list:
        event.place = location_text(event)  # type: ignore[attr-defined]
        event.free = queries.free_seats(event)  # type: ignore[attr-defined]
    return render(
        request,
        "backoffice/events/list.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "query": _query(request.GET),
            "form": form,
            "values": values,
            "tabs": [(name, label, counts[name]) for name, label in EventListForm.VIEWS],
            "view_query": _query(request.GET, "view"),
            "can_create": user.can_edit_crm,
            "now": now,
        },
    )


# --- create, edit, status ------------------------------------------------------------------------


@editor_required
def event_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = EventForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                actor=user,
                data=form.service_data(),
                organisations=form.cleaned_data["organisations"],
                topics=form.cleaned_data["topics"],
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("The event is published.") if event.status == EventStatus.PUBLISHED else _("The event is saved as a draft."),
            )
            return redirect("backoffice:event_detail", event_id=event.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/events/form.html", {"form": form}, status=status)


@editor_required
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _user(request)
    event = access.event_for_staff_manage(user, event_id)
    if event.status == EventStatus.CANCELLED:
        messages.error(request, _("A cancelled event cannot be changed."))
        return redirect("backoffice:event_detail", event_id=event.pk)
    form = EventForm(request.POST or None, user=user, event=event)
    notified = 0
    if request.method == "POST" and form.is_valid():
        changes = form.schedule_changes()
        if changes and event.status == EventStatus.PUBLISHED:
            notified = event.registrations.filter(status__in=NOTIFIED_STATUSES).count()
        if notified and not form.cleaned_data.get("confirm_schedule"):
            # First the warning; the second submit (with the hidden confirmation) saves.
            data = request.POST.copy()
            data["confirm_schedule"] = "on"
            form = EventForm(data, user=user, event=event)
            form.is_valid()
            context = {"form": form, "event": event, "notified": notified, "confirm": True}
            return render(request, "backoffice/events/form.html", context)
        try:
            services.event_update(
                actor=user,
                event=event,
                data=form.service_data(),
                organisations=form.cleaned_data["organisations"],
                topics=form.cleaned_data["topics"],
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            if notified:
                messages.success(
                    request,
                    ngettext(
                        "Changes saved. %(count)d participant is being informed of the new time or place.",
                        "Changes saved. %(count)d participants are being informed of the new time or place.",
                        notified,
                    )
                    % {"count": notified},
                )
            else:
                messages.success(request, _("Changes saved."))
            return redirect("backoffice:event_detail", event_id=event.pk)
    status = 400 if request.method == "POST" else 200
    active = event.registrations.filter(status__in=NOTIFIED_STATUSES).count() if event.status == EventStatus.PUBLISHED else 0
    return render(request, "backoffice/events/form.html", {"form": form, "event": event, "active": active}, status=status)


def _history(event: Event) -> list[AuditLogEntry]:
    return list(
        AuditLogEntry.objects.filter(object_type=Event._meta.label_lower, object_id=str(event.pk))
        .select_related("actor")
        .order_by("-created_at", "-id")[:HISTORY_LIMIT]
    )


def _render_detail(
    request: HttpRequest, event: Event, *, status_form: EventStatusForm | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    user = _user(request)
    counts = queries.status_counts(event)
    seats = sum(counts[s] for s in SEAT_STATUSES)
    organiser = access.is_organiser(user, event)
    can_manage = access.can_manage(user, event)
    context = {
        "event": event,
        "organiser": organiser,
        "can_manage": can_manage,
        "counts": [(value, label, counts[value]) for value, label in S.choices],
        "seats": seats,
        "free": max(0, event.capacity - seats),
        "state": event.registration_state(),
        "place": location_text(event),
        "history": _history(event),
        "status_form": status_form or EventStatusForm(),
        "error": error,
        "can_cancel": can_manage and event.status == EventStatus.PUBLISHED and not event.is_past,
        "can_unpublish": can_manage
        and event.status == EventStatus.PUBLISHED
        and not event.registrations.exclude(status=S.CANCELLED).exists(),
    }
    return render(request, "backoffice/events/detail.html", context, status=status)


@staff_required
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    return _render_detail(request, access.event_for_staff(_user(request), event_id))


STATUS_DONE = {
    EventStatus.PUBLISHED: gettext_lazy("The event is published."),
    EventStatus.DRAFT: gettext_lazy("The event is a draft again; it no longer appears in the public list."),
    EventStatus.CANCELLED: gettext_lazy("The event is cancelled. The participants are being informed."),
}


@require_POST
@editor_required
def event_status(request: HttpRequest, event_id: int) -> HttpResponse:
    """Publish, take back to draft, or cancel with a reason (the buttons on the event page)."""
    user = _user(request)
    event = access.event_for_staff_manage(user, event_id)
    form = EventStatusForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, event, status_form=form, status=400)
    try:
        services.event_set_status(
            actor=user, event=event, status=form.cleaned_data["status"], reason=form.cleaned_data.get("reason") or ""
        )
    except ServiceError as exc:
        _form_error(form, exc)
        return _render_detail(request, event, status_form=form, status=400)
    messages.success(request, str(STATUS_DONE[EventStatus(form.cleaned_data["status"])]))
    return redirect("backoffice:event_detail", event_id=event.pk)


# --- participants ---------------------------------------------------------------------------------


def _render_participants(
    request: HttpRequest, event: Event, *, form: ParticipantForm | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    qs, filter_form = _filtered(event, request.GET)
    page = Paginator(qs.select_related("company").order_by("last_name", "first_name", "id"), PARTICIPANTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    company_ids = {r.company_id for r in page.object_list if r.company_id}
    visible = set(company_access.companies_for_staff(user).filter(pk__in=company_ids).values_list("pk", flat=True))
    can_manage = access.can_manage(user, event)
    can_add = can_manage and event.status == EventStatus.PUBLISHED and not event.is_past
    counts = queries.status_counts(event)
    context = {
        "event": event,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "query": _query(request.GET),
        "export_query": _query(request.GET),
        "filter_form": filter_form,
        "visible_companies": visible,
        "can_manage": can_manage,
        "form": form or (ParticipantForm(event=event) if can_add else None),
        "counts": [(value, label, counts[value]) for value, label in S.choices],
        "seats": sum(counts[s] for s in SEAT_STATUSES),
    }
    return render(request, "backoffice/events/participants.html", context, status=status)


@staff_required
def event_participants(request: HttpRequest, event_id: int) -> HttpResponse:
    return _render_participants(request, access.event_for_participants(_user(request), event_id))


@require_POST
@editor_required
def event_participant_add(request: HttpRequest, event_id: int) -> HttpResponse:
    """Staff register somebody (e.g. by phone): confirmed at once, a seat or the waiting list."""
    user = _user(request)
    event = _participants_editable(user, event_id)
    form = ParticipantForm(request.POST, event=event)
    if form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.registration_create(
                event=event, email=data["email"], first_name=data["first_name"], last_name=data["last_name"],
                company_name=data["company_name"], function=data["function"], answers=form.answers(), actor=user,
            )  # fmt: skip
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            if registration.status == S.WAITLISTED:
                text = _("%(name)s is on the waiting list (the event is fully booked).")
            else:
                text = _("%(name)s is registered; the confirmation is sent by e-mail.")
            messages.success(request, text % {"name": registration.name})
            return redirect("backoffice:event_participants", event_id=event.pk)
    return _render_participants(request, event, form=form, status=400)


# The reasons the services write into a registration's history, in words (staff's own reasons as typed).
REASONS = {
    "check-in": gettext_lazy("Checked in"),
    "check-in undone": gettext_lazy("Check-in taken back"),
    "seat free": gettext_lazy("A seat became free"),
    "offer accepted": gettext_lazy("Offered seat accepted"),
    "offer expired": gettext_lazy("Offered seat not taken in time"),
    "not confirmed": gettext_lazy("E-mail address not confirmed in time"),
    "confirmed too late": gettext_lazy("Confirmed after registration had closed"),
    "event cancelled": gettext_lazy("The event was cancelled"),
    "event started": gettext_lazy("The event has started"),
    "not checked in": gettext_lazy("Not checked in"),
    "cancelled": gettext_lazy("Cancelled"),
}


def _history_rows(registration: Registration) -> list[Any]:
    changes = list(registration.changes.select_related("actor").order_by("at", "id")[:100])
    for change in changes:
        change.reason_text = REASONS.get(change.reason, change.reason)  # type: ignore[attr-defined]
    return changes


def _answers(event: Event, registration: Registration) -> list[tuple[str, str]]:
    answers = registration.answers or {}
    rows = []
    for question in event.questions or []:
        value = str(answers.get(question["key"], ""))
        if question.get("kind") == "yes_no" and value in ("yes", "no"):
            value = _("yes") if value == "yes" else _("no")
        rows.append((question["label"], value or "–"))
    return rows


def _render_registration(
    request: HttpRequest,
    event: Event,
    registration: Registration,
    *,
    cancel_form: ReasonForm | None = None,
    link_form: LinkCompanyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    can_manage = access.can_manage(user, event)
    companies = company_access.companies_for_staff(user)
    search = " ".join(str(request.GET.get("firma", "")).split())[:100]
    if search:
        candidates = list(CompanyFilter(q=search).apply(companies).select_related("municipality").order_by("name")[:COMPANY_CHOICES])
    elif registration.company_key:
        candidates = list(companies.filter(name_key=registration.company_key).select_related("municipality").order_by("name")[:5])
    else:
        candidates = []
    context = {
        "event": event,
        "registration": registration,
        "answers": _answers(event, registration),
        "history": _history_rows(registration),
        "can_manage": can_manage,
        "can_cancel": can_manage and registration.status not in (S.CANCELLED, S.ATTENDED, S.NO_SHOW) and not event.is_past,
        "company_visible": bool(registration.company_id and companies.filter(pk=registration.company_id).exists()),
        "search": search,
        "candidates": [c for c in candidates if c.pk != registration.company_id],
        "cancel_form": cancel_form or ReasonForm(),
        "link_form": link_form,
    }
    return render(request, "backoffice/events/registration.html", context, status=status)


@staff_required
def event_registration(request: HttpRequest, event_id: int, registration_id: int) -> HttpResponse:
    user = _user(request)
    event = access.event_for_participants(user, event_id)
    return _render_registration(request, event, access.registration_for_staff(user, event, registration_id))


@require_POST
@editor_required
def event_registration_cancel(request: HttpRequest, event_id: int, registration_id: int) -> HttpResponse:
    user = _user(request)
    event = _participants_editable(user, event_id)
    registration = access.registration_for_staff(user, event, registration_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.registration_cancel(registration=registration, actor=user, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The registration is cancelled; %(name)s is informed by e-mail.") % {"name": registration.name})
            return redirect("backoffice:event_registration", event_id=event.pk, registration_id=registration.pk)
    return _render_registration(request, event, registration, cancel_form=form, status=400)


@require_POST
@editor_required
def event_registration_link(request: HttpRequest, event_id: int, registration_id: int) -> HttpResponse:
    """Link the participant to a company record the user can see (or remove the link)."""
    user = _user(request)
    event = _participants_editable(user, event_id)
    registration = access.registration_for_staff(user, event, registration_id)
    form = LinkCompanyForm(request.POST)
    if form.is_valid():
        company = None
        if not form.cleaned_data["unlink"]:
            pk = parse_id(form.cleaned_data["company"])
            company = company_access.companies_for_staff(user).filter(pk=pk).first() if pk else None
            if company is None:
                form.add_error(None, _("This company does not exist or is not visible to you. Please choose one from the list."))
        if not form.errors:
            services.registration_link_company(actor=user, registration=registration, company=company)
            if company is None:
                messages.success(request, _("The link to the company record is removed."))
            else:
                messages.success(request, _("%(name)s is linked to %(company)s.") % {"name": registration.name, "company": company.name})
            return redirect("backoffice:event_registration", event_id=event.pk, registration_id=registration.pk)
    return _render_registration(request, event, registration, link_form=form, status=400)


# --- check-in on the day --------------------------------------------------------------------------


def _render_checkin(
    request: HttpRequest, event: Event, *, q: str | None = None, error: str = "", no_show_form: NoShowForm | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    user = _user(request)
    if q is None:
        q = str(request.GET.get("q", ""))
    q = " ".join(q.split())[:100]
    base = event.registrations.filter(status__in=CHECKIN_STATUSES)
    totals = base.aggregate(
        total=Count("pk"),
        checked_in=Count("pk", filter=Q(status=S.ATTENDED)),
        open=Count("pk", filter=Q(status=S.REGISTERED)),
        no_show=Count("pk", filter=Q(status=S.NO_SHOW)),
    )
    people = _search(base, q).order_by("last_name", "first_name", "id")
    page = Paginator(people, CHECKIN_PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    opens_at = event.starts_at - dt.timedelta(hours=CHECKIN_OPENS_HOURS)
    can_manage = access.can_manage(user, event)
    published = event.status == EventStatus.PUBLISHED
    context = {
        "event": event,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "query": urlencode({"q": q}) if q else "",
        "q": q,
        "totals": totals,
        "can_check_in": can_manage and published and now >= opens_at,
        "opens_at": opens_at if can_manage and published and now < opens_at else None,
        "can_mark_no_shows": can_manage and published and now >= event.starts_at and totals["open"] > 0,
        "no_show_form": no_show_form or NoShowForm(),
        "error": error,
    }
    return render(request, "backoffice/events/checkin.html", context, status=status)


@staff_required
def event_checkin(request: HttpRequest, event_id: int) -> HttpResponse:
    return _render_checkin(request, access.event_for_participants(_user(request), event_id))


@require_POST
@editor_required
def event_checkin_toggle(request: HttpRequest, event_id: int, registration_id: int) -> HttpResponse:
    """Check one person in (or, with undo=1, take it back); back to the list at the same person."""
    user = _user(request)
    event = _participants_editable(user, event_id)
    registration = access.registration_for_staff(user, event, registration_id)
    undo = request.POST.get("undo") == "1"
    q = " ".join(str(request.POST.get("q", "")).split())[:100]
    try:
        services.check_in(actor=user, registration=registration, undo=undo)
    except ServiceError as exc:
        return _render_checkin(request, event, q=q, error=exc.message, status=400)
    if undo:
        messages.success(request, _("Check-in of %(name)s taken back.") % {"name": registration.name})
    else:
        messages.success(request, _("%(name)s is checked in.") % {"name": registration.name})
    url = reverse("backoffice:event_checkin", kwargs={"event_id": event.pk})
    return redirect(f"{url}{'?' + urlencode({'q': q}) if q else ''}#r-{registration.pk}")


@require_POST
@editor_required
def event_no_shows(request: HttpRequest, event_id: int) -> HttpResponse:
    """After the start: everybody registered and not checked in did not attend."""
    user = _user(request)
    event = _participants_editable(user, event_id)
    form = NoShowForm(request.POST)
    if form.is_valid():
        try:
            count = services.mark_no_shows(actor=user, event=event)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d person marked as not attended.", "%(count)d people marked as not attended.", count
                )
                % {"count": count},
            )
            return redirect("backoffice:event_checkin", event_id=event.pk)
    return _render_checkin(request, event, q="", no_show_form=form, status=400)


# --- exports and feedback --------------------------------------------------------------------------


def _visible_companies(user: User, registrations: QuerySet[Registration]) -> set[int]:
    """The linked company records the user may see (the exports name only those)."""
    ids = registrations.filter(company__isnull=False).values("company_id")
    return set(company_access.companies_for_staff(user).filter(pk__in=ids).values_list("pk", flat=True))


@staff_required
def event_export_csv(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _user(request)
    event = access.event_for_participants(user, event_id)
    qs, _form = _filtered(event, request.GET)
    return exports.csv_response(event, qs, _visible_companies(user, qs))


@staff_required
def event_export_xlsx(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _user(request)
    event = access.event_for_participants(user, event_id)
    qs, _form = _filtered(event, request.GET)
    return exports.xlsx_response(event, qs, _visible_companies(user, qs))


@staff_required
def event_participant_list_pdf(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _user(request)
    event = access.event_for_participants(user, event_id)
    visible = _visible_companies(user, event.registrations.filter(status__in=pdf.LISTED))
    response = HttpResponse(pdf.render_participant_list(event, visible), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.participant_list_filename(event)}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
def event_feedback(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.event_for_participants(_user(request), event_id)
    result = queries.feedback_result(event)
    rows = [
        {"rating": rating, "count": n, "percent": round(100 * n / result.count) if result.count else 0}
        for rating, n in result.distribution
    ]
    rate = round(100 * result.count / result.attended) if result.attended else None
    context = {"event": event, "result": result, "rows": rows, "response_rate": rate}
    return render(request, "backoffice/events/feedback.html", context)
