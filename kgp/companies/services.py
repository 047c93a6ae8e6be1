"""Services that change companies and everything that belongs to them.

Keyword-only, typed, atomic; each one writes the audit log. Views and the API only validate input
and call these.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kgp.accounts.models import User
from kgp.core.audit import diff, log_action, snapshot
from kgp.core.errors import ServiceError
from kgp.core.text import fold, name_key
from kgp.organisations.queries import municipality_for_postcode

from . import notifications, sme
from .consents import VERSION as CONSENT_VERSION
from .consents import consent_text
from .models import (
    Company,
    CompanyMembership,
    Consent,
    Contact,
    Holding,
    Note,
    SizeClass,
    SizeClassPeriod,
    Topic,
    YearlyFigures,
)
from .parsing import courts_compatible, normalise_court, normalise_register_number
from .signals import company_merged

COMPANY_FIELDS = (
    "name", "legal_form", "register_court", "register_number", "street", "postcode", "city", "sector_code",
    "website", "email", "phone", "description", "is_autonomous", "public_control_25",
)  # fmt: skip
# Kept by the services; shown when they change, not when a company is created without figures.
DERIVED_FIELDS = frozenset({"size_class", "size_class_provisional"})
CONTACT_FIELDS = ("salutation", "first_name", "last_name", "function", "email", "phone", "legal_basis", "purpose")

# Plausibility limits: anything above is a typing error, not a manufacturing SME of the region.
MAX_STAFF_AWU = Decimal("1000000")
MAX_AMOUNT = Decimal("1000000000000")  # EUR 1 trillion


def _clean_text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def search_text_for(company: Company, contacts: Iterable[Contact] | None = None) -> str:
    """What the company list's search looks in: the company's name, address, register entry, sector
    and e-mail, and the names and e-mail addresses of its contacts (read when not given)."""
    if contacts is None:
        contacts = company.contacts.all() if company.pk else ()
    parts = [
        company.name, company.street, company.postcode, company.city, company.register_number,
        company.sector_code, company.email,
    ]  # fmt: skip
    for contact in contacts:
        parts += [contact.first_name, contact.last_name, contact.email]
    return fold(" ".join(p for p in parts if p))


def _refresh_search_text(company: Company) -> None:
    Company.objects.filter(pk=company.pk).update(search_text=search_text_for(company))


def _apply_location(company: Company) -> None:
    municipality = municipality_for_postcode(company.postcode)
    company.municipality = municipality
    company.responsible_partner = municipality.partner if municipality else None


def _full_clean(instance: Any, **kwargs: Any) -> None:
    """Model validation; the first problem becomes a ServiceError naming its field."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(" ".join(messages), field=None if field == "__all__" else field) from exc


DUPLICATE_REGISTER_MESSAGE = gettext_lazy("A company with this register court and register number is already recorded.")


def _register_clash(company: Company) -> bool:
    """Another active company with the same register entry ("HRB 5" = "hrb5", "AG X" = "Amtsgericht X")."""
    same_number = Company.objects.filter(is_active=True, register_number__iexact=company.register_number)
    return any(
        courts_compatible(company.register_court, court)
        for court in same_number.exclude(pk=company.pk).values_list("register_court", flat=True)[:20]
    )


def _validate(company: Company) -> None:
    company.register_number = normalise_register_number(company.register_number) or company.register_number
    company.register_court = normalise_court(company.register_court)
    if company.register_number and _register_clash(company):
        raise ServiceError(str(DUPLICATE_REGISTER_MESSAGE), field="register_number", code="duplicate_register")
    _full_clean(
        company, exclude=["municipality", "responsible_partner", "created_by", "merged_into"], validate_constraints=False
    )


def _save_company(company: Company) -> None:
    company.search_text = search_text_for(company)
    company.name_key = name_key(company.name)
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError as exc:
        raise ServiceError(
            str(DUPLICATE_REGISTER_MESSAGE),
            field="register_number",
            code="duplicate_register",
        ) from exc


