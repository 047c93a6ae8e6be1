"""Factor sets: the seeded set, immutability once published, copy + publish, and the audit log."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from kgp.climate import calc, queries, services
from kgp.climate.models import FactorSet
from kgp.core.errors import ServiceError
from kgp.core.models import AuditLogEntry

pytestmark = pytest.mark.django_db

BODY = {"year": 2024, "entries": [{"carrier": "natural_gas", "quantity": 200000, "unit": "kWh_hs"}, {"carrier": "electricity", "quantity": 1000, "unit": "kWh"}]}


def test_migration_seeds_the_published_set_with_all_values_and_sources():
    current = queries.current_factor_set()
    assert current is not None and current.name == "BAFA/UBA 2024" and current.status == "published"
    table = queries.factor_table(current)
    assert len(table.carriers) == 13
    gas = table.carriers["natural_gas"]
    assert (gas.kg_per_kwh, gas.hs_hi_ratio, gas.scope) == (D("0.201"), D("1.11"), 1)
    assert {c: table.carriers[c].litre_kwh for c in ("heating_oil_light", "diesel", "petrol", "lpg")} == {
        "heating_oil_light": D("10.0"), "diesel": D("9.8"), "petrol": D("8.7"), "lpg": D("6.6"),
    }  # fmt: skip
    assert all(c.litre_kwh is None for code, c in table.carriers.items() if code not in ("heating_oil_light", "diesel", "petrol", "lpg"))
    assert table.carriers["district_heat"].kg_per_kwh == D("0.280") and table.carriers["district_heat"].scope == 2
    assert table.electricity == {
        2023: (D("0.380"), "UBA, Climate Change 23/2024 (German grid mix 2023, location-based)"),
        2024: (D("0.363"), "UBA (German grid mix 2024, location-based, estimate)"),
    }
    assert table.scope3 == {}
    assert all(c.source for c in table.carriers.values())


def test_a_published_set_cannot_be_edited(coordinator):
    current = queries.current_factor_set()
    with pytest.raises(ServiceError) as exc:
        services.factor_set_update_factor(actor=coordinator, factor_set=current, carrier="natural_gas", kg_per_kwh="0.3", source="x")
    assert exc.value.code == "published"
    with pytest.raises(ServiceError):
        services.factor_set_publish(actor=coordinator, factor_set=current)
    assert queries.factor_table(current).carriers["natural_gas"].kg_per_kwh == D("0.201")


def test_only_the_coordination_edits(consultant):
    with pytest.raises(PermissionDenied):
        services.factor_set_copy(actor=consultant, source=queries.current_factor_set(), name="Neu")
    with pytest.raises(PermissionDenied):
        services.factor_set_copy(actor=None, source=queries.current_factor_set(), name="Neu")


def test_copy_and_publish_makes_the_new_set_current_and_old_results_stay(coordinator):
    old_set = queries.current_factor_set()
    before = calc.calculate(queries.factor_table(old_set), BODY)
    before_lines = tuple(before.lines)

    draft = services.factor_set_copy(actor=coordinator, source=old_set, name="BAFA/UBA 2025", valid_year=2025)
    assert draft.status == "draft" and queries.current_factor_set() == old_set
    services.factor_set_update_factor(actor=coordinator, factor_set=draft, carrier="natural_gas", kg_per_kwh="0.202", source="BAFA 2025")
    services.factor_set_update_factor(actor=coordinator, factor_set=draft, electricity_year=2025, kg_per_kwh="0.350", source="UBA 2025")
    services.factor_set_publish(actor=coordinator, factor_set=draft)

    assert queries.current_factor_set() == draft
    new = calc.calculate(queries.factor_table(draft), {**BODY, "year": 2025})
    assert new.factor_set == "BAFA/UBA 2025"
    assert new.lines[0].factor == D("0.202") and new.lines[1].factor == D("0.350")
    # The result computed before keeps its lines, and the old set still gives the same result.
    assert before.lines == before_lines and before.lines[0].factor == D("0.201") and before.factor_set == "BAFA/UBA 2024"
    assert calc.calculate(queries.factor_table(FactorSet.objects.get(pk=old_set.pk)), BODY) == before
    actions = list(AuditLogEntry.objects.filter(object_type="climate.factorset", object_id=str(draft.pk)).order_by("id").values_list("action", flat=True))
    assert actions == ["create", "update", "update", "update"]


def test_update_validates(coordinator):
    draft = services.factor_set_copy(actor=coordinator, source=queries.current_factor_set(), name="Entwurf")
    for value in ("-1", "abc", "11"):
        with pytest.raises(ServiceError):
            services.factor_set_update_factor(actor=coordinator, factor_set=draft, carrier="diesel", kg_per_kwh=value, source="x")
    with pytest.raises(ServiceError):
        services.factor_set_update_factor(actor=coordinator, factor_set=draft, carrier="diesel", kg_per_kwh="0.3", source=" ")
    with pytest.raises(ServiceError):
        services.factor_set_update_factor(actor=coordinator, factor_set=draft, carrier="uranium", kg_per_kwh="0.3", source="x")
    with pytest.raises(ServiceError):
        services.factor_set_copy(actor=coordinator, source=draft, name="Entwurf")
