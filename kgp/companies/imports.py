"""Importing companies and contacts from the CSV and XLSX files the agencies keep.

The flow:

1. ``check_upload`` rejects what is not a CSV or XLSX file at all (size, type, empty) – the view
   answers 400 and stores nothing.
2. ``create_import`` reads and validates the file at once (``analyse``) and stores a
   ``CompanyImport`` with status *validated* or *invalid* and a per-row report (the preview).
3. ``start_import`` (the user confirms) queues the background task ``run_company_import``.
4. ``execute_import`` (the task) reads and validates the stored file again – the database may
   have changed since the preview – and then writes everything inside ONE transaction through the
   services, so every company and contact lands in the audit log. Any error rolls everything back:
   status *failed*, nothing written.

Design decisions
----------------

*Encoding.* A file is UTF-8 (with or without BOM) if it decodes as UTF-8 strictly. Otherwise it is
read line by line: a line with non-ASCII bytes that are valid UTF-8 is a "UTF-8 line", any other
line with non-ASCII bytes a "Windows-1252 line". Decoding such a file as Windows-1252 throughout
would turn the UTF-8 lines into mojibake ("MÃ¼ller"), so when both kinds occur the lines of the
smaller kind (both kinds on a tie) are reported as errors with their line numbers; nothing is
imported. Every text cell is also checked for typical mojibake ("Ã¼", "â€“"), which catches files
that were already converted twice before they were saved (and XLSX files made from such data).

*Grouping.* Rows describe the same company – and add contacts or yearly figures to it – when they
have the same register number (and a compatible register court), or, without a register number,
the same normalised name (``name_key``) and postcode. The first row of a company sets its data;
later rows may fill empty fields, differing values are reported as warnings. The same register
number with a different name is an error (two companies cannot share a register entry).

*Responsibility.* The responsible partner follows from the postcode (``services.company_create``).
A postcode outside the region is a warning for the network coordination; consultants keep
companies in their own agency's area (``access.placement_error``, as in the forms and the API), so
for them a row of another partner's area or outside the region is an error.

*Duplicates in the database.* Checked in bulk (a constant number of queries, not one per row),
mirroring ``services.find_duplicates``: the same register number is an error, a similar name in the
same municipality a warning. The existing company is named only when the uploading user may read
it (``access.companies_for_staff``); otherwise the message stays neutral.

*Progress.* The import writes inside one transaction, so progress written to the
``CompanyImport`` row would stay invisible to the progress view until the commit (PostgreSQL
isolates uncommitted rows; a second connection updating the row would even wait for the import's
own lock). The task therefore writes its progress to the cache (``progress_key``) every
``PROGRESS_EVERY`` rows; the progress view reads the cache and falls back to the database fields.
Status changes (queued, running, done, failed) are written outside the import transaction and are
always visible. Live progress across processes needs a shared cache (``CACHE_URL``, Redis); with
the default per-process memory cache a separate worker's progress is not visible and the page
shows an indeterminate progress bar until the import finishes.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import difflib
import functools
import io
import itertools
import logging
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Replace, Substr, Upper
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from kgp.accounts.models import Role, User
from kgp.core.audit import log_action
from kgp.core.errors import ServiceError
from kgp.core.text import fold, name_key
from kgp.organisations.models import PostcodeRange

from . import access, services
from .models import Company, CompanyImport, Contact, LegalForm
from .parsing import (
    court_key,
    courts_compatible,
    normalise_register_number,
    parse_decimal,
    parse_wz_code,
    register_key,
)

logger = logging.getLogger(__name__)

MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_XLSX_UNCOMPRESSED = 300 * 1024 * 1024
MAX_CSV_RESYNCS = 1_000
PROGRESS_EVERY = 100
PROGRESS_TIMEOUT = 6 * 60 * 60
REPORT_CREATED_LIMIT = 1_000

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UTF8_BOM = b"\xef\xbb\xbf"
_BINARY_MAGIC: dict[bytes, str | Promise] = {
    b"%PDF": "PDF",
    b"MZ": gettext_lazy("Program file (EXE)"),
    b"\x7fELF": gettext_lazy("Program file"),
    b"PK\x03\x04": "ZIP/XLSX",
    b"\xd0\xcf\x11\xe0": gettext_lazy("Excel 97–2003 (.xls) or Word"),
    b"\x89PNG": gettext_lazy("PNG image"),
    b"\xff\xd8\xff": gettext_lazy("JPEG image"),
    b"GIF8": gettext_lazy("GIF image"),
    b"\x1f\x8b": gettext_lazy("GZIP archive"),
}


class ImportFileError(Exception):
    """The upload is not a readable CSV or XLSX file (answered with 400, nothing is stored)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- columns ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise  # shown to users (lazily translated); only ``aliases`` match file headers
    aliases: tuple[str, ...]
    max_length: int | None = None


def _company_max(name: str) -> int | None:
    return Company._meta.get_field(name).max_length


def _contact_max(name: str) -> int | None:
    return Contact._meta.get_field(name).max_length


_CONTACT_PREFIXES = (
    "ansprechpartner", "ansprechpartnerin", "ansprechpartnerinnen", "ansprechperson", "kontakt", "kontaktperson",
    "contact", "contactperson",
)  # fmt: skip


def _contact_aliases(*suffixes: str) -> tuple[str, ...]:
    return tuple(p + s for p in _CONTACT_PREFIXES for s in suffixes) + tuple(
        s + p for p in _CONTACT_PREFIXES for s in suffixes
    )


