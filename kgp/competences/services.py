"""Services that change the competence map: profiles, their contact persons and members, and the import.

Keyword-only, typed, atomic; each one writes the audit log in its transaction. The portal, the
backoffice, the import command and the demo data only validate input and call these. After the
commit, every change to a profile sends `signals.profile_changed` with the ids of the profiles
(the matching index subscribes to it).

Plain text only: descriptions and equipment are stored and shown as entered (the templates escape
them); there is no Markdown in the competence map.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kgp.accounts.models import Role, User
from kgp.core.audit import diff, log_action, snapshot
from kgp.core.errors import ServiceError
from kgp.core.text import fold
from kgp.organisations.models import Municipality

from .models import (
    CompetenceProfile,
    Kind,
    Language,
    ProfileContact,
    ProfileMember,
    ProfileStatus,
    SubjectArea,
    TransferFormat,
)
from .signals import profile_changed

PROFILE_FIELDS = (
    "external_id", "kind", "institution", "unit", "municipality", "description", "keywords", "equipment_labs",
    "transfer_formats", "languages", "status", "reviewed_on",
)  # fmt: skip
CONTACT_FIELDS = ("name", "role", "email", "phone", "is_public")

EXTERNAL_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
EXTERNAL_ID_MAX = 100
# Addresses that are pages, not profiles: /kompetenzen/karte/ (the map view), /api/v1/competences/match.
RESERVED_IDS = frozenset({"karte", "match"})
NAME_MAX = 200
DESCRIPTION_MIN = 100
DESCRIPTION_MAX = 4000
EQUIPMENT_MAX = 3000
KEYWORDS_MAX = 15
KEYWORD_MAX_LENGTH = 60
PHONE = re.compile(r"\+?[0-9 ()/.-]{5,40}")
LINE_BREAK = re.compile(r"[\r\n]")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tabs and line breaks are handled apart


# --- pure helpers -----------------------------------------------------------------------------


def search_text_for(profile: CompetenceProfile) -> str:
    """What the public search looks in: institution, unit, description and keywords, folded."""
    parts = [profile.institution, profile.unit, profile.description, *[str(k) for k in profile.keywords or []]]
    return fold(" ".join(p for p in parts if p))


def formats_index_for(formats: Iterable[str]) -> str:
    keys = [k for k in TransferFormat.values if k in set(formats)]
    return f"|{'|'.join(keys)}|" if keys else ""


def _clean_list(value: Any) -> Any:
    """A list of strings, stripped and without duplicates (first spelling wins); anything else as it is."""
    if not isinstance(value, (list, tuple)):
        return value
    seen: set[str] = set()
    out: list[Any] = []
    for item in value:
        item = item.strip() if isinstance(item, str) else item
        key = fold(item) if isinstance(item, str) else repr(item)
        if item != "" and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def profile_problems(profile: CompetenceProfile) -> list[tuple[str, str]]:
    """The broken rules of a profile as (field, message), in the request's language.

    Shared by the services (which raise the first one), the forms (which show all) and the import
    (which reports all of a line).
    """
    problems: list[tuple[str, str]] = []
    ext = profile.external_id or ""
    if not ext:
        problems.append(("external_id", _("Please enter an identifier.")))
    elif len(ext) > EXTERNAL_ID_MAX or not EXTERNAL_ID.fullmatch(ext):
        problems.append((
            "external_id",
            _("The identifier may contain only lower-case letters a–z, digits and single hyphens (at most %(n)d characters).")
            % {"n": EXTERNAL_ID_MAX},
        ))  # fmt: skip
    elif ext in RESERVED_IDS:
        problems.append(("external_id", _("This identifier is reserved for a page of the portal. Please choose another one.")))
    if not profile.kind:
        problems.append(("kind", _("Please choose the kind of competence holder.")))
    elif profile.kind not in Kind.values:
        problems.append((
            "kind",
            _("Unknown kind: %(value)s. Allowed values are: %(known)s.") % {"value": str(profile.kind)[:40], "known": ", ".join(Kind.values)},
        ))  # fmt: skip
    for name, label, required in (("institution", _("institution"), True), ("unit", _("unit"), False)):
        value = getattr(profile, name) or ""
        if required and not value:
            problems.append((name, _("Please enter the name of the institution.")))
        elif len(value) > NAME_MAX:
            problems.append((name, _("The %(field)s may have at most %(n)d characters.") % {"field": label, "n": NAME_MAX}))
        elif LINE_BREAK.search(value) or CONTROL_CHARS.search(value):
            problems.append((name, _("The %(field)s must be a single line without control characters.") % {"field": label}))
    if profile.municipality_id is None:
        problems.append(("municipality", _("Please choose the municipality where the competence holder is located.")))
    description = profile.description or ""
    if len(description) < DESCRIPTION_MIN:
        problems.append((
            "description",
            _("The description needs at least %(min)d characters (it has %(n)d): say what you work on and how companies can work with you.")
            % {"min": DESCRIPTION_MIN, "n": len(description)},
        ))  # fmt: skip
    elif len(description) > DESCRIPTION_MAX:
        problems.append((
            "description",
            _("The description may have at most %(max)d characters (it has %(n)d).") % {"max": DESCRIPTION_MAX, "n": len(description)},
        ))  # fmt: skip
    elif CONTROL_CHARS.search(description):
        problems.append(("description", _("The description contains control characters, which are not allowed.")))
    if len(profile.equipment_labs or "") > EQUIPMENT_MAX:
        problems.append((
            "equipment_labs",
            _("The equipment and labs may have at most %(max)d characters.") % {"max": EQUIPMENT_MAX},
        ))  # fmt: skip
    problems += _list_problems(profile)
    if profile.status not in ProfileStatus.values:
        problems.append(("status", _("Unknown status; allowed values are: %(allowed)s") % {"allowed": ", ".join(ProfileStatus.values)}))
    if profile.reviewed_on is not None and profile.reviewed_on > timezone.localdate():
        problems.append(("reviewed_on", _("The date of the last review must not lie in the future.")))
    return problems


def _list_problems(profile: CompetenceProfile) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    keywords = profile.keywords
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        problems.append(("keywords", _("The keywords must be a list of texts.")))
    elif not keywords:
        problems.append(("keywords", _("Please enter at least one keyword.")))
    elif len(keywords) > KEYWORDS_MAX:
        problems.append(("keywords", _("Please enter at most %(n)d keywords (there are %(count)d).") % {"n": KEYWORDS_MAX, "count": len(keywords)}))
    else:
        too_long = [k for k in keywords if len(k) > KEYWORD_MAX_LENGTH or LINE_BREAK.search(k) or CONTROL_CHARS.search(k)]
        if too_long:
            problems.append((
                "keywords",
                _("Each keyword must be a single line of at most %(n)d characters: %(value)s")
                % {"n": KEYWORD_MAX_LENGTH, "value": too_long[0][:40]},
            ))  # fmt: skip
    checks = (
        ("transfer_formats", TransferFormat, _("Unknown transfer format: %(value)s. Allowed values are: %(known)s.")),
        ("languages", Language, _("Unknown language: %(value)s. Allowed values are: %(known)s.")),
    )
    for name, enum, message in checks:
        values = getattr(profile, name)
        if not isinstance(values, list):
            problems.append((name, _("The %(field)s must be a list.") % {"field": CompetenceProfile._meta.get_field(name).verbose_name}))
            continue
        unknown = [v for v in values if v not in enum.values]
        if unknown:
            problems.append((name, message % {"value": str(unknown[0])[:40], "known": ", ".join(enum.values)}))
    return problems


# --- internals --------------------------------------------------------------------------------


def _apply(profile: CompetenceProfile, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key not in PROFILE_FIELDS:
            continue
        if isinstance(value, str):
            value = value.strip()
        if key in ("keywords", "transfer_formats", "languages"):
            value = _clean_list(value)
        setattr(profile, key, value)
    if isinstance(profile.external_id, str):
        profile.external_id = profile.external_id.lower()


def _validate(profile: CompetenceProfile) -> None:
    problems = profile_problems(profile)
    if problems:
        field_name, message = problems[0]
        raise ServiceError(message, field=field_name)
    clash = CompetenceProfile.objects.filter(external_id=profile.external_id).exclude(pk=profile.pk).exists()
    if clash:
        raise ServiceError(
            _("The identifier “%(value)s” is already used by another profile.") % {"value": profile.external_id},
            field="external_id",
            code="duplicate",
        )
    try:
        profile.full_clean(exclude=["municipality", "keywords", "transfer_formats", "languages"], validate_unique=False)
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(" ".join(messages), field=None if name == "__all__" else name) from exc


def _save(profile: CompetenceProfile, *, subject_areas: list[SubjectArea] | None) -> None:
    profile.search_text = search_text_for(profile)
    profile.formats_index = formats_index_for(profile.transfer_formats)
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as exc:  # a concurrent save took the identifier
        raise ServiceError(
            _("The identifier “%(value)s” is already used by another profile.") % {"value": profile.external_id},
            field="external_id",
            code="duplicate",
        ) from exc
    if subject_areas is not None:
        profile.subject_areas.set(subject_areas)


def _names(items: Iterable[Any]) -> list[str]:
    """Names for the audit log, always in the site's language (not the request's)."""
    with translation.override(settings.LANGUAGE_CODE):
        return sorted(str(item) for item in items)


def _notify(ids: Iterable[int]) -> None:
    ids = sorted(set(ids))
    if ids:
        transaction.on_commit(lambda: profile_changed.send(sender=CompetenceProfile, profile_ids=ids))


def _create(*, actor: User | None, data: dict[str, Any], subject_areas: Iterable[SubjectArea], action: str) -> CompetenceProfile:
    profile = CompetenceProfile()
    _apply(profile, data)
    areas = list(dict.fromkeys(subject_areas))
    _validate(profile)
    _save(profile, subject_areas=areas)
    changes = {k: [None, v] for k, v in snapshot(profile, CompetenceProfile.AUDITED_FIELDS).items() if v not in ("", None, [])}
    if areas:
        changes["subject_areas"] = [None, _names(areas)]
    log_action(actor=actor, action=action, obj=profile, changes=changes)
    return profile


def _update(
    *, actor: User | None, profile: CompetenceProfile, data: dict[str, Any], subject_areas: Iterable[SubjectArea] | None,
    action: str = "update",
) -> tuple[CompetenceProfile, bool]:  # fmt: skip
    profile = CompetenceProfile.objects.select_for_update().get(pk=profile.pk)
    before = snapshot(profile, CompetenceProfile.AUDITED_FIELDS)
    before_areas = list(profile.subject_areas.all())
    _apply(profile, data)
    new_areas = list(dict.fromkeys(subject_areas)) if subject_areas is not None else None
    _validate(profile)
    changes = diff(before, snapshot(profile, CompetenceProfile.AUDITED_FIELDS))
    if new_areas is not None and _names(new_areas) != _names(before_areas):
        changes["subject_areas"] = [_names(before_areas), _names(new_areas)]
    if not changes:
        return profile, False
    _save(profile, subject_areas=new_areas)
    log_action(actor=actor, action=action, obj=profile, changes=changes)
    return profile, True


# --- profiles ---------------------------------------------------------------------------------


@transaction.atomic
def profile_create(
    *, actor: User | None, data: dict[str, Any], subject_areas: Iterable[SubjectArea] = ()
) -> CompetenceProfile:
    """A new profile (a draft unless `data["status"]` says otherwise)."""
    profile = _create(actor=actor, data=data, subject_areas=subject_areas, action="create")
    _notify([profile.pk])
    return profile


@transaction.atomic
def profile_update(
    *, actor: User | None, profile: CompetenceProfile, data: dict[str, Any], subject_areas: Iterable[SubjectArea] | None = None
) -> CompetenceProfile:
    """Change the fields in `data`; `subject_areas` replaces the list when given. No audit entry when nothing changed."""
    profile, changed = _update(actor=actor, profile=profile, data=data, subject_areas=subject_areas)
    if changed:
        _notify([profile.pk])
    return profile


@transaction.atomic
def profile_set_status(*, actor: User | None, profile: CompetenceProfile, status: str) -> CompetenceProfile:
    """Publish a profile or take it back to draft."""
    if status not in ProfileStatus.values:
        raise ServiceError(
            _("Unknown status; allowed values are: %(allowed)s") % {"allowed": ", ".join(ProfileStatus.values)}, field="status"
        )
    return profile_update(actor=actor, profile=profile, data={"status": status})


@transaction.atomic
def profile_mark_reviewed(*, actor: User | None, profile: CompetenceProfile, on: dt.date | None = None) -> CompetenceProfile:
    """Record that the profile was checked and is up to date (today unless `on` is given)."""
    return profile_update(actor=actor, profile=profile, data={"reviewed_on": on or timezone.localdate()})


# --- contact persons --------------------------------------------------------------------------


def contact_problems(contact: ProfileContact) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for name in ("name", "role", "email", "phone"):
        value = getattr(contact, name) or ""
        if LINE_BREAK.search(value) or CONTROL_CHARS.search(value):
            problems.append((name, _("Please enter a single line without control characters.")))
    if not contact.name:
        problems.append(("name", _("Please enter the contact person's name.")))
    if contact.email:
        try:
            validate_email(contact.email)
        except ValidationError:
            problems.append(("email", _("Please enter a valid e-mail address.")))
    if contact.phone and not PHONE.fullmatch(contact.phone):
        problems.append(("phone", _("Please enter a phone number of digits, spaces and + ( ) / . - only.")))
    if contact.is_public and not (contact.email or contact.phone):
        problems.append(("is_public", _("A public contact needs an e-mail address or a phone number.")))
    return problems


def _contact_apply(contact: ProfileContact, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key in CONTACT_FIELDS:
            setattr(contact, key, value.strip() if isinstance(value, str) else value)
    contact.email = (contact.email or "").lower()
    contact.is_public = bool(contact.is_public)
    problems = contact_problems(contact)
    if problems:
        raise ServiceError(problems[0][1], field=problems[0][0])
    try:
        contact.full_clean(exclude=["profile"])
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(" ".join(messages), field=None if name == "__all__" else name) from exc


@transaction.atomic
def contact_add(*, actor: User | None, profile: CompetenceProfile, data: dict[str, Any]) -> ProfileContact:
    contact = ProfileContact(profile=profile)
    _contact_apply(contact, data)
    contact.save()
    changes = {k: [None, v] for k, v in snapshot(contact, ProfileContact.AUDITED_FIELDS).items() if v not in ("", None)}
    log_action(actor=actor, action="create", obj=contact, changes=changes | {"profile": [None, str(profile)]})
    return contact


@transaction.atomic
def contact_update(*, actor: User | None, contact: ProfileContact, data: dict[str, Any]) -> ProfileContact:
    contact = ProfileContact.objects.select_for_update().get(pk=contact.pk)
    before = snapshot(contact, ProfileContact.AUDITED_FIELDS)
    _contact_apply(contact, data)
    changes = diff(before, snapshot(contact, ProfileContact.AUDITED_FIELDS))
    if changes:
        contact.save()
        log_action(actor=actor, action="update", obj=contact, changes=changes)
    return contact


@transaction.atomic
def contact_remove(*, actor: User | None, contact: ProfileContact) -> None:
    log_action(
        actor=actor, action="delete", obj=contact,
        changes={k: [v, None] for k, v in snapshot(contact, ProfileContact.AUDITED_FIELDS).items() if v not in ("", None)},
    )  # fmt: skip
    contact.delete()


# --- members ----------------------------------------------------------------------------------


@transaction.atomic
def member_add(*, actor: User | None, profile: CompetenceProfile, user: User) -> ProfileMember:
    """Let a competence-holder user maintain the profile."""
    if not user.is_active or user.role != Role.COMPETENCE:
        raise ServiceError(_("Only active users with the role “competence holder” can maintain a profile."), field="user")
    if ProfileMember.objects.filter(profile=profile, user=user).exists():
        raise ServiceError(_("This user maintains the profile already."), field="user", code="duplicate")
    member = ProfileMember.objects.create(profile=profile, user=user)
    log_action(actor=actor, action="create", obj=member, changes={"user": [None, user.email], "profile": [None, str(profile)]})
    return member


@transaction.atomic
def member_remove(*, actor: User | None, member: ProfileMember) -> None:
    log_action(
        actor=actor, action="delete", obj=member, changes={"user": [member.user.email, None], "profile": [str(member.profile), None]}
    )
    member.delete()


# --- import -----------------------------------------------------------------------------------

IMPORT_FIELDS = frozenset({"external_id", "name", "kind", "city", "description", "keywords"})
IMPORT_OPTIONAL = frozenset({"institution", "unit", "equipment_labs", "transfer_formats", "languages", "subject_areas", "status"})
IMPORT_MAX_LINES = 10_000
NAME_SEPARATOR = " – "  # "Fachhochschule Dortmund – Labor für …": institution, then unit


@dataclass
class LineError:
    line: int
    external_id: str
    message: str


@dataclass
class ImportReport:
    lines: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_text(self) -> str:
        if self.errors:
            head = _("Nothing was imported: %(n)d error(s) in %(lines)d line(s).") % {"n": len(self.errors), "lines": self.lines}
            rows = [
                _("Line %(line)d%(id)s: %(message)s")
                % {"line": e.line, "id": f" ({e.external_id})" if e.external_id else "", "message": e.message}
                for e in self.errors
            ]
            return "\n".join([head, *rows])
        head = _("Dry run, nothing was written.") + " " if self.dry_run else ""
        return head + _("%(lines)d line(s): %(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % {
            "lines": self.lines, "created": len(self.created), "updated": len(self.updated), "unchanged": len(self.unchanged),
        }  # fmt: skip


def split_name(name: str) -> tuple[str, str]:
    """"Institution – unit" into its two parts; a name without the separator is the institution alone."""
    institution, sep, unit = name.partition(NAME_SEPARATOR)
    return (institution.strip(), unit.strip()) if sep else (name.strip(), "")


def _municipalities() -> dict[str, Municipality]:
    """Municipalities by folded name, also by the part before a slash ("Fröndenberg" for "Fröndenberg/Ruhr")."""
    found: dict[str, Municipality] = {}
    for m in Municipality.objects.all():
        found[fold(m.name)] = m
        found.setdefault(fold(m.name.split("/")[0]), m)
    return found


def _parse_line(
    raw: str, *, municipalities: dict[str, Municipality], areas: dict[str, SubjectArea]
) -> tuple[dict[str, Any], list[SubjectArea] | None, list[str]]:
    """One line into (service data, subject areas or None, error messages)."""
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        return {}, None, [_("Not valid JSON (%(error)s).") % {"error": exc.msg}]
    if not isinstance(obj, dict):
        return {}, None, [_("Each line must be one JSON object.")]
    errors: list[str] = []
    missing = sorted(f for f in IMPORT_FIELDS if f not in obj)
    if missing:
        errors.append(_("Missing field(s): %(fields)s.") % {"fields": ", ".join(missing)})
    unknown = sorted(set(obj) - IMPORT_FIELDS - IMPORT_OPTIONAL)
    if unknown:
        errors.append(_("Unknown field(s): %(fields)s.") % {"fields": ", ".join(unknown)[:200]})
    texts = ("external_id", "name", "kind", "city", "description", "institution", "unit", "equipment_labs", "status")
    for key in texts:
        if key in obj and not isinstance(obj[key], str):
            errors.append(_("The field %(field)s must be a text.") % {"field": key})
    if errors:
        ext = obj.get("external_id")
        return ({"external_id": ext} if isinstance(ext, str) else {}), None, errors
    name = obj["name"].strip()
    institution, unit = split_name(name)
    data: dict[str, Any] = {
        "external_id": obj["external_id"],
        "kind": obj["kind"],
        "institution": obj.get("institution", institution),
        "unit": obj.get("unit", unit),
        "description": obj["description"],
        "keywords": obj["keywords"],
    }
    for key in ("equipment_labs", "transfer_formats", "languages", "status"):
        if key in obj:
            data[key] = obj[key]
    if not name:
        errors.append(_("The name is empty."))
    city = municipalities.get(fold(obj["city"]))
    if city is None:
        errors.append(
            _("Unknown city: %(value)s. The region's municipalities are: %(known)s.")
            % {"value": obj["city"][:60], "known": ", ".join(sorted({m.name for m in municipalities.values()}))}
        )
    data["municipality"] = city
    subject_areas = None
    if "subject_areas" in obj:
        keys = obj["subject_areas"]
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            errors.append(_("The subject areas must be a list of keys."))
        else:
            bad = [k for k in keys if k not in areas]
            if bad:
                errors.append(
                    _("Unknown subject area: %(value)s. Allowed values are: %(known)s.")
                    % {"value": bad[0][:40], "known": ", ".join(sorted(areas))}
                )
            subject_areas = [areas[k] for k in keys if k in areas]
    return data, subject_areas, errors


def _lines(source: Iterable[str | bytes]) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(source, start=1):
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8")
        raw = raw.lstrip("\ufeff") if number == 1 else raw
        if raw.strip():
            yield number, raw.strip()


def import_profiles(
    lines: Iterable[str | bytes], *, actor: User | None = None, dry_run: bool = False
) -> ImportReport:
    """Import profiles from JSON Lines (../shared/data/matching/README.md), upserting by `external_id`.

    Every line is validated first; with any error nothing is written and the report names each
    line. Otherwise all lines are written in one transaction (new profiles are published; an
    existing profile keeps its status, members, contacts and review date). `dry_run` validates and
    counts without writing.
    """
    report = ImportReport(dry_run=dry_run)
    municipalities = _municipalities()
    areas = {a.key: a for a in SubjectArea.objects.all()}
    parsed: list[tuple[int, dict[str, Any], list[SubjectArea] | None]] = []
    seen: dict[str, int] = {}
    try:
        numbered = list(_lines(lines))
    except UnicodeDecodeError:
        report.errors.append(LineError(0, "", _("The file is not UTF-8 encoded.")))
        return report
    if len(numbered) > IMPORT_MAX_LINES:
        report.errors.append(LineError(0, "", _("At most %(n)d lines can be imported at once.") % {"n": IMPORT_MAX_LINES}))
        return report
    report.lines = len(numbered)
    for number, raw in numbered:
        data, subject_areas, errors = _parse_line(raw, municipalities=municipalities, areas=areas)
        ext = str(data.get("external_id") or "")[:EXTERNAL_ID_MAX]
        if not errors:
            probe = CompetenceProfile()
            _apply(probe, {"status": ProfileStatus.PUBLISHED} | data)
            errors = [message for _field, message in profile_problems(probe)]
            ext = probe.external_id
            if ext in seen:
                errors.append(_("The identifier %(value)s occurs already in line %(line)d.") % {"value": ext, "line": seen[ext]})
            seen.setdefault(ext, number)
        report.errors += [LineError(number, ext, message) for message in errors]
        if not errors:
            parsed.append((number, data, subject_areas))
    if not report.lines:
        report.errors.append(LineError(0, "", _("The file contains no profiles.")))
    if report.errors:
        return report
    changed: list[int] = []
    current = 0
    try:
        with transaction.atomic():
            existing = {p.external_id: p for p in CompetenceProfile.objects.filter(external_id__in=[d["external_id"].lower() for _, d, _a in parsed])}
            for current, data, subject_areas in parsed:
                profile = existing.get(data["external_id"].lower())
                if profile is None:
                    profile = _create(
                        actor=actor, data={"status": ProfileStatus.PUBLISHED} | data, subject_areas=subject_areas or [],
                        action="import",
                    )  # fmt: skip
                    report.created.append(profile.external_id)
                    changed.append(profile.pk)
                    continue
                profile, did_change = _update(actor=actor, profile=profile, data=data, subject_areas=subject_areas, action="import")
                (report.updated if did_change else report.unchanged).append(profile.external_id)
                if did_change:
                    changed.append(profile.pk)
            if dry_run:
                transaction.set_rollback(True)
            else:
                _notify(changed)
    except ServiceError as exc:  # a concurrent change since the validation: nothing is kept
        report.created, report.updated, report.unchanged = [], [], []
        report.errors.append(LineError(current, "", exc.message))
    return report
