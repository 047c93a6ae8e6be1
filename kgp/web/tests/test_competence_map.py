"""The map view of the public competence map (/kompetenzen/karte/): the list's filters, the markers'
data in a json_script, the table of the same data, the tile settings and the page's CSP."""

from __future__ import annotations

import html
import json
import re
import runpy
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from kgp.competences.tests.conftest import make_profile
from kgp.competences.tests.test_views import ROBOT_TEXT, TESTING_TEXT
from kgp.core.errors import ServiceError
from kgp.organisations.models import Municipality
from kgp.web.views_competences import MAP_PROFILES_PER_MUNICIPALITY

pytestmark = pytest.mark.django_db

MAP = "/kompetenzen/karte/"
LIST = "/kompetenzen/"
TILES = {
    "MAP_TILE_URL": "https://tiles.example.org/osm/{z}/{x}/{y}.png",
    "MAP_TILE_ORIGIN": "https://tiles.example.org",
    "MAP_TILE_ATTRIBUTION": "© OpenStreetMap-Mitwirkende <3",
}
SETTINGS_FILE = Path(__file__).resolve().parents[3] / "config" / "settings.py"


def _m(name: str) -> Municipality:
    return Municipality.objects.get(name=name)


@pytest.fixture
def profiles():
    return {
        "druckluft": make_profile("labor-druckluft"),
        "robotik": make_profile("hagen-robotik", institution="Fachhochschule Südwestfalen", unit="Labor für Robotik",
                                municipality=_m("Hagen"), keywords=["Roboter", "Greifer"], transfer_formats=["training"],
                                areas=("electrical_automation",), description=ROBOT_TEXT),
        "firma": make_profile("pruef-firma", institution="Prüflabor Schwerte GmbH", unit="", kind="company",
                              municipality=_m("Schwerte"), keywords=["Werkstoffprüfung"], transfer_formats=["contract_research"],
                              areas=("materials",), description=TESTING_TEXT),
        "dortmund2": make_profile("tu-werkstoffe", institution="Technische Universität Dortmund", unit="Lehrstuhl Werkstoffe",
                                  kind="university", keywords=["Werkstoffprüfung"], transfer_formats=["thesis"], areas=("materials",),
                                  description=TESTING_TEXT),
        "entwurf": make_profile("entwurf", institution="Entwurf Institut", status="draft"),
    }  # fmt: skip


def map_data(response) -> dict:
    match = re.search(r'<script id="competence-map-data" type="application/json">(.*?)</script>', response.content.decode(), re.S)
    assert match, "no json_script with the map data"
    return json.loads(match.group(1))


