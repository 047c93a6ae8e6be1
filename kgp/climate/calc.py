"""The climate quick check's arithmetic: pure Python with Decimal, no database.

`calculate(table, data)` takes a factor table (built from a factor set by `queries.factor_table`) and
the raw input (a mapping as it comes from JSON) and returns a `Result`, or raises `InputError` with
every problem found, each with its field path (``entries[2].unit``).

Units: ``kWh`` and ``MWh`` (net calorific value, Hi), ``kWh_hs`` (gross calorific value, Brennwert,
as on German gas bills; only carriers with a ratio Hs/Hi: kWh_hs / ratio), ``litre`` (only carriers
with a litre conversion) and ``m3`` (natural gas only: kWh_hs = m³ × Zustandszahl × Brennwert, then
/ ratio). Scope 2 is given location-based (grid mix of the year of consumption, district heating's
default factor) and market-based (the supplier's factor, electricity covered by guarantees of origin
counted as 0).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

UNITS = ("kWh", "MWh", "kWh_hs", "litre", "m3")
ELECTRICITY = "electricity"
NATURAL_GAS = "natural_gas"
FIRST_YEAR = 1990
MAX_ENTRIES = 200
MAX_SCOPE3_ENTRIES = 50
MAX_KWH = Decimal("1e10")  # 10 TWh: far beyond any SME
MAX_KM = Decimal("1e9")
# Raw numbers beyond these are absurd in any unit; checked before any arithmetic.
MAX_RAW = Decimal("1e12")
CALORIFIC_RANGE = (Decimal("5"), Decimal("15"))  # Brennwert of natural gas, kWh/m³ (bills: about 8-12)
Z_RANGE = (Decimal("0.5"), Decimal("1.2"))  # Zustandszahl (bills: about 0.9-1.0)
MAX_SUPPLIER_FACTOR = Decimal("2")

M3_HELP = _(
    "For gas in m³ both the calorific value (Brennwert, kWh/m³) and the Zustandszahl are needed. "
    "Your gas bill prints both in the table of consumption, next to the meter readings "
    "(conversion: m³ × Zustandszahl × Brennwert = kWh)."
)


@dataclass(frozen=True)
class CarrierData:
    code: str
    name_de: str
    name_en: str
    scope: int
    kg_per_kwh: Decimal | None
    source: str
    hs_hi_ratio: Decimal | None = None
    hs_hi_source: str = ""
    litre_kwh: Decimal | None = None
    litre_source: str = ""

    @property
    def units(self) -> tuple[str, ...]:
        units = ["kWh", "MWh"]
        if self.hs_hi_ratio:
            units.append("kWh_hs")
        if self.litre_kwh:
            units.append("litre")
        if self.code == NATURAL_GAS and self.hs_hi_ratio:
            units.append("m3")
        return tuple(units)


@dataclass(frozen=True)
class Scope3Data:
    key: str
    name_de: str
    name_en: str
    unit: str
    kg_per_unit: Decimal
    source: str


@dataclass(frozen=True)
class FactorTable:
    name: str
    carriers: Mapping[str, CarrierData]
    electricity: Mapping[int, tuple[Decimal, str]]  # year: (kg per kWh, source)
    scope3: Mapping[str, Scope3Data] = field(default_factory=dict)


@dataclass(frozen=True)
class Line:
    carrier: str
    scope: int
    quantity_kwh: Decimal | None
    factor: Decimal
    kg: Decimal
    source: str
    site: str | None = None
    quantity_km: Decimal | None = None


@dataclass(frozen=True)
class Result:
    factor_set: str
    year: int
    scope1_kg: Decimal
    scope2_location_kg: Decimal
    scope2_market_kg: Decimal
    scope3_kg: Decimal
    lines: tuple[Line, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Problem:
    field: str
    message: Any  # a lazy translation; str() it in the request's language
    code: str


class InputError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


def _number(value: Any) -> Decimal | None:
    """A finite Decimal from a JSON number or a numeric string; None for anything else."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (decimal.InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def _fmt(number: Decimal) -> str:
    return format(number.normalize(), "f")


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: Any, code: str) -> None:
        self.problems.append(Problem(path, message, code))

    def number(self, data: Mapping[str, Any], key: str, path: str, *, required: bool, maximum: Decimal) -> Decimal | None:
        raw = data.get(key)
        if raw is None:
            if required:
                self.add(path, _("A value is required."), "missing")
            return None
        number = _number(raw)
        if number is None:
            self.add(path, _("Expected a number."), "not_a_number")
        elif number < 0:
            self.add(path, _("The value must not be negative."), "negative")
        elif number > maximum:
            self.add(path, _("The value is implausibly large."), "absurd")
        else:
            return number
        return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def calculate(table: FactorTable, data: Mapping[str, Any], *, today: dt.date | None = None) -> Result:
    with decimal.localcontext() as ctx:
        ctx.prec = 28
        ctx.traps[decimal.Overflow] = True
        return _calculate(table, data, today or dt.date.today())


