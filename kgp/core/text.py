"""Small text helpers: search normalisation and spreadsheet-safe cells."""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_LEGAL_FORMS = re.compile(
    r"\b(gmbh|ggmbh|ug|haftungsbeschraenkt|ag|kg|ohg|gbr|ek|e\s?k|e\s?kfm|kgaa|se|co|mbh|und|&|partg|ev|eg)\b"
)


def fold(text: str) -> str:
    """Lower-case, German umlauts spelled out, other accents removed, whitespace collapsed."""
    text = (text or "").lower().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


def name_key(name: str) -> str:
    """A company name reduced for duplicate detection: no legal form, punctuation or spacing."""
    text = re.sub(r"[^a-z0-9& ]+", " ", fold(name))
    text = _LEGAL_FORMS.sub(" ", text)
    return "".join(text.split())


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def spreadsheet_safe(value: object) -> object:
    """Neutralise a cell that a spreadsheet would read as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
