"""Backoffice: cases (Begleitung), the pipeline board and a consultant's "my work" page. Thin views:
reads through kgp.journey.access (companies through kgp.companies.access), writes through
kgp.journey.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kgp.accounts.models import User
from kgp.companies import access as company_access
from kgp.companies.models import SizeClass, Topic
from kgp.core.errors import ServiceError
from kgp.core.ids import parse_id
from kgp.journey import access, queries, services
from kgp.journey.attachments import ALLOWED as ALLOWED_ATTACHMENTS
from kgp.journey.forms import (
    FIELDS_BY_KIND,
    ActivityForm,
    AttachmentForm,
    CaseOpenForm,
    StageForm,
    TaskForm,
    dimension_labels,
    staff_of,
)
from kgp.journey.models import ActivityKind, Case
from kgp.organisations.models import Organisation
from kgp.requests import access as request_access

from .decorators import editor_required, staff_required


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _form_error(form, exc: ServiceError) -> None:  # type: ignore[no-untyped-def]
    field = exc.field if exc.field in form.fields else None
    if exc.field == "needs" and "need_resilience" in form.fields:
        field = "need_resilience"
    form.add_error(field, exc.message)


def _activity_forms(
    labels: dict[str, str], bound: ActivityForm | None, bound_kind: str, *, coordinator: bool
) -> list[dict[str, Any]]:
    today = timezone.localdate()
    out = []
    for kind, label in ActivityKind.choices:
        if bound is not None and kind == bound_kind:
            form = bound
        else:
            form = ActivityForm(
                prefix=kind,
                labels=labels,
                coordinator=coordinator,
                initial={"occurred_on": today, "module": services.DEFAULT_MODULE.get(kind, "inform")},
            )
        out.append({"kind": kind, "label": label, "form": form, "fields": form.visible_fields_for(kind), "open": kind == bound_kind})
    return out


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    activity_form: ActivityForm | None = None,
    activity_kind: str = "",
    task_form: TaskForm | None = None,
    stage_form: StageForm | None = None,
    edit_form: CaseOpenForm | None = None,
    attachment_form: AttachmentForm | None = None,
    attachment_activity_id: int | None = None,
    status: int = 200,
) -> HttpResponse:
    """The case page. Another agency reading a shared company's case sees its stage, history, offers
    and the kinds and dates of its activities — not the goals, notes, structured texts or tasks."""
    user = _user(request)
    full = access.full_view(user, case)
    can_edit = access.can_edit_case(user, case)
    context: dict[str, Any] = {
        "case": case,
        "company": case.company,
        "full_view": full,
        "can_edit": can_edit,
        "company_visible": company_access.companies_for_staff(user).filter(pk=case.company_id).exists(),
        "history": case.stage_changes.select_related("from_stage", "to_stage", "changed_by"),
        "activities": case.activities.select_related("author", "offer", "aid_grant").prefetch_related("attachments")[:200],
        "offers": case.offers.order_by("title"),
        "labels": dimension_labels() if full else {},
    }
    if full:
        context["tasks"] = case.tasks.select_related("assignee").order_by("done_at", "due_on", "id")
    if can_edit:
        context |= {
            "stage_form": stage_form or StageForm(initial={"stage": case.stage.key}),
            "activity_forms": _activity_forms(
                context["labels"], activity_form, activity_kind, coordinator=user.is_coordinator
            ),
            "attachment_form": attachment_form if attachment_form is not None else AttachmentForm(prefix="files"),
            "attachment_activity_id": attachment_activity_id,
            "attachment_accept": ",".join(ALLOWED_ATTACHMENTS),
            "task_form": task_form or TaskForm(prefix="task", organisation_id=case.organisation_id),
            "edit_form": edit_form
            or CaseOpenForm(
                prefix="case", organisation_id=case.organisation_id, initial={"consultant": case.consultant_id, "goals": case.goals}
            ),
            "open_form": "task" if task_form is not None else ("edit" if edit_form is not None else ""),
        }
    return render(request, "backoffice/case_detail.html", context, status=status)


@staff_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _render_case(request, access.case_for_staff(_user(request), case_id))


@editor_required
def case_create(request: HttpRequest, company_id: int) -> HttpResponse:
    user = _user(request)
    company = company_access.company_for_staff_edit(user, company_id)
    organisation_id = company.responsible_partner_id or user.organisation_id
    form = CaseOpenForm(request.POST or None, organisation_id=organisation_id)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                actor=user, company=company, consultant=form.cleaned_data["consultant"], goals=form.cleaned_data["goals"]
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Case opened."))
            return redirect("backoffice:case_detail", case_id=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/case_form.html", {"form": form, "company": company}, status=status)


@require_POST
@editor_required
def case_from_request(request: HttpRequest, request_id: int) -> HttpResponse:
    """Open a case from a request (its offers are copied; the request moves to "in progress")."""
    user = _user(request)
    req = request_access.request_for_staff_edit(user, request_id)
    company = req.company
    if not company.is_active and company.merged_into_id:
        company = company.merged_into  # type: ignore[assignment]
    company = company_access.company_for_staff_edit(user, company.pk)
    existing = Case.objects.filter(created_from=req).first()
    if existing is not None:
        return redirect("backoffice:case_detail", case_id=existing.pk)
    try:
        case = services.case_open(actor=user, company=company, request=req)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("backoffice:request_detail", request_id=req.pk)
    messages.success(request, _("Case opened."))
    return redirect("backoffice:case_detail", case_id=case.pk)


@require_POST
@editor_required
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    user = _user(request)
    case = access.case_for_staff_edit(user, case_id)
    form = CaseOpenForm(request.POST, prefix="case", organisation_id=case.organisation_id)
    if form.is_valid():
        try:
            services.case_update(
                actor=user, case=case, consultant=form.cleaned_data["consultant"], goals=form.cleaned_data["goals"]
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:case_detail", case_id=case.pk)
    return _render_case(request, case, edit_form=form, status=400)


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target.startswith("/backoffice/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@require_POST
@editor_required
def case_stage(request: HttpRequest, case_id: int) -> HttpResponse:
    """Move a case to another stage (from the case page or a card of the pipeline board)."""
    user = _user(request)
    case = access.case_for_staff_edit(user, case_id)
    form = StageForm(request.POST)
    if form.is_valid():
        services.case_move_stage(actor=user, case=case, stage=form.cleaned_data["stage"])
        messages.success(request, _("Stage changed."))
        return redirect(_next_url(request, f"/backoffice/cases/{case.pk}/"))
    return _render_case(request, case, stage_form=form, status=400)


@require_POST
@editor_required
def activity_create(request: HttpRequest, case_id: int) -> HttpResponse:
    user = _user(request)
    case = access.case_for_staff_edit(user, case_id)
    kind = request.POST.get("kind") or ""
    if kind not in FIELDS_BY_KIND:
        messages.error(request, _("Please choose one of the listed kinds."))
        return _render_case(request, case, status=400)
    form = ActivityForm(request.POST, request.FILES, prefix=kind, labels=dimension_labels(), coordinator=user.is_coordinator)
    if form.is_valid():
        data = form.service_data()
        allowed = {"module", "occurred_on", *FIELDS_BY_KIND[kind], "needs"}
        try:
            services.activity_add(actor=user, case=case, kind=kind, **{k: v for k, v in data.items() if k in allowed})
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Activity recorded."))
            return redirect("backoffice:case_detail", case_id=case.pk)
    return _render_case(request, case, activity_form=form, activity_kind=kind, status=400)


@require_POST
@editor_required
def task_create(request: HttpRequest, case_id: int) -> HttpResponse:
    user = _user(request)
    case = access.case_for_staff_edit(user, case_id)
    form = TaskForm(request.POST, prefix="task", organisation_id=case.organisation_id)
    if form.is_valid():
        try:
            services.task_create(actor=user, case=case, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Task created."))
            return redirect("backoffice:case_detail", case_id=case.pk)
    return _render_case(request, case, task_form=form, status=400)


@require_POST
@editor_required
def task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    user = _user(request)
    task = access.task_for_staff_edit(user, task_id)
    services.task_done(actor=user, task=task)
    messages.success(request, _("Task done."))
    default = f"/backoffice/cases/{task.case_id}/" if task.case_id else "/backoffice/my-work/"
    return redirect(_next_url(request, default))


@require_POST
@editor_required
def attachment_add(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Attach further files to an activity of a case the user may change."""
    user = _user(request)
    activity = access.activity_for_staff_edit(user, activity_id)
    form = AttachmentForm(request.POST, request.FILES, prefix="files")
    if form.is_valid():
        try:
            services.attachment_add(actor=user, activity=activity, uploads=form.cleaned_data["attachments"])
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("File attached."))
            return redirect(f"/backoffice/cases/{activity.case_id}/#activity-{activity.pk}")
    case = access.case_for_staff(user, activity.case_id)
    return _render_case(request, case, attachment_form=form, attachment_activity_id=activity.pk, status=400)


