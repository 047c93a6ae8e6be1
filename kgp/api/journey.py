"""/cases and /activities: the support of a company along its journey (staff only).

Scoped like the backoffice (kgp.journey.access): the coordination reads and changes every case; a
consultant and read-only staff read the cases of their agency and, read only, the cases of
companies that share their data with the network. Changes: editors (consultants, coordination) of
the owning agency; read-only staff and other agencies get 403 for a case they can read, and what
a user may not read answers 404.

Internal fields (`full_view` is false: another agency reading a shared company's case) are null,
as in the backoffice: a case's `goals`, `request_id` and `tasks`; an activity's `summary`, `notes`,
`situation`, `needs`, `next_steps`, `topic`, `coach_name`, `milestone_title`, `aid_grant` and
`attachments`. The kind, module, date, author, hours, coach kind and offer are always shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints, field_validator

from kgp.accounts.models import User
from kgp.catalogue.models import Module, Offer
from kgp.companies.access import company_for_staff_edit
from kgp.core.errors import ServiceError
from kgp.core.ids import MAX_ID, parse_id
from kgp.journey import access, services
from kgp.journey.models import DIMENSIONS, Activity, ActivityKind, Case, CoachKind, Stage
from kgp.organisations.models import Organisation
from kgp.requests.access import request_for_staff_edit

from .auth import StaffTokenAuth, api_user, viewer
from .errors import ApiError, error_item, renamed_fields, summary
from .schemas import (
    _CLEAN,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    CompanyRef,
    ErrorOut,
    PartnerRef,
    UserRef,
    not_null,
    page_of,
)

cases_router = Router(auth=StaffTokenAuth(), tags=["cases"])
activities_router = Router(auth=StaffTokenAuth(), tags=["activities"])

COMMON_ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
ONE_ERRORS = {404: ErrorOut, **COMMON_ERRORS}
WRITE_ERRORS = {400: ErrorOut, **ONE_ERRORS}

MAX_OFFERS = 50

CANNOT_OPEN_MESSAGE = gettext_lazy("Your role does not allow you to open cases.")
CANNOT_RECORD_MESSAGE = gettext_lazy("Your role does not allow you to record activities.")
READ_ONLY_CASE_MESSAGE = gettext_lazy("You may only read this case, not change it.")
READ_ONLY_COMPANY_MESSAGE = gettext_lazy("You may only read this company, not open a case for it.")
READ_ONLY_REQUEST_MESSAGE = gettext_lazy("You may only read this request, not open a case from it.")
COMPANY_NOT_FOUND_MESSAGE = gettext_lazy("Company not found.")
CASE_NOT_FOUND_MESSAGE = gettext_lazy("Case not found.")
REQUEST_NOT_FOUND_MESSAGE = gettext_lazy("Request not found.")
CONSULTANT_MESSAGE = gettext_lazy("Please choose a consultant of the agency that owns the case.")
NOT_APPLICABLE_MESSAGE = gettext_lazy("This field does not apply to activities of kind %(kind)s.")

# The fields of an activity that only some kinds take (all kinds take module, summary and notes).
KIND_FIELDS: dict[str, frozenset[str]] = {
    ActivityKind.INITIAL_CONSULTATION: frozenset({"situation", "needs", "next_steps"}),
    ActivityKind.COACHING: frozenset({"hours", "coach_kind", "coach_name", "topic", "offer_id"}),
    ActivityKind.MILESTONE: frozenset({"milestone_title"}),
}
KIND_SPECIFIC = frozenset().union(*KIND_FIELDS.values())


# --- input types ------------------------------------------------------------------------------


def _text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length), _CLEAN]


# Ids in a JSON body: whole numbers only (strict: neither true nor 1.0 nor "1" passes for an id).
Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
Key = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40), _CLEAN]
KindValue = Literal[tuple(ActivityKind.values)]  # type: ignore[valid-type]
ModuleValue = Literal[tuple(Module.values)]  # type: ignore[valid-type]
CoachKindValue = Literal[tuple(["", *CoachKind.values])]  # type: ignore[valid-type]
DimensionValue = Literal[DIMENSIONS]  # type: ignore[valid-type]




# --- output schemas ---------------------------------------------------------------------------




def _full(case: Case, context: Mapping[str, Any] | None) -> bool:
    return access.full_view(viewer(context), case)






class StageRef(Schema):
    key: str
    name: str = Field(description="The stage's name in the request's language")
    is_closed: bool

    @staticmethod
    def resolve_name(obj: Stage) -> str:
        return str(obj)


class OfferRef(Schema):
    id: int
    slug: str
    title: str
    module: str


class StageChangeOut(Schema):
    changed_at: dt.datetime
    from_stage: str | None = Field(description="Stage key; null for the first stage of the case")
    to_stage: str = Field(description="Stage key")
    changed_by: UserRef | None

    @staticmethod
    def resolve_from_stage(obj: Any) -> str | None:
        return obj.from_stage.key if obj.from_stage_id else None

    @staticmethod
    def resolve_to_stage(obj: Any) -> str:
        return obj.to_stage.key


class TaskOut(Schema):
    id: int
    title: str
    assignee: UserRef
    due_on: dt.date
    done_at: dt.datetime | None


class CaseOut(Schema):
    id: int
    number: str = Field(description="e.g. B-00042")
    company: CompanyRef
    organisation: PartnerRef = Field(description="The owning agency")
    consultant: UserRef | None
    stage: StageRef
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    last_activity_on: dt.date
    full_view: bool = Field(description="false: another agency's case, read only; the internal fields are null")
    can_edit: bool = Field(description="Whether you may change the case and record activities")
    goals: str | None = Field(description="Internal; null without full view")
    request_id: int | None = Field(description="The request the case was opened from; null without full view")

    @staticmethod
    def resolve_organisation(obj: Case) -> dict[str, str]:
        return {"key": obj.organisation.key, "name": obj.organisation.name}

    @staticmethod
    def resolve_full_view(obj: Case, context: Any) -> bool:
        return _full(obj, context)

    @staticmethod
    def resolve_can_edit(obj: Case, context: Any) -> bool:
        return access.can_edit_case(viewer(context), obj)

    @staticmethod
    def resolve_goals(obj: Case, context: Any) -> str | None:
        return obj.goals if _full(obj, context) else None

    @staticmethod
    def resolve_request_id(obj: Case, context: Any) -> int | None:
        return obj.created_from_id if _full(obj, context) else None


class CaseDetailOut(CaseOut):
    stage_history: list[StageChangeOut] = Field(description="Every stage change, oldest first")
    offers: list[OfferRef]
    tasks: list[TaskOut] | None = Field(description="Internal; null without full view")

    @staticmethod
    def resolve_stage_history(obj: Case) -> list[Any]:
        return list(obj.stage_changes.select_related("from_stage", "to_stage", "changed_by"))

    @staticmethod
    def resolve_offers(obj: Case) -> list[Offer]:
        return list(obj.offers.order_by("title", "id"))

    @staticmethod
    def resolve_tasks(obj: Case, context: Any) -> list[Any] | None:
        if not _full(obj, context):
            return None
        return list(obj.tasks.select_related("assignee").order_by("done_at", "due_on", "id"))


class CasePage(Schema):
    count: int
    page: int
    page_size: int
    results: list[CaseOut]


class AidGrantRef(Schema):
    certificate_number: str | None
    value_eur: str = Field(description="Gross grant equivalent in EUR as a decimal string", examples=["1500.00"])
    granted_on: dt.date

    @staticmethod
    def resolve_value_eur(obj: Any) -> str:
        return str(obj.value_eur)


class AttachmentOut(Schema):
    id: int
    original_name: str
    size: int = Field(description="Bytes")
    content_type: str
    uploaded_at: dt.datetime


def _internal(name: str) -> Any:
    """A resolver that shows the activity's field only with the full view of its case."""

    def resolve(obj: Activity, context: Any) -> Any:
        return getattr(obj, name) if _full(obj.case, context) else None

    return staticmethod(resolve)


