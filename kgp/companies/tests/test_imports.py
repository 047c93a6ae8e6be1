"""Import of companies and contacts: reading, checking, grouping and the all-or-nothing import."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache

from kgp.companies import access, imports, services
from kgp.companies.models import Company, CompanyImport, Contact, YearlyFigures
from kgp.core.errors import ServiceError
from kgp.core.models import AuditLogEntry
from kgp.testing.factories import CompanyFactory, org


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


HEADER = "Firmenname;Rechtsform;Registergericht;Registernummer;Straße;PLZ;Ort;Ansprechpartner Vorname;Ansprechpartner Nachname;Funktion;Kontakt E-Mail"


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def analyse(content: bytes, user, name: str = "firmen.csv"):
    report, plan = imports.analyse(content, name, user)
    return report, plan


def row(report, line: int) -> dict:
    return next(r for r in report["rows"] if r["line"] == line)


def texts(entry: dict, level: str | None = None) -> str:
    return " | ".join(m["text"] for m in entry["messages"] if level is None or m["level"] == level)


def run(user, content: bytes, name: str = "firmen.csv") -> CompanyImport:
    company_import = imports.create_import(user=user, file_name=name, content=content)
    assert company_import.status == CompanyImport.Status.VALIDATED, company_import.report
    assert imports.start_import(user=user, company_import=company_import)
    company_import.refresh_from_db()
    return company_import


# --- encodings and delimiters ------------------------------------------------------------------


def test_utf8_with_umlauts(consultant):
    content = csv_bytes(HEADER, "Müller Stahlbau GmbH;GmbH;Dortmund;HRB 1234;Große Straße 1;44139;Dortmund;Jörg;Weiß;GF;joerg@example.org")
    report, plan = analyse(content, consultant)
    assert report["encoding"] == "utf-8"
    assert report["delimiter"] == ";"
    assert report["file_errors"] == []
    assert row(report, 2)["status"] == "ok", row(report, 2)
    assert plan.companies[0].data["name"] == "Müller Stahlbau GmbH"
    assert plan.companies[0].data["street"] == "Große Straße 1"
    assert plan.companies[0].contacts[0][1]["last_name"] == "Weiß"


def test_utf8_with_bom(consultant):
    content = b"\xef\xbb\xbf" + csv_bytes("Name;PLZ;Ort", "Müller Stahlbau GmbH;44139;Dortmund")
    report, plan = analyse(content, consultant)
    assert report["encoding"] == "utf-8-sig"
    assert report["file_errors"] == []
    assert [c["field"] for c in report["columns"]] == ["name", "postcode", "city"]
    assert plan.companies[0].data["name"] == "Müller Stahlbau GmbH"


def test_windows_1252(consultant):
    content = csv_bytes(
        "Unternehmen;Straße;Postleitzahl;Stadt",
        "Müller Stahlbau GmbH;Maßstraße 5;44139;Dortmund",
        "Bäckerei Groß e.K.;Hauptstr. 1;44787;Bochum",
        encoding="cp1252",
    )
    report, plan = analyse(content, consultant)
    assert report["encoding"] == "cp1252"
    assert report["file_errors"] == []
    assert [g.data["name"] for g in plan.companies] == ["Müller Stahlbau GmbH", "Bäckerei Groß e.K."]
    assert plan.companies[0].data["street"] == "Maßstraße 5"


@pytest.mark.parametrize("sep", [",", "\t"])
def test_comma_and_tab_delimiters(consultant, sep):
    content = csv_bytes(sep.join(["Name", "PLZ", "Ort", "Website"]), sep.join(['"Müller, Stahlbau GmbH"', "44139", "Dortmund", "www.mueller.example"]))
    report, plan = analyse(content, consultant)
    assert report["delimiter"] == sep
    assert report["file_errors"] == []
    assert plan.companies[0].data["name"] == "Müller, Stahlbau GmbH"
    assert plan.companies[0].data["website"] == "https://www.mueller.example"


def test_mixed_encodings_are_reported_with_line_numbers(consultant):
    content = (
        "Name;PLZ;Ort\n".encode()
        + "Müller Stahlbau GmbH;44139;Dortmund\n".encode("cp1252")
        + "Bäcker Schulze;44139;Dortmund\n".encode("utf-8")
        + "Schröder Metall;44139;Dortmund\n".encode("cp1252")
    )
    report, _plan = analyse(content, consultant)
    assert report["encoding"] == "mixed"
    assert any("Zeilen 3" in e and "UTF-8" in e for e in report["file_errors"]), report["file_errors"]
    assert row(report, 3)["status"] == "error"
    assert "Zeile 3" in texts(row(report, 3), "error")
    assert "Zeichenkodierung" in texts(row(report, 3), "error")
    assert row(report, 2)["status"] == "ok"
    assert imports.report_has_errors(report)


def test_double_encoded_text_is_an_error(consultant):
    content = csv_bytes("Name;PLZ;Ort", "MÃ¼ller Stahlbau GmbH;44139;Dortmund")
    report, _plan = analyse(content, consultant)
    assert row(report, 2)["status"] == "error"
    assert "falsch kodiert" in texts(row(report, 2))


def test_xlsx_with_leading_zero_postcode(coordinator):
    content = xlsx_bytes(
        [
            ["Firmenname", "PLZ", "Ort", "Registernummer", "Registergericht"],
            ["Sachsen Werk GmbH", 1067, "Dresden", None, None],
            ["Müller Stahlbau GmbH", 44139, "Dortmund", "HRB 4711", "Dortmund"],
        ]
    )
    report, plan = analyse(content, coordinator, name="firmen.xlsx")
    assert report["format"] == "xlsx"
    assert report["file_errors"] == []
    assert plan.companies[0].data["postcode"] == "01067"
    assert "außerhalb der Region" in texts(row(report, 2), "warning")
    assert row(report, 2)["status"] == "warning"
    assert plan.companies[1].data["postcode"] == "44139"
    assert row(report, 3)["status"] == "ok"


def test_broken_line_is_reported_and_later_rows_still_checked(consultant):
    content = csv_bytes(
        "Name;PLZ;Ort",
        "Erste GmbH;44139;Dortmund",
        '"Kaputt GmbH;44139;Dortmund',
        "Dritte GmbH;44139;Dortmund",
    )
    report, _plan = analyse(content, consultant)
    assert row(report, 3)["status"] == "error"
    assert "Zeile 3" in texts(row(report, 3))
    assert "Anführungszeichen" in texts(row(report, 3))
    assert row(report, 4)["status"] == "ok"
    assert row(report, 2)["status"] == "ok"


def test_wrong_number_of_fields(consultant):
    content = csv_bytes("Name;PLZ;Ort", "Erste GmbH;44139", "Zweite GmbH;44139;Dortmund;;")
    report, _plan = analyse(content, consultant)
    assert "Zeile 2: 2 Felder statt 3" in texts(row(report, 2))
    assert row(report, 3)["status"] == "ok"  # empty trailing fields are fine


def test_missing_required_columns(consultant):
    report, _plan = analyse(csv_bytes("Firmenname;Stadt;Farbe", "Erste GmbH;Dortmund;blau"), consultant)
    assert any("PLZ" in e for e in report["file_errors"])
    assert imports.report_has_errors(report)
    assert report["ignored_columns"] == ["Farbe"]


def test_unknown_columns_are_a_warning(consultant):
    report, _plan = analyse(csv_bytes("Name;PLZ;Ort;Lieblingsfarbe", "Erste GmbH;44139;Dortmund;blau"), consultant)
    assert report["file_errors"] == []
    assert any("Ignorierte Spalten" in w and "Lieblingsfarbe" in w for w in report["file_warnings"])


def test_empty_and_binary_files_are_rejected(consultant):
    with pytest.raises(imports.ImportFileError, match="leer"):
        imports.analyse(b"", "leer.csv", consultant)
    with pytest.raises(imports.ImportFileError, match="keine CSV"):
        imports.analyse(b"MZ\x90\x00\x03\x00\x00\x00", "programm.csv", consultant)
    with pytest.raises(imports.ImportFileError, match="keine XLSX"):
        imports.analyse(b"%PDF-1.7 ...", "liste.xlsx", consultant)
    with pytest.raises(imports.ImportFileError, match="beschädigt"):
        imports.analyse(b"PK\x03\x04 not really a zip", "liste.xlsx", consultant)
    with pytest.raises(imports.ImportFileError, match="CSV- oder XLSX"):
        imports.analyse(b"Name;PLZ;Ort\n", "liste.pdf", consultant)


# --- checks per row ----------------------------------------------------------------------------


def test_row_errors_and_warnings(consultant):
    content = csv_bytes(
        "Name;PLZ;Ort;E-Mail;WZ-Code;Rechtsform",
        "Gute GmbH;44139;Dortmund;info@gute.example;C25.62;GmbH",
        "Falsche PLZ GmbH;44A39;Dortmund;;;",
        "Berliner GmbH;10115;Berlin;;;",
        "Mail GmbH;44139;Dortmund;kein-mail;;",
        "WZ GmbH;44139;Dortmund;;Metallbau;",
        ";44139;Dortmund;;;",
        "X" * 201 + ";44139;Dortmund;;;",
        "Form GmbH;44139;Dortmund;;25.62;Limited",
    )
    report, plan = analyse(content, consultant)
    assert row(report, 2)["status"] == "ok"
    assert plan.companies[0].data["sector_code"] == "C25.62"
    assert plan.companies[0].data["legal_form"] == "gmbh"
    assert "Zeile 3, Spalte „PLZ“" in texts(row(report, 3), "error")
    assert row(report, 4)["status"] == "error"  # consultants keep companies in their own area
    assert "außerhalb der Region – zuständig ist die Netzwerkkoordination" in texts(row(report, 4), "error")
    assert "Zeile 5, Spalte „E-Mail“" in texts(row(report, 5), "error")
    assert "Spalte „WZ-Code“" in texts(row(report, 6), "error")
    assert "Name des Unternehmens fehlt" in texts(row(report, 7), "error")
    assert "zu lang" in texts(row(report, 8), "error")
    assert row(report, 9)["status"] == "warning"
    assert plan.companies[-1].data["legal_form"] == "other"
    assert plan.companies[-1].data["sector_code"] == "C25.62"
    assert report["counts"]["error"] == 6
    assert report["counts"]["warning"] == 1
    assert report["counts"]["ok"] == 1


def test_responsibility_follows_the_postcode(consultant, coordinator):
    content = csv_bytes("Name;PLZ;Ort", "Dortmunder GmbH;44139;Dortmund", "Bochumer GmbH;44787;Bochum", "Berliner GmbH;10115;Berlin")
    report, _plan = analyse(content, coordinator)
    assert [row(report, n)["status"] for n in (2, 3, 4)] == ["ok", "ok", "warning"]
    assert "außerhalb der Region – zuständig ist die Netzwerkkoordination" in texts(row(report, 4), "warning")
    report, _plan = analyse(content, consultant)
    assert [row(report, n)["status"] for n in (2, 3, 4)] == ["ok", "error", "error"]
    assert "zuständig ist Bochum Wirtschaftsentwicklung" in texts(row(report, 3), "error")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("GmbH", "gmbh"),
        ("GmbH & Co. KG", "gmbh_co_kg"),
        ("UG (haftungsbeschränkt)", "ug"),
        ("AG", "ag"),
        ("KG", "kg"),
        ("e.K.", "ek"),
        ("e. Kfm.", "ek"),
        ("OHG", "ohg"),
        ("eG", "eg"),
        ("Einzelunternehmen", "sole"),
        ("Ltd.", None),
    ],
)
def test_legal_forms(text, value):
    assert imports.parse_legal_form(text) == value


def test_figures_are_checked(consultant):
    content = csv_bytes(
        "Name;PLZ;Ort;Jahr;Beschäftigte;Umsatz (EUR);Bilanzsumme",
        "Gut GmbH;44139;Dortmund;2024;12,5;1.500.000;",
        "Negativ GmbH;44139;Dortmund;2024;-3;;",
        "Riesig GmbH;44139;Dortmund;2024;10;5000000000000;",
        "Ohne Jahr GmbH;44139;Dortmund;;10;;",
        "Keine Zahl GmbH;44139;Dortmund;2024;viele;;",
        "Leer GmbH;44139;Dortmund;;;;",
    )
    report, plan = analyse(content, consultant)
    good = plan.companies[0].figures[2024]
    assert good.staff_awu == Decimal("12.50") and good.turnover == Decimal("1500000.00")
    assert "negativ" in texts(row(report, 3), "error")
    assert "unplausibel" in texts(row(report, 4), "error")
    assert "Jahr fehlt" in texts(row(report, 5), "error")
    assert "keine Zahl" in texts(row(report, 6), "error")
    assert row(report, 7)["status"] == "ok"
    assert not plan.companies[-1].figures


def test_rows_of_one_company_are_grouped(consultant):
    content = csv_bytes(
        HEADER,
        "Müller Stahlbau GmbH;GmbH;Dortmund;HRB 1234;Hafenweg 1;44139;Dortmund;Anna;Schmidt;GF;anna@example.org",
        "Müller Stahlbau GmbH;;Dortmund;HRB1234;;44139;Dortmund;Ben;Meier;Einkauf;ben@example.org",
        "Bäckerei Korn;;;;;44787;Bochum;Cem;Yilmaz;;",
        "Bäckerei Korn;;;;;44787;Bochum;Dana;Kurz;;",
        "Bäckerei Korn;;;;;44787;Bochum;Dana;Kurz;;",
    )
    report, plan = analyse(content, consultant)
    assert report["counts"]["companies"] == 2
    assert report["counts"]["contacts"] == 4
    assert [len(g.contacts) for g in plan.companies] == [2, 2]
    assert row(report, 3)["same_as"] == 2
    assert row(report, 5)["same_as"] == 4
    assert "nur einmal" in texts(row(report, 6), "warning")


def test_same_register_number_with_another_name_is_an_error(consultant):
    content = csv_bytes(
        "Name;Registergericht;Registernummer;PLZ;Ort",
        "Erste GmbH;Dortmund;HRB 1234;44139;Dortmund",
        "Ganz Andere GmbH;Dortmund;HRB 1234;44139;Dortmund",
    )
    report, _plan = analyse(content, consultant)
    assert row(report, 3)["status"] == "error"
    assert "doppelt in der Datei" in texts(row(report, 3))
    assert "Zeile 2" in texts(row(report, 3))


def test_register_number_in_database_named_only_when_visible(consultant, other_consultant):
    CompanyFactory(name="Stahlbau Beispiel GmbH", register_court="Dortmund", register_number="HRB 4711", postcode="44139")
    content = csv_bytes(
        "Name;Registergericht;Registernummer;PLZ;Ort",
        "Neuer Name GmbH;Amtsgericht Dortmund;HRB4711;44139;Dortmund",
    )
    report, _plan = analyse(content, consultant)
    assert "existiert bereits: Stahlbau Beispiel GmbH" in texts(row(report, 2), "error")
    report, _plan = analyse(content, other_consultant)
    assert "Registernummer bereits vergeben" in texts(row(report, 2), "error")
    assert "Stahlbau Beispiel" not in str(report)


def test_similar_name_in_database_is_a_warning(consultant):
    CompanyFactory(name="Stahlbau Beispiel GmbH", postcode="44139")
    report, _plan = analyse(csv_bytes("Name;PLZ;Ort", "Stahlbau Beispiel GmbH & Co. KG;44141;Dortmund"), consultant)
    assert row(report, 2)["status"] == "warning"
    assert "ähnliches Unternehmen bereits erfasst: Stahlbau Beispiel GmbH" in texts(row(report, 2))


def test_html_stays_text(consultant):
    report, plan = analyse(csv_bytes("Name;PLZ;Ort", "<script>alert(1)</script> GmbH;44139;Dortmund"), consultant)
    assert plan.companies[0].data["name"] == "<script>alert(1)</script> GmbH"


def test_full_name_is_split(consultant):
    content = csv_bytes("Name;PLZ;Ort;Ansprechperson", "A GmbH;44139;Dortmund;Frau Dr. Anna Schmidt", "B GmbH;44139;Dortmund;Meier, Ben")
    _report, plan = analyse(content, consultant)
    assert plan.companies[0].contacts[0][1] | {} == {
        "salutation": "Frau", "first_name": "Dr. Anna", "last_name": "Schmidt", "function": "", "email": "", "phone": "",
    }  # fmt: skip
    assert plan.companies[1].contacts[0][1]["first_name"] == "Ben"
    assert plan.companies[1].contacts[0][1]["last_name"] == "Meier"


# --- the import --------------------------------------------------------------------------------


def test_import_creates_companies_contacts_and_figures_through_the_services(coordinator):
    content = csv_bytes(
        "Firmenname;Rechtsform;Registergericht;Registernummer;PLZ;Ort;Ansprechpartner Vorname;Ansprechpartner Nachname;Jahr;Beschäftigte;Umsatz",
        "Müller Stahlbau GmbH;GmbH;Dortmund;HRB 1234;44139;Dortmund;Anna;Schmidt;2024;12;1.500.000",
        "Müller Stahlbau GmbH;GmbH;Dortmund;HRB 1234;44139;Dortmund;Ben;Meier;2023;11;1.400.000",
        "Bochumer Werk AG;AG;;;44787;Bochum;Cem;Yilmaz;;;",
    )
    company_import = run(coordinator, content)
    assert company_import.status == CompanyImport.Status.DONE, company_import.report
    assert company_import.rows_done == company_import.rows_total == 3
    assert company_import.report["result"]["companies"] == 2
    assert company_import.report["result"]["contacts"] == 3
    mueller = Company.objects.get(register_number="HRB 1234")
    assert mueller.responsible_partner == org("dortmund")
    assert mueller.created_by == coordinator
    assert sorted(c.last_name for c in mueller.contacts.all()) == ["Meier", "Schmidt"]
    assert set(YearlyFigures.objects.filter(company=mueller).values_list("year", flat=True)) == {2023, 2024}
    assert mueller.size_class == "small"  # 12 staff and 1.5 million turnover
    bochum = Company.objects.get(name="Bochumer Werk AG")
    assert bochum.responsible_partner == org("bochum")  # from the postcode, as the service does
    created = AuditLogEntry.objects.get(object_type="companies.company", object_id=str(mueller.pk), action="create")
    assert created.changes["source"] == [None, f"import:{company_import.pk}"]
    assert AuditLogEntry.objects.filter(object_type="companies.contact", action="create").count() == 3
    summary = AuditLogEntry.objects.get(action="import")
    assert summary.object_id == str(company_import.pk)
    assert summary.changes["companies"] == [None, 2]
    assert cache.get(imports.progress_key(company_import.pk)) == {"done": 3, "total": 3}


def test_import_is_all_or_nothing(consultant, monkeypatch):
    calls = {"n": 0}
    original = services.contact_create

    def failing_contact_create(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ServiceError("Simulierter Fehler.")
        return original(**kwargs)

    monkeypatch.setattr(services, "contact_create", failing_contact_create)
    content = csv_bytes(
        "Name;PLZ;Ort;Ansprechperson",
        "Erste GmbH;44139;Dortmund;Anna Schmidt",
        "Zweite GmbH;44139;Dortmund;Ben Meier",
        "Dritte GmbH;44139;Dortmund;Cem Yilmaz",
        "Vierte GmbH;44139;Dortmund;Dana Kurz",
    )
    companies_before = Company.objects.count()
    company_import = run(consultant, content)
    assert company_import.status == CompanyImport.Status.FAILED
    assert "Zeile 4" in company_import.report["error"]
    assert "Simulierter Fehler" in company_import.report["error"]
    assert Company.objects.count() == companies_before
    assert not Contact.objects.exists()
    assert not AuditLogEntry.objects.filter(action="import").exists()
    assert not AuditLogEntry.objects.filter(object_type="companies.company").exists()


def test_unexpected_error_also_rolls_back(consultant, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "figures_set", boom)
    content = csv_bytes("Name;PLZ;Ort;Jahr;Beschäftigte", "Erste GmbH;44139;Dortmund;2024;3")
    company_import = run(consultant, content)
    assert company_import.status == CompanyImport.Status.FAILED
    assert "RuntimeError" in company_import.report["error"]
    assert not Company.objects.filter(name="Erste GmbH").exists()


def test_import_checks_again_before_writing(consultant):
    content = csv_bytes("Name;Registergericht;Registernummer;PLZ;Ort", "Neue GmbH;Dortmund;HRB 999;44139;Dortmund")
    company_import = imports.create_import(user=consultant, file_name="a.csv", content=content)
    assert company_import.status == CompanyImport.Status.VALIDATED
    CompanyFactory(name="Inzwischen GmbH", register_court="Dortmund", register_number="HRB 999", postcode="44139")
    assert imports.start_import(user=consultant, company_import=company_import)
    company_import.refresh_from_db()
    assert company_import.status == CompanyImport.Status.FAILED
    assert "neue Fehler" in company_import.report["error"]
    assert not Company.objects.filter(name="Neue GmbH").exists()


def test_placement_is_checked_again_when_writing(consultant, monkeypatch):
    """Even if the check before the import missed it, a consultant's import never places a company
    outside their agency's area: the whole import is rolled back."""
    company_import = imports.create_import(user=consultant, file_name="a.csv", content=csv_bytes("Name;PLZ;Ort", "A GmbH;44139;Dortmund", "B GmbH;44787;Bochum"))
    assert company_import.status == CompanyImport.Status.INVALID
    CompanyImport.objects.filter(pk=company_import.pk).update(status=CompanyImport.Status.VALIDATED)
    monkeypatch.setattr(imports, "_region_messages", lambda *args: None)
    company_import.refresh_from_db()
    assert imports.start_import(user=consultant, company_import=company_import)
    company_import.refresh_from_db()
    assert company_import.status == CompanyImport.Status.FAILED
    assert "Zeile 3" in company_import.report["error"]
    assert not Company.objects.filter(name__in=["A GmbH", "B GmbH"]).exists()


