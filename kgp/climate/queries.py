"""Reads of the factor sets: the current set and a set as the calculation's pure-Python table."""

from __future__ import annotations

from .calc import CarrierData, FactorTable, Scope3Data
from .models import FactorSet


def current_factor_set() -> FactorSet | None:
    """The newest published set (by publication time), or None."""
    return FactorSet.objects.filter(status=FactorSet.Status.PUBLISHED).order_by("-published_at", "-id").first()


def factor_table(factor_set: FactorSet) -> FactorTable:
    carriers = {
        c.code: CarrierData(
            code=c.code, name_de=c.name_de, name_en=c.name_en, scope=c.scope, kg_per_kwh=c.kg_per_kwh, source=c.source,
            hs_hi_ratio=c.hs_hi_ratio, hs_hi_source=c.hs_hi_source, litre_kwh=c.litre_kwh, litre_source=c.litre_source,
        )
        for c in factor_set.carriers.order_by("id")
    }  # fmt: skip
    electricity = {e.year: (e.kg_per_kwh, e.source) for e in factor_set.electricity.order_by("year")}
    scope3 = {
        s.key: Scope3Data(key=s.key, name_de=s.name_de, name_en=s.name_en, unit=s.unit, kg_per_unit=s.kg_per_unit, source=s.source)
        for s in factor_set.scope3.order_by("key")
    }
    return FactorTable(name=factor_set.name, carriers=carriers, electricity=electricity, scope3=scope3)
