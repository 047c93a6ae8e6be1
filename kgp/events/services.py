"""Services of the events: events, registrations with capacity and waiting list, check-in, feedback.

Keyword-only, typed, atomic. Every change of a registration's status goes through `_move`, which
checks the state machine (`models.TRANSITIONS`) and records a `RegistrationChange`. Everything that
counts seats first locks the event row (`select_for_update`), so concurrent registrations queue up
on it: the event is never overbooked. A partial unique constraint keeps one active registration per
e-mail address and event; a concurrent duplicate ends in a clear message, not in a second row.

Staff actions (events, check-in, no-shows, registrations added or cancelled by staff) are in the
audit log; participants' own steps are in the registration's history.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kgp.accounts.models import Role, User
from kgp.catalogue.models import Module, Offer
from kgp.companies.models import Company, CompanyMembership, Contact, Topic
from kgp.competences.models import CompetenceProfile
from kgp.core.audit import diff, log_action, snapshot
from kgp.core.errors import ServiceError
from kgp.core.text import name_key
from kgp.organisations.models import Municipality, Organisation

from . import notifications
from .models import (
    ACTIVE_STATUSES,
    SEAT_STATUSES,
    TRANSITIONS,
    Event,
    EventKind,
    EventStatus,
    Feedback,
    Registration,
    RegistrationChange,
    RegistrationStatus,
)

S = RegistrationStatus
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_QUESTIONS = 10
MAX_ANSWER = 500
MAX_CAPACITY = 10_000
PENDING_HOURS = 72  # an unconfirmed guest registration lapses after this
# Changing one of these notifies the participants with an updated calendar file.
SCHEDULE_FIELDS = ("starts_at", "ends_at", "online", "venue", "address", "municipality", "online_url")


def _text(value: Any, field: str, limit: int, *, required: bool = True, single_line: bool = True) -> str:
    text = "" if value is None else str(value)
    text = CONTROL_CHARS.sub("", text.replace("\r\n", "\n")).strip()
    if single_line:
        text = " ".join(text.split())
    if required and not text:
        raise ServiceError(_("This field is required."), field=field)
    if len(text) > limit:
        raise ServiceError(
            _("Please shorten this text to at most %(limit)d characters (it has %(length)d).")
            % {"limit": limit, "length": len(text)},
            field=field,
        )
    return text


def offer_hours() -> int:
    return int(getattr(settings, "EVENT_OFFER_HOURS", 48))


# --- events -----------------------------------------------------------------------------------


def _clean_questions(value: Any, existing: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The extra questions, each with a stable key: a question whose label (case aside) was already
    there keeps its key, so the answers given stay with it when questions are added, removed or
    moved; a new question gets a key never used by this event."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ServiceError(_("The extra questions must be a list."), field="questions")
    if len(value) > MAX_QUESTIONS:
        raise ServiceError(_("At most %(max)d extra questions.") % {"max": MAX_QUESTIONS}, field="questions")
    existing = existing or []
    known = {str(q.get("label", "")).casefold(): q["key"] for q in existing if q.get("key")}
    used = {int(q["key"][1:]) for q in existing if re.fullmatch(r"q\d+", str(q.get("key", "")))}
    next_number = max(used, default=0) + 1
    taken: set[str] = set()
    out: list[dict[str, Any]] = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, Mapping):
            raise ServiceError(_("Question %(n)d is not valid.") % {"n": number}, field="questions")
        label = _text(item.get("label"), "questions", 200)
        kind = item.get("kind", "text")
        if kind not in ("text", "choice", "yes_no"):
            raise ServiceError(_("Question %(n)d: unknown kind.") % {"n": number}, field="questions")
        choices: list[str] = []
        if kind == "choice":
            raw = item.get("choices") or []
            if not isinstance(raw, list):
                raise ServiceError(_("Question %(n)d: the choices must be a list.") % {"n": number}, field="questions")
            choices = [c for c in (_text(c, "questions", 100, required=False) for c in raw) if c]
            if len(choices) < 2:
                raise ServiceError(_("Question %(n)d needs at least two choices.") % {"n": number}, field="questions")
        key = known.get(label.casefold())
        if key is None or key in taken:
            key, next_number = f"q{next_number}", next_number + 1
        taken.add(key)
        out.append({"key": key, "label": label, "kind": kind, "choices": choices, "required": bool(item.get("required"))})
    return out


def _event_values(data: Mapping[str, Any], *, current: Event | None = None) -> dict[str, Any]:
    def get(key: str, default: Any = None) -> Any:
        return data[key] if key in data else (getattr(current, key) if current is not None else default)

    values: dict[str, Any] = {
        "title": _text(get("title"), "title", 200),
        "kind": get("kind"),
        "module": get("module", Module.INFORM),
        "summary": _text(get("summary"), "summary", 300),
        "description": _text(get("description", ""), "description", 10000, required=False, single_line=False),
        "starts_at": get("starts_at"),
        "ends_at": get("ends_at"),
        "online": bool(get("online", False)),
        "venue": _text(get("venue", ""), "venue", 200, required=False),
        "address": _text(get("address", ""), "address", 300, required=False),
        "municipality": get("municipality"),
        "online_url": _text(get("online_url", ""), "online_url", 500, required=False),
        "capacity": get("capacity"),
        "registration_opens_at": get("registration_opens_at"),
        "registration_closes_at": get("registration_closes_at"),
        "max_per_company": get("max_per_company"),
        "target_group": _text(get("target_group", ""), "target_group", 300, required=False),
        "offer": get("offer"),
        "co_organiser": get("co_organiser"),
        "questions": _clean_questions(get("questions", []), current.questions if current is not None else None),
    }
    if values["kind"] not in EventKind.values:
        raise ServiceError(_("Please choose the kind of event."), field="kind")
    if values["module"] not in Module.values:
        raise ServiceError(_("Please choose the module."), field="module")
    for key in ("starts_at", "ends_at"):
        if not isinstance(values[key], dt.datetime) or timezone.is_naive(values[key]):
            raise ServiceError(_("Enter a date and time."), field=key)
    if values["ends_at"] <= values["starts_at"]:
        raise ServiceError(_("The event must end after it starts."), field="ends_at")
    if values["ends_at"] - values["starts_at"] > dt.timedelta(days=14):
        raise ServiceError(_("An event lasts at most 14 days."), field="ends_at")
    for key in ("registration_opens_at", "registration_closes_at"):
        value = values[key]
        if value is not None and (not isinstance(value, dt.datetime) or timezone.is_naive(value)):
            raise ServiceError(_("Enter a date and time."), field=key)
    opens, closes = values["registration_opens_at"], values["registration_closes_at"]
    if closes is not None and closes > values["starts_at"]:
        raise ServiceError(_("Registration must close before the event starts."), field="registration_closes_at")
    if opens is not None and closes is not None and closes <= opens:
        raise ServiceError(_("Registration must close after it opens."), field="registration_closes_at")
    capacity = values["capacity"]
    if not isinstance(capacity, int) or isinstance(capacity, bool) or not 1 <= capacity <= MAX_CAPACITY:
        raise ServiceError(_("The capacity must be a whole number from 1 to %(max)d.") % {"max": MAX_CAPACITY}, field="capacity")
    per_company = values["max_per_company"]
    if per_company is not None and (not isinstance(per_company, int) or isinstance(per_company, bool) or per_company < 1):
        raise ServiceError(_("Enter a whole number of at least 1, or leave the field empty."), field="max_per_company")
    if values["online"]:
        if values["online_url"]:
            try:
                URLValidator(schemes=["https"])(values["online_url"])
            except ValidationError:
                raise ServiceError(_("Please enter the online link as an https:// address."), field="online_url") from None
    elif not (values["venue"] or values["address"]):
        raise ServiceError(_("Please give the venue, or mark the event as online."), field="venue")
    if values["municipality"] is not None and not isinstance(values["municipality"], Municipality):
        raise ServiceError(_("Please choose a municipality of the region."), field="municipality")
    if values["offer"] is not None and not isinstance(values["offer"], Offer):
        raise ServiceError(_("Unknown offer."), field="offer")
    if values["co_organiser"] is not None and not isinstance(values["co_organiser"], CompetenceProfile):
        raise ServiceError(_("Unknown competence holder."), field="co_organiser")
    return values


def _unique_slug(title: str, starts_at: dt.datetime) -> str:
    base = slugify(f"{title} {timezone.localtime(starts_at):%Y-%m-%d}")[:100].strip("-") or "veranstaltung"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_organisations(actor: User, organisations: Iterable[Organisation]) -> list[Organisation]:
    organisations = list(organisations)
    if not organisations:
        raise ServiceError(_("Please choose at least one organising agency."), field="organisations")
    if actor.role != Role.COORDINATOR and actor.organisation_id not in {o.pk for o in organisations}:
        raise ServiceError(_("Your own agency must be among the organisers."), field="organisations")
    return organisations


@transaction.atomic
def event_create(
    *, actor: User, data: Mapping[str, Any], organisations: Iterable[Organisation], topics: Iterable[Topic] = ()
) -> Event:
    """A new event (a draft unless `data["status"]` is "published")."""
    values = _event_values(data)
    organisations = _check_organisations(actor, organisations)
    status = data.get("status", EventStatus.DRAFT)
    if status not in (EventStatus.DRAFT, EventStatus.PUBLISHED):
        raise ServiceError(_("A new event is a draft or published."), field="status")
    event = Event(**values, status=status, slug=_unique_slug(values["title"], values["starts_at"]), created_by=actor)
    event.save()
    event.organisations.set(organisations)
    event.topics.set(list(topics))
    log_action(actor=actor, action="create", obj=event, changes={"title": [None, event.title], "status": [None, status]})
    return event


@transaction.atomic
def event_update(
    *,
    actor: User,
    event: Event,
    data: Mapping[str, Any],
    organisations: Iterable[Organisation] | None = None,
    topics: Iterable[Topic] | None = None,
) -> Event:
    """Change an event. A change of time or place raises the calendar sequence and tells the
    participants (with an updated calendar file); more capacity offers seats to the waiting list;
    less capacity than seats taken is refused."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == EventStatus.CANCELLED:
        raise ServiceError(_("A cancelled event cannot be changed."), code="cancelled")
    values = _event_values(data, current=event)
    taken = event.registrations.filter(status__in=SEAT_STATUSES).count()
    if values["capacity"] < taken:
        raise ServiceError(
            _("%(taken)d seats are taken; the capacity cannot be lower.") % {"taken": taken}, field="capacity"
        )
    before = snapshot(event, Event.AUDITED_FIELDS)
    for key, value in values.items():
        setattr(event, key, value)
    after = snapshot(event, Event.AUDITED_FIELDS)
    changes = diff(before, after)
    schedule_changed = any(k in changes for k in SCHEDULE_FIELDS)
    if schedule_changed:
        event.sequence += 1
    event.save()
    if organisations is not None:
        organisations = _check_organisations(actor, organisations)
        old = sorted(o.name for o in event.organisations.all())
        event.organisations.set(organisations)
        new = sorted(o.name for o in organisations)
        if old != new:
            changes["organisations"] = [old, new]
    if topics is not None:
        event.topics.set(list(topics))
    if changes:
        log_action(actor=actor, action="update", obj=event, changes=changes)
    if schedule_changed and event.status == EventStatus.PUBLISHED:
        notifications.event_changed(event, sorted(k for k in changes if k in SCHEDULE_FIELDS))
    _offer_free_seats(event)
    return event