COLUMNS: tuple[Column, ...] = (
    Column("name", gettext_lazy("Name"), ("name", "firmenname", "firma", "unternehmen", "unternehmensname", "company",
                            "companyname", "firmierung"), _company_max("name")),
    Column("legal_form", gettext_lazy("Legal form"), ("rechtsform", "legalform", "gesellschaftsform")),
    Column("register_court", gettext_lazy("Register court"), ("registergericht", "amtsgericht", "handelsregistergericht",
                                                 "registercourt"), _company_max("register_court")),
    Column("register_number", gettext_lazy("Register number"), ("registernummer", "registernr", "handelsregisternummer",
                                                 "handelsregisternr", "handelsregister", "hrb", "hrnummer", "hrnr",
                                                 "registernumber", "registerno"), _company_max("register_number")),
    Column("street", gettext_lazy("Street"), ("strasse", "str", "anschrift", "adresse", "strasseundhausnummer",
                                "strassehausnummer", "strassenr", "street", "address"), _company_max("street")),
    Column("postcode", gettext_lazy("Postcode"), ("plz", "postleitzahl", "postcode", "zip", "zipcode", "postalcode")),
    Column("city", gettext_lazy("City"), ("ort", "stadt", "city", "town", "gemeinde", "wohnort", "sitz"), _company_max("city")),
    Column("sector_code", gettext_lazy("WZ code"), ("wz", "wzcode", "wz2008", "wz2008code", "wzschluessel", "branche",
                                      "branchencode", "branchenschluessel", "sector", "sectorcode", "nace",
                                      "nacecode")),
    Column("website", gettext_lazy("Website"), ("website", "webseite", "internet", "internetseite", "internetadresse",
                                  "homepage", "url", "web"), _company_max("website")),
    Column("email", gettext_lazy("Email"), ("email", "emailadresse", "mail", "mailadresse"), _company_max("email")),
    Column("phone", gettext_lazy("Phone"), ("telefon", "tel", "telefonnummer", "telnr", "phone"), _company_max("phone")),
    Column("description", gettext_lazy("Description"), ("beschreibung", "description", "taetigkeit", "unternehmensbeschreibung"),
           _company_max("description")),
    Column("year", gettext_lazy("Year"), ("jahr", "geschaeftsjahr", "bezugsjahr", "year", "fiscalyear")),
    Column("staff_awu", gettext_lazy("Employees"), ("beschaeftigte", "mitarbeitende", "mitarbeiter", "mitarbeiterinnen",
                                         "mitarbeiterzahl", "anzahlmitarbeiter", "anzahlbeschaeftigte", "jae",
                                         "employees", "staff", "staffawu")),
    Column("turnover", gettext_lazy("Turnover"), ("umsatz", "jahresumsatz", "umsatzeur", "jahresumsatzeur", "turnover")),
    Column("balance_sheet_total", gettext_lazy("Balance sheet total"), ("bilanzsumme", "bilanzsummeeur", "balancesheettotal")),
    Column("contact_salutation", gettext_lazy("Salutation"), ("anrede", "salutation") + _contact_aliases("anrede", "salutation"),
           _contact_max("salutation")),
    Column("contact_first_name", gettext_lazy("Contact first name"),
           ("vorname", "firstname") + _contact_aliases("vorname", "firstname"), _contact_max("first_name")),
    Column("contact_last_name", gettext_lazy("Contact last name"),
           ("nachname", "familienname", "lastname") + _contact_aliases("nachname", "lastname", "familienname"),
           _contact_max("last_name")),
    Column("contact_full_name", gettext_lazy("Contact"), _CONTACT_PREFIXES + _contact_aliases("name")),
    Column("contact_function", gettext_lazy("Function"), ("funktion", "position", "function") + _contact_aliases("funktion",
                                                                                              "position", "function"),
           _contact_max("function")),
    Column("contact_email", gettext_lazy("Contact email"), _contact_aliases("email", "mail", "emailadresse"),
           _contact_max("email")),
    Column("contact_phone", gettext_lazy("Contact phone"), _contact_aliases("telefon", "tel", "phone",
                                                                           "telefonnummer"), _contact_max("phone")),
)  # fmt: skip
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _alias in _column.aliases:
        _ALIASES.setdefault(_alias, _column.key)
REQUIRED_COLUMNS = ("name", "postcode", "city")
FIGURE_KEYS = ("year", "staff_awu", "turnover", "balance_sheet_total")
CONTACT_KEYS = tuple(c.key for c in COLUMNS if c.key.startswith("contact_"))
COMPANY_KEYS = (
    "name", "legal_form", "register_court", "register_number", "street", "postcode", "city", "sector_code",
    "website", "email", "phone", "description",
)  # fmt: skip


@functools.lru_cache(maxsize=1024)
def _normalise_header_text(header: str) -> tuple[str, str]:
    text = fold(header)
    full = re.sub(r"[^a-z0-9]+", "", text)
    bare = re.sub(r"[^a-z0-9]+", "", re.sub(r"\([^)]*\)|\[[^\]]*\]", "", text))
    return full, bare


def normalise_header(header: Any) -> tuple[str, str]:
    """The header folded to letters and digits, with and without a parenthesised unit."""
    return _normalise_header_text("" if header is None else str(header))


def column_for_header(header: Any) -> str | None:
    full, bare = normalise_header(header)
    return _ALIASES.get(full) or _ALIASES.get(bare)


# --- values -------------------------------------------------------------------------------------

_LEGAL_FORM_ALIASES = {
    "gmbh": LegalForm.GMBH, "ggmbh": LegalForm.GMBH, "gesellschaftmitbeschraenkterhaftung": LegalForm.GMBH,
    "ug": LegalForm.UG, "ughaftungsbeschraenkt": LegalForm.UG, "ughb": LegalForm.UG,
    "gmbhcokg": LegalForm.GMBH_CO_KG, "gmbhundcokg": LegalForm.GMBH_CO_KG, "gmbhcompkg": LegalForm.GMBH_CO_KG, "gmbhucokg": LegalForm.GMBH_CO_KG,
    "gmbhcokommanditgesellschaft": LegalForm.GMBH_CO_KG,
    "kg": LegalForm.KG, "kommanditgesellschaft": LegalForm.KG,
    "ohg": LegalForm.OHG, "offenehandelsgesellschaft": LegalForm.OHG,
    "ag": LegalForm.AG, "aktiengesellschaft": LegalForm.AG,
    "ek": LegalForm.EK, "ekfm": LegalForm.EK, "ekfr": LegalForm.EK, "eingetragenerkaufmann": LegalForm.EK,
    "eingetragenekauffrau": LegalForm.EK,
    "gbr": LegalForm.GBR, "gesellschaftbuergerlichenrechts": LegalForm.GBR,
    "eg": LegalForm.EG, "eingetragenegenossenschaft": LegalForm.EG, "genossenschaft": LegalForm.EG,
    "einzelunternehmen": LegalForm.SOLE, "einzelunternehmer": LegalForm.SOLE, "einzelunternehmerin": LegalForm.SOLE,
    "einzelfirma": LegalForm.SOLE, "soleproprietorship": LegalForm.SOLE, "sole": LegalForm.SOLE,
    "sonstige": LegalForm.OTHER, "sonstiges": LegalForm.OTHER, "andere": LegalForm.OTHER, "other": LegalForm.OTHER,
}  # fmt: skip
LEGAL_FORM_LABELS_DE = {
    LegalForm.SOLE: "Einzelunternehmen",
    LegalForm.OTHER: "Sonstige",
}


def legal_form_label_de(value: str) -> str:
    """The German label, whatever the active language (the export file format)."""
    if not value:
        return ""
    return LEGAL_FORM_LABELS_DE.get(value) or str(LegalForm(value).label)


def _legal_form_label(value: str) -> str:
    """The label in the active language, for the preview."""
    return str(LegalForm(value).label) if value else ""


_LEGAL_FORM_VALUES = frozenset(LegalForm.values)


@functools.lru_cache(maxsize=1024)
def parse_legal_form(text: str) -> str | None:
    """A LegalForm value for what agencies write ("GmbH & Co. KG", "UG (haftungsbeschränkt)"), or None."""
    key = re.sub(r"[^a-z0-9]+", "", fold(text).replace("&", "und").replace("+", "und"))
    key = key.replace("undcokg", "cokg") if key.startswith("gmbhundcokg") else key
    if key in _LEGAL_FORM_VALUES:
        return key
    return _LEGAL_FORM_ALIASES.get(key)


