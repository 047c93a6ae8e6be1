"""/needs and /introductions: the connect module for the staff of the partners (staff tokens only).

Scoped like the backoffice (kgp.connect.access): the coordination reads and changes everything; a
consultant and read-only staff read the needs and introductions of their agency, and, read only,
the introductions that contact a company of their agency. Changes: the coordination and the
consultants of the owning agency; read-only staff and other agencies get 403 for what they can
read, and what a user may not read answers 404.

An introduction is a double opt-in. Staff record a side's answer given by phone or e-mail
(`on_behalf`), naming the side's contact person; the contact persons of both sides are shown only
after both sides agreed.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints, field_validator

from kgp.accounts.models import User
from kgp.companies.access import companies_for_staff, company_for_staff, company_for_staff_edit
from kgp.companies.models import Company
from kgp.competences.access import profiles_for_staff
from kgp.competences.models import CompetenceProfile, Kind, TransferFormat
from kgp.connect import access, search, services
from kgp.connect.models import (
    Decision,
    Introduction,
    IntroductionEvent,
    IntroductionStatus,
    Need,
    NeedKind,
    NeedSource,
    NeedStatus,
)
from kgp.core.errors import ServiceError
from kgp.core.ids import MAX_ID
from kgp.organisations.models import Municipality

from .auth import StaffTokenAuth, api_user, viewer
from .competences import Reason, known_reasons, profile_results
from .errors import ApiError, renamed_fields
from .schemas import (
    _CLEAN,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MAX_TOPICS,
    CompanyRef,
    ErrorOut,
    MunicipalityRef,
    PartnerRef,
    UserRef,
    not_null,
    page_of,
)

needs_router = Router(auth=StaffTokenAuth(), tags=["needs"])
introductions_router = Router(auth=StaffTokenAuth(), tags=["introductions"])

COMMON_ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
ONE_ERRORS = {404: ErrorOut, **COMMON_ERRORS}
WRITE_ERRORS = {400: ErrorOut, **ONE_ERRORS}

DEFAULT_SUGGESTIONS = 10

CANNOT_CREATE_NEED_MESSAGE = gettext_lazy("Your role does not allow you to record needs.")
CANNOT_PROPOSE_MESSAGE = gettext_lazy("Your role does not allow you to propose introductions.")
READ_ONLY_NEED_MESSAGE = gettext_lazy("You may only read this need, not change it.")
READ_ONLY_INTRODUCTION_MESSAGE = gettext_lazy("You may only read this introduction, not answer or withdraw it.")
READ_ONLY_COMPANY_MESSAGE = gettext_lazy("You may only read this company, not record a need or an introduction for it.")
COMPANY_NOT_FOUND_MESSAGE = gettext_lazy("Company not found.")
NEED_NOT_FOUND_MESSAGE = gettext_lazy("Need not found.")
PROFILE_NOT_FOUND_MESSAGE = gettext_lazy("Competence profile not found.")
UNKNOWN_MUNICIPALITY_MESSAGE = gettext_lazy("Unknown municipality: %(value)s. Allowed values are: %(known)s.")
COMPANY_OR_NEED_MESSAGE = gettext_lazy("Please give the company or the need (need_id or company_id).")
ONE_TARGET_MESSAGE = gettext_lazy("Please give exactly one of target_profile and target_company_id.")


# --- input types ------------------------------------------------------------------------------


def _text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length), _CLEAN]


# Ids in a JSON body: whole numbers only (strict: neither true nor 1.0 nor "1" passes for an id).
Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), _CLEAN]
NeedKindValue = Literal[tuple(NeedKind.values)]  # type: ignore[valid-type]
NeedStatusValue = Literal[tuple(NeedStatus.values)]  # type: ignore[valid-type]
IntroStatusValue = Literal[tuple(IntroductionStatus.values)]  # type: ignore[valid-type]
FormatValue = Literal[tuple(TransferFormat.values)]  # type: ignore[valid-type]
TopicKeys = Annotated[list[Key], Field(max_length=MAX_TOPICS)]
FormatValues = Annotated[list[FormatValue], Field(max_length=len(TransferFormat.values))]  # type: ignore[valid-type]
ProfileId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), _CLEAN]




# --- output schemas ---------------------------------------------------------------------------








class NeedRef(Schema):
    id: int
    number: str
    title: str


class NeedOut(Schema):
    id: int
    number: str = Field(description="e.g. BD-00042")
    company: CompanyRef
    organisation: PartnerRef = Field(description="The owning agency (the company's responsible agency)")
    kind: NeedKindValue = Field(  # type: ignore[valid-type]
        description="competence: a competence holder; peer: companies with similar challenges; supplier: a regional supplier"
    )
    kind_label: str = Field(description="The kind in the request's language")
    title: str
    text: str
    topics: list[str] = Field(description="Topic keys")
    formats: list[str] = Field(description="Preferred transfer formats (kind competence only)")
    municipality: MunicipalityRef | None = Field(description="Where the company looks for help (distances start here)")
    source: Literal[tuple(NeedSource.values)]  # type: ignore[valid-type]
    check_result_id: int | None = Field(description="The Transformations-Check result the need was proposed from")
    status: NeedStatusValue  # type: ignore[valid-type]
    created_by: UserRef | None
    created_at: dt.datetime
    updated_at: dt.datetime
    can_edit: bool = Field(description="Whether you may change the need and propose introductions for it")

    @staticmethod
    def resolve_organisation(obj: Need) -> dict[str, str]:
        return {"key": obj.organisation.key, "name": obj.organisation.name}

    @staticmethod
    def resolve_kind_label(obj: Need) -> str:
        return str(obj.get_kind_display())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_can_edit(obj: Need, context: Any) -> bool:
        return access.can_edit_need(viewer(context), obj)


class NeedPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[NeedOut]


class SuggestionOut(Schema):
    target: Literal["profile", "company"] = Field(
        description="profile: a competence holder (external_id); company: another company (company_id)"
    )
    external_id: str | None = Field(description="The competence profile's identifier")
    company_id: int | None = Field(description="The company's id")
    name: str
    score: float = Field(description="The engine's score; only the order within one answer means something")
    distance_km: float | None = Field(description="Distance from the need's municipality; null without one")
    reasons: list[Reason] = Field(description="Why it fits, as the matching engine reports it")
    explanation: list[str] = Field(description="The reasons as sentences in the request's language")


class SuggestionsOut(Schema):
    need_id: int
    kind: NeedKindValue  # type: ignore[valid-type]
    results: list[SuggestionOut] = Field(description="Best first")


class PersonOut(Schema):
    name: str
    function: str = ""
    email: str = ""
    phone: str = ""


class PersonsOut(Schema):
    company: PersonOut | None = Field(None, description="The company side's contact person")
    target: PersonOut | None = Field(None, description="The contacted side's contact person")


class IntroductionTargetOut(Schema):
    type: Literal["profile", "company"]
    external_id: str | None = Field(description="The competence profile's identifier (type profile)")
    company_id: int | None = Field(description="The company's id (type company)")
    name: str


class EventOut(Schema):
    what: Literal[tuple(IntroductionEvent.What.values)]  # type: ignore[valid-type]
    what_label: str = Field(description="The step in the request's language")
    status: IntroStatusValue  # type: ignore[valid-type]
    at: dt.datetime
    actor: UserRef | None
    on_behalf: bool = Field(description="Recorded by staff for the side (an answer given by phone or e-mail)")
    note: str

    @staticmethod
    def resolve_what_label(obj: IntroductionEvent) -> str:
        return str(obj.get_what_display())  # type: ignore[attr-defined]


class IntroductionOut(Schema):
    id: int
    number: str = Field(description="e.g. VM-00042")
    company: CompanyRef
    organisation: PartnerRef = Field(description="The owning agency (that of the company's case)")
    case_id: int
    need: NeedRef | None
    kind: NeedKindValue  # type: ignore[valid-type]
    target: IntroductionTargetOut
    message: str
    status: IntroStatusValue  # type: ignore[valid-type]
    status_label: str = Field(description="The status in the request's language")
    company_decision: Literal[tuple(Decision.values)]  # type: ignore[valid-type]
    target_decision: Literal[tuple(Decision.values)]  # type: ignore[valid-type]
    reasons: list[dict[str, Any]] = Field(description="The matching engine's reasons when it was proposed, if any")
    proposed_by: UserRef | None
    created_at: dt.datetime
    updated_at: dt.datetime
    accepted_at: dt.datetime | None
    can_record: bool = Field(description="Whether you may record a side's answer and withdraw the introduction")

    @staticmethod
    def resolve_organisation(obj: Introduction) -> dict[str, str]:
        return {"key": obj.organisation.key, "name": obj.organisation.name}

    @staticmethod
    def resolve_target(obj: Introduction) -> dict[str, Any]:
        if obj.profile_id:
            return {"type": "profile", "external_id": obj.profile.external_id, "company_id": None, "name": obj.profile.name}
        return {"type": "company", "external_id": None, "company_id": obj.target_company_id, "name": obj.target_name}

    @staticmethod
    def resolve_status_label(obj: Introduction) -> str:
        return str(obj.get_status_display())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_can_record(obj: Introduction, context: Any) -> bool:
        return access.can_record_for(viewer(context), obj)


class IntroductionDetailOut(IntroductionOut):
    events: list[EventOut] = Field(description="Every step, oldest first")
    persons: PersonsOut = Field(description="The contact persons: shown only after both sides agreed")

    @staticmethod
    def resolve_events(obj: Introduction) -> list[IntroductionEvent]:
        return list(obj.events.select_related("actor"))

    @staticmethod
    def resolve_persons(obj: Introduction) -> dict[str, dict]:
        return access.visible_persons(obj, None)


class IntroductionPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[IntroductionOut]


# --- input schemas ----------------------------------------------------------------------------


class NeedListParams(Schema):
    company: int | None = Field(None, ge=1, le=MAX_ID, description="Company id")
    status: NeedStatusValue | None = None  # type: ignore[valid-type]
    kind: NeedKindValue | None = None  # type: ignore[valid-type]
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class NeedIn(Schema):
    model_config = ConfigDict(extra="forbid")

    company_id: Id
    kind: NeedKindValue = NeedKind.COMPETENCE  # type: ignore[valid-type]
    title: _text(services.TITLE_MAX, 1)  # type: ignore[valid-type]
    text: _text(services.TEXT_MAX, services.TEXT_MIN)  # type: ignore[valid-type]
    topics: TopicKeys = Field(default_factory=list, description="Topic keys, e.g. energy")
    formats: FormatValues = Field(default_factory=list, description="Preferred transfer formats (kind competence only)")
    municipality: Key | None = Field(None, description="Municipality key, e.g. dortmund; default: the company's")


class NeedUpdateIn(Schema):
    """Partial update: only the fields sent change. null is not a value of any field."""

    model_config = ConfigDict(extra="forbid")

    kind: NeedKindValue | None = None  # type: ignore[valid-type]
    title: _text(services.TITLE_MAX, 1) | None = None  # type: ignore[valid-type]
    text: _text(services.TEXT_MAX, services.TEXT_MIN) | None = None  # type: ignore[valid-type]
    topics: TopicKeys | None = Field(None, description="Topic keys; replaces the list")
    formats: FormatValues | None = Field(None, description="Transfer formats; replaces the list")
    municipality: Key | None = Field(None, description="Municipality key")
    status: NeedStatusValue | None = None  # type: ignore[valid-type]

    @field_validator("*", mode="after")
    @classmethod
    def _fieldsnot_null(cls, value: Any) -> Any:
        return not_null(value)  # runs only for fields that were sent: None here is an explicit null


class SuggestionParams(Schema):
    limit: int = Field(DEFAULT_SUGGESTIONS, ge=1, le=search.MAX_LIMIT)


class IntroductionListParams(Schema):
    status: IntroStatusValue | None = None  # type: ignore[valid-type]
    company: int | None = Field(None, ge=1, le=MAX_ID, description="Company id (the company side)")
    need: int | None = Field(None, ge=1, le=MAX_ID, description="Need id")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class PersonIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: _text(120, 1)  # type: ignore[valid-type]
    function: _text(120) = ""  # type: ignore[valid-type]
    email: _text(254, 1)  # type: ignore[valid-type]
    phone: _text(40) = ""  # type: ignore[valid-type]


class IntroductionIn(Schema):
    """The company (`company_id`, or that of `need_id`) and exactly one target: a published competence
    profile (`target_profile`, its identifier) or another company you may read (`target_company_id`)."""

    model_config = ConfigDict(extra="forbid")

    need_id: Id | None = None
    company_id: Id | None = None
    target_profile: ProfileId | None = Field(None, description="The competence profile's identifier (external_id)")
    target_company_id: Id | None = None
    message: _text(services.MESSAGE_MAX, 10) = Field(description="Why this contact could help")  # type: ignore[valid-type]
    company_person: PersonIn | None = Field(
        None, description="The company side's contact person, if already known (shown only after both agreed)"
    )


class DecisionIn(Schema):
    """A side's answer, given by phone or e-mail and recorded by staff on its behalf. Agreeing needs the
    side's contact person (passed on to the other side once both agreed)."""

    model_config = ConfigDict(extra="forbid")

    side: Literal["company", "target"]
    accept: bool
    person: PersonIn | None = Field(None, description="Required when accept is true")
    note: _text(services.NOTE_MAX) = ""  # type: ignore[valid-type]


class WithdrawIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: _text(services.NOTE_MAX) = ""  # type: ignore[valid-type]


# --- helpers ----------------------------------------------------------------------------------




def _need_relations(qs: QuerySet[Need]) -> QuerySet[Need]:
    return qs.select_related("company", "organisation", "municipality", "created_by")


def _intro_relations(qs: QuerySet[Introduction]) -> QuerySet[Introduction]:
    return qs.select_related("company", "organisation", "profile", "target_company", "need", "proposed_by")


def _need(user: User, need_id: int | str) -> Need:
    return access.need_for_staff(user, need_id)


def _need_for_edit(user: User, need_id: int | str) -> Need:
    try:
        return access.need_for_staff_edit(user, need_id)
    except PermissionDenied:
        raise PermissionDenied(str(READ_ONLY_NEED_MESSAGE)) from None


def _intro_for_edit(user: User, intro_id: int | str) -> Introduction:
    try:
        return access.introduction_for_staff_edit(user, intro_id)
    except PermissionDenied:
        raise PermissionDenied(str(READ_ONLY_INTRODUCTION_MESSAGE)) from None


def _company_for_edit(user: User, company_id: int) -> Company:
    try:
        return company_for_staff_edit(user, company_id)
    except Http404:
        raise ApiError(404, str(COMPANY_NOT_FOUND_MESSAGE), field="company_id") from None
    except PermissionDenied:
        raise PermissionDenied(str(READ_ONLY_COMPANY_MESSAGE)) from None


