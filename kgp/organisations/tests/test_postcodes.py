"""Postcode → municipality → responsible partner, for all 14 municipalities and outside the region."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgp.organisations.models import Municipality, Organisation
from kgp.organisations.queries import is_valid_postcode, municipality_for_postcode

REGION = json.loads((Path(__file__).resolve().parents[1] / "data" / "region.json").read_text(encoding="utf-8"))

EXPECTED = [
    ("44135", "Dortmund", "dortmund"),
    ("44388", "Dortmund", "dortmund"),
    ("44787", "Bochum", "bochum"),
    ("44894", "Bochum", "bochum"),
    ("58089", "Hagen", "hagen"),
    ("58135", "Hagen", "hagen"),
    ("59063", "Hamm", "hamm"),
    ("59077", "Hamm", "hamm"),
    ("59423", "Unna", "unna"),
    ("44532", "Lünen", "unna"),
    ("44536", "Lünen", "unna"),
    ("59174", "Kamen", "unna"),
    ("59192", "Bergkamen", "unna"),
    ("59368", "Werne", "unna"),
    ("59379", "Selm", "unna"),
    ("58239", "Schwerte", "unna"),
    ("59439", "Holzwickede", "unna"),
    ("58730", "Fröndenberg/Ruhr", "unna"),
    ("59199", "Bönen", "unna"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("postcode", "municipality", "partner"), EXPECTED)
def test_postcode_maps_to_municipality_and_partner(postcode, municipality, partner):
    found = municipality_for_postcode(postcode)
    assert found is not None
    assert found.name == municipality
    assert found.partner.key == partner


@pytest.mark.django_db
def test_every_municipality_of_the_region_is_covered():
    assert Municipality.objects.count() == 14
    covered = {municipality_for_postcode(p).name for p, _, _ in EXPECTED}
    assert covered == set(Municipality.objects.values_list("name", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("postcode", ["10115", "44134", "44389", "80331", "59424x", "", "4413", "441399", "ABCDE", " 44139"])
def test_outside_or_malformed_postcode_has_no_municipality(postcode):
    assert municipality_for_postcode(postcode) is None


def test_postcode_format():
    assert is_valid_postcode("01067")
    assert not is_valid_postcode("1067")
    assert not is_valid_postcode("44139 ")


@pytest.mark.django_db
def test_partners_and_lead_partner_are_seeded_from_the_data_file():
    keys = {o["key"] for o in REGION["organisations"]}
    assert set(Organisation.objects.values_list("key", flat=True)) == keys
    assert list(Organisation.objects.filter(is_lead_partner=True).values_list("key", flat=True)) == ["dortmund"]


@pytest.mark.django_db
def test_mapping_is_data_a_new_range_takes_effect_without_code():
    hamm = Municipality.objects.get(key="hamm")
    assert municipality_for_postcode("59075") == hamm
    assert municipality_for_postcode("59099") is None
    hamm.postcode_ranges.create(first="59099", last="59099")
    assert municipality_for_postcode("59099") == hamm
