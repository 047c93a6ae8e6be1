"""The German catalog is complete and compiled, and the pages come out in the chosen language.

German is the default language and the source strings are English, so an untranslated string shows up
as English on a German page. polib is not a dependency; the small parser below reads what
makemessages writes (no obsolete entries, since it runs with --no-obsolete).
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
DE_PO = LOCALE / "de" / "LC_MESSAGES" / "django.po"
DE_MO = LOCALE / "de" / "LC_MESSAGES" / "django.mo"

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')
_PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%%")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields["msgid"]

    @property
    def context(self) -> str | None:
        return self.fields.get("msgctxt")

    @property
    def is_plural(self) -> bool:
        return "msgid_plural" in self.fields

    @property
    def translations(self) -> list[str]:
        if self.is_plural:
            return [v for k, v in sorted(self.fields.items()) if k.startswith("msgstr[")]
        return [self.fields.get("msgstr", "")]

    def __str__(self) -> str:
        where = f"line {self.line}"
        return f"{where}: {self.context + ' | ' if self.context else ''}{self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header and obsolete (#~) entries left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    key: str | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.strip()
        if not text:
            entry, key = None, None
            continue
        if text.startswith("#~"):
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if text.startswith("#,"):
            entry.flags.update(flag.strip() for flag in text[2:].split(","))
        elif text.startswith("#"):
            continue
        elif match := _KEYWORD.match(text):
            key = match.group(1)
            entry.fields[key] = ast.literal_eval(match.group(2))
        elif text.startswith('"') and key is not None:
            entry.fields[key] += ast.literal_eval(text)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    return [e for e in entries if "msgid" in e.fields and e.msgid != ""]


@pytest.fixture(scope="module")
def de_entries() -> list[Entry]:
    entries = parse_po(DE_PO)
    assert len(entries) > 100, "the German catalog looks empty; run `make messages`"
    return entries


def test_german_catalog_has_no_untranslated_or_fuzzy_entries(de_entries):
    untranslated = [str(e) for e in de_entries if not all(t.strip() for t in e.translations)]
    fuzzy = [str(e) for e in de_entries if "fuzzy" in e.flags]
    assert not untranslated, "untranslated in locale/de:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy in locale/de (check and remove the flag):\n" + "\n".join(fuzzy)


def test_german_translations_keep_the_placeholders(de_entries):
    """Named placeholders may be repeated or reordered, but none may be lost, added or misspelt."""
    wrong = []
    for e in de_entries:
        expected = set(_PLACEHOLDER.findall(e.msgid + e.fields.get("msgid_plural", "")))
        for translation in e.translations:
            if set(_PLACEHOLDER.findall(translation)) != expected:
                wrong.append(f"{e}: {translation!r}")
    assert not wrong, "placeholders differ from the source string:\n" + "\n".join(wrong)


def test_compiled_german_catalog_matches_the_po_file(de_entries):
    """Catches a .po edited without `compilemessages`: every translation must be in the .mo as written."""
    assert DE_MO.exists(), "locale/de/LC_MESSAGES/django.mo is missing; run `make messages`"
    with DE_MO.open("rb") as fp:
        catalog = gettext.GNUTranslations(fp)
    stale = []
    for e in de_entries:
        if e.is_plural:
            forms = e.translations
            got = [catalog.npgettext(e.context, e.msgid, e.fields["msgid_plural"], n) if e.context
                   else catalog.ngettext(e.msgid, e.fields["msgid_plural"], n) for n in (1, 2)]  # fmt: skip
            if got != forms[:2]:
                stale.append(str(e))
        else:
            got_one = catalog.pgettext(e.context, e.msgid) if e.context else catalog.gettext(e.msgid)
            if got_one != e.translations[0]:
                stale.append(str(e))
    assert not stale, "the .mo is older than the .po; run `compilemessages`:\n" + "\n".join(stale)


def test_every_language_has_a_compiled_catalog():
    for code, _name in settings.LANGUAGES:
        assert (LOCALE / code / "LC_MESSAGES" / "django.po").exists(), code
        assert (LOCALE / code / "LC_MESSAGES" / "django.mo").exists(), code


@pytest.mark.django_db
def test_landing_page_is_german_by_default_and_english_after_switching(client):
    german = client.get("/").content.decode()
    assert '<html lang="de">' in german
    assert "Unternehmen registrieren" in german
    assert "Wirtschaftsförderungen" in german
    assert "Register your company" not in german

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302

    english = client.get("/").content.decode()
    assert '<html lang="en">' in english
    assert "Register your company" in english
    assert "manufacturing companies" in english
    assert "Unternehmen registrieren" not in english
