"""POST /companies and PATCH /companies/{id}: who may write what, and bad input never becomes a 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgp.companies.models import Company, Topic
from kgp.core.models import AuditLogEntry
from kgp.testing.factories import CompanyFactory

from .helpers import COMPANIES, company_url

VALID = {"name": "Neue Fräserei GmbH", "postcode": "44139", "city": "Dortmund"}


def body(**changes: object) -> dict[str, object]:
    return {**VALID, **changes}


def assert_error(response, status: int, *, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert isinstance(data["detail"], str) and data["detail"]
    if field is not None:
        fields = [data.get("field")] + [e["field"] for e in data.get("errors") or []]
        assert field in fields, data
    return data


class TestCreate:
    def test_coordinator_creates_and_partner_follows_the_postcode(self, api_as, coordinator):
        response = api_as(coordinator).post(
            COMPANIES,
            body(
                name="  Hammer Härterei GmbH ",
                postcode="59065",
                city="Hamm",
                legal_form="gmbh",
                register_court="Amtsgericht Hamm",
                register_number="HRB 1234",
                sector_code="C25.61",
                website="https://haerterei.example.org",
                email="info@haerterei.example.org",
                topics=["energy", "climate", "energy"],
            ),
        )
        assert response.status_code == 201, response.content
        data = response.json()
        company = Company.objects.get(pk=data["id"])
        assert company.name == data["name"] == "Hammer Härterei GmbH"
        assert company.created_by == coordinator
        assert data["municipality"] == {"key": "hamm", "name": "Hamm"}
        assert data["responsible_partner"]["key"] == "hamm"
        assert data["topics"] == ["climate", "energy"]
        assert data["network_sharing"] is False
        entry = AuditLogEntry.objects.get(object_type="companies.company", object_id=str(company.pk), action="create")
        assert entry.actor == coordinator
        assert entry.changes["source"] == [None, "api"]

    def test_coordinator_creates_outside_the_region(self, api_as, coordinator):
        response = api_as(coordinator).post(COMPANIES, body(postcode="10115", city="Berlin"))
        assert response.status_code == 201
        assert response.json()["responsible_partner"] is None

    def test_consultant_creates_in_own_area(self, api_as, consultant):
        response = api_as(consultant).post(COMPANIES, body(postcode="44536", city="Lünen"))
        # Lünen belongs to the Kreis Unna, not to Dortmund.
        assert_error(response, 403, field="postcode")
        response = api_as(consultant).post(COMPANIES, VALID)
        assert response.status_code == 201
        assert response.json()["responsible_partner"]["key"] == "dortmund"

    @pytest.mark.parametrize(("postcode", "message_part"), [("44787", "Bochum"), ("10115", "außerhalb der Region")])
    def test_consultant_cannot_create_for_another_partner(self, api_as, consultant, postcode, message_part):
        response = api_as(consultant).post(COMPANIES, body(postcode=postcode))
        data = assert_error(response, 403, field="postcode")
        assert message_part in data["detail"]
        assert not Company.objects.exists()
        assert not AuditLogEntry.objects.exclude(object_type="accounts.apitoken").exists()

    def test_readonly_cannot_create(self, api_as, readonly):
        data = assert_error(api_as(readonly).post(COMPANIES, VALID), 403)
        assert "keine Unternehmen anlegen" in data["detail"]
        assert not Company.objects.exists()

    def test_html_is_stored_as_text_and_never_sent_as_markup(self, api_as, consultant):
        name = '<script>alert("x")</script> & <b>Söhne</b>'
        response = api_as(consultant).post(COMPANIES, body(name=name))
        assert response.status_code == 201
        assert Company.objects.get().name == name
        assert response["Content-Type"].startswith("application/json")
        assert response["X-Content-Type-Options"] == "nosniff"
        for raw in (response.content, api_as(consultant).get(COMPANIES).content):
            assert b"<" not in raw and b">" not in raw
            assert b"\\u003cscript\\u003e" in raw
        assert response.json()["name"] == name

    def test_longest_allowed_values(self, api_as, consultant):
        response = api_as(consultant).post(COMPANIES, body(name="N" * 200, city="C" * 100, description="d" * 5000))
        assert response.status_code == 201
        assert len(Company.objects.get().name) == 200

    def test_duplicate_register_entry_is_400(self, api_as, consultant):
        entry = {"register_court": "Amtsgericht Dortmund", "register_number": "HRB 4711"}
        assert api_as(consultant).post(COMPANIES, body(**entry)).status_code == 201
        response = api_as(consultant).post(COMPANIES, body(name="Ganz andere GmbH", **entry))
        assert_error(response, 400)
        assert Company.objects.filter(register_number="HRB 4711").count() == 1

    def test_unknown_topic_is_400_and_nothing_is_stored(self, api_as, consultant):
        data = assert_error(api_as(consultant).post(COMPANIES, body(topics=["energy", "astrology"])), 400)
        assert data["field"] == "topics"
        assert "astrology" in data["detail"] and "energy" in data["detail"]
        assert not Company.objects.exists()

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"postcode": "4413"}, "postcode"),
            ({"postcode": "441390"}, "postcode"),
            ({"postcode": "abcde"}, "postcode"),
            ({"postcode": "٤٤١٣٩"}, "postcode"),  # Arabic-Indic digits
            ({"postcode": 44139}, "postcode"),
            ({"postcode": None}, "postcode"),
            ({"name": "N" * 201}, "name"),
            ({"name": "   "}, "name"),
            ({"name": "Nul\x00Byte GmbH"}, "name"),
            ({"name": "Bell\x07 GmbH"}, "name"),
            ({"name": "Halb\ud800 GmbH"}, "name"),  # a lone surrogate
            ({"name": ["a list"]}, "name"),
            ({"city": "C" * 101}, "city"),
            ({"street": "S" * 201}, "street"),
            ({"phone": "1" * 41}, "phone"),
            ({"description": "d" * 5001}, "description"),
            ({"website": "https://" + "w" * 300 + ".de"}, "website"),
            ({"legal_form": "limited"}, "legal_form"),
            ({"is_autonomous": "vielleicht"}, "is_autonomous"),
            ({"topics": "energy"}, "topics"),
            ({"topics": ["energy"] * 21}, "topics"),
            ({"topics": [""]}, "topics.0"),
            ({"size_class": "micro"}, "size_class"),  # derived, not settable
            ({"network_sharing": True}, "network_sharing"),  # a consent, not settable here
            ({"responsible_partner": "bochum"}, "responsible_partner"),
        ],
    )
    def test_invalid_input_is_422(self, api_as, consultant, changes, field):
        data = assert_error(api_as(consultant).post(COMPANIES, body(**changes)), 422, field=field)
        assert data["errors"][0]["location"] == "body"
        assert not Company.objects.exists()

    def test_missing_required_fields(self, api_as, consultant):
        data = assert_error(api_as(consultant).post(COMPANIES, {}), 422)
        assert {e["field"] for e in data["errors"]} == {"name", "postcode", "city"}
        assert all(e["message"] == "Pflichtangabe fehlt." for e in data["errors"])

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"website": "no url"}, "website"),
            ({"email": "no-mail"}, "email"),
            ({"sector_code": "XYZ"}, "sector_code"),
            ({"register_number": "12345"}, "register_number"),
        ],
    )
    def test_service_validation_is_400_with_field(self, api_as, consultant, changes, field):
        data = assert_error(api_as(consultant).post(COMPANIES, body(**changes)), 400, field=field)
        assert set(data) == {"detail", "field", "code"}
        assert not Company.objects.exists()

    @pytest.mark.parametrize(
        "raw",
        ["{bad json", "", "null", "[]", '"a string"', "42", '{"name": "x",}', b"\xff\xfe\x00garbage", "[" * 10000],
    )
    def test_malformed_bodies_are_4xx(self, api_as, consultant, raw):
        response = api_as(consultant).post(COMPANIES, raw=raw)
        assert response.status_code in (400, 422), response.content
        assert response.json()["detail"]
        assert not Company.objects.exists()


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.text(max_size=250),
    city=st.text(max_size=120),
    postcode=st.text(alphabet="0123456789a ", max_size=7),
    register_number=st.text(max_size=25),
)
def test_create_never_answers_500(api_as, coordinator, name, city, postcode, register_number):
    client = api_as(coordinator)
    payload = {"name": name, "city": city, "postcode": postcode, "register_number": register_number}
    response = client.post(COMPANIES, payload)
    assert response.status_code in (201, 400, 422), response.content
    assert "detail" in response.json() or response.status_code == 201


class TestUpdate:
    def test_consultant_changes_own_company(self, api_as, consultant, company):
        company.topics.set(Topic.objects.filter(key="energy"))
        response = api_as(consultant).patch(company_url(company.pk), {"phone": "0231 123456", "topics": ["smart"]})
        assert response.status_code == 200, response.content
        company.refresh_from_db()
        assert company.phone == response.json()["phone"] == "0231 123456"
        assert company.name == "Stahlbau Beispiel GmbH"  # not sent, not changed
        assert [t.key for t in company.topics.all()] == response.json()["topics"] == ["smart"]
        entry = AuditLogEntry.objects.get(object_type="companies.company", object_id=str(company.pk), action="update")
        assert entry.actor == consultant
        assert set(entry.changes) == {"phone", "topics"}

    def test_empty_patch_changes_nothing(self, api_as, consultant, company):
        company.topics.set(Topic.objects.filter(key="energy"))
        response = api_as(consultant).patch(company_url(company.pk), {})
        assert response.status_code == 200
        assert response.json()["topics"] == ["energy"]
        assert response.json()["name"] == company.name

    def test_topics_can_be_cleared(self, api_as, consultant, company):
        company.topics.set(Topic.objects.all())
        assert api_as(consultant).patch(company_url(company.pk), {"topics": []}).json()["topics"] == []
        assert not company.topics.exists()

    def test_null_is_not_a_value(self, api_as, consultant, company):
        assert_error(api_as(consultant).patch(company_url(company.pk), {"name": None}), 422, field="name")
        assert_error(api_as(consultant).patch(company_url(company.pk), {"topics": None}), 422, field="topics")

    def test_coordinator_changes_any_company(self, api_as, coordinator, bochum_company):
        response = api_as(coordinator).patch(company_url(bochum_company.pk), {"city": "Bochum-Wattenscheid"})
        assert response.status_code == 200
        assert response.json()["city"] == "Bochum-Wattenscheid"

    def test_shared_company_of_another_agency_is_read_only(self, api_as, other_consultant, shared_company):
        client = api_as(other_consultant)
        assert client.get(company_url(shared_company.pk)).status_code == 200
        data = assert_error(client.patch(company_url(shared_company.pk), {"name": "Gekapert GmbH"}), 403)
        assert "nur lesen" in data["detail"]
        shared_company.refresh_from_db()
        assert shared_company.name == "Geteilte Gießerei GmbH"

    def test_unshared_company_of_another_agency_is_404(self, api_as, other_consultant, company):
        client = api_as(other_consultant)
        response = client.patch(company_url(company.pk), {"name": "Gekapert GmbH"})
        missing = client.patch(company_url(10**9), {"name": "Gekapert GmbH"})
        assert response.status_code == missing.status_code == 404
        assert response.content == missing.content
        company.refresh_from_db()
        assert company.name == "Stahlbau Beispiel GmbH"

    def test_readonly_staff_cannot_change(self, api_as, readonly, company):
        assert_error(api_as(readonly).patch(company_url(company.pk), {"name": "Neu GmbH"}), 403)

    def test_consultant_cannot_hand_a_company_to_another_partner(self, api_as, consultant, company):
        response = api_as(consultant).patch(company_url(company.pk), {"postcode": "44787", "city": "Bochum"})
        data = assert_error(response, 403, field="postcode")
        assert "Bochum" in data["detail"]
        company.refresh_from_db()
        assert (company.postcode, company.responsible_partner.key) == ("44139", "dortmund")

    def test_coordinator_moves_a_company_to_another_partner(self, api_as, coordinator, company):
        response = api_as(coordinator).patch(company_url(company.pk), {"postcode": "44787", "city": "Bochum"})
        assert response.status_code == 200
        assert response.json()["responsible_partner"]["key"] == "bochum"

    def test_duplicate_register_entry_is_400(self, api_as, consultant, company):
        CompanyFactory(register_court="Amtsgericht Dortmund", register_number="HRB 4711", postcode="44139")
        response = api_as(consultant).patch(
            company_url(company.pk), {"register_court": "Amtsgericht Dortmund", "register_number": "HRB 4711"}
        )
        assert_error(response, 400)
        company.refresh_from_db()
        assert company.register_number == ""

    def test_unknown_topic_is_400_and_nothing_changes(self, api_as, consultant, company):
        response = api_as(consultant).patch(company_url(company.pk), {"name": "Neu GmbH", "topics": ["astrology"]})
        assert assert_error(response, 400)["field"] == "topics"
        company.refresh_from_db()
        assert company.name == "Stahlbau Beispiel GmbH"

    @pytest.mark.parametrize("raw", ["{bad", "[]", '{"postcode": "1"}', '{"name": "' + "n" * 201 + '"}'])
    def test_bad_bodies_are_4xx(self, api_as, consultant, company, raw):
        response = api_as(consultant).patch(company_url(company.pk), raw=raw)
        assert response.status_code in (400, 422)
        assert response.json()["detail"]


@pytest.mark.django_db
def test_nul_characters_never_reach_the_database(api_as, consultant, company):
    """PostgreSQL refuses NUL in text; the API answers 422 before any query could fail."""
    client = api_as(consultant)
    for response in (
        client.post(COMPANIES, body(city="Dort\x00mund")),
        client.patch(company_url(company.pk), {"street": "Weg\x001"}),
        client.get(COMPANIES, {"sector": "C\x0025"}),
    ):
        assert response.status_code == 422
