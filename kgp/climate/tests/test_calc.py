"""The arithmetic against hand-computed values from the domain file's factors (no database)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest

from kgp.climate import calc
from kgp.climate.fixtures import SEED_PATH

TODAY = dt.date(2025, 6, 1)


def _table() -> calc.FactorTable:
    data = json.loads(SEED_PATH.read_text(encoding="utf-8"))

    def dec(v):
        return None if v is None else D(v)

    carriers = {
        c["code"]: calc.CarrierData(
            code=c["code"], name_de=c["name_de"], name_en=c["name_en"], scope=c["scope"], kg_per_kwh=dec(c.get("kg_per_kwh")),
            source=c["source"], hs_hi_ratio=dec(c.get("hs_hi_ratio")), litre_kwh=dec(c.get("litre_kwh")),
        )
        for c in data["carriers"]
    }  # fmt: skip
    electricity = {e["year"]: (D(e["kg_per_kwh"]), e["source"]) for e in data["electricity"]}
    return calc.FactorTable(name=data["name"], carriers=carriers, electricity=electricity)


TABLE = _table()


def run(entries, year=2024, **extra):
    return calc.calculate(TABLE, {"year": year, "entries": entries, **extra}, today=TODAY)


def fields(exc_info) -> list[str]:
    return [p.field for p in exc_info.value.problems]


def test_seed_has_exactly_the_carriers_of_the_issue():
    assert set(TABLE.carriers) == {
        "natural_gas", "heating_oil_light", "heating_oil_heavy", "lpg", "hard_coal", "lignite", "wood",
        "wood_pellets", "biogas", "diesel", "petrol", "district_heat", "electricity",
    }  # fmt: skip
    assert TABLE.carriers["natural_gas"].units == ("kWh", "MWh", "kWh_hs", "m3")
    assert TABLE.carriers["diesel"].units == ("kWh", "MWh", "litre")
    assert TABLE.carriers["hard_coal"].units == ("kWh", "MWh")


def test_natural_gas_gross_kwh_from_the_bill():
    result = run([{"carrier": "natural_gas", "quantity": 200000, "unit": "kWh_hs"}])
    expected = D(200000) / D("1.11") * D("0.201")
    assert result.scope1_kg == expected
    assert abs(result.scope1_kg - D("36216.216216")) < D("0.001")
    assert result.lines[0].quantity_kwh == D(200000) / D("1.11")
    assert result.lines[0].factor == D("0.201") and result.lines[0].scope == 1
    assert result.scope2_location_kg == result.scope2_market_kg == result.scope3_kg == 0
    assert result.factor_set == "BAFA/UBA 2024"


@pytest.mark.parametrize(
    ("carrier", "factor"),
    [("natural_gas", "0.201"), ("heating_oil_light", "0.266"), ("heating_oil_heavy", "0.288"), ("lpg", "0.239"),
     ("hard_coal", "0.335"), ("lignite", "0.383"), ("wood", "0.027"), ("wood_pellets", "0.036"), ("biogas", "0.152"),
     ("diesel", "0.266"), ("petrol", "0.264")],
)  # fmt: skip
def test_every_fuel_in_kwh_and_mwh(carrier, factor):
    assert run([{"carrier": carrier, "quantity": 1000, "unit": "kWh"}]).scope1_kg == D(1000) * D(factor)
    assert run([{"carrier": carrier, "quantity": "2.5", "unit": "MWh"}]).scope1_kg == D(2500) * D(factor)


@pytest.mark.parametrize(
    ("carrier", "kwh_per_litre", "factor"),
    [("heating_oil_light", "10.0", "0.266"), ("diesel", "9.8", "0.266"), ("petrol", "8.7", "0.264"), ("lpg", "6.6", "0.239")],
)
def test_litres(carrier, kwh_per_litre, factor):
    result = run([{"carrier": carrier, "quantity": 3000, "unit": "litre"}])
    assert result.lines[0].quantity_kwh == D(3000) * D(kwh_per_litre)
    assert result.scope1_kg == D(3000) * D(kwh_per_litre) * D(factor)


def test_cubic_metres_with_zustandszahl_and_brennwert():
    entry = {"carrier": "natural_gas", "quantity": 10000, "unit": "m3", "calorific_value": "11.2", "z_number": "0.9636"}
    result = run([entry])
    kwh_hs = D(10000) * D("0.9636") * D("11.2")
    assert result.lines[0].quantity_kwh == kwh_hs / D("1.11")
    assert result.scope1_kg == kwh_hs / D("1.11") * D("0.201")


def test_electricity_by_year_and_district_heat():
    e2023 = run([{"carrier": "electricity", "quantity": 100000, "unit": "kWh"}], year=2023)
    e2024 = run([{"carrier": "electricity", "quantity": 100000, "unit": "kWh"}], year=2024)
    assert e2023.scope2_location_kg == D("38000.000") and e2024.scope2_location_kg == D("36300.000")
    assert e2023.notes == e2024.notes == ("No supplier factor was given: the market-based value uses the grid mix for electricity.",)
    heat = run([{"carrier": "district_heat", "quantity": 50, "unit": "MWh"}])
    assert heat.scope2_location_kg == heat.scope2_market_kg == D(50000) * D("0.280")
    assert heat.scope1_kg == 0 and heat.lines[0].scope == 2


def test_year_without_factor_uses_the_latest_earlier_year_and_says_so():
    result = run([{"carrier": "electricity", "quantity": 1000, "unit": "kWh"}], year=2026)
    assert result.scope2_location_kg == D(1000) * D("0.363")
    assert any("2026" in n and "2024" in n for n in result.notes)
    with pytest.raises(calc.InputError) as exc:
        run([{"carrier": "electricity", "quantity": 1000, "unit": "kWh"}], year=2020)
    assert fields(exc) == ["year"]
    # Without electricity no grid mix is needed.
    assert run([{"carrier": "diesel", "quantity": 10, "unit": "kWh"}], year=2020).scope1_kg == D("2.660")


def test_market_based_supplier_factor_and_guarantees():
    entries = [{"carrier": "electricity", "quantity": 200000, "unit": "kWh"}, {"carrier": "district_heat", "quantity": 1000, "unit": "kWh"}]
    supplier = run(entries, electricity_supplier_factor="0.1")
    assert supplier.scope2_location_kg == D(200000) * D("0.363") + D(1000) * D("0.280")
    assert supplier.scope2_market_kg == D(200000) * D("0.1") + D(1000) * D("0.280")
    green = run(entries, electricity_supplier_factor=0)
    assert green.scope2_market_kg == D(1000) * D("0.280")
    partly = run(entries, guarantees_kwh=150000)
    assert partly.scope2_market_kg == D(50000) * D("0.363") + D(1000) * D("0.280")
    assert any("guarantees of origin" in n for n in partly.notes)
    both = run(entries, guarantees_kwh=150000, electricity_supplier_factor="0.2")
    assert both.scope2_market_kg == D(50000) * D("0.2") + D(1000) * D("0.280")


def test_scope3_without_factor_is_a_note_not_a_guess():
    result = run([], scope3=[{"key": "business_travel_car", "km": 12000}])
    assert result.scope3_kg == 0 and result.lines == ()
    assert any("business_travel_car" in n for n in result.notes)


def test_scope3_with_a_factor():
    table = calc.FactorTable(
        name=TABLE.name, carriers=TABLE.carriers, electricity=TABLE.electricity,
        scope3={"rail": calc.Scope3Data(key="rail", name_de="Bahn", name_en="Rail", unit="km", kg_per_unit=D("0.05"), source="Test")},
    )  # fmt: skip
    result = calc.calculate(table, {"year": 2024, "scope3": [{"key": "rail", "km": 1000}]}, today=TODAY)
    assert result.scope3_kg == D("50.00") and result.lines[0].quantity_km == 1000 and result.lines[0].scope == 3


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"entries": [{"carrier": "diesel", "quantity": -1, "unit": "kWh"}]}, "entries[0].quantity", "negative"),
        ({"entries": [{"carrier": "diesel", "quantity": "viel", "unit": "kWh"}]}, "entries[0].quantity", "not_a_number"),
        ({"entries": [{"carrier": "diesel", "quantity": True, "unit": "kWh"}]}, "entries[0].quantity", "not_a_number"),
        ({"entries": [{"carrier": "diesel", "unit": "kWh"}]}, "entries[0].quantity", "missing"),
        ({"entries": [{"carrier": "diesel", "quantity": "NaN", "unit": "kWh"}]}, "entries[0].quantity", "not_a_number"),
        ({"entries": [{"carrier": "natural_gas", "quantity": 11, "unit": "TWh"}]}, "entries[0].unit", "unknown_unit"),
        ({"entries": [{"carrier": "natural_gas", "quantity": 10_000_001, "unit": "MWh"}]}, "entries[0].quantity", "absurd"),
        ({"entries": [{"carrier": "natural_gas", "quantity": "1e999999999", "unit": "kWh"}]}, "entries[0].quantity", "absurd"),
        ({"entries": [{"carrier": "uranium", "quantity": 1, "unit": "kWh"}]}, "entries[0].carrier", "unknown_carrier"),
        ({"entries": [{"carrier": "hard_coal", "quantity": 1, "unit": "litre"}]}, "entries[0].unit", "unit_not_allowed"),
        ({"entries": [{"carrier": "diesel", "quantity": 1, "unit": "kWh_hs"}]}, "entries[0].unit", "unit_not_allowed"),
        ({"entries": [{"carrier": "electricity", "quantity": 1, "unit": "m3"}]}, "entries[0].unit", "unit_not_allowed"),
        ({"entries": [{"carrier": "natural_gas", "quantity": 1, "unit": "m3", "z_number": "0.95"}]}, "entries[0].calorific_value", "missing"),
        ({"entries": [{"carrier": "natural_gas", "quantity": 1, "unit": "m3", "calorific_value": 11}]}, "entries[0].z_number", "missing"),
        ({"entries": [{"carrier": "natural_gas", "quantity": 1, "unit": "m3", "calorific_value": 110, "z_number": 1}]}, "entries[0].calorific_value", "out_of_range"),
        ({"entries": [{"carrier": "diesel", "quantity": 1, "unit": "kWh"}] * 201}, "entries", "too_many"),
        ({"year": 1989}, "year", "out_of_range"),
        ({"year": 2027}, "year", "out_of_range"),
        ({"year": "2024"}, "year", "invalid"),
        ({"electricity_supplier_factor": -0.1}, "electricity_supplier_factor", "negative"),
        ({"entries": [{"carrier": "electricity", "quantity": 1, "unit": "kWh"}], "guarantees_kwh": 2}, "guarantees_kwh", "too_large"),
        ({"scope3": [{"key": "car", "km": -5}]}, "scope3[0].km", "negative"),
        ({"entries": ["diesel"]}, "entries[0]", "invalid"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field(data, field, code):
    data = {"year": 2024, **data}
    with pytest.raises(calc.InputError) as exc:
        calc.calculate(TABLE, data, today=TODAY)
    assert (field, code) in [(p.field, p.code) for p in exc.value.problems]


def test_m3_message_says_where_to_find_the_values():
    with pytest.raises(calc.InputError) as exc:
        run([{"carrier": "natural_gas", "quantity": 1, "unit": "m3"}])
    assert fields(exc) == ["entries[0].calorific_value", "entries[0].z_number"]
    assert "gas bill" in str(exc.value.problems[0].message)


def test_every_problem_is_reported_at_once():
    with pytest.raises(calc.InputError) as exc:
        run([{"carrier": "x", "quantity": -1, "unit": "kWh"}, {"carrier": "diesel", "quantity": 1, "unit": "m3"}], year=1900)
    assert set(fields(exc)) == {"year", "entries[0].carrier", "entries[0].quantity", "entries[1].unit"}


def test_result_is_frozen():
    result = run([{"carrier": "diesel", "quantity": 1, "unit": "kWh"}])
    with pytest.raises(AttributeError):
        result.lines[0].kg = D(0)  # type: ignore[misc]