def test_an_import_starts_only_once(consultant):
    company_import = run(consultant, csv_bytes("Name;PLZ;Ort", "Erste GmbH;44139;Dortmund"))
    assert company_import.status == CompanyImport.Status.DONE
    assert not imports.start_import(user=consultant, company_import=company_import)
    assert Company.objects.filter(name="Erste GmbH").count() == 1


def test_invalid_import_is_stored_but_cannot_start(consultant):
    company_import = imports.create_import(user=consultant, file_name="a.csv", content=csv_bytes("Name;PLZ;Ort", "Erste GmbH;4;Dortmund"))
    assert company_import.status == CompanyImport.Status.INVALID
    assert company_import.organisation == org("dortmund")
    assert not imports.start_import(user=consultant, company_import=company_import)


def test_progress_is_written_to_the_cache(consultant, monkeypatch):
    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(imports, "_progress", lambda key, done, total: seen.append((done, total)))
    lines = [f"Firma {i} GmbH;44139;Dortmund" for i in range(5)]
    company_import = run(consultant, csv_bytes("Name;PLZ;Ort", *lines))
    assert company_import.status == CompanyImport.Status.DONE
    assert seen == [(2, 5), (4, 5)]


def test_read_progress_prefers_the_cache_while_running(consultant):
    company_import = imports.create_import(user=consultant, file_name="a.csv", content=csv_bytes("Name;PLZ;Ort", "A GmbH;44139;Dortmund"))
    CompanyImport.objects.filter(pk=company_import.pk).update(status=CompanyImport.Status.RUNNING, rows_total=300)
    company_import.refresh_from_db()
    assert imports.read_progress(company_import) == (None, 300)
    cache.set(imports.progress_key(company_import.pk), {"done": 200, "total": 300})
    assert imports.read_progress(company_import) == (200, 300)