@transaction.atomic
def event_set_status(*, actor: User, event: Event, status: str, reason: str = "") -> Event:
    """Publish, take back to draft (only without registrations) or cancel an event. Cancelling tells
    every active participant (with a calendar cancellation) and ends the registrations."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if status not in EventStatus.values:
        raise ServiceError(_("Unknown status."), field="status")
    if status == event.status:
        return event
    if event.status == EventStatus.CANCELLED:
        raise ServiceError(_("A cancelled event cannot be changed."), code="cancelled")
    if status == EventStatus.DRAFT and event.registrations.filter(status__in=ACTIVE_STATUSES).exists():
        raise ServiceError(_("The event has registrations; cancel it instead."), field="status", code="has_registrations")
    if status == EventStatus.CANCELLED and event.is_past:
        raise ServiceError(_("A past event cannot be cancelled."), field="status", code="past")
    reason = _text(reason, "reason", 300, required=status == EventStatus.CANCELLED)
    before = event.status
    event.status = status
    if status == EventStatus.CANCELLED:
        event.sequence += 1
    event.save()
    changes: dict[str, Any] = {"status": [before, status]}
    if reason:
        changes["reason"] = [None, reason]
    log_action(actor=actor, action="update", obj=event, changes=changes)
    if status == EventStatus.CANCELLED:
        affected = list(event.registrations.filter(status__in=(S.PENDING, S.REGISTERED, S.WAITLISTED, S.OFFERED)))
        for registration in affected:
            _move(registration, S.CANCELLED, actor=actor, reason="event cancelled")
        notifications.event_cancelled(event, affected, reason)
    return event


# --- registrations ----------------------------------------------------------------------------


def _move(registration: Registration, to: str, *, actor: User | None = None, reason: str = "") -> Registration:
    """The one place a registration's status changes: checks the state machine, keeps the history."""
    if to not in TRANSITIONS.get(registration.status, frozenset()):
        raise ServiceError(
            _("A registration that is “%(status)s” cannot become “%(to)s”.")
            % {"status": S(registration.status).label, "to": S(to).label},
            code="invalid_transition",
        )
    RegistrationChange.objects.create(
        registration=registration, from_status=registration.status, to_status=to,
        actor=actor if getattr(actor, "pk", None) else None, reason=reason[:200],
    )  # fmt: skip
    registration.status = to
    if to != S.OFFERED:
        registration.offered_until = None
    registration.save()
    return registration