@transaction.atomic
def company_create(
    *, actor: User | None, data: dict[str, Any], topics: Iterable[Topic] = (), source: str = "backoffice"
) -> Company:
    company = Company(**{k: _clean_text(v) for k, v in data.items() if k in COMPANY_FIELDS})
    company.created_by = actor if actor and actor.pk else None
    if company.public_control_25:
        company.size_class, company.size_class_provisional = SizeClass.LARGE, False
    _apply_location(company)
    _validate(company)
    _save_company(company)
    if topics:
        company.topics.set(topics)
    log_action(
        actor=actor,
        action="create",
        obj=company,
        company=company,
        changes={
            k: [None, v]
            for k, v in snapshot(company, Company.AUDITED_FIELDS).items()
            if v not in ("", None, False) and k not in DERIVED_FIELDS
        }
        | ({"topics": [None, sorted(str(t) for t in topics)]} if topics else {})
        | ({"source": [None, source]} if source != "backoffice" else {}),
    )
    return company


@transaction.atomic
def company_update(
    *, actor: User | None, company: Company, data: dict[str, Any], topics: Iterable[Topic] | None = None
) -> Company:
    company = Company.objects.select_for_update().get(pk=company.pk)
    before = snapshot(company, Company.AUDITED_FIELDS)
    before_topics = sorted(str(t) for t in company.topics.all())
    for key, value in data.items():
        if key in COMPANY_FIELDS:
            setattr(company, key, _clean_text(value))
    _apply_location(company)
    _validate(company)
    _recompute_size_class(company)
    _save_company(company)
    changes = diff(before, snapshot(company, Company.AUDITED_FIELDS))
    if topics is not None:
        topics = list(topics)
        company.topics.set(topics)
        after_topics = sorted(str(t) for t in topics)
        if after_topics != before_topics:
            changes["topics"] = [before_topics, after_topics]
    if changes:
        log_action(actor=actor, action="update", obj=company, company=company, changes=changes)
    return company


def _check_amount(value: Decimal | None, limit: Decimal, *, negative: str, too_high: str) -> None:
    """`negative` and `too_high` are whole translated sentences; `too_high` has a %(value)s placeholder."""
    if value is None:
        return
    if value < 0:
        raise ServiceError(negative)
    if value > limit:
        raise ServiceError(too_high % {"value": value})


@transaction.atomic
def figures_set(
    *,
    actor: User | None,
    company: Company,
    year: int,
    staff_awu: Decimal,
    turnover: Decimal | None = None,
    balance_sheet_total: Decimal | None = None,
) -> YearlyFigures:
    """Record (or correct) one financial year and recompute the size class."""
    this_year = timezone.localdate().year
    if not 1990 <= int(year) <= this_year + 1:
        raise ServiceError(
            _("The financial year must lie between 1990 and %(last_year)s.") % {"last_year": this_year + 1}, field="year"
        )
    _check_amount(
        staff_awu,
        MAX_STAFF_AWU,
        negative=_("The number of employees (AWU) must not be negative."),
        too_high=_("The number of employees (AWU) is implausibly high (%(value)s). Please check the figure."),
    )
    _check_amount(
        turnover,
        MAX_AMOUNT,
        negative=_("The annual turnover must not be negative."),
        too_high=_("The annual turnover is implausibly high (%(value)s). Please check the figure."),
    )
    _check_amount(
        balance_sheet_total,
        MAX_AMOUNT,
        negative=_("The balance sheet total must not be negative."),
        too_high=_("The balance sheet total is implausibly high (%(value)s). Please check the figure."),
    )
    company = Company.objects.select_for_update().get(pk=company.pk)
    figures, created = YearlyFigures.objects.get_or_create(
        company=company, year=year, defaults={"staff_awu": staff_awu}
    )
    fields = ("staff_awu", "turnover", "balance_sheet_total")
    before = {} if created else snapshot(figures, fields)
    figures.staff_awu, figures.turnover, figures.balance_sheet_total = staff_awu, turnover, balance_sheet_total
    figures.save()
    changes = diff(before, snapshot(figures, fields))
    log_action(actor=actor, action="create" if created else "update", obj=figures, company=company, changes=changes)
    _recompute_and_log(actor=actor, company=company)
    return figures


