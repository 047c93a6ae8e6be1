"""Backoffice: the request inbox of an agency. Thin views: reads through kgp.requests.access, the
status change through kgp.requests.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kgp.accounts.models import User
from kgp.companies import access as company_access
from kgp.companies.models import Company
from kgp.core.errors import ServiceError
from kgp.organisations.models import Organisation
from kgp.requests import access, services
from kgp.requests.forms import StatusForm
from kgp.requests.models import OPEN_STATUSES, EmployeesBand, Request, RequestStatus

from .decorators import editor_required, staff_required

PER_PAGE = 25
COORDINATION = "coordination"  # the partner filter's value for requests routed to the network coordination


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _scoped(user: User, params: Any) -> tuple[QuerySet[Request], dict[str, str]]:
    """The requests of the chosen scope: for the coordination all (or one agency's), for an agency its
    own inbox (default) or the shared requests of other agencies (read only)."""
    visible = access.requests_for_staff(user)
    if user.is_coordinator:
        partner = params.get("partner") or ""
        if partner == COORDINATION:
            return visible.filter(partner__isnull=True), {"partner": partner}
        partner_id = access.parse_pk(partner)
        if partner_id is not None:
            return visible.filter(partner_id=partner_id), {"partner": partner}
        return visible, {"partner": ""}
    if params.get("scope") == "shared":
        return visible.exclude(partner_id=user.organisation_id), {"scope": "shared"}
    return visible.filter(partner_id=user.organisation_id), {"scope": ""}


@staff_required
def request_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    scoped, scope = _scoped(user, request.GET)
    counts = scoped.aggregate(**{s: Count("pk", filter=Q(status=s)) for s in RequestStatus.values})
    status = request.GET.get("status") or "open"
    if status not in {"open", "all", *RequestStatus.values}:
        status = "open"
    shown = scoped
    if status == "open":
        shown = scoped.filter(status__in=OPEN_STATUSES)
    elif status != "all":
        shown = scoped.filter(status=status)
    shown = (
        shown.select_related("company", "partner").annotate(offer_count=Count("items")).order_by("-created_at", "-id")
    )
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    scope_query = "&".join(f"{k}={v}" for k, v in scope.items() if v)
    tabs = [("open", _("Open"), sum(counts[s] for s in OPEN_STATUSES))]
    tabs += [(value, label, counts[value]) for value, label in RequestStatus.choices]
    tabs += [("all", _("All"), sum(counts.values()))]
    return render(
        request,
        "backoffice/request_list.html",
        {
            "page": page,
            "status": status,
            "tabs": tabs,
            "scope": scope,
            "scope_query": scope_query,
            "query": query.urlencode(),
            "partners": Organisation.objects.order_by("name") if user.is_coordinator else (),
            "coordination_value": COORDINATION,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )


def _check_result_url(result_id: int | None) -> str:
    """The backoffice page of a check result, when that page exists (built by the assessment app)."""
    if not result_id:
        return ""
    try:
        return reverse("backoffice:check_result", kwargs={"result_id": result_id})
    except NoReverseMatch:
        return ""


def _same(a: Any, b: Any) -> bool:
    return " ".join(str(a or "").split()).casefold() == " ".join(str(b or "").split()).casefold()


def _submitted_rows(req: Request, company: Company) -> list[dict[str, Any]]:
    """The company data as sent beside the record (matched requests: differences marked)."""
    if not req.submitted_company:
        return []
    rows = []
    for name in ("name", "street", "postcode", "city", "register_court", "register_number", "website"):
        field = Company._meta.get_field(name)
        sent = req.submitted_company.get(name, "")
        stored = getattr(company, name)
        rows.append(
            {
                "field": name,
                "label": field.verbose_name,
                "sent": sent,
                "stored": stored,
                "differs": req.matched_existing and bool(sent) and not _same(sent, stored),
            }
        )
    band = req.submitted_company.get("employees_band", "")
    rows.append(
        {"field": "employees_band", "label": _("Number of employees"), "sent": dict(EmployeesBand.choices).get(band, band), "stored": None, "differs": False}
    )
    return rows


def _render_detail(
    request: HttpRequest, req: Request, *, status_form: StatusForm | None = None, status: int = 200
) -> HttpResponse:
    """The request page. Another agency reading a shared company's request sees the company, the
    routing, the status and the offers — not the contact person, message, notes, contact preferences,
    consent or check result, which were given to the responsible agency."""
    user = _user(request)
    full = access.full_view(user, req)
    company = req.company
    if not company.is_active and company.merged_into_id:
        company = company.merged_into  # type: ignore[assignment]
    context: dict[str, Any] = {
        "req": req,
        "full_view": full,
        "can_edit": access.can_edit_request(user, req),
        "company": company,
        "company_visible": company_access.companies_for_staff(user).filter(pk=company.pk).exists(),
        "items": req.items.all(),
        "status_form": status_form or StatusForm(initial={"status": req.status}),
    }
    if full:
        context |= {
            "submitted_rows": _submitted_rows(req, company),
            "duplicates": list(company_access.companies_for_staff(user).filter(pk__in=req.possible_duplicates or [])),
            "can_merge": company_access.can_edit_company(user, company),
            "check_result_url": _check_result_url(req.check_result_id),
        }
    return render(request, "backoffice/request_detail.html", context, status=status)


@staff_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _render_detail(request, access.request_for_staff(_user(request), request_id))


@require_POST
@editor_required
def request_status(request: HttpRequest, request_id: int) -> HttpResponse:
    user = _user(request)
    req = access.request_for_staff_edit(user, request_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.request_status_set(actor=user, req=req, status=form.cleaned_data["status"])
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Status saved."))
            return redirect("backoffice:request_detail", request_id=req.pk)
    return _render_detail(request, req, status_form=form, status=400)


def new_requests_count(user: User) -> int:
    """Requests waiting in the user's own inbox with status "new" (the coordination: all)."""
    visible = access.requests_for_staff(user).filter(status=RequestStatus.NEW)
    if not user.is_coordinator:
        visible = visible.filter(partner_id=user.organisation_id)
    return visible.count()
