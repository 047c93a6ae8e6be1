"""Export of the company list: filters, tenancy, formats and formula injection."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from kgp.companies import exports
from kgp.companies.models import Topic
from kgp.testing.factories import CompanyFactory

EXPORT = reverse("backoffice:company_export")


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[list[str]]:
    data = body(response)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def xlsx_rows(response) -> list[list[object]]:
    workbook = openpyxl.load_workbook(io.BytesIO(body(response)), read_only=True)
    return [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]


def names(rows: list[list[object]]) -> set[object]:
    return {r[0] for r in rows[1:]}


@pytest.fixture
def companies(db):
    topic = Topic.objects.order_by("name_de").first()
    dortmund = CompanyFactory(name="Müller Stahlbau GmbH", postcode="44139", city="Dortmund", sector_code="C25.62",
                              register_court="Dortmund", register_number="HRB 1234")  # fmt: skip
    if topic:
        dortmund.topics.add(topic)
    CompanyFactory(name="Dortmunder Bäckerei", postcode="44141", city="Dortmund", sector_code="C10.71")
    CompanyFactory(name="Bochumer Werk AG", postcode="44787", city="Bochum", legal_form="ag")
    CompanyFactory(name="Geteilte Bochumer GmbH", postcode="44787", city="Bochum", network_sharing=True)
    CompanyFactory(name="Berliner GmbH", postcode="10115", city="Berlin")
    return dortmund


def test_csv_for_german_excel(client, consultant, companies):
    client.force_login(consultant)
    response = client.get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="unternehmen-{today}.csv"'
    rows = csv_rows(response)
    assert rows[0] == list(exports.HEADER)
    mueller = next(r for r in rows if r[0] == "Müller Stahlbau GmbH")
    record = dict(zip(rows[0], mueller, strict=True))
    assert record["Rechtsform"] == "GmbH"
    assert record["Registernummer"] == "HRB 1234"
    assert record["PLZ"] == "44139"
    assert record["Kommune"] == "Dortmund"
    assert record["Zuständige Wirtschaftsförderung"] == "Wirtschaftsförderung Dortmund"
    assert record["WZ-Code"] == "C25.62"
    assert record["Größenklasse"] == "Unbekannt"
    assert record["Größenklasse vorläufig"] == "ja"
    assert record["Netzwerkweit freigegeben"] == "nein"
    if companies.topics.exists():
        assert record["Themen"] == companies.topics.get().name_de


def test_tenancy_is_respected(client, consultant, other_consultant, coordinator, companies):
    client.force_login(consultant)
    assert names(csv_rows(client.get(EXPORT))) == {"Müller Stahlbau GmbH", "Dortmunder Bäckerei", "Geteilte Bochumer GmbH"}
    client.force_login(other_consultant)
    assert names(csv_rows(client.get(EXPORT))) == {"Bochumer Werk AG", "Geteilte Bochumer GmbH"}
    client.force_login(coordinator)
    assert len(names(csv_rows(client.get(EXPORT)))) == 5


def test_readonly_staff_may_export_but_company_users_may_not(client, readonly, company_user, companies):
    client.force_login(readonly)
    assert client.get(EXPORT).status_code == 200
    client.force_login(company_user)
    assert client.get(EXPORT).status_code == 404


def test_anonymous_is_sent_to_the_login(client):
    response = client.get(EXPORT)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_filters_are_respected(client, coordinator, companies):
    client.force_login(coordinator)
    assert names(csv_rows(client.get(EXPORT, {"sector": "C25"}))) == {"Müller Stahlbau GmbH"}
    assert names(csv_rows(client.get(EXPORT, {"partner": "bochum"}))) == {"Bochumer Werk AG", "Geteilte Bochumer GmbH"}
    assert names(csv_rows(client.get(EXPORT, {"partner": "none"}))) == {"Berliner GmbH"}
    assert names(csv_rows(client.get(EXPORT, {"q": "bäckerei"}))) == {"Dortmunder Bäckerei"}
    rows = csv_rows(client.get(EXPORT, {"sort": "-name"}))
    assert [r[0] for r in rows[1:]] == sorted((r[0] for r in rows[1:]), reverse=True)


def test_xlsx_export(client, coordinator, companies):
    client.force_login(coordinator)
    response = client.get(EXPORT, {"format": "xlsx", "partner": "dortmund"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="unternehmen-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = xlsx_rows(response)
    assert rows[0] == list(exports.HEADER)
    assert names(rows) == {"Müller Stahlbau GmbH", "Dortmunder Bäckerei"}


def test_unknown_format_is_refused(client, consultant):
    client.force_login(consultant)
    response = client.get(EXPORT, {"format": "pdf"})
    assert response.status_code == 400
    assert response.content


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_injection_is_neutralised(client, coordinator, fmt):
    CompanyFactory(name='=HYPERLINK("https://evil.example","Klick")', postcode="44139", city="Dortmund")
    CompanyFactory(name="+cmd|' /C calc'!A0", postcode="44139", city="@SUM(1+1)")
    CompanyFactory(name="-2+3", postcode="44139", city="Dortmund", phone="+49 231 12345")
    client.force_login(coordinator)
    response = client.get(EXPORT, {"format": fmt})
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    found = names(rows)
    assert "'=HYPERLINK(\"https://evil.example\",\"Klick\")" in found
    assert "'+cmd|' /C calc'!A0" in found
    assert "'-2+3" in found
    cities = {r[6] for r in rows[1:]}
    assert "'@SUM(1+1)" in cities
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for r in rows[1:] for v in r)


def test_the_export_is_capped(client, coordinator, companies, monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 1)
    client.force_login(coordinator)
    response = client.get(EXPORT, {"format": "csv", "partner": "dortmund"}, headers={"Accept-Language": "en"})
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:company_list") + "?partner=dortmund"
    [message] = list(get_messages(response.wsgi_request))
    assert "at most 1 companies; this list has 2" in str(message)


def test_constant_queries_per_chunk(client, coordinator, monkeypatch, django_assert_max_num_queries):
    topics = list(Topic.objects.all()[:2])
    for i in range(12):
        c = CompanyFactory(name=f"Firma {i:02d} GmbH", postcode="44139", city="Dortmund")
        c.topics.set(topics)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 5)
    client.force_login(coordinator)
    # session, user, count, the companies query and one topics query per chunk (3 chunks), plus headroom
    with django_assert_max_num_queries(8):
        rows = csv_rows(client.get(EXPORT))
    assert len(rows) == 13
    if topics:
        assert all(r[15] for r in rows[1:])