def _lock_event(event_id: int) -> Event:
    return Event.objects.select_for_update().get(pk=event_id)


def seats_taken(event: Event) -> int:
    return event.registrations.filter(status__in=SEAT_STATUSES).count()


def _check_open(event: Event) -> None:
    state = event.registration_state()
    messages = {
        "draft": _("This event is not published."),
        "cancelled": _("This event has been cancelled."),
        "past": _("This event has already started; registration is closed."),
        "not_yet": _("Registration opens on %(when)s.")
        % {"when": f"{timezone.localtime(event.registration_opens_at):%d.%m.%Y %H:%M}" if event.registration_opens_at else ""},
        "closed": _("Registration for this event is closed."),
    }
    if state != "open":
        raise ServiceError(messages[state], code=f"registration_{state}")


def _clean_answers(event: Event, answers: Mapping[str, Any] | None) -> dict[str, str]:
    answers = answers or {}
    out: dict[str, str] = {}
    for q in event.questions:
        value = answers.get(q["key"])
        value = _text(value, q["key"], MAX_ANSWER, required=False)
        if q["kind"] == "choice" and value and value not in q["choices"]:
            raise ServiceError(_("Please choose one of the listed answers."), field=q["key"])
        if q["kind"] == "yes_no" and value and value not in ("yes", "no"):
            raise ServiceError(_("Please answer yes or no."), field=q["key"])
        if q["required"] and not value:
            raise ServiceError(_("Please answer this question."), field=q["key"])
        if value:
            out[q["key"]] = value
    return out


