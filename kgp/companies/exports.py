"""Exporting the (filtered) company list as CSV for German Excel or as XLSX.

- The caller passes the queryset it may show (``access.companies_for_staff`` plus the list's
  ``CompanyFilter``); this module only adds the related data and writes the rows.
- Rows are streamed: ``.iterator(chunk_size=CHUNK_SIZE)`` with ``select_related`` and a topics
  prefetch per chunk, so the number of queries does not grow with the rows.
- Every text cell goes through ``spreadsheet_safe`` (formula injection).
- The column headers are fixed German terms, the same the import understands, so an export can be
  edited and imported again (the derived columns are then reported as ignored).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from kgp.core.text import spreadsheet_safe

from .imports import XLSX_CONTENT_TYPE, legal_form_label_de
from .models import Company, SizeClass, Topic

FORMATS = ("csv", "xlsx")
MAX_ROWS = 100_000
CHUNK_SIZE = 2_000

HEADER = (
    "Name", "Rechtsform", "Registergericht", "Registernummer", "Straße", "PLZ", "Ort", "Kommune",
    "Zuständige Wirtschaftsförderung", "WZ-Code", "Website", "E-Mail", "Telefon", "Größenklasse", "Größenklasse vorläufig",
    "Themen", "Netzwerkweit freigegeben",
)  # fmt: skip

SIZE_CLASS_LABELS_DE = {
    SizeClass.MICRO: "Kleinstunternehmen",
    SizeClass.SMALL: "Kleines Unternehmen",
    SizeClass.MEDIUM: "Mittleres Unternehmen",
    SizeClass.LARGE: "Großunternehmen (kein KMU)",
    SizeClass.UNKNOWN: "Unbekannt",
}
OUTSIDE_REGION = "Netzwerkkoordination (außerhalb der Region)"


def export_queryset(qs: QuerySet[Company]) -> QuerySet[Company]:
    """The related data the rows need, in a constant number of queries per chunk."""
    return qs.select_related("municipality", "responsible_partner").prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("name_de"))
    )


def _yes_no(value: bool) -> str:
    return "ja" if value else "nein"


def company_row(company: Company) -> list[Any]:
    values = [
        company.name,
        legal_form_label_de(company.legal_form),
        company.register_court,
        company.register_number,
        company.street,
        company.postcode,
        company.city,
        company.municipality.name if company.municipality else "",
        company.responsible_partner.name if company.responsible_partner else OUTSIDE_REGION,
        company.sector_code,
        company.website,
        company.email,
        company.phone,
        SIZE_CLASS_LABELS_DE.get(company.size_class, company.size_class),
        _yes_no(company.size_class_provisional),
        ", ".join(t.name_de for t in company.topics.all()),
        _yes_no(company.network_sharing),
    ]
    return [spreadsheet_safe(v) for v in values]


def rows(qs: QuerySet[Company]) -> Iterator[list[Any]]:
    for company in export_queryset(qs).iterator(chunk_size=CHUNK_SIZE):
        yield company_row(company)


def filename(extension: str) -> str:
    return f"unternehmen-{timezone.localdate():%Y-%m-%d}.{extension}"


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(data: Iterable[list[Any]]) -> Iterator[str]:
    """UTF-8 with BOM and ';' so that German Excel opens the file with the right columns and umlauts."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(HEADER)
    for row in data:
        yield writer.writerow(row)


def csv_response(qs: QuerySet[Company]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(rows(qs)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename("csv")}"'
    response["Cache-Control"] = "no-store"
    return response


def xlsx_response(qs: QuerySet[Company]) -> FileResponse:
    """Written with openpyxl's write-only mode into a temporary file, then streamed from it."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Unternehmen")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in HEADER:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows(qs):
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    response = FileResponse(handle, as_attachment=True, filename=filename("xlsx"), content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response
