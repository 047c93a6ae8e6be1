"""Services for cases: opening a case (also from a request), moving it along the stages, recording
activities and tasks.

Keyword-only, typed, atomic; each one writes the audit log with the company, so the change appears
on the company's timeline. Views only validate input and call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kgp.accounts.models import Role, User
from kgp.catalogue.models import Module, Offer
from kgp.companies.models import Company
from kgp.core.audit import diff, log_action, snapshot
from kgp.core.errors import ServiceError
from kgp.deminimis import services as deminimis_services
from kgp.requests import services as request_services
from kgp.requests.models import Request, RequestStatus

from . import attachments as attachment_rules
from .models import DIMENSIONS, Activity, ActivityAttachment, ActivityKind, Case, CoachKind, Stage, StageChange, Task

MAX_GOALS = 5000
MAX_TEXT = 5000
MAX_NOTES = 10000
MAX_HOURS = Decimal("100")
EARLIEST = dt.date(2000, 1, 1)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _check_length(value: str, limit: int, field: str) -> None:
    if len(value) > limit:
        raise ServiceError(_("At most %(limit)s characters, please.") % {"limit": limit}, field=field)


def _log(actor: User | None, action: str, obj: Any, company: Company, changes: dict[str, Any]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        log_action(actor=actor, action=action, obj=obj, company=company, changes=changes)


def _check_consultant(consultant: User | None, organisation_id: int) -> None:
    """A case's consultant works for its owning agency (or is the coordination)."""
    if consultant is None:
        return
    if not (
        consultant.is_active
        and consultant.role in (Role.CONSULTANT, Role.COORDINATOR)
        and (consultant.role == Role.COORDINATOR or consultant.organisation_id == organisation_id)
    ):
        raise ServiceError(_("Please choose a consultant of the agency that owns the case."), field="consultant")


def first_stage() -> Stage:
    stage = Stage.objects.filter(is_closed=False).order_by("order", "id").first()
    if stage is None:  # pragma: no cover - the stages are loaded by a migration
        raise ServiceError(_("No stages are defined."))
    return stage


@transaction.atomic
def case_open(
    *,
    actor: User,
    company: Company,
    consultant: User | None = None,
    goals: str = "",
    offers: Iterable[Offer] = (),
    request: Request | None = None,
) -> Case:
    """Open a case for a company. Its owning agency is the company's responsible agency (outside the
    region: the actor's, i.e. the coordination's). From a request, the request's offers are copied and
    the request moves to "in progress" (if it was new); a request opens at most one case."""
    company = Company.objects.select_for_update().filter(pk=company.pk, is_active=True).first()  # type: ignore[assignment]
    if company is None:
        raise ServiceError(_("This company record is no longer active. Please reload the page."))
    organisation_id = company.responsible_partner_id or actor.organisation_id
    if organisation_id is None:
        raise ServiceError(_("The case needs an owning agency."))
    if consultant is None and actor.role == Role.CONSULTANT and actor.organisation_id == organisation_id:
        consultant = actor
    _check_consultant(consultant, organisation_id)
    goals = _text(goals)
    _check_length(goals, MAX_GOALS, "goals")
    offer_ids = {o.pk for o in offers}
    if request is not None:
        request = Request.objects.select_for_update().get(pk=request.pk)
        if request.company_id != company.pk and company.pk != (
            Company.objects.filter(pk=request.company_id).values_list("merged_into_id", flat=True).first()
        ):
            raise ServiceError(_("The request belongs to another company."), field="request")
        if Case.objects.filter(created_from=request).exists():
            raise ServiceError(_("A case has already been opened for this request."), field="request", code="case_exists")
        offer_ids |= set(request.items.values_list("offer_id", flat=True))
    stage = first_stage()
    case = Case(
        company=company,
        organisation_id=organisation_id,
        consultant=consultant,
        stage=stage,
        goals=goals,
        created_from=request,
        last_activity_on=timezone.localdate(),
        created_by=actor,
    )
    case.save()
    if offer_ids:
        case.offers.set(Offer.objects.filter(pk__in=offer_ids))
    StageChange.objects.create(case=case, from_stage=None, to_stage=stage, changed_at=case.opened_at, changed_by=actor)
    changes: dict[str, Any] = {"stage": [None, stage.name_de], "consultant": [None, str(consultant) if consultant else None]}
    if request is not None:
        changes["request"] = [None, request.number]
    _log(actor, "create", case, company, changes)
    if request is not None and request.status == RequestStatus.NEW:
        request_services.request_status_set(actor=actor, req=request, status=RequestStatus.IN_PROGRESS)
    return case