def _match_company(email: str, company_name: str) -> Company | None:
    """The company record of a guest, where it is unambiguous: a contact with this e-mail address, or
    exactly one active company with this name."""
    contact_company = (
        Contact.objects.filter(email__iexact=email, company__is_active=True).values_list("company_id", flat=True).distinct()
    )
    ids = list(contact_company[:2])
    if len(ids) == 1:
        return Company.objects.get(pk=ids[0])
    key = name_key(company_name)
    if key:
        by_name = list(Company.objects.filter(name_key=key, is_active=True).values_list("pk", flat=True)[:2])
        if len(by_name) == 1:
            return Company.objects.get(pk=by_name[0])
    return None


def _check_company_limit(event: Event, company: Company | None, company_key: str, exclude_pk: int | None = None) -> None:
    if not event.max_per_company:
        return
    same = Q(company=company) if company is not None else Q(company_key=company_key)
    active = event.registrations.filter(same, status__in=(S.REGISTERED, S.WAITLISTED, S.OFFERED, S.ATTENDED, S.NO_SHOW))
    if exclude_pk:
        active = active.exclude(pk=exclude_pk)
    if active.count() >= event.max_per_company:
        raise ServiceError(
            _("At most %(max)d people per company can take part; your company has reached that number.")
            % {"max": event.max_per_company},
            field="company_name",
            code="company_limit",
        )


