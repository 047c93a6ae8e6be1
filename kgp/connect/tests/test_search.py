"""The matching engine inside the application: what it finds, why, and that it follows the
database incrementally (no rebuild per change)."""

from __future__ import annotations

import pytest
from django.utils import translation

from kgp.companies.access import companies_for_staff
from kgp.competences import services as competence_services
from kgp.connect import search, services
from kgp.connect.models import SynonymList
from kgp.organisations.models import Municipality
from kgp.testing.factories import CompanyFactory

from .conftest import make_profile

pytestmark = pytest.mark.django_db


def ids(matches):
    return [m.id for m in matches]


def test_compound_need_finds_its_parts_with_the_reason(profile, other_profile):
    matches = search.match_profiles("Wir haben eine Druckluftleckage im Netz der Halle 3", limit=5)
    assert ids(matches)[0] == "labor-druckluft"
    compound = [r for r in matches[0].reasons if r["type"] == "term" and r["via"] == "compound"]
    assert compound and {"druckluft", "leckage"} <= set(compound[0]["matched"])


def test_inflection_and_topic_reasons(profile, other_profile):
    matches = search.match_profiles("Angüsse aus dem Spritzgießen wieder verwenden", limit=5, topics=["circular"])
    assert ids(matches)[0] == "lehrstuhl-kunststoff"
    assert {"type": "topic", "topics": ["circular"]} in matches[0].reasons


def test_distance_and_format_reasons(profile):
    hamm = Municipality.objects.get(name="Hamm")
    (match,) = search.match_profiles("Druckluft Leckage", lat=float(hamm.lat), lon=float(hamm.lon), formats=["thesis"])
    distance = next(r for r in match.reasons if r["type"] == "distance")
    assert 25 < distance["km"] < 40  # Dortmund – Hamm
    fmt = next(r for r in match.reasons if r["type"] == "format")
    assert fmt["matched"] == ["thesis"]
    with translation.override("en"):
        lines = search.reason_lines(match.reasons)
    assert any(line.startswith("Distance: about") for line in lines)
    assert any("thesis" in line for line in lines)


def test_reason_lines_name_how_a_term_matched(profile):
    (match,) = search.match_profiles("Druckluftleckage")
    with translation.override("en"):
        lines = search.reason_lines(match.reasons)
    assert "word part" in lines[0] and "druckluft" in lines[0]


def test_drafts_are_never_found(profile):
    make_profile("entwurf-druckluft", status="draft")
    assert ids(search.match_profiles("Druckluft", limit=10)) == ["labor-druckluft"]


def test_a_change_updates_only_that_profile(profile, other_profile):
    assert ids(search.match_profiles("Wasserstoffspeicher")) == []
    index = search.PROFILES.current()
    competence_services.profile_update(
        actor=None, profile=other_profile,
        data={"description": other_profile.description + " Neu: Wasserstoffspeicher für Produktionsbetriebe."},
    )  # fmt: skip
    assert ids(search.match_profiles("Wasserstoffspeicher")) == ["lehrstuhl-kunststoff"]
    assert search.PROFILES.current() is index  # no rebuild
    assert search.PROFILES.updates == 1


def test_unpublishing_and_deleting_leave_the_index(profile, other_profile):
    assert "labor-druckluft" in ids(search.match_profiles("Druckluft"))
    competence_services.profile_set_status(actor=None, profile=profile, status="draft")
    assert "labor-druckluft" not in ids(search.match_profiles("Druckluft"))
    competence_services.profile_set_status(actor=None, profile=profile, status="published")
    assert "labor-druckluft" in ids(search.match_profiles("Druckluft"))
    other_profile.delete()
    assert ids(search.match_profiles("Spritzguss Rezyklat")) == []
    assert len(search.PROFILES.current()) == 1


def test_the_signal_refreshes_the_index_at_once(profile, django_capture_on_commit_callbacks):
    index = search.PROFILES.current()
    with django_capture_on_commit_callbacks(execute=True):
        competence_services.profile_update(actor=None, profile=profile, data={"keywords": ["Druckluft", "Vakuumtechnik"]})
    assert search.PROFILES.updates == 1
    assert index.get("labor-druckluft").keywords == ["Druckluft", "Vakuumtechnik"]