def _delete_audited(*, actor: User | None, obj: Any, fields: tuple[str, ...], recompute: bool) -> None:
    """Delete a record of a company, log what it held, and recompute the size class if it counted."""
    company = obj.company
    changes = {k: [v, None] for k, v in snapshot(obj, fields).items()}
    log_action(actor=actor, action="delete", obj=obj, company=company, changes=changes)
    obj.delete()
    if recompute:
        _recompute_and_log(actor=actor, company=company)


@transaction.atomic
def figures_delete(*, actor: User | None, figures: YearlyFigures) -> None:
    _delete_audited(
        actor=actor, obj=figures, fields=("year", "staff_awu", "turnover", "balance_sheet_total"), recompute=True
    )


@transaction.atomic
def holding_delete(*, actor: User | None, holding: Holding) -> None:
    """Remove a partner or linked enterprise (a typing error, or the holding ended) and recompute."""
    _delete_audited(actor=actor, obj=holding, fields=("year", "name", "kind", "share_percent"), recompute=True)


@dataclass(frozen=True)
class HoldingData:
    name: str
    kind: str
    share_percent: Decimal
    staff_awu: Decimal
    turnover: Decimal | None = None
    balance_sheet_total: Decimal | None = None


@transaction.atomic
def holding_add(*, actor: User | None, company: Company, year: int, holding: HoldingData) -> Holding:
    if holding.kind not in Holding.Kind.values:
        raise ServiceError(_("The kind of holding is unknown."), field="kind")
    # The literal "%" in the next two messages is never %-formatted.
    if not Decimal(0) < holding.share_percent <= Decimal(100):
        raise ServiceError(_("The share must be greater than 0 and at most 100%."), field="share_percent")
    if holding.kind == Holding.Kind.PARTNER and not Decimal(25) <= holding.share_percent <= Decimal(50):
        raise ServiceError(
            _("A partner enterprise holds 25% to 50%; above that it is a linked enterprise."),
            field="share_percent",
        )
    _check_amount(
        holding.staff_awu,
        MAX_STAFF_AWU,
        negative=_("The number of employees must not be negative."),
        too_high=_("The number of employees is implausibly high (%(value)s). Please check the figure."),
    )
    _check_amount(
        holding.turnover,
        MAX_AMOUNT,
        negative=_("The turnover must not be negative."),
        too_high=_("The turnover is implausibly high (%(value)s). Please check the figure."),
    )
    _check_amount(
        holding.balance_sheet_total,
        MAX_AMOUNT,
        negative=_("The balance sheet total must not be negative."),
        too_high=_("The balance sheet total is implausibly high (%(value)s). Please check the figure."),
    )
    obj = Holding.objects.create(company=company, year=year, **holding.__dict__)
    log_action(actor=actor, action="create", obj=obj, company=company, changes=snapshot(obj, ("name", "kind", "share_percent")))
    if company.is_autonomous:
        Company.objects.filter(pk=company.pk).update(is_autonomous=False)
        company.is_autonomous = False
        log_action(actor=actor, action="update", obj=company, company=company, changes={"is_autonomous": [True, False]})
    _recompute_and_log(actor=actor, company=company)
    return obj


def _classification_rows(company: Company) -> list[tuple[int, sme.Classification]]:
    holdings_by_year: dict[int, list[sme.HoldingFigures]] = {}
    if not company.is_autonomous:
        for h in company.holdings.all():
            holdings_by_year.setdefault(h.year, []).append(
                sme.HoldingFigures(h.kind, h.share_percent, h.staff_awu, h.turnover, h.balance_sheet_total)
            )
    rows = []
    for f in company.figures.all():
        own = sme.Figures(f.staff_awu, f.turnover, f.balance_sheet_total)
        total = sme.aggregate(own, holdings_by_year.get(f.year, []))
        rows.append((f.year, sme.classify(total, public_control_25=company.public_control_25)))
    return rows


def _recompute_size_class(company: Company) -> None:
    """Recompute the class history and the current class from the stored figures (no save of company)."""
    periods = sme.size_class_history(_classification_rows(company))
    SizeClassPeriod.objects.filter(company=company).delete()
    SizeClassPeriod.objects.bulk_create(
        SizeClassPeriod(
            company=company,
            size_class=p.size_class,
            provisional=p.provisional,
            valid_from=p.valid_from,
            based_on_year=p.based_on_year,
        )
        for p in periods
    )
    current = sme.class_on(periods, timezone.localdate()) if periods else None
    if current is None and company.public_control_25:
        company.size_class, company.size_class_provisional = SizeClass.LARGE, False
    elif current is None:
        company.size_class, company.size_class_provisional = SizeClass.UNKNOWN, True
    else:
        company.size_class, company.size_class_provisional = current.size_class, current.provisional


