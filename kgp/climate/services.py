"""Writes of the emission factor sets (network coordination only), each audited.

A published set never changes: `factor_set_copy` makes a draft from it, `factor_set_update_factor`
edits the draft, `factor_set_publish` makes it the current set. Results computed earlier keep their
lines (the factor, the source and the set's name are part of each result).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kgp.core.audit import log_action
from kgp.core.errors import ServiceError

from .models import CarrierFactor, ElectricityFactor, FactorSet, Scope3Factor

if TYPE_CHECKING:
    from kgp.accounts.models import User

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