@transaction.atomic
def case_move_stage(*, actor: User, case: Case, stage: Stage | str) -> Case:
    """Move a case to another stage and record the change (closing stages set the closing time)."""
    if not isinstance(stage, Stage):
        stage = Stage.objects.filter(key=stage).first()  # type: ignore[assignment]
        if stage is None:
            raise ServiceError(_("Please choose one of the listed stages."), field="stage")
    case = Case.objects.select_for_update(of=("self",)).select_related("stage", "company").get(pk=case.pk)
    if case.stage_id == stage.pk:
        return case
    before = case.stage
    now = timezone.now()
    case.stage = stage
    case.closed_at = now if stage.is_closed else None
    case.save(update_fields=["stage", "closed_at"])
    StageChange.objects.create(case=case, from_stage=before, to_stage=stage, changed_at=now, changed_by=actor)
    _log(actor, "update", case, case.company, {"stage": [before.name_de, stage.name_de]})
    return case


@transaction.atomic
def case_update(*, actor: User, case: Case, consultant: User | None, goals: str) -> Case:
    """Change the consultant and the goals of a case."""
    case = Case.objects.select_for_update(of=("self",)).select_related("company", "consultant").get(pk=case.pk)
    _check_consultant(consultant, case.organisation_id)
    goals = _text(goals)
    _check_length(goals, MAX_GOALS, "goals")
    before = snapshot(case, ("consultant", "goals"))
    case.consultant = consultant
    case.goals = goals
    case.save(update_fields=["consultant", "goals"])
    changes = diff(before, snapshot(case, ("consultant", "goals")))
    if changes:
        _log(actor, "update", case, case.company, changes)
    return case


# The module an activity belongs to when none is given.
DEFAULT_MODULE = {
    ActivityKind.INITIAL_CONSULTATION: Module.INFORM,
    ActivityKind.COACHING: Module.COACH,
    ActivityKind.INTRODUCTION: Module.CONNECT,
    ActivityKind.MILESTONE: Module.TRANSFER,
}


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value).replace(",", ".")) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        hours = None
    if hours is None or not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        raise ServiceError(_("Please enter the hours (more than 0, at most 100)."), field="hours")
    if hours != hours.quantize(Decimal("0.01")):
        raise ServiceError(_("Please enter the hours with at most two decimal places."), field="hours")
    return hours


