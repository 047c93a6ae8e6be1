"""End-to-end: the map view of the competence map (/kompetenzen/karte/) in headless Chromium.

Without a tile server (the default) the map shows its markers on a plain background and the browser
requests nothing from another host; with one, the page's CSP lets exactly that origin's tiles in (the
tile server is answered by the test through Playwright's routing). The page is scanned with axe-core
with a popup open, works with the keyboard, and without JavaScript the table carries the same data.
"""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import Page, expect

from kgp.competences.tests.conftest import make_profile
from kgp.organisations.models import Municipality

from .test_browser import PageWatch, de, describe, serious_violations, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP = "/kompetenzen/karte/"
TILE_HOST = "https://tiles.example.org"
# A 1×1 transparent PNG: what the routed tile server answers.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


@pytest.fixture
def map_profiles(db):
    hagen = Municipality.objects.get(name="Hagen")
    return [
        make_profile("labor-druckluft"),
        make_profile("tu-werkstoffe", institution="Technische Universität Dortmund", unit="Lehrstuhl Werkstoffe", kind="university"),
        make_profile("hagen-robotik", institution="Fachhochschule Südwestfalen", unit="Labor für Robotik", municipality=hagen),
        make_profile("entwurf", institution="Entwurf Institut", status="draft"),
    ]


def marker(page: Page, name: str):
    return page.locator(f".leaflet-marker-icon.map-marker:has(.map-name:text-is('{name}'))")


def problems(watch: PageWatch) -> list[str]:
    return watch.console_errors + watch.page_errors


def test_map_shows_markers_and_popups_with_profile_links(page: Page, live_server, map_profiles):
    watch = PageWatch(page)
    response = page.goto(live_server.url + MAP)
    assert response.status == 200
    expect(page.locator("#competence-map-figure")).to_be_visible()
    markers = page.locator(".leaflet-marker-icon.map-marker")
    expect(markers).to_have_count(2)  # Dortmund and Hagen; the draft is not public
    dortmund = marker(page, "Dortmund")
    expect(dortmund.locator(".map-count")).to_have_text("2")
    expect(dortmund).to_have_attribute("role", "button")
    assert "Dortmund" in dortmund.get_attribute("aria-label")
    expect(marker(page, "Hagen").locator(".map-count")).to_have_text("1")
    # No tile layer: a plain background, and the page says so.
    expect(page.locator(".leaflet-tile")).to_have_count(0)
    expect(page.locator("#competence-map-figure figcaption")).to_contain_text(
        de("No background map is configured, so the municipalities are shown on a plain background.")
    )

    dortmund.click()
    popup = page.locator(".leaflet-popup")
    expect(popup).to_be_visible()
    expect(popup.locator("a[href='/kompetenzen/labor-druckluft/']")).to_have_text("Fachhochschule Dortmund – Labor für Druckluft")
    expect(popup.locator("a[href='/kompetenzen/tu-werkstoffe/']")).to_be_visible()
    expect(popup.locator(".leaflet-popup-close-button")).to_have_attribute("aria-label", de("Close"))
    expect(popup).to_have_css("opacity", "1")  # faded in, before the contrast is checked
    shot(page, "competence_map")
    violations = serious_violations(page)
    assert not violations, f"{MAP}:\n{describe(violations)}"

    popup.locator("a[href='/kompetenzen/labor-druckluft/']").click()
    expect(page).to_have_url(live_server.url + "/kompetenzen/labor-druckluft/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fachhochschule Dortmund")

    assert not problems(watch), problems(watch)
    assert any("/static/vendor/leaflet-1.9.4/leaflet.js" in url for url in watch.requests)
    foreign = [url for url in watch.requests if not url.startswith(live_server.url + "/")]
    assert not foreign, foreign


def test_filters_and_the_list_switch(page: Page, live_server, map_profiles):
    watch = PageWatch(page)
    page.goto(live_server.url + "/kompetenzen/?municipality=hagen")
    page.locator("#competence-view-switch a[href^='/kompetenzen/karte/']").click()
    expect(page).to_have_url(live_server.url + MAP + "?municipality=hagen")
    expect(page.locator(".leaflet-marker-icon.map-marker")).to_have_count(1)
    expect(marker(page, "Hagen")).to_be_visible()

    # The filter form of the map page reloads the map with the new filters.
    page.locator("#k-municipality").select_option("")
    page.locator("#k-kind").select_option("university")
    page.locator("main form.filters button[type=submit]").click()
    expect(page).to_have_url(live_server.url + MAP + "?q=&kind=university&area=&format=&municipality=")
    expect(page.locator(".leaflet-marker-icon.map-marker")).to_have_count(1)
    expect(marker(page, "Dortmund").locator(".map-count")).to_have_text("1")
    assert not problems(watch), problems(watch)


def test_markers_work_with_the_keyboard(page: Page, live_server, map_profiles):
    page.goto(live_server.url + MAP)
    hagen = marker(page, "Hagen")
    hagen.focus()
    expect(hagen).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup a[href='/kompetenzen/hagen-robotik/']")).to_be_visible()


def test_without_javascript_the_table_has_the_same_data(browser, live_server, map_profiles):
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + MAP)
        expect(page.locator("#competence-map-figure")).to_be_hidden()
        rows = page.locator("table.competence-map-table tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.first.locator("th")).to_have_text("Dortmund")
        expect(rows.first.locator("td.num")).to_have_text("2")
        expect(rows.first.locator("a[href='/kompetenzen/labor-druckluft/']")).to_be_visible()
    finally:
        context.close()


def test_configured_tiles_load_from_their_origin_only(page: Page, live_server, map_profiles, settings):
    settings.MAP_TILE_URL = TILE_HOST + "/{z}/{x}/{y}.png"
    settings.MAP_TILE_ORIGIN = TILE_HOST
    settings.MAP_TILE_ATTRIBUTION = "© Kartendaten: Beispiel-Mitwirkende"
    tiles: list[str] = []

    def serve_tile(route):
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=PNG)

    page.route(TILE_HOST + "/**", serve_tile)
    watch = PageWatch(page)
    response = page.goto(live_server.url + MAP)
    assert TILE_HOST in response.headers["content-security-policy"]
    expect(page.locator(".leaflet-tile-loaded").first).to_be_attached()
    expect(page.locator(".leaflet-control-attribution")).to_have_text("© Kartendaten: Beispiel-Mitwirkende")
    expect(page.locator("#competence-map-figure figcaption")).not_to_contain_text(
        de("No background map is configured, so the municipalities are shown on a plain background.")
    )
    expect(page.locator(".leaflet-marker-icon.map-marker")).to_have_count(2)
    page.wait_for_load_state("load")

    assert tiles, "no tile was requested"
    assert not problems(watch), problems(watch)  # no CSP violation for the tiles
    foreign = [url for url in watch.requests if not url.startswith((live_server.url + "/", TILE_HOST + "/"))]
    assert not foreign, foreign