def _calculate(table: FactorTable, data: Mapping[str, Any], today: dt.date) -> Result:
    errors = _Collector()
    notes: list[str] = []
    if not isinstance(data, Mapping):
        raise InputError([Problem("", _("Expected a JSON object."), "invalid")])

    year = data.get("year")
    last_year = today.year + 1
    if isinstance(year, bool) or not isinstance(year, int):
        errors.add("year", _("Expected a whole number."), "invalid")
        year = None
    elif not FIRST_YEAR <= year <= last_year:
        errors.add("year", _("The year must lie between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": last_year}, "out_of_range")
        year = None

    entries = data.get("entries")
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        errors.add("entries", _("Expected a list."), "invalid")
        entries = []
    elif len(entries) > MAX_ENTRIES:
        errors.add("entries", _("At most %(max)s entries are allowed.") % {"max": MAX_ENTRIES}, "too_many")
        entries = []

    supplier = errors.number(data, "electricity_supplier_factor", "electricity_supplier_factor", required=False, maximum=MAX_SUPPLIER_FACTOR)
    guarantees = errors.number(data, "guarantees_kwh", "guarantees_kwh", required=False, maximum=MAX_KWH)

    # Pass 1: every entry converted to kWh (Hi), or its problems.
    converted: list[tuple[CarrierData, Decimal, str | None]] = []
    for index, entry in enumerate(entries):
        path = f"entries[{index}]"
        if not isinstance(entry, Mapping):
            errors.add(path, _("Expected a JSON object."), "invalid")
            continue
        item = _entry_kwh(table, entry, path, errors)
        if item is not None:
            converted.append(item)

    scope3_in = data.get("scope3")
    if scope3_in is None:
        scope3_in = []
    if not isinstance(scope3_in, list):
        errors.add("scope3", _("Expected a list."), "invalid")
        scope3_in = []
    elif len(scope3_in) > MAX_SCOPE3_ENTRIES:
        errors.add("scope3", _("At most %(max)s entries are allowed.") % {"max": MAX_SCOPE3_ENTRIES}, "too_many")
        scope3_in = []
    scope3_items: list[tuple[str, Decimal]] = []
    for index, entry in enumerate(scope3_in):
        path = f"scope3[{index}]"
        if not isinstance(entry, Mapping):
            errors.add(path, _("Expected a JSON object."), "invalid")
            continue
        key = _text(entry.get("key"))
        if not key or len(key) > 40:
            errors.add(f"{path}.key", _("Expected the key of a Scope 3 category, e.g. “business_travel_car”."), "invalid")
        km = errors.number(entry, "km", f"{path}.km", required=True, maximum=MAX_KM)
        if key and len(key) <= 40 and km is not None:
            scope3_items.append((key, km))

    electricity_kwh = sum((kwh for carrier, kwh, _site in converted if carrier.code == ELECTRICITY), Decimal(0))
    grid: tuple[Decimal, str] | None = None
    if year is not None and any(carrier.code == ELECTRICITY for carrier, _kwh, _site in converted):
        earlier = [y for y in table.electricity if y <= year]
        if not earlier:
            errors.add("year", _("No electricity factor is known for %(year)s or an earlier year.") % {"year": year}, "no_factor")
        else:
            used = max(earlier)
            grid = table.electricity[used]
            if used != year:
                notes.append(
                    str(_("No electricity factor is known for %(year)s yet; the grid mix of %(used)s was used.") % {"year": year, "used": used})
                )
    if guarantees is not None and guarantees > electricity_kwh:
        errors.add("guarantees_kwh", _("The electricity covered by guarantees of origin exceeds the electricity entered."), "too_large")
    if errors.problems:
        raise InputError(errors.problems)
    assert year is not None

    lines: list[Line] = []
    scope1 = scope2_location = scope2_market = scope3 = Decimal(0)
    for carrier, kwh, site in converted:
        if carrier.code == ELECTRICITY:
            assert grid is not None
            factor, source = grid
        else:
            assert carrier.kg_per_kwh is not None
            factor, source = carrier.kg_per_kwh, carrier.source
        kg = kwh * factor
        lines.append(Line(carrier=carrier.code, scope=carrier.scope, quantity_kwh=kwh, factor=factor, kg=kg, source=source, site=site))
        if carrier.scope == 1:
            scope1 += kg
        else:
            scope2_location += kg
            if carrier.code != ELECTRICITY:
                scope2_market += kg

    if electricity_kwh:
        assert grid is not None
        covered = guarantees or Decimal(0)
        rest = electricity_kwh - covered
        if supplier is not None:
            scope2_market += rest * supplier
        else:
            scope2_market += rest * grid[0]
            if rest:
                notes.append(str(_("No supplier factor was given: the market-based value uses the grid mix for electricity.")))
        if covered:
            notes.append(str(_("Electricity covered by guarantees of origin (%(kwh)s kWh) counts as 0 in the market-based value.") % {"kwh": _fmt(covered)}))
    elif supplier is not None or guarantees:
        notes.append(str(_("No electricity was entered: the supplier factor and the guarantees of origin were not used.")))

    for key, km in scope3_items:
        factor3 = table.scope3.get(key)
        if factor3 is None:
            notes.append(str(_("No emission factor is known for the Scope 3 entry “%(key)s”; it is not counted (no guess).") % {"key": key}))
            continue
        kg = km * factor3.kg_per_unit
        scope3 += kg
        lines.append(Line(carrier=key, scope=3, quantity_kwh=None, quantity_km=km, factor=factor3.kg_per_unit, kg=kg, source=factor3.source))
    if scope3_items:
        notes.append(str(_("Scope 3 is a screening only: an estimate.")))

    return Result(
        factor_set=table.name,
        year=year,
        scope1_kg=scope1,
        scope2_location_kg=scope2_location,
        scope2_market_kg=scope2_market,
        scope3_kg=scope3,
        lines=tuple(lines),
        notes=tuple(notes),
    )