@transaction.atomic
def activity_add(
    *,
    actor: User,
    case: Case,
    kind: str,
    occurred_on: dt.date,
    module: str = "",
    summary: str = "",
    notes: str = "",
    situation: str = "",
    needs: Mapping[str, str] | None = None,
    next_steps: str = "",
    hours: Decimal | str | None = None,
    coach_kind: str = "",
    coach_name: str = "",
    topic: str = "",
    offer: Offer | None = None,
    milestone_title: str = "",
    deminimis_value: Decimal | str | None = None,
    override_reason: str = "",
    attachments: Iterable[UploadedFile] = (),
) -> Activity:
    """Record an activity of a case. What a kind needs:

    - initial consultation record: the situation, at least one need (per check dimension) and the
      agreed next steps;
    - coaching session: hours, internal or external coach (an external one with a name), the topic;
    - phone call, e-mail, meeting, introduction: a subject or notes;
    - transfer project milestone: its title.

    With a de-minimis value the activity grants de-minimis aid on its date (kgp.deminimis.services.
    aid_grant: ceiling check, certificate number) and is linked to it; a refused grant records
    nothing. Attachments (PDF and Office files) are checked and stored with it — all or nothing.
    """
    if kind not in ActivityKind.values:
        raise ServiceError(_("Please choose one of the listed kinds."), field="kind")
    module = module or DEFAULT_MODULE.get(kind, Module.INFORM)  # type: ignore[call-overload]
    if module not in Module.values:
        raise ServiceError(_("Please choose the module the activity belongs to."), field="module")
    if not isinstance(occurred_on, dt.date) or occurred_on < EARLIEST or occurred_on > timezone.localdate():
        raise ServiceError(_("Please enter a date that is not in the future."), field="occurred_on")
    values: dict[str, Any] = {"summary": _text(summary), "notes": _text(notes)}
    _check_length(values["summary"], 300, "summary")
    _check_length(values["notes"], MAX_NOTES, "notes")
    if kind == ActivityKind.INITIAL_CONSULTATION:
        needs = needs or {}
        unknown = set(needs) - set(DIMENSIONS)
        if unknown:
            raise ServiceError(_("Unknown check dimension."), field="needs")
        cleaned_needs = {key: _text(needs.get(key)) for key in DIMENSIONS if _text(needs.get(key))}
        for key, text in cleaned_needs.items():
            _check_length(text, MAX_TEXT, f"need_{key}")
        values |= {"situation": _text(situation), "needs": cleaned_needs, "next_steps": _text(next_steps)}
        if not values["situation"]:
            raise ServiceError(_("Please describe the company's situation."), field="situation")
        if not cleaned_needs:
            raise ServiceError(_("Please record the needs for at least one check dimension."), field="needs")
        if not values["next_steps"]:
            raise ServiceError(_("Please record the agreed next steps."), field="next_steps")
        _check_length(values["situation"], MAX_TEXT, "situation")
        _check_length(values["next_steps"], MAX_TEXT, "next_steps")
    elif kind == ActivityKind.COACHING:
        values |= {
            "hours": _hours(hours),
            "coach_kind": coach_kind,
            "coach_name": _text(coach_name),
            "topic": _text(topic),
            "offer": offer,
        }
        if coach_kind not in CoachKind.values:
            raise ServiceError(_("Please choose an internal or an external coach."), field="coach_kind")
        if coach_kind == CoachKind.EXTERNAL and not values["coach_name"]:
            raise ServiceError(_("Please enter the name of the external coach."), field="coach_name")
        if not values["topic"]:
            raise ServiceError(_("Please enter the topic of the session."), field="topic")
        _check_length(values["coach_name"], 200, "coach_name")
        _check_length(values["topic"], 200, "topic")
    elif kind == ActivityKind.MILESTONE:
        values["milestone_title"] = _text(milestone_title)
        if not values["milestone_title"]:
            raise ServiceError(_("Please enter the milestone."), field="milestone_title")
        _check_length(values["milestone_title"], 200, "milestone_title")
    elif not (values["summary"] or values["notes"]):
        raise ServiceError(_("Please enter a subject or notes."), field="summary")
    uploads = list(attachments or ())
    if len(uploads) > attachment_rules.MAX_FILES_PER_UPLOAD:
        raise ServiceError(
            _("At most %(count)s files at once, please.") % {"count": attachment_rules.MAX_FILES_PER_UPLOAD},
            field="attachments",
        )
    checked = [attachment_rules.inspect_upload(upload) for upload in uploads]
    case = Case.objects.select_for_update(of=("self",)).select_related("company").get(pk=case.pk)
    aid = None
    if deminimis_value not in (None, ""):
        aid = _grant_for_activity(
            actor=actor, case=case, kind=kind, occurred_on=occurred_on, value=deminimis_value,
            override_reason=override_reason, offer=values.get("offer"), label=values.get("topic") or values.get("summary")
            or values.get("milestone_title") or "",
        )  # fmt: skip
    activity = Activity.objects.create(
        case=case, company=case.company, kind=kind, module=module, occurred_on=occurred_on, author=actor, aid_grant=aid,
        **values,
    )  # fmt: skip
    if occurred_on > case.last_activity_on:
        case.last_activity_on = occurred_on
        case.save(update_fields=["last_activity_on"])
    # The audit entry names the activity, never its internal texts.
    changes: dict[str, Any] = {"kind": [None, kind], "case": [None, case.number]}
    if aid is not None:
        changes["aid_grant"] = [None, aid.certificate_number]
    _log(actor, "create", activity, case.company, changes)
    for name, content_type, data, digest in checked:
        _store_attachment(actor=actor, activity=activity, name=name, content_type=content_type, data=data, digest=digest)
    return activity


def _eur_amount(value: Decimal | str | int | float) -> Decimal:
    """A value in EUR: a Decimal or number, or text as typed in German ("1.250,50") or plain ("1250.50")."""
    try:
        if isinstance(value, str):
            text = value.strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
            if "," in text:
                text = text.replace(".", "").replace(",", ".")
            amount = Decimal(text)
        else:
            amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("Please enter the value in EUR, e.g. 1250,00."), field="deminimis_value") from None
    if not amount.is_finite() or amount <= 0:
        raise ServiceError(_("Please enter a de-minimis value above EUR 0 or leave the field empty."), field="deminimis_value")
    if amount != amount.quantize(Decimal("0.01")):
        raise ServiceError(_("Please enter the value with at most two decimal places."), field="deminimis_value")
    return amount


