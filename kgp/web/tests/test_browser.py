"""End-to-end tests in headless Chromium against the in-process live server.

The browser speaks German (the UI default). Selectors use ids, names, URLs and roles; where a visible
text is checked, the expected string is translated in the test with the same catalogs the server uses,
so the tests hold whether or not the project's German translations are compiled.

Set BROWSER_SCREENSHOT_DIR to a directory to keep screenshots of the main pages.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from kgp.accounts.models import Role, User
from kgp.companies import services
from kgp.companies.consents import consent_text
from kgp.companies.models import Company, CompanyMembership, Consent, Note
from kgp.core.models import AuditLogEntry
from kgp.testing.factories import PASSWORD, CompanyFactory, ContactFactory

# Live-server tests need committed data; conftest.py reloads the region data the flush removes.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING_IMPACTS = {"serious", "critical"}


# --- helpers ------------------------------------------------------------------------------------


def shot(page: Page, name: str) -> None:
    directory = os.environ.get("BROWSER_SCREENSHOT_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


def de(text: str) -> str:
    """The German UI text of a source string, as the server renders it."""
    with translation.override("de"):
        return gettext(text)


def login_with_session(page: Page, live_server, user: User) -> None:
    """Log the browser in without the form (the form itself is tested in the consultant's journey)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def main_form_submit(page: Page, action: str | None = None):
    """The submit button of a form in <main> (the header holds the language and logout forms)."""
    form = page.locator(f'main form[action="{action}"]' if action else "main form[method=post]")
    return form.locator("button[type=submit]")


def serious_violations(page: Page) -> list[dict]:
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v.get('helpUrl', '')}]")
        for node in v["nodes"][:8]:
            lines.append(f"    {node.get('target')}: {node.get('html', '')[:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


class PageWatch:
    """Console errors, page errors and every request URL of a page."""

    def __init__(self, page: Page) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("request", lambda request: self.requests.append(request.url))


@pytest.fixture
def detail_company(consultant) -> Company:
    """A Dortmund company with contacts, yearly figures and a note, and a few others for the list."""
    company = services.company_create(
        actor=consultant,
        data={
            "name": "Präzisionsteile Westfalen GmbH",
            "legal_form": "gmbh",
            "street": "Rheinlanddamm 1",
            "postcode": "44139",
            "city": "Dortmund",
            "sector_code": "C25.62",
            "website": "https://stahlbau.example.org",
            "email": "info@stahlbau.example.org",
            "phone": "0231 123456",
        },
    )
    ContactFactory(company=company, first_name="Erika", last_name="Muster", phone="0231 55555")
    ContactFactory(company=company, first_name="Jonas", last_name="Beispiel", function="Energiemanagement")
    services.figures_set(
        actor=consultant,
        company=company,
        year=2024,
        staff_awu=Decimal("42.5"),
        turnover=Decimal("6500000"),
        balance_sheet_total=Decimal("4100000"),
    )
    services.note_create(actor=consultant, company=company, text="Erstgespräch geführt.\nFolgetermin im März.")
    for name in ("Metallwerk Hörde GmbH", "Kunststofftechnik Aplerbeck KG", "Gießerei Dorstfeld GmbH"):
        CompanyFactory(name=name, postcode="44135", city="Dortmund")
    return company


# --- 1. consultant journey ------------------------------------------------------------------------


def test_consultant_creates_company_finds_it_and_adds_a_note(page: Page, live_server, consultant):
    CompanyFactory(name="Metallwerk Hörde GmbH", postcode="44263", city="Dortmund")
    CompanyFactory(name="Gießerei Dorstfeld GmbH", postcode="44149", city="Dortmund")
    watch = PageWatch(page)

    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_login").fill(consultant.email)
    page.locator("#id_password").fill(PASSWORD)
    main_form_submit(page).click()
    expect(page).to_have_url(live_server.url + "/backoffice/")

    page.locator('nav.sub a[href="/backoffice/companies/new/"]').click()
    expect(page).to_have_url(live_server.url + "/backoffice/companies/new/")
    page.locator("#id_name").fill("Grüne Fräserei Körne GmbH")
    page.locator("#id_legal_form").select_option("gmbh")
    page.locator("#id_street").fill("Körner Hellweg 10")
    page.locator("#id_postcode").fill("44139")
    page.locator("#id_city").fill("Dortmund")
    page.locator("#id_sector_code").fill("C25.62")
    page.locator("#id_phone").fill("0231 987654")
    main_form_submit(page).click()

    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/backoffice/companies/\d+/$"))
    expect(page.locator("h1")).to_have_text("Grüne Fräserei Körne GmbH")
    company = Company.objects.get(name="Grüne Fräserei Körne GmbH")
    assert company.responsible_partner.key == "dortmund"
    assert company.created_by == consultant

    # Find it by the search on the company list (htmx replaces the results in place).
    page.locator('nav.sub a[href="/backoffice/companies/"]').click()
    expect(page.locator("#company-results tbody tr")).to_have_count(3)
    page.locator("#f-q").fill("Fräserei")
    page.locator("#f-q").press("Enter")
    expect(page.locator("#company-results tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"[?&]q=Fr%C3%A4serei"))
    # The live region outside the swapped results announces the new count to screen readers.
    expect(page.locator("#result-announcer")).to_contain_text("1")
    page.locator("#company-results tbody a", has_text="Grüne Fräserei Körne GmbH").click()
    expect(page).to_have_url(f"{live_server.url}/backoffice/companies/{company.pk}/")

    # Add a note: it shows on the timeline, above the "created" entry.
    note_text = "Erstberatung Energieeffizienz vereinbart – Termin am 12. März."
    page.locator("#id_text").fill(note_text)
    main_form_submit(page, f"/backoffice/companies/{company.pk}/notes/").click()
    expect(page).to_have_url(f"{live_server.url}/backoffice/companies/{company.pk}/")
    timeline = page.locator("#timeline")
    expect(timeline.locator("> li").first).to_contain_text(note_text)
    created_label = capfirst(de(AuditLogEntry.Action.CREATE.label))
    created_entry = timeline.locator("> li").filter(has_text=f"{created_label}: Grüne Fräserei Körne GmbH")
    expect(created_entry).to_have_count(1)
    expect(created_entry).to_contain_text(str(consultant))
    assert Note.objects.filter(company=company, author=consultant, text=note_text).exists()

    assert not watch.page_errors, watch.page_errors
    assert not watch.console_errors, watch.console_errors


# --- 2. company user journey -----------------------------------------------------------------------


def test_company_user_signs_up_registers_company_and_edits_profile(page: Page, live_server):
    email = "neu.unternehmen@example.org"
    page.goto(live_server.url + "/accounts/signup/")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    main_form_submit(page).click()
    expect(page).to_have_url(live_server.url + "/accounts/confirm-email/")

    user = User.objects.get(email=email)
    assert user.role == Role.COMPANY
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    assert message.to == [email]
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body

    page.goto(live_server.url + match.group(1))
    main_form_submit(page).click()
    expect(page).to_have_url(live_server.url + "/portal/")
    assert EmailAddress.objects.get(user=user).verified

    page.locator('main a[href="/portal/companies/new/"]').click()
    expect(page).to_have_url(live_server.url + "/portal/companies/new/")
    page.locator("#id_name").fill("Solartechnik Kamen GmbH")
    page.locator("#id_legal_form").select_option("gmbh")
    page.locator("#id_street").fill("Westicker Straße 5")
    page.locator("#id_postcode").fill("59174")
    page.locator("#id_city").fill("Kamen")
    page.locator("#id_website").fill("https://solartechnik-kamen.example.org")
    page.locator("#id_phone").fill("02307 111111")
    page.locator("#id_consent-network_sharing").check()
    main_form_submit(page).click()

    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/portal/companies/\d+/$"))
    company = Company.objects.get(name="Solartechnik Kamen GmbH")
    assert company.responsible_partner.key == "unna"
    assert company.network_sharing is True
    assert CompanyMembership.objects.get(user=user, company=company).status == CompanyMembership.Status.APPROVED
    expect(page.locator("#id_consent-network_sharing")).to_be_checked()

    # Edit the profile: the new phone number is saved and shown.
    page.locator("#id_phone").fill("02307 222222")
    main_form_submit(page).click()
    expect(page).to_have_url(f"{live_server.url}/portal/companies/{company.pk}/")
    expect(page.locator(".messages li.success")).to_have_count(1)
    expect(page.locator("#id_phone")).to_have_value("02307 222222")
    company.refresh_from_db()
    assert company.phone == "02307 222222"

    consent = Consent.objects.get(company=company, kind=Consent.Kind.NETWORK_SHARING)
    assert consent.granted is True
    assert consent.source == "portal"
    assert consent.recorded_by == user
    assert consent.text == consent_text("network_sharing", "de")
    expect(page.locator("#consent-text-network_sharing")).to_have_text(consent.text)


# --- 3. accessibility (axe-core) -------------------------------------------------------------------


def test_public_pages_have_no_serious_accessibility_violations(page: Page, live_server):
    pages = (
        ("landing", "/"),
        ("login", "/accounts/login/"),
        ("signup", "/accounts/signup/"),
        ("imprint", "/impressum/"),
        ("privacy", "/datenschutz/"),
        ("accessibility", "/barrierefreiheit/"),
    )
    for name, path in pages:
        page.goto(live_server.url + path)
        shot(page, name)
        violations = serious_violations(page)
        assert not violations, f"{path}:\n{describe(violations)}"


def test_backoffice_pages_have_no_serious_accessibility_violations(page: Page, live_server, consultant, detail_company):
    login_with_session(page, live_server, consultant)

    page.goto(live_server.url + "/backoffice/companies/")
    expect(page.locator("#company-results tbody tr")).to_have_count(4)
    shot(page, "company_list")
    violations = serious_violations(page)
    assert not violations, f"company list:\n{describe(violations)}"

    # The detail page right after adding a note: with the success message, every <details> open.
    page.goto(f"{live_server.url}/backoffice/companies/{detail_company.pk}/")
    page.locator("#id_text").fill("Rückruf zugesagt.")
    main_form_submit(page, f"/backoffice/companies/{detail_company.pk}/notes/").click()
    expect(page.locator("#timeline > li").first).to_contain_text("Rückruf zugesagt.")
    expect(page.locator("main table").first.locator("tbody tr")).to_have_count(2)
    page.evaluate("document.querySelectorAll('details').forEach(function (d) { d.open = true; })")
    shot(page, "company_detail")
    violations = serious_violations(page)
    assert not violations, f"company detail:\n{describe(violations)}"

    # Forms in their error state: the company form and the figures form on the detail page.
    page.goto(live_server.url + "/backoffice/companies/new/")
    page.locator("#id_postcode").fill("123")
    main_form_submit(page).click()
    expect(page.locator("[data-autofocus]")).to_be_focused()
    violations = serious_violations(page)
    assert not violations, f"company form with errors:\n{describe(violations)}"

    page.goto(f"{live_server.url}/backoffice/companies/{detail_company.pk}/")
    page.locator("details:has(#id_figures-year) summary").click()
    page.locator("#id_figures-year").fill("2024")
    page.locator("#id_figures-staff_awu").fill("viele")
    main_form_submit(page, f"/backoffice/companies/{detail_company.pk}/figures/").click()
    expect(page.locator("#id_figures-staff_awu")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_figures-staff_awu")).to_have_value("viele")
    violations = serious_violations(page)
    assert not violations, f"detail page with a figures error:\n{describe(violations)}"

    page.goto(live_server.url + "/backoffice/imports/")
    violations = serious_violations(page)
    assert not violations, f"import upload:\n{describe(violations)}"


# --- 4. content security policy ---------------------------------------------------------------------


def test_pages_obey_the_content_security_policy_and_stay_on_the_host(page: Page, live_server, consultant, detail_company):
    watch = PageWatch(page)
    response = page.goto(live_server.url + "/")
    assert "script-src 'self'" in response.headers.get("content-security-policy", "")
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"

    login_with_session(page, live_server, consultant)
    response = page.goto(f"{live_server.url}/backoffice/companies/{detail_company.pk}/")
    assert response.status == 200
    expect(page.locator("h1")).to_have_text(detail_company.name)
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"
    page.wait_for_load_state("load")

    csp_errors = [m for m in watch.console_errors + watch.page_errors if "content security policy" in m.lower()]
    assert not csp_errors, csp_errors
    assert watch.requests, "no request was recorded"
    foreign = [url for url in watch.requests if not url.startswith(live_server.url + "/")]
    assert not foreign, foreign


# --- 5. keyboard -----------------------------------------------------------------------------------


def test_first_tab_focuses_skip_link_and_enter_moves_focus_to_main(page: Page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_attribute("href", "#main")
    box = skip_link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"the focused skip link is off screen: {box}"

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert page.url.endswith("#main")


# --- 6. language switch ----------------------------------------------------------------------------


def test_language_switch_to_english(page: Page, live_server):
    # allauth ships its German catalog, so the login page is German before the switch in any case.
    sign_in_de = de("Sign In")
    assert sign_in_de != "Sign In"

    page.goto(live_server.url + "/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("main h1")).to_have_text(sign_in_de)

    page.locator("#language-select").select_option("en")  # choosing alone changes nothing (WCAG 3.2.2)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    with page.expect_navigation():
        page.locator("form:has(#language-select) button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("Sign In")
    expect(page.locator("#language-select")).to_have_value("en")

    # The choice sticks for the next page.
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("Resilient, climate-friendly and smart production in Westphalia")
    expect(page.locator('nav.main a[href="/"]')).to_have_text("Home")
