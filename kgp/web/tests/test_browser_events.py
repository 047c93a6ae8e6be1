"""End-to-end: a guest finds an event, registers, confirms the e-mail address through the link
(double opt-in) and receives the calendar file; on the day a consultant checks the guest in on a
phone-sized screen.

The event list, the event page with the registration form, the participant's page and the check-in
page are scanned with axe-core. Visible texts are translated with the server's catalogues, so the test
holds whether or not a msgid is translated.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from kgp.events import services
from kgp.events.models import Registration, RegistrationStatus
from kgp.organisations.models import Municipality
from kgp.testing.factories import org

from .test_browser import PageWatch, de
from .test_browser_journey import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def event(consultant):
    """A published workshop of the Dortmund agency that starts in three hours (check-in is open)."""
    start = (timezone.now() + dt.timedelta(hours=3)).replace(second=0, microsecond=0)
    return services.event_create(
        actor=consultant,
        data={
            "title": "Werkstatt Abwärme: Potenziale im eigenen Betrieb finden", "kind": "workshop", "module": "inform",
            "summary": "Ein halber Tag mit Messbeispielen aus Druckluft, Öfen und Kälteanlagen.",
            "description": "Wir rechnen gemeinsam an Beispielen aus der Region.", "starts_at": start,
            "ends_at": start + dt.timedelta(hours=4), "venue": "Technologiezentrum Beispielstadt",
            "address": "Musterallee 5, 44227 Dortmund", "municipality": Municipality.objects.get(name="Dortmund"),
            "capacity": 12, "status": "published",
            "questions": [{"label": "Essenswunsch", "kind": "choice", "choices": ["vegetarisch", "vegan", "ohne"]}],
        },
        organisations=[org("dortmund")],
    )  # fmt: skip


def test_guest_registers_confirms_gets_the_calendar_file_and_is_checked_in(page: Page, live_server, consultant, event, monkeypatch):
    monkeypatch.setattr("kgp.web.forms_events.MIN_FILL_SECONDS", 0)  # the form's anti-bot delay
    watch = PageWatch(page)

    # --- 1. The guest finds the event in the list and opens it. ---
    page.goto(f"{live_server.url}/veranstaltungen/")
    assert_accessible(page, "event_list")
    page.get_by_role("link", name=event.title).first.click()
    expect(page).to_have_url(re.compile(rf"/veranstaltungen/{event.slug}/$"))
    ld = page.locator('script[type="application/ld+json"]').first.text_content()
    assert '"@type": "Event"' in ld or '"@type":"Event"' in ld
    assert_accessible(page, "event_detail")

    # --- 2. The guest registers; nothing counts before the confirmation. ---
    page.get_by_label(de("First name")).fill("Greta")
    page.get_by_label(de("Last name")).fill("Gast")
    page.get_by_label(de("E-mail")).fill("greta.gast@example.org")
    page.get_by_label(de("Company or organisation")).fill("Gastbetrieb Beispiel GmbH")
    page.get_by_role("group", name="Essenswunsch").get_by_label("vegan", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name=de("Register for this event")).click()
    expect(page.locator("main")).to_contain_text("greta.gast@example.org")
    registration = Registration.objects.get(event=event, email="greta.gast@example.org")
    assert registration.status == RegistrationStatus.PENDING and registration.answers == {"q1": "vegan"}
    (confirm_mail,) = [m for m in mail.outbox if m.to == ["greta.gast@example.org"]]
    link = re.search(r"https?://[^/\s]+(/veranstaltungen/bestaetigen/[^\s]+/)", confirm_mail.body).group(1)

    # --- 3. The link shows a confirmation button (a GET changes nothing); the click confirms. ---
    page.goto(live_server.url + link)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    with page.expect_navigation():
        page.get_by_role("button", name=de("Confirm registration")).click()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED
    expect(page).to_have_url(re.compile(rf"/veranstaltungen/anmeldung/{registration.token}/$"))
    assert_accessible(page, "event_registration")

    # The confirmation e-mail carries the calendar file, in Europe/Berlin time.
    confirmation = [m for m in mail.outbox if m.to == ["greta.gast@example.org"] and m.attachments]
    assert confirmation, [m.subject for m in mail.outbox]
    name, content, mimetype = confirmation[-1].attachments[0]
    assert mimetype == "text/calendar" and name.endswith(".ics")
    vevent = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == event.title
    assert vevent["DTSTART"].dt == event.starts_at.astimezone(BERLIN)
    # The participant's page offers the same file for download.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(re.escape(de("Download the calendar file (.ics)")))).click()
    downloaded = download_info.value.path().read_text()
    assert "BEGIN:VTIMEZONE" in downloaded and "TZID:Europe/Berlin" in downloaded

    # --- 4. On the day, the consultant checks the guest in on a phone-sized screen. ---
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, consultant.email)
    page.goto(f"{live_server.url}/backoffice/veranstaltungen/{event.pk}/check-in/")
    page.locator("#checkin-q").fill("Gast")
    page.locator("form.checkin-search button[type=submit]").click()
    button = page.locator(f"#ci-{registration.pk}")
    expect(button).to_contain_text(de("Check in"))
    assert_accessible(page, "event_checkin")
    with page.expect_navigation():
        button.click()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ATTENDED and registration.checked_in_by == consultant
    expect(page.locator(f"#ci-{registration.pk}")).to_contain_text(de("Undo check-in"))

    assert not watch.page_errors, watch.page_errors
    csp = [e for e in watch.console_errors if "Content Security Policy" in e or "Refused" in e]
    assert not csp, csp
    foreign = [url for url in watch.requests if not (url.startswith(live_server.url + "/") or url.startswith("data:"))]
    assert not foreign, foreign
