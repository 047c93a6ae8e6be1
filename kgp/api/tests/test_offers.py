"""GET /offers and /offers/{slug}: public, the portal's filters, pagination, errors, OpenAPI."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kgp.catalogue import services
from kgp.catalogue.models import Offer, OfferStatus
from kgp.companies.models import Topic
from kgp.testing.factories import OfferFactory, org

pytestmark = pytest.mark.django_db

OFFERS = "/api/v1/offers"
SUMMARY_KEYS = {
    "slug", "url", "title", "summary", "module", "module_label", "format", "format_label", "topics", "provider_kind",
    "providers", "competence_holder_name", "competence_holder_url", "target_group", "effort_hours", "is_de_minimis",
    "de_minimis_value", "valid_from", "valid_until",
}  # fmt: skip
DETAIL_KEYS = SUMMARY_KEYS | {"description", "description_html", "after_request", "de_minimis_note"}


def make(title: str, **extra) -> Offer:
    topics = extra.pop("topics", ("energy",))
    providers = extra.pop("providers", ("dortmund",))
    data = {
        "title": title, "summary": f"Kurz: {title}.", "module": "coach", "format": "coaching",
        "provider_kind": "partners", "owner": org("dortmund"), "status": "published",
    } | extra  # fmt: skip
    return services.offer_create(
        actor=None, data=data, topics=Topic.objects.filter(key__in=topics), providers=[org(k) for k in providers]
    )


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


@pytest.fixture
def catalogue():
    return {
        "check": make("Energieeffizienz-Check vor Ort", topics=("energy", "climate"), providers=("dortmund", "hamm"),
                      effort_hours=D("8"), is_de_minimis=True, de_minimis_value=D("1800"),
                      description="Wir messen **Druckluft**."),
        "webinar": make("Webinar Lieferketten", module="inform", format="webinar", topics=("supply_chain",),
                        providers=("bochum",)),
        "network": make("Erstgespräch Transformation", provider_kind="network", providers=(), topics=("funding",)),
        "draft": make("Entwurf", status="draft"),
    }  # fmt: skip


def test_list_is_public_and_shows_only_published_valid_offers(client, catalogue, company_user, api_as):
    OfferFactory(title="Abgelaufen", valid_until=timezone.localdate() - dt.timedelta(days=1))
    response = client.get(OFFERS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["page"] == 1 and body["page_size"] == 20
    assert slugs(response) == ["energieeffizienz-check-vor-ort", "erstgespraech-transformation", "webinar-lieferketten"]
    assert set(body["results"][0]) == SUMMARY_KEYS
    # A token (even of a company user, or an invalid one) changes nothing.
    assert slugs(api_as(company_user).get(OFFERS)) == slugs(response)
    assert client.get(OFFERS, headers={"Authorization": "Bearer kgp_invalid"}).status_code == 200


def test_list_json_shape(client, catalogue):
    row = client.get(OFFERS, {"q": "Energieeffizienz"}).json()["results"][0]
    assert row["url"] == "/angebote/energieeffizienz-check-vor-ort/"
    assert row["module"] == "coach" and row["format"] == "coaching"
    assert [t["key"] for t in row["topics"]] == ["climate", "energy"]
    assert [p["key"] for p in row["providers"]] == ["dortmund", "hamm"]
    assert row["effort_hours"] == 8.0
    assert row["is_de_minimis"] is True and row["de_minimis_value"] == "1800.00"
    assert row["valid_from"] is None and row["target_group"] == "sme"


def test_filters_and_search(client, catalogue):
    assert slugs(client.get(OFFERS, {"module": "inform"})) == ["webinar-lieferketten"]
    assert slugs(client.get(OFFERS, {"topic": "funding"})) == ["erstgespraech-transformation"]
    assert slugs(client.get(OFFERS, {"format": "webinar"})) == ["webinar-lieferketten"]
    assert slugs(client.get(OFFERS, {"partner": "bochum"})) == ["erstgespraech-transformation", "webinar-lieferketten"]
    assert slugs(client.get(OFFERS, {"q": "Lieferkette"})) == ["webinar-lieferketten"]
    assert slugs(client.get(OFFERS, {"q": "druckluft", "module": "coach"})) == ["energieeffizienz-check-vor-ort"]
    assert slugs(client.get(OFFERS, {"q": "Entwurf"})) == []


def test_pagination(client):
    for i in range(25):
        OfferFactory(title=f"Angebot {i:02d}")
    first = client.get(OFFERS, {"page_size": 10})
    assert first.json()["count"] == 25 and len(slugs(first)) == 10
    last = client.get(OFFERS, {"page_size": 10, "page": 3}).json()
    assert [r["title"] for r in last["results"]] == [f"Angebot {i:02d}" for i in range(20, 25)]
    assert client.get(OFFERS, {"page": 99}).json()["results"] == []


@pytest.mark.parametrize(
    ("params", "field", "mentions"),
    [
        ({"module": "sing"}, "module", "inform"),
        ({"format": "party"}, "format", "webinar"),
        ({"topic": "weather"}, "topic", "energy"),
        ({"partner": "berlin"}, "partner", "dortmund"),
        ({"page_size": 101}, "page_size", "100"),
        ({"page": 0}, "page", "1"),
        ({"q": "x" * 201}, "q", "200"),
        ({"q": "a\x00b"}, "q", ""),
    ],
)
def test_bad_filter_values_answer_422_with_a_clear_message(client, params, field, mentions):
    response = client.get(OFFERS, params)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and body["errors"][0]["field"] == field and body["errors"][0]["location"] == "query"
    assert mentions in body["errors"][0]["message"]


def test_detail(client, catalogue):
    response = client.get(f"{OFFERS}/energieeffizienz-check-vor-ort")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == DETAIL_KEYS
    assert body["description"] == "Wir messen **Druckluft**."
    assert body["description_html"] == "<p>Wir messen <strong>Druckluft</strong>.</p>"
    assert body["after_request"]  # the module's standard text
    assert "2023/2831" in body["de_minimis_note"] and "1.800" in body["de_minimis_note"]
    # < > & are escaped in the raw JSON.
    assert b"<p>" not in response.content and b"\\u003cp\\u003e" in response.content
    network = client.get(f"{OFFERS}/erstgespraech-transformation").json()
    assert network["provider_kind"] == "network" and network["providers"] == [] and network["de_minimis_note"] == ""


def test_detail_english_labels(client, catalogue):
    body = client.get(f"{OFFERS}/webinar-lieferketten", headers={"Accept-Language": "en"}).json()
    assert body["module_label"] == "Inform" and body["format_label"] == "Webinar"
    assert body["topics"] == [{"key": "supply_chain", "name": "Regional supply chains"}]


@pytest.mark.parametrize("slug", ["entwurf", "archiviert", "abgelaufen", "gibt-es-nicht"])
def test_detail_404_with_the_standard_body(client, catalogue, slug):
    OfferFactory(slug="archiviert", status=OfferStatus.ARCHIVED)
    OfferFactory(slug="abgelaufen", valid_until=timezone.localdate() - dt.timedelta(days=1))
    response = client.get(f"{OFFERS}/{slug}")
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_companies_still_need_a_token(client):
    response = client.get("/api/v1/companies")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_query_count_is_constant(client):
    for i in range(30):
        OfferFactory(title=f"Angebot {i:02d}", topics=["energy", "smart"], providers=[org("dortmund"), org("unna")])
    counts = []
    for params in ({"page_size": 5}, {"page_size": 100}, {"q": "angebot", "page": 2, "page_size": 10}):
        with CaptureQueriesContext(connection) as ctx:
            assert Client().get(OFFERS, params).status_code == 200
        counts.append(len(ctx))
    assert len(set(counts)) == 1 and counts[0] <= 4


def test_openapi_documents_the_public_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    listing = schema["paths"]["/api/v1/offers"]["get"]
    detail = schema["paths"]["/api/v1/offers/{slug}"]["get"]
    for operation in (listing, detail):
        assert "security" not in operation  # public: no token
        assert operation["description"] and operation["summary"]
    assert {"200", "422"} <= set(listing["responses"]) and {"200", "404"} <= set(detail["responses"])
    params = {p["name"]: p for p in listing["parameters"]}
    assert {"q", "module", "topic", "format", "partner", "page", "page_size"} <= set(params)
    components = schema["components"]["schemas"]
    assert {"OfferPage", "OfferOut", "OfferSummaryOut"} <= set(components)
    assert "de_minimis_value" in components["OfferSummaryOut"]["properties"]
    assert "enum" in str(params["module"]["schema"]) and "transfer" in str(params["module"]["schema"])
