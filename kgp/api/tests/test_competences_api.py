"""/api/v1/competences: the public competence map (list, detail) and the matching of a need to the
published profiles (/match), ranked by the matching engine (kgp.connect.search)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgp.competences import services
from kgp.competences.models import SubjectArea
from kgp.connect import search
from kgp.organisations.models import Municipality

pytestmark = pytest.mark.django_db

COMPETENCES = "/api/v1/competences"
MATCH = f"{COMPETENCES}/match"
EN = {"Accept-Language": "en"}

AIR = (
    "Das Labor untersucht Druckluftanlagen in Fertigungsbetrieben, findet jede Leckage mit Ultraschall, misst "
    "Verbräuche vor Ort und zeigt Maßnahmen, mit denen sich Energie und Kosten sparen lassen."
)
PLASTICS = (
    "Wir recyceln Kunststoffe und entwickeln Rezyklate für die Spritzgießtechnik in mittelständischen Betrieben "
    "der Region, mit eigenem Prüfstand und einem Labor für Werkstoffprüfung."
)
MACHINE_VISION = (
    "Der Lehrstuhl entwickelt Bildverarbeitung und maschinelles Lernen für die Qualitätsprüfung in der Fertigung, "
    "von der Kamera bis zum eingebetteten Prüfsystem an der Linie."
)


def make_profile(external_id: str, city: str, description: str, keywords: list[str], *, areas=("energy",), **overrides):
    data = {
        "external_id": external_id, "kind": "uas", "institution": f"Hochschule {city}", "unit": f"Labor {external_id}",
        "municipality": Municipality.objects.get(name=city), "description": description, "keywords": keywords,
        "transfer_formats": ["thesis", "lab_use"], "languages": ["de"], "status": "published",
    } | overrides  # fmt: skip
    return services.profile_create(actor=None, data=data, subject_areas=SubjectArea.objects.filter(key__in=areas))


@pytest.fixture
def profiles(db):
    """Two profiles about compressed air (Dortmund, Hamm), one about plastics (Hagen), one about machine
    vision (Bochum, an expert company), and a draft about compressed air that must never appear."""
    air = make_profile("labor-druckluft", "Dortmund", AIR, ["Druckluft", "Leckage"])
    air_hamm = make_profile("druckluft-hamm", "Hamm", AIR.replace("Das Labor", "Das Team"), ["Druckluft", "Leckage"])
    plastics = make_profile("kunststoff-hagen", "Hagen", PLASTICS, ["Kunststoff", "Recycling"], transfer_formats=["training"])
    vision = make_profile("bildverarbeitung-bochum", "Bochum", MACHINE_VISION, ["Bildverarbeitung"], kind="company")
    draft = make_profile("entwurf-druckluft", "Dortmund", AIR, ["Druckluft", "Leckage", "Druckluftleckage"], status="draft")
    return {"air": air, "air_hamm": air_hamm, "plastics": plastics, "vision": vision, "draft": draft}


def match(params: dict, **headers) -> tuple[int, dict]:
    response = Client().get(MATCH, params, headers=headers or None)
    return response.status_code, response.json()


def ids(body: dict) -> list[str]:
    return [row["external_id"] for row in body["results"]]


# --- matching ---------------------------------------------------------------------------------


def test_compound_query_finds_the_profile_with_its_parts_and_says_why(profiles):
    status, body = match({"q": "Druckluftleckage"}, **EN)
    assert status == 200
    assert set(ids(body)) == {"labor-druckluft", "druckluft-hamm"}  # never the draft, never the others
    first = body["results"][0]
    assert set(first) == {"external_id", "url", "name", "kind", "municipality", "score", "distance_km", "reasons", "explanation"}
    assert first["url"] == f"/kompetenzen/{first['external_id']}/"
    compound = [r for r in first["reasons"] if r["type"] == "term" and r["via"] == "compound"]
    assert compound and compound[0]["query"] == "druckluftleckage"
    assert {"druckluft", "leckage"} <= set(compound[0]["matched"])
    assert first["explanation"][0].startswith("Matching terms:") and "word part" in first["explanation"][0]
    assert first["distance_km"] is None and not any(r["type"] == "distance" for r in first["reasons"])


def test_results_are_ranked_best_first(profiles):
    _status, body = match({"q": "Druckluft Leckage Ultraschall", "limit": 50})
    scores = [row["score"] for row in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_city_gives_the_distance_and_prefers_the_nearer_profile(profiles):
    _status, from_dortmund = match({"q": "Druckluftleckage", "city": "Dortmund"})
    _status, from_hamm = match({"q": "Druckluftleckage", "city": "hamm"})  # any case
    assert ids(from_dortmund)[0] == "labor-druckluft"
    assert ids(from_hamm)[0] == "druckluft-hamm"
    first = from_dortmund["results"][0]
    assert first["distance_km"] == 0.0
    assert {"type": "distance", "km": 0.0} in first["reasons"]
    hamm_row = next(row for row in from_dortmund["results"] if row["external_id"] == "druckluft-hamm")
    assert 20 < hamm_row["distance_km"] < 40


def test_explanation_follows_the_request_language(profiles):
    _status, body = match({"q": "Druckluftleckage", "city": "Dortmund"}, **EN)
    assert any(line.startswith("Distance: about 0 km") for line in body["results"][0]["explanation"])


@pytest.mark.parametrize("city", ["Lünen", "luenen", "LÜNEN", " Fröndenberg/Ruhr ", "boenen"])
def test_city_names_are_matched_loosely(profiles, city):
    status, body = match({"q": "Druckluft", "city": city})
    assert status == 200 and body["results"]


def test_unknown_city_is_a_400_naming_the_municipalities(profiles):
    status, body = match({"q": "Druckluft", "city": "Berlin"}, **EN)
    assert status == 400
    assert body["field"] == "city" and body["code"] == "unknown_city"
    assert "The region's municipalities are:" in body["detail"] and "Dortmund" in body["detail"] and "Bönen" in body["detail"]
    german = Client().get(MATCH, {"q": "Druckluft", "city": "Berlin"}, headers={"Accept-Language": "de"}).json()
    assert german["detail"].startswith("Unbekannter Ort: Berlin. Die Kommunen der Region sind:")


def test_formats_and_topics_weigh_in_and_are_explained(profiles):
    _status, body = match({"q": "Kunststoff Recycling", "formats": ["training"], "topics": ["circular"]}, **EN)
    first = body["results"][0]
    assert first["external_id"] == "kunststoff-hagen"
    fmt = next(r for r in first["reasons"] if r["type"] == "format")
    assert "training" in fmt["matched"] and fmt["requested"] == ["training"]
    assert any(line.startswith("Offers the format you asked for") for line in first["explanation"])


def test_expert_companies_are_competence_holders_too(profiles):
    _status, body = match({"q": "Bildverarbeitung Qualitätsprüfung"})
    assert ids(body)[:1] == ["bildverarbeitung-bochum"]
    assert body["results"][0]["kind"] == "company"


def test_limit(profiles):
    _status, body = match({"q": "Druckluft", "limit": 1})
    assert len(body["results"]) == 1


def test_no_match_is_an_empty_list(profiles):
    assert match({"q": "Zahnpasta"}) == (200, {"results": []})
    assert match({"q": "!!!"}) == (200, {"results": []})


def test_drafts_never_appear_and_publishing_follows_at_once(profiles):
    draft = profiles["draft"]
    assert "entwurf-druckluft" not in ids(match({"q": "Druckluftleckage", "limit": 50})[1])
    services.profile_set_status(actor=None, profile=draft, status="published")
    assert "entwurf-druckluft" in ids(match({"q": "Druckluftleckage", "limit": 50})[1])
    services.profile_set_status(actor=None, profile=draft, status="draft")
    assert "entwurf-druckluft" not in ids(match({"q": "Druckluftleckage", "limit": 50})[1])


def test_a_change_updates_the_index_without_rebuilding_it(profiles):
    match({"q": "Druckluft"})  # builds the index
    index = search.PROFILES.index
    updates = search.PROFILES.updates
    services.profile_update(
        actor=None, profile=profiles["plastics"], data={"keywords": ["Kunststoff", "Recycling", "Druckluftspeicher"]}
    )
    assert "kunststoff-hagen" in ids(match({"q": "Druckluftspeicher", "limit": 50})[1])
    assert search.PROFILES.index is index  # not rebuilt
    assert 1 <= search.PROFILES.updates - updates <= 3  # only the changed profile (and its time neighbours) re-analysed


def test_a_match_that_is_no_longer_published_is_left_out(profiles, monkeypatch):
    """Between the engine's answer and the answer to the client the profile went back to draft."""
    match({"q": "Druckluft"})
    from kgp.competences.models import CompetenceProfile

    CompetenceProfile.objects.filter(pk=profiles["air"].pk).update(status="draft")  # no signal, same timestamp
    monkeypatch.setattr(search.PROFILES.source, "state", lambda: search.PROFILES.state)  # the index does not notice
    assert "labor-druckluft" not in ids(match({"q": "Druckluftleckage", "limit": 50})[1])


