"""/climate: the climate quick check's factors and calculation, for anybody, without a token.

`GET /climate/factors` gives the current emission factor set; `POST /climate/calculate` computes a
CO2 footprint from a year's energy use and stores nothing. `company_footprints_router` (mounted at
/companies, staff tokens) lists a company's stored footprints that were shared with its agency.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from kgp.climate import calc, queries
from kgp.climate.access import footprints_for_staff
from kgp.climate.models import Footprint
from kgp.companies.access import company_for_staff

from .auth import StaffTokenAuth, api_user
from .errors import ApiError
from .schemas import ErrorOut, page_of

router = Router(tags=["climate"], auth=None)
company_footprints_router = Router(tags=["climate"], auth=StaffTokenAuth())

# --- schemas -----------------------------------------------------------------------------------


class CarrierOut(Schema):
    code: str
    name_de: str
    name_en: str
    scope: int = Field(description="1: fuels burnt on site; 2: energy bought (electricity, district heating).")
    units: list[str] = Field(description="Units accepted for this carrier in `entries[].unit`.")
    kg_per_kwh: float | None = Field(description="kg CO2 per kWh (net calorific value, Hi); null for electricity (see `electricity`).")
    source: str
    hs_hi_ratio: float | None = Field(description="Ratio gross/net calorific value (Hs/Hi) for the unit `kWh_hs`.")
    hs_hi_source: str
    litre_kwh: float | None = Field(description="kWh (Hi) per litre for the unit `litre`.")
    litre_source: str


class ElectricityOut(Schema):
    year: int
    kg_per_kwh: float = Field(description="German grid mix, location-based.")
    source: str


class Scope3Out(Schema):
    key: str
    name_de: str
    name_en: str
    unit: str
    kg_per_unit: float
    source: str


class FactorsOut(Schema):
    name: str
    valid_year: int
    source_note: str
    published_at: Any
    carriers: list[CarrierOut]
    electricity: list[ElectricityOut]
    scope3: list[Scope3Out] = Field(description="Scope 3 screening factors; entries without a factor are reported, not guessed.")


class EntryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    carrier: str = Field(max_length=100, description="Energy carrier code, see `GET /climate/factors`.")
    quantity: Decimal = Field(description="Amount in `unit`; not negative.")
    unit: str = Field(max_length=20, description="kWh, MWh, kWh_hs (gross, as on gas bills), litre, m3 (natural gas).")
    calorific_value: Decimal | None = Field(None, description="m3 only: Brennwert in kWh/m³ from the gas bill.")
    z_number: Decimal | None = Field(None, description="m3 only: Zustandszahl from the gas bill.")
    site: str | None = Field(None, max_length=200, description="Optional name of the site.")


class Scope3In(Schema):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(max_length=100)
    km: Decimal


class CalculateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(description="Year of consumption (selects the electricity grid mix).")
    entries: list[EntryIn] = Field(default_factory=list, description=f"At most {calc.MAX_ENTRIES} entries.")
    electricity_supplier_factor: Decimal | None = Field(
        None, description="Market-based: the supplier's kg CO2/kWh from the electricity bill."
    )
    guarantees_kwh: Decimal | None = Field(
        None, description="Market-based: electricity covered by guarantees of origin (counted as 0)."
    )
    scope3: list[Scope3In] = Field(default_factory=list, description="Optional Scope 3 screening by km.")


class LineOut(Schema):
    carrier: str
    site: str | None
    scope: int
    quantity_kwh: float | None
    quantity_km: float | None
    factor: float
    kg: float
    source: str


class CalculateOut(Schema):
    factor_set: str
    year: int
    scope1_kg: float
    scope2_location_kg: float
    scope2_market_kg: float
    scope3_kg: float
    lines: list[LineOut]
    notes: list[str]


# --- endpoints ---------------------------------------------------------------------------------


def _current() -> Any:
    factor_set = queries.current_factor_set()
    if factor_set is None:
        raise Http404
    return factor_set


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@router.get("/factors", response={200: FactorsOut, 404: ErrorOut}, summary="The current emission factor set", auth=None)
def get_factors(request: HttpRequest) -> dict[str, object]:
    """The newest published factor set: per energy carrier its units, factor, conversions and
    sources, and the electricity grid mix by year. No token needed."""
    factor_set = _current()
    table = queries.factor_table(factor_set)
    return {
        "name": factor_set.name,
        "valid_year": factor_set.valid_year,
        "source_note": factor_set.source_note,
        "published_at": factor_set.published_at,
        "carriers": [
            {
                "code": c.code, "name_de": c.name_de, "name_en": c.name_en, "scope": c.scope, "units": list(c.units),
                "kg_per_kwh": _float(c.kg_per_kwh), "source": c.source, "hs_hi_ratio": _float(c.hs_hi_ratio),
                "hs_hi_source": c.hs_hi_source, "litre_kwh": _float(c.litre_kwh), "litre_source": c.litre_source,
            }  # fmt: skip
            for c in table.carriers.values()
        ],
        "electricity": [{"year": y, "kg_per_kwh": float(f), "source": s} for y, (f, s) in sorted(table.electricity.items())],
        "scope3": [
            {"key": s.key, "name_de": s.name_de, "name_en": s.name_en, "unit": s.unit, "kg_per_unit": float(s.kg_per_unit), "source": s.source}
            for s in table.scope3.values()
        ],
    }


@router.post(
    "/calculate",
    response={200: CalculateOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Calculate a CO2 footprint",
    auth=None,
)
def calculate(request: HttpRequest, payload: CalculateIn) -> dict[str, object]:
    """Scope 1, Scope 2 (location- and market-based) and Scope 3 in kg CO2 (unrounded) with the
    current factor set, a line per entry with its factor and source, and notes (e.g. which year's
    grid mix was used). Stores nothing; no token needed.

    400 with `errors` naming each offending field (`entries[2].unit`, `year`, ...) for negative or
    absurd quantities (more than 10 TWh), unknown carriers or units, m³ without Brennwert or
    Zustandszahl, a year out of range or too many entries; 422 for values of the wrong type.
    """
    table = queries.factor_table(_current())
    try:
        result = calc.calculate(table, payload.dict())
    except calc.InputError as exc:
        errors = [{"field": p.field, "location": "body", "message": str(p.message), "type": p.code} for p in exc.problems]
        detail = _("The input is invalid: %(problems)s") % {"problems": "; ".join(f"{e['field']}: {e['message']}" for e in errors)}
        first = exc.problems[0]
        raise ApiError(400, detail, field=first.field, code=first.code, errors=errors) from exc
    return {
        "factor_set": result.factor_set,
        "year": result.year,
        "scope1_kg": float(result.scope1_kg),
        "scope2_location_kg": float(result.scope2_location_kg),
        "scope2_market_kg": float(result.scope2_market_kg),
        "scope3_kg": float(result.scope3_kg),
        "lines": [
            {
                "carrier": line.carrier, "site": line.site, "scope": line.scope, "quantity_kwh": _float(line.quantity_kwh),
                "quantity_km": _float(line.quantity_km), "factor": float(line.factor), "kg": float(line.kg), "source": line.source,
            }  # fmt: skip
            for line in result.lines
        ],
        "notes": list(result.notes),
    }


# --- stored footprints (staff) -------------------------------------------------------------------


class FootprintLineOut(Schema):
    carrier: str
    site: str | None
    scope: int
    quantity_kwh: float | None
    quantity_km: float | None
    factor: float
    kg: float
    source: str


class FootprintOut(Schema):
    year: int
    factor_set: str = Field(description="Name of the factor set the result was calculated with (kept as it was).")
    scope1_kg: float
    scope2_location_kg: float
    scope2_market_kg: float
    scope3_kg: float
    created_at: Any
    shared_at: Any
    lines: list[FootprintLineOut]


class FootprintPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[FootprintOut]


class FootprintListParams(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


def _maybe_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _footprint_out(footprint: Footprint) -> dict[str, object]:
    result = footprint.result
    return {
        "year": footprint.year,
        "factor_set": footprint.factor_set.name,
        "scope1_kg": float(result["scope1_kg"]),
        "scope2_location_kg": float(result["scope2_location_kg"]),
        "scope2_market_kg": float(result["scope2_market_kg"]),
        "scope3_kg": float(result["scope3_kg"]),
        "created_at": footprint.created_at,
        "shared_at": footprint.shared_at,
        "lines": [
            {
                "carrier": line["carrier"], "site": line.get("site"), "scope": line["scope"],
                "quantity_kwh": _maybe_float(line.get("quantity_kwh")), "quantity_km": _maybe_float(line.get("quantity_km")),
                "factor": float(line["factor"]), "kg": float(line["kg"]), "source": line["source"],
            }  # fmt: skip
            for line in result.get("lines", [])
        ],
    }


@company_footprints_router.get(
    "/{company_id}/footprints",
    response={200: FootprintPage, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="A company's shared CO2 footprints",
)
def list_company_footprints(request: HttpRequest, company_id: int, params: Query[FootprintListParams]) -> dict[str, object]:
    """The stored footprints the company shared with its agency, newest year first; `page_size` at
    most 200. Visible to the network coordination and the staff of the company's responsible
    agency. 404 for a company you may not see; for a company you may read only because it is
    shared network-wide (another agency), an empty list: a footprint is shared with the responsible
    agency only, never network-wide."""
    user = api_user(request)
    company = company_for_staff(user, company_id)
    qs = footprints_for_staff(user, company).order_by("-year", "-created_at", "-id")
    page = page_of(qs, page=params.page, page_size=params.page_size)
    page["results"] = [_footprint_out(f) for f in page["results"]]  # type: ignore[union-attr]
    return page
