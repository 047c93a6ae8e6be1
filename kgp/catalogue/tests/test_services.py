"""Offer services: validation, Markdown rendering and sanitising, web addresses, search text, audit log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from kgp.catalogue import services
from kgp.catalogue.models import Offer, OfferStatus
from kgp.companies.models import Topic
from kgp.core.errors import ServiceError
from kgp.core.models import AuditLogEntry
from kgp.testing.factories import OfferFactory, org

pytestmark = pytest.mark.django_db


def topics(*keys: str) -> list[Topic]:
    return list(Topic.objects.filter(key__in=keys))


def data(**extra) -> dict:
    base = {
        "title": "Energieeffizienz-Check vor Ort",
        "summary": "Begehung und Messung der größten Verbraucher.",
        "description": "Wir messen **Druckluft** und Abwärme.",
        "module": "coach",
        "format": "coaching",
        "provider_kind": "partners",
        "owner": org("dortmund"),
        "status": "published",
    }
    return base | extra


def create(actor, *, topic_keys=("energy",), providers=None, **extra) -> Offer:
    return services.offer_create(
        actor=actor,
        data=data(**extra),
        topics=topics(*topic_keys),
        providers=[org("dortmund")] if providers is None else providers,
    )


def offer_entries(offer: Offer):
    return AuditLogEntry.objects.filter(object_type="catalogue.offer", object_id=str(offer.pk)).order_by("id")


# --- create, slug, search text ------------------------------------------------------------------


def test_create_renders_fills_search_text_and_logs(coordinator):
    offer = create(coordinator, topic_keys=("energy", "climate"), providers=[org("dortmund"), org("hamm")])
    assert offer.slug == "energieeffizienz-check-vor-ort"
    assert offer.description_html == "<p>Wir messen <strong>Druckluft</strong> und Abwärme.</p>"
    # Folded: umlauts spelled out, lower case; providers and topics in both languages.
    for word in ("energieeffizienz-check", "druckluft", "abwaerme", "wirtschaftsfoerderung hamm", "klimafreundliche", "energy efficiency"):
        assert word in offer.search_text
    entry = offer_entries(offer).get()
    assert entry.action == "create" and entry.actor == coordinator
    assert entry.changes["title"] == [None, "Energieeffizienz-Check vor Ort"]
    assert entry.changes["owner"] == [None, "Wirtschaftsförderung Dortmund"]
    assert entry.changes["topics"][1] == sorted(str(t) for t in topics("energy", "climate"))
    assert entry.changes["providers"] == [None, ["Wirtschaftsförderung Dortmund", "Wirtschaftsförderung Hamm"]]


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Größere Übersicht für Äpfel & Öfen", "groessere-uebersicht-fuer-aepfel-oefen"),
        ("CO2-Bilanz für KMU", "co2-bilanz-fuer-kmu"),
        ("Café Crème – Straße", "cafe-creme-strasse"),
        ("!!!", "angebot"),
    ],
)
def test_slug_is_made_from_the_title_with_german_transliteration(coordinator, title, slug):
    assert create(coordinator, title=title).slug == slug


def test_generated_slugs_are_unique_and_explicit_duplicates_are_refused(coordinator):
    first = create(coordinator, title="CO2-Bilanz für KMU")
    second = create(coordinator, title="CO2-Bilanz für KMU")
    third = create(coordinator, title="CO2 Bilanz für KMU")
    assert [first.slug, second.slug, third.slug] == ["co2-bilanz-fuer-kmu", "co2-bilanz-fuer-kmu-2", "co2-bilanz-fuer-kmu-3"]
    with pytest.raises(ServiceError) as exc:
        create(coordinator, title="Anderes Angebot", slug="co2-bilanz-fuer-kmu")
    assert exc.value.field == "slug" and exc.value.code == "duplicate_slug"
    assert Offer.objects.count() == 3


def test_explicit_slug_is_normalised_and_long_titles_fit(coordinator):
    assert create(coordinator, slug="Mein Überblick").slug == "mein-ueberblick"
    long = create(coordinator, title="Ä" * 199)
    again = create(coordinator, title="Ä" * 199)
    assert len(long.slug) <= 120 and len(again.slug) <= 120 and again.slug.endswith("-2")


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"is_de_minimis": True}, "de_minimis_value"),
        ({"is_de_minimis": True, "de_minimis_value": D("0")}, "de_minimis_value"),
        ({"provider_kind": "competence_holder"}, "competence_holder_name"),
        ({"valid_from": dt.date(2026, 5, 1), "valid_until": dt.date(2026, 4, 30)}, "valid_until"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"module": "sing"}, "module"),
        ({"status": "deleted"}, "status"),
        ({"effort_hours": D("-1")}, "effort_hours"),
        ({"effort_hours": D("1.25")}, "effort_hours"),
        ({"provider_kind": "competence_holder", "competence_holder_name": "TU", "competence_holder_url": "javascript:alert(1)"}, "competence_holder_url"),
    ],
)
def test_create_rejects_broken_rules_with_the_field_and_saves_nothing(coordinator, extra, field):
    with pytest.raises(ServiceError) as exc:
        create(coordinator, **extra)
    assert exc.value.field == field
    assert exc.value.message
    assert not Offer.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_partner_offers_need_a_provider_and_every_offer_a_topic(coordinator):
    with pytest.raises(ServiceError) as exc:
        create(coordinator, providers=[])
    assert exc.value.field == "providers"
    with pytest.raises(ServiceError) as exc:
        create(coordinator, topic_keys=())
    assert exc.value.field == "topics"
    assert not Offer.objects.exists()


def test_values_of_another_provider_kind_are_not_kept(coordinator):
    network = create(
        coordinator, provider_kind="network", providers=[org("bochum")], competence_holder_name="TU Dortmund",
        is_de_minimis=False, de_minimis_value=D("900"),
    )  # fmt: skip
    assert list(network.providers.all()) == []
    assert network.competence_holder_name == "" and network.de_minimis_value is None
    holder = create(
        coordinator, provider_kind="competence_holder", competence_holder_name="Fraunhofer IML",
        competence_holder_url="https://www.iml.fraunhofer.de", providers=[org("bochum")],
    )  # fmt: skip
    assert holder.competence_holder_name == "Fraunhofer IML" and list(holder.providers.all()) == []
    assert "fraunhofer iml" in holder.search_text


def test_de_minimis_offer_keeps_its_value(coordinator):
    offer = create(coordinator, is_de_minimis=True, de_minimis_value=D("1800"))
    offer.refresh_from_db()
    assert offer.is_de_minimis and offer.de_minimis_value == D("1800.00")


# --- sanitising ---------------------------------------------------------------------------------


def test_description_html_is_sanitised(coordinator):
    evil = (
        "Hallo <script>alert('x')</script> Welt\n\n"
        '<p onclick="steal()">Klick</p>\n\n'
        "[Link](javascript:alert(1)) und <a href=\"https://example.org\" onmouseover=\"x()\" target=\"_blank\">gut</a>\n\n"
        '<img src="x" onerror="alert(1)"><iframe src="https://evil.example"></iframe><style>body{}</style>'
    )
    html = create(coordinator, description=evil).description_html
    for bad in ("<script", "alert('x')", "onclick", "javascript:", "onmouseover", "<img", "onerror", "<iframe", "<style", "target="):
        assert bad not in html, bad
    assert "Klick" in html and "Welt" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">gut</a>' in html


def test_allowed_markdown_survives_and_headings_are_demoted(coordinator):
    text = "# Titel\n\n## Abschnitt\n\n#### Klein\n\n- eins\n- zwei\n\n1. a\n2. b\n\n> Zitat\n\n*kursiv* [mehr](https://example.org/x)"
    html = services.render_description(text)
    assert "<h1>" not in html and "<h2>" not in html
    assert "<h3>Titel</h3>" in html and "<h3>Abschnitt</h3>" in html and "<h4>Klein</h4>" in html
    assert "<ul>" in html and "<ol>" in html and "<li>eins</li>" in html
    assert "<blockquote>" in html and "<em>kursiv</em>" in html
    assert '<a href="https://example.org/x" rel="noopener noreferrer">mehr</a>' in html
    assert services.render_description("   ") == ""


# --- update, status, audit ----------------------------------------------------------------------


def test_update_logs_old_and_new_values_including_topics_and_providers(coordinator, consultant):
    offer = create(coordinator, topic_keys=("energy",), providers=[org("dortmund")])
    services.offer_update(
        actor=consultant,
        offer=offer,
        data={"title": "Energie-Check kompakt", "effort_hours": D("6"), "description": "Neu: *kurz*"},
        topics=topics("energy", "smart"),
        providers=[org("dortmund"), org("unna")],
    )
    offer.refresh_from_db()
    assert offer.slug == "energieeffizienz-check-vor-ort"  # the address stays unless changed
    assert offer.description_html == "<p>Neu: <em>kurz</em></p>"
    assert "energie-check kompakt" in offer.search_text and "unna" in offer.search_text
    entry = offer_entries(offer).last()
    assert entry.action == "update" and entry.actor == consultant
    assert entry.changes["title"] == ["Energieeffizienz-Check vor Ort", "Energie-Check kompakt"]
    assert entry.changes["effort_hours"] == [None, "6.0"]
    assert entry.changes["topics"] == [sorted(str(t) for t in topics("energy")), sorted(str(t) for t in topics("energy", "smart"))]
    assert entry.changes["providers"] == [
        ["Wirtschaftsförderung Dortmund"],
        ["Wirtschaftsförderung Dortmund", "Wirtschaftsförderung Kreis Unna"],
    ]


def test_update_without_change_writes_no_entry_and_empty_slug_is_regenerated(coordinator):
    offer = create(coordinator)
    services.offer_update(actor=coordinator, offer=offer, data={"title": offer.title}, topics=topics("energy"))
    assert offer_entries(offer).count() == 1
    services.offer_update(actor=coordinator, offer=offer, data={"title": "Neuer Name", "slug": ""})
    offer.refresh_from_db()
    assert offer.slug == "neuer-name"
    assert offer_entries(offer).last().changes["slug"] == ["energieeffizienz-check-vor-ort", "neuer-name"]


def test_failed_update_changes_nothing(coordinator):
    offer = create(coordinator)
    with pytest.raises(ServiceError):
        services.offer_update(actor=coordinator, offer=offer, data={"title": "Neu", "is_de_minimis": True})
    offer.refresh_from_db()
    assert offer.title == "Energieeffizienz-Check vor Ort" and not offer.is_de_minimis
    assert offer_entries(offer).count() == 1


def test_set_status_publishes_and_archives_with_audit(coordinator):
    offer = create(coordinator, status="draft")
    assert not Offer.objects.public().filter(pk=offer.pk).exists()
    services.offer_set_status(actor=coordinator, offer=offer, status="published")
    assert Offer.objects.public().filter(pk=offer.pk).exists()
    services.offer_set_status(actor=coordinator, offer=offer, status="archived")
    assert not Offer.objects.public().filter(pk=offer.pk).exists()
    statuses = [e.changes.get("status") for e in offer_entries(offer)[1:]]
    assert statuses == [["draft", "published"], ["published", "archived"]]
    with pytest.raises(ServiceError) as exc:
        services.offer_set_status(actor=coordinator, offer=offer, status="gone")
    assert exc.value.field == "status"


def test_public_means_published_and_valid_today():
    today = timezone.localdate()
    day = dt.timedelta(days=1)
    shown = {
        OfferFactory(title="ohne Grenzen"),
        OfferFactory(title="läuft heute aus", valid_until=today),
        OfferFactory(title="seit heute", valid_from=today),
        OfferFactory(title="im Zeitraum", valid_from=today - day, valid_until=today + day),
    }
    OfferFactory(title="Entwurf", status=OfferStatus.DRAFT)
    OfferFactory(title="archiviert", status=OfferStatus.ARCHIVED)
    OfferFactory(title="abgelaufen", valid_until=today - day)
    OfferFactory(title="künftig", valid_from=today + day)
    assert set(Offer.objects.public()) == shown
