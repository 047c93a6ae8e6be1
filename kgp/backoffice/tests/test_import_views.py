"""The import pages: upload, preview, confirmation, progress and who may see them."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from kgp.companies import imports
from kgp.companies.models import Company, CompanyImport

UPLOAD = reverse("backoffice:import_upload")
GOOD_CSV = (
    "Firmenname;PLZ;Ort;Ansprechpartner Vorname;Ansprechpartner Nachname\r\n"
    "Müller Stahlbau GmbH;44139;Dortmund;Anna;Schmidt\r\n"
    "Müller Stahlbau GmbH;44139;Dortmund;Ben;Meier\r\n"
    "Bäckerei Korn;44141;Dortmund;Cem;Yilmaz\r\n"
).encode()
BAD_CSV = "Name;PLZ;Ort\r\nErste GmbH;44A39;Dortmund\r\n".encode()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def upload(client, content: bytes, name: str = "firmen.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def detail_url(company_import: CompanyImport) -> str:
    return reverse("backoffice:import_detail", args=[company_import.pk])


def progress_url(company_import: CompanyImport) -> str:
    return reverse("backoffice:import_progress", args=[company_import.pk])


@pytest.fixture
def stored_import(consultant):
    return imports.create_import(user=consultant, file_name="firmen.csv", content=GOOD_CSV)


# --- who may do what ----------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client, stored_import):
    for url in (UPLOAD, detail_url(stored_import), progress_url(stored_import)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_readonly_staff_may_not_import(client, readonly, stored_import):
    client.force_login(readonly)
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, GOOD_CSV).status_code == 403
    assert client.get(detail_url(stored_import)).status_code == 403
    assert not CompanyImport.objects.exclude(pk=stored_import.pk).exists()


def test_company_users_get_404(client, company_user):
    client.force_login(company_user)
    assert client.get(UPLOAD).status_code == 404


def test_another_agency_gets_404_the_coordination_sees_all(client, other_consultant, coordinator, stored_import):
    client.force_login(other_consultant)
    assert client.get(detail_url(stored_import)).status_code == 404
    assert client.get(progress_url(stored_import)).status_code == 404
    assert client.post(detail_url(stored_import), {"confirm": "1"}).status_code == 404
    stored_import.refresh_from_db()
    assert stored_import.status == CompanyImport.Status.VALIDATED
    client.force_login(coordinator)
    assert client.get(detail_url(stored_import)).status_code == 200


# --- upload -------------------------------------------------------------------------------------


def test_upload_form(client, consultant, stored_import):
    client.force_login(consultant)
    response = client.get(UPLOAD)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' in html
    assert 'accept=".csv,.xlsx"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "firmen.csv" in html  # recent imports of the agency


def test_upload_checks_and_shows_the_preview(client, consultant):
    client.force_login(consultant)
    response = upload(client, GOOD_CSV)
    assert response.status_code == 302
    company_import = CompanyImport.objects.get()
    assert response["Location"] == detail_url(company_import)
    assert company_import.status == CompanyImport.Status.VALIDATED
    assert company_import.created_by == consultant
    assert company_import.rows_total == 3
    html = client.get(detail_url(company_import), headers={"Accept-Language": "en"}).content.decode()
    assert "<caption>" in html
    assert '<th scope="col"' in html
    assert '<th scope="row" class="num">3</th>' in html
    assert "Import 2 companies and 3 contacts" in html
    assert 'name="confirm"' in html
    assert not Company.objects.exists()


def test_confirming_runs_the_import(client, consultant):
    client.force_login(consultant)
    upload(client, GOOD_CSV)
    company_import = CompanyImport.objects.get()
    response = client.post(detail_url(company_import), {"confirm": "1"})
    assert response.status_code == 302
    company_import.refresh_from_db()
    assert company_import.status == CompanyImport.Status.DONE
    assert Company.objects.filter(name="Müller Stahlbau GmbH").get().contacts.count() == 2
    html = client.get(detail_url(company_import)).content.decode()
    assert 'name="confirm"' not in html
    assert "Müller Stahlbau GmbH" in html
    # confirming again does nothing
    response = client.post(detail_url(company_import), {"confirm": "1"})
    assert response.status_code == 400
    assert Company.objects.filter(name="Müller Stahlbau GmbH").count() == 1


def test_file_with_errors_offers_no_import(client, consultant):
    client.force_login(consultant)
    upload(client, BAD_CSV)
    company_import = CompanyImport.objects.get()
    assert company_import.status == CompanyImport.Status.INVALID
    response = client.get(detail_url(company_import), headers={"Accept-Language": "en"})
    html = response.content.decode()
    assert 'name="confirm"' not in html
    assert "Please fix the file and upload it again." in html
    assert "Spalte „PLZ“" in html
    response = client.post(detail_url(company_import), {"confirm": "1"})
    assert response.status_code == 400
    assert not Company.objects.exists()


@override_settings(IMPORT_MAX_BYTES=1024)
def test_too_large_file_is_refused(client, consultant):
    client.force_login(consultant)
    response = upload(client, GOOD_CSV + b"x" * 2048)
    assert response.status_code == 400
    assert "zu groß" in response.content.decode()
    assert not CompanyImport.objects.exists()


def test_file_over_10_mb_is_refused(client, consultant):
    client.force_login(consultant)
    content = GOOD_CSV + b"a;44139;Dortmund;;\r\n" * (10 * 1024 * 1024 // 20 + 10)
    assert len(content) > 10 * 1024 * 1024
    response = upload(client, content)
    assert response.status_code == 400
    assert "zu groß" in response.content.decode()
    assert not CompanyImport.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("liste.pdf", b"%PDF-1.7\n...", "CSV- oder XLSX"),
        ("liste.csv", b"%PDF-1.7\n...", "PDF"),
        ("firmen.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "keine CSV"),
        ("firmen.xlsx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "keine XLSX"),
        ("firmen.xlsx", b"PK\x03\x04broken", "beschädigt"),
        ("leer.csv", b"", "leer"),
    ],
)
def test_wrong_or_empty_files_are_refused(client, consultant, name, content, message):
    client.force_login(consultant)
    response = upload(client, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CompanyImport.objects.exists()


def test_upload_without_file(client, consultant):
    client.force_login(consultant)
    response = client.post(UPLOAD, {})
    assert response.status_code == 400


def test_markup_in_the_file_is_shown_as_text(client, consultant):
    client.force_login(consultant)
    upload(client, "Name;PLZ;Ort\r\n<script>alert(1)</script> GmbH;44139;Dortmund\r\n".encode())
    html = client.get(detail_url(CompanyImport.objects.get())).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; GmbH" in html


def test_only_problem_rows_can_be_shown(client, consultant):
    client.force_login(consultant)
    upload(client, "Name;PLZ;Ort\r\nGute GmbH;44139;Dortmund\r\nBöse GmbH;4;Dortmund\r\n".encode())
    html = client.get(detail_url(CompanyImport.objects.get()) + "?show=problems").content.decode()
    assert "Böse GmbH" in html
    assert "Gute GmbH" not in html


# --- progress -----------------------------------------------------------------------------------


def test_progress_partial_polls_while_running(client, consultant, stored_import):
    CompanyImport.objects.filter(pk=stored_import.pk).update(status=CompanyImport.Status.RUNNING)
    cache.set(imports.progress_key(stored_import.pk), {"done": 2, "total": 3})
    client.force_login(consultant)
    html = client.get(progress_url(stored_import)).content.decode()
    assert 'hx-get="%s"' % progress_url(stored_import) in html
    assert 'hx-trigger="every 1s"' in html
    assert 'hx-swap="outerHTML"' in html
    assert 'aria-live="polite"' in html
    assert '<progress id="import-progress-bar" max="3" value="2">' in html
    assert 'href="%s"' % detail_url(stored_import) in html  # works without JavaScript
    detail = client.get(detail_url(stored_import)).content.decode()
    assert 'hx-trigger="every 1s"' in detail


def test_progress_partial_stops_polling_when_done(client, consultant, stored_import):
    CompanyImport.objects.filter(pk=stored_import.pk).update(status=CompanyImport.Status.DONE, rows_done=3)
    client.force_login(consultant)
    response = client.get(progress_url(stored_import), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "hx-trigger" not in html
    assert 'value="3"' in html
    assert response["HX-Refresh"] == "true"
