"""De-minimis services: granting aid (with the ceiling check) and the De-minimis-Erklärung.

Keyword-only, typed, atomic; each one writes the audit log with the company, so the ledger appears on
the company's timeline. Views check who may call them (access layer) and only pass input.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kgp.accounts.models import Role, User
from kgp.catalogue.models import Offer
from kgp.companies.models import Company
from kgp.core.audit import log_action, snapshot
from kgp.core.errors import ServiceError
from kgp.organisations.models import Organisation

from . import queries, rules
from .models import AidGrant, DeclaredAid

MAX_VALUE = Decimal("9999999999.99")


def _eur(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def _amount(value: object, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("Enter an amount in euros."), field=field) from None
    if not amount.is_finite() or amount < 0:
        raise ServiceError(_("The amount must not be negative."), field=field, code="negative")
    if amount > MAX_VALUE:
        raise ServiceError(_("The amount is implausibly high."), field=field)
    return amount.quantize(Decimal("0.01"))


def _past_date(day: dt.date, field: str) -> dt.date:
    if not isinstance(day, dt.date):
        raise ServiceError(_("Enter a date."), field=field)
    if day > timezone.localdate():
        raise ServiceError(_("The date must not lie in the future."), field=field, code="future")
    return day


def _text(value: str, field: str, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ServiceError(_("This field is required."), field=field, code="required")
    if len(text) > max_length:
        raise ServiceError(_("The text is too long."), field=field)
    return text


def _lock_undertaking(company: Company) -> queries.Undertaking:
    """Lock the company and its linked company records (in id order), so concurrent grants serialise."""
    undertaking = queries.single_undertaking(company)
    list(Company.objects.select_for_update().filter(pk__in=undertaking.ids).order_by("pk").values_list("pk", flat=True))
    return undertaking


def _granting_agency(actor: User, company: Company) -> Organisation:
    """The agency responsible for the company grants; outside the region, the coordination's agency."""
    agency = company.responsible_partner or actor.organisation
    if agency is None:
        agency = Organisation.objects.filter(is_lead_partner=True).first()
    if agency is None:
        raise ServiceError(_("No granting agency could be determined."), code="no_agency")
    return agency


@transaction.atomic
def aid_grant(
    *,
    actor: User,
    company: Company,
    granted_on: dt.date,
    value_eur: Decimal,
    purpose: str,
    offer: Offer | None = None,
    override_reason: str = "",
) -> AidGrant:
    """Grant de-minimis aid and assign its certificate number.

    Refused when the single undertaking's aid (granted and declared) in the three-year window would
    exceed EUR 300,000 — unless a network coordinator records the decision with a reason.
    """
    if not (actor.is_authenticated and actor.can_edit_crm):
        raise ServiceError(_("You may not grant aid."), code="forbidden")
    granted_on = _past_date(granted_on, "granted_on")
    value = _amount(value_eur, "value_eur")
    purpose = _text(purpose, "purpose", 500)
    override_reason = (override_reason or "").strip()
    if offer is not None and not offer.is_de_minimis:
        raise ServiceError(_("This offer does not count as de-minimis aid."), field="offer", code="not_de_minimis")
    undertaking = _lock_undertaking(company)
    aids = queries.aids_for(undertaking.ids)
    exceeds = rules.would_exceed(aids, value, granted_on)
    if exceeds:
        if actor.role != Role.COORDINATOR or not override_reason:
            total = rules.rolling_total(aids, granted_on)
            raise ServiceError(
                _(
                    "The aid cannot be granted as de-minimis aid: the single undertaking has received "
                    "EUR %(total)s in the three years up to %(day)s; only EUR %(headroom)s remain below "
                    "the ceiling of EUR 300,000. Only the network coordination can record a decision, with its reason."
                )
                % {
                    "total": _eur(total),
                    "headroom": _eur(rules.headroom(aids, granted_on)),
                    "day": granted_on.strftime("%d.%m.%Y"),
                },
                field="value_eur",
                code="ceiling",
            )
    grant = AidGrant(
        company=company,
        granted_on=granted_on,
        value_eur=value,
        purpose=purpose,
        offer=offer,
        organisation=_granting_agency(actor, company),
        consultant=actor,
    )
    if exceeds:
        grant.exceeds_ceiling = True
        grant.override_reason = override_reason[:2000]
        grant.override_by = actor
        grant.override_at = timezone.now()
    grant.full_clean(exclude=["certificate_number"])
    grant.save()
    grant.certificate_number = f"DM-{granted_on.year}-{grant.pk:05d}"
    grant.save(update_fields=["certificate_number"])
    log_action(actor=actor, action="create", obj=grant, company=company, changes=snapshot(grant, AidGrant.AUDITED_FIELDS))
    return grant


@transaction.atomic
def declared_aid_add(
    *,
    actor: User,
    company: Company,
    granted_on: dt.date,
    grantor: str,
    amount_eur: Decimal,
    legal_basis: str,
    source: str,
) -> DeclaredAid:
    """Record other de-minimis aid the company received (De-minimis-Erklärung). The caller has
    checked that the actor is an approved member (portal) or may edit the company (backoffice)."""
    if source not in DeclaredAid.Source.values:
        raise ServiceError(_("Unknown source."), code="invalid")
    declared = DeclaredAid(
        company=company,
        granted_on=_past_date(granted_on, "granted_on"),
        grantor=_text(grantor, "grantor", 200),
        amount_eur=_amount(amount_eur, "amount_eur"),
        legal_basis=_text(legal_basis, "legal_basis", 300),
        declared_by=actor if getattr(actor, "pk", None) else None,
        source=source,
    )
    declared.full_clean()
    declared.save()
    log_action(actor=actor, action="create", obj=declared, company=company, changes=snapshot(declared, DeclaredAid.AUDITED_FIELDS))
    return declared


@transaction.atomic
def declared_aid_delete(*, actor: User, declared: DeclaredAid) -> None:
    """Remove a declaration entered by mistake (staff only; the audit log keeps what it said)."""
    if not (actor.is_authenticated and actor.can_edit_crm):
        raise ServiceError(_("You may not delete declared aid."), code="forbidden")
    company = declared.company
    log_action(actor=actor, action="delete", obj=declared, company=company, changes=snapshot(declared, DeclaredAid.AUDITED_FIELDS))
    declared.delete()


def headroom(*, company: Company, day: dt.date | None = None) -> queries.Position:
    """The single undertaking's rolling sum and headroom on `day` (default today), for display."""
    return queries.position(company, day or timezone.localdate())