def _recompute_and_log(*, actor: User | None, company: Company) -> None:
    before = (company.size_class, company.size_class_provisional, company.is_autonomous)
    _recompute_size_class(company)
    Company.objects.filter(pk=company.pk).update(
        size_class=company.size_class, size_class_provisional=company.size_class_provisional, updated_at=timezone.now()
    )
    after = (company.size_class, company.size_class_provisional, company.is_autonomous)
    if before[:2] != after[:2]:
        log_action(
            actor=actor,
            action="update",
            obj=company,
            company=company,
            changes={"size_class": [before[0], after[0]], "size_class_provisional": [before[1], after[1]]},
        )


def size_class_on(*, company: Company, day: Any) -> str:
    """The size class that held on a day (for reports on the date of support)."""
    period = company.size_periods.filter(valid_from__lte=day).order_by("-valid_from").first()
    if period is None:
        period = company.size_periods.order_by("valid_from").first()
    return period.size_class if period else SizeClass.UNKNOWN


@transaction.atomic
def consent_record(
    *,
    actor: User | None,
    company: Company,
    kind: str,
    granted: bool,
    contact: Contact | None = None,
    source: str = "backoffice",
    language: str | None = None,
) -> Consent:
    """Record a consent given or withdrawn, with the text shown, and update the flags it drives."""
    if kind not in Consent.Kind.values:
        raise ServiceError(_("Unknown kind of consent."))
    consent = Consent.objects.create(
        company=company,
        contact=contact,
        contact_label=f"{contact} <{contact.email}>" if contact is not None and contact.email else str(contact or ""),
        kind=kind,
        granted=granted,
        text=consent_text(kind, language or "de"),
        text_version=CONSENT_VERSION,
        recorded_by=actor if actor and actor.pk else None,
        source=source,
    )
    if kind == Consent.Kind.NETWORK_SHARING:
        old = company.network_sharing
        Company.objects.filter(pk=company.pk).update(network_sharing=granted)
        company.network_sharing = granted
    elif kind == Consent.Kind.NEWSLETTER:
        old = company.newsletter
        Company.objects.filter(pk=company.pk).update(newsletter=granted)
        company.newsletter = granted
    elif kind == Consent.Kind.REQUEST:
        # Consent to the processing of one request: kept with its text, drives no flag.
        log_action(actor=actor, action="consent", obj=company, company=company, changes={kind: [None, granted], "text_version": [None, CONSENT_VERSION]})
        return consent
    else:
        assert contact is not None, "a contact consent needs the contact"
        old = contact.consent_contact
        Contact.objects.filter(pk=contact.pk).update(consent_contact=granted, consent_contact_at=consent.recorded_at)
        contact.consent_contact = granted
    if old != granted:
        log_action(
            actor=actor,
            action="consent",
            obj=contact or company,
            company=company,
            changes={kind: [old, granted], "text_version": [None, CONSENT_VERSION]},
        )
    return consent


@transaction.atomic
def contact_create(*, actor: User | None, company: Company, data: dict[str, Any], consent_contact: bool = False) -> Contact:
    contact = Contact(company=company, **{k: _clean_text(v) for k, v in data.items() if k in CONTACT_FIELDS})
    _full_clean(contact, exclude=["company"])
    contact.save()
    log_action(
        actor=actor,
        action="create",
        obj=contact,
        company=company,
        changes={k: [None, v] for k, v in snapshot(contact, CONTACT_FIELDS).items() if v},
    )
    if consent_contact:
        consent_record(actor=actor, company=company, contact=contact, kind=Consent.Kind.CONTACT, granted=True)
    _refresh_search_text(company)
    return contact