def _grant_for_activity(
    *,
    actor: User,
    case: Case,
    kind: str,
    occurred_on: dt.date,
    value: Decimal | str,
    override_reason: str,
    offer: Offer | None,
    label: str,
) -> Any:
    """The de-minimis aid an activity grants; the grant's errors are reported on the activity's field."""
    amount = _eur_amount(value)
    with translation.override(settings.LANGUAGE_CODE):
        purpose = f"{ActivityKind(kind).label}: {label}" if label else str(ActivityKind(kind).label)
    if offer is not None:
        purpose = f"{purpose} ({offer.title})"
    try:
        return deminimis_services.aid_grant(
            actor=actor,
            company=case.company,
            granted_on=occurred_on,
            value_eur=amount,
            purpose=purpose[:500],
            offer=offer if offer is not None and offer.is_de_minimis else None,
            override_reason=override_reason,
        )
    except ServiceError as exc:
        field = {"value_eur": "deminimis_value", "granted_on": "occurred_on", "purpose": "deminimis_value"}.get(
            exc.field or "", exc.field
        )
        raise ServiceError(exc.message, field=field, code=exc.code) from None


def _store_attachment(
    *, actor: User, activity: Activity, name: str, content_type: str, data: bytes, digest: str
) -> ActivityAttachment:
    attachment = ActivityAttachment(
        activity=activity, original_name=name, content_type=content_type, size=len(data), sha256=digest, uploaded_by=actor
    )
    attachment.file.save(name, ContentFile(data), save=False)
    stored = attachment.file.name
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(stored)
        raise
    _log(actor, "create", attachment, activity.company, {"file": [None, name], "activity": [None, str(activity.pk)]})
    return attachment


@transaction.atomic
def attachment_add(*, actor: User, activity: Activity, uploads: Iterable[UploadedFile]) -> list[ActivityAttachment]:
    """Attach further files to an activity (all or none)."""
    uploads = list(uploads)
    if not uploads:
        raise ServiceError(_("Please choose a file."), field="attachments")
    if len(uploads) > attachment_rules.MAX_FILES_PER_UPLOAD:
        raise ServiceError(
            _("At most %(count)s files at once, please.") % {"count": attachment_rules.MAX_FILES_PER_UPLOAD},
            field="attachments",
        )
    checked = [attachment_rules.inspect_upload(upload) for upload in uploads]
    activity = Activity.objects.select_for_update(of=("self",)).select_related("company").get(pk=activity.pk)
    return [
        _store_attachment(actor=actor, activity=activity, name=name, content_type=content_type, data=data, digest=digest)
        for name, content_type, data, digest in checked
    ]


@transaction.atomic
def attachment_delete(*, actor: User, attachment: ActivityAttachment) -> None:
    """Remove an attachment; the file is deleted from the storage once the deletion is committed."""
    attachment = ActivityAttachment.objects.select_for_update(of=("self",)).select_related("activity__company").get(
        pk=attachment.pk
    )
    name, storage = attachment.file.name, attachment.file.storage
    _log(actor, "delete", attachment, attachment.activity.company, {"file": [attachment.original_name, None]})
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def task_create(
    *, actor: User, case: Case | None = None, company: Company | None = None, title: str, assignee: User, due_on: dt.date
) -> Task:
    """A task for a case (or a company), assigned to a consultant of the owning agency or the coordination."""
    if case is not None:
        company = case.company
        organisation_id = case.organisation_id
    elif company is not None:
        organisation_id = company.responsible_partner_id or actor.organisation_id
    else:
        raise ServiceError(_("A task belongs to a case or a company."))
    title = _text(title)
    if not title:
        raise ServiceError(_("Please describe the task."), field="title")
    _check_length(title, 300, "title")
    if assignee is None:
        raise ServiceError(_("Please choose who does the task."), field="assignee")
    try:
        _check_consultant(assignee, organisation_id)  # type: ignore[arg-type]
    except ServiceError:
        raise ServiceError(_("Please choose a consultant of the agency that owns the case."), field="assignee") from None
    if not isinstance(due_on, dt.date) or due_on < EARLIEST:
        raise ServiceError(_("Please enter a due date."), field="due_on")
    task = Task.objects.create(case=case, company=company, title=title, assignee=assignee, due_on=due_on, created_by=actor)
    _log(actor, "create", task, company, {"assignee": [None, str(assignee)], "due_on": [None, due_on.isoformat()]})  # type: ignore[arg-type]
    return task


@transaction.atomic
def task_done(*, actor: User, task: Task) -> Task:
    task = Task.objects.select_for_update(of=("self",)).select_related("company").get(pk=task.pk)
    if task.done_at is not None:
        return task
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    _log(actor, "update", task, task.company, {"done": [False, True]})
    return task
