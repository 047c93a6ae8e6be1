"""/api/v1/climate: the factors and the calculation, public, never a 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgp.climate.models import FactorSet

from .helpers import ApiClient

pytestmark = pytest.mark.django_db

FACTORS = "/api/v1/climate/factors"
CALC = "/api/v1/climate/calculate"


def post(body, client=None):
    return (client or ApiClient()).post(CALC, body)


def test_factors_are_public_and_complete():
    response = ApiClient().get(FACTORS)
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "BAFA/UBA 2024" and data["valid_year"] == 2024
    carriers = {c["code"]: c for c in data["carriers"]}
    assert len(carriers) == 13
    assert carriers["natural_gas"]["kg_per_kwh"] == 0.201 and carriers["natural_gas"]["hs_hi_ratio"] == 1.11
    assert carriers["natural_gas"]["units"] == ["kWh", "MWh", "kWh_hs", "m3"]
    assert carriers["diesel"]["litre_kwh"] == 9.8 and carriers["diesel"]["litre_source"]
    assert carriers["electricity"]["kg_per_kwh"] is None and carriers["electricity"]["units"] == ["kWh", "MWh"]
    assert [(e["year"], e["kg_per_kwh"]) for e in data["electricity"]] == [(2023, 0.38), (2024, 0.363)]
    assert data["scope3"] == []


def test_no_published_set_answers_404():
    FactorSet.objects.update(status=FactorSet.Status.DRAFT)
    assert ApiClient().get(FACTORS).status_code == 404
    assert post({"year": 2024, "entries": []}).status_code == 404


def test_the_example_of_the_issue():
    response = post({"year": 2024, "entries": [{"carrier": "natural_gas", "quantity": 200000, "unit": "kWh_hs"}], "electricity_supplier_factor": 0.0})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["scope1_kg"] == pytest.approx(200000 / 1.11 * 0.201, rel=1e-12)
    assert data["scope1_kg"] != round(data["scope1_kg"])  # unrounded
    assert data["scope2_location_kg"] == data["scope2_market_kg"] == data["scope3_kg"] == 0
    assert data["factor_set"] == "BAFA/UBA 2024"
    line = data["lines"][0]
    assert line["carrier"] == "natural_gas" and line["scope"] == 1 and line["factor"] == 0.201
    assert line["quantity_kwh"] == pytest.approx(200000 / 1.11) and line["source"]


def test_electricity_location_and_market_based_and_the_year_fallback():
    entries = [{"carrier": "electricity", "quantity": 100, "unit": "MWh", "site": "Werk 1"}]
    y2023 = post({"year": 2023, "entries": entries}).json()
    assert y2023["scope2_location_kg"] == pytest.approx(38000) and y2023["scope2_market_kg"] == pytest.approx(38000)
    market = post({"year": 2024, "entries": entries, "electricity_supplier_factor": 0.1, "guarantees_kwh": 40000}).json()
    assert market["scope2_location_kg"] == pytest.approx(36300) and market["scope2_market_kg"] == pytest.approx(6000)
    assert market["lines"][0]["site"] == "Werk 1"
    later = post({"year": 2025, "entries": entries}).json()
    assert later["scope2_location_kg"] == pytest.approx(36300)
    assert any("2025" in note and "2024" in note for note in later["notes"])


def test_litres_and_cubic_metres():
    data = post({"year": 2024, "entries": [
        {"carrier": "heating_oil_light", "quantity": 5000, "unit": "litre"},
        {"carrier": "natural_gas", "quantity": 1000, "unit": "m3", "calorific_value": 11.5, "z_number": 0.95},
    ]}).json()  # fmt: skip
    assert data["scope1_kg"] == pytest.approx(5000 * 10.0 * 0.266 + 1000 * 0.95 * 11.5 / 1.11 * 0.201)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"year": 2024, "entries": [{"carrier": "diesel", "quantity": -5, "unit": "litre"}]}, "entries[0].quantity"),
        ({"year": 2024, "entries": [{"carrier": "natural_gas", "quantity": 2e10, "unit": "kWh"}]}, "entries[0].quantity"),
        ({"year": 2024, "entries": [{"carrier": "kohle", "quantity": 5, "unit": "kWh"}]}, "entries[0].carrier"),
        ({"year": 2024, "entries": [{"carrier": "hard_coal", "quantity": 5, "unit": "t"}]}, "entries[0].unit"),
        ({"year": 2024, "entries": [{"carrier": "hard_coal", "quantity": 5, "unit": "litre"}]}, "entries[0].unit"),
        ({"year": 2024, "entries": [{"carrier": "natural_gas", "quantity": 5, "unit": "m3"}]}, "entries[0].calorific_value"),
        ({"year": 1980, "entries": []}, "year"),
        ({"year": 2024, "entries": [{"carrier": "diesel", "quantity": 1, "unit": "kWh"}] * 201}, "entries"),
        ({"year": 2024, "entries": [{"carrier": "diesel", "quantity": "1e99999999", "unit": "kWh"}]}, "entries[0].quantity"),
    ],
)
def test_bad_input_answers_400_with_the_field(body, field):
    response = post(body)
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["detail"] and data["field"] == field
    assert field in [e["field"] for e in data["errors"]]
    assert all(e["message"] and e["type"] for e in data["errors"])


def test_messages_in_german():
    response = ApiClient().client.post(
        CALC, json.dumps({"year": 2024, "entries": [{"carrier": "natural_gas", "quantity": 5, "unit": "m3"}]}),
        content_type="application/json", headers={"Accept-Language": "de"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Ungültig" in response.json()["detail"] or "ungültig" in response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [{"year": "zweitausend", "entries": []}, {"year": 2024, "entries": [{"carrier": "diesel", "quantity": "viel", "unit": "kWh"}]},
     {"year": 2024, "entries": "diesel"}, {"year": 2024, "entries": [], "extra": 1}, {"entries": []}],
)  # fmt: skip
def test_wrong_types_answer_422(body):
    response = post(body)
    assert response.status_code == 422
    assert response.json()["errors"]


def test_malformed_json_answers_400():
    assert ApiClient().post(CALC, raw="{nope").status_code == 400


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
_entry = st.fixed_dictionaries(
    {"carrier": st.sampled_from(["natural_gas", "diesel", "electricity", "lpg", "x"]) | st.text(max_size=5),
     "quantity": st.integers(-10, 10**12) | st.floats(allow_nan=False) | st.text(max_size=6) | st.decimals(allow_nan=False, allow_infinity=False).map(str),
     "unit": st.sampled_from(["kWh", "MWh", "kWh_hs", "litre", "m3", "GJ"])},
    optional={"calorific_value": _json | st.floats(0, 20), "z_number": _json | st.floats(0, 2), "site": _json},
)  # fmt: skip
_body = st.fixed_dictionaries(
    {"year": st.integers(1900, 2100) | _json, "entries": st.lists(_entry, max_size=5) | _json},
    optional={"electricity_supplier_factor": _json | st.floats(-1, 3), "guarantees_kwh": _json, "scope3": _json},
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=_body | _json)
def test_random_bodies_never_give_500(body):
    response = post(body)
    assert response.status_code in (200, 400, 422), (body, response.content[:300])
    if response.status_code != 200:
        assert "detail" in response.json()


# --- stored footprints (staff) -------------------------------------------------------------------


def _footprints_url(company):
    return f"/api/v1/companies/{company.pk}/footprints"


def test_company_footprints_only_shared_and_only_for_the_agency_and_coordination(
    api_as, company, company_user, consultant, other_consultant, readonly, coordinator, bochum_company
):
    from kgp.climate import services

    body = {"year": 2024, "entries": [{"carrier": "natural_gas", "quantity": 200000, "unit": "kWh_hs"}]}
    footprint = services.footprint_create(actor=company_user, data=body, company=company, employees="10")
    services.footprint_create(actor=company_user, data=body, company=company)  # not shared
    for user in (consultant, readonly, coordinator):
        assert api_as(user).get(_footprints_url(company)).json()["count"] == 0
    services.footprint_share(actor=company_user, footprint=footprint, shared=True)
    for user in (consultant, readonly, coordinator):
        data = api_as(user).get(_footprints_url(company)).json()
        assert data["count"] == 1 and data["page"] == 1
        item = data["results"][0]
        assert item["year"] == 2024 and item["factor_set"] == "BAFA/UBA 2024" and item["created_at"]
        assert item["scope1_kg"] == float(footprint.result["scope1_kg"]) and item["scope3_kg"] == 0
        assert {"scope2_location_kg", "scope2_market_kg"} <= item.keys()
        assert item["lines"][0]["carrier"] == "natural_gas" and item["lines"][0]["source"]
    assert api_as(other_consultant).get(_footprints_url(company)).status_code == 404
    assert api_as(company_user).get(_footprints_url(company)).status_code == 403
    assert ApiClient().get(_footprints_url(company)).status_code == 401
    assert api_as(consultant).get(_footprints_url(bochum_company)).status_code == 404


def test_company_footprints_of_a_network_shared_company_stay_hidden_from_other_agencies(api_as, shared_company, other_consultant):
    from kgp.accounts.models import Role
    from kgp.climate import services
    from kgp.testing.factories import MembershipFactory, UserFactory

    member = UserFactory(email="mitglied@example.org", role=Role.COMPANY)
    MembershipFactory(user=member, company=shared_company)
    footprint = services.footprint_create(actor=member, data={"year": 2024, "entries": []}, company=shared_company)
    services.footprint_share(actor=member, footprint=footprint, shared=True)
    response = api_as(other_consultant).get(_footprints_url(shared_company))
    assert response.status_code == 200 and response.json()["count"] == 0


def test_company_footprints_page_size_is_limited(api_as, company, consultant):
    assert api_as(consultant).get(_footprints_url(company) + "?page_size=201").status_code == 422
