"""Loading a factor set from its JSON file (data/factors_2024.json); used by migration 0002."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

SEED_PATH = Path(__file__).resolve().parent / "data" / "factors_2024.json"


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def load(data: dict[str, Any], *, apps: Any, status: str = "published", published_at: Any = None) -> Any:
    """Create the set with all its factors (models from `apps`, so a migration can use it)."""
    FactorSet = apps.get_model("climate", "FactorSet")
    CarrierFactor = apps.get_model("climate", "CarrierFactor")
    ElectricityFactor = apps.get_model("climate", "ElectricityFactor")
    Scope3Factor = apps.get_model("climate", "Scope3Factor")
    factor_set = FactorSet.objects.create(
        name=data["name"], valid_year=data["valid_year"], status=status, source_note=data.get("source_note", ""),
        published_at=published_at,
    )  # fmt: skip
    CarrierFactor.objects.bulk_create(
        CarrierFactor(
            factor_set=factor_set, code=c["code"], name_de=c["name_de"], name_en=c["name_en"], scope=c["scope"],
            kg_per_kwh=_dec(c.get("kg_per_kwh")), source=c["source"], hs_hi_ratio=_dec(c.get("hs_hi_ratio")),
            hs_hi_source=c.get("hs_hi_source", ""), litre_kwh=_dec(c.get("litre_kwh")), litre_source=c.get("litre_source", ""),
        )
        for c in data["carriers"]
    )  # fmt: skip
    ElectricityFactor.objects.bulk_create(
        ElectricityFactor(factor_set=factor_set, year=e["year"], kg_per_kwh=_dec(e["kg_per_kwh"]), source=e["source"])
        for e in data["electricity"]
    )
    Scope3Factor.objects.bulk_create(
        Scope3Factor(
            factor_set=factor_set, key=s["key"], name_de=s["name_de"], name_en=s["name_en"], unit=s.get("unit", "km"),
            kg_per_unit=_dec(s["kg_per_unit"]), source=s["source"],
        )
        for s in data.get("scope3", [])
    )  # fmt: skip
    return factor_set