def test_a_saved_synonym_list_is_used_by_the_next_search(profile, coordinator):
    assert ids(search.match_profiles("Pressluftnetz")) in ([], ["labor-druckluft"])
    before = search.match_profiles("Blasluft")
    services.synonyms_save(actor=coordinator, text="Blasluft, Druckluft\n", note="Test")
    after = search.match_profiles("Blasluft")
    assert before == [] and ids(after) == ["labor-druckluft"]
    assert any(r["type"] == "term" and r["via"] == "synonym" for r in after[0].reasons)
    assert SynonymList.objects.count() == 1


def test_suppliers_are_ranked_by_capability_and_filtered_by_visibility(supplier, consultant, other_consultant):
    near = CompanyFactory(name="Blechbearbeitung Dortmund KG", postcode="44139", city="Dortmund")
    services.company_profile_save(
        actor=None, company=near, capabilities="Laserschneiden, Stanzen", processes=["Laserschneiden"], supplier=True
    )
    dortmund = Municipality.objects.get(name="Dortmund")
    found = search.match_companies(
        "Wir suchen jemanden für Laserschnitt-Teile aus Edelstahl", visible=companies_for_staff(consultant), supplier=True,
        lat=float(dortmund.lat), lon=float(dortmund.lon),
    )  # fmt: skip
    # Dortmund's consultant sees the Dortmund company only (the Hamm one belongs to Hamm and is not shared).
    assert ids(found) == [str(near.pk)]
    supplier.network_sharing = True
    supplier.save()
    found = search.match_companies(
        "Laserschneiden Edelstahl Pulverbeschichtung", visible=companies_for_staff(consultant), supplier=True,
        lat=float(dortmund.lat), lon=float(dortmund.lon),
    )  # fmt: skip
    assert ids(found)[0] == str(supplier.pk)
    assert any(r["type"] == "distance" for r in found[0].reasons)


def test_company_changes_reach_the_company_index(supplier, coordinator):
    visible = companies_for_staff(coordinator)
    assert ids(search.match_companies("Galvanik", visible=visible)) == []
    services.company_profile_save(
        actor=None, company=supplier, capabilities="Galvanik und Verzinkung", processes=["Galvanik"], supplier=True
    )
    assert ids(search.match_companies("Galvanik", visible=visible)) == [str(supplier.pk)]
    supplier.is_active = False
    supplier.save()
    assert ids(search.match_companies("Galvanik", visible=visible)) == []


def test_opted_in_keeps_only_companies_that_agreed(supplier):
    other = CompanyFactory(name="Stiller Betrieb GmbH")
    services.company_profile_save(actor=None, company=other, challenges="Energiekosten senken", peer_exchange=True)
    from kgp.companies.models import Company

    assert list(search.opted_in(Company.objects.all(), supplier=True)) == [supplier]
    assert list(search.opted_in(Company.objects.all(), supplier=False)) == [other]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_warming_at_start_builds_both_indexes(settings):
    make_profile("labor-warm")
    settings.MATCH_WARM_ON_START = True
    thread = search.warm_in_background()
    thread.join(timeout=60)
    assert search.PROFILES.index is not None and search.PROFILES.index.ids() == ["labor-warm"]
    assert search.COMPANIES.index is not None
    settings.MATCH_WARM_ON_START = False
    assert search.warm_in_background() is None


def test_expert_companies_of_the_competence_map_are_found(profile):
    make_profile(
        "ingenieurbuero-druckluft", kind="company", institution="Druckluft-Service Muster GmbH", unit="",
        description="Das Ingenieurbüro prüft Druckluftanlagen, ortet Leckagen und plant effiziente Kompressorstationen für Betriebe.",
        keywords=["Druckluft", "Leckageortung"],
    )  # fmt: skip
    assert "ingenieurbuero-druckluft" in ids(search.match_profiles("Leckagen in der Druckluft"))
