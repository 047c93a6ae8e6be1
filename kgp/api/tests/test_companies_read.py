"""GET /companies and /companies/{id}: tenancy, the JSON shape, filters, pagination, query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kgp.companies.models import Company, SizeClass, Topic
from kgp.testing.factories import CompanyFactory

from .helpers import COMPANIES, company_url

COMPANY_KEYS = {
    "id", "name", "legal_form", "register_court", "register_number", "street", "postcode", "city",
    "municipality", "responsible_partner", "sector_code", "website", "email", "phone", "description",
    "is_autonomous", "public_control_25", "size_class", "size_class_provisional", "topics", "network_sharing",
    "created_at", "updated_at",
}  # fmt: skip

# Who sees which company: company = Dortmund, unshared; shared_company = Dortmund, shared with the
# network; bochum_company = Bochum, unshared; outside_company = outside the region (no partner).
VISIBLE = {
    "coordinator": {"company", "shared_company", "bochum_company", "outside_company"},
    "consultant": {"company", "shared_company"},
    "readonly": {"company", "shared_company"},
    "other_consultant": {"shared_company", "bochum_company"},
}
ALL_COMPANIES = ("company", "shared_company", "bochum_company", "outside_company")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def cast(request, company, shared_company, bochum_company, outside_company) -> dict[str, Company]:
    return {name: request.getfixturevalue(name) for name in ALL_COMPANIES}


@pytest.mark.parametrize("user_fixture", sorted(VISIBLE))
def test_list_shows_exactly_the_visible_companies(request, api_as, cast, user_fixture):
    client = api_as(request.getfixturevalue(user_fixture))
    response = client.get(COMPANIES)
    assert set(ids(response)) == {cast[name].pk for name in VISIBLE[user_fixture]}
    assert response.json()["count"] == len(VISIBLE[user_fixture])


@pytest.mark.parametrize("user_fixture", sorted(VISIBLE))
@pytest.mark.parametrize("company_name", ALL_COMPANIES)
def test_detail_is_200_when_visible_and_404_otherwise(request, api_as, cast, user_fixture, company_name):
    client = api_as(request.getfixturevalue(user_fixture))
    response = client.get(company_url(cast[company_name].pk))
    if company_name in VISIBLE[user_fixture]:
        assert response.status_code == 200
        assert response.json()["id"] == cast[company_name].pk
    else:
        assert response.status_code == 404
        # Indistinguishable from an id that does not exist at all.
        missing = client.get(company_url(10**9))
        assert missing.status_code == 404
        assert response.content == missing.content
        assert response.json() == {"detail": "Nicht gefunden."}


def test_merged_company_is_gone(api_as, coordinator, company):
    Company.objects.filter(pk=company.pk).update(is_active=False)
    client = api_as(coordinator)
    assert client.get(company_url(company.pk)).status_code == 404
    assert ids(client.get(COMPANIES)) == []


@pytest.mark.parametrize("bad_id", ["abc", "1.5", "99999999999999999999999999", "-1", "0"])
def test_absurd_ids_are_4xx(api_as, coordinator, company, bad_id):
    response = api_as(coordinator).get(company_url(bad_id))
    assert response.status_code in (404, 422)
    assert "detail" in response.json()


class TestJsonShape:
    def test_company_in_the_region(self, api_as, consultant, company):
        company.topics.set(Topic.objects.filter(key__in=["energy", "climate"]))
        data = api_as(consultant).get(company_url(company.pk)).json()
        assert set(data) == COMPANY_KEYS
        assert data["name"] == "Stahlbau Beispiel GmbH"
        assert data["postcode"] == "44139"
        assert data["municipality"] == {"key": "dortmund", "name": "Dortmund"}
        assert data["responsible_partner"] == {"key": "dortmund", "name": "Wirtschaftsförderung Dortmund"}
        assert data["topics"] == ["climate", "energy"]
        assert data["size_class"] == SizeClass.UNKNOWN
        assert data["size_class_provisional"] is True
        assert data["network_sharing"] is False
        assert data["created_at"] and data["updated_at"]

    def test_company_outside_the_region_has_no_partner(self, api_as, coordinator, outside_company):
        data = api_as(coordinator).get(company_url(outside_company.pk)).json()
        assert data["municipality"] is None
        assert data["responsible_partner"] is None

    def test_list_rows_have_the_same_shape(self, api_as, consultant, company):
        body = api_as(consultant).get(COMPANIES).json()
        assert set(body) == {"count", "page", "page_size", "results"}
        assert body["results"] == [api_as(consultant).get(company_url(company.pk)).json()]


class TestFilters:
    @pytest.fixture
    def companies(self, db) -> dict[str, Company]:
        made = {
            "gear": CompanyFactory(name="Zahnrad Werke GmbH", postcode="44139", city="Dortmund", sector_code="C28.15"),
            "foundry": CompanyFactory(name="Gießerei Ahlers KG", postcode="44787", city="Bochum", sector_code="C24.5"),
            "lacquer": CompanyFactory(name="Lackiererei Mertens", postcode="59423", city="Unna", sector_code="C25.61"),
            "berlin": CompanyFactory(name="Berliner Betrieb GmbH", postcode="10115", city="Berlin"),
        }
        Company.objects.filter(pk=made["foundry"].pk).update(size_class=SizeClass.MEDIUM)
        made["lacquer"].topics.set(Topic.objects.filter(key="circular"))
        return made

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"q": "gießerei"}, ["foundry"]),
            ({"q": "giesserei ahlers"}, ["foundry"]),
            ({"q": "44139"}, ["gear"]),
            ({"municipality": "unna"}, ["lacquer"]),
            ({"partner": "bochum"}, ["foundry"]),
            ({"partner": "none"}, ["berlin"]),
            ({"sector": "c25"}, ["lacquer"]),
            ({"sector": "C2"}, ["foundry", "lacquer", "gear"]),
            ({"size_class": "medium"}, ["foundry"]),
            ({"topic": "circular"}, ["lacquer"]),
            ({}, ["berlin", "foundry", "lacquer", "gear"]),
            ({"sort": "-name"}, ["gear", "lacquer", "foundry", "berlin"]),
            ({"sort": "city"}, ["berlin", "foundry", "gear", "lacquer"]),
            ({"partner": "dortmund", "sector": "C28"}, ["gear"]),
        ],
    )
    def test_filter(self, api_as, coordinator, companies, params, expected):
        response = api_as(coordinator).get(COMPANIES, params)
        assert ids(response) == [companies[name].pk for name in expected]
        assert response.json()["count"] == len(expected)

    def test_filters_stay_inside_the_visible_companies(self, api_as, consultant, companies):
        assert ids(api_as(consultant).get(COMPANIES, {"partner": "bochum"})) == []
        assert ids(api_as(consultant).get(COMPANIES, {"q": "gießerei"})) == []

    @pytest.mark.parametrize(
        ("params", "field", "message_part"),
        [
            ({"sort": "price"}, "sort", "Unbekannte Sortierung"),
            ({"size_class": "huge"}, "size_class", "Unbekannte Größenklasse"),
            ({"sector": "C" * 11}, "sector", "zu lang"),
            ({"q": "x" * 201}, "q", "200"),
            ({"q": "stahl\x00bau"}, "q", "Steuerzeichen"),
            ({"municipality": "a" * 41}, "municipality", "40"),
            ({"municipality": "nowhere"}, "municipality", "Unbekannte Gemeinde: nowhere"),
            ({"partner": "bochun"}, "partner", "Unbekannte Wirtschaftsförderung"),
            ({"topic": "nope"}, "topic", "Unbekanntes Thema"),
        ],
    )
    def test_invalid_filter_values_are_422_with_a_message(
        self, api_as, coordinator, companies, params, field, message_part
    ):
        response = api_as(coordinator).get(COMPANIES, params)
        assert response.status_code == 422
        body = response.json()
        assert [error["field"] for error in body["errors"]] == [field]
        assert body["errors"][0]["location"] == "query"
        assert message_part in body["errors"][0]["message"]
        assert message_part in body["detail"]


class TestPagination:
    @pytest.fixture
    def seven(self, db) -> list[Company]:
        return [CompanyFactory(name=f"Betrieb {i:02d} GmbH", postcode="44139") for i in range(7)]

    def test_pages(self, api_as, consultant, seven):
        client = api_as(consultant)
        pages = [client.get(COMPANIES, {"page": page, "page_size": 3}).json() for page in (1, 2, 3)]
        assert [p["count"] for p in pages] == [7, 7, 7]
        assert [(p["page"], p["page_size"]) for p in pages] == [(1, 3), (2, 3), (3, 3)]
        assert [row["id"] for p in pages for row in p["results"]] == [c.pk for c in seven]
        assert [len(p["results"]) for p in pages] == [3, 3, 1]

    def test_page_after_the_last_is_empty(self, api_as, consultant, seven):
        body = api_as(consultant).get(COMPANIES, {"page": 4, "page_size": 3}).json()
        assert body == {"count": 7, "page": 4, "page_size": 3, "results": []}

    def test_defaults(self, api_as, consultant, seven):
        body = api_as(consultant).get(COMPANIES).json()
        assert (body["page"], body["page_size"], len(body["results"])) == (1, 50, 7)

    def test_largest_page_size(self, api_as, consultant, seven):
        assert api_as(consultant).get(COMPANIES, {"page_size": 200}).status_code == 200

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"page_size": 201}, "page_size"),
            ({"page_size": 0}, "page_size"),
            ({"page_size": -5}, "page_size"),
            ({"page_size": 10**30}, "page_size"),
            ({"page_size": "fifty"}, "page_size"),
            ({"page": 0}, "page"),
            ({"page": -1}, "page"),
            ({"page": 10**30}, "page"),
            ({"page": 100_001}, "page"),
            ({"page": "1.5"}, "page"),
        ],
    )
    def test_out_of_range_is_422(self, api_as, consultant, seven, params, field):
        response = api_as(consultant).get(COMPANIES, params)
        assert response.status_code == 422
        body = response.json()
        assert body["errors"][0]["field"] == field
        assert body["detail"].startswith("Die Eingabe ist ungültig: " + field)

    def test_last_allowed_page_is_fine(self, api_as, consultant, seven):
        body = api_as(consultant).get(COMPANIES, {"page": 100_000, "page_size": 200}).json()
        assert body["results"] == []


def test_list_needs_a_constant_number_of_queries(api_as, consultant, django_assert_max_num_queries):
    topics = list(Topic.objects.all()[:3])
    for i in range(120):
        company = CompanyFactory(name=f"Betrieb {i:03d} GmbH", postcode="44139" if i % 2 else "44141")
        company.topics.set(topics)
    client = api_as(consultant)
    client.get(COMPANIES)  # first use of the token records last_used_at (one UPDATE)

    counts = {}
    for page_size in (5, 100):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(COMPANIES, {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        assert all(len(row["topics"]) == 3 for row in response.json()["results"])
        assert all(row["municipality"] and row["responsible_partner"] for row in response.json()["results"])
        counts[page_size] = len(ctx.captured_queries)
    assert counts[5] == counts[100]
    # token, topic key check, count, page (with municipality and partner joined), topics prefetch
    with django_assert_max_num_queries(5):
        client.get(COMPANIES, {"page_size": 200, "topic": "energy", "sort": "-created"})


def test_detail_needs_few_queries(api_as, consultant, company, django_assert_max_num_queries):
    company.topics.set(Topic.objects.all())
    client = api_as(consultant)
    client.get(company_url(company.pk))
    with django_assert_max_num_queries(3):  # token, company with relations, topics
        assert client.get(company_url(company.pk)).status_code == 200


def test_messages_follow_the_requested_language(api_as, consultant):
    client = api_as(consultant)
    german = client.client.get(COMPANIES, {"sort": "price"}, headers={**client._headers(), "Accept-Language": "de"})
    english = client.client.get(COMPANIES, {"sort": "price"}, headers={**client._headers(), "Accept-Language": "en"})
    assert "Unbekannte Sortierung" in german.json()["detail"]
    assert "Unknown sort order" in english.json()["detail"]