def _place(event: Event, registration: Registration, *, actor: User | None) -> Registration:
    """A confirmed registration takes a free seat or joins the waiting list (the event row is locked)."""
    free = event.capacity - seats_taken(event)
    # Nobody overtakes the waiting list: a seat is free for a newcomer only when nobody waits for it.
    waiting = event.registrations.filter(status__in=(S.WAITLISTED,)).exclude(pk=registration.pk).exists()
    registration.confirmed_at = registration.confirmed_at or timezone.now()
    _move(registration, S.REGISTERED if free > 0 and not waiting else S.WAITLISTED, actor=actor)
    return registration


@transaction.atomic
def registration_create(
    *,
    event: Event,
    email: str,
    first_name: str,
    last_name: str,
    company_name: str,
    function: str = "",
    answers: Mapping[str, Any] | None = None,
    user: User | None = None,
    company: Company | None = None,
    actor: User | None = None,
    language: str = "de",
) -> Registration:
    """Register somebody. Three ways in:

    - a company user (`user` with role company, `company` one of their companies): confirmed at once
      (the account's e-mail address is verified), seat or waiting list;
    - a guest: `pending` until they confirm their e-mail address through the link sent to it;
    - staff (`actor`, e.g. for a registration by phone): confirmed at once, in the audit log.

    A second registration with the same e-mail address is refused; a guest who registers again
    while still unconfirmed gets the confirmation e-mail again instead."""
    event = _lock_event(event.pk)
    staff = actor is not None and actor.is_staff_member
    if not staff:
        _check_open(event)
    elif event.status != EventStatus.PUBLISHED or event.is_past:
        raise ServiceError(_("Participants can be added only to a published event that has not ended."), code="not_open")
    email = _text(email, "email", 254).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(_("Please enter a valid e-mail address."), field="email") from None
    if user is not None:
        if user.role != Role.COMPANY or user.email.lower() != email:
            raise ServiceError(_("Please register with the e-mail address of your account."), field="email")
        if company is not None and not CompanyMembership.objects.filter(
            user=user, company=company, status=CompanyMembership.Status.APPROVED
        ).exists():
            raise ServiceError(_("You are not a member of this company."), field="company")
    values = {
        "first_name": _text(first_name, "first_name", 100),
        "last_name": _text(last_name, "last_name", 100),
        "company_name": _text(company_name or (company.name if company else ""), "company_name", 200),
        "function": _text(function, "function", 150, required=False),
    }
    cleaned_answers = _clean_answers(event, answers)
    existing = event.registrations.filter(email=email, status__in=ACTIVE_STATUSES).first()
    if existing is not None:
        if existing.status == S.PENDING and user is None and not staff:
            notifications.confirm_email(existing)  # sent again
            return existing
        raise ServiceError(
            _("This e-mail address is already registered for this event."), field="email", code="duplicate"
        )
    if company is None and not staff and user is None:
        company = _match_company(email, values["company_name"])
    elif company is None and staff:
        company = _match_company(email, values["company_name"])
    company_key = name_key(values["company_name"])
    _check_company_limit(event, company, company_key)
    registration = Registration(
        event=event, email=email, **values, company=company, company_key=company_key, user=user,
        answers=cleaned_answers, status=S.PENDING, language=language if language in ("de", "en") else "de",
    )  # fmt: skip
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        raise ServiceError(
            _("This e-mail address is already registered for this event."), field="email", code="duplicate"
        ) from None
    RegistrationChange.objects.create(registration=registration, from_status="", to_status=S.PENDING, actor=actor)
    if user is None and not staff:
        notifications.confirm_email(registration)
        return registration
    _place(event, registration, actor=actor)
    if staff:
        log_action(actor=actor, action="create", obj=registration, company=company, changes={
            "event": [None, event.title], "name": [None, registration.name], "status": [None, registration.status],
        })  # fmt: skip
    notifications.placed(registration)
    return registration


