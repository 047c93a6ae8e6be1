"""End-to-end: a company books its initial consultation from its request; the consultant of the
responsible agency opens a case from the request, records the initial-consultation record and a
coaching session with a de-minimis value (and a PDF attachment), and downloads the certificate.

The portal booking page and the case page are scanned with axe-core. Visible texts are translated in
the test with the server's catalogues (`de`), so the test holds whether or not a msgid is translated.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from kgp.appointments.models import Booking, BookingStatus, LocationKind, SlotStatus
from kgp.appointments.services import slots_publish
from kgp.deminimis.models import AidGrant
from kgp.journey.models import Activity, ActivityKind, Case, CoachKind
from kgp.requests.models import RequestStatus
from kgp.testing.factories import PASSWORD, OfferFactory, RequestFactory

from .test_browser import PageWatch, de, describe, serious_violations, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TINY_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def assert_accessible(page: Page, name: str) -> None:
    shot(page, name)
    violations = serious_violations(page)
    assert not violations, f"{page.url}:\n{describe(violations)}"


def log_in(page: Page, live_server, email: str) -> None:
    """Log in through the login form (staff need no second factor in tests: STAFF_MFA_REQUIRED)."""
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").last.click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def activity_form(page: Page, kind: str):
    """The <details> with the form that records an activity of this kind (opened)."""
    details = page.locator(f"main details:has(input[name=kind][value={kind}])")
    details.locator("> summary").click()
    expect(details).to_have_attribute("open", "")
    return details.locator("form")


@pytest.fixture
def booked_request(company, company_user):
    """A request the company user sent from the portal for two offers (one of them de-minimis aid)."""
    offers = [
        OfferFactory(title="Energieeffizienz-Coaching", is_de_minimis=True, de_minimis_value=Decimal("1250.50")),
        OfferFactory(title="Webinar: Resiliente Lieferketten"),
    ]
    return RequestFactory(
        company=company,
        offers=offers,
        source="portal",
        created_by=company_user,
        contact_name="Ina Inhaberin",
        contact_email=company_user.email,
    )


@pytest.fixture
def free_slot(consultant):
    """An open slot of the Dortmund consultant, the day after tomorrow at 10:00 (local time), at the agency."""
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + dt.timedelta(days=2)
    [slot] = slots_publish(
        actor=consultant,
        organisation=consultant.organisation,
        starts_at=start,
        duration_minutes=60,
        location_kind=LocationKind.AT_AGENCY,
        location_detail="Raum 3.14, Rheinlanddamm 1",
    )
    return slot


def test_company_books_consultation_and_consultant_records_coaching_with_certificate(
    page: Page, live_server, company, company_user, consultant, booked_request, free_slot
):
    watch = PageWatch(page)
    req = booked_request

    # --- 1. The company user books the initial consultation from the request. ---
    log_in(page, live_server, company_user.email)
    page.goto(f"{live_server.url}/portal/anfragen/{req.pk}/")
    page.locator(f'main a[href="/portal/anfragen/{req.pk}/erstgespraech/"]').click()
    expect(page).to_have_url(f"{live_server.url}/portal/anfragen/{req.pk}/erstgespraech/")
    expect(page.get_by_role("heading", level=1)).to_have_text(de("Book the initial consultation"))
    # The contact person comes from the request.
    expect(page.locator("main input[name=contact_email]")).to_have_value(company_user.email)
    expect(page.locator("main input[name=contact_name]")).to_have_value("Ina Inhaberin")
    assert_accessible(page, "appointment_book")

    slot_radio = page.locator(f"main input[name=slot][value='{free_slot.pk}']")
    expect(slot_radio).to_have_count(1)
    slot_radio.check()
    page.locator("main [name=topic]").fill("Energieverbrauch der Lackiererei senken")
    page.locator("main [name=participants]").fill("Ina Inhaberin (Geschäftsführung), Paul Meister (Produktion)")
    page.locator(f"main input[name=location_kind][value={LocationKind.AT_AGENCY}]").check()
    page.locator("main form[method=post] button[type=submit]").last.click()

    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/termin/[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(de("Your initial consultation"))
    expect(page.locator(".messages li.success")).to_have_count(1)
    expect(page.locator("main dl.facts")).to_contain_text(str(free_slot))
    expect(page.locator("main dl.facts")).to_contain_text("Energieverbrauch der Lackiererei senken")
    expect(page.locator("main dl.facts")).to_contain_text("Raum 3.14")

    booking = Booking.objects.get()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.request_id == req.pk and booking.company_id == company.pk and booking.booked_by == company_user
    assert booking.location_kind == LocationKind.AT_AGENCY
    assert page.url.endswith(f"/termin/{booking.manage_token}/")
    free_slot.refresh_from_db()
    assert free_slot.status == SlotStatus.BOOKED

    # The confirmation to the company and the notice to the consultant, each with the calendar file.
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) >= {(company_user.email,), (consultant.email,)}, [(m.to, m.subject) for m in mail.outbox]
    confirmation = by_recipient[(company_user.email,)]
    assert f"/termin/{booking.manage_token}/" in confirmation.body
    for message in (confirmation, by_recipient[(consultant.email,)]):
        [(filename, content, mimetype)] = message.attachments
        assert filename.endswith(".ics") and mimetype == "text/calendar"
        assert content.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in content
    assert_calendar_start(confirmation.attachments[0][1], free_slot.starts_at)

    # --- 2. The consultant opens a case from the request and records the consultation. ---
    log_in(page, live_server, consultant.email)
    page.goto(live_server.url + "/backoffice/termine/")
    expect(page.locator("main")).to_contain_text(company.name)
    expect(page.locator("main")).to_contain_text("Energieverbrauch der Lackiererei senken")

    page.goto(f"{live_server.url}/backoffice/requests/{req.pk}/")
    page.locator(f'main form[action="/backoffice/requests/{req.pk}/case/"] button[type=submit]').click()
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/backoffice/cases/\d+/$"))
    case = Case.objects.get()
    assert case.created_from_id == req.pk and case.company_id == company.pk
    assert page.url.endswith(f"/backoffice/cases/{case.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
    req.refresh_from_db()
    assert req.status == RequestStatus.IN_PROGRESS
    expect(page.locator("main")).to_contain_text("Energieeffizienz-Coaching")  # the request's offers are copied

    form = activity_form(page, ActivityKind.INITIAL_CONSULTATION)
    form.locator("[name=initial_consultation-situation]").fill("Lackiererei mit hohem Gasverbrauch, 42 Beschäftigte.")
    form.locator("[name=initial_consultation-need_climate]").fill("Wärmerückgewinnung prüfen.")
    form.locator("[name=initial_consultation-need_smart]").fill("Energiemonitoring einführen.")
    form.locator("[name=initial_consultation-next_steps]").fill("Coaching Energieeffizienz im nächsten Monat.")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/backoffice/cases/{case.pk}/")
    expect(page.locator(".messages li.success")).to_have_count(1)
    record = Activity.objects.get(case=case, kind=ActivityKind.INITIAL_CONSULTATION)
    assert record.needs == {"climate": "Wärmerückgewinnung prüfen.", "smart": "Energiemonitoring einführen."}
    assert record.aid_grant_id is None
    entry = page.locator(f"#activity-{record.pk}")
    expect(entry).to_contain_text("Lackiererei mit hohem Gasverbrauch")
    expect(entry).to_contain_text("Coaching Energieeffizienz im nächsten Monat.")

    # --- 3. A coaching session with a de-minimis value and a PDF attachment. ---
    form = activity_form(page, ActivityKind.COACHING)
    form.locator("[name=coaching-hours]").fill("2,5")
    form.locator("[name=coaching-coach_kind]").select_option(CoachKind.EXTERNAL.value)
    form.locator("[name=coaching-coach_name]").fill("Dr. Clara Coach")
    form.locator("[name=coaching-topic]").fill("Wärmerückgewinnung an der Lackieranlage")
    form.locator("[name=coaching-offer]").select_option(label="Energieeffizienz-Coaching")
    form.locator("[name=coaching-deminimis_value]").fill("1.250,50")
    form.locator("[name=coaching-attachments]").set_input_files(
        files=[{"name": "Protokoll Coaching.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}]
    )
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/backoffice/cases/{case.pk}/")
    expect(page.locator(".messages li.success")).to_have_count(1)

    coaching = Activity.objects.select_related("aid_grant").get(case=case, kind=ActivityKind.COACHING)
    assert coaching.hours == Decimal("2.5") and coaching.coach_name == "Dr. Clara Coach"
    grant = coaching.aid_grant
    assert grant is not None
    assert grant.value_eur == Decimal("1250.50") and grant.company_id == company.pk
    assert grant.offer is not None and grant.offer.title == "Energieeffizienz-Coaching"
    assert grant.organisation_id == consultant.organisation_id and grant.consultant_id == consultant.pk
    assert re.fullmatch(r"DM-\d{4}-\d{5}", grant.certificate_number)
    assert AidGrant.objects.count() == 1
    assert [a.original_name for a in coaching.attachments.all()] == ["Protokoll Coaching.pdf"]

    entry = page.locator(f"#activity-{coaching.pk}")
    aid_text = de("De-minimis aid: EUR %(value)s, certificate %(number)s") % {
        "value": "1.250,50",
        "number": grant.certificate_number,
    }
    expect(entry).to_contain_text(aid_text)
    expect(entry).to_contain_text("Wärmerückgewinnung an der Lackieranlage")
    expect(entry.get_by_role("link", name="Protokoll Coaching.pdf")).to_be_visible()
    page.evaluate("document.querySelectorAll('details').forEach(function (d) { d.open = true; })")
    assert_accessible(page, "case_detail_with_aid")

    # --- 4. The certificate downloads as a PDF with the number and the value. ---
    link = entry.get_by_role("link", name=de("Certificate (PDF)"))
    expect(link).to_have_attribute("href", f"/backoffice/de-minimis/{grant.pk}/bescheinigung.pdf")
    # The link on the case page carries `download`, so the browser saves the file (the ledger page
    # opens the same certificate in the browser's viewer).
    expect(link).to_have_attribute("download", "")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == f"De-minimis-Bescheinigung-{grant.certificate_number}.pdf"
    data = download.path().read_bytes()
    assert data.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages).split())
    assert grant.certificate_number in text, text[:2000]
    assert "1.250,50" in text, text[:2000]
    assert company.name in text, text[:2000]

    assert not watch.page_errors, watch.page_errors
    csp = [e for e in watch.console_errors if "Content Security Policy" in e or "Refused" in e]
    assert not csp, csp
    foreign = [url for url in watch.requests if not (url.startswith(live_server.url + "/") or url.startswith("data:"))]
    assert not foreign, foreign


def assert_calendar_start(ics: str, starts_at: dt.datetime) -> None:
    """The calendar file's DTSTART is the slot's start (in UTC or as Europe/Berlin local time)."""
    utc = starts_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    local = timezone.localtime(starts_at).strftime("%Y%m%dT%H%M%S")
    unfolded = ics.replace("\r\n ", "").replace("\n ", "")
    starts = [line for line in unfolded.splitlines() if line.startswith("DTSTART")]
    assert starts and any(utc in line or local in line for line in starts), starts
