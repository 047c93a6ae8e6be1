"""allauth speaks to users formally ("Sie") in German, and its forms show errors where they belong.

allauth's own German catalogue says "du"; our catalogue (LOCALE_PATHS, which wins) translates the msgids
listed in kgp/accounts/allauth_strings.py formally. The field and form elements are overridden in
templates/allauth/elements/ so that an error follows its field and is referenced from the input, and
errors of the whole form are announced.
"""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import allauth
import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

from kgp.accounts import allauth_strings
from kgp.core.tests.test_translations import parse_po
from kgp.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db

INFORMAL = re.compile(r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines|euch|euer|eure|euren)\b", re.IGNORECASE)
NEW_PASSWORD = "Grüne-Produktion-2026!"


def visible_text(page: str) -> str:
    """The text of a page as a reader meets it: tags stripped, plus the texts of placeholders and labels."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    attributes = re.findall(r'\b(?:placeholder|aria-label|title|alt)="([^"]*)"', page)
    text = re.sub(r"(?s)<[^>]+>", " ", page)
    return html.unescape(" ".join([text, *attributes]))


def informal_words(text: str) -> list[str]:
    return INFORMAL.findall(text)


def listed_msgids() -> list[tuple[str | None, str, str | None]]:
    """(context, msgid, msgid_plural) of every call in allauth_strings.py, read the way makemessages reads it."""
    tree = ast.parse(Path(allauth_strings.__file__).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [a.value for a in node.args]
            if node.func.id == "gettext_noop":
                found.append((None, args[0], None))
            elif node.func.id == "pgettext_lazy":
                found.append((args[0], args[1], None))
            elif node.func.id == "ngettext_lazy":
                found.append((None, args[0], args[1]))
    return found


# --- the catalogue ------------------------------------------------------------------------------------


def test_listed_msgids_are_allauths_own():
    """After an allauth upgrade: a msgid allauth no longer uses would silently fall back to its "du"."""
    allauth_po = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"
    known = {(e.context, e.msgid, e.fields.get("msgid_plural")) for e in parse_po(allauth_po)}
    listed = listed_msgids()
    assert len(listed) == len(allauth_strings.STRINGS) > 150
    unknown = [entry for entry in listed if entry not in known]
    assert not unknown, "not in allauth's catalogue (any more):\n" + "\n".join(map(repr, unknown))


def test_every_listed_allauth_string_is_formal_in_german():
    informal = []
    with translation.override("de"):
        for context, msgid, plural in listed_msgids():
            if plural:
                texts = [ngettext(msgid, plural, n) for n in (1, 2)]
            elif context:
                texts = [pgettext(context, msgid)]
            else:
                texts = [gettext(msgid)]
            informal += [f"{msgid!r}: {t!r}" for t in texts if informal_words(t)]
    assert not informal, "\n".join(informal)


# --- the pages ----------------------------------------------------------------------------------------


def test_login_page_is_german_and_formal(client):
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="de">' in page
    submit = re.search(r'(?s)<button[^>]*type="submit"[^>]*>\s*(.*?)\s*</button>', page[page.index("<main") :])
    assert submit and submit.group(1) == "Anmelden"
    text = visible_text(page)
    assert "Passwort vergessen?" in text
    assert "registrieren Sie sich" in text
    assert not informal_words(text), informal_words(text)


@pytest.mark.parametrize("url", ["/accounts/signup/", "/accounts/password/reset/"])
def test_signup_and_password_reset_pages_are_formal(client, url):
    response = client.get(url)
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "Sie" in text
    assert not informal_words(text), informal_words(text)


def test_signup_sends_a_formal_confirmation_mail_and_shows_a_formal_page(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "neu.anmeldung@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/accounts/confirm-email/"
    text = visible_text(response.content.decode())
    assert "Bestätigen Sie Ihre E-Mail-Adresse" in text
    assert not informal_words(text), informal_words(text)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in message.subject
    assert not informal_words(message.subject)
    assert re.search(r"\bSie\b", message.body) and re.search(r"\bIhre?\b", message.body)
    assert "/accounts/confirm-email/" in message.body
    assert not informal_words(message.body), message.body


def test_password_reset_mail_is_formal(client, consultant):
    client.post("/accounts/password/reset/", {"email": consultant.email})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Passwort zurücksetzen" in message.subject
    assert "/accounts/password/reset/key/" in message.body
    assert re.search(r"\bIhr\b", message.body)
    assert not informal_words(message.subject + "\n" + message.body), message.body


# --- errors -------------------------------------------------------------------------------------------


def test_failed_login_announces_the_error(client, consultant):
    response = client.post("/accounts/login/", {"login": consultant.email, "password": "not-" + PASSWORD})
    assert response.status_code == 200
    page = response.content.decode()
    alert = re.search(r'(?s)<div[^>]*role="alert"[^>]*>(.*?)</div>', page)
    assert alert, "the login error has no role=alert"
    assert "Die angegebene E-Mail-Adresse und/oder das Passwort sind nicht korrekt." in alert.group(1)
    assert not informal_words(visible_text(page))


def test_signup_error_follows_its_field_and_is_referenced_from_the_input(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "tippfehler@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    label = page.index('<label for="id_password2">')
    input_tag = re.search(r'<input[^>]*\bid="id_password2"[^>]*>', page)
    error = page.index('id="id_password2_error"')
    assert label < input_tag.start() < error, "expected label, input, error in this order"
    assert 'aria-invalid="true"' in input_tag.group(0)
    assert re.search(r'aria-describedby="[^"]*\bid_password2_error\b', input_tag.group(0))
    error_list = re.search(r'(?s)<ul class="errorlist" id="id_password2_error">(.*?)</ul>', page)
    assert error_list and "Bitte geben Sie zweimal dasselbe Passwort ein." in error_list.group(1)
    # The error sits in password2's block, not above the label of the next field or below the previous one.
    assert page.rindex('<label for="id_password1">') < label
    # Fields without errors are not marked invalid.
    password1 = re.search(r'<input[^>]*\bid="id_password1"[^>]*>', page).group(0)
    assert "aria-invalid" not in password1
    assert 'aria-describedby="id_password1_helptext"' in password1
    assert 'id="id_password1_helptext"' in page