class ActivityOut(Schema):
    id: int
    case_id: int
    case_number: str
    company: CompanyRef
    kind: KindValue  # type: ignore[valid-type]
    kind_label: str = Field(description="The kind in the request's language")
    module: ModuleValue  # type: ignore[valid-type]
    occurred_on: dt.date
    author: UserRef | None
    hours: str | None = Field(description='Coaching session: hours as a decimal string, e.g. "1.50"')
    coach_kind: str = Field(description="Coaching session: internal or external; empty otherwise")
    offer: OfferRef | None = Field(description="Coaching session: the offer, if any")
    created_at: dt.datetime
    full_view: bool = Field(description="false: another agency's case, read only; the internal fields are null")
    summary: str | None
    notes: str | None
    situation: str | None
    needs: dict[str, str] | None = Field(description="Initial consultation: needs per check dimension")
    next_steps: str | None
    topic: str | None
    coach_name: str | None
    milestone_title: str | None
    aid_grant: AidGrantRef | None = Field(description="The de-minimis aid this activity granted, if any")
    attachments: list[AttachmentOut] | None = Field(description="File metadata; the files are downloaded in the backoffice")

    resolve_summary = _internal("summary")
    resolve_notes = _internal("notes")
    resolve_situation = _internal("situation")
    resolve_needs = _internal("needs")
    resolve_next_steps = _internal("next_steps")
    resolve_topic = _internal("topic")
    resolve_coach_name = _internal("coach_name")
    resolve_milestone_title = _internal("milestone_title")
    resolve_aid_grant = _internal("aid_grant")

    @staticmethod
    def resolve_case_number(obj: Activity) -> str:
        return obj.case.number

    @staticmethod
    def resolve_kind_label(obj: Activity) -> str:
        return str(obj.get_kind_display())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_hours(obj: Activity) -> str | None:
        return str(obj.hours) if obj.hours is not None else None

    @staticmethod
    def resolve_full_view(obj: Activity, context: Any) -> bool:
        return _full(obj.case, context)

    @staticmethod
    def resolve_attachments(obj: Activity, context: Any) -> list[Any] | None:
        return list(obj.attachments.all()) if _full(obj.case, context) else None


class ActivityPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ActivityOut]


# --- input schemas ----------------------------------------------------------------------------


class CaseListParams(Schema):
    stage: Key | None = Field(None, description="Stage key, e.g. first_contact")
    consultant: int | None = Field(None, ge=1, le=MAX_ID, description="User id of the consultant")
    company: int | None = Field(None, ge=1, le=MAX_ID, description="Company id")
    organisation: Key | None = Field(None, description="Key of the owning agency, e.g. dortmund")
    status: Literal["open", "closed"] | None = Field(None, description="open: not in a closing stage; closed: in one")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class CaseOpenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    company_id: Id
    consultant_id: Id | None = Field(None, description="Default: you, if you are a consultant of the owning agency")
    goals: _text(services.MAX_GOALS) = ""  # type: ignore[valid-type]
    offer_ids: Annotated[list[Id], Field(max_length=MAX_OFFERS)] = Field(default_factory=list)
    request_id: Id | None = Field(None, description="Open the case from this request (its offers are copied)")


class CaseUpdateIn(Schema):
    """Partial update: only the fields sent change. `consultant_id: null` removes the consultant."""

    model_config = ConfigDict(extra="forbid")

    consultant_id: Id | None = None
    goals: _text(services.MAX_GOALS) | None = None  # type: ignore[valid-type]

    @field_validator("goals", mode="after")
    @classmethod
    def _goalsnot_null(cls, value: Any) -> Any:
        return not_null(value)


class StageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    stage: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), _CLEAN] = Field(
        description="Stage key, e.g. initial_consultation"
    )


