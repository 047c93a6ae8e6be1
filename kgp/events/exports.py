"""Participants of an event as CSV (German Excel: UTF-8 with BOM, ";") or XLSX.

- The caller passes the registrations it may show (the organisers' staff, through
  `access.event_for_participants`, filtered like the participant list); this module writes the rows.
- Columns: number, first and last name, company, function, e-mail, status, registered at, checked in
  at, the linked company record, then one column per extra question of the event.
- Every text cell goes through `spreadsheet_safe`, so a name like "=HYPERLINK(…)" stays text.
- The linked company record is named only where the caller says the user may see it (`visible`).
- Headers and statuses are in the language of the request (the staff member's).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Collection, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from kgp.core.text import spreadsheet_safe

from .models import Event, Registration, RegistrationStatus

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20_000


def header(event: Event) -> list[str]:
    fixed = [
        _("No."), _("First name"), _("Last name"), _("Company"), _("Function"), _("E-mail"), _("Status"),
        _("Registered at"), _("Checked in at"), _("Company record"),
    ]  # fmt: skip
    return [str(spreadsheet_safe(str(v))) for v in fixed + [q["label"] for q in event.questions or []]]


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """Spreadsheets know no time zones: local time (Europe/Berlin) without the zone."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _answer(question: dict[str, Any], value: str) -> str:
    if question.get("kind") == "yes_no" and value in ("yes", "no"):
        return _("yes") if value == "yes" else _("no")
    return value


def row(number: int, registration: Registration, event: Event, visible: Collection[int] | None = None) -> list[Any]:
    linked = registration.company_id and registration.company and (visible is None or registration.company_id in visible)
    values: list[Any] = [
        number,
        registration.first_name,
        registration.last_name,
        registration.company_name,
        registration.function,
        registration.email,
        str(RegistrationStatus(registration.status).label),
        _local(registration.confirmed_at or registration.created_at),
        _local(registration.checked_in_at),
        registration.company.name if linked else "",
    ]
    answers = registration.answers or {}
    values += [_answer(q, str(answers.get(q["key"], ""))) for q in event.questions or []]
    return [spreadsheet_safe(v) if isinstance(v, str) else v for v in values]


def rows(event: Event, registrations: QuerySet[Registration], visible: Collection[int] | None = None) -> Iterator[list[Any]]:
    qs = registrations.select_related("company").order_by("last_name", "first_name", "id")[:MAX_ROWS]
    for number, registration in enumerate(qs, start=1):
        yield row(number, registration, event, visible)


def filename(event: Event, extension: str) -> str:
    return f"teilnehmende-{event.slug[:80]}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    return "" if value is None else value


def csv_response(event: Event, registrations: QuerySet[Registration], visible: Collection[int] | None = None) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header(event))
    for values in rows(event, registrations, visible):
        writer.writerow([_csv_value(v) for v in values])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(event, "csv")}"'
    response["Cache-Control"] = "no-store"
    return response


def xlsx_response(event: Event, registrations: QuerySet[Registration], visible: Collection[int] | None = None) -> FileResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Participants")[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for title in header(event):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", title))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for values in rows(event, registrations, visible):
        out: list[Any] = []
        for value in values:
            if isinstance(value, dt.datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD.MM.YYYY HH:MM"
                out.append(cell)
            else:
                out.append(ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value)
        sheet.append(out)
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    response = FileResponse(handle, as_attachment=True, filename=filename(event, "xlsx"), content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response
