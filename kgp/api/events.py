"""/events and /me/event-registrations: the events of the inform and exchange modules.

- `GET /events`, `GET /events/{slug}`: public, no token (published and cancelled events; a draft
  answers 404). The public list's filters (kgp.events.queries.EventFilter), paginated. The online
  link of an online event is never part of these answers: only confirmed participants get it.
- `POST /events/{slug}/registrations`: a company user registers themselves (the account's e-mail
  address, which is verified, so the registration counts at once: a seat, or the waiting list when
  the event is full). Company users sign in with a personal API token like staff do; on these
  operations only company users' tokens are accepted (`CompanyTokenAuth`), staff and competence
  holders get 403. There is no session authentication on the API (see auth.py).
- `GET /me/event-registrations`, `POST /me/event-registrations/{registration_id}/cancel` and
  `.../accept` (take a seat offered from the waiting list): the company user's own registrations;
  anybody else's answer 404.
- `GET /events/{slug}/participants`: staff of the organising agencies and the coordination
  (kgp.events.access.event_for_participants, like the backoffice); other agencies' staff get 404.

A broken business rule of kgp.events.services (closed registration, duplicate e-mail address,
per-company limit, ...) answers 400 with its `code`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthorizationError
from pydantic import ConfigDict, StringConstraints

from kgp.accounts.models import Role, User
from kgp.catalogue.models import Module
from kgp.companies.access import company_for_member
from kgp.companies.models import Topic
from kgp.core.errors import ServiceError
from kgp.core.ids import MAX_ID, parse_id
from kgp.events import access, queries, services
from kgp.events.models import Event, EventKind, EventStatus, Registration, RegistrationStatus
from kgp.organisations.models import Organisation

from .auth import ApiTokenAuth, StaffTokenAuth, api_user
from .errors import ApiError, error_item, summary
from .schemas import _CLEAN, MAX_PAGE, ErrorOut, MunicipalityRef, PartnerRef, page_of

COMPANY_ONLY_MESSAGE = gettext_lazy("Registering for events through the API is open only to company users.")
COMPANY_NOT_FOUND_MESSAGE = gettext_lazy("Company not found.")


class CompanyTokenAuth(ApiTokenAuth):
    """Company users only; other valid tokens (staff, competence holders) get 403."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = super().authenticate(request, token)
        if user is not None and user.role != Role.COMPANY:
            raise AuthorizationError(message=str(COMPANY_ONLY_MESSAGE))
        return user


# auth=None: the list and the detail are public; the other operations name their authentication.
router = Router(auth=None, tags=["events"])
me_router = Router(auth=CompanyTokenAuth(), tags=["events"])

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,120}")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
PARTICIPANTS_PAGE_SIZE = 50
PARTICIPANTS_MAX_PAGE_SIZE = 200
MAX_ANSWERS = services.MAX_QUESTIONS

COMPANY_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, **COMPANY_ERRORS}

KindValue = Literal[tuple(EventKind.values)]  # type: ignore[valid-type]
ModuleValue = Literal[tuple(Module.values)]  # type: ignore[valid-type]
StatusValue = Literal[tuple(RegistrationStatus.values)]  # type: ignore[valid-type]
EventStatusValue = Literal[tuple(v for v in EventStatus.values if v != EventStatus.DRAFT)]  # type: ignore[valid-type]
RegistrationStateValue = Literal["open", "not_yet", "closed", "past", "cancelled"]
FilterKey = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40), _CLEAN]
Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
AnswerKey = Annotated[str, StringConstraints(max_length=20)]
AnswerText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=services.MAX_ANSWER), _CLEAN]


def _text(max_length: int) -> Any:
    return Annotated[str, StringConstraints(strip_whitespace=True, max_length=max_length), _CLEAN]


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """Times in the region's time zone, so the ISO string carries its offset (+01:00 / +02:00)."""
    return timezone.localtime(value) if value is not None else None


# --- public schemas -----------------------------------------------------------------------------


class TopicRef(Schema):
    key: str
    name: str = Field(description="The topic's name in the request's language")


class CoOrganiserRef(Schema):
    external_id: str = Field(description="The competence profile's identifier (/api/v1/competences/{external_id})")
    name: str


