"""End-to-end: a visitor takes the Transformations-Check anonymously, puts two recommended offers into
the Baukasten and sends the request; the consultant of the responsible agency logs in and finds it in
the inbox. Every public page on the way (catalogue, offer detail, check, result, Baukasten, request
form) is scanned with axe-core, and no page may break the Content-Security-Policy or load anything
from another host.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from kgp.assessment.models import Questionnaire
from kgp.catalogue.models import Format, Module
from kgp.deminimis.services import aid_grant
from kgp.requests.forms import MIN_FILL_SECONDS
from kgp.requests.models import Request
from kgp.testing.factories import PASSWORD, OfferFactory, org

from .test_browser import PageWatch, describe, login_with_session, serious_violations, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def offers(db):
    """Offers for every dimension of the check, in several modules and from several agencies."""
    specs = [
        ("Energieeffizienz-Check vor Ort", Module.COACH, Format.COACHING, ["energy", "climate"], "dortmund"),
        ("Digitalisierungs-Coaching für die Fertigung", Module.COACH, Format.COACHING, ["smart"], "bochum"),
        ("Webinar: Resiliente Lieferketten", Module.INFORM, Format.WEBINAR, ["resilience", "supply_chain"], "hagen"),
        ("Hochschul-Matchmaking", Module.CONNECT, Format.MATCHMAKING, ["cooperation"], "hamm"),
        ("Fachkräfte-Workshop", Module.INFORM, Format.WORKSHOP, ["talent"], "unna"),
        ("Kreislaufwirtschaft im Betrieb", Module.TRANSFER, Format.TRANSFER_PROJECT, ["circular"], "dortmund"),
    ]
    return [
        OfferFactory(
            title=title,
            slug=re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"),
            summary=f"{title}: ein Angebot für produzierende Unternehmen der Region.",
            module=module,
            format=fmt,
            topics=topics,
            owner=org(owner),
            after_request="Ihre Wirtschaftsförderung meldet sich innerhalb von drei Werktagen für ein Erstgespräch.",
        )
        for title, module, fmt, topics, owner in specs
    ]


def assert_accessible(page: Page, name: str) -> None:
    shot(page, name)
    violations = serious_violations(page)
    assert not violations, f"{page.url}:\n{describe(violations)}"


def test_visitor_check_baukasten_request_reaches_the_consultants_inbox(page: Page, live_server, offers, consultant):
    watch = PageWatch(page)

    # The catalogue and an offer's page.
    page.goto(live_server.url + "/angebote/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=offers[0].title)).to_be_visible()
    assert_accessible(page, "catalogue")
    page.goto(live_server.url + f"/angebote/{offers[0].slug}/")
    expect(page.get_by_role("heading", level=1, name=offers[0].title)).to_be_visible()
    assert_accessible(page, "offer_detail")

    # The check, anonymously: every answer at the lowest level.
    page.goto(live_server.url + "/transformations-check/")
    assert_accessible(page, "check_start")
    page.locator("main input[name=size_class]").first.check()
    page.locator("main form[method=post] button[type=submit]").last.click()
    steps = 0
    while "/ergebnis/" not in page.url:
        steps += 1
        assert steps <= 10, "the check never reaches its result"
        expect(page.locator("main form.check-form")).to_be_visible()
        if steps == 1:
            assert_accessible(page, "check_step")
        radios = page.locator("main form.check-form input[type=radio][value='0']")
        assert radios.count() >= 1
        for i in range(radios.count()):
            radios.nth(i).check()
        finish = page.locator("main button[name=action][value=finish]")
        if finish.count():
            finish.click()
        else:
            page.locator("main button[name=action][value=next]").click()
    assert steps == 5  # one page per dimension
    assert_accessible(page, "check_result")
    # A chart and a table with the same numbers; every score is 0 after all-zero answers.
    table = page.locator("main table").first
    expect(table).to_be_visible()
    assert re.search(r"\b0\b", table.inner_text())
    recommendations = page.locator("main ol.check-recommendations > li")
    assert recommendations.count() >= 2
    chosen = [recommendations.nth(i).locator("a").first.inner_text().strip() for i in range(2)]
    result_url = page.url
    for i in range(2):
        page.goto(result_url)
        page.locator("main ol.check-recommendations > li").nth(i).locator("button[type=submit]").click()
    expect(page.locator("#package-count")).to_have_text("2")

    # The Baukasten: two offers, a note, then on to the request.
    page.goto(live_server.url + "/baukasten/")
    for title in chosen:
        expect(page.locator("main").get_by_text(title, exact=False).first).to_be_visible()
    assert_accessible(page, "package")
    page.locator("main textarea").first.fill("Bitte mit unserer Produktionsleitung abstimmen.")
    page.locator("main button[name=continue]").click()
    expect(page.locator("main input[name=name]")).to_be_visible()
    assert_accessible(page, "request_form")
    page.fill("input[name=name]", "Gießerei Sonnenschein GmbH")
    page.fill("input[name=street]", "Hafenstraße 7")
    page.fill("input[name=postcode]", "44147")
    page.fill("input[name=city]", "Dortmund")
    page.fill("input[name=contact_name]", "Erika Mustermann")
    page.fill("input[name=contact_email]", "erika.mustermann@example.org")
    page.locator("input[name=preferred_channel][value=phone]").check()
    page.fill("input[name=preferred_time]", "dienstags vormittags")
    page.fill("textarea[name=message]", "Wir möchten mit dem Energieverbrauch anfangen.")
    page.locator("input[name=send_check_result]").check()
    page.locator("input[name=consent]").check()
    page.wait_for_timeout(MIN_FILL_SECONDS * 1000 + 300)  # the form refuses what a robot sends at once
    page.locator("main form[method=post] button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/baukasten/"))
    expect(page.locator("#package-count")).to_have_text("0")

    sent = Request.objects.get()
    assert sent.partner.key == "dortmund"
    assert sent.company.name == "Gießerei Sonnenschein GmbH"
    assert sorted(sent.items.values_list("offer_title", flat=True)) == sorted(chosen)
    assert sent.check_result is not None and sent.check_result.completed_at is not None
    assert sent.consent.text and sent.consent.granted
    expect(page.locator("main")).to_contain_text(sent.number)
    recipients = {address for message in mail.outbox for address in message.to}
    assert "erika.mustermann@example.org" in recipients
    assert consultant.email in recipients

    # The consultant of Dortmund logs in and finds the request in the inbox.
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", consultant.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.goto(live_server.url + "/backoffice/requests/")
    row_link = page.get_by_role("link", name=re.compile(re.escape(sent.number)))
    expect(row_link).to_be_visible()
    expect(page.locator("main")).to_contain_text("Gießerei Sonnenschein GmbH")
    assert_accessible(page, "request_inbox")
    row_link.click()
    for title in chosen:
        expect(page.locator("main")).to_contain_text(title)
    expect(page.locator("main")).to_contain_text("Bitte mit unserer Produktionsleitung abstimmen.")
    assert_accessible(page, "request_detail")

    host = live_server.url.rstrip("/")
    assert all(url.startswith(host) or url.startswith("data:") for url in watch.requests), [
        url for url in watch.requests if not url.startswith(host)
    ]
    assert not watch.page_errors, watch.page_errors
    assert not [e for e in watch.console_errors if "Content Security Policy" in e or "Refused" in e], watch.console_errors


def test_backoffice_catalogue_and_questionnaire_pages_are_accessible(page: Page, live_server, offers, coordinator, company):
    watch = PageWatch(page)
    login_with_session(page, live_server, coordinator)
    questionnaire = Questionnaire.objects.get(status="published")
    grant = aid_grant(
        actor=coordinator, company=company, granted_on=date.today(), value_eur=Decimal("1800"), purpose="Energieeffizienz-Coaching"
    )
    paths = {
        "deminimis_company": f"/backoffice/companies/{company.pk}/de-minimis/",
        "deminimis_list": "/backoffice/de-minimis/",
        "offer_list": "/backoffice/offers/",
        "offer_detail": f"/backoffice/offers/{offers[0].pk}/",
        "offer_create": "/backoffice/offers/new/",
        "request_list": "/backoffice/requests/",
        "questionnaire_list": "/backoffice/questionnaires/",
        "questionnaire_detail": f"/backoffice/questionnaires/{questionnaire.pk}/",
    }
    for name, path in paths.items():
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert_accessible(page, f"backoffice_{name}")
    # The certificate downloads as a PDF.
    pdf = page.request.get(live_server.url + f"/backoffice/de-minimis/{grant.pk}/bescheinigung.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    # An offer form sent empty shows its errors accessibly too.
    page.goto(live_server.url + paths["offer_create"])
    page.locator("main form[method=post] button[type=submit]").last.click()
    expect(page.locator("main [aria-invalid=true]").first).to_be_visible()
    assert_accessible(page, "backoffice_offer_create_errors")
    assert not watch.page_errors, watch.page_errors