@transaction.atomic
def registration_confirm(*, token: str) -> Registration:
    """A guest confirms their e-mail address (double opt-in): only now the registration counts."""
    plausible = isinstance(token, str) and re.fullmatch(r"[-a-zA-Z0-9_]{20,64}", token)
    registration = Registration.objects.filter(token=token).select_related("event").first() if plausible else None
    if registration is None:
        raise ServiceError(_("This link is not valid."), code="invalid_token")
    event = _lock_event(registration.event_id)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status != S.PENDING:
        return registration  # confirmed before: the link shows the registration
    if event.registration_state() != "open":
        # Nothing is written (the unconfirmed registration lapses with the others, see pending_expire).
        raise ServiceError(_("Registration for this event is closed."), code="registration_closed")
    _check_company_limit(event, registration.company, registration.company_key, exclude_pk=registration.pk)
    _place(event, registration, actor=None)
    notifications.placed(registration)
    return registration


def _offer_free_seats(event: Event) -> list[Registration]:
    """Offer free seats to the first on the waiting list, each for EVENT_OFFER_HOURS hours (never
    beyond the start of the event). The caller holds the event's lock."""
    if event.status != EventStatus.PUBLISHED or event.starts_at <= timezone.now():
        return []
    free = event.capacity - seats_taken(event)
    if free <= 0:
        return []
    offered = []
    until = min(timezone.now() + dt.timedelta(hours=offer_hours()), event.starts_at)
    for registration in event.registrations.filter(status=S.WAITLISTED).order_by("confirmed_at", "id")[:free]:
        registration.offered_until = until
        _move(registration, S.OFFERED, reason="seat free")
        registration.offered_until = until
        registration.save(update_fields=["offered_until"])
        notifications.seat_offered(registration)
        offered.append(registration)
    return offered


@transaction.atomic
def registration_cancel(
    *, registration: Registration, actor: User | None = None, reason: str = ""
) -> Registration:
    """The participant cancels (or leaves the waiting list, or declines an offered seat), or staff
    cancel for them. A freed seat goes to the waiting list."""
    event = _lock_event(registration.event_id)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status == S.CANCELLED:
        return registration
    if registration.status in (S.ATTENDED, S.NO_SHOW):
        raise ServiceError(_("After the event a registration cannot be cancelled."), code="after_event")
    if event.is_past:
        raise ServiceError(_("After the event a registration cannot be cancelled."), code="after_event")
    reason = _text(reason, "reason", 200, required=False)
    _move(registration, S.CANCELLED, actor=actor, reason=reason or "cancelled")
    if actor is not None and actor.is_staff_member:
        log_action(actor=actor, action="update", obj=registration, company=registration.company, changes={
            "status": ["active", S.CANCELLED], "reason": [None, reason or None],
        })  # fmt: skip
    notifications.cancelled(registration, by_staff=actor is not None and actor.is_staff_member)
    _offer_free_seats(event)
    return registration