def _municipality(key: str | None) -> Municipality | None:
    if key is None:
        return None
    municipality = Municipality.objects.filter(key=key).first()
    if municipality is None:
        known = ", ".join(Municipality.objects.order_by("key").values_list("key", flat=True))
        raise ServiceError(
            str(UNKNOWN_MUNICIPALITY_MESSAGE) % {"value": key[:40], "known": known},
            field="municipality",
            code="unknown_municipality",
        )
    return municipality


def _need_text(need: Need) -> str:
    return f"{need.title}\n{need.text}"


def _coordinates(need: Need) -> tuple[float | None, float | None]:
    m = need.municipality
    if m is None or m.lat is None or m.lon is None:
        return None, None
    return float(m.lat), float(m.lon)


def _company_suggestions(user: User, need: Need, limit: int) -> list[dict[str, Any]]:
    lat, lon = _coordinates(need)
    matches = search.match_companies(
        _need_text(need),
        visible=companies_for_staff(user),
        supplier=need.kind == NeedKind.SUPPLIER,
        lat=lat,
        lon=lon,
        topics=need.topics,
        limit=limit,
        exclude=[need.company_id],
    )
    names = dict(Company.objects.filter(pk__in=[int(m.id) for m in matches]).values_list("pk", "name"))
    topic_names = search.topic_labels() if matches else {}
    return [
        {
            "target": "company",
            "external_id": None,
            "company_id": int(m.id),
            "name": names[int(m.id)],
            "score": round(m.score, 4),
            "distance_km": round(m.distance_km, 1) if m.distance_km is not None else None,
            "reasons": known_reasons(m.reasons),
            "explanation": search.reason_lines(m.reasons, topic_names=topic_names),
        }
        for m in matches
        if int(m.id) in names
    ]


