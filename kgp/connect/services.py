"""Services of the connect module: the synonym list, company profiles, needs and introductions.

Keyword-only, typed, atomic; each writes the audit log in its transaction. Who may call them for
which object is decided by `access.py` in the views; the services check the business rules (the
states of an introduction, which side decides, the coordination for the synonym list).

An introduction is a double opt-in: the company side and the contacted side each agree; only then
do both see the other's contact person. Proposing one opens the company's case if it has none and
records an introduction activity (connect module) on it; every later step is an `IntroductionEvent`
and updates the activity's subject, so the case shows the current status.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kgp.accounts.models import Role, User
from kgp.assessment.models import CheckResult
from kgp.companies.models import Company, CompanyMembership, Topic
from kgp.competences.models import CompetenceProfile, ProfileMember, ProfileStatus, TransferFormat
from kgp.core.audit import diff, log_action, snapshot
from kgp.core.errors import ServiceError
from kgp.journey.models import Activity, ActivityKind, Case
from kgp.journey.services import activity_add, case_open
from kgp.matching.synonyms import parse_synonyms
from kgp.organisations.models import Municipality

from . import notifications
from .models import (
    CompanyProfile,
    Decision,
    Introduction,
    IntroductionEvent,
    IntroductionStatus,
    Need,
    NeedKind,
    NeedSource,
    NeedStatus,
    SynonymList,
)

TITLE_MAX = 200
TEXT_MIN = 20
TEXT_MAX = 4000
MESSAGE_MAX = 2000
NOTE_MAX = 500
PROFILE_TEXT_MAX = 3000
LIST_MAX = 30
LIST_ITEM_MAX = 80
SYNONYMS_MAX = 200_000
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# What a side agrees to (kept with the decision).
CONSENT_TEXT = gettext_lazy(
    "I agree that my name, function, e-mail address and phone number are passed on to the other side of "
    "this introduction, so that we can get in touch. The other side's details are shown to me once both "
    "sides have agreed."
)


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    return CONTROL_CHARS.sub("", text.replace("\r\n", "\n")).strip()


def _check_length(value: str, limit: int, field: str) -> None:
    if len(value) > limit:
        raise ServiceError(
            _("Please shorten this text to at most %(limit)d characters (it has %(length)d).")
            % {"limit": limit, "length": len(value)},
            field=field,
        )


def _clean_list(values: Any, field: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ServiceError(_("Please give a list of terms."), field=field)
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        if not isinstance(value, str):
            raise ServiceError(_("Please give a list of terms."), field=field)
        term = " ".join(_text(value).split())
        if not term:
            continue
        if len(term) > LIST_ITEM_MAX:
            raise ServiceError(
                _("“%(term)s…” is too long: at most %(limit)d characters per term.") % {"term": term[:30], "limit": LIST_ITEM_MAX},
                field=field,
            )
        if term.casefold() not in seen:
            seen.add(term.casefold())
            out.append(term)
    if len(out) > LIST_MAX:
        raise ServiceError(_("Please give at most %(limit)d terms.") % {"limit": LIST_MAX}, field=field)
    return out


def _keys(values: Any, allowed: Iterable[str], field: str) -> list[str]:
    allowed = list(allowed)
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ServiceError(_("Please choose from the list."), field=field)
    values = list(values)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ServiceError(_("Unknown value: %(values)s.") % {"values": ", ".join(map(str, unknown[:5]))}, field=field)
    return [k for k in allowed if k in values]


def _log(actor: User | None, action: str, obj: Any, company: Company | None, changes: dict[str, Any]) -> None:
    log_action(actor=actor, action=action, obj=obj, company=company, changes=changes)


# --- synonym list -----------------------------------------------------------------------------


@transaction.atomic
def synonyms_save(*, actor: User, text: str, note: str = "") -> SynonymList:
    """Save a new version of the synonym list (network coordination only). The matching index picks
    it up on its next search; older versions stay for the record."""
    if actor.role != Role.COORDINATOR:
        raise ServiceError(_("Only the network coordination edits the synonym list."), code="forbidden")
    text = _text(text)
    note = " ".join(_text(note).split())
    _check_length(text, SYNONYMS_MAX, "text")
    _check_length(note, 200, "note")
    errors = synonym_errors(text)
    if errors:
        raise ServiceError(" ".join(errors[:5]), field="text", code="invalid_synonyms")
    groups = parse_synonyms(text)
    if not groups:
        raise ServiceError(_("The list needs at least one group of two or more terms."), field="text")
    previous = SynonymList.objects.order_by("-id").first()
    version = SynonymList.objects.create(text=text, groups=len(groups), note=note, created_by=actor)
    _log(actor, "update", version, None, {
        "groups": [previous.groups if previous else None, len(groups)], "note": [None, note or None],
    })  # fmt: skip
    return version


def synonym_errors(text: str) -> list[str]:
    """Lines that cannot be a group, with their numbers (a group needs two terms)."""
    errors = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        body = line[1:] if line.startswith("~") else line
        terms = [t.strip() for t in body.split(",") if t.strip()]
        if len(terms) < 2:
            errors.append(_("Line %(number)d: a group needs at least two terms, separated by commas.") % {"number": number})
        elif any(len(t) > LIST_ITEM_MAX for t in terms):
            errors.append(_("Line %(number)d: a term is longer than %(limit)d characters.") % {"number": number, "limit": LIST_ITEM_MAX})
    return errors


# --- company profiles -------------------------------------------------------------------------


@transaction.atomic
def company_profile_save(
    *,
    actor: User,
    company: Company,
    challenges: str = "",
    capabilities: str = "",
    processes: Sequence[str] = (),
    materials: Sequence[str] = (),
    certifications: Sequence[str] = (),
    peer_exchange: bool = False,
    supplier: bool = False,
) -> CompanyProfile:
    """Create or change what a company tells the network for exchange and supply."""
    values: dict[str, Any] = {
        "challenges": _text(challenges),
        "capabilities": _text(capabilities),
        "processes": _clean_list(processes, "processes"),
        "materials": _clean_list(materials, "materials"),
        "certifications": _clean_list(certifications, "certifications"),
        "peer_exchange": bool(peer_exchange),
        "supplier": bool(supplier),
    }
    _check_length(values["challenges"], PROFILE_TEXT_MAX, "challenges")
    _check_length(values["capabilities"], PROFILE_TEXT_MAX, "capabilities")
    if values["supplier"] and not (values["capabilities"] or values["processes"] or values["materials"]):
        raise ServiceError(
            _("To be suggested as a supplier, please describe what the company can do, or name processes or materials."),
            field="capabilities",
        )
    if values["peer_exchange"] and not values["challenges"]:
        raise ServiceError(_("For the exchange with other companies, please describe your current challenges."), field="challenges")
    profile = CompanyProfile.objects.select_for_update().filter(company=company).first()
    if profile is None:
        profile = CompanyProfile.objects.create(company=company, **values)
        _log(actor, "create", profile, company, {k: [None, v] for k, v in values.items() if v not in ("", [], False)})
        return profile
    before = snapshot(profile, CompanyProfile.AUDITED_FIELDS)
    for key, value in values.items():
        setattr(profile, key, value)
    profile.save()
    changes = diff(before, snapshot(profile, CompanyProfile.AUDITED_FIELDS))
    if changes:
        _log(actor, "update", profile, company, changes)
    return profile


# --- needs ------------------------------------------------------------------------------------


def _need_values(
    *, kind: str, title: str, text: str, topics: Any, formats: Any, municipality: Municipality | None
) -> dict[str, Any]:
    if kind not in NeedKind.values:
        raise ServiceError(_("Please choose what you are looking for."), field="kind")
    title = " ".join(_text(title).split())
    text = _text(text)
    if not title:
        raise ServiceError(_("Please give the need a short title."), field="title")
    _check_length(title, TITLE_MAX, "title")
    if len(text) < TEXT_MIN:
        raise ServiceError(
            _("Please describe the need in at least %(min)d characters: what is the problem, what should change?")
            % {"min": TEXT_MIN},
            field="text",
        )
    _check_length(text, TEXT_MAX, "text")
    return {
        "kind": kind,
        "title": title,
        "text": text,
        "topics": _keys(topics, Topic.objects.values_list("key", flat=True), "topics"),
        "formats": _keys(formats, TransferFormat.values, "formats") if kind == NeedKind.COMPETENCE else [],
        "municipality": municipality,
    }


@transaction.atomic
def need_create(
    *,
    actor: User,
    company: Company,
    kind: str = NeedKind.COMPETENCE,
    title: str,
    text: str,
    topics: Sequence[str] = (),
    formats: Sequence[str] = (),
    municipality: Municipality | None = None,
    check_result: CheckResult | None = None,
) -> Need:
    """Record a company's need. Its agency is the company's responsible agency (outside the region:
    the actor's). The source follows from the actor (a company member or staff) and the check result."""
    company = Company.objects.select_for_update().filter(pk=company.pk, is_active=True).first()  # type: ignore[assignment]
    if company is None:
        raise ServiceError(_("This company record is no longer active. Please reload the page."))
    organisation_id = company.responsible_partner_id or actor.organisation_id
    if organisation_id is None:
        raise ServiceError(_("The need needs an agency. Please contact the network coordination."))
    if check_result is not None and check_result.company_id != company.pk:
        raise ServiceError(_("The check result belongs to another company."), field="check_result")
    values = _need_values(
        kind=kind, title=title, text=text, topics=topics, formats=formats,
        municipality=municipality or company.municipality,
    )  # fmt: skip
    if check_result is not None:
        source = NeedSource.CHECK
    elif actor.role == Role.COMPANY:
        source = NeedSource.COMPANY
    else:
        source = NeedSource.CONSULTANT
    need = Need.objects.create(
        company=company, organisation_id=organisation_id, source=source, check_result=check_result, created_by=actor,
        **values,
    )  # fmt: skip
    _log(actor, "create", need, company, {k: [None, str(v) if k == "municipality" else v] for k, v in values.items() if v})
    return need


@transaction.atomic
def need_update(
    *,
    actor: User,
    need: Need,
    kind: str,
    title: str,
    text: str,
    topics: Sequence[str] = (),
    formats: Sequence[str] = (),
    municipality: Municipality | None = None,
    status: str = NeedStatus.OPEN,
) -> Need:
    need = Need.objects.select_for_update().get(pk=need.pk)
    if status not in NeedStatus.values:
        raise ServiceError(_("Please choose a status."), field="status")
    values = _need_values(
        kind=kind, title=title, text=text, topics=topics, formats=formats, municipality=municipality or need.municipality
    )
    values["status"] = status
    before = snapshot(need, Need.AUDITED_FIELDS)
    for key, value in values.items():
        setattr(need, key, value)
    need.save()
    changes = diff(before, snapshot(need, Need.AUDITED_FIELDS))
    if changes:
        _log(actor, "update", need, need.company, changes)
    return need


# --- introductions ----------------------------------------------------------------------------


def person_of_user(user: User) -> dict[str, str]:
    """A user's own contact details, for a side they agree for themselves."""
    return {"name": user.get_full_name() or user.email, "function": "", "email": user.email, "phone": ""}


def clean_person(person: Mapping[str, Any] | None, field: str) -> dict[str, str]:
    """A contact person given for a side: name and e-mail required; function and phone optional."""
    person = person or {}
    cleaned = {key: " ".join(_text(person.get(key)).split()) for key in ("name", "function", "email", "phone")}
    if not cleaned["name"]:
        raise ServiceError(_("Please name the contact person."), field=field)
    for key, limit in (("name", 120), ("function", 120), ("email", 254), ("phone", 40)):
        _check_length(cleaned[key], limit, field)
    try:
        validate_email(cleaned["email"])
    except ValidationError:
        raise ServiceError(_("Please give the contact person's e-mail address."), field=field) from None
    return cleaned


def _open_case(actor: User, company: Company) -> Case:
    case = (
        Case.objects.filter(company=company, closed_at__isnull=True, stage__is_closed=False)
        .order_by("-opened_at", "-id")
        .first()
    )
    return case or case_open(actor=actor, company=company)


def _is_member(user: User, company: Company) -> bool:
    return CompanyMembership.objects.filter(
        user=user, company=company, status=CompanyMembership.Status.APPROVED
    ).exists()


def _summary(intro: Introduction) -> str:
    status = IntroductionStatus(intro.status).label
    return (_("Introduction to %(target)s: %(status)s") % {"target": intro.target_name, "status": status})[:300]


def _event(
    intro: Introduction, *, what: str, actor: User | None, on_behalf: bool = False, note: str = "", consent: bool = False
) -> IntroductionEvent:
    return IntroductionEvent.objects.create(
        introduction=intro, what=what, status=intro.status, actor=actor, on_behalf=on_behalf, note=note,
        consent_text=str(CONSENT_TEXT) if consent else "",
    )  # fmt: skip


def _touch_activity(intro: Introduction) -> None:
    # The activity's subject carries the current status, so the case and the timeline show it.
    if intro.activity_id:
        Activity.objects.filter(pk=intro.activity_id).update(summary=_summary(intro))


@transaction.atomic
def introduction_propose(
    *,
    actor: User,
    company: Company,
    profile: CompetenceProfile | None = None,
    target_company: Company | None = None,
    need: Need | None = None,
    message: str,
    reasons: Sequence[Mapping[str, Any]] = (),
    company_person: Mapping[str, Any] | None = None,
) -> Introduction:
    """Propose an introduction of the company to a competence holder or another company.

    A company member proposing agrees for the company at once (with their own contact details); a
    consultant's proposal waits for the company's consent too. `company_person` may name another
    contact person for the company side (it is kept, and shown only after both agreed)."""
    if (profile is None) == (target_company is None):
        raise ServiceError(_("Please choose whom to introduce the company to."), field="target")
    company = Company.objects.select_for_update().filter(pk=company.pk, is_active=True).first()  # type: ignore[assignment]
    if company is None:
        raise ServiceError(_("This company record is no longer active. Please reload the page."))
    if need is not None and need.company_id != company.pk:
        raise ServiceError(_("The need belongs to another company."), field="need")
    if profile is not None and not CompetenceProfile.objects.filter(pk=profile.pk, status=ProfileStatus.PUBLISHED).exists():
        raise ServiceError(_("This competence profile is not published."), field="target")
    if target_company is not None:
        if target_company.pk == company.pk:
            raise ServiceError(_("A company cannot be introduced to itself."), field="target")
        if not target_company.is_active:
            raise ServiceError(_("This company record is no longer active. Please reload the page."), field="target")
    message = _text(message)
    if len(message) < 10:
        raise ServiceError(_("Please say in a sentence or two why this contact could help."), field="message")
    _check_length(message, MESSAGE_MAX, "message")
    open_states = (IntroductionStatus.PROPOSED, IntroductionStatus.ACCEPTED)
    duplicate = Introduction.objects.filter(company=company, status__in=open_states)
    duplicate = duplicate.filter(profile=profile) if profile is not None else duplicate.filter(target_company=target_company)
    if duplicate.exists():
        raise ServiceError(
            _("An introduction of this company to this contact is already under way."), field="target", code="duplicate"
        )
    by_company = actor.role == Role.COMPANY
    if by_company and not _is_member(actor, company):
        raise ServiceError(_("You are not a member of this company."), code="forbidden")
    person: dict[str, str] = {}
    if company_person:
        person = clean_person(company_person, "company_person")
    elif by_company:
        person = person_of_user(actor)
    case = _open_case(actor, company)
    kind = need.kind if need is not None else (NeedKind.COMPETENCE if profile is not None else NeedKind.PEER)
    if profile is not None:
        kind = NeedKind.COMPETENCE
    elif kind == NeedKind.COMPETENCE:
        kind = NeedKind.PEER
    intro = Introduction(
        company=company,
        organisation_id=case.organisation_id,
        need=need,
        profile=profile,
        target_company=target_company,
        kind=kind,
        message=message,
        reasons=[dict(r) for r in reasons][:20],
        case=case,
        company_decision=Decision.ACCEPTED if by_company else Decision.PENDING,
        company_person=person if by_company else {},
        proposed_by=actor,
    )
    if not by_company and person:
        intro.company_person = person  # named by the consultant; visible only after both agreed
    intro.save()
    activity = activity_add(
        actor=actor, case=case, kind=ActivityKind.INTRODUCTION, occurred_on=timezone.localdate(),
        summary=_summary(intro), notes=message,
    )  # fmt: skip
    intro.activity = activity
    intro.save(update_fields=["activity"])
    _event(intro, what=IntroductionEvent.What.PROPOSED, actor=actor)
    if by_company:
        _event(intro, what=IntroductionEvent.What.COMPANY_ACCEPTED, actor=actor, consent=True)
    _log(actor, "create", intro, company, {
        "target": [None, intro.target_name], "status": [None, intro.status],
        "need": [None, need.number if need else None],
    })  # fmt: skip
    notifications.proposed(intro)
    return intro


def _new_status(intro: Introduction) -> str:
    if Decision.DECLINED in (intro.company_decision, intro.target_decision):
        return IntroductionStatus.DECLINED
    if intro.company_decision == intro.target_decision == Decision.ACCEPTED:
        return IntroductionStatus.ACCEPTED
    return IntroductionStatus.PROPOSED


@transaction.atomic
def introduction_decide(
    *,
    actor: User,
    introduction: Introduction,
    side: str,
    accept: bool,
    person: Mapping[str, Any] | None = None,
    note: str = "",
    on_behalf: bool = False,
) -> Introduction:
    """A side agrees or declines. `side` is "company" or "target"; the view decides (access.py)
    which side the actor may speak for. Agreeing keeps the side's contact person: the given
    `person`, or the actor's own details. Staff recording a side's answer given by phone or
    e-mail set `on_behalf` and must name the person."""
    if side not in ("company", "target"):
        raise ServiceError(_("Unknown side."), field="side")
    intro = Introduction.objects.select_for_update(of=("self",)).select_related("profile", "target_company").get(pk=introduction.pk)
    if intro.status != IntroductionStatus.PROPOSED:
        raise ServiceError(_("This introduction is no longer waiting for an answer."), code="not_pending")
    decision_field = f"{side}_decision"
    if getattr(intro, decision_field) != Decision.PENDING:
        raise ServiceError(_("This side has already answered."), code="answered")
    note = " ".join(_text(note).split())
    _check_length(note, NOTE_MAX, "note")
    if accept:
        if person:
            cleaned = clean_person(person, "person")
        elif on_behalf:
            raise ServiceError(_("Please name the contact person of this side."), field="person")
        else:
            cleaned = person_of_user(actor)
        setattr(intro, f"{side}_person", cleaned)
    setattr(intro, decision_field, Decision.ACCEPTED if accept else Decision.DECLINED)
    before = intro.status
    intro.status = _new_status(intro)
    if intro.status == IntroductionStatus.ACCEPTED:
        intro.accepted_at = timezone.now()
    intro.save()
    what = {
        ("company", True): IntroductionEvent.What.COMPANY_ACCEPTED,
        ("company", False): IntroductionEvent.What.COMPANY_DECLINED,
        ("target", True): IntroductionEvent.What.TARGET_ACCEPTED,
        ("target", False): IntroductionEvent.What.TARGET_DECLINED,
    }[(side, accept)]
    _event(intro, what=what, actor=actor, on_behalf=on_behalf, note=note, consent=accept)
    _touch_activity(intro)
    _log(actor, "update", intro, intro.company, {
        decision_field: [Decision.PENDING, getattr(intro, decision_field)],
        "status": [before, intro.status] if before != intro.status else None,
        "on_behalf": [None, True] if on_behalf else None,
    })  # fmt: skip
    if intro.status != before:
        notifications.status_changed(intro)
    return intro


@transaction.atomic
def introduction_withdraw(*, actor: User, introduction: Introduction, note: str = "") -> Introduction:
    """Withdraw an introduction that is still waiting for an answer."""
    intro = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if intro.status != IntroductionStatus.PROPOSED:
        raise ServiceError(_("Only an introduction that is still waiting for an answer can be withdrawn."), code="not_pending")
    note = " ".join(_text(note).split())
    _check_length(note, NOTE_MAX, "note")
    intro.status = IntroductionStatus.WITHDRAWN
    intro.save()
    _event(intro, what=IntroductionEvent.What.WITHDRAWN, actor=actor, note=note)
    _touch_activity(intro)
    _log(actor, "update", intro, intro.company, {"status": [IntroductionStatus.PROPOSED, intro.status]})
    return intro


def target_users(intro: Introduction) -> list[User]:
    """The users who answer for the contacted side: the profile's members, or the approved members of
    the other company."""
    if intro.profile_id:
        ids = ProfileMember.objects.filter(profile_id=intro.profile_id).values("user_id")
    else:
        ids = CompanyMembership.objects.filter(
            company_id=intro.target_company_id, status=CompanyMembership.Status.APPROVED
        ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("id"))


def company_users(intro: Introduction) -> list[User]:
    ids = CompanyMembership.objects.filter(company_id=intro.company_id, status=CompanyMembership.Status.APPROVED).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("id"))