def test_imports_for_staff(consultant, other_consultant, coordinator, readonly):
    company_import = imports.create_import(user=consultant, file_name="a.csv", content=csv_bytes("Name;PLZ;Ort", "A GmbH;44139;Dortmund"))
    assert company_import in access.imports_for_staff(consultant)
    assert company_import in access.imports_for_staff(coordinator)
    assert company_import not in access.imports_for_staff(other_consultant)
    assert company_import not in access.imports_for_staff(readonly)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_all_or_nothing_in_a_real_transaction(monkeypatch):
    """Without the test's wrapping transaction: the import's own transaction is rolled back, and on
    PostgreSQL other connections see the status but neither the uncommitted rows nor the DB progress –
    hence the progress in the cache."""
    from django.db import connection, connections

    from kgp.accounts.models import Role
    from kgp.testing.factories import UserFactory

    user = UserFactory(role=Role.CONSULTANT, organisation=org("dortmund"))
    lines = [f"Firma {i} GmbH;44139;Dortmund;Anna Schmidt{i}" for i in range(250)]
    company_import = imports.create_import(user=user, file_name="a.csv", content=csv_bytes("Name;PLZ;Ort;Ansprechperson", *lines))
    seen = []
    record_progress = imports._progress

    def spy(key, done, total):
        record_progress(key, done, total)
        if connection.vendor == "postgresql":
            other = connections.create_connection("default")
            try:
                with other.cursor() as cursor:
                    cursor.execute("SELECT status FROM companies_companyimport WHERE id = %s", [company_import.pk])
                    status = cursor.fetchone()[0]
                    cursor.execute("SELECT count(*) FROM companies_company")
                    seen.append((status, cursor.fetchone()[0], cache.get(key)))
            finally:
                other.close()

    calls = {"n": 0}
    original = services.contact_create

    def failing_contact_create(**kwargs):
        calls["n"] += 1
        if calls["n"] == 240:
            raise ServiceError("Simulierter Fehler.")
        return original(**kwargs)

    monkeypatch.setattr(imports, "_progress", spy)
    monkeypatch.setattr(services, "contact_create", failing_contact_create)
    assert imports.start_import(user=user, company_import=company_import)
    company_import.refresh_from_db()
    assert company_import.status == CompanyImport.Status.FAILED
    assert "Zeile 241" in company_import.report["error"]
    assert not Company.objects.exists()
    assert not Contact.objects.exists()
    if connection.vendor == "postgresql":
        assert seen == [("running", 0, {"done": 100, "total": 250}), ("running", 0, {"done": 200, "total": 250})]


def test_postcode_in_non_latin_digits_is_a_row_error_in_the_preview(consultant):
    content = "Name;PLZ;Ort\nZiffern GmbH;\u0664\u0664\u0661\u0663\u0669;Dortmund\n".encode()
    company_import = imports.create_import(user=consultant, file_name="ziffern.csv", content=content)
    assert company_import.status == CompanyImport.Status.INVALID