class EventSummaryOut(Schema):
    slug: str = Field(description="The event's key; its page in the portal is `url`")
    url: str = Field(description="Path of the event's page in the portal")
    title: str
    summary: str
    kind: KindValue  # type: ignore[valid-type]
    kind_label: str = Field(description="The kind's name in the request's language")
    module: ModuleValue  # type: ignore[valid-type]
    module_label: str
    topics: list[TopicRef]
    organisers: list[PartnerRef] = Field(description="The organising partner agencies")
    co_organiser: CoOrganiserRef | None = Field(
        description="A co-organising competence holder (published profiles only)"
    )
    starts_at: dt.datetime = Field(description="ISO 8601 with the offset of Europe/Berlin")
    ends_at: dt.datetime
    online: bool
    venue: str = Field(description="Empty for an online event. The online link is sent to confirmed participants only.")
    address: str
    municipality: MunicipalityRef | None
    capacity: int
    free_seats: int = Field(description="Seats not taken (a seat offered to the waiting list counts as taken)")
    registration_state: RegistrationStateValue = Field(  # type: ignore[valid-type]
        description="open; not_yet (registration opens later); closed; past (the event has started); cancelled"
    )
    status: EventStatusValue = Field(description="published or cancelled")  # type: ignore[valid-type]

    @staticmethod
    def resolve_url(obj: Event) -> str:
        return reverse("web:event_detail", args=[obj.slug])

    @staticmethod
    def resolve_kind_label(obj: Event) -> str:
        return str(obj.get_kind_display())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_module_label(obj: Event) -> str:
        return str(obj.get_module_display())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_topics(obj: Event) -> list[dict[str, str]]:
        return [{"key": t.key, "name": str(t)} for t in sorted(obj.topics.all(), key=lambda t: t.key)]

    @staticmethod
    def resolve_organisers(obj: Event) -> list[dict[str, str]]:
        return [{"key": o.key, "name": o.name} for o in sorted(obj.organisations.all(), key=lambda o: o.key)]

    @staticmethod
    def resolve_co_organiser(obj: Event) -> dict[str, str] | None:
        profile = obj.co_organiser
        if profile is None or profile.status != "published":
            return None
        return {"external_id": profile.external_id, "name": profile.name}

    @staticmethod
    def resolve_starts_at(obj: Event) -> dt.datetime | None:
        return _local(obj.starts_at)

    @staticmethod
    def resolve_ends_at(obj: Event) -> dt.datetime | None:
        return _local(obj.ends_at)

    @staticmethod
    def resolve_free_seats(obj: Event) -> int:
        return queries.free_seats(obj)

    @staticmethod
    def resolve_registration_state(obj: Event) -> str:
        return obj.registration_state()


class QuestionOut(Schema):
    key: str = Field(description="The key of the answer in `answers` when registering, e.g. q1")
    label: str
    kind: Literal["text", "choice", "yes_no"] = Field(
        description='text; choice (one of `choices`); yes_no ("yes" or "no")'
    )
    choices: list[str]
    required: bool


class EventOut(EventSummaryOut):
    description: str
    target_group: str
    registration_opens_at: dt.datetime | None
    registration_closes_at: dt.datetime | None
    max_per_company: int | None = Field(description="At most this many participants per company; null: no limit")
    waiting: int = Field(description="People on the waiting list")
    questions: list[QuestionOut] = Field(description="The extra questions of the registration")

    @staticmethod
    def resolve_registration_opens_at(obj: Event) -> dt.datetime | None:
        return _local(obj.registration_opens_at)

    @staticmethod
    def resolve_registration_closes_at(obj: Event) -> dt.datetime | None:
        return _local(obj.registration_closes_at)

    @staticmethod
    def resolve_waiting(obj: Event) -> int:
        waiting = getattr(obj, "waiting", None)
        return (
            waiting if waiting is not None else obj.registrations.filter(status=RegistrationStatus.WAITLISTED).count()
        )

    @staticmethod
    def resolve_questions(obj: Event) -> list[dict[str, Any]]:
        return [
            {
                "key": q["key"],
                "label": q["label"],
                "kind": q["kind"],
                "choices": q.get("choices", []),
                "required": bool(q.get("required")),
            }
            for q in obj.questions or []
        ]


class EventPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[EventSummaryOut]