def _profile_suggestions(need: Need, limit: int) -> list[dict[str, Any]]:
    lat, lon = _coordinates(need)
    matches = search.match_profiles(
        _need_text(need), lat=lat, lon=lon, formats=need.formats, topics=need.topics, limit=limit, kinds=Kind.values
    )
    keys = ("external_id", "name", "score", "distance_km", "reasons", "explanation")
    return [{"target": "profile", "company_id": None} | {k: row[k] for k in keys} for row in profile_results(matches)]


# --- needs ------------------------------------------------------------------------------------


@needs_router.get("", response={200: NeedPage, **COMMON_ERRORS}, summary="List needs")
def list_needs(request: HttpRequest, params: Query[NeedListParams]) -> dict[str, object]:
    """The needs you may read (your agency's; the coordination: all), newest first; `page_size` at
    most 200."""
    qs = access.needs_for_staff(api_user(request))
    if params.company is not None:
        qs = qs.filter(company_id=params.company)
    if params.status is not None:
        qs = qs.filter(status=params.status)
    if params.kind is not None:
        qs = qs.filter(kind=params.kind)
    return page_of(qs, page=params.page, page_size=params.page_size, prepare=_need_relations)


@needs_router.get("/{need_id}", response={200: NeedOut, **ONE_ERRORS}, summary="Get a need")
def get_need(request: HttpRequest, need_id: int) -> Need:
    """404 both for an unknown id and for a need you may not see."""
    return _need(api_user(request), need_id)