@transaction.atomic
def contact_update(
    *, actor: User | None, contact: Contact, data: dict[str, Any], consent_contact: bool | None = None
) -> Contact:
    before = snapshot(contact, CONTACT_FIELDS)
    for key, value in data.items():
        if key in CONTACT_FIELDS:
            setattr(contact, key, _clean_text(value))
    _full_clean(contact, exclude=["company"])
    contact.save()
    changes = diff(before, snapshot(contact, CONTACT_FIELDS))
    if changes:
        log_action(actor=actor, action="update", obj=contact, company=contact.company, changes=changes)
        _refresh_search_text(contact.company)
    if consent_contact is not None and consent_contact != contact.consent_contact:
        consent_record(
            actor=actor, company=contact.company, contact=contact, kind=Consent.Kind.CONTACT, granted=consent_contact
        )
    return contact


@transaction.atomic
def contact_delete(*, actor: User | None, contact: Contact) -> None:
    log_action(actor=actor, action="delete", obj=contact, company=contact.company, changes=snapshot(contact, CONTACT_FIELDS))
    company = contact.company
    contact.delete()
    _refresh_search_text(company)


@transaction.atomic
def note_create(*, actor: User, company: Company, text: str) -> Note:
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("The note is empty."), field="text")
    if len(text) > 10000:
        raise ServiceError(_("A note may be at most 10,000 characters long."), field="text")
    note = Note.objects.create(company=company, author=actor, text=text)
    log_action(actor=actor, action="create", obj=note, company=company)
    return note


@transaction.atomic
def note_delete(*, actor: User, note: Note) -> None:
    """Delete a note; the audit log keeps who deleted which text when."""
    _delete_audited(actor=actor, obj=note, fields=("text",), recompute=False)


# --- duplicates and merging -------------------------------------------------------------------

SIMILARITY_THRESHOLD = 0.85


def find_duplicates(
    *, name: str, postcode: str = "", register_court: str = "", register_number: str = "", exclude_id: int | None = None
) -> list[Company]:
    """Active companies with the same register number, or a very similar name in the same municipality."""
    found: dict[int, Company] = {}
    base = Company.objects.filter(is_active=True).select_related("municipality", "responsible_partner")
    if exclude_id:
        base = base.exclude(pk=exclude_id)
    number = normalise_register_number(register_number or "") or (register_number or "").strip()
    if number:
        for c in base.filter(register_number__iexact=number)[:10]:
            if courts_compatible(register_court, c.register_court):
                found[c.pk] = c
    key = name_key(name)
    if key:
        municipality = municipality_for_postcode(postcode)
        candidates = base.filter(name_key__startswith=key[:4])
        candidates = candidates.filter(municipality=municipality) if municipality else candidates.filter(postcode=postcode)
        for c in candidates[:200]:
            if c.pk not in found and difflib.SequenceMatcher(None, key, c.name_key).ratio() >= SIMILARITY_THRESHOLD:
                found[c.pk] = c
    return list(found.values())


