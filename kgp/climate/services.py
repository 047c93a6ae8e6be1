"""Writes of the emission factor sets (network coordination only), each audited.

A published set never changes: `factor_set_copy` makes a draft from it, `factor_set_update_factor`
edits the draft, `factor_set_publish` makes it the current set. Results computed earlier keep their
lines (the factor, the source and the set's name are part of each result).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kgp.core.audit import log_action
from kgp.core.errors import ServiceError

from . import calc, queries
from .models import CarrierFactor, ElectricityFactor, FactorSet, Footprint, Scope3Factor

if TYPE_CHECKING:
    from kgp.accounts.models import User
    from kgp.companies.models import Company

MAX_FACTOR = Decimal("10")


def _ensure_coordinator(actor: Any) -> None:
    if not getattr(actor, "is_coordinator", False):
        raise PermissionDenied(_("Only the network coordination may edit emission factors."))


def _ensure_draft(factor_set: FactorSet) -> None:
    if factor_set.status != FactorSet.Status.DRAFT:
        raise ServiceError(
            _("The factor set “%(name)s” is published and can no longer be changed. Copy it to a new draft.") % {"name": factor_set.name},
            code="published",
        )


def _full_clean(instance: Any, **kwargs: Any) -> None:
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(" ".join(messages), field=None if field == "__all__" else field) from exc


@transaction.atomic
def factor_set_copy(*, actor: User | None, source: FactorSet, name: str, valid_year: int | None = None) -> FactorSet:
    """A new draft with every factor of `source`."""
    _ensure_coordinator(actor)
    name = (name or "").strip()
    if FactorSet.objects.filter(name=name).exists():
        raise ServiceError(_("A factor set with this name exists already."), field="name", code="duplicate")
    draft = FactorSet(
        name=name, valid_year=valid_year or source.valid_year, source_note=source.source_note, copied_from=source,
        created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    _full_clean(draft)
    draft.save()
    CarrierFactor.objects.bulk_create(
        CarrierFactor(
            factor_set=draft, code=c.code, name_de=c.name_de, name_en=c.name_en, scope=c.scope, kg_per_kwh=c.kg_per_kwh,
            source=c.source, hs_hi_ratio=c.hs_hi_ratio, hs_hi_source=c.hs_hi_source, litre_kwh=c.litre_kwh,
            litre_source=c.litre_source,
        )
        for c in source.carriers.order_by("id")
    )  # fmt: skip
    ElectricityFactor.objects.bulk_create(
        ElectricityFactor(factor_set=draft, year=e.year, kg_per_kwh=e.kg_per_kwh, source=e.source) for e in source.electricity.all()
    )
    Scope3Factor.objects.bulk_create(
        Scope3Factor(
            factor_set=draft, key=s.key, name_de=s.name_de, name_en=s.name_en, unit=s.unit, kg_per_unit=s.kg_per_unit, source=s.source
        )
        for s in source.scope3.all()
    )
    log_action(actor=actor, action="create", obj=draft, changes={"name": [None, draft.name], "copied_from": [None, source.name]})
    return draft


def _factor_value(value: Any) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or number < 0 or number > MAX_FACTOR:
        raise ServiceError(_("Enter a factor between 0 and 10 kg CO2 per kWh."), field="kg_per_kwh", code="invalid")
    return number


@transaction.atomic
def factor_set_update_factor(
    *,
    actor: User | None,
    factor_set: FactorSet,
    kg_per_kwh: Decimal | str | float,
    source: str,
    carrier: str | None = None,
    electricity_year: int | None = None,
) -> CarrierFactor | ElectricityFactor:
    """Change one factor of a draft: an energy carrier's, or the grid mix of a year (added if new)."""
    _ensure_coordinator(actor)
    factor_set = FactorSet.objects.select_for_update().get(pk=factor_set.pk)
    _ensure_draft(factor_set)
    value = _factor_value(kg_per_kwh)
    source = (source or "").strip()
    if not source:
        raise ServiceError(_("Every factor needs its source."), field="source", code="required")
    factor: CarrierFactor | ElectricityFactor
    if (carrier is None) == (electricity_year is None):
        raise ServiceError(_("Name either an energy carrier or a year of the electricity grid mix."), code="invalid")
    if carrier is not None:
        found = factor_set.carriers.filter(code=carrier).first()
        if found is None or carrier == "electricity":
            raise ServiceError(_("This energy carrier has no factor of its own in this set."), field="carrier", code="unknown_carrier")
        factor, before = found, {"kg_per_kwh": str(found.kg_per_kwh), "source": found.source}
    else:
        existing = factor_set.electricity.filter(year=electricity_year).first()
        before = {"kg_per_kwh": str(existing.kg_per_kwh), "source": existing.source} if existing else {}
        factor = existing or ElectricityFactor(factor_set=factor_set, year=electricity_year)
    factor.kg_per_kwh = value
    factor.source = source
    _full_clean(factor, validate_constraints=False)
    factor.save()
    after = {"kg_per_kwh": str(factor.kg_per_kwh), "source": factor.source}
    label = carrier or f"electricity {electricity_year}"
    changes = {f"{label}: {k}": [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if changes:
        log_action(actor=actor, action="update", obj=factor_set, changes=changes)
    return factor


@transaction.atomic
def factor_set_publish(*, actor: User | None, factor_set: FactorSet) -> FactorSet:
    """Publish a draft: from now on it is the current set (the newest published one)."""
    _ensure_coordinator(actor)
    factor_set = FactorSet.objects.select_for_update().get(pk=factor_set.pk)
    _ensure_draft(factor_set)
    codes = set(factor_set.carriers.values_list("code", flat=True))
    if "electricity" not in codes or not factor_set.electricity.exists():
        raise ServiceError(_("A factor set needs electricity with at least one year of the grid mix."), code="not_publishable")
    if factor_set.carriers.exclude(code="electricity").filter(kg_per_kwh__isnull=True).exists():
        raise ServiceError(_("Every energy carrier except electricity needs a factor."), code="not_publishable")
    factor_set.status = FactorSet.Status.PUBLISHED
    factor_set.published_at = timezone.now()
    factor_set.save(update_fields=["status", "published_at"])
    log_action(actor=actor, action="update", obj=factor_set, changes={"status": ["draft", "published"]})
    return factor_set


# --- stored footprints ---------------------------------------------------------------------------

MILLION = Decimal("1000000")


def _json_safe(value: Any) -> Any:
    """The input as plain JSON: Decimals as strings (exact), containers walked."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _opt(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def result_to_json(result: calc.Result) -> dict[str, Any]:
    """A calculation's result as stored in `Footprint.result` (Decimals as exact strings)."""
    return {
        "factor_set": result.factor_set,
        "year": result.year,
        "scope1_kg": format(result.scope1_kg, "f"),
        "scope2_location_kg": format(result.scope2_location_kg, "f"),
        "scope2_market_kg": format(result.scope2_market_kg, "f"),
        "scope3_kg": format(result.scope3_kg, "f"),
        "lines": [
            {
                "carrier": line.carrier, "site": line.site, "scope": line.scope, "quantity_kwh": _opt(line.quantity_kwh),
                "quantity_km": _opt(line.quantity_km), "factor": format(line.factor, "f"), "kg": format(line.kg, "f"),
                "source": line.source,
            }  # fmt: skip
            for line in result.lines
        ],
        "notes": list(result.notes),
    }


def _optional_positive(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or number <= 0 or number >= Decimal("1e12"):
        raise ServiceError(_("Enter a positive number."), field=field, code="invalid")
    return number


def _is_member(user: Any, company: Company) -> bool:
    from kgp.companies.access import companies_for_member

    return bool(getattr(user, "is_authenticated", False)) and companies_for_member(user).filter(pk=company.pk).exists()


@transaction.atomic
def footprint_create(
    *,
    actor: User | None,
    data: Mapping[str, Any],
    company: Company | None = None,
    employees: Decimal | str | None = None,
    turnover_eur: Decimal | str | None = None,
) -> Footprint:
    """Calculate with the current set and store input and result. Raises `calc.InputError` for an
    invalid input (the API maps it to 400 like `POST /climate/calculate`). A company's result needs
    an approved member of the company, or staff who may edit it; anonymous results have no company."""
    from kgp.companies.access import can_edit_company

    if company is not None and not (_is_member(actor, company) or (actor is not None and can_edit_company(actor, company))):
        raise PermissionDenied(_("Only members of the company may store a result for it."))
    factor_set = queries.current_factor_set()
    if factor_set is None:
        raise ServiceError(_("No emission factor set has been published yet."), code="no_factor_set")
    employees_value = _optional_positive(employees, "employees")
    turnover_value = _optional_positive(turnover_eur, "turnover_eur")
    result = calc.calculate(queries.factor_table(factor_set), data)
    footprint = Footprint.objects.create(
        company=company, year=result.year, factor_set=factor_set, inputs=_json_safe(dict(data)), result=result_to_json(result),
        employees=employees_value, turnover_eur=turnover_value, created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    if company is not None:
        log_action(actor=actor, action="create", obj=footprint, company=company, changes={"year": [None, footprint.year]})
    return footprint


@transaction.atomic
def footprint_share(*, actor: User | None, footprint: Footprint, shared: bool) -> Footprint:
    """A company member shares the result with the company's agency (or withdraws it)."""
    footprint = Footprint.objects.select_for_update(of=("self",)).select_related("company").get(pk=footprint.pk)
    if footprint.company is None:
        raise ServiceError(_("Only results stored for a company can be shared."), code="no_company")
    if not _is_member(actor, footprint.company):
        raise PermissionDenied(_("Only members of the company may share its results."))
    if footprint.shared_with_agency == shared:
        return footprint
    footprint.shared_with_agency = shared
    footprint.shared_at = timezone.now() if shared else None
    footprint.save(update_fields=["shared_with_agency", "shared_at"])
    log_action(
        actor=actor, action="update", obj=footprint, company=footprint.company, changes={"shared_with_agency": [not shared, shared]}
    )
    return footprint


def total_kg(result: Mapping[str, Any], *, market_based: bool = False) -> Decimal:
    """Scope 1 + 2 (location-based unless `market_based`) + 3 of a stored result, in kg."""
    scope2 = result["scope2_market_kg"] if market_based else result["scope2_location_kg"]
    return Decimal(result["scope1_kg"]) + Decimal(scope2) + Decimal(result["scope3_kg"])


def tonnes_per_employee(total: Decimal, employees: Decimal | None) -> Decimal | None:
    """t CO2 per employee; None without a positive number of employees."""
    if employees is None or employees <= 0:
        return None
    return total / Decimal(1000) / employees


def tonnes_per_million_eur(total: Decimal, turnover_eur: Decimal | None) -> Decimal | None:
    """t CO2 per EUR million turnover; None without a positive turnover."""
    if turnover_eur is None or turnover_eur <= 0:
        return None
    return total / Decimal(1000) / (turnover_eur / MILLION)