class EventListParams(Schema):
    """The public list's filters, plus pagination."""

    topic: FilterKey | None = Field(None, description="Topic key, e.g. energy")
    module: ModuleValue | None = Field(None, description="inform, coach, connect or transfer")  # type: ignore[valid-type]
    partner: FilterKey | None = Field(None, description="Key of an organising partner agency, e.g. hagen")
    kind: KindValue | None = Field(None, description="Kind of event, e.g. workshop")  # type: ignore[valid-type]
    date_from: dt.date | None = Field(None, description="Events starting on or after this day (Europe/Berlin)")
    date_to: dt.date | None = Field(None, description="Events starting on or before this day (Europe/Berlin)")
    past: bool = Field(
        False,
        description="true: events that have ended, latest first; default: upcoming and running events, soonest first",
    )
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


# --- registrations ------------------------------------------------------------------------------


class EventRef(Schema):
    slug: str
    title: str
    url: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    online: bool
    status: str

    @staticmethod
    def resolve_url(obj: Event) -> str:
        return reverse("web:event_detail", args=[obj.slug])

    @staticmethod
    def resolve_starts_at(obj: Event) -> dt.datetime | None:
        return _local(obj.starts_at)

    @staticmethod
    def resolve_ends_at(obj: Event) -> dt.datetime | None:
        return _local(obj.ends_at)


class RegistrationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    company_id: Id | None = Field(  # type: ignore[valid-type]
        None, description="One of your companies (an approved membership); without it, give `company_name`"
    )
    company_name: _text(200) = Field("", description="The company's name, when `company_id` is not given")  # type: ignore[valid-type]
    first_name: _text(100) | None = Field(None, description="Default: the name of your account")  # type: ignore[valid-type]
    last_name: _text(100) | None = Field(None, description="Default: the name of your account")  # type: ignore[valid-type]
    function: _text(150) = Field("", description="Your function in the company")  # type: ignore[valid-type]
    answers: dict[AnswerKey, AnswerText] = Field(  # type: ignore[valid-type]
        default_factory=dict,
        max_length=MAX_ANSWERS,
        description='Answers to the event\'s `questions` by key, e.g. {"q1": "yes"}',
    )


class _RegistrationFields(Schema):
    """What a participant's own answer and the organisers' list have in common (times in Europe/Berlin)."""

    id: int
    status_label: str
    first_name: str
    last_name: str
    function: str
    company_name: str
    answers: dict[str, str]
    created_at: dt.datetime
    confirmed_at: dt.datetime | None
    offered_until: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj: Registration) -> str:
        return str(obj.get_status_display())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_created_at(obj: Registration) -> dt.datetime | None:
        return _local(obj.created_at)

    @staticmethod
    def resolve_confirmed_at(obj: Registration) -> dt.datetime | None:
        return _local(obj.confirmed_at)

    @staticmethod
    def resolve_offered_until(obj: Registration) -> dt.datetime | None:
        return _local(obj.offered_until)


class RegistrationOut(_RegistrationFields):
    event: EventRef
    status: StatusValue = Field(  # type: ignore[valid-type]
        description="registered (a seat); waitlisted; offered (a freed seat is held for you until `offered_until`: "
        "accept it); cancelled; attended; no_show"
    )
    company_id: int | None
    online_url: str | None = Field(description="The online link: only for registered participants of an online event")

    @staticmethod
    def resolve_online_url(obj: Registration) -> str | None:
        event = obj.event
        if event.online and event.online_url and obj.is_confirmed_participant and event.status == EventStatus.PUBLISHED:
            return event.online_url
        return None


class RegistrationPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[RegistrationOut]


class MyRegistrationParams(Schema):
    status: StatusValue | None = Field(None, description="Only registrations in this status")  # type: ignore[valid-type]
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class ParticipantOut(_RegistrationFields):
    status: StatusValue  # type: ignore[valid-type]
    email: str
    company_id: int | None = Field(description="The company record the participant is linked to, if any")
    checked_in_at: dt.datetime | None

    @staticmethod
    def resolve_checked_in_at(obj: Registration) -> dt.datetime | None:
        return _local(obj.checked_in_at)


class ParticipantPage(Schema):
    count: int
    page: int
    page_size: int
    capacity: int
    status_counts: dict[str, int] = Field(description="Registrations of the event per status (all, not only this page)")
    results: list[ParticipantOut]


class ParticipantParams(Schema):
    status: StatusValue | None = Field(None, description="Only registrations in this status")  # type: ignore[valid-type]
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(PARTICIPANTS_PAGE_SIZE, ge=1, le=PARTICIPANTS_MAX_PAGE_SIZE)


