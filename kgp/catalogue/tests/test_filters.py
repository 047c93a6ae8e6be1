"""The catalogue's search and filters (shared by portal, backoffice and API), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

from kgp.catalogue import services
from kgp.catalogue.filters import STAFF_FIELDS, OfferFilter, search_words
from kgp.catalogue.models import Offer
from kgp.companies.models import Topic
from kgp.testing.factories import org

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="German full-text search runs on PostgreSQL")


def make(title: str, *, summary: str = "Ein Angebot für Betriebe der Region.", description: str = "", topics=("energy",),
         providers=("dortmund",), kind: str = "partners", module: str = "coach", format: str = "coaching",
         status: str = "published", **extra) -> Offer:  # fmt: skip
    return services.offer_create(
        actor=None,
        data={"title": title, "summary": summary, "description": description, "module": module, "format": format,
              "provider_kind": kind, "owner": org(providers[0] if providers else "dortmund"), "status": status, **extra},
        topics=Topic.objects.filter(key__in=topics),
        providers=[org(k) for k in providers],
    )  # fmt: skip


@pytest.fixture
def offers():
    return {
        "workshop": make("Workshop Digitalisierung in der Fertigung", module="inform", format="workshop", topics=("smart",)),
        "energy": make("Energieeffizienz-Check vor Ort", description="Messung von Druckluft und Abwärme.", providers=("hamm",)),
        "supply": make("Resilienz-Coaching Lieferkette", topics=("resilience", "supply_chain"), providers=("unna", "bochum")),
        "network": make("Erstgespräch Transformation", kind="network", providers=(), topics=("funding",)),
        "holder": make("Matchmaking mit der TU Dortmund", kind="competence_holder", providers=(), module="connect",
                       format="matchmaking", competence_holder_name="Technische Universität Dortmund", topics=("cooperation",)),
        "draft": make("Workshop Wasserstoff", status="draft", module="inform", format="workshop"),
    }  # fmt: skip


def titles(qs) -> set[str]:
    return set(qs.values_list("title", flat=True))


def apply(params: dict, qs=None) -> set[str]:
    f = OfferFilter.from_params(params)
    assert not f.errors, f.errors
    return titles(f.apply(qs if qs is not None else Offer.objects.public()))


def test_search_words_are_folded_and_lose_one_plural_ending():
    assert search_words("Workshops  Lieferketten Öfen Webinare") == ["workshop", "lieferkett", "oefe", "webinar"]
    assert search_words("CO2 KMU Daten Ofen!") == ["co2", "kmu", "date", "ofen"]
    assert len(search_words(" ".join(f"wort{i}" for i in range(20)))) == 8


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Energieeffizienz", {"Energieeffizienz-Check vor Ort"}),
        ("energieeffizienz", {"Energieeffizienz-Check vor Ort"}),
        ("Workshops", {"Workshop Digitalisierung in der Fertigung"}),
        ("Lieferketten", {"Resilienz-Coaching Lieferkette"}),
        ("abwärme", {"Energieeffizienz-Check vor Ort"}),
        ("ABWAERME", {"Energieeffizienz-Check vor Ort"}),
        ("Wirtschaftsförderung Hamm", {"Energieeffizienz-Check vor Ort"}),  # a provider's name
        ("Kreis Unna Lieferkette", {"Resilienz-Coaching Lieferkette"}),  # every word must match
        ("Technische Universität", {"Matchmaking mit der TU Dortmund"}),  # the competence holder
        ("Regionale Lieferketten", {"Resilienz-Coaching Lieferkette"}),  # a topic's name
        ("Wasserstoff", set()),  # only in a draft
        ("Quantencomputer", set()),
    ],
)
def test_search_on_every_database(offers, q, expected):
    assert apply({"q": q}) == expected


def test_search_ignores_control_characters_and_overlong_input(offers):
    f = OfferFilter.from_params({"q": "Energie\x00"})
    assert "q" in f.errors and f.q == ""
    assert OfferFilter.from_params({"q": "x" * 5000}).q == "x" * 200


def test_filters_module_topic_format_partner(offers):
    assert apply({"module": "inform"}) == {"Workshop Digitalisierung in der Fertigung"}
    assert apply({"modul": "connect"}) == {"Matchmaking mit der TU Dortmund"}  # the German alias
    assert apply({"topic": "supply_chain"}) == {"Resilienz-Coaching Lieferkette"}
    assert apply({"thema": "smart"}) == {"Workshop Digitalisierung in der Fertigung"}
    assert apply({"format": "matchmaking"}) == {"Matchmaking mit der TU Dortmund"}
    # A partner's offers include those of the whole network.
    assert apply({"partner": "bochum"}) == {"Resilienz-Coaching Lieferkette", "Erstgespräch Transformation"}
    assert apply({"partner": "hamm", "module": "coach"}) == {"Energieeffizienz-Check vor Ort", "Erstgespräch Transformation"}
    assert apply({"partner": "hagen", "topic": "energy"}) == set()


def test_results_are_distinct_with_several_topics_and_providers(offers):
    qs = OfferFilter.from_params({"partner": "unna", "q": "coaching"}).apply(Offer.objects.public())
    assert list(qs.values_list("title", flat=True)) == ["Resilienz-Coaching Lieferkette"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"module": "sing"}, "module"),
        ({"format": "party"}, "format"),
        ({"topic": "weather"}, "topic"),
        ({"partner": "berlin"}, "partner"),
    ],
)
def test_unknown_values_are_named_and_dropped(offers, params, field):
    f = OfferFilter.from_params(params)
    assert set(f.errors) == {field}
    assert params[field] in f.errors[field]
    assert getattr(f, field) == ""
    assert titles(f.apply(Offer.objects.public())) == titles(Offer.objects.public())


def test_staff_fields_filter_status_and_owner_the_public_ones_ignore_them(offers):
    staff = OfferFilter.from_params({"status": "draft"}, fields=STAFF_FIELDS)
    assert titles(staff.apply(Offer.objects.all())) == {"Workshop Wasserstoff"}
    assert titles(OfferFilter.from_params({"owner": "unna"}, fields=STAFF_FIELDS).apply(Offer.objects.all())) == {
        "Resilienz-Coaching Lieferkette"
    }
    public = OfferFilter.from_params({"status": "draft"})
    assert public.status == "" and not public.is_active()
    assert "status" in OfferFilter.from_params({"status": "gone"}, fields=STAFF_FIELDS).errors


def test_unfiltered_and_searched_orders(offers):
    ordered = list(OfferFilter().apply(Offer.objects.public()).values_list("title", flat=True))
    assert ordered == sorted(ordered)


@on_postgres
def test_german_stemming_and_relevance_on_postgres(offers):
    make("Fördermittel für Werkzeugmaschinen", summary="Zuschüsse für Betriebe.", description="Werkzeugmaschine modernisieren.")
    make("Hallenbeleuchtung", summary="LED in Werkhallen.", description="Auch für Werkzeugmaschinen interessant.")
    # Stemming: the singular finds the plural and inflected forms.
    assert apply({"q": "Werkzeugmaschine"}) == {"Fördermittel für Werkzeugmaschinen", "Hallenbeleuchtung"}
    assert apply({"q": "Betrieb"}) >= {"Fördermittel für Werkzeugmaschinen"}
    # A match in the title ranks above a match in the description.
    ranked = list(OfferFilter(q="Werkzeugmaschinen").apply(Offer.objects.public()).values_list("title", flat=True))
    assert ranked[0] == "Fördermittel für Werkzeugmaschinen"
    # websearch syntax: quoted phrases and exclusions.
    assert apply({"q": '"vor Ort"'}) == {"Energieeffizienz-Check vor Ort"}
