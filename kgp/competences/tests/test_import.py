"""`import_profiles` and `manage.py import_competences`: upsert by external_id, all or nothing, a per-line report."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from kgp.competences.models import CompetenceProfile
from kgp.competences.services import import_profiles, split_name
from kgp.core.models import AuditLogEntry

from .conftest import DESCRIPTION

pytestmark = pytest.mark.django_db

SAMPLE = Path(settings.BASE_DIR).parent / "shared" / "data" / "matching" / "sample" / "profiles.jsonl"


def line(external_id: str = "fhdo-labor", **overrides) -> str:
    obj = {
        "external_id": external_id, "name": "Fachhochschule Dortmund – Labor für Druckluft", "kind": "uas",
        "city": "Dortmund", "description": DESCRIPTION, "keywords": ["Druckluft", "Abwärme", "Leckage"],
    } | overrides  # fmt: skip
    return json.dumps(obj, ensure_ascii=False)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_good_file_creates_then_upserts():
    report = import_profiles([line("a-labor"), line("b-firma", name="Druckluft Kamen GmbH", kind="company", city="Kamen")])
    assert report.ok and report.created == ["a-labor", "b-firma"] and report.lines == 2
    a = CompetenceProfile.objects.get(external_id="a-labor")
    assert (a.institution, a.unit, a.municipality.name, a.status) == ("Fachhochschule Dortmund", "Labor für Druckluft", "Dortmund", "published")
    assert CompetenceProfile.objects.get(external_id="b-firma").unit == ""
    report = import_profiles([line("a-labor", keywords=["Druckluft"]), line("b-firma", name="Druckluft Kamen GmbH", kind="company", city="Kamen")])
    assert report.updated == ["a-labor"] and report.unchanged == ["b-firma"] and not report.created
    assert CompetenceProfile.objects.get(external_id="a-labor").keywords == ["Druckluft"]
    assert AuditLogEntry.objects.filter(object_type="competences.competenceprofile", action="import").count() == 3


def test_froendenberg_and_blank_lines_and_bom():
    report = import_profiles(["\ufeff" + line("froendenberg", city="Fröndenberg/Ruhr"), "", "   "])
    assert report.ok, report.as_text()
    assert CompetenceProfile.objects.get().municipality.name == "Fröndenberg/Ruhr"


def test_one_bad_line_writes_nothing_and_names_the_line():
    CompetenceProfile.objects.all().delete()
    lines = [
        line("gut-1"),
        "{kein json",
        line("ohne-art", kind=""),
        line("falsche-art", kind="hochschule"),
        line("fremde-stadt", city="Essen"),
        line("kurz", description="Zu kurz."),
        line("schlagworte", keywords="Druckluft"),
        json.dumps({"external_id": "fehlt"}),
        line("gut-1"),
    ]
    report = import_profiles(lines)
    assert not report.ok
    assert not CompetenceProfile.objects.exists()
    by_line = {e.line: e for e in report.errors}
    assert set(by_line) == {2, 3, 4, 5, 6, 7, 8, 9}
    assert "Not valid JSON" in by_line[2].message
    assert "choose the kind" in by_line[3].message
    assert "Unknown kind: hochschule" in by_line[4].message
    assert "Unknown city: Essen" in by_line[5].message
    assert "at least 100 characters" in by_line[6].message
    assert "list of texts" in by_line[7].message
    assert "Missing field(s): city, description, keywords, kind, name" in by_line[8].message and by_line[8].external_id == "fehlt"
    assert "occurs already in line 1" in by_line[9].message
    text = report.as_text()
    assert text.startswith("Nothing was imported") and "Line 5 (fremde-stadt): Unknown city: Essen" in text


def test_dry_run_writes_nothing():
    report = import_profiles([line("trocken")], dry_run=True)
    assert report.ok and report.created == ["trocken"] and report.dry_run
    assert not CompetenceProfile.objects.exists()


def test_split_name():
    assert split_name("Fraunhofer IML – Abteilung Supply Chain Engineering") == ("Fraunhofer IML", "Abteilung Supply Chain Engineering")
    assert split_name("Pneumatik-Effizienz Kamen GmbH") == ("Pneumatik-Effizienz Kamen GmbH", "")


def test_command_reports_and_fails(tmp_path):
    path = tmp_path / "profiles.jsonl"
    path.write_text(line("gut") + "\n" + line("schlecht", city="Essen") + "\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_competences", str(path), stderr=err)
    assert exc.value.returncode == 1
    assert "Line 2 (schlecht)" in err.getvalue()
    assert not CompetenceProfile.objects.exists()
    path.write_text(line("gut") + "\n", encoding="utf-8")
    out = StringIO()
    call_command("import_competences", str(path), "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue() and not CompetenceProfile.objects.exists()
    call_command("import_competences", str(path), stdout=out)
    assert CompetenceProfile.objects.filter(external_id="gut").exists()


def test_command_missing_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_competences", str(tmp_path / "nope.jsonl"))


@pytest.mark.skipif(not SAMPLE.exists(), reason="../shared/data/matching/sample/profiles.jsonl is not there")
def test_the_matching_sample_imports_cleanly():
    with SAMPLE.open("rb") as handle:
        report = import_profiles(handle)
    assert report.ok, report.as_text()
    assert len(report.created) == 16 == CompetenceProfile.objects.published().count()
    with SAMPLE.open("rb") as handle:
        again = import_profiles(handle)
    assert len(again.unchanged) == 16 and not again.created and not again.updated