@transaction.atomic
def company_merge(*, actor: User, keep: Company, remove: Company) -> Company:
    """Merge `remove` into `keep`: contacts, notes, figures, consents, memberships and history move over.

    `remove` stays as an inactive record pointing to `keep`, so old links and audit entries resolve.
    """
    if keep.pk == remove.pk:
        raise ServiceError(_("A company cannot be merged with itself."))
    keep = Company.objects.select_for_update().get(pk=keep.pk)
    remove = Company.objects.select_for_update().get(pk=remove.pk)
    if not remove.is_active or not keep.is_active:
        raise ServiceError(_("One of the companies has already been merged."))
    filled = {}
    for field in COMPANY_FIELDS:
        if getattr(keep, field) in ("", None) and getattr(remove, field) not in ("", None):
            filled[field] = [getattr(keep, field), getattr(remove, field)]
            setattr(keep, field, getattr(remove, field))
    Contact.objects.filter(company=remove).update(company=keep)
    Note.objects.filter(company=remove).update(company=keep)
    Consent.objects.filter(company=remove).update(company=keep)
    existing_years = set(keep.figures.values_list("year", flat=True))
    YearlyFigures.objects.filter(company=remove).exclude(year__in=existing_years).update(company=keep)
    kept_years = sorted(existing_years & set(remove.figures.values_list("year", flat=True)))
    if kept_years:
        filled["figures_kept"] = [None, kept_years]  # the kept company's figures win for these years
    # A holding both records list (same year and enterprise) is counted once.
    known = {(h.year, name_key(h.name)) for h in keep.holdings.all()}
    moving = [h.pk for h in remove.holdings.all() if (h.year, name_key(h.name)) not in known]
    Holding.objects.filter(pk__in=moving).update(company=keep)
    member_users = set(keep.memberships.values_list("user_id", flat=True))
    CompanyMembership.objects.filter(company=remove).exclude(user_id__in=member_users).update(company=keep)
    new_topics = sorted(str(t) for t in remove.topics.exclude(pk__in=keep.topics.values("pk")))
    keep.topics.add(*remove.topics.all())
    if new_topics:
        filled["topics"] = [None, new_topics]
    from kgp.core.models import AuditLogEntry

    AuditLogEntry.objects.filter(company=remove).update(company=keep)
    if remove.network_sharing and not keep.network_sharing:
        # The stricter choice wins: no consent is assumed that the kept record did not give.
        filled["network_sharing"] = ["kept: not shared", "removed record was shared"]
    remove.is_active = False
    remove.merged_into = keep
    remove.save(update_fields=["is_active", "merged_into"])
    # Apps that build on companies (check results, requests) move their rows in this transaction.
    company_merged.send(sender=Company, keep=keep, removed=remove, actor=actor)
    _recompute_size_class(keep)
    _save_company(keep)
    log_action(
        actor=actor,
        action="merge",
        obj=keep,
        company=keep,
        changes={"merged_company": [None, f"{remove.name} (#{remove.pk})"], **filled},
    )
    return keep


# --- memberships ------------------------------------------------------------------------------


MAX_PENDING_REQUESTS = 3


@transaction.atomic
def membership_request(*, user: User, company: Company) -> CompanyMembership:
    """Ask to join a company. A decided request stays decided (no re-asking after a rejection), and
    nobody may have more than a few requests waiting at once."""
    existing = CompanyMembership.objects.filter(user=user, company=company).first()
    if existing is not None:
        return existing
    pending = CompanyMembership.objects.filter(user=user, status=CompanyMembership.Status.PENDING).count()
    if pending >= MAX_PENDING_REQUESTS:
        raise ServiceError(
            _("You already have several open join requests. Please wait for the agency's decision."),
            code="too_many_requests",
        )
    membership = CompanyMembership.objects.create(user=user, company=company)
    log_action(actor=user, action="create", obj=membership, company=company, changes={"status": [None, membership.status]})
    notifications.join_requested(membership)
    return membership


@transaction.atomic
def membership_decide(*, actor: User, membership: CompanyMembership, approve: bool) -> CompanyMembership:
    if membership.status != CompanyMembership.Status.PENDING:
        raise ServiceError(_("This request has already been decided."))
    membership.status = CompanyMembership.Status.APPROVED if approve else CompanyMembership.Status.REJECTED
    membership.decided_at = timezone.now()
    membership.decided_by = actor
    membership.save()
    log_action(
        actor=actor,
        action="update",
        obj=membership,
        company=membership.company,
        changes={"status": [CompanyMembership.Status.PENDING, membership.status]},
    )
    notifications.join_decided(membership)
    return membership


@transaction.atomic
def company_register_by_user(*, user: User, data: dict[str, Any], topics: Iterable[Topic] = ()) -> tuple[Company, CompanyMembership]:
    """A company user creates their company (approved member at once) — or, when the company is
    already known (duplicate), asks to join it; the responsible partner approves."""
    duplicates = find_duplicates(
        name=data.get("name", ""),
        postcode=data.get("postcode", ""),
        register_court=data.get("register_court", ""),
        register_number=data.get("register_number", ""),
    )
    if duplicates:
        return duplicates[0], membership_request(user=user, company=duplicates[0])
    company = company_create(actor=user, data=data, topics=topics, source="portal")
    membership = CompanyMembership.objects.create(
        user=user, company=company, status=CompanyMembership.Status.APPROVED, decided_at=timezone.now()
    )
    log_action(
        actor=user, action="create", obj=membership, company=company, changes={"status": [None, membership.status]}
    )
    return company, membership