@transaction.atomic
def offer_accept(*, registration: Registration) -> Registration:
    """Take the offered seat (before the offer runs out)."""
    _lock_event(registration.event_id)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status != S.OFFERED:
        raise ServiceError(_("No seat is offered to you at the moment."), code="not_offered")
    if registration.offered_until and registration.offered_until <= timezone.now():
        raise ServiceError(_("The offer has run out; the seat went to the next person on the waiting list."), code="expired")
    _move(registration, S.REGISTERED, reason="offer accepted")
    notifications.placed(registration)
    return registration


def offers_expire(*, now: dt.datetime | None = None) -> int:
    """Background job: offers not taken in time lapse, and the seat goes to the next on the list."""
    now = now or timezone.now()
    count = 0
    event_ids = set(
        Registration.objects.filter(status=S.OFFERED, offered_until__lte=now).values_list("event_id", flat=True)
    )
    for event_id in sorted(event_ids):
        with transaction.atomic():
            event = _lock_event(event_id)
            for registration in event.registrations.filter(status=S.OFFERED, offered_until__lte=now):
                _move(registration, S.CANCELLED, reason="offer expired")
                notifications.offer_expired(registration)
                count += 1
            _offer_free_seats(event)
    return count


def pending_expire(*, now: dt.datetime | None = None) -> int:
    """Background job: guest registrations not confirmed within PENDING_HOURS lapse."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=PENDING_HOURS)
    count = 0
    for registration in Registration.objects.filter(status=S.PENDING, created_at__lte=cutoff):
        with transaction.atomic():
            locked = Registration.objects.select_for_update().get(pk=registration.pk)
            if locked.status == S.PENDING:
                _move(locked, S.CANCELLED, reason="not confirmed")
                count += 1
    return count


# --- on the day -------------------------------------------------------------------------------


CHECKIN_OPENS_HOURS = 12  # check-in opens this long before the start


def _check_day(event: Event) -> None:
    if event.status != EventStatus.PUBLISHED:
        raise ServiceError(_("Check-in is possible only for a published event."), code="not_published")
    if timezone.now() < event.starts_at - dt.timedelta(hours=CHECKIN_OPENS_HOURS):
        raise ServiceError(_("Check-in opens on the day of the event."), code="too_early")


@transaction.atomic
def check_in(*, actor: User, registration: Registration, undo: bool = False) -> Registration:
    """Mark a participant as present (or take it back)."""
    registration = Registration.objects.select_for_update(of=("self",)).select_related("event").get(pk=registration.pk)
    _check_day(registration.event)
    before = registration.status
    if undo:
        if registration.status != S.ATTENDED:
            raise ServiceError(_("This person is not checked in."), code="not_checked_in")
        _move(registration, S.REGISTERED, actor=actor, reason="check-in undone")
        registration.checked_in_at, registration.checked_in_by = None, None
    else:
        if registration.status == S.ATTENDED:
            return registration
        if registration.status not in (S.REGISTERED, S.NO_SHOW):
            raise ServiceError(
                _("Only registered participants can be checked in (this registration is “%(status)s”).")
                % {"status": registration.get_status_display()},
                code="not_registered",
            )
        _move(registration, S.ATTENDED, actor=actor, reason="check-in")
        registration.checked_in_at, registration.checked_in_by = timezone.now(), actor
    registration.save(update_fields=["checked_in_at", "checked_in_by"])
    log_action(actor=actor, action="update", obj=registration, company=registration.company, changes={
        "status": [before, registration.status], "event": [None, registration.event.title],
    })  # fmt: skip
    return registration


@transaction.atomic
def mark_no_shows(*, actor: User, event: Event) -> int:
    """After the event: every registered participant who was not checked in did not attend."""
    event = _lock_event(event.pk)
    if timezone.now() < event.starts_at:
        raise ServiceError(_("No-shows can be marked once the event has started."), code="too_early")
    count = 0
    for registration in event.registrations.filter(status=S.REGISTERED):
        _move(registration, S.NO_SHOW, actor=actor, reason="not checked in")
        count += 1
    # Offered seats nobody took before the start lapse too.
    for registration in event.registrations.filter(status__in=(S.OFFERED, S.WAITLISTED, S.PENDING)):
        _move(registration, S.CANCELLED, actor=actor, reason="event started")
    log_action(actor=actor, action="update", obj=event, changes={"no_shows": [None, count]})
    return count


@transaction.atomic
def registration_link_company(*, actor: User, registration: Registration, company: Company | None) -> Registration:
    """Staff link a participant to a company record (for the timeline and the reports)."""
    registration = Registration.objects.select_for_update(of=("self",)).select_related("company").get(pk=registration.pk)
    old_company = registration.company
    before = old_company.name if old_company else None
    registration.company = company
    registration.save(update_fields=["company", "updated_at"])
    # An unlink is recorded on the timeline of the company it was linked to.
    log_action(actor=actor, action="update", obj=registration, company=company or old_company, changes={
        "company": [before, company.name if company else None],
    })  # fmt: skip
    return registration


# --- e-mail jobs and feedback -------------------------------------------------------------------


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Background job: the reminder 24 hours before, to registered participants (once each)."""
    now = now or timezone.now()
    count = 0
    due = Registration.objects.filter(
        status=S.REGISTERED, reminder_sent_at__isnull=True, event__status=EventStatus.PUBLISHED,
        event__starts_at__gt=now, event__starts_at__lte=now + dt.timedelta(hours=24),
    ).select_related("event")  # fmt: skip
    for registration in due:
        with transaction.atomic():
            updated = Registration.objects.filter(pk=registration.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now)
            if updated:
                notifications.reminder(registration)
                count += 1
    return count


