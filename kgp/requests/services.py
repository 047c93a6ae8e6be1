"""Services for requests: sending a package to the responsible agency and working on it.

Keyword-only, typed, atomic; each one writes the audit log with the company, so the request appears on
the company's timeline. Views only validate input and call these.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kgp.accounts.models import User
from kgp.assessment.models import CheckResult
from kgp.catalogue.models import Offer
from kgp.companies import services as company_services
from kgp.companies.models import Company, Consent
from kgp.companies.parsing import courts_compatible, normalise_court, normalise_register_number
from kgp.core.audit import diff, log_action, snapshot
from kgp.core.errors import ServiceError

from . import notifications, package
from .models import ContactChannel, EmployeesBand, Request, RequestItem, RequestStatus

# What an anonymous sender tells about the company (all of them are Company fields but the band).
SUBMITTED_COMPANY_FIELDS = ("name", "street", "postcode", "city", "register_court", "register_number", "website")
MAX_MESSAGE = 5000
MAX_NOTE = 1000


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _check_length(value: str, limit: int, field: str, message: str) -> None:
    if len(value) > limit:
        raise ServiceError(message % {"limit": limit}, field=field)


def _validated_contact(contact: dict[str, Any]) -> dict[str, str]:
    name, email, phone = _text(contact.get("name")), _text(contact.get("email")), _text(contact.get("phone"))
    if not name:
        raise ServiceError(_("Please tell us whom we may contact."), field="contact_name")
    _check_length(name, 200, "contact_name", _("The name may be at most %(limit)s characters long."))
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(_("Please enter a valid e-mail address."), field="contact_email") from None
    _check_length(email, 254, "contact_email", _("The e-mail address may be at most %(limit)s characters long."))
    _check_length(phone, 40, "contact_phone", _("The phone number may be at most %(limit)s characters long."))
    return {"name": name, "email": email, "phone": phone}


def _validated_offers(offers_with_notes: Iterable[tuple[Offer, str]]) -> list[tuple[Offer, str]]:
    """The offers that can be requested today, each once, with their notes."""
    pairs: dict[int, tuple[Offer, str]] = {}
    for offer, note in offers_with_notes:
        note = package.clean_note(note)
        _check_length(note, MAX_NOTE, "offers", _("A note may be at most %(limit)s characters long."))
        pairs.setdefault(offer.pk, (offer, note))
    public = set(Offer.objects.public().filter(pk__in=list(pairs)).values_list("pk", flat=True))
    available = [pair for pk, pair in pairs.items() if pk in public]
    if not available:
        raise ServiceError(
            _("Your package contains no offer that can be requested at the moment."), field="offers", code="empty_package"
        )
    return available


def _validated_company_data(data: dict[str, Any]) -> dict[str, str]:
    """The company data of an anonymous sender, cleaned and checked with the company model's rules."""
    cleaned = {k: _text(data.get(k)) for k in SUBMITTED_COMPANY_FIELDS}
    cleaned["register_number"] = (
        normalise_register_number(cleaned["register_number"]) or cleaned["register_number"].upper()
        if cleaned["register_number"]
        else ""
    )
    cleaned["register_court"] = normalise_court(cleaned["register_court"])
    band = _text(data.get("employees_band"))
    if band and band not in EmployeesBand.values:
        raise ServiceError(_("Please choose one of the listed sizes."), field="employees_band")
    probe = Company(**cleaned)
    try:
        probe.full_clean(
            exclude=["municipality", "responsible_partner", "created_by", "merged_into"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(" ".join(messages), field=None if field == "__all__" else field) from exc
    return cleaned | {"employees_band": band}


def _match_company(data: dict[str, str]) -> tuple[Company | None, list[int]]:
    """An existing company that is clearly the sender's, or None and the ids of look-alikes.

    Clear: the same register entry, or the only company with a very similar name in the same
    municipality (and no different register number). Several look-alikes and no register match: none
    is picked, because linking a request to the wrong company would show the sender's data on another
    company's record; a new record is created and the consultant checks the look-alikes.
    """
    candidates = company_services.find_duplicates(
        name=data["name"],
        postcode=data["postcode"],
        register_court=data["register_court"],
        register_number=data["register_number"],
    )
    number = data["register_number"].replace(" ", "").upper()
    if number:
        for c in candidates:
            if c.register_number.replace(" ", "").upper() == number and courts_compatible(
                data["register_court"], c.register_court
            ):
                return c, []
    by_name = [
        c
        for c in candidates
        if not (number and c.register_number and c.register_number.replace(" ", "").upper() != number)
    ]
    if len(by_name) == 1:
        return by_name[0], []
    return None, [c.pk for c in by_name]


def _timeline_company(company: Company) -> Company:
    """The company whose timeline shows an entry: a merged record's entries go to the kept one."""
    for _hop in range(5):
        if company.is_active or company.merged_into_id is None:
            break
        company = company.merged_into  # type: ignore[assignment]
    return company


def _language(language: str | None) -> str:
    return "en" if (language or "").lower().startswith("en") else "de"


@transaction.atomic
def request_submit(
    *,
    actor: User | None,
    company_data: dict[str, Any] | None,
    contact: dict[str, Any],
    message: str,
    channel: str,
    preferred_time: str,
    offers_with_notes: Iterable[tuple[Offer, str]],
    consent_given: bool,
    language: str,
    check_result: CheckResult | None = None,
    company: Company | None = None,
    notify: bool = True,
) -> Request:
    """Send a package as a request to the company's responsible agency (outside the region: the
    network coordination).

    `company` is given when a company user sends for a company they are an approved member of (the
    caller checked that through the access layer); otherwise `company_data` (what an anonymous sender
    entered) is matched to an existing record (see `_match_company`) — which is never changed — or a
    new company is created. `offers_with_notes` may hold offers that are no longer public: they are
    left out, and at least one must remain.
    """
    actor = actor if actor is not None and actor.pk else None
    if not consent_given:
        raise ServiceError(
            _("Please agree to the processing of your request; without it we cannot answer it."),
            field="consent",
            code="consent_required",
        )
    offers = _validated_offers(offers_with_notes)
    person = _validated_contact(contact)
    message = _text(message)
    _check_length(message, MAX_MESSAGE, "message", _("The message may be at most %(limit)s characters long."))
    preferred_time = _text(preferred_time)
    _check_length(preferred_time, 200, "preferred_time", _("The preferred time may be at most %(limit)s characters long."))
    if channel not in ContactChannel.values:
        raise ServiceError(_("Please choose how we should contact you."), field="preferred_channel")
    if check_result is not None and check_result.completed_at is None:
        raise ServiceError(_("Only a completed Transformations-Check can be sent along."), field="send_check_result")
    language = _language(language)

    submitted: dict[str, str] = {}
    matched = False
    duplicates: list[int] = []
    if company is not None:
        company = Company.objects.filter(pk=company.pk, is_active=True).first()
        if company is None:
            raise ServiceError(_("This company record is no longer active. Please reload the page."))
        source = "portal"
    else:
        submitted = _validated_company_data(company_data or {})
        company, duplicates = _match_company(submitted)
        matched = company is not None
        if company is None:
            data = {k: v for k, v in submitted.items() if k in SUBMITTED_COMPANY_FIELDS}
            company = company_services.company_create(actor=actor, data=data, source="request")
        source = "public"

    if check_result is not None and check_result.company_id not in (None, company.pk):
        # A result of another company is not sent along (the request is sent without it).
        check_result = None

    consent = company_services.consent_record(
        actor=actor, company=company, kind=Consent.Kind.REQUEST, granted=True, source=source, language=language
    )
    # Who agreed: the request's contact person (there is no Contact record for them).
    label = f"{person['name']} <{person['email']}>"[:300]
    Consent.objects.filter(pk=consent.pk).update(contact_label=label)
    consent.contact_label = label

    req = Request.objects.create(
        company=company,
        partner=company.responsible_partner,
        contact_name=person["name"],
        contact_email=person["email"],
        contact_phone=person["phone"],
        message=message,
        preferred_channel=channel,
        preferred_time=preferred_time,
        submitted_company=submitted,
        matched_existing=matched,
        possible_duplicates=duplicates,
        consent=consent,
        check_result=check_result,
        created_by=actor,
        source=source,
        language=language,
    )
    RequestItem.objects.bulk_create(
        RequestItem(request=req, offer=offer, offer_title=offer.title[:200], note=note) for offer, note in offers
    )
    changes: dict[str, Any] = {
        "status": [None, req.status],
        "partner": [None, company.responsible_partner.name if company.responsible_partner else _network_coordination()],
        "source": [None, source],
    }
    if matched:
        changes["matched_existing"] = [None, True]
    with translation.override(settings.LANGUAGE_CODE):
        log_action(actor=actor, action="create", obj=req, company=_timeline_company(company), changes=changes)
    if notify:
        notifications.request_submitted(req)
    return req


def _network_coordination() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(_("Network coordination"))


@transaction.atomic
def request_status_set(*, actor: User | None, req: Request, status: str) -> Request:
    """Move a request to another status (new, in progress, initial consultation agreed, closed)."""
    if status not in RequestStatus.values:
        raise ServiceError(_("Please choose one of the listed statuses."), field="status")
    req = Request.objects.select_for_update().select_related("company").get(pk=req.pk)
    if req.status == status:
        return req
    before = snapshot(req, ("status",))
    req.status = status
    req.status_changed_at = timezone.now()
    req.save(update_fields=["status", "status_changed_at"])
    with translation.override(settings.LANGUAGE_CODE):
        log_action(
            actor=actor,
            action="update",
            obj=req,
            company=_timeline_company(req.company),
            changes=diff(before, snapshot(req, ("status",))),
        )
    return req