# --- helpers ------------------------------------------------------------------------------------


def _invalid(location: str, problems: Mapping[str, str], type_: str) -> ApiError:
    items = [error_item({"loc": (location, name), "msg": message, "type": type_}) for name, message in problems.items()]
    return ApiError(422, summary(items), errors=items)


def _event_filter(params: EventListParams) -> queries.EventFilter:
    problems: dict[str, str] = {}
    if params.topic and not Topic.objects.filter(key=params.topic).exists():
        known = ", ".join(Topic.objects.order_by("key").values_list("key", flat=True))
        problems["topic"] = _("Unknown topic: %(value)s. Allowed values are: %(known)s.") % {
            "value": params.topic,
            "known": known,
        }
    if params.partner and not Organisation.objects.filter(key=params.partner).exists():
        known = ", ".join(Organisation.objects.order_by("key").values_list("key", flat=True))
        problems["partner"] = _("Unknown partner agency: %(value)s. Allowed values are: %(known)s.") % {
            "value": params.partner,
            "known": known,
        }
    if params.date_from and params.date_to and params.date_from > params.date_to:
        problems["date_from"] = _("The start date lies after the end date.")
    if problems:
        raise _invalid("query", problems, "invalid_filter")
    return queries.EventFilter(
        topic=params.topic or "",
        module=params.module or "",
        partner=params.partner or "",
        kind=params.kind or "",
        date_from=params.date_from,
        date_to=params.date_to,
        past=params.past,
    )


@contextmanager
def _body_fields() -> Iterator[None]:
    """Name a service error's field as the request body names it (company -> company_id, q1 -> answers.q1)."""
    try:
        yield
    except ServiceError as exc:
        if exc.field == "company":
            exc.field = "company_id"
        elif exc.field and exc.field.startswith("q") and exc.field[1:].isdigit():
            exc.field = f"answers.{exc.field}"
        raise


def _slug(slug: str) -> str:
    """A slug from the path, or 404 without a query (a NUL byte would even make PostgreSQL fail)."""
    if not SLUG.fullmatch(slug):
        raise Http404
    return slug


def _own_registration(user: User, registration_id: int) -> Registration:
    pk = parse_id(registration_id)
    registration = access.registrations_for_user(user).filter(pk=pk).first() if pk is not None else None
    if registration is None:
        raise Http404
    return registration


def _registration_out(pk: int) -> Registration:
    return Registration.objects.select_related("event").get(pk=pk)


# --- public -------------------------------------------------------------------------------------


@router.get("", response={200: EventPage, 422: ErrorOut}, summary="List events", auth=None)
def list_events(request: HttpRequest, params: Query[EventListParams]) -> dict[str, object]:
    """Published (and cancelled) events with the portal's filters; `page_size` at most 100. Public: no
    token needed. Upcoming and running events, soonest first; with `past=true` the events that have
    ended, latest first. An unknown topic or partner answers 422."""
    event_filter = _event_filter(params)
    # Explicit: a model's Meta.ordering does not apply to the counted (GROUP BY) rows of list_rows.
    ordering = ("-starts_at", "-id") if params.past else ("starts_at", "id")
    qs = event_filter.apply(access.public_events()).order_by(*ordering)
    # The page's ids first, then only those events with their seat counts: counting the registrations
    # of every matching event before the LIMIT would cost ~200 ms with 5,000 events (see bench/README.md).
    offset = (params.page - 1) * params.page_size
    ids = list(qs.values_list("pk", flat=True)[offset : offset + params.page_size])
    rows = queries.attach_counts(queries.list_rows(Event.objects.filter(pk__in=ids)).order_by(*ordering)) if ids else []
    return {"count": qs.count(), "page": params.page, "page_size": params.page_size, "results": rows}


@router.get("/{slug}", response={200: EventOut, 404: ErrorOut}, summary="Get an event", auth=None)
def get_event(request: HttpRequest, slug: str) -> Event:
    """One published or cancelled event with its extra registration questions. A draft answers 404.
    Public."""
    return access.public_event(_slug(slug))