def feedback_requests_send(*, now: dt.datetime | None = None) -> int:
    """Background job: after the event, the feedback survey to those who attended (once each; events
    that ended in the last 14 days)."""
    now = now or timezone.now()
    count = 0
    due = Registration.objects.filter(
        status=S.ATTENDED, feedback_requested_at__isnull=True,
        event__ends_at__lte=now, event__ends_at__gt=now - dt.timedelta(days=14),
    ).select_related("event")  # fmt: skip
    for registration in due:
        with transaction.atomic():
            updated = Registration.objects.filter(pk=registration.pk, feedback_requested_at__isnull=True).update(
                feedback_requested_at=now
            )
            if updated:
                notifications.feedback_request(registration)
                count += 1
    return count


@transaction.atomic
def feedback_submit(*, registration: Registration, rating: Any, comment: str = "") -> Feedback:
    """The participant's rating (1–5) and comment; only after attending, once."""
    registration = Registration.objects.select_for_update(of=("self",)).select_related("event").get(pk=registration.pk)
    if registration.status != S.ATTENDED:
        raise ServiceError(_("Only participants who attended can give feedback."), code="not_attended")
    if Feedback.objects.filter(registration=registration).exists():
        raise ServiceError(_("Thank you, your feedback has already been recorded."), code="duplicate")
    try:
        value = int(str(rating))
    except (TypeError, ValueError):
        value = 0
    if isinstance(rating, bool) or not 1 <= value <= 5:
        raise ServiceError(_("Please choose a rating from 1 to 5."), field="rating")
    comment = _text(comment, "comment", 2000, required=False, single_line=False)
    return Feedback.objects.create(registration=registration, rating=value, comment=comment)