@needs_router.post("", response={201: NeedOut, **WRITE_ERRORS}, summary="Record a need")
def create_need(request: HttpRequest, payload: NeedIn) -> Status[Need]:
    """Records a need of a company you may edit. Its agency is the company's responsible agency; the
    municipality defaults to the company's. An unknown topic or municipality answers 400."""
    user = api_user(request)
    if not user.can_edit_crm:
        raise PermissionDenied(str(CANNOT_CREATE_NEED_MESSAGE))
    company = _company_for_edit(user, payload.company_id)
    need = services.need_create(
        actor=user,
        company=company,
        kind=payload.kind,
        title=payload.title,
        text=payload.text,
        topics=payload.topics,
        formats=payload.formats,
        municipality=_municipality(payload.municipality),
    )
    return Status(201, _need(user, need.pk))


@needs_router.patch("/{need_id}", response={200: NeedOut, **WRITE_ERRORS}, summary="Change a need")
def update_need(request: HttpRequest, need_id: int, payload: NeedUpdateIn) -> Need:
    """Only the fields sent change; `topics` and `formats` replace the lists. 403 for a need you may
    only read."""
    user = api_user(request)
    need = _need_for_edit(user, need_id)
    sent = payload.model_fields_set
    services.need_update(
        actor=user,
        need=need,
        kind=payload.kind if "kind" in sent else need.kind,
        title=payload.title if "title" in sent else need.title,
        text=payload.text if "text" in sent else need.text,
        topics=payload.topics if "topics" in sent else need.topics,
        formats=payload.formats if "formats" in sent else need.formats,
        municipality=_municipality(payload.municipality) if "municipality" in sent else need.municipality,
        status=payload.status if "status" in sent else need.status,
    )
    return _need(user, need.pk)


@needs_router.get(
    "/{need_id}/suggestions", response={200: SuggestionsOut, **ONE_ERRORS}, summary="Suggestions for a need"
)
def need_suggestions(request: HttpRequest, need_id: int, params: Query[SuggestionParams]) -> dict[str, object]:
    """Ranked by the matching engine from the need's title and text, its topics, formats and
    municipality: published competence profiles for a need of kind `competence`; for `peer` and
    `supplier`, companies with a connect profile that you may read (never the need's own company;
    suppliers weigh the distance more). Each with the engine's reasons and an explanation."""
    user = api_user(request)
    need = _need(user, need_id)
    if need.kind == NeedKind.COMPETENCE:
        results = _profile_suggestions(need, params.limit)
    else:
        results = _company_suggestions(user, need, params.limit)
    return {"need_id": need.pk, "kind": need.kind, "results": results}


# --- introductions ----------------------------------------------------------------------------


@introductions_router.get("", response={200: IntroductionPage, **COMMON_ERRORS}, summary="List introductions")
def list_introductions(request: HttpRequest, params: Query[IntroductionListParams]) -> dict[str, object]:
    """The introductions you may read (your agency's, and those that contact a company of your
    agency; the coordination: all), newest first; `page_size` at most 200."""
    qs = access.introductions_for_staff(api_user(request))
    if params.status is not None:
        qs = qs.filter(status=params.status)
    if params.company is not None:
        qs = qs.filter(company_id=params.company)
    if params.need is not None:
        qs = qs.filter(need_id=params.need)
    return page_of(qs, page=params.page, page_size=params.page_size, prepare=_intro_relations)