def table_rows(response) -> list[tuple[str, int, list[str]]]:
    """(municipality, number, linked names) of each row of the table."""
    body = response.content.decode()
    tbody = re.search(r'<table class="competence-map-table">.*?<tbody>(.*?)</tbody>', body, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", tbody, re.S):
        name = re.search(r'<th scope="row">([^<]+)</th>', row).group(1)
        number = int(re.search(r'<td class="num">(\d+)</td>', row).group(1))
        links = [html.unescape(t) for t in re.findall(r'<a href="/kompetenzen/[a-z0-9-]+/">([^<]+)</a>', row)]
        rows.append((name, number, links))
    return rows


def list_names(response) -> list[str]:
    return re.findall(r'<h3 id="profile-\d+" class="break"><a href="[^"]+">([^<]+)</a>', response.content.decode())


# --- the data -------------------------------------------------------------------------------------


def test_map_groups_the_published_profiles_by_municipality(client, profiles):
    response = client.get(MAP)
    assert response.status_code == 200
    assert table_rows(response) == [
        ("Dortmund", 2, ["Fachhochschule Dortmund – Labor für Druckluft", "Technische Universität Dortmund – Lehrstuhl Werkstoffe"]),
        ("Hagen", 1, ["Fachhochschule Südwestfalen – Labor für Robotik"]),
        ("Schwerte", 1, ["Prüflabor Schwerte GmbH"]),
    ]
    data = map_data(response)
    dortmund = _m("Dortmund")
    marker = data["markers"][0]
    assert marker["name"] == "Dortmund" and marker["count"] == 2
    assert (marker["lat"], marker["lon"]) == (float(dortmund.lat), float(dortmund.lon))
    assert marker["profiles"] == [
        {"name": "Fachhochschule Dortmund – Labor für Druckluft", "url": "/kompetenzen/labor-druckluft/"},
        {"name": "Technische Universität Dortmund – Lehrstuhl Werkstoffe", "url": "/kompetenzen/tu-werkstoffe/"},
    ]
    assert marker["more"] is None
    assert "Dortmund" in marker["label"] and "2" in marker["label"]
    assert [m["name"] for m in data["markers"]] == ["Dortmund", "Hagen", "Schwerte"]
    # The whole region stays in view, whatever the filter.
    lats = [float(m.lat) for m in Municipality.objects.all()]
    lons = [float(m.lon) for m in Municipality.objects.all()]
    assert data["bounds"] == [[min(lats), min(lons)], [max(lats), max(lons)]]
    assert data["tiles"] is None
    assert set(data["text"]) == {"zoomIn", "zoomOut", "close"}
    body = response.content.decode()
    assert "Entwurf" not in body  # drafts are never public
    assert "<h2 id=\"results-heading\">4 " in body


@pytest.mark.parametrize(
    "params",
    [
        {"q": "ROBOTIK südwestfalen"},
        {"q": "werkstoffprüfung"},
        {"kind": "company"},
        {"area": "materials"},
        {"format": "thesis"},
        {"municipality": "dortmund"},
        {"area": "materials", "municipality": "dortmund"},
        {"q": "druckluft roboter"},
    ],
)
def test_map_applies_the_same_filters_as_the_list(client, profiles, params):
    expected = sorted(list_names(client.get(LIST, params)))  # institutions, as the list's cards name them
    response = client.get(MAP, params)
    if not expected:
        assert 'id="competence-map-data"' not in response.content.decode()
        return
    in_table = sorted(name for _, _, links in table_rows(response) for name in links)
    assert sorted(name.split(" – ")[0] for name in in_table) == expected
    data = map_data(response)
    assert sorted(p["name"] for m in data["markers"] for p in m["profiles"]) == in_table
    assert sum(m["count"] for m in data["markers"]) == len(expected)


def test_no_match_shows_a_message_and_no_map(client, profiles):
    body = client.get(MAP, {"q": "druckluft roboter"}).content.decode()
    assert 'id="competence-map-data"' not in body and "leaflet" not in body and "<table" not in body
    assert f'href="{MAP}"' in body  # show all
    assert "<h2 id=\"results-heading\">0 " in body


def test_unknown_filter_values_are_reported(client, profiles):
    body = client.get(MAP, {"kind": "hochschule", "municipality": "essen"}).content.decode()
    assert "hochschule" in body and "essen" in body and 'role="alert"' in body
    assert len(table_rows(client.get(MAP, {"kind": "hochschule"}))) == 3  # the unknown value is dropped


def test_output_is_bounded_per_municipality(client):
    n = MAP_PROFILES_PER_MUNICIPALITY + 3
    for i in range(n):
        make_profile(f"institut-{i:02d}", institution=f"Institut {i:02d}")
    response = client.get(MAP, {"kind": "uas"})
    [(name, number, links)] = table_rows(response)
    assert (name, number) == ("Dortmund", n)
    assert links == [f"Institut {i:02d} – Labor für Druckluft" for i in range(MAP_PROFILES_PER_MUNICIPALITY)]
    more_url = f"{LIST}?kind=uas&amp;municipality=dortmund"
    assert f'<a href="{more_url}">' in response.content.decode()  # the rest in the list, same filters
    [marker] = map_data(response)["markers"]
    assert len(marker["profiles"]) == MAP_PROFILES_PER_MUNICIPALITY
    assert marker["more"]["url"] == html.unescape(more_url) and "3" in marker["more"]["text"]


def test_constant_number_of_queries(client):
    def count(params=None) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(MAP, params or {}).status_code == 200
        return len(ctx)

    make_profile("eins")
    few = count()
    for i, name in enumerate(("Dortmund", "Hagen", "Hamm", "Bochum", "Unna") * 6):
        make_profile(f"profil-{i:02d}", institution=f"Institut {i:02d}", municipality=_m(name), areas=("energy", "materials"))
    assert count() == few
    assert count({"q": "institut", "kind": "uas", "format": "thesis"}) == few
    assert count({"area": "energy", "municipality": "hagen"}) <= few + 2  # the subject area and municipality keys are checked


# --- switch between list and map ------------------------------------------------------------------


def test_list_and_map_link_each_other_with_the_filters(client, profiles):
    body = client.get(LIST, {"q": "labor", "kind": "uas", "page": "1"}).content.decode()
    assert f'<a href="{MAP}?q=labor&amp;kind=uas">' in body
    assert f'<a href="{LIST}?q=labor&amp;kind=uas" aria-current="page">' in body
    body = client.get(MAP, {"q": "labor", "kind": "uas"}).content.decode()
    assert f'<a href="{LIST}?q=labor&amp;kind=uas">' in body
    assert f'<a href="{MAP}?q=labor&amp;kind=uas" aria-current="page">' in body
    assert f'action="{MAP}"' in body and "hx-get" not in body  # the map page's form reloads the page
    # The main navigation marks the competence map on both pages.
    assert f'<a href="{LIST}" aria-current="page">' in body


def test_list_results_swapped_by_htmx_update_the_switch(client, profiles):
    response = client.get(LIST, {"kind": "company"}, headers={"HX-Request": "true", "HX-Target": "competence-results"})
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="competence-view-switch"' in body and 'hx-swap-oob="true"' in body
    assert f'<a href="{MAP}?kind=company">' in body


def test_karte_is_no_profile_identifier(profiles):
    with pytest.raises(ServiceError) as exc:
        make_profile("karte")
    assert exc.value.field == "external_id"


# --- tiles, CSP, no foreign hosts -------------------------------------------------------------------


def test_without_tiles_the_page_names_no_foreign_host(client, profiles):
    response = client.get(MAP)
    body = response.content.decode()
    assert not re.search(r"https?://", body)
    csp = response["Content-Security-Policy"]
    assert re.search(r"img-src ([^;]+)", csp).group(1).split() == ["'self'", "data:"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    # No inline script or style: the only script without src is the JSON data.
    scripts = re.findall(r"<script([^>]*)>", body)
    assert all('src="/static/' in attrs or 'type="application/json"' in attrs for attrs in scripts), scripts
    assert "style=" not in body
    # The note that there is no background map; Leaflet is served by the app itself.
    assert "competence-map-figure" in body
    for path in ("vendor/leaflet-1.9.4/leaflet.js", "vendor/leaflet-1.9.4/leaflet.css", "js/competence-map.js", "css/competence-map.css"):
        assert f'"/static/{path}"' in body
        assert finders.find(path), path


def test_no_tiles_note_only_without_tiles(client, profiles):
    without = client.get(MAP).content.decode()
    with override_settings(**TILES):
        with_tiles = client.get(MAP).content.decode()
    note = re.search(r"<figcaption>(.*?)</figcaption>", without, re.S).group(1)
    note_with_tiles = re.search(r"<figcaption>(.*?)</figcaption>", with_tiles, re.S).group(1)
    assert len(note.strip()) > len(note_with_tiles.strip())


@override_settings(**TILES)
def test_tile_setting_allows_exactly_its_origin_on_the_map_page(client, profiles):
    response = client.get(MAP)
    csp = response["Content-Security-Policy"]
    img_src = re.search(r"img-src ([^;]+)", csp).group(1).split()
    assert img_src == ["'self'", "data:", "https://tiles.example.org"]
    assert "tiles.example.org" not in re.sub(r"img-src [^;]+", "", csp)
    data = map_data(response)
    assert data["tiles"] == {"url": TILES["MAP_TILE_URL"], "attribution": TILES["MAP_TILE_ATTRIBUTION"]}
    assert "<3" not in response.content.decode()  # json_script escapes the attribution
    # The other pages keep the strict policy.
    for path in (LIST, "/", reverse("web:competence_detail", args=["labor-druckluft"])):
        assert "tiles.example.org" not in client.get(path)["Content-Security-Policy"], path


def _load_settings(monkeypatch, **env: str) -> dict:
    for name in ("DEBUG", "MAP_TILE_URL", "MAP_TILE_ATTRIBUTION"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_tile_settings_from_the_environment(monkeypatch):
    s = _load_settings(monkeypatch)
    assert (s["MAP_TILE_URL"], s["MAP_TILE_ORIGIN"], s["MAP_TILE_ATTRIBUTION"]) == ("", "", "")
    s = _load_settings(monkeypatch, MAP_TILE_URL="https://Karten.Example.org:8443/{z}/{x}/{y}@2x.png?key=abc",
                       MAP_TILE_ATTRIBUTION="© OpenStreetMap")  # fmt: skip
    assert s["MAP_TILE_ORIGIN"] == "https://karten.example.org:8443"
    assert s["MAP_TILE_ATTRIBUTION"] == "© OpenStreetMap"
    s = _load_settings(monkeypatch, DEBUG="1", MAP_TILE_URL="http://localhost:8080/{z}/{x}/{y}.png")
    assert s["MAP_TILE_ORIGIN"] == "http://localhost:8080"


@pytest.mark.parametrize(
    "url",
    [
        "http://tiles.example.org/{z}/{x}/{y}.png",  # not https (outside DEBUG)
        "https://{s}.tile.example.org/{z}/{x}/{y}.png",  # several hosts: the CSP would need a wildcard
        "https://tiles.example.org;script-src *;/{z}/{x}/{y}.png",
        "https://user:pw@tiles.example.org/{z}/{x}/{y}.png",
        "https://tiles.example.org/tiles.png",
        "/tiles/{z}/{x}/{y}.png",
    ],
)
def test_invalid_tile_urls_stop_the_start(monkeypatch, url):
    with pytest.raises(ImproperlyConfigured, match="MAP_TILE_URL"):
        _load_settings(monkeypatch, MAP_TILE_URL=url)