class ActivityListParams(Schema):
    case: int | None = Field(None, ge=1, le=MAX_ID, description="Case id")
    company: int | None = Field(None, ge=1, le=MAX_ID, description="Company id")
    kind: KindValue | None = None  # type: ignore[valid-type]
    module: ModuleValue | None = None  # type: ignore[valid-type]
    from_: dt.date | None = Field(None, alias="from", description="Activities on or after this date (YYYY-MM-DD)")
    to: dt.date | None = Field(None, description="Activities on or before this date (YYYY-MM-DD)")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class ActivityIn(Schema):
    """What each kind needs: initial_consultation: situation, needs (at least one), next_steps;
    coaching: hours, coach_kind (external: with coach_name), topic, optionally offer_id;
    phone, email, meeting, introduction: summary or notes; milestone: milestone_title.
    Fields of another kind with a value answer 422."""

    model_config = ConfigDict(extra="forbid")

    case_id: Id
    kind: KindValue  # type: ignore[valid-type]
    occurred_on: dt.date = Field(description="YYYY-MM-DD, not in the future")
    module: ModuleValue | None = Field(None, description="Default: the kind's module")  # type: ignore[valid-type]
    summary: _text(300) = ""  # type: ignore[valid-type]
    notes: _text(services.MAX_NOTES) = ""  # type: ignore[valid-type]
    situation: _text(services.MAX_TEXT) = ""  # type: ignore[valid-type]
    needs: dict[DimensionValue, _text(services.MAX_TEXT)] | None = Field(  # type: ignore[valid-type]
        None, description="Needs per check dimension: " + ", ".join(DIMENSIONS)
    )
    next_steps: _text(services.MAX_TEXT) = ""  # type: ignore[valid-type]
    hours: Decimal | None = Field(None, description="More than 0, at most 100, two decimal places", examples=["1.5"])
    coach_kind: CoachKindValue = ""  # type: ignore[valid-type]
    coach_name: _text(200) = ""  # type: ignore[valid-type]
    topic: _text(200) = ""  # type: ignore[valid-type]
    offer_id: Id | None = None
    milestone_title: _text(200) = ""  # type: ignore[valid-type]
    deminimis_value: Decimal | None = Field(
        None,
        ge=0,
        max_digits=12,
        decimal_places=2,
        description="The de-minimis value in EUR: records a de-minimis aid grant linked to the activity",
        examples=["1500.00"],
    )
    override_reason: _text(2000) = Field(  # type: ignore[valid-type]
        "", description="The coordination's reason for a grant above the de-minimis ceiling"
    )


# --- helpers ----------------------------------------------------------------------------------


def _invalid(location: str, problems: dict[str, str], type_: str) -> ApiError:
    items = [error_item({"loc": (location, name), "msg": message, "type": type_}) for name, message in problems.items()]
    return ApiError(422, summary(items), errors=items)




def _body_fields(mapping: Mapping[str, str]) -> "AbstractContextManager[None]":
    """Name a service error's field as the request body names it (consultant -> consultant_id; the
    initial-consultation record's need_<dimension> -> needs.<dimension>)."""
    return renamed_fields(mapping, lambda f: "needs." + f.removeprefix("need_") if f.startswith("need_") else None)


def _not_found(message: Any, field: str) -> ApiError:
    return ApiError(404, str(message), field=field)


