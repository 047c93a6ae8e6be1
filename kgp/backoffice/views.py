"""Staff backoffice: thin views that validate input, read through the access layer and call services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kgp.accounts.models import User
from kgp.appointments import queries as appointment_queries
from kgp.companies import access, services
from kgp.companies.consents import consent_text
from kgp.companies.filters import SORTS, CompanyFilter
from kgp.companies.forms import CompanyForm, ConsentForm, ContactForm, FiguresForm, HoldingForm, NoteForm
from kgp.companies.models import Company, CompanyMembership, Consent, SizeClass, Topic
from kgp.companies.queries import company_timeline
from kgp.core.errors import ServiceError
from kgp.core.models import AuditLogEntry
from kgp.events import queries as event_queries
from kgp.journey import queries as journey_queries
from kgp.organisations.models import Municipality, Organisation

from .decorators import editor_required, staff_required
from .views_imports import company_export, import_detail, import_progress, import_upload  # noqa: F401
from .views_requests import new_requests_count

PER_PAGE_CHOICES = (25, 50, 100)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    visible = access.companies_for_staff(user)
    own = visible if user.is_coordinator else visible.filter(responsible_partner_id=user.organisation_id)
    recent = (
        AuditLogEntry.objects.filter(company__in=own.values("pk"))
        .select_related("company")
        .order_by("-created_at", "-id")[:15]
    )
    pending = access.memberships_for_staff(user).filter(status=CompanyMembership.Status.PENDING).count()
    return render(
        request,
        "backoffice/home.html",
        {
            "my_companies": own.select_related("municipality").order_by("-updated_at")[:10],
            "my_count": own.count(),
            "recent": recent,
            "pending_memberships": pending,
            "new_requests": new_requests_count(user),
        },
    )


def _filter_context() -> dict[str, object]:
    return {
        "municipalities": Municipality.objects.order_by("name"),
        "partners": Organisation.objects.order_by("name"),
        "size_classes": SizeClass.choices,
        "topics": Topic.objects.all(),
        "sorts": SORTS,
        "per_page_choices": PER_PAGE_CHOICES,
    }


@staff_required
def company_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    flt = CompanyFilter.from_params(request.GET)
    for message in flt.errors.values():
        messages.warning(request, message)
    qs = flt.apply(access.companies_for_staff(user)).select_related("municipality", "responsible_partner")
    try:
        per_page = int(request.GET.get("per_page", 25))
    except ValueError:
        per_page = 25
    if per_page not in PER_PAGE_CHOICES:
        per_page = 25
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "backoffice/_company_rows.html" if request.htmx and request.htmx.target == "company-results" else "backoffice/company_list.html"
    return render(
        request,
        template,
        {
            "page": page,
            "filter": flt,
            "query": query.urlencode(),
            "per_page": per_page,
            "htmx_partial": template == "backoffice/_company_rows.html",
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            **_filter_context(),
        },
    )


DETAIL_FORMS = {"note_form": NoteForm, "figures_form": FiguresForm, "holding_form": HoldingForm}
FORM_PREFIXES = {"figures_form": "figures", "holding_form": "holding"}


def _unbound_detail_forms() -> dict[str, object]:
    return {key: cls(prefix=FORM_PREFIXES.get(key)) for key, cls in DETAIL_FORMS.items()}


def _render_detail(
    request: HttpRequest, company: Company, *, bound: dict[str, object] | None = None, status: int = 200
) -> HttpResponse:
    """The detail page. Another agency reading a shared company sees what the sharing consent
    covers — master data, topics, size class — not contacts, notes, history or consents."""
    user = _user(request)
    full_view = user.is_coordinator or company.responsible_partner_id == user.organisation_id
    context: dict[str, object] = {
        "company": company,
        "full_view": full_view,
        "can_edit": access.can_edit_company(user, company),
        "topics": company.topics.all(),
        "open_form": next(iter(bound), "") if bound else "",
        **_unbound_detail_forms(),
        **(bound or {}),
    }
    if full_view:
        context |= {
            "figures": company.figures.all(),
            "holdings": company.holdings.all(),
            "periods": company.size_periods.all(),
            "contacts": company.contacts.all(),
            "consents": company.consents.select_related("recorded_by", "contact")[:20],
            "timeline": company_timeline(
                company,
                limit=50,
                extra_sources=(
                    *journey_queries.TIMELINE_SOURCES,
                    *appointment_queries.TIMELINE_SOURCES,
                    *event_queries.TIMELINE_SOURCES,
                ),
            ),
            "cases": company.cases.select_related("stage", "consultant", "organisation").order_by("-opened_at", "-id")[:20],
            "consent_form": ConsentForm(
                initial={"network_sharing": company.network_sharing, "newsletter": company.newsletter}
            ),
            "members": company.memberships.select_related("user"),
            "consent_texts": {kind: consent_text(kind, "de") for kind in ("network_sharing", "newsletter")},
        }
    return render(request, "backoffice/company_detail.html", context, status=status)


@staff_required
def company_detail(request: HttpRequest, company_id: int) -> HttpResponse:
    return _render_detail(request, access.company_for_staff(_user(request), company_id))


def _check_placement(user: User, company: Company) -> None:
    """Consultants keep companies in their own area (see access.placement_error); rolls back otherwise."""
    message = access.placement_error(user, company)
    if message:
        raise ServiceError(message, field="postcode", code="not_responsible")


def _service_error(form, exc: ServiceError) -> None:  # type: ignore[no-untyped-def]
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@editor_required
def company_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    duplicates: list[Company] = []
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        duplicates = [
            d
            for d in services.find_duplicates(
                name=data["name"],
                postcode=data["postcode"],
                register_court=data.get("register_court", ""),
                register_number=data.get("register_number", ""),
            )
        ]
        visible_ids = set(access.companies_for_staff(user).filter(pk__in=[d.pk for d in duplicates]).values_list("pk", flat=True))
        same_register = bool(data.get("register_number")) and any(
            d.register_number.upper() == data["register_number"].upper() for d in duplicates
        )
        if duplicates and (same_register or request.POST.get("confirm_duplicate") != "1"):
            if same_register:
                form.add_error("register_number", _("A company with this register court and number exists already."))
            return render(
                request,
                "backoffice/company_form.html",
                {"form": form, "duplicates": duplicates, "visible_ids": visible_ids, "same_register": same_register},
                status=200 if not same_register else 400,
            )
        try:
            with transaction.atomic():
                company = services.company_create(actor=user, data=data, topics=form.cleaned_data.get("topics") or [])
                _check_placement(user, company)
        except ServiceError as exc:
            _service_error(form, exc)
        else:
            if company.responsible_partner is None:
                messages.warning(request, _("The postcode lies outside the region: the network coordination is responsible."))
            messages.success(request, _("Company created."))
            return redirect("backoffice:company_detail", company_id=company.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/company_form.html", {"form": form, "duplicates": duplicates}, status=status)


@editor_required
def company_edit(request: HttpRequest, company_id: int) -> HttpResponse:
    user = _user(request)
    company = access.company_for_staff_edit(user, company_id)
    form = CompanyForm(request.POST or None, instance=company, initial={"topics": company.topics.all()})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                updated = services.company_update(
                    actor=user, company=company, data=form.service_data(), topics=form.cleaned_data.get("topics") or []
                )
                _check_placement(user, updated)
        except ServiceError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:company_detail", company_id=company.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/company_form.html", {"form": form, "company": company}, status=status)


def _detail_form_post(
    request: HttpRequest,
    company_id: int,
    key: str,
    save: Callable[[User, Company, dict[str, Any]], object],
    *,
    done: str,
) -> HttpResponse:
    """The small forms on the detail page: validate, call the service, back to the detail page.
    On errors the page comes back with the form filled in, open, and the errors at the fields."""
    user = _user(request)
    company = access.company_for_staff_edit(user, company_id)
    form = DETAIL_FORMS[key](request.POST, prefix=FORM_PREFIXES.get(key))
    if form.is_valid():
        try:
            save(user, company, dict(form.cleaned_data))
        except ServiceError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("backoffice:company_detail", company_id=company.pk)
    return _render_detail(request, company, bound={key: form}, status=400)


@require_POST
@editor_required
def note_create(request: HttpRequest, company_id: int) -> HttpResponse:
    return _detail_form_post(
        request,
        company_id,
        "note_form",
        lambda user, company, data: services.note_create(actor=user, company=company, text=data["text"]),
        done=_("Note added."),
    )


@require_POST
@editor_required
def figures_create(request: HttpRequest, company_id: int) -> HttpResponse:
    return _detail_form_post(
        request,
        company_id,
        "figures_form",
        lambda user, company, data: services.figures_set(actor=user, company=company, **data),
        done=_("Figures saved; the size class was recomputed."),
    )


@require_POST
@editor_required
def holding_create(request: HttpRequest, company_id: int) -> HttpResponse:
    def save(user: User, company: Company, data: dict[str, Any]) -> object:
        year = data.pop("year")
        return services.holding_add(actor=user, company=company, year=year, holding=services.HoldingData(**data))

    return _detail_form_post(
        request,
        company_id,
        "holding_form",
        save,
        done=_("Holding saved; the size class was recomputed."),
    )


def _delete_from_detail(
    request: HttpRequest, company_id: int, related: str, pk: int, delete: Callable[..., object], done: str
) -> HttpResponse:
    """Delete a note, figures or holding of a company the user may edit; back to the detail page."""
    user = _user(request)
    company = access.company_for_staff_edit(user, company_id)
    delete(user, get_object_or_404(getattr(company, related), pk=pk))
    messages.success(request, done)
    return redirect("backoffice:company_detail", company_id=company.pk)


@require_POST
@editor_required
def note_delete(request: HttpRequest, company_id: int, note_id: int) -> HttpResponse:
    return _delete_from_detail(
        request, company_id, "notes", note_id,
        lambda user, note: services.note_delete(actor=user, note=note), _("Note deleted."),
    )  # fmt: skip


@require_POST
@editor_required
def figures_delete(request: HttpRequest, company_id: int, figures_id: int) -> HttpResponse:
    return _delete_from_detail(
        request, company_id, "figures", figures_id,
        lambda user, figures: services.figures_delete(actor=user, figures=figures),
        _("Figures deleted; the size class was recomputed."),
    )  # fmt: skip


@require_POST
@editor_required
def holding_delete(request: HttpRequest, company_id: int, holding_id: int) -> HttpResponse:
    return _delete_from_detail(
        request, company_id, "holdings", holding_id,
        lambda user, holding: services.holding_delete(actor=user, holding=holding),
        _("Holding deleted; the size class was recomputed."),
    )  # fmt: skip


@require_POST
@editor_required
def consent_update(request: HttpRequest, company_id: int) -> HttpResponse:
    user = _user(request)
    company = access.company_for_staff_edit(user, company_id)
    form = ConsentForm(request.POST)
    form.is_valid()
    for kind in (Consent.Kind.NETWORK_SHARING, Consent.Kind.NEWSLETTER):
        wanted = bool(form.cleaned_data.get(kind))
        if wanted != getattr(company, kind):
            services.consent_record(actor=user, company=company, kind=kind, granted=wanted, source="backoffice", language="de")
    messages.success(request, _("Consents saved."))
    return redirect("backoffice:company_detail", company_id=company.pk)


def _contact_form(request: HttpRequest, company_id: int, contact_id: int | None = None) -> HttpResponse:
    user = _user(request)
    company = access.company_for_staff_edit(user, company_id)
    contact = get_object_or_404(company.contacts, pk=contact_id) if contact_id is not None else None
    initial = {"consent_contact": contact.consent_contact} if contact else None
    form = ContactForm(request.POST or None, instance=contact, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "consent_contact"}
        consent = form.cleaned_data["consent_contact"]
        try:
            if contact is None:
                services.contact_create(actor=user, company=company, data=data, consent_contact=consent)
            else:
                fresh = company.contacts.get(pk=contact.pk)
                services.contact_update(actor=user, contact=fresh, data=data, consent_contact=consent)
        except ServiceError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Contact added.") if contact is None else _("Contact saved."))
            return redirect("backoffice:company_detail", company_id=company.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "company": company, "contact": contact}
    return render(request, "backoffice/contact_form.html", context, status=status)


@editor_required
def contact_create(request: HttpRequest, company_id: int) -> HttpResponse:
    return _contact_form(request, company_id)


@editor_required
def contact_edit(request: HttpRequest, company_id: int, contact_id: int) -> HttpResponse:
    return _contact_form(request, company_id, contact_id)


@require_POST
@editor_required
def contact_delete(request: HttpRequest, company_id: int, contact_id: int) -> HttpResponse:
    user = _user(request)
    company = access.company_for_staff_edit(user, company_id)
    contact = get_object_or_404(company.contacts, pk=contact_id)
    services.contact_delete(actor=user, contact=contact)
    messages.success(request, _("Contact deleted."))
    return redirect("backoffice:company_detail", company_id=company.pk)


MERGE_COMPARE_FIELDS = (
    "name", "legal_form", "register_court", "register_number", "street", "postcode", "city", "sector_code",
    "website", "email", "phone",
)  # fmt: skip


def _merge_rows(keep: Company, other: Company) -> list[tuple[str, str, str, bool]]:
    """(label, kept value, duplicate's value, filled from the duplicate) for the confirmation table."""
    rows = []
    for name in MERGE_COMPARE_FIELDS:
        field = Company._meta.get_field(name)
        kept = getattr(keep, f"get_{name}_display")() if field.choices else getattr(keep, name)
        dup = getattr(other, f"get_{name}_display")() if field.choices else getattr(other, name)
        rows.append((str(field.verbose_name), kept or "", dup or "", not kept and bool(dup)))
    return rows


@editor_required
def company_merge(request: HttpRequest, company_id: int) -> HttpResponse:
    """Merge another company (a duplicate) into this one. Both must be editable by the user."""
    user = _user(request)
    keep = access.company_for_staff_edit(user, company_id)
    candidates = services.find_duplicates(
        name=keep.name, postcode=keep.postcode, register_court=keep.register_court, register_number=keep.register_number, exclude_id=keep.pk
    )
    candidates = [c for c in candidates if access.can_edit_company(user, c)]
    query = (request.GET.get("q") or "").strip()[:100]
    found: list[Company] = []
    if query:
        editable = access.companies_for_staff(user)
        if not user.is_coordinator:
            editable = editable.filter(responsible_partner_id=user.organisation_id)
        found = list(CompanyFilter(q=query).apply(editable).exclude(pk=keep.pk)[:20])
    other = None
    other_id = request.POST.get("other") or request.GET.get("other")
    error = ""
    if other_id:
        try:
            other = access.company_for_staff_edit(user, other_id)
        except (Http404, PermissionDenied):
            other = None
            error = _("There is no company with this number that you may merge.")
        if other is not None and other.pk == keep.pk:
            other, error = None, _("A company cannot be merged with itself.")
    if request.method == "POST" and other is not None and request.POST.get("confirm") == "1":
        try:
            services.company_merge(actor=user, keep=keep, remove=other)
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(request, _("“%(other)s” was merged into this company; its history is kept here.") % {"other": other.name})
            return redirect("backoffice:company_detail", company_id=keep.pk)
    status = 400 if (error and request.method == "POST") else 200
    context = {
        "company": keep,
        "candidates": candidates,
        "other": other,
        "error": error,
        "query": query,
        "found": found,
        "rows": _merge_rows(keep, other) if other else [],
        "moving": {
            "contacts": other.contacts.count(),
            "notes": other.notes.count(),
            "figures": other.figures.count(),
        }
        if other
        else {},
    }
    return render(request, "backoffice/company_merge.html", context, status=status)


@editor_required
def membership_list(request: HttpRequest) -> HttpResponse:
    memberships = access.memberships_for_staff(_user(request)).order_by("status", "-requested_at")
    page = Paginator(memberships, 50).get_page(request.GET.get("page"))
    return render(request, "backoffice/membership_list.html", {"page": page})


@require_POST
@editor_required
def membership_decide(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(access.memberships_for_staff(_user(request)), pk=membership_id)
    decision = request.POST.get("decision")
    if decision not in {"approve", "reject"}:
        messages.error(request, _("Please choose to approve or to reject."))
        return redirect("backoffice:membership_list")
    try:
        services.membership_decide(actor=_user(request), membership=membership, approve=decision == "approve")
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Decision saved."))
    return redirect("backoffice:membership_list")
