"""The legal pages (imprint, privacy notice, accessibility statement): both languages, operator details from
the settings, the links in the footer of every page and at sign-up, and a privacy notice that names what
the code does (every consent with its exact text, the cookies as configured)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils.html import escape

from kgp.companies.consents import TEXTS, VERSION, consent_text
from kgp.organisations.models import Organisation

pytestmark = pytest.mark.django_db

PAGES = ("web:imprint", "web:privacy", "web:accessibility")
HEADINGS = {
    "web:imprint": {"de": "Impressum", "en": "Imprint"},
    "web:privacy": {"de": "Datenschutzerklärung", "en": "Privacy notice"},
    "web:accessibility": {"de": "Erklärung zur Barrierefreiheit", "en": "Accessibility statement"},
}


def get(client, url: str, language: str):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url)


def footer(body: str) -> str:
    return body[body.index("<footer") :]


def before_footer(body: str) -> str:
    return body[: body.index("<footer")]


@pytest.fixture
def operator(settings):
    settings.OPERATOR = {
        **settings.OPERATOR,
        "name": "Testbetreiberin Wirtschaftsförderung",
        "address": "Teststraße 1, 12345 Teststadt",
        "email": "kontakt@betreiberin.example",
        "phone": "+49 000 000000",
        "dpo_email": "dsb@betreiberin.example",
    }
    return settings.OPERATOR


def test_the_legal_urls():
    assert reverse("web:imprint") == "/impressum/"
    assert reverse("web:privacy") == "/datenschutz/"
    assert reverse("web:accessibility") == "/barrierefreiheit/"


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_each_page_answers_in_both_languages_with_the_configured_operator(client, operator, name, language):
    response = get(client, reverse(name), language)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in body
    assert f"<h1>{HEADINGS[name][language]}</h1>" in body
    other = "en" if language == "de" else "de"
    assert f"<h1>{HEADINGS[name][other]}</h1>" not in body
    content = before_footer(body)
    assert operator["name"] in content
    if name != "web:privacy":
        assert operator["address"] in content
    assert f'href="mailto:{operator["email"]}' in content


def test_default_operator_is_the_lead_partner(client):
    body = get(client, reverse("web:imprint"), "de").content.decode()
    assert django_settings.OPERATOR["name"] in before_footer(body)
    assert "Regio.NRW – Transformation" in body
    assert "Europäischen Fonds für regionale Entwicklung (EFRE)" in body


def test_imprint_shows_optional_entries_only_when_configured(client, settings):
    settings.OPERATOR = {**settings.OPERATOR, "register": "", "vat_id": "", "supervisory_authority": ""}
    body = get(client, reverse("web:imprint"), "de").content.decode()
    assert "Aufsichtsbehörde" not in body
    assert "Umsatzsteuer" not in body

    settings.OPERATOR = {
        **settings.OPERATOR,
        "register": "Amtsgericht Teststadt, HRB 0000",
        "vat_id": "DE000000000",
        "supervisory_authority": "Test-Aufsicht",
    }
    body = get(client, reverse("web:imprint"), "de").content.decode()
    for value in ("Amtsgericht Teststadt, HRB 0000", "DE000000000", "Test-Aufsicht"):
        assert value in body


@pytest.mark.parametrize("path", ["/", "/accounts/login/", reverse("web:privacy")])
def test_footer_links_the_legal_pages_and_the_contact(client, operator, path):
    body = get(client, path, "de").content.decode()
    part = footer(body)
    nav = re.search(r"<nav aria-label=\"[^\"]+\">(.*?)</nav>", part, re.S)
    assert nav, part
    for name in PAGES:
        assert f'href="{reverse(name)}"' in nav.group(1)
    assert f'href="mailto:{operator["email"]}"' in nav.group(1)


def test_footer_marks_the_current_legal_page(client):
    body = get(client, reverse("web:accessibility"), "de").content.decode()
    part = footer(body)
    assert f'href="{reverse("web:accessibility")}" aria-current="page"' in part
    assert f'href="{reverse("web:imprint")}" aria-current' not in part


@pytest.mark.parametrize("language", ["de", "en"])
def test_signup_page_links_the_privacy_notice_next_to_the_submit_button(client, language):
    response = get(client, reverse("account_signup"), language)
    assert response.status_code == 200
    main = before_footer(response.content.decode())
    form = re.search(r'<form method="post"\s+action="/accounts/signup/">(.*?)</form>', main, re.S)
    assert form, main
    notice = re.search(r'<p class="hint" id="signup-privacy">(.*?)</p>', form.group(1), re.S)
    assert notice, form.group(1)
    assert f'href="{reverse("web:privacy")}"' in notice.group(1)
    assert 'type="submit"' in form.group(1)[form.group(1).index("signup-privacy") :]


@pytest.mark.parametrize("language", ["de", "en"])
def test_privacy_notice_names_every_consent_with_its_exact_text(client, language):
    body = get(client, reverse("web:privacy"), language).content.decode()
    assert set(TEXTS) == {"network_sharing", "newsletter", "contact", "request"}
    for kind in TEXTS:
        assert escape(consent_text(kind, language)) in body, kind
    assert VERSION in body


@pytest.mark.parametrize("language", ["de", "en"])
def test_privacy_notice_names_the_data_protection_officer_and_the_joint_controllers(client, operator, language):
    body = get(client, reverse("web:privacy"), language).content.decode()
    assert f'href="mailto:{operator["dpo_email"]}"' in body
    assert "Art. 26" in body
    for partner in Organisation.objects.all():
        assert escape(partner.name) in body
    assert "Art. 6 Abs. 1 lit. b" in body if language == "de" else "Art. 6(1)(b)" in body
    assert "Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen" in body
    assert "Art. 22" in body


@pytest.mark.parametrize(
    ("language", "facts"),
    [
        (
            "de",
            (
                '<h2 id="requests">8. Baukasten und Anfragen</h2>',
                '<h2 id="check">9. Transformations-Check</h2>',
                "Art. 6 Abs. 1 lit. a DSGVO",
                "Art. 6 Abs. 1 lit. b DSGVO",
                "drei Jahre nach dem letzten Kontakt",
                "mindestens fünf Ergebnisse",
                "nicht erratbaren Link",
                "Der gespeicherte Eintrag wird dabei nicht verändert",
            ),
        ),
        (
            "en",
            (
                '<h2 id="requests">8. Baukasten and requests</h2>',
                '<h2 id="check">9. Transformations-Check</h2>',
                "Art. 6(1)(a) GDPR",
                "Art. 6(1)(b) GDPR",
                "three years after the last contact",
                "at least five results",
                "cannot be guessed",
                "The stored record is not changed",
            ),
        ),
    ],
)
def test_privacy_notice_covers_requests_and_the_transformations_check(client, language, facts):
    body = get(client, reverse("web:privacy"), language).content.decode()
    for fact in facts:
        assert fact in body, fact
    assert '<a href="#requests">' in body and '<a href="#check">' in body
    # The sections keep their order and numbers after the two new ones.
    assert body.index('id="check"') < body.index('id="consents"') < body.index('id="rights"')
    assert ("15. Ihre Rechte" if language == "de" else "15. Your rights") in body


def test_privacy_notice_follows_the_cookie_and_log_settings(client, settings):
    settings.SESSION_COOKIE_NAME = "kgp_session"
    settings.CSRF_COOKIE_NAME = "kgp_csrf"
    settings.SERVER_LOG_RETENTION_DAYS = 11
    body = get(client, reverse("web:privacy"), "de").content.decode()
    for name in ("kgp_session", "kgp_csrf", django_settings.LANGUAGE_COOKIE_NAME, "messages"):
        assert f"<code>{name}</code>" in body
    assert "nach 11 Tagen gelöscht" in body


@pytest.mark.parametrize(
    ("language", "status", "date"),
    [("de", "teilweise vereinbar", "25. November 2026"), ("en", "partially compliant", "25 November 2026")],
)
def test_accessibility_statement(client, operator, language, status, date):
    body = get(client, reverse("web:accessibility"), language).content.decode()
    assert status in body
    assert date in body
    assert "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen" in body
    assert "/admin/" in body and "PDF" in body
    assert f'href="mailto:{operator["email"]}' in body


@pytest.mark.parametrize("name", PAGES)
def test_legal_pages_load_nothing_from_elsewhere(client, name):
    response = get(client, reverse(name), "de")
    body = response.content.decode()
    assert not re.search(r'\ssrc="https?://', body)
    assert not re.search(r'<link[^>]+href="https?://', body)
    assert "<script>" not in body and "<style" not in body and " style=" not in body
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("language", ["de", "en"])
def test_privacy_notice_names_a_configured_map_tile_server(client, settings, language):
    body = get(client, reverse("web:privacy"), language).content.decode()
    assert "tiles.example.org" not in body
    settings.MAP_TILE_ORIGIN = "https://tiles.example.org"
    body = get(client, reverse("web:privacy"), language).content.decode()
    assert "https://tiles.example.org" in body