@introductions_router.get(
    "/{introduction_id}", response={200: IntroductionDetailOut, **ONE_ERRORS}, summary="Get an introduction"
)
def get_introduction(request: HttpRequest, introduction_id: int) -> Introduction:
    """With its steps; the contact persons of both sides only after both agreed. 404 both for an
    unknown id and for an introduction you may not see."""
    return access.introduction_for_staff(api_user(request), introduction_id)


@introductions_router.post(
    "", response={201: IntroductionDetailOut, **WRITE_ERRORS}, summary="Propose an introduction"
)
def propose_introduction(request: HttpRequest, payload: IntroductionIn) -> Status[Introduction]:
    """Proposes to introduce a company you may edit to a published competence profile or to another
    company you may read. The introduction becomes an activity of the company's case (a case is
    opened if there is none) and waits for the consent of both sides; the users who answer for them
    are asked by e-mail. A second open introduction to the same contact answers 400 (code
    `duplicate`)."""
    user = api_user(request)
    if not user.can_edit_crm:
        raise PermissionDenied(str(CANNOT_PROPOSE_MESSAGE))
    if (payload.target_profile is None) == (payload.target_company_id is None):
        raise ServiceError(str(ONE_TARGET_MESSAGE), field="target", code="target")
    need = None
    if payload.need_id is not None:
        try:
            need = _need_for_edit(user, payload.need_id)
        except Http404:
            raise ApiError(404, str(NEED_NOT_FOUND_MESSAGE), field="need_id") from None
        company = need.company
        if payload.company_id is not None and payload.company_id != company.pk:
            raise ServiceError(_("The need belongs to another company."), field="need_id")
    elif payload.company_id is not None:
        company = _company_for_edit(user, payload.company_id)
    else:
        raise ServiceError(str(COMPANY_OR_NEED_MESSAGE), field="company_id")
    profile: CompetenceProfile | None = None
    target_company: Company | None = None
    if payload.target_profile is not None:
        profile = profiles_for_staff(user).filter(external_id=payload.target_profile.lower()).first()
        if profile is None:
            raise ApiError(404, str(PROFILE_NOT_FOUND_MESSAGE), field="target_profile")
    else:
        try:
            target_company = company_for_staff(user, payload.target_company_id)  # type: ignore[arg-type]
        except Http404:
            raise ApiError(404, str(COMPANY_NOT_FOUND_MESSAGE), field="target_company_id") from None
    target_field = "target_profile" if profile is not None else "target_company_id"
    with renamed_fields({"need": "need_id", "target": target_field}):
        intro = services.introduction_propose(
            actor=user,
            company=company,
            profile=profile,
            target_company=target_company,
            need=need,
            message=payload.message,
            company_person=payload.company_person.model_dump() if payload.company_person else None,
        )
    return Status(201, access.introduction_for_staff(user, intro.pk))


@introductions_router.post(
    "/{introduction_id}/decision", response={200: IntroductionDetailOut, **WRITE_ERRORS},
    summary="Record a side's answer",
)  # fmt: skip
def decide_introduction(request: HttpRequest, introduction_id: int, payload: DecisionIn) -> Introduction:
    """Records the answer of the company side or of the contacted side (`side`), given to you by
    phone or e-mail: the step is marked as recorded on the side's behalf. Agreeing needs the side's
    contact person (`person`). When both sides agreed, both contact persons become visible. An
    introduction that no longer waits, or a side that answered already, answers 400."""
    user = api_user(request)
    intro = _intro_for_edit(user, introduction_id)
    services.introduction_decide(
        actor=user,
        introduction=intro,
        side=payload.side,
        accept=payload.accept,
        person=payload.person.model_dump() if payload.person else None,
        note=payload.note,
        on_behalf=True,
    )
    return access.introduction_for_staff(user, intro.pk)


@introductions_router.post(
    "/{introduction_id}/withdraw", response={200: IntroductionDetailOut, **WRITE_ERRORS},
    summary="Withdraw an introduction",
)  # fmt: skip
def withdraw_introduction(request: HttpRequest, introduction_id: int, payload: WithdrawIn | None = None) -> Introduction:
    """Withdraws an introduction that still waits for an answer (otherwise 400, code `not_pending`)."""
    user = api_user(request)
    intro = _intro_for_edit(user, introduction_id)
    services.introduction_withdraw(actor=user, introduction=intro, note=payload.note if payload else "")
    return access.introduction_for_staff(user, intro.pk)