@require_GET
@staff_required
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """An attachment, only for those with the full view of its case; always a download, never shown
    inline, with a sandboxing Content-Security-Policy."""
    attachment = access.attachment_for_staff(_user(request), attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        return HttpResponse(_("The file is no longer available."), status=410, content_type="text/plain; charset=utf-8")
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@editor_required
def attachment_delete(request: HttpRequest, attachment_id: int) -> HttpResponse:
    user = _user(request)
    attachment = access.attachment_for_staff_edit(user, attachment_id)
    case_id, activity_id = attachment.activity.case_id, attachment.activity_id
    services.attachment_delete(actor=user, attachment=attachment)
    messages.success(request, _("Attachment removed."))
    return redirect(f"/backoffice/cases/{case_id}/#activity-{activity_id}")


@staff_required
def pipeline(request: HttpRequest) -> HttpResponse:
    """The cases of an agency by stage (the coordination: all agencies, or one), with filters."""
    user = _user(request)
    organisation_id = user.organisation_id
    organisations: Any = ()
    if user.is_coordinator:
        organisations = Organisation.objects.order_by("name")
        organisation_id = parse_id(request.GET.get("organisation") or "")
    cases = access.cases_for_board(user, organisation_id)
    consultant_id = parse_id(request.GET.get("consultant") or "")
    topic = request.GET.get("topic") or ""
    size_class = request.GET.get("size_class") or ""
    topics = list(Topic.objects.order_by("name_de"))
    if topic not in {t.key for t in topics}:
        topic = ""
    if size_class not in SizeClass.values:
        size_class = ""
    columns = queries.board(cases, consultant_id=consultant_id, topic=topic, size_class=size_class)
    # Up to 350 cards: what is the same on every card (the stage options of a column, the CSRF field,
    # labels, URL prefix) is rendered once here, which keeps the page well under 200 ms.
    last_activity = _("last activity %(day)s")
    stage_choices = [(c.stage.key, str(c.stage)) for c in columns]
    for column in columns:
        column.options_html = format_html_join(  # type: ignore[attr-defined]
            "",
            "<option value=\"{}\"{}>{}</option>",
            ((key, mark_safe(" selected") if key == column.stage.key else "", label) for key, label in stage_choices),
        )
        for case in column.cards:
            day = date_format(case.last_activity_on, "SHORT_DATE_FORMAT")
            consultant = str(case.consultant) if case.consultant_id else "–"
            case.card_meta = f"{case.number} · {consultant} · {last_activity % {'day': day}}"  # type: ignore[attr-defined]
    context = {
        "columns": columns,
        "stages": [c.stage for c in columns],
        "consultants": staff_of(organisation_id) if organisation_id else staff_of(None).none(),
        "topics": topics,
        "size_classes": SizeClass.choices,
        "organisations": organisations,
        "filters": {
            "organisation": organisation_id if user.is_coordinator else None,
            "consultant": consultant_id,
            "topic": topic,
            "size_class": size_class,
        },
        "can_move": user.can_edit_crm,
        "per_stage": queries.CARDS_PER_STAGE,
        "case_base": reverse("backoffice:case_detail", args=[0])[: -len("0/")],
        "form_fields": format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}"><input type="hidden" name="next" value="{}">',
            get_token(request),
            request.get_full_path(),
        ),
    }
    return render(request, "backoffice/pipeline.html", context)


@staff_required
def my_work(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    visible = request_access.requests_for_staff(user)
    new_requests = visible.filter(partner__isnull=True) if user.is_coordinator else visible.filter(partner_id=user.organisation_id)
    context = queries.my_work(user, new_requests=new_requests, cases=access.cases_for_staff(user))
    context["can_edit"] = user.can_edit_crm
    return render(request, "backoffice/my_work.html", context)