@router.post(
    "/{slug}/registrations",
    response={201: RegistrationOut, **WRITE_ERRORS},
    summary="Register for an event",
    auth=CompanyTokenAuth(),
)
def register(request: HttpRequest, slug: str, payload: RegistrationIn) -> Status[Registration]:
    """Registers you (a company user) with your account's e-mail address: a free seat (`registered`)
    or, when the event is full, the waiting list (`waitlisted`); 201 either way. `company_id` must be
    one of your companies (else 404). 400 with `code` when a rule of the event refuses it: e.g.
    `duplicate` (already registered), `registration_closed`, `registration_not_yet`,
    `registration_past`, `registration_cancelled`, `company_limit`."""
    user = api_user(request)
    event = access.public_event(_slug(slug))
    unknown = sorted(set(payload.answers) - {q["key"] for q in event.questions or []})
    if unknown:
        items = [error_item({"loc": ("body", "answers", key), "msg": "", "type": "extra_forbidden"}) for key in unknown]
        raise ApiError(422, summary(items), errors=items)
    company = None
    if payload.company_id is not None:
        try:
            company = company_for_member(user, payload.company_id)
        except Http404:
            raise ApiError(404, str(COMPANY_NOT_FOUND_MESSAGE), field="company_id") from None
    first_name = payload.first_name if payload.first_name is not None else user.first_name
    last_name = payload.last_name if payload.last_name is not None else user.last_name
    with _body_fields():
        registration = services.registration_create(
            event=event,
            email=user.email,
            first_name=first_name,
            last_name=last_name,
            company_name=payload.company_name if company is None else "",
            function=payload.function,
            answers=payload.answers,
            user=user,
            company=company,
            language=(getattr(request, "LANGUAGE_CODE", "") or "de")[:2],
        )
    return Status(201, _registration_out(registration.pk))


@router.get(
    "/{slug}/participants",
    response={200: ParticipantPage, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="List the participants of an event",
    auth=StaffTokenAuth(),
)
def list_participants(request: HttpRequest, slug: str, params: Query[ParticipantParams]) -> dict[str, object]:
    """Staff of the organising agencies (read-only staff included) and the coordination: the event's
    registrations in the order they came in, with a status filter; `page_size` at most 200. Other
    agencies' staff get 404, as in the backoffice: the lists are personal data."""
    user = api_user(request)
    pk = access.events_for_staff(user).filter(slug=_slug(slug)).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404
    event = access.event_for_participants(user, pk)
    qs = event.registrations.all()
    if params.status is not None:
        qs = qs.filter(status=params.status)
    page = page_of(qs.order_by("created_at", "id"), page=params.page, page_size=params.page_size)
    page["capacity"] = event.capacity
    page["status_counts"] = queries.status_counts(event)
    return page


# --- the company user's own registrations -------------------------------------------------------


@me_router.get(
    "/event-registrations", response={200: RegistrationPage, **COMPANY_ERRORS}, summary="List my event registrations"
)
def my_registrations(request: HttpRequest, params: Query[MyRegistrationParams]) -> dict[str, object]:
    """Your own registrations (company users), the latest event first; `page_size` at most 100."""
    qs = access.registrations_for_user(api_user(request))
    if params.status is not None:
        qs = qs.filter(status=params.status)
    return page_of(qs.order_by("-event__starts_at", "-id"), page=params.page, page_size=params.page_size)


@me_router.post(
    "/event-registrations/{registration_id}/cancel",
    response={200: RegistrationOut, **WRITE_ERRORS},
    summary="Cancel my registration",
)
def cancel_registration(request: HttpRequest, registration_id: int) -> Registration:
    """Cancels your registration, leaves the waiting list or declines an offered seat; a freed seat is
    offered to the first on the waiting list. Cancelling again changes nothing. 400 (`after_event`)
    once the event has ended."""
    user = api_user(request)
    registration = _own_registration(user, registration_id)
    services.registration_cancel(registration=registration, actor=user)
    return _registration_out(registration.pk)


@me_router.post(
    "/event-registrations/{registration_id}/accept",
    response={200: RegistrationOut, **WRITE_ERRORS},
    summary="Accept an offered seat",
)
def accept_offer(request: HttpRequest, registration_id: int) -> Registration:
    """Takes the seat offered to you from the waiting list (status `offered`, before `offered_until`).
    400 with `not_offered` or `expired` otherwise."""
    user = api_user(request)
    registration = _own_registration(user, registration_id)
    services.offer_accept(registration=registration)
    return _registration_out(registration.pk)