def test_the_number_of_queries_does_not_grow_with_the_results(profiles):
    match({"q": "Druckluft"})
    counts = []
    for params in ({"q": "Zahnpasta"}, {"q": "Druckluft", "limit": 1}, {"q": "Druckluft Kunststoff Bildverarbeitung", "city": "Hagen"}):
        with CaptureQueriesContext(connection) as ctx:
            assert match(params)[0] == 200
        counts.append(len(ctx.captured_queries))
    assert max(counts) <= 6, counts


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 2001}, "q"),
        ({"q": "Druck\x00luft"}, "q"),
        ({"q": "Druckluft", "limit": 0}, "limit"),
        ({"q": "Druckluft", "limit": 51}, "limit"),
        ({"q": "Druckluft", "limit": "zehn"}, "limit"),
        ({"q": "Druckluft", "formats": ["praktikum"]}, "formats"),
        ({"q": "Druckluft", "formats": ["thesis"] * 7}, "formats"),
        ({"q": "Druckluft", "topics": ["energy"] * 21}, "topics"),
        ({"q": "Druckluft", "city": ""}, "city"),
        ({"q": "Druckluft", "city": "x" * 101}, "city"),
    ],
)
def test_bad_input_is_a_422_with_the_field(profiles, params, field):
    status, body = match(params, **EN)
    assert status == 422, body
    assert field in [e["field"] for e in body["errors"]]
    assert body["detail"].startswith("The input is invalid")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    q=st.text(max_size=2100),
    city=st.one_of(st.none(), st.text(max_size=120), st.sampled_from(["Dortmund", "hamm", "Lünen"])),
    limit=st.one_of(st.none(), st.integers(min_value=-5, max_value=60), st.text(max_size=5)),
)
def test_match_never_answers_500(profiles, q, city, limit):
    params = {"q": q} | ({"city": city} if city is not None else {}) | ({"limit": limit} if limit is not None else {})
    status, body = match(params)
    assert status in (200, 400, 422), body
    assert "results" in body if status == 200 else body["detail"]


