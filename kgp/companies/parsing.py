"""Reading numbers and codes as German users and files write them (forms and imports share these)."""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from kgp.core.text import fold

from .models import WZ_CODE_VALIDATOR

# WZ 2008 sections by two-digit division.
_WZ_SECTIONS = (
    (1, 3, "A"), (5, 9, "B"), (10, 33, "C"), (35, 35, "D"), (36, 39, "E"), (41, 43, "F"), (45, 47, "G"),
    (49, 53, "H"), (55, 56, "I"), (58, 63, "J"), (64, 66, "K"), (68, 68, "L"), (69, 75, "M"), (77, 82, "N"),
    (84, 84, "O"), (85, 85, "P"), (86, 88, "Q"), (90, 93, "R"), (94, 96, "S"), (97, 98, "T"), (99, 99, "U"),
)  # fmt: skip


def wz_section(division: int) -> str | None:
    for first, last, letter in _WZ_SECTIONS:
        if first <= division <= last:
            return letter
    return None


@functools.lru_cache(maxsize=4096)
def parse_wz_code(text: str) -> str | None:
    """'25.62.0', '2562', 'C 25.62' → 'C25.62.0' / 'C25.62'; None when it is no WZ 2008 code."""
    value = "".join(text.upper().split())
    letter = ""
    if value[:1].isalpha():
        letter, value = value[0], value[1:]
    if value and "." not in value and value.isdigit():
        if len(value) == 4:
            value = f"{value[:2]}.{value[2:]}"
        elif len(value) == 5:
            value = f"{value[:2]}.{value[2:4]}.{value[4]}"
    if value:
        if not re.fullmatch(r"[0-9]{2}(\.[0-9]{1,2}(\.[0-9])?)?", value):
            return None
        section = wz_section(int(value[:2]))
        if section is None or (letter and letter != section):
            return None
        letter = section
    code = letter + value
    try:
        WZ_CODE_VALIDATOR(code)
    except ValidationError:
        return None
    return code if code else None


def parse_decimal(value: Any) -> Decimal | None:
    """A number as German files write it: '1.234,5', '1234,5', '12.5'; cells from XLSX as they are."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("boolean")
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
        text = re.sub(r"(?i)eur$", "", text)
        if re.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+(,\d+)?", text):
            text = text.replace(".", "").replace(",", ".")
        elif text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(text) from exc
    if not number.is_finite():
        raise ValueError(str(value))
    return number


_REGISTER_RE = re.compile(r"^(HRA|HRB|GNR|PR|VR|GSR)\s*(\d{1,6})(?:\s*([A-Z]{1,2}))?$")
_REGISTER_PREFIX = {"HRA": "HRA", "HRB": "HRB", "GNR": "GnR", "PR": "PR", "VR": "VR", "GSR": "GsR"}


def normalise_register_number(text: str, *, default_prefix: str = "") -> str | None:
    """'hrb12345' → 'HRB 12345'; None when it is not a register number."""
    value = " ".join(text.upper().replace(".", " ").split())
    if default_prefix and value.isdigit():
        value = f"{default_prefix} {value}"
    match = _REGISTER_RE.match(value)
    if not match:
        return None
    prefix, number, suffix = match.groups()
    return f"{_REGISTER_PREFIX[prefix]} {number}" + (f" {suffix}" if suffix else "")


def register_key(number: str) -> str:
    return "".join(number.upper().split())


def court_key(court: str) -> str:
    text = fold(court)
    text = re.sub(r"^(amtsgericht|registergericht|ag)\b\.?\s*", "", text)
    return text.strip()


def courts_compatible(a: str, b: str) -> bool:
    return not a or not b or court_key(a) == court_key(b)


def normalise_court(court: str) -> str:
    """'AG Dortmund', 'Amtsgericht Dortmund', 'Registergericht Dortmund' → 'Amtsgericht Dortmund'."""
    text = " ".join((court or "").split())
    match = re.match(r"^(?:amtsgericht|registergericht|ag)\b\.?\s*(.+)$", text, flags=re.IGNORECASE)
    return f"Amtsgericht {match.group(1)}" if match else text