_MOJIBAKE_FOLLOWERS = "".join(
    bytes([b]).decode("cp1252") for b in range(0x80, 0xC0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
)
MOJIBAKE_RE = re.compile("Ã[" + re.escape(_MOJIBAKE_FOLLOWERS) + "]|â€|â‚¬|Â[\u00a0-\u00bf]")


def looks_like_mojibake(text: str) -> bool:
    return bool(MOJIBAKE_RE.search(text))


def _german_number(value: Decimal) -> str:
    text = f"{value:,.2f}".replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return text[:-3] if text.endswith(",00") else text


def _figures_summary(figures: Any) -> str:
    """'2025: 12,5 Beschäftigte, Umsatz 1.250.000 €' for the preview."""
    if figures is None:
        return ""
    parts = [_("%(year)s: %(staff)s employees") % {"year": figures.year, "staff": _german_number(figures.staff_awu)}]
    if figures.turnover is not None:
        parts.append(_("turnover %(amount)s €") % {"amount": _german_number(figures.turnover)})
    if figures.balance_sheet_total is not None:
        parts.append(_("balance sheet total %(amount)s €") % {"amount": _german_number(figures.balance_sheet_total)})
    return ", ".join(parts)


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_text(value: Any) -> str:
    """A cell as text; control characters (which no database text field may hold) are dropped."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _CONTROL_CHARS.sub("", value).strip()
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# --- reading files ------------------------------------------------------------------------------


@dataclass
class RawRow:
    line: int
    cells: list[Any]
    error: str = ""


@dataclass
class Table:
    format: str
    encoding: str = ""
    delimiter: str = ""
    header: list[Any] = field(default_factory=list)
    header_line: int = 0
    rows: list[RawRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    file_warnings: list[str] = field(default_factory=list)
    line_errors: dict[int, str] = field(default_factory=dict)


def file_format(file_name: str) -> str | None:
    name = (file_name or "").lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".xlsx"):
        return "xlsx"
    return None


def check_upload(file_name: str, size: int, head: bytes) -> str:
    """'csv' or 'xlsx', or ImportFileError for a file that cannot be an import file at all."""
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise ImportFileError(
            _("The file is too large (%(size)s MB); at most %(limit)s MB are allowed.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": limit // (1024 * 1024)}
        )
    fmt = file_format(file_name)
    if fmt is None:
        raise ImportFileError(_("Please upload a CSV or XLSX file (file extension .csv or .xlsx)."))
    if size == 0 or not head.strip():
        raise ImportFileError(_("The file is empty."))
    if fmt == "xlsx":
        if not head.startswith(b"PK\x03\x04"):
            kind = next((k for magic, k in _BINARY_MAGIC.items() if head.startswith(magic)), "")
            if kind:
                raise ImportFileError(
                    _(
                        "The file is not an XLSX file (file type: %(kind)s). "
                        "Please save it in Excel as “Excel Workbook (.xlsx)” or as CSV."
                    )
                    % {"kind": kind}
                )
            raise ImportFileError(
                _("The file is not an XLSX file. Please save it in Excel as “Excel Workbook (.xlsx)” or as CSV.")
            )
        return fmt
    for magic, kind in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise ImportFileError(
                _("The file is not a CSV file (file type: %(kind)s). Please save it as CSV or XLSX.") % {"kind": kind}
            )
    if b"\x00" in head:
        raise ImportFileError(
            _("The file is not a text file (it contains binary data). Please save UTF-16 files as “CSV UTF-8”.")
        )
    return fmt


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def decode_text(content: bytes) -> tuple[str, str, dict[int, str], list[str]]:
    """(text, encoding, errors by line number, file errors). See the module docstring."""
    bom = content.startswith(UTF8_BOM)
    body = content[len(UTF8_BOM) :] if bom else content
    body = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    try:
        return body.decode("utf-8"), "utf-8-sig" if bom else "utf-8", {}, []
    except UnicodeDecodeError:
        pass
    raw_lines = body.split(b"\n")
    utf8_lines: list[int] = []
    cp1252_lines: list[int] = []
    line_errors: dict[int, str] = {}
    decoded: list[str] = []
    for number, raw in enumerate(raw_lines, start=1):
        if raw.isascii():
            decoded.append(raw.decode("ascii"))
            continue
        try:
            decoded.append(raw.decode("utf-8"))
            utf8_lines.append(number)
            continue
        except UnicodeDecodeError:
            pass
        text = raw.decode("cp1252", errors="replace")
        decoded.append(text)
        if _UTF8_SEQUENCE.search(raw):
            line_errors[number] = _(
                "Row %(row)s: mixed character encoding within the row (UTF-8 and Windows-1252)."
            ) % {"row": number}
        elif "\ufffd" in text:
            line_errors[number] = _("Row %(row)s: characters that are neither UTF-8 nor Windows-1252.") % {
                "row": number
            }
        else:
            cp1252_lines.append(number)
    file_errors: list[str] = []
    encoding = "cp1252"
    if utf8_lines and cp1252_lines:
        encoding = "mixed"
        if len(utf8_lines) < len(cp1252_lines):
            wrong, kind = utf8_lines, "UTF-8"
        elif len(cp1252_lines) < len(utf8_lines):
            wrong, kind = cp1252_lines, "Windows-1252"
        else:
            wrong, kind = sorted(utf8_lines + cp1252_lines), _("UTF-8 or Windows-1252")
        for number in wrong:
            line_errors.setdefault(
                number,
                _(
                    "Row %(row)s: mixed character encoding – this row is encoded in %(encoding)s, "
                    "the rest of the file differently (umlauts would be garbled)."
                )
                % {"row": number, "encoding": kind},
            )
        file_errors.append(
            _(
                "The file mixes the character encodings UTF-8 and Windows-1252 (rows %(rows)s). "
                "Please save the file in one encoding, preferably as “CSV UTF-8”."
            )
            % {"rows": _line_list(wrong)}
        )
    elif line_errors:
        file_errors.append(
            _("The character encoding of the file is broken (rows %(rows)s). Please save the file as “CSV UTF-8”.")
            % {"rows": _line_list(sorted(line_errors))}
        )
    return "\n".join(decoded), encoding, line_errors, file_errors


def _line_list(numbers: list[int], limit: int = 20) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    if len(numbers) > limit:
        return _("%(rows)s and %(count)s more") % {"rows": shown, "count": len(numbers) - limit}
    return shown


def sniff_delimiter(line: str) -> str:
    """';', ',' or tab: the one found most often outside quotes in the header line."""
    counts = {";": 0, ",": 0, "\t": 0}
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts.values())
    if best == 0:
        return ";"
    return next(d for d in (";", "\t", ",") if counts[d] == best)


def read_csv(content: bytes) -> Table:
    text, encoding, line_errors, file_errors = decode_text(content)
    table = Table(format="csv", encoding=encoding, line_errors=line_errors, file_errors=file_errors)
    parts = text.split("\n")
    lines = [line + "\n" for line in parts[:-1]] + [parts[-1]]
    header_text = next((line for line in lines if line.strip()), "")
    table.delimiter = sniff_delimiter(header_text)
    width: int | None = None
    pos = 0
    resyncs = 0
    while pos < len(lines):
        reader = csv.reader(itertools.islice(lines, pos, None), delimiter=table.delimiter)
        restart_at: int | None = None
        while True:
            before = reader.line_num
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                start = pos + before + 1
                table.rows.append(
                    RawRow(start, [], _("Row %(row)s: the row cannot be read (%(error)s).") % {"row": start, "error": exc})
                )
                restart_at = start
                break
            start, end = pos + before + 1, pos + reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if width is None:
                if len(cells) > MAX_COLUMNS:
                    table.file_errors.append(_("The file has too many columns (at most %(max)s).") % {"max": MAX_COLUMNS})
                    return table
                table.header, table.header_line, width = cells, start, len(cells)
                continue
            if len(cells) > width and not any(c.strip() for c in cells[width:]):
                cells = cells[:width]
            if len(cells) != width:
                if end > start:
                    table.rows.append(
                        RawRow(
                            start,
                            [],
                            ngettext(
                                "Row %(row)s: %(count)s field instead of %(expected)s – probably a quotation mark "
                                "that is not closed (the record runs to line %(end)s).",
                                "Row %(row)s: %(count)s fields instead of %(expected)s – probably a quotation mark "
                                "that is not closed (the record runs to line %(end)s).",
                                len(cells),
                            )
                            % {"row": start, "count": len(cells), "expected": width, "end": end},
                        )
                    )
                    restart_at = start
                    break
                table.rows.append(
                    RawRow(
                        start,
                        [],
                        ngettext(
                            "Row %(row)s: %(count)s field instead of %(expected)s – please check the delimiter "
                            "and the quotation marks.",
                            "Row %(row)s: %(count)s fields instead of %(expected)s – please check the delimiter "
                            "and the quotation marks.",
                            len(cells),
                        )
                        % {"row": start, "count": len(cells), "expected": width},
                    )
                )
                continue
            table.rows.append(RawRow(start, cells))
            if len(table.rows) > MAX_ROWS:
                table.file_errors.append(_("The file has more than %(max)s data rows.") % {"max": _max_rows_text()})
                return table
        if restart_at is None:
            break
        resyncs += 1
        if resyncs > MAX_CSV_RESYNCS:
            table.file_errors.append(_("The file contains too many broken rows to check it any further."))
            break
        pos = restart_at  # continue with the line after the broken one
    return table


def _max_rows_text() -> str:
    """MAX_ROWS with a dot as the thousands separator (as before)."""
    return f"{MAX_ROWS:,}".replace(",", ".")


def read_xlsx(content: bytes) -> Table:
    import openpyxl

    table = Table(format="xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise ImportFileError(_("The file is not a valid XLSX file (Excel workbook)."))
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNCOMPRESSED:
                raise ImportFileError(_("The XLSX file is too large when unpacked. Please split it into several files."))
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to open the workbook is a broken file
        raise ImportFileError(_("The XLSX file is damaged or cannot be read.")) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The XLSX file contains no worksheet."))
        sheet = workbook.worksheets[0]
        if len(workbook.worksheets) > 1:
            table.file_warnings.append(_("Only the first worksheet “%(sheet)s” is read.") % {"sheet": sheet.title})
        sheet.reset_dimensions()
        width: int | None = None
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = list(values)
            if not any(cell_text(c) for c in cells):
                continue
            if width is None:
                while cells and not cell_text(cells[-1]):
                    cells.pop()
                if len(cells) > MAX_COLUMNS:
                    table.file_errors.append(_("The sheet has too many columns (at most %(max)s).") % {"max": MAX_COLUMNS})
                    return table
                table.header, table.header_line, width = cells, number, len(cells)
                continue
            cells = (cells + [None] * width)[:width]
            table.rows.append(RawRow(number, cells))
            if len(table.rows) > MAX_ROWS:
                table.file_errors.append(_("The file has more than %(max)s data rows.") % {"max": _max_rows_text()})
                return table
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to read the sheet is a broken file
        raise ImportFileError(_("The XLSX file is damaged or cannot be read.")) from exc
    finally:
        workbook.close()
    return table


def read_table(content: bytes, file_name: str) -> Table:
    fmt = check_upload(file_name, len(content), content[:8192])
    if fmt == "csv" and b"\x00" in content:
        raise ImportFileError(
            _("The file contains binary data (null bytes) and is not a readable CSV file. Please save it again as CSV.")
        )
    return read_xlsx(content) if fmt == "xlsx" else read_csv(content)


# --- the region (in memory: one query per analysis) ---------------------------------------------


class Region:
    """``municipality_for_postcode`` for many postcodes with one query."""

    def __init__(self) -> None:
        self._ranges = list(PostcodeRange.objects.select_related("municipality__partner").order_by("first"))
        self._firsts = [r.first for r in self._ranges]
        self._memo: dict[str, Any] = {}

    def municipality(self, postcode: str) -> Any:
        if postcode not in self._memo:
            # The first range (by its start) that holds the postcode, as the database query orders it.
            end = bisect.bisect_right(self._firsts, postcode)
            self._memo[postcode] = next(
                (r.municipality for r in self._ranges[:end] if r.first <= postcode <= r.last), None
            )
        return self._memo[postcode]


# --- analysing rows -----------------------------------------------------------------------------


@dataclass
class Figures:
    line: int
    year: int
    staff_awu: Decimal
    turnover: Decimal | None
    balance_sheet_total: Decimal | None


@dataclass
class CompanyPlan:
    first_line: int
    data: dict[str, str]
    name_key: str
    register_key: str
    lines: list[int] = field(default_factory=list)
    contacts: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    figures: dict[int, Figures] = field(default_factory=dict)
    municipality: Any = None


@dataclass
class Plan:
    companies: list[CompanyPlan] = field(default_factory=list)
    rows_total: int = 0

    @property
    def contact_count(self) -> int:
        return sum(len(c.contacts) for c in self.companies)

    @property
    def figures_count(self) -> int:
        return sum(len(c.figures) for c in self.companies)


class RowCheck:
    """Collects the messages of one row; every message names the row and, where known, the column."""

    def __init__(self, line: int, headers: dict[str, str]) -> None:
        self.line = line
        self.headers = headers
        self.messages: list[dict[str, str]] = []

    def _text(self, key: str | None, text: str) -> str:
        if key is None:
            return _("Row %(row)s: %(message)s") % {"row": self.line, "message": text}
        header = self.headers.get(key) or (COLUMNS_BY_KEY[key].label if key in COLUMNS_BY_KEY else key)
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {"row": self.line, "column": header, "message": text}

    def error(self, key: str | None, text: str) -> None:
        self.messages.append({"level": "error", "text": self._text(key, text)})

    def warn(self, key: str | None, text: str) -> None:
        self.messages.append({"level": "warning", "text": self._text(key, text)})

    @property
    def status(self) -> str:
        levels = {m["level"] for m in self.messages}
        return "error" if "error" in levels else ("warning" if "warning" in levels else "ok")


def _split_full_name(text: str) -> tuple[str, str, str]:
    """'Frau Dr. Anna Schmidt' → ('Frau', 'Dr. Anna', 'Schmidt'); 'Schmidt, Anna' → ('', 'Anna', 'Schmidt')."""
    salutation = ""
    parts = text.split()
    if parts and fold(parts[0]) in {"frau", "herr", "divers", "mr", "mrs", "ms"}:
        salutation, parts = parts[0], parts[1:]
    rest = " ".join(parts)
    if "," in rest:
        last, _comma, first = rest.partition(",")
        return salutation, first.strip(), last.strip()
    if len(parts) == 1:
        return salutation, "", parts[0]
    return salutation, " ".join(parts[:-1]), parts[-1] if parts else ""


@dataclass
class ParsedRow:
    check: RowCheck
    company: dict[str, str]
    contact: dict[str, str] | None
    figures: Figures | None
    summary: dict[str, str]


def _parse_row(raw: RawRow, columns: dict[str, int], headers: dict[str, str]) -> ParsedRow:
    check = RowCheck(raw.line, headers)

    def raw_value(key: str) -> Any:
        index = columns.get(key)
        return raw.cells[index] if index is not None and index < len(raw.cells) else None

    def text(key: str) -> str:
        value = cell_text(raw_value(key))
        column = COLUMNS_BY_KEY[key]
        if value and looks_like_mojibake(value):
            check.error(
                key,
                _("“%(value)s” is wrongly encoded (e.g. “Ã¼” instead of “ü”). Please save the file as UTF-8.")
                % {"value": value[:40]},
            )
        if column.max_length and len(value) > column.max_length:
            check.error(
                key, _("too long (%(length)s characters, at most %(max)s).") % {"length": len(value), "max": column.max_length}
            )
        return value

    company: dict[str, str] = {}
    name = text("name")
    if not name:
        check.error("name", _("The name of the company is missing."))
    company["name"] = name

    legal = text("legal_form")
    if legal:
        value = parse_legal_form(legal)
        if value is None:
            check.warn(
                "legal_form", _("Legal form “%(value)s” is unknown – it is imported as “Other”.") % {"value": legal}
            )
            value = LegalForm.OTHER
        company["legal_form"] = value

    company["register_court"] = text("register_court")
    number = text("register_number")
    if number:
        header_norm = normalise_header(headers.get("register_number", ""))[0]
        default_prefix = "HRB" if header_norm == "hrb" else ("HRA" if header_norm == "hra" else "")
        normalised = normalise_register_number(number, default_prefix=default_prefix)
        if normalised is None:
            check.error("register_number", _("“%(value)s” is not a register number (e.g. HRB 12345).") % {"value": number})
        else:
            company["register_number"] = normalised
            if not company["register_court"]:
                check.warn("register_number", _("The register court is missing – please add it (e.g. Dortmund)."))

    company["street"] = text("street")

    postcode_raw = raw_value("postcode")
    postcode = cell_text(postcode_raw)
    if isinstance(postcode_raw, (int, float)) and not isinstance(postcode_raw, bool):
        # Excel stores 01067 as the number 1067: the leading zero is restored.
        if float(postcode_raw).is_integer() and 0 < postcode_raw < 100000:
            postcode = str(int(postcode_raw)).zfill(5)
    else:
        match = re.fullmatch(r"(?:D\s*-\s*)?(\d{4,5})", postcode)
        if match:
            postcode = match.group(1)
            if len(postcode) == 4:
                check.warn(
                    "postcode",
                    _("Postcode “%(postcode)s” has four digits – read as “0%(postcode)s”.") % {"postcode": postcode},
                )
                postcode = "0" + postcode
    if not postcode:
        check.error("postcode", _("The postcode is missing."))
    elif not re.fullmatch(r"[0-9]{5}", postcode):
        check.error("postcode", _("“%(value)s” is not a valid postcode (five digits).") % {"value": postcode})
    company["postcode"] = postcode

    city = text("city")
    if not city:
        check.error("city", _("The city is missing."))
    company["city"] = city

    sector = text("sector_code")
    if sector:
        code = parse_wz_code(sector)
        if code is None:
            check.error(
                "sector_code", _("“%(value)s” is not a valid WZ 2008 code (e.g. C25.62 or 25.62).") % {"value": sector}
            )
        else:
            company["sector_code"] = code

    website = text("website")
    if website:
        url = website if re.match(r"(?i)^https?://", website) else "https://" + website
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            check.error("website", _("“%(value)s” is not a valid web address.") % {"value": website})
        else:
            website = url
            if len(url) > (COLUMNS_BY_KEY["website"].max_length or 300):
                check.error("website", _("too long."))
    company["website"] = website

    email = text("email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            check.error("email", _("“%(value)s” is not a valid email address.") % {"value": email})
    company["email"] = email
    company["phone"] = text("phone")
    company["description"] = text("description")

    figures = _parse_figures(check, raw_value, columns)
    contact = _parse_contact(check, text, columns)
    contact_name = " ".join(p for p in (contact.get("first_name", ""), contact.get("last_name", "")) if p) if contact else ""
    summary = {
        "name": name,
        "legal_form": _legal_form_label(company.get("legal_form", "")),
        "register": " ".join(p for p in (company.get("register_number", number), company["register_court"]) if p),
        "address": ", ".join(p for p in (company["street"], f"{postcode} {city}".strip()) if p),
        "contact": contact_name,
        "figures": _figures_summary(figures),
    }
    data = {k: v for k, v in company.items() if v != "" or k in REQUIRED_COLUMNS}
    return ParsedRow(check, data, contact, figures, summary)


def _parse_figures(check: RowCheck, raw_value: Callable[[str], Any], columns: dict[str, int]) -> Figures | None:
    if "year" not in columns or "staff_awu" not in columns:
        return None
    values: dict[str, Decimal | None] = {}
    for key in FIGURE_KEYS:
        try:
            values[key] = parse_decimal(raw_value(key))
        except ValueError:
            check.error(key, _("“%(value)s” is not a number.") % {"value": cell_text(raw_value(key))})
            return None
    if all(values[k] is None for k in FIGURE_KEYS):
        return None
    year, staff = values["year"], values["staff_awu"]
    this_year = timezone.localdate().year
    ok = True
    if year is None:
        check.error("year", _("The year is missing (needed for employees, turnover and balance sheet total)."))
        ok = False
    elif year != year.to_integral_value() or not 1990 <= int(year) <= this_year + 1:
        check.error("year", _("The year must be between 1990 and %(max)s.") % {"max": this_year + 1})
        ok = False
    if staff is None:
        check.error("staff_awu", _("The number of employees is missing (needed when a year is given)."))
        ok = False
    limits = {
        "staff_awu": services.MAX_STAFF_AWU,
        "turnover": services.MAX_AMOUNT,
        "balance_sheet_total": services.MAX_AMOUNT,
    }
    for key, limit in limits.items():
        value = values[key]
        if value is None:
            continue
        if value < 0:
            check.error(key, _("must not be negative."))
            ok = False
        elif value > limit:
            check.error(key, _("%(value)s is implausibly high.") % {"value": value})
            ok = False
    if not ok:
        return None
    cents = Decimal("0.01")
    return Figures(
        line=check.line,
        year=int(year),  # type: ignore[arg-type]
        staff_awu=staff.quantize(cents, ROUND_HALF_UP),  # type: ignore[union-attr]
        turnover=values["turnover"].quantize(cents, ROUND_HALF_UP) if values["turnover"] is not None else None,
        balance_sheet_total=(
            values["balance_sheet_total"].quantize(cents, ROUND_HALF_UP)
            if values["balance_sheet_total"] is not None
            else None
        ),
    )


def _parse_contact(check: RowCheck, text: Callable[[str], str], columns: dict[str, int]) -> dict[str, str] | None:
    if not any(k in columns for k in CONTACT_KEYS):
        return None
    values = {k: text(k) for k in CONTACT_KEYS if k in columns}
    if not any(values.values()):
        return None
    salutation = values.get("contact_salutation", "")
    first, last = values.get("contact_first_name", ""), values.get("contact_last_name", "")
    full = values.get("contact_full_name", "")
    if full and not (first or last):
        split_salutation, first, last = _split_full_name(full)
        salutation = salutation or split_salutation
        for key, value in (("contact_first_name", first), ("contact_last_name", last)):
            limit = COLUMNS_BY_KEY[key].max_length
            if limit and len(value) > limit:
                check.error(
                    "contact_full_name",
                    _("too long (%(length)s characters, at most %(max)s).") % {"length": len(value), "max": limit},
                )
    if not last:
        column = next((k for k in ("contact_last_name", "contact_full_name") if k in columns), None)
        check.error(column, _("The last name of the contact is missing."))
    email = values.get("contact_email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            check.error("contact_email", _("“%(value)s” is not a valid email address.") % {"value": email})
    return {
        "salutation": salutation,
        "first_name": first,
        "last_name": last,
        "function": values.get("contact_function", ""),
        "email": email,
        "phone": values.get("contact_phone", ""),
    }


def _map_columns(table: Table) -> tuple[dict[str, int], dict[str, str], list[dict[str, Any]], list[str], list[str]]:
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    described: list[dict[str, Any]] = []
    ignored: list[str] = []
    errors: list[str] = []
    for index, header in enumerate(table.header):
        label = cell_text(header)
        if not label:
            continue
        key = column_for_header(label)
        described.append({"header": label, "field": key or "", "label": str(COLUMNS_BY_KEY[key].label) if key else ""})
        if key is None:
            ignored.append(label)
            continue
        if key in columns:
            errors.append(
                _(
                    "The columns “%(first)s” and “%(second)s” both mean “%(meaning)s”. "
                    "Please remove or rename one of them."
                )
                % {"first": headers[key], "second": label, "meaning": COLUMNS_BY_KEY[key].label}
            )
            continue
        columns[key] = index
        headers[key] = label
    for key in REQUIRED_COLUMNS:
        if key not in columns:
            column = COLUMNS_BY_KEY[key]
            first, second = _HEADER_EXAMPLES[key]
            errors.append(
                _("Required column “%(column)s” is missing (heading e.g. “%(first)s” or “%(second)s”).")
                % {"column": column.label, "first": first, "second": second}
            )
    return columns, headers, described, ignored, errors


# Two example headings per required column (headings the import recognises, not UI text).
_HEADER_EXAMPLES = {"name": ("Name", "Firmenname"), "postcode": ("PLZ", "Postleitzahl"), "city": ("Ort", "Stadt")}


def _quoted_list(items: Iterable[Any]) -> str:
    """'„A“, „B“' in German, '“A”, “B”' in English."""
    # Translators: quotation marks around one column heading in a list of headings.
    return ", ".join(_("“%(text)s”") % {"text": item} for item in items)


def analyse(content: bytes, file_name: str, user: User) -> tuple[dict[str, Any], Plan]:
    """Read and check a file; the report (JSON) for the preview and the plan for the import."""
    table = read_table(content, file_name)
    report: dict[str, Any] = {
        "version": 1,
        "format": table.format,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "columns": [],
        "ignored_columns": [],
        "file_errors": list(table.file_errors),
        "file_warnings": list(table.file_warnings),
        "rows": [],
    }
    plan = Plan()
    if not table.header:
        report["file_errors"].append(_("The file contains neither a header row nor data."))
    columns, headers, described, ignored, column_errors = _map_columns(table)
    report["columns"], report["ignored_columns"] = described, ignored
    report["file_errors"].extend(column_errors if table.header else [])
    if ignored:
        report["file_warnings"].append(_("Ignored columns: %(columns)s.") % {"columns": _quoted_list(ignored)})
    has_figures = "year" in columns and "staff_awu" in columns
    if not has_figures and any(k in columns for k in FIGURE_KEYS):
        figure_headers = [headers[k] for k in FIGURE_KEYS if k in columns]
        report["file_warnings"].append(
            ngettext(
                "Figures are only imported with the columns “Year” and “Employees”; the column %(columns)s is ignored.",
                "Figures are only imported with the columns “Year” and “Employees”; the columns %(columns)s are ignored.",
                len(figure_headers),
            )
            % {"columns": _quoted_list(figure_headers)}
        )
    if table.header and table.line_errors.get(table.header_line):
        report["file_errors"].append(table.line_errors[table.header_line])
    if table.header and not table.rows and not report["file_errors"]:
        report["file_errors"].append(_("The file contains no data rows."))
    if column_errors or not table.header:
        _finish_report(report, plan)
        return report, plan

    region = Region()
    by_register: dict[str, list[CompanyPlan]] = {}
    by_name: dict[tuple[str, str], CompanyPlan] = {}
    checks: dict[int, RowCheck] = {}
    for raw in table.rows:
        entry: dict[str, Any] = {"line": raw.line, "status": "error", "messages": [], "values": {}}
        report["rows"].append(entry)
        if raw.error:
            entry["messages"] = [{"level": "error", "text": raw.error}]
            continue
        parsed = _parse_row(raw, columns, headers)
        check = parsed.check
        checks[raw.line] = check
        entry["values"] = parsed.summary
        entry["messages"] = check.messages  # filled further below, same list
        if raw.line in table.line_errors:
            check.messages.insert(0, {"level": "error", "text": table.line_errors[raw.line]})
        data = parsed.company
        group = _group_for(parsed, by_register, by_name, check)
        if group is None:
            municipality = region.municipality(data["postcode"]) if re.fullmatch(r"[0-9]{5}", data["postcode"]) else None
            group = CompanyPlan(
                first_line=raw.line,
                data=data,
                name_key=name_key(data["name"]),
                register_key=register_key(data.get("register_number", "")),
                municipality=municipality,
            )
            plan.companies.append(group)
            if group.register_key:
                by_register.setdefault(group.register_key, []).append(group)
            if group.name_key and data["postcode"]:
                by_name.setdefault((group.name_key, data["postcode"]), group)
            _region_messages(check, group, user)
        else:
            entry["same_as"] = group.first_line
        group.lines.append(raw.line)
        if parsed.contact is not None:
            duplicate = next(
                (
                    line
                    for line, c in group.contacts
                    if fold(c["last_name"]) == fold(parsed.contact["last_name"])
                    and fold(c["first_name"]) == fold(parsed.contact["first_name"])
                    and c["email"].lower() == parsed.contact["email"].lower()
                ),
                None,
            )
            if duplicate is not None:
                check.warn(
                    None, _("The contact already appears in row %(row)s – it is imported only once.") % {"row": duplicate}
                )
            else:
                group.contacts.append((raw.line, parsed.contact))
        if parsed.figures is not None:
            existing = group.figures.get(parsed.figures.year)
            if existing is None:
                group.figures[parsed.figures.year] = parsed.figures
            elif (existing.staff_awu, existing.turnover, existing.balance_sheet_total) != (
                parsed.figures.staff_awu,
                parsed.figures.turnover,
                parsed.figures.balance_sheet_total,
            ):
                check.error(
                    "year",
                    _("Row %(row)s has different figures for %(year)s.") % {"year": parsed.figures.year, "row": existing.line},
                )
    _database_duplicates(plan, checks, user)
    for entry in report["rows"]:
        check = checks.get(entry["line"])
        if check is not None:
            entry["status"] = check.status
    plan.rows_total = len(table.rows)
    _finish_report(report, plan)
    return report, plan


def _group_for(
    parsed: ParsedRow,
    by_register: dict[str, list[CompanyPlan]],
    by_name: dict[tuple[str, str], CompanyPlan],
    check: RowCheck,
) -> CompanyPlan | None:
    """The company an earlier row already describes (see "Grouping" in the module docstring)."""
    data = parsed.company
    key = name_key(data["name"])
    number = register_key(data.get("register_number", ""))
    court = data.get("register_court", "")
    group: CompanyPlan | None = None
    if number:
        group = next(
            (g for g in by_register.get(number, []) if courts_compatible(court, g.data.get("register_court", ""))),
            None,
        )
        if group is not None and group.name_key != key:
            check.error(
                "register_number",
                _(
                    "%(number)s already appears in row %(row)s for “%(name)s” – "
                    "the register number occurs twice in the file."
                )
                % {"number": data["register_number"], "row": group.first_line, "name": group.data["name"]},
            )
            return None
        if group is None:
            candidate = by_name.get((key, data["postcode"])) if key else None
            if candidate is not None and not candidate.register_key:
                group = candidate
                group.register_key = number
                by_register.setdefault(number, []).append(group)
    elif key:
        group = by_name.get((key, data["postcode"]))
    if group is None:
        return None
    for field_name, value in data.items():
        if not value:
            continue
        current = group.data.get(field_name, "")
        if not current:
            group.data[field_name] = value
        elif field_name == "register_court" and court_key(current) == court_key(value):
            continue
        elif field_name != "name" and fold(str(current)) != fold(str(value)):
            check.warn(
                field_name if field_name in COLUMNS_BY_KEY else None,
                _("differs from row %(row)s (“%(value)s”) – row %(row)s applies.")
                % {"row": group.first_line, "value": current},
            )
    return group


def _region_messages(check: RowCheck, group: CompanyPlan, user: User) -> None:
    """Outside the region: a warning for the coordination. Consultants keep companies in their own
    agency's area (as ``access.placement_error`` rules for the forms and the API), so for them a
    company of another partner or outside the region is an error."""
    postcode = group.data.get("postcode", "")
    if not re.fullmatch(r"[0-9]{5}", postcode):
        return
    coordinator = user.role == Role.COORDINATOR
    if group.municipality is None:
        if coordinator:
            check.warn(
                "postcode",
                _("Postcode %(postcode)s is outside the region – the network coordination is responsible.")
                % {"postcode": postcode},
            )
        else:
            check.error(
                "postcode",
                _(
                    "Postcode %(postcode)s is outside the region – the network coordination is responsible. "
                    "Please pass this row on to the network coordination."
                )
                % {"postcode": postcode},
            )
    elif not coordinator and group.municipality.partner_id != user.organisation_id:
        check.error(
            "postcode",
            _(
                "Postcode %(postcode)s belongs to %(municipality)s – %(partner)s is responsible. "
                "Please pass this row on to the network coordination."
            )
            % {"postcode": postcode, "municipality": group.municipality.name, "partner": group.municipality.partner.name},
        )


def _chunks(items: Iterable[Any], size: int = 1000) -> Iterable[list[Any]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _database_duplicates(plan: Plan, checks: dict[int, RowCheck], user: User) -> None:
    """Register numbers and similar names that exist already (bulk, like services.find_duplicates)."""
    numbers = {g.register_key for g in plan.companies if g.register_key}
    register_hits: dict[str, list[tuple[int, str, str]]] = {}
    active = Company.objects.filter(is_active=True)
    for chunk in _chunks(numbers):
        rows = (
            active.exclude(register_number="")
            .annotate(_rkey=Upper(Replace("register_number", Value(" "), Value(""))))
            .filter(_rkey__in=chunk)
            .values_list("pk", "name", "register_court", "_rkey")
        )
        for pk, name, court, key in rows:
            register_hits.setdefault(key, []).append((pk, name, court))
    prefixes = {g.name_key[:4] for g in plan.companies if g.name_key}
    name_hits: dict[str, list[tuple[int, str, str, int | None, str]]] = {}
    for chunk in _chunks(prefixes):
        rows = (
            active.annotate(_prefix=Substr("name_key", 1, 4))
            .filter(_prefix__in=chunk)
            .values_list("pk", "name", "name_key", "municipality_id", "postcode", "_prefix")
        )
        for pk, name, key, municipality_id, postcode, prefix in rows:
            name_hits.setdefault(prefix, []).append((pk, name, key, municipality_id, postcode))
    found_ids = {pk for hits in register_hits.values() for pk, _n, _c in hits} | {
        h[0] for hits in name_hits.values() for h in hits
    }
    visible: set[int] = set()
    for chunk in _chunks(found_ids):
        visible |= set(access.companies_for_staff(user).filter(pk__in=chunk).values_list("pk", flat=True))

    for group in plan.companies:
        check = checks.get(group.first_line)
        if check is None:
            continue
        same_register: set[int] = set()
        if group.register_key:
            court = group.data.get("register_court", "")
            for pk, name, existing_court in register_hits.get(group.register_key, []):
                if courts_compatible(court, existing_court):
                    same_register.add(pk)
                    if pk in visible:
                        check.error("register_number", _("already exists: %(name)s") % {"name": name})
                    else:
                        check.error("register_number", _("The register number is already taken."))
        if group.name_key:
            municipality_id = group.municipality.pk if group.municipality is not None else None
            for pk, name, key, existing_municipality, postcode in name_hits.get(group.name_key[:4], []):
                if pk in same_register:
                    continue
                same_place = (
                    existing_municipality == municipality_id
                    if municipality_id is not None
                    else postcode == group.data.get("postcode")
                )
                if same_place and difflib.SequenceMatcher(None, group.name_key, key).ratio() >= services.SIMILARITY_THRESHOLD:
                    if pk in visible:
                        check.warn(
                            "name",
                            _("a similar company is already recorded: %(name)s – please check whether it is the same.")
                            % {"name": name},
                        )
                    else:
                        check.warn(
                            "name", _("A company with a similar name is already recorded (outside your access).")
                        )
                    break


def _finish_report(report: dict[str, Any], plan: Plan) -> None:
    counts = {"rows": len(report["rows"]), "ok": 0, "warning": 0, "error": 0}
    for entry in report["rows"]:
        counts[entry["status"]] += 1
    counts["companies"] = len(plan.companies)
    counts["contacts"] = plan.contact_count
    counts["figures"] = plan.figures_count
    report["counts"] = counts


def report_has_errors(report: dict[str, Any]) -> bool:
    return bool(report.get("file_errors")) or bool(report.get("counts", {}).get("error"))


# --- storing, starting and running imports ------------------------------------------------------


def create_import(*, user: User, file_name: str, content: bytes) -> CompanyImport:
    """Check the file and store it with its preview report. ImportFileError for an unusable file."""
    report, plan = analyse(content, file_name, user)
    report["language"] = get_language() or settings.LANGUAGE_CODE  # the worker reports in the same language
    status = CompanyImport.Status.INVALID if report_has_errors(report) else CompanyImport.Status.VALIDATED
    return CompanyImport.objects.create(
        created_by=user,
        organisation_id=user.organisation_id,
        file_name=(file_name or "")[-255:],
        content=content,
        encoding=report["encoding"][:20],
        delimiter=report["delimiter"],
        status=status,
        rows_total=plan.rows_total,
        rows_done=0,
        report=report,
    )


def start_import(*, user: User, company_import: CompanyImport) -> bool:
    """Queue a checked import (once). False when it is not waiting for confirmation any more."""
    report = dict(company_import.report or {})
    report["confirmed_by"] = user.pk
    updated = CompanyImport.objects.filter(pk=company_import.pk, status=CompanyImport.Status.VALIDATED).update(
        status=CompanyImport.Status.QUEUED, report=report, rows_done=0
    )
    if not updated:
        return False
    cache.set(progress_key(company_import.pk), {"done": 0, "total": company_import.rows_total}, PROGRESS_TIMEOUT)
    from .tasks import run_company_import

    run_company_import.enqueue(company_import.pk)
    return True


def progress_key(import_id: int) -> str:
    return f"companies:import:{import_id}:progress"


def read_progress(company_import: CompanyImport) -> tuple[int | None, int]:
    """(rows done or None when unknown, rows total) for the progress bar."""
    total = company_import.rows_total
    if company_import.status == CompanyImport.Status.DONE:
        return total, total
    if company_import.status in (CompanyImport.Status.QUEUED, CompanyImport.Status.RUNNING):
        data = cache.get(progress_key(company_import.pk))
        if data and company_import.status == CompanyImport.Status.RUNNING and data.get("done"):
            return min(int(data["done"]), total), total
        if company_import.rows_done:
            return company_import.rows_done, total
        return (0, total) if company_import.status == CompanyImport.Status.QUEUED else (None, total)
    return company_import.rows_done, total


def _actor(company_import: CompanyImport) -> User | None:
    user_id = (company_import.report or {}).get("confirmed_by") or company_import.created_by_id
    return User.objects.filter(pk=user_id).select_related("organisation").first() if user_id else None


def execute_import(import_id: int) -> dict[str, Any]:
    """Run a queued import: all or nothing. Called by the task ``run_company_import``."""
    claimed = CompanyImport.objects.filter(pk=import_id, status=CompanyImport.Status.QUEUED).update(
        status=CompanyImport.Status.RUNNING, rows_done=0
    )
    if not claimed:
        return {"status": "skipped"}
    company_import = CompanyImport.objects.get(pk=import_id)
    key = progress_key(import_id)
    total = company_import.rows_total
    cache.set(key, {"done": 0, "total": total}, PROGRESS_TIMEOUT)
    user = _actor(company_import)
    try:
        if user is None or not user.can_edit_crm:
            raise ServiceError(_("The person who confirmed the import may no longer edit the CRM."))
        report, plan = analyse(bytes(company_import.content), company_import.file_name, user)
        if report_has_errors(report):
            report["confirmed_by"] = company_import.report.get("confirmed_by")
            company_import.report = report
            raise ServiceError(
                _(
                    "The check before the import found new errors (the data has changed in the meantime). "
                    "Please upload the file again."
                )
            )
        with transaction.atomic():
            result = _apply(plan, company_import, user, lambda done: _progress(key, done, plan.rows_total))
    except ServiceError as exc:
        _fail(company_import, exc.message)
        return {"status": "failed", "error": exc.message}
    except ImportFileError as exc:
        _fail(company_import, exc.message)
        return {"status": "failed", "error": exc.message}
    except Exception as exc:
        logger.exception("company import %s failed", import_id)
        _fail(company_import, _("Unexpected error (%(error)s); nothing was imported.") % {"error": type(exc).__name__})
        raise
    report = dict(company_import.report or {})
    report["result"] = result
    CompanyImport.objects.filter(pk=import_id).update(
        status=CompanyImport.Status.DONE,
        rows_done=plan.rows_total,
        rows_total=plan.rows_total,
        finished_at=timezone.now(),
        report=report,
    )
    cache.set(key, {"done": plan.rows_total, "total": plan.rows_total}, PROGRESS_TIMEOUT)
    return {"status": "done", "companies": result["companies"], "contacts": result["contacts"]}


def _progress(key: str, done: int, total: int) -> None:
    cache.set(key, {"done": done, "total": total}, PROGRESS_TIMEOUT)


def _fail(company_import: CompanyImport, message: str) -> None:
    report = dict(company_import.report or {})
    report["error"] = message
    CompanyImport.objects.filter(pk=company_import.pk).update(
        status=CompanyImport.Status.FAILED, rows_done=0, finished_at=timezone.now(), report=report
    )
    cache.delete(progress_key(company_import.pk))


def _apply(plan: Plan, company_import: CompanyImport, user: User, progress: Callable[[int], None]) -> dict[str, Any]:
    """Write the plan through the services (inside the caller's transaction)."""
    source = f"import:{company_import.pk}"
    created: list[list[Any]] = []
    contacts = figures = 0
    done = 0
    for group in plan.companies:
        line = group.first_line
        try:
            company = services.company_create(
                actor=user, data={k: v for k, v in group.data.items() if k in services.COMPANY_FIELDS}, source=source
            )
            placement = access.placement_error(user, company)
            if placement:
                raise ServiceError(placement, field="postcode")
            for line, data in group.contacts:
                services.contact_create(actor=user, company=company, data=data)
                contacts += 1
            for year in sorted(group.figures):
                f = group.figures[year]
                line = f.line
                services.figures_set(
                    actor=user,
                    company=company,
                    year=f.year,
                    staff_awu=f.staff_awu,
                    turnover=f.turnover,
                    balance_sheet_total=f.balance_sheet_total,
                )
                figures += 1
        except ServiceError as exc:
            raise ServiceError(
                _("Row %(row)s: %(message)s Nothing was imported.") % {"row": line, "message": exc.message}, field=exc.field
            ) from exc
        if len(created) < REPORT_CREATED_LIMIT:
            created.append([company.pk, company.name])
        before = done
        done += len(group.lines)
        if done // PROGRESS_EVERY != before // PROGRESS_EVERY:
            progress(done)
    log_action(
        actor=user,
        action="import",
        obj=company_import,
        changes={
            "file_name": [None, company_import.file_name],
            "companies": [None, len(plan.companies)],
            "contacts": [None, contacts],
            "figures": [None, figures],
        },
    )
    return {"companies": len(plan.companies), "contacts": contacts, "figures": figures, "created": created}