def _case_relations(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("company", "organisation", "consultant", "stage")


def _case(user: User, case_id: int | str) -> Case:
    return access.case_for_staff(user, case_id)


def _case_for_edit(user: User, case_id: int | str) -> Case:
    try:
        return access.case_for_staff_edit(user, case_id)
    except PermissionDenied:
        raise PermissionDenied(str(READ_ONLY_CASE_MESSAGE)) from None


def _consultant(consultant_id: int | None) -> User | None:
    if consultant_id is None:
        return None
    consultant = User.objects.filter(pk=consultant_id, is_active=True).first()
    if consultant is None:  # the service's own message: nothing tells an unknown id from a wrong one
        raise ServiceError(str(CONSULTANT_MESSAGE), field="consultant_id")
    return consultant


def _offers(ids: list[int]) -> list[Offer]:
    wanted = list(dict.fromkeys(ids))
    offers = list(Offer.objects.filter(pk__in=wanted))
    unknown = sorted(set(wanted) - {offer.pk for offer in offers})
    if unknown:
        raise ServiceError(
            _("Unknown offers: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}, field="offer_ids", code="unknown_offer"
        )
    return offers


def activities_for_staff(user: User) -> QuerySet[Activity]:
    """The activities of the cases the staff member may read (kgp.journey.access decides)."""
    return Activity.objects.filter(case__in=access.cases_for_staff(user).values("pk"))


def _activity_relations(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    return qs.select_related("case", "company", "author", "offer", "aid_grant").prefetch_related("attachments")


# --- cases ------------------------------------------------------------------------------------


@cases_router.get("", response={200: CasePage, **COMMON_ERRORS}, summary="List cases")
def list_cases(request: HttpRequest, params: Query[CaseListParams]) -> dict[str, object]:
    """The cases you may read, newest first; `page_size` at most 200. An unknown stage or agency key
    answers 422."""
    user = api_user(request)
    qs = access.cases_for_staff(user)
    problems = {}
    if params.stage is not None:
        if not Stage.objects.filter(key=params.stage).exists():
            known = ", ".join(Stage.objects.order_by("order", "id").values_list("key", flat=True))
            problems["stage"] = _("Unknown stage. Allowed values are: %(known)s.") % {"known": known}
        qs = qs.filter(stage__key=params.stage)
    if params.organisation is not None:
        if not Organisation.objects.filter(key=params.organisation).exists():
            known = ", ".join(Organisation.objects.order_by("key").values_list("key", flat=True))
            problems["organisation"] = _("Unknown agency. Allowed values are: %(known)s.") % {"known": known}
        qs = qs.filter(organisation__key=params.organisation)
    if problems:
        raise _invalid("query", problems, "invalid_filter")
    if params.consultant is not None:
        qs = qs.filter(consultant_id=params.consultant)
    if params.company is not None:
        qs = qs.filter(company_id=params.company)
    if params.status is not None:
        qs = qs.filter(stage__is_closed=params.status == "closed")
    return page_of(qs, page=params.page, page_size=params.page_size, prepare=_case_relations)


@cases_router.get("/{case_id}", response={200: CaseDetailOut, **ONE_ERRORS}, summary="Get a case")
def get_case(request: HttpRequest, case_id: int) -> Case:
    """With the stage history and the offers; the tasks only with full view. 404 both for an unknown
    id and for a case you may not see."""
    return _case(api_user(request), case_id)


@cases_router.post("", response={201: CaseDetailOut, **WRITE_ERRORS}, summary="Open a case")
def open_case(request: HttpRequest, payload: CaseOpenIn) -> Status[Case]:
    """Opens a case for a company you may edit (the owning agency is the company's responsible
    agency; outside the region: yours). From a request, its offers are copied and the request moves
    to "in progress"; a request opens at most one case (400, code `case_exists`)."""
    user = api_user(request)
    if not user.can_edit_crm:
        raise PermissionDenied(str(CANNOT_OPEN_MESSAGE))
    try:
        company = company_for_staff_edit(user, payload.company_id)
    except Http404:
        raise _not_found(COMPANY_NOT_FOUND_MESSAGE, "company_id") from None
    except PermissionDenied:
        raise PermissionDenied(str(READ_ONLY_COMPANY_MESSAGE)) from None
    req = None
    if payload.request_id is not None:
        try:
            req = request_for_staff_edit(user, payload.request_id)
        except Http404:
            raise _not_found(REQUEST_NOT_FOUND_MESSAGE, "request_id") from None
        except PermissionDenied:
            raise PermissionDenied(str(READ_ONLY_REQUEST_MESSAGE)) from None
    consultant = _consultant(payload.consultant_id)
    offers = _offers(payload.offer_ids)
    with _body_fields({"consultant": "consultant_id", "request": "request_id", "offers": "offer_ids"}):
        case = services.case_open(
            actor=user, company=company, consultant=consultant, goals=payload.goals, offers=offers, request=req
        )
    return Status(201, _case(user, case.pk))


@cases_router.patch("/{case_id}", response={200: CaseDetailOut, **WRITE_ERRORS}, summary="Change a case")
def update_case(request: HttpRequest, case_id: int, payload: CaseUpdateIn) -> Case:
    """Changes the consultant (a consultant of the owning agency, or the coordination; null: none)
    and the goals. Only the fields sent change."""
    user = api_user(request)
    case = _case_for_edit(user, case_id)
    sent = payload.model_fields_set
    consultant = _consultant(payload.consultant_id) if "consultant_id" in sent else case.consultant
    goals = payload.goals if "goals" in sent else case.goals
    with _body_fields({"consultant": "consultant_id"}):
        services.case_update(actor=user, case=case, consultant=consultant, goals=goals or "")
    return _case(user, case.pk)


@cases_router.post("/{case_id}/stage", response={200: CaseDetailOut, **WRITE_ERRORS}, summary="Move a case to a stage")
def move_case(request: HttpRequest, case_id: int, payload: StageIn) -> Case:
    """Moves the case and records the change with date and person; a closing stage sets `closed_at`,
    any other stage clears it. Moving to the current stage changes nothing."""
    user = api_user(request)
    case = _case_for_edit(user, case_id)
    stage = Stage.objects.filter(key=payload.stage).first()
    if stage is None:
        known = ", ".join(Stage.objects.order_by("order", "id").values_list("key", flat=True))
        raise ServiceError(
            _("Unknown stage. Allowed values are: %(known)s.") % {"known": known}, field="stage", code="unknown_stage"
        )
    services.case_move_stage(actor=user, case=case, stage=stage)
    return _case(user, case.pk)


# --- activities -------------------------------------------------------------------------------


@activities_router.get("", response={200: ActivityPage, **COMMON_ERRORS}, summary="List activities")
def list_activities(request: HttpRequest, params: Query[ActivityListParams]) -> dict[str, object]:
    """The activities of the cases you may read, latest first; `page_size` at most 200."""
    if params.from_ is not None and params.to is not None and params.from_ > params.to:
        raise _invalid("query", {"from": _("The start date lies after the end date.")}, "invalid_filter")
    qs = activities_for_staff(api_user(request))
    if params.case is not None:
        qs = qs.filter(case_id=params.case)
    if params.company is not None:
        qs = qs.filter(company_id=params.company)
    if params.kind is not None:
        qs = qs.filter(kind=params.kind)
    if params.module is not None:
        qs = qs.filter(module=params.module)
    if params.from_ is not None:
        qs = qs.filter(occurred_on__gte=params.from_)
    if params.to is not None:
        qs = qs.filter(occurred_on__lte=params.to)
    return page_of(qs, page=params.page, page_size=params.page_size, prepare=_activity_relations)


@activities_router.get("/{activity_id}", response={200: ActivityOut, **ONE_ERRORS}, summary="Get an activity")
def get_activity(request: HttpRequest, activity_id: int) -> Activity:
    """404 both for an unknown id and for an activity you may not see."""
    pk = parse_id(activity_id)
    activity = _activity_relations(activities_for_staff(api_user(request))).filter(pk=pk).first() if pk else None
    if activity is None:
        raise Http404
    return activity


@activities_router.post("", response={201: ActivityOut, **WRITE_ERRORS}, summary="Record an activity")
def create_activity(request: HttpRequest, payload: ActivityIn) -> Status[Activity]:
    """Records an activity of a case you may change (see the body's description for what each kind
    needs). With `deminimis_value`, a de-minimis aid grant is recorded and linked to the activity;
    above the ceiling only the coordination may record it, with `override_reason`."""
    user = api_user(request)
    if not user.can_edit_crm:
        raise PermissionDenied(str(CANNOT_RECORD_MESSAGE))
    # A field of another kind is refused when it carries a value (null or "" is taken as not sent).
    given = {name for name in payload.model_fields_set if getattr(payload, name) not in (None, "", {})}
    wrong = sorted((given & KIND_SPECIFIC) - KIND_FIELDS.get(payload.kind, frozenset()))
    if wrong:
        message = str(NOT_APPLICABLE_MESSAGE) % {"kind": payload.kind}
        raise _invalid("body", dict.fromkeys(wrong, message), "not_applicable")
    try:
        case = _case_for_edit(user, payload.case_id)
    except Http404:
        raise _not_found(CASE_NOT_FOUND_MESSAGE, "case_id") from None
    values: dict[str, Any] = {"summary": payload.summary, "notes": payload.notes}
    if payload.module is not None:
        values["module"] = payload.module
    if payload.kind == ActivityKind.INITIAL_CONSULTATION:
        values |= {"situation": payload.situation, "needs": dict(payload.needs or {}), "next_steps": payload.next_steps}
    elif payload.kind == ActivityKind.COACHING:
        offer = None
        if payload.offer_id is not None:
            offer = Offer.objects.filter(pk=payload.offer_id).first()
            if offer is None:
                raise ServiceError(_("Unknown offer."), field="offer_id", code="unknown_offer")
        values |= {
            "hours": payload.hours,
            "coach_kind": payload.coach_kind,
            "coach_name": payload.coach_name,
            "topic": payload.topic,
            "offer": offer,
        }
    elif payload.kind == ActivityKind.MILESTONE:
        values["milestone_title"] = payload.milestone_title
    # Passed only when given, so the call also fits an activity_add without these parameters.
    if payload.deminimis_value is not None:
        values["deminimis_value"] = payload.deminimis_value
    if payload.override_reason:
        values["override_reason"] = payload.override_reason
    with _body_fields({"offer": "offer_id"}):
        activity = services.activity_add(actor=user, case=case, kind=payload.kind, occurred_on=payload.occurred_on, **values)
    return Status(201, _activity_relations(Activity.objects.filter(pk=activity.pk)).get())