@pytest.mark.parametrize("topic", ["astrologie", "x" * 500, "ener\x00gy", ""])
def test_unknown_topic_is_a_400(profiles, topic):
    status, body = match({"q": "Druckluft", "topics": ["energy", topic]}, **EN)
    assert status == 400 and body["field"] == "topics" and body["code"] == "unknown_topic"
    assert len(body["detail"]) < 1000


def test_long_need_texts_are_fine(profiles):
    text = ("Unsere Druckluftanlage verliert Luft an vielen Stellen, die Leckage kostet Energie. " * 30)[:2000]
    status, body = match({"q": text, "city": "Unna"})
    assert status == 200 and ids(body)[0] in {"labor-druckluft", "druckluft-hamm"}


def test_match_without_profiles(db):
    assert match({"q": "Druckluft", "city": "Dortmund"}) == (200, {"results": []})


def test_a_token_is_not_needed_and_changes_nothing(profiles, api_as, consultant):
    anonymous = match({"q": "Druckluftleckage"})[1]
    with_token = api_as(consultant).get(MATCH, {"q": "Druckluftleckage"})
    assert with_token.status_code == 200 and with_token.json() == anonymous


# --- list and detail --------------------------------------------------------------------------


def list_ids(params: dict | None = None) -> list[str]:
    response = Client().get(COMPETENCES, params or {})
    assert response.status_code == 200, response.content
    return [row["external_id"] for row in response.json()["results"]]


