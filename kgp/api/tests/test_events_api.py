"""The events API: the public list and detail, company users' registrations, staff participant lists."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kgp.accounts.models import Role
from kgp.companies.models import Topic
from kgp.events.models import Event, EventStatus, Registration, RegistrationStatus
from kgp.organisations.models import Municipality
from kgp.testing.factories import CompanyFactory, MembershipFactory, UserFactory, org

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events"
MINE = "/api/v1/me/event-registrations"
SECRET_LINK = "https://meet.example.org/geheimer-raum-4711"
S = RegistrationStatus


def make_event(
    slug: str = "energie-workshop", *, days: float = 10, organisers=("dortmund",), topics=(), **fields
) -> Event:
    """A published event (created directly; the services are tested in kgp/events/tests)."""
    start = timezone.now() + dt.timedelta(days=days)
    values = {
        "title": f"Veranstaltung {slug}",
        "kind": "workshop",
        "module": "inform",
        "summary": "Kurzbeschreibung",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=3),
        "venue": "Technologiezentrum",
        "address": "Emil-Figge-Str. 1, 44227 Dortmund",
        "capacity": 20,
        "status": EventStatus.PUBLISHED,
    }
    values.update(fields)
    event = Event.objects.create(slug=slug, **values)
    event.organisations.set([org(key) for key in organisers])
    event.topics.set(Topic.objects.filter(key__in=list(topics)))
    return event


def new_company_user(email: str, company=None):
    user = UserFactory(email=email, role=Role.COMPANY, first_name="Frieda", last_name="Fischer")
    MembershipFactory(user=user, company=company or CompanyFactory(postcode="44139", city="Dortmund"))
    return user


def register(api_as, user, slug: str = "energie-workshop", body: dict | None = None):
    return api_as(user).post(f"{EVENTS}/{slug}/registrations", body if body is not None else {})


# --- the public list and detail -------------------------------------------------------------------


class TestPublicList:
    def test_anonymous_sees_published_and_cancelled_upcoming_events(self):
        make_event("offen")
        make_event("abgesagt", status=EventStatus.CANCELLED)
        make_event("entwurf", status=EventStatus.DRAFT)
        make_event("vorbei", days=-3)
        response = Client().get(EVENTS)
        assert response.status_code == 200
        body = response.json()
        assert [row["slug"] for row in body["results"]] == ["offen", "abgesagt"]  # soonest first
        assert body["count"] == 2
        states = {row["slug"]: (row["status"], row["registration_state"]) for row in body["results"]}
        assert states == {"offen": ("published", "open"), "abgesagt": ("cancelled", "cancelled")}

    def test_fields_of_a_row(self):
        event = make_event(topics=["energy"], municipality=Municipality.objects.get(key="dortmund"), capacity=3)
        Registration.objects.create(
            event=event, status=S.REGISTERED, email="a@example.org", first_name="A", last_name="B", company_name="C"
        )
        row = Client().get(EVENTS).json()["results"][0]
        assert row["slug"] == "energie-workshop"
        assert row["url"] == "/veranstaltungen/energie-workshop/"
        assert row["kind"] == "workshop" and row["module"] == "inform"
        assert row["topics"][0]["key"] == "energy"
        assert row["organisers"] == [{"key": "dortmund", "name": org("dortmund").name}]
        assert row["municipality"]["key"] == "dortmund"
        assert row["capacity"] == 3 and row["free_seats"] == 2
        assert row["registration_state"] == "open"
        # ISO 8601 with the offset of Europe/Berlin, the same instant as stored
        assert row["starts_at"][-6:] in ("+01:00", "+02:00")
        assert dt.datetime.fromisoformat(row["starts_at"]) == event.starts_at.replace(
            microsecond=event.starts_at.microsecond // 1000 * 1000
        )
        assert "online_url" not in row

    def test_past_events_latest_first(self):
        make_event("alt", days=-30)
        make_event("juenger", days=-3)
        make_event("kommend", days=3)
        slugs = [r["slug"] for r in Client().get(EVENTS, {"past": "true"}).json()["results"]]
        assert slugs == ["juenger", "alt"]
        row = Client().get(EVENTS, {"past": "true"}).json()["results"][0]
        assert row["registration_state"] == "past"

    def test_upcoming_soonest_first_and_pagination(self):
        for i in range(5):
            make_event(f"e{i}", days=5 - i)
        first = Client().get(EVENTS, {"page_size": 2}).json()
        second = Client().get(EVENTS, {"page_size": 2, "page": 2}).json()
        assert first["count"] == 5
        assert [r["slug"] for r in first["results"]] == ["e4", "e3"]
        assert [r["slug"] for r in second["results"]] == ["e2", "e1"]
        assert Client().get(EVENTS, {"page": 99}).json()["results"] == []

    def test_filters(self):
        make_event("energie", topics=["energy"], module="inform", kind="workshop", days=3)
        make_event("hagen", organisers=("hagen",), module="connect", kind="matchmaking", days=20)
        make_event(
            "beide", organisers=("hagen", "dortmund"), kind="webinar", online=True, venue="", address="", days=40
        )

        def slugs(**params):
            response = Client().get(EVENTS, params)
            assert response.status_code == 200, response.content
            return sorted(r["slug"] for r in response.json()["results"])

        assert slugs(topic="energy") == ["energie"]
        assert slugs(module="connect") == ["hagen"]
        assert slugs(partner="hagen") == ["beide", "hagen"]
        assert slugs(partner="dortmund") == ["beide", "energie"]
        assert slugs(kind="webinar") == ["beide"]
        day = timezone.localdate() + dt.timedelta(days=20)
        assert slugs(date_from=day.isoformat()) == ["beide", "hagen"]
        assert slugs(date_to=day.isoformat()) == ["energie", "hagen"]
        assert slugs(date_from=day.isoformat(), date_to=day.isoformat()) == ["hagen"]
        assert slugs(partner="hagen", kind="matchmaking") == ["hagen"]

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"topic": "gibtsnicht"}, "topic"),
            ({"partner": "berlin"}, "partner"),
            ({"module": "dance"}, "module"),
            ({"kind": "party"}, "kind"),
            ({"date_from": "2026-02-30"}, "date_from"),
            ({"date_to": "morgen"}, "date_to"),
            ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_from"),
            ({"past": "vielleicht"}, "past"),
            ({"page": "0"}, "page"),
            ({"page_size": "101"}, "page_size"),
            ({"topic": "x" * 41}, "topic"),
            ({"topic": "energy\x00"}, "topic"),
        ],
    )
    def test_bad_filters_answer_422(self, params, field):
        response = Client().get(EVENTS, params)
        assert response.status_code == 422, response.content
        body = response.json()
        assert field in {item["field"] for item in body["errors"]}
        assert body["detail"]

    def test_query_count_does_not_grow_with_the_rows(self):
        make_event("eins", topics=["energy"])
        with CaptureQueriesContext(connection) as one:
            assert Client().get(EVENTS).status_code == 200
        for i in range(15):
            event = make_event(f"mehr-{i}", topics=["energy", "circular"], organisers=("dortmund", "hagen"))
            Registration.objects.create(
                event=event,
                status=S.WAITLISTED,
                email=f"w{i}@example.org",
                first_name="W",
                last_name="L",
                company_name="C",
            )
        with CaptureQueriesContext(connection) as many:
            assert Client().get(EVENTS).status_code == 200
        assert len(many.captured_queries) == len(one.captured_queries)


class TestPublicDetail:
    def test_detail_with_questions(self):
        make_event(
            questions=[
                {
                    "key": "q1",
                    "label": "Essenswunsch",
                    "kind": "choice",
                    "choices": ["vegetarisch", "vegan"],
                    "required": False,
                },
                {"key": "q2", "label": "Erste Teilnahme?", "kind": "yes_no", "choices": [], "required": True},
            ],
            max_per_company=2,
            description="Lange Beschreibung",
        )
        response = Client().get(f"{EVENTS}/energie-workshop")
        assert response.status_code == 200
        body = response.json()
        assert body["description"] == "Lange Beschreibung"
        assert body["max_per_company"] == 2 and body["waiting"] == 0
        assert body["questions"][0] == {
            "key": "q1", "label": "Essenswunsch", "kind": "choice", "choices": ["vegetarisch", "vegan"], "required": False,
        }  # fmt: skip
        assert body["questions"][1]["kind"] == "yes_no" and body["questions"][1]["required"] is True

    @pytest.mark.parametrize("slug", ["entwurf", "gibtsnicht", "x" * 121, "%00", "a%00b", "ä", "a b", "a.b"])
    def test_draft_and_unknown_answer_404(self, slug):
        make_event("entwurf", status=EventStatus.DRAFT)
        response = Client().get(f"{EVENTS}/{slug}")
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}

    def test_draft_never_in_the_list_whatever_the_filters(self):
        make_event("entwurf", status=EventStatus.DRAFT, days=-2)
        make_event("entwurf2", status=EventStatus.DRAFT)
        for params in ({}, {"past": "true"}, {"partner": "dortmund"}):
            assert Client().get(EVENTS, params).json()["count"] == 0


def test_the_online_link_is_never_in_public_answers():
    make_event("online", online=True, venue="", address="", online_url=SECRET_LINK, kind="webinar")
    make_event("online-vorbei", online=True, venue="", address="", online_url=SECRET_LINK, days=-2)
    make_event(
        "online-abgesagt", online=True, venue="", address="", online_url=SECRET_LINK, status=EventStatus.CANCELLED
    )
    urls = [
        EVENTS, f"{EVENTS}?past=true", f"{EVENTS}?kind=webinar", f"{EVENTS}/online", f"{EVENTS}/online-vorbei",
        f"{EVENTS}/online-abgesagt", "/api/v1/openapi.json",
    ]  # fmt: skip
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 200, url
        assert b"geheimer-raum" not in response.content, url
    assert Client().get(f"{EVENTS}/online").json()["online"] is True


# --- registrations of company users ---------------------------------------------------------------


class TestRegistration:
    def test_registered_then_waitlisted_when_full(self, api_as, company_user, company):
        event = make_event(capacity=2)
        second = new_company_user("zweite@example.org")
        third = new_company_user("dritte@example.org")
        first = register(api_as, company_user, body={"company_id": company.pk, "function": "Geschäftsführerin"})
        assert first.status_code == 201, first.content
        body = first.json()
        assert body["status"] == "registered" and body["status_label"]
        assert body["company_id"] == company.pk and body["company_name"] == company.name
        assert body["function"] == "Geschäftsführerin"
        assert body["event"]["slug"] == event.slug
        assert register(api_as, second, body={"company_name": "Zweite GmbH"}).json()["status"] == "registered"
        # Without company_id the company of the registration is named in company_name.
        waitlisted = register(api_as, third, body={"company_name": "Dritte GmbH"})
        assert waitlisted.status_code == 201 and waitlisted.json()["status"] == "waitlisted"
        assert waitlisted.json()["company_name"] == "Dritte GmbH"
        registration = Registration.objects.get(pk=first.json()["id"])
        assert registration.user == company_user and registration.email == company_user.email
        assert registration.company == company
        row = Client().get(EVENTS).json()["results"][0]
        assert row["free_seats"] == 0
        assert Client().get(f"{EVENTS}/{event.slug}").json()["waiting"] == 1

    def test_the_account_name_is_the_default(self, api_as, company_user, company):
        make_event()
        body = register(api_as, company_user, body={"company_id": company.pk}).json()
        assert (body["first_name"], body["last_name"]) == (company_user.first_name, company_user.last_name)
        body = register(
            api_as, new_company_user("x@example.org"), body={"company_name": "X", "first_name": "Xaver"}
        ).json()
        assert body["first_name"] == "Xaver" and body["last_name"] == "Fischer"

    def test_duplicate_answers_400_with_code(self, api_as, company_user, company):
        make_event()
        assert register(api_as, company_user, body={"company_id": company.pk}).status_code == 201
        response = register(api_as, company_user, body={"company_id": company.pk})
        assert response.status_code == 400
        assert response.json()["code"] == "duplicate"
        assert response.json()["field"] == "email"
        assert Registration.objects.count() == 1

    def test_a_company_of_somebody_else_answers_404(self, api_as, company_user):
        make_event()
        other = CompanyFactory(postcode="44139", city="Dortmund")
        for company_id in (other.pk, 999999):
            response = register(api_as, company_user, body={"company_id": company_id})
            assert response.status_code == 404
            assert response.json()["field"] == "company_id"
        assert not Registration.objects.exists()

    def test_company_name_needed_without_company_id(self, api_as, company_user):
        make_event()
        response = register(api_as, company_user)
        assert response.status_code == 400
        assert response.json()["field"] == "company_name"

    def test_answers(self, api_as, company_user, company):
        make_event(
            questions=[
                {
                    "key": "q1",
                    "label": "Essen",
                    "kind": "choice",
                    "choices": ["vegetarisch", "vegan"],
                    "required": False,
                },
                {"key": "q2", "label": "Erste Teilnahme?", "kind": "yes_no", "choices": [], "required": True},
            ]
        )
        base = {"company_id": company.pk}
        missing = register(api_as, company_user, body=base | {"answers": {"q1": "vegan"}})
        assert missing.status_code == 400 and missing.json()["field"] == "answers.q2"
        wrong = register(api_as, company_user, body=base | {"answers": {"q1": "Fisch", "q2": "yes"}})
        assert wrong.status_code == 400 and wrong.json()["field"] == "answers.q1"
        unknown = register(api_as, company_user, body=base | {"answers": {"q2": "yes", "q9": "?"}})
        assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "answers.q9"
        ok = register(api_as, company_user, body=base | {"answers": {"q1": "vegan", "q2": "no"}})
        assert ok.status_code == 201
        assert ok.json()["answers"] == {"q1": "vegan", "q2": "no"}

    @pytest.mark.parametrize(
        ("fields", "code"),
        [
            (lambda now: {"status": EventStatus.CANCELLED}, "registration_cancelled"),
            (lambda now: {"days": -0.01}, "registration_past"),
            (lambda now: {"registration_opens_at": now + dt.timedelta(days=2)}, "registration_not_yet"),
            (lambda now: {"registration_closes_at": now - dt.timedelta(hours=1)}, "registration_closed"),
        ],
        ids=["cancelled", "started", "not_yet_open", "closed"],
    )
    def test_closed_registration_answers_400(self, api_as, company_user, company, fields, code):
        make_event(**fields(timezone.now()))
        response = register(api_as, company_user, body={"company_id": company.pk})
        assert response.status_code == 400, response.content
        assert response.json()["code"] == code
        assert response.json()["detail"]
        assert not Registration.objects.exists()

    def test_a_draft_answers_404(self, api_as, company_user, company):
        make_event(status=EventStatus.DRAFT)
        assert register(api_as, company_user, body={"company_id": company.pk}).status_code == 404
        assert register(api_as, company_user, "a%00b", {"company_id": company.pk}).status_code == 404

    def test_per_company_limit(self, api_as, company_user, company):
        make_event(max_per_company=1)
        colleague = new_company_user("kollege@example.org", company=company)
        assert register(api_as, company_user, body={"company_id": company.pk}).status_code == 201
        response = register(api_as, colleague, body={"company_id": company.pk})
        assert response.status_code == 400 and response.json()["code"] == "company_limit"

    @pytest.mark.parametrize("role", ["anonymous", "consultant", "coordinator", "readonly", "competence"])
    def test_only_company_users_register(self, request, api_as, role):
        make_event()
        user = None
        if role == "competence":
            user = UserFactory(role=Role.COMPETENCE)
        elif role != "anonymous":
            user = request.getfixturevalue(role)
        response = register(api_as, user, body={"company_name": "X"})
        assert response.status_code == (401 if user is None else 403)
        assert "detail" in response.json()
        assert not Registration.objects.exists()

    @pytest.mark.parametrize(
        "raw",
        [
            "{not json",
            "[]",
            '"text"',
            json.dumps({"company_id": "1"}),
            json.dumps({"company_id": True}),
            json.dumps({"company_id": 0}),
            json.dumps({"company_id": 2**64}),
            json.dumps({"company_id": 1.5}),
            json.dumps({"company_name": "A\x00B"}),
            json.dumps({"company_name": "A" * 201}),
            json.dumps({"company_name": 7}),
            json.dumps({"function": "F" * 151}),
            json.dumps({"answers": ["yes"]}),
            json.dumps({"answers": {"q1": 5}}),
            json.dumps({"answers": {f"q{i}": "x" for i in range(11)}}),
            json.dumps({"answers": {"q1": "x" * 501}}),
            json.dumps({"email": "someone.else@example.org"}),
            json.dumps({"status": "registered"}),
        ],
    )
    def test_bad_input_is_400_or_422_never_500(self, api_as, company_user, raw):
        make_event(questions=[{"key": "q1", "label": "Frage", "kind": "text", "choices": [], "required": False}])
        response = api_as(company_user).post(f"{EVENTS}/energie-workshop/registrations", raw=raw)
        assert response.status_code in (400, 422), (raw, response.status_code, response.content)
        assert "detail" in response.json()
        assert not Registration.objects.exists()


# --- my registrations ----------------------------------------------------------------------------


class TestMyRegistrations:
    def test_only_my_own(self, api_as, company_user, company):
        make_event("eins")
        make_event("zwei", days=20)
        other = new_company_user("andere@example.org")
        register(api_as, company_user, "eins", {"company_id": company.pk})
        register(api_as, company_user, "zwei", {"company_id": company.pk})
        register(api_as, other, "eins", {"company_name": "Andere GmbH"})
        body = api_as(company_user).get(MINE).json()
        assert body["count"] == 2
        assert [r["event"]["slug"] for r in body["results"]] == ["zwei", "eins"]
        assert api_as(company_user).get(MINE, {"status": "waitlisted"}).json()["count"] == 0
        assert api_as(company_user).get(MINE, {"status": "bogus"}).status_code == 422

    def test_online_link_only_for_a_registered_participant(self, api_as, company_user, company):
        make_event(online=True, venue="", address="", online_url=SECRET_LINK, capacity=1)
        other = new_company_user("andere@example.org")
        assert register(api_as, other, body={"company_name": "Andere"}).json()["online_url"] == SECRET_LINK
        waiting = register(api_as, company_user, body={"company_id": company.pk}).json()
        assert waiting["status"] == "waitlisted" and waiting["online_url"] is None
        assert SECRET_LINK.encode() not in api_as(company_user).get(MINE).content

    def test_cancel_offers_the_seat_and_accept_takes_it(self, api_as, company_user, company):
        make_event(capacity=1)
        other = new_company_user("andere@example.org")
        mine = register(api_as, company_user, body={"company_id": company.pk}).json()
        waiting = register(api_as, other, body={"company_name": "Andere"}).json()
        assert waiting["status"] == "waitlisted"
        # Nobody else may touch my registration (404 as for an unknown id), and staff may not use it.
        assert api_as(other).post(f"{MINE}/{mine['id']}/cancel").status_code == 404
        response = api_as(company_user).post(f"{MINE}/{mine['id']}/cancel")
        assert response.status_code == 200 and response.json()["status"] == "cancelled"
        assert (
            api_as(company_user).post(f"{MINE}/{mine['id']}/cancel").json()["status"] == "cancelled"
        )  # again: unchanged
        offered = api_as(other).get(MINE).json()["results"][0]
        assert offered["status"] == "offered" and offered["offered_until"]
        accepted = api_as(other).post(f"{MINE}/{waiting['id']}/accept")
        assert accepted.status_code == 200 and accepted.json()["status"] == "registered"
        again = api_as(other).post(f"{MINE}/{waiting['id']}/accept")
        assert again.status_code == 400 and again.json()["code"] == "not_offered"

    @pytest.mark.parametrize("registration_id", ["0", "-1", "abc", str(2**63), "99999999999999999999"])
    def test_odd_ids_answer_404_or_422(self, api_as, company_user, registration_id):
        response = api_as(company_user).post(f"{MINE}/{registration_id}/cancel")
        assert response.status_code in (404, 422)

    @pytest.mark.parametrize("role", ["consultant", "coordinator"])
    def test_staff_have_no_registrations_here(self, request, api_as, role):
        assert api_as(request.getfixturevalue(role)).get(MINE).status_code == 403
        assert api_as(None).get(MINE).status_code == 401


# --- participant lists for staff ------------------------------------------------------------------


class TestParticipants:
    @pytest.fixture
    def event(self, company_user, company):
        event = make_event(capacity=1)
        Registration.objects.create(
            event=event,
            status=S.REGISTERED,
            email=company_user.email,
            first_name="Ina",
            last_name="Haber",
            company_name=company.name,
            company=company,
            user=company_user,
        )
        Registration.objects.create(
            event=event,
            status=S.WAITLISTED,
            email="w@example.org",
            first_name="Wanda",
            last_name="Warte",
            company_name="W GmbH",
        )
        Registration.objects.create(
            event=event,
            status=S.CANCELLED,
            email="c@example.org",
            first_name="Carl",
            last_name="Ab",
            company_name="C GmbH",
        )
        return event

    @pytest.mark.parametrize(("role", "status"), [
        ("consultant", 200), ("readonly", 200), ("coordinator", 200), ("other_consultant", 404),
        ("company_user", 403), ("anonymous", 401),
    ])  # fmt: skip
    def test_scoping(self, request, api_as, event, role, status):
        user = None if role == "anonymous" else request.getfixturevalue(role)
        response = api_as(user).get(f"{EVENTS}/{event.slug}/participants")
        assert response.status_code == status, response.content
        if status == 200:
            body = response.json()
            assert body["count"] == 3 and body["capacity"] == 1
            assert [r["email"] for r in body["results"]] == ["inhaberin@example.org", "w@example.org", "c@example.org"]
            assert body["status_counts"]["registered"] == 1 and body["status_counts"]["waitlisted"] == 1
        else:
            assert b"@example.org" not in response.content

    def test_co_organising_agency_sees_them(self, api_as, event, other_consultant):
        event.organisations.add(org("bochum"))
        assert api_as(other_consultant).get(f"{EVENTS}/{event.slug}/participants").status_code == 200

    def test_status_filter_and_pagination(self, api_as, event, consultant):
        client = api_as(consultant)
        body = client.get(f"{EVENTS}/{event.slug}/participants", {"status": "waitlisted"}).json()
        assert [r["last_name"] for r in body["results"]] == ["Warte"] and body["count"] == 1
        page = client.get(f"{EVENTS}/{event.slug}/participants", {"page_size": 2, "page": 2}).json()
        assert [r["last_name"] for r in page["results"]] == ["Ab"]
        for params in ({"status": "gone"}, {"page_size": 201}, {"page": 0}):
            assert client.get(f"{EVENTS}/{event.slug}/participants", params).status_code == 422

    def test_drafts_of_the_own_agency_only(self, api_as, consultant, other_consultant):
        make_event("entwurf", status=EventStatus.DRAFT)
        assert api_as(consultant).get(f"{EVENTS}/entwurf/participants").json()["count"] == 0
        assert api_as(other_consultant).get(f"{EVENTS}/entwurf/participants").status_code == 404
        assert api_as(consultant).get(f"{EVENTS}/{'x' * 200}/participants").status_code == 404
        assert api_as(consultant).get(f"{EVENTS}/gibtsnicht/participants").status_code == 404
        assert api_as(consultant).get(f"{EVENTS}/a%00b/participants").status_code == 404


def test_messages_follow_the_request_language(api_as, company_user, company):
    make_event(status=EventStatus.CANCELLED)
    client = api_as(company_user)
    german = client.post(f"{EVENTS}/energie-workshop/registrations", {"company_id": company.pk})
    assert german.status_code == 400
    english = client.client.post(
        f"{EVENTS}/energie-workshop/registrations", json.dumps({"company_id": company.pk}), content_type="application/json",
        headers={"Authorization": f"Bearer {client.token}", "Accept-Language": "en"},
    )  # fmt: skip
    assert english.json()["detail"] == "This event has been cancelled."
    assert english.json()["code"] == german.json()["code"] == "registration_cancelled"
    staff = api_as(UserFactory(role=Role.CONSULTANT, organisation=org("dortmund")))
    refused = staff.client.post(
        f"{EVENTS}/energie-workshop/registrations", "{}", content_type="application/json",
        headers={"Authorization": f"Bearer {staff.token}", "Accept-Language": "en"},
    )  # fmt: skip
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Registering for events through the API is open only to company users."