def _entry_kwh(table: FactorTable, entry: Mapping[str, Any], path: str, errors: _Collector) -> tuple[CarrierData, Decimal, str | None] | None:
    """One entry in kWh (Hi), or None after adding its problems."""
    before = len(errors.problems)
    code = _text(entry.get("carrier"))
    carrier = table.carriers.get(code) if code else None
    if carrier is None:
        errors.add(f"{path}.carrier", _("Unknown energy carrier. Allowed are: %(codes)s.") % {"codes": ", ".join(table.carriers)}, "unknown_carrier")
    unit = _text(entry.get("unit"))
    if unit not in UNITS:
        errors.add(f"{path}.unit", _("Unknown unit. Allowed are: %(units)s.") % {"units": ", ".join(UNITS)}, "unknown_unit")
        unit = None
    elif carrier is not None and unit not in carrier.units:
        errors.add(
            f"{path}.unit",
            _("The unit %(unit)s cannot be used for this energy carrier. Allowed are: %(units)s.") % {"unit": unit, "units": ", ".join(carrier.units)},
            "unit_not_allowed",
        )
        unit = None
    quantity = errors.number(entry, "quantity", f"{path}.quantity", required=True, maximum=MAX_RAW)
    site = entry.get("site")
    if site is not None and (not isinstance(site, str) or len(site) > 200):
        errors.add(f"{path}.site", _("Expected a text of at most 200 characters."), "invalid")
    calorific = z_number = None
    if unit == "m3":
        missing = [name for name in ("calorific_value", "z_number") if entry.get(name) is None]
        for name in missing:
            errors.add(f"{path}.{name}", M3_HELP, "missing")
        if not missing:
            calorific = _ranged(entry["calorific_value"], CALORIFIC_RANGE, f"{path}.calorific_value", errors)
            z_number = _ranged(entry["z_number"], Z_RANGE, f"{path}.z_number", errors)
    if len(errors.problems) > before:
        return None
    assert carrier is not None and quantity is not None and unit is not None
    if unit == "kWh":
        kwh = quantity
    elif unit == "MWh":
        kwh = quantity * 1000
    elif unit == "kWh_hs":
        assert carrier.hs_hi_ratio
        kwh = quantity / carrier.hs_hi_ratio
    elif unit == "litre":
        assert carrier.litre_kwh
        kwh = quantity * carrier.litre_kwh
    else:  # m3
        assert carrier.hs_hi_ratio and calorific is not None and z_number is not None
        kwh = quantity * z_number * calorific / carrier.hs_hi_ratio
    if kwh > MAX_KWH:
        errors.add(f"{path}.quantity", _("More than 10 TWh is not plausible for one entry. Please check the quantity and the unit."), "absurd")
        return None
    return carrier, kwh, site


def _ranged(value: Any, bounds: tuple[Decimal, Decimal], path: str, errors: _Collector) -> Decimal | None:
    number = _number(value)
    if number is None:
        errors.add(path, _("Expected a number."), "not_a_number")
        return None
    if not bounds[0] <= number <= bounds[1]:
        errors.add(
            path,
            _("The value must lie between %(low)s and %(high)s; please check it against your gas bill. %(help)s")
            % {"low": _fmt(bounds[0]), "high": _fmt(bounds[1]), "help": M3_HELP},
            "out_of_range",
        )
        return None
    return number