def test_list_shows_published_profiles_sorted_by_name(profiles):
    response = Client().get(COMPETENCES)
    body = response.json()
    assert body["count"] == 4 and body["page"] == 1 and body["page_size"] == 20
    assert [row["institution"] for row in body["results"]] == sorted(row["institution"] for row in body["results"])
    assert "entwurf-druckluft" not in [row["external_id"] for row in body["results"]]
    row = next(r for r in body["results"] if r["external_id"] == "labor-druckluft")
    assert row["municipality"] == {"key": "dortmund", "name": "Dortmund"}
    assert row["subject_areas"][0]["key"] == "energy" and row["transfer_formats"] == ["thesis", "lab_use"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "druckluft"}, {"labor-druckluft", "druckluft-hamm"}),
        ({"q": "Kunststoffe Spritzgießtechnik"}, {"kunststoff-hagen"}),
        ({"kind": "company"}, {"bildverarbeitung-bochum"}),
        ({"format": "training"}, {"kunststoff-hagen"}),
        ({"municipality": "hamm"}, {"druckluft-hamm"}),
        ({"area": "energy"}, {"labor-druckluft", "druckluft-hamm", "kunststoff-hagen", "bildverarbeitung-bochum"}),
        ({"q": "druckluft", "municipality": "dortmund"}, {"labor-druckluft"}),
    ],
)
def test_list_filters(profiles, params, expected):
    assert set(list_ids(params)) == expected


def test_list_pagination(profiles):
    first = Client().get(COMPETENCES, {"page_size": 3}).json()
    second = Client().get(COMPETENCES, {"page_size": 3, "page": 2}).json()
    assert first["count"] == second["count"] == 4
    assert len(first["results"]) == 3 and len(second["results"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"area": "astrologie"}, "area"),
        ({"municipality": "berlin"}, "municipality"),
        ({"kind": "hochschule"}, "kind"),
        ({"format": "praktikum"}, "format"),
        ({"page_size": 101}, "page_size"),
        ({"page": 0}, "page"),
    ],
)
def test_list_bad_filters_are_422(profiles, params, field):
    response = Client().get(COMPETENCES, params)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_detail_shows_public_contacts_only(profiles):
    air = profiles["air"]
    services.contact_add(actor=None, profile=air, data={"name": "Dr. Offen", "role": "Laborleitung", "email": "offen@example.org", "is_public": True})
    services.contact_add(actor=None, profile=air, data={"name": "Intern", "email": "intern@example.org", "is_public": False})
    response = Client().get(f"{COMPETENCES}/labor-druckluft")
    assert response.status_code == 200
    body = response.json()
    assert body["contacts"] == [{"name": "Dr. Offen", "role": "Laborleitung", "email": "offen@example.org", "phone": ""}]
    assert "intern@example.org" not in response.content.decode()
    assert body["description"] == AIR and body["languages"] == ["de"]


@pytest.mark.parametrize("external_id", ["entwurf-druckluft", "gibt-es-nicht", "Labor-Druckluft", "x" * 101, "match-me"])
def test_detail_of_drafts_and_unknown_ids_is_404(profiles, external_id):
    response = Client().get(f"{COMPETENCES}/{external_id}")
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}
