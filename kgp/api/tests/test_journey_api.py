"""/api/v1/cases and /api/v1/activities: scoped like the backoffice (kgp.journey.access).

Cast (see the root conftest): consultant = Dortmund, other_consultant = Bochum, readonly = Dortmund
read-only staff, coordinator = network coordination. `case` belongs to the unshared Dortmund company,
`shared_case` to a Dortmund company that shares its data with the network, `bochum_case` to an
unshared Bochum company.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kgp.deminimis.models import AidGrant
from kgp.journey import services
from kgp.journey.models import Activity, ActivityAttachment, Case, StageChange
from kgp.requests.models import RequestStatus
from kgp.testing.factories import CompanyFactory, OfferFactory, RequestFactory, UserFactory, org

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases"
ACTIVITIES = "/api/v1/activities"
TODAY = timezone.localdate()
SECRET = "GEHEIM"

CASE_KEYS = {
    "id", "number", "company", "organisation", "consultant", "stage", "opened_at", "closed_at", "last_activity_on",
    "full_view", "can_edit", "goals", "request_id",
}  # fmt: skip
CASE_DETAIL_KEYS = CASE_KEYS | {"stage_history", "offers", "tasks"}
ACTIVITY_KEYS = {
    "id", "case_id", "case_number", "company", "kind", "kind_label", "module", "occurred_on", "author", "hours",
    "coach_kind", "offer", "created_at", "full_view", "summary", "notes", "situation", "needs", "next_steps", "topic",
    "coach_name", "milestone_title", "aid_grant", "attachments",
}  # fmt: skip
INTERNAL_ACTIVITY_FIELDS = (
    "summary", "notes", "situation", "needs", "next_steps", "topic", "coach_name", "milestone_title", "aid_grant",
    "attachments",
)  # fmt: skip


def case_url(case_id: int | str) -> str:
    return f"{CASES}/{case_id}"


def activity_url(activity_id: int | str) -> str:
    return f"{ACTIVITIES}/{activity_id}"


@pytest.fixture
def case(consultant, company):
    case = services.case_open(actor=consultant, company=company, goals=f"{SECRET}-ZIEL", offers=[OfferFactory(title="Energie")])
    services.task_create(actor=consultant, case=case, title=f"{SECRET}-AUFGABE", assignee=consultant, due_on=TODAY)
    return case


@pytest.fixture
def shared_case(consultant, shared_company):
    return services.case_open(actor=consultant, company=shared_company, goals=f"{SECRET}-ZIEL", offers=[OfferFactory()])


@pytest.fixture
def bochum_case(other_consultant, bochum_company):
    return services.case_open(actor=other_consultant, company=bochum_company, goals="Bochumer Ziele")


def _consultation(actor, case, **extra):
    data = dict(
        kind="initial_consultation", occurred_on=TODAY, situation=f"{SECRET}-LAGE", needs={"climate": f"{SECRET}-BEDARF"},
        next_steps=f"{SECRET}-SCHRITTE", notes=f"{SECRET}-NOTIZ",
    )  # fmt: skip
    return services.activity_add(actor=actor, case=case, **(data | extra))


def _attach(activity: Activity) -> ActivityAttachment:
    return ActivityAttachment.objects.create(
        activity=activity, file="activities/test", original_name=f"{SECRET}-Protokoll.pdf", content_type="application/pdf", size=1234,
        sha256="0" * 64,
    )  # fmt: skip


def _grant(activity: Activity, actor) -> AidGrant:
    grant = AidGrant.objects.create(
        company=activity.company, granted_on=TODAY, value_eur=Decimal("1500.00"), purpose="Coaching",
        organisation=org("dortmund"), consultant=actor, certificate_number="DM-TEST-00001",
    )  # fmt: skip
    activity.aid_grant = grant
    activity.save(update_fields=["aid_grant"])
    return grant


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- reading cases: scoping -------------------------------------------------------------------


def test_consultant_lists_own_and_shared_cases(api_as, consultant, case, shared_case, bochum_case):
    body = api_as(consultant).get(CASES).json()
    assert body["count"] == 2 and body["page"] == 1 and body["page_size"] == 50
    assert {row["id"] for row in body["results"]} == {case.pk, shared_case.pk}
    row = next(r for r in body["results"] if r["id"] == case.pk)
    assert set(row) == CASE_KEYS
    assert row["full_view"] is True and row["can_edit"] is True and row["goals"] == f"{SECRET}-ZIEL"
    assert row["stage"]["key"] == "first_contact" and row["organisation"]["key"] == "dortmund"
    assert row["consultant"] == {"id": consultant.pk, "name": str(consultant)}
    assert row["company"] == {"id": case.company_id, "name": "Stahlbau Beispiel GmbH"}


def test_other_agency_reads_shared_case_without_internals(api_as, other_consultant, case, shared_case, bochum_case):
    client = api_as(other_consultant)
    assert _ids(client.get(CASES)) == {shared_case.pk, bochum_case.pk}
    response = client.get(case_url(shared_case.pk))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == CASE_DETAIL_KEYS
    assert body["full_view"] is False and body["can_edit"] is False
    assert body["goals"] is None and body["tasks"] is None and body["request_id"] is None
    assert len(body["offers"]) == 1 and body["stage_history"][0]["to_stage"] == "first_contact"
    assert SECRET not in response.content.decode()


def test_other_agency_gets_404_for_unshared_case(api_as, consultant, other_consultant, case, bochum_case):
    assert api_as(other_consultant).get(case_url(case.pk)).status_code == 404
    response = api_as(consultant).get(case_url(bochum_case.pk))
    # The same body as for an id that does not exist.
    assert response.status_code == 404 and response.json() == api_as(consultant).get(case_url(999999)).json()
    assert set(response.json()) == {"detail"}


def test_detail_with_history_offers_and_tasks(api_as, consultant, case):
    services.case_move_stage(actor=consultant, case=case, stage="initial_consultation")
    body = api_as(consultant).get(case_url(case.pk)).json()
    assert set(body) == CASE_DETAIL_KEYS and body["number"] == case.number
    history = body["stage_history"]
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [
        (None, "first_contact"),
        ("first_contact", "initial_consultation"),
    ]
    assert all(h["changed_by"] == {"id": consultant.pk, "name": str(consultant)} and h["changed_at"] for h in history)
    assert [o["title"] for o in body["offers"]] == ["Energie"] and set(body["offers"][0]) == {"id", "slug", "title", "module"}
    assert [t["title"] for t in body["tasks"]] == [f"{SECRET}-AUFGABE"]
    assert body["tasks"][0]["assignee"]["id"] == consultant.pk


def test_coordinator_sees_every_case(api_as, coordinator, case, shared_case, bochum_case, outside_company):
    outside = services.case_open(actor=coordinator, company=outside_company)
    client = api_as(coordinator)
    assert _ids(client.get(CASES)) == {case.pk, shared_case.pk, bochum_case.pk, outside.pk}
    body = client.get(case_url(bochum_case.pk)).json()
    assert body["full_view"] is True and body["can_edit"] is True and body["goals"] == "Bochumer Ziele"


def test_readonly_reads_but_never_writes(api_as, readonly, consultant, case, company):
    client = api_as(readonly)
    body = client.get(case_url(case.pk)).json()
    assert body["full_view"] is True and body["can_edit"] is False and body["goals"] == f"{SECRET}-ZIEL"
    writes = [
        client.post(CASES, {"company_id": company.pk}),
        client.patch(case_url(case.pk), {"goals": "x"}),
        client.post(f"{case_url(case.pk)}/stage", {"stage": "closed"}),
        client.post(ACTIVITIES, {"case_id": case.pk, "kind": "phone", "occurred_on": TODAY.isoformat(), "summary": "x"}),
    ]
    assert [r.status_code for r in writes] == [403, 403, 403, 403]
    assert all(r.json()["detail"] for r in writes)
    case.refresh_from_db()
    assert case.stage.key == "first_contact" and case.goals == f"{SECRET}-ZIEL" and not case.activities.exists()


def test_other_agency_may_not_change_a_shared_case(api_as, other_consultant, shared_case, case):
    client = api_as(other_consultant)
    assert client.patch(case_url(shared_case.pk), {"goals": "x"}).status_code == 403
    assert client.post(f"{case_url(shared_case.pk)}/stage", {"stage": "closed"}).status_code == 403
    body = {"case_id": shared_case.pk, "kind": "phone", "occurred_on": TODAY.isoformat(), "summary": "x"}
    assert client.post(ACTIVITIES, body).status_code == 403
    # The unshared case is invisible: 404, never 403.
    assert client.patch(case_url(case.pk), {"goals": "x"}).status_code == 404
    assert client.post(f"{case_url(case.pk)}/stage", {"stage": "closed"}).status_code == 404
    response = client.post(ACTIVITIES, body | {"case_id": case.pk})
    assert response.status_code == 404 and response.json()["field"] == "case_id"


def test_company_user_and_anonymous_are_refused(api_as, company_user, case):
    for path in (CASES, case_url(case.pk), ACTIVITIES):
        assert api_as(company_user).get(path).status_code == 403
        response = api_as(None).get(path)
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_cases_of_merged_companies_are_invisible(api_as, coordinator, case, company):
    company.is_active = False
    company.save(update_fields=["is_active"])
    client = api_as(coordinator)
    assert client.get(case_url(case.pk)).status_code == 404
    assert case.pk not in _ids(client.get(CASES))


# --- list filters and pagination --------------------------------------------------------------


def test_case_filters(api_as, consultant, coordinator, case, shared_case, bochum_case):
    services.case_move_stage(actor=consultant, case=shared_case, stage="closed")
    client = api_as(coordinator)
    assert _ids(client.get(CASES, {"stage": "closed"})) == {shared_case.pk}
    assert _ids(client.get(CASES, {"status": "closed"})) == {shared_case.pk}
    assert _ids(client.get(CASES, {"status": "open"})) == {case.pk, bochum_case.pk}
    assert _ids(client.get(CASES, {"consultant": consultant.pk})) == {case.pk, shared_case.pk}
    assert _ids(client.get(CASES, {"company": case.company_id})) == {case.pk}
    assert _ids(client.get(CASES, {"organisation": "bochum"})) == {bochum_case.pk}
    # A consultant filtering by a company they cannot see gets nothing, not an error.
    assert _ids(api_as(consultant).get(CASES, {"company": bochum_case.company_id})) == set()


def test_case_pagination(api_as, coordinator, case, shared_case, bochum_case):
    body = api_as(coordinator).get(CASES, {"page": 2, "page_size": 2}).json()
    assert body["count"] == 3 and body["page"] == 2 and body["page_size"] == 2 and len(body["results"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"stage": "nonsense"}, "stage"),
        ({"organisation": "nowhere"}, "organisation"),
        ({"status": "maybe"}, "status"),
        ({"consultant": "abc"}, "consultant"),
        ({"company": "0"}, "company"),
        ({"company": str(2**70)}, "company"),
        ({"page_size": "500"}, "page_size"),
    ],
)
def test_bad_case_filters_answer_422(api_as, consultant, params, field):
    response = api_as(consultant).get(CASES, params)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] and [e["field"] for e in body["errors"]] == [field]


def test_unknown_stage_filter_lists_the_stages(api_as, consultant):
    body = api_as(consultant).get(CASES, {"stage": "nonsense"}).json()
    assert "first_contact" in body["errors"][0]["message"] and "closed" in body["errors"][0]["message"]


def test_bad_case_ids_in_the_path(api_as, consultant):
    client = api_as(consultant)
    assert client.get(case_url("abc")).status_code == 422
    assert client.get(case_url(2**70)).status_code in (404, 422)
    assert client.get(activity_url("abc")).status_code == 422
    assert client.get(activity_url(2**70)).status_code in (404, 422)


def _make_cases(actor, n: int) -> None:
    for i in range(n):
        company = CompanyFactory(name=f"Betrieb {i:03d} GmbH", postcode="44139")
        case = services.case_open(actor=actor, company=company, goals="Ziele")
        services.activity_add(actor=actor, case=case, kind="phone", occurred_on=TODAY, summary="Anruf")


def test_case_list_needs_a_constant_number_of_queries(api_as, consultant):
    client = api_as(consultant)
    client.get(CASES)  # first use of the token records last_used_at (one UPDATE)
    counts = {}
    for n in (1, 30):
        Case.objects.all().delete()
        _make_cases(consultant, n)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(CASES, {"page_size": 100})
        assert len(response.json()["results"]) == n
        counts[n] = len(ctx.captured_queries)
    assert counts[1] == counts[30]


def test_activity_list_needs_a_constant_number_of_queries(api_as, consultant, django_assert_max_num_queries):
    client = api_as(consultant)
    client.get(ACTIVITIES)
    counts = {}
    for n in (1, 30):
        Case.objects.all().delete()
        _make_cases(consultant, n)
        for activity in Activity.objects.all():
            _attach(activity)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(ACTIVITIES, {"page_size": 100})
        assert len(response.json()["results"]) == n
        assert all(len(row["attachments"]) == 1 for row in response.json()["results"])
        counts[n] = len(ctx.captured_queries)
    assert counts[1] == counts[30]
    with django_assert_max_num_queries(4):  # token, count, page with joins, attachments
        client.get(ACTIVITIES, {"page_size": 200, "kind": "phone"})


def test_case_detail_needs_few_queries(api_as, consultant, case, django_assert_max_num_queries):
    client = api_as(consultant)
    client.get(case_url(case.pk))
    with django_assert_max_num_queries(5):  # token, case, history, offers, tasks
        assert client.get(case_url(case.pk)).status_code == 200


# --- opening a case ---------------------------------------------------------------------------


def test_consultant_opens_a_case(api_as, consultant, company):
    offers = [OfferFactory(title="B-Angebot"), OfferFactory(title="A-Angebot")]
    payload = {"company_id": company.pk, "goals": "  Energie sparen ", "offer_ids": [o.pk for o in offers] * 2}
    response = api_as(consultant).post(CASES, payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == CASE_DETAIL_KEYS
    assert body["goals"] == "Energie sparen" and body["consultant"]["id"] == consultant.pk
    assert body["organisation"]["key"] == "dortmund" and body["stage"]["key"] == "first_contact"
    assert [o["title"] for o in body["offers"]] == ["A-Angebot", "B-Angebot"]
    assert body["stage_history"][0]["changed_by"]["id"] == consultant.pk
    case = Case.objects.get(pk=body["id"])
    assert case.company == company and case.created_by == consultant


def test_coordinator_opens_a_case_from_a_request(api_as, coordinator, consultant, company):
    req = RequestFactory(company=company)
    client = api_as(coordinator)
    response = client.post(CASES, {"company_id": company.pk, "request_id": req.pk, "consultant_id": consultant.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["request_id"] == req.pk and body["consultant"]["id"] == consultant.pk
    assert {o["id"] for o in body["offers"]} == set(req.items.values_list("offer_id", flat=True))
    req.refresh_from_db()
    assert req.status == RequestStatus.IN_PROGRESS
    again = client.post(CASES, {"company_id": company.pk, "request_id": req.pk})
    assert again.status_code == 400
    assert again.json() == {"detail": again.json()["detail"], "field": "request_id", "code": "case_exists"}


def test_open_case_for_invisible_or_shared_company(api_as, other_consultant, company, shared_company):
    client = api_as(other_consultant)
    response = client.post(CASES, {"company_id": company.pk})
    assert response.status_code == 404 and response.json()["field"] == "company_id"
    assert client.post(CASES, {"company_id": 999999}).status_code == 404
    assert client.post(CASES, {"company_id": shared_company.pk}).status_code == 403
    assert not Case.objects.exists()


def test_open_case_from_invisible_request(api_as, consultant, company, bochum_company):
    req = RequestFactory(company=bochum_company)
    response = api_as(consultant).post(CASES, {"company_id": company.pk, "request_id": req.pk})
    assert response.status_code == 404 and response.json()["field"] == "request_id"
    assert not Case.objects.exists()


def test_open_case_with_request_of_another_company(api_as, consultant, company):
    req = RequestFactory(company=CompanyFactory(name="Andere GmbH", postcode="44139"))
    response = api_as(consultant).post(CASES, {"company_id": company.pk, "request_id": req.pk})
    assert response.status_code == 400 and response.json()["field"] == "request_id"


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"consultant_id": "other"}, 400, "consultant_id"),
        ({"consultant_id": 999999}, 400, "consultant_id"),
        ({"offer_ids": [999999]}, 400, "offer_ids"),
        ({"goals": "x" * 5001}, 422, "goals"),
        ({"company_id": "abc"}, 422, "company_id"),
        ({"company_id": 2**70}, 422, "company_id"),
        ({"company_id": True}, 422, "company_id"),
        ({"company_id": 1.0}, 422, "company_id"),
        ({"unknown": 1}, 422, "unknown"),
    ],
)
def test_open_case_validation(api_as, consultant, other_consultant, company, payload, status, field):
    if payload.get("consultant_id") == "other":
        payload = {"consultant_id": other_consultant.pk}
    response = api_as(consultant).post(CASES, {"company_id": company.pk} | payload)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"]
    assert (body["field"] if status == 400 else body["errors"][0]["field"]) == field
    assert not Case.objects.exists()


def test_open_case_without_body_or_with_broken_json(api_as, consultant):
    client = api_as(consultant)
    assert client.post(CASES, raw="{").status_code == 400
    response = client.post(CASES, raw="")
    assert response.status_code in (400, 422) and response.json()["detail"]


# --- moving and changing a case ---------------------------------------------------------------


def test_move_stage_records_the_change(api_as, consultant, case):
    client = api_as(consultant)
    response = client.post(f"{case_url(case.pk)}/stage", {"stage": "initial_consultation"})
    assert response.status_code == 200, response.content
    assert response.json()["stage"]["key"] == "initial_consultation"
    assert [h["to_stage"] for h in response.json()["stage_history"]] == ["first_contact", "initial_consultation"]
    closed = client.post(f"{case_url(case.pk)}/stage", {"stage": "closed"}).json()
    assert closed["closed_at"] is not None and closed["stage"]["is_closed"] is True
    reopened = client.post(f"{case_url(case.pk)}/stage", {"stage": "support"}).json()
    assert reopened["closed_at"] is None
    assert StageChange.objects.filter(case=case).count() == 4


def test_move_to_an_unknown_stage(api_as, consultant, case):
    response = api_as(consultant).post(f"{case_url(case.pk)}/stage", {"stage": "nonsense"})
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "stage" and body["code"] == "unknown_stage" and "initial_consultation" in body["detail"]
    assert api_as(consultant).post(f"{case_url(case.pk)}/stage", {}).status_code == 422
    assert api_as(consultant).post(f"{case_url(case.pk)}/stage", {"stage": ""}).status_code == 422


def test_patch_changes_only_the_fields_sent(api_as, consultant, coordinator, case):
    client = api_as(consultant)
    body = client.patch(case_url(case.pk), {"goals": "Neue Ziele"}).json()
    assert body["goals"] == "Neue Ziele" and body["consultant"]["id"] == consultant.pk
    body = client.patch(case_url(case.pk), {"consultant_id": coordinator.pk}).json()
    assert body["goals"] == "Neue Ziele" and body["consultant"]["id"] == coordinator.pk
    body = client.patch(case_url(case.pk), {"consultant_id": None}).json()
    assert body["consultant"] is None and body["goals"] == "Neue Ziele"


def test_patch_validation(api_as, consultant, other_consultant, case):
    client = api_as(consultant)
    response = client.patch(case_url(case.pk), {"consultant_id": other_consultant.pk})
    assert response.status_code == 400 and response.json()["field"] == "consultant_id"
    assert client.patch(case_url(case.pk), {"goals": None}).status_code == 422
    assert client.patch(case_url(case.pk), {"stage": "closed"}).status_code == 422
    case.refresh_from_db()
    assert case.consultant == consultant and case.goals == f"{SECRET}-ZIEL"


# --- activities -------------------------------------------------------------------------------


def test_record_a_phone_call(api_as, consultant, case):
    payload = {"case_id": case.pk, "kind": "phone", "occurred_on": TODAY.isoformat(), "summary": "Rückruf", "notes": "Notiz"}
    response = api_as(consultant).post(ACTIVITIES, payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == ACTIVITY_KEYS
    assert body["kind"] == "phone" and body["module"] == "inform" and body["summary"] == "Rückruf"
    assert body["author"]["id"] == consultant.pk and body["case_number"] == case.number
    assert body["attachments"] == [] and body["aid_grant"] is None and body["full_view"] is True


def test_record_an_initial_consultation(api_as, consultant, case):
    payload = {
        "case_id": case.pk, "kind": "initial_consultation", "occurred_on": TODAY.isoformat(), "situation": "Lage",
        "needs": {"climate": "Energieaudit", "talent": "Fachkräfte"}, "next_steps": "Coaching",
    }  # fmt: skip
    body = api_as(consultant).post(ACTIVITIES, payload).json()
    assert body["needs"] == {"climate": "Energieaudit", "talent": "Fachkräfte"} and body["next_steps"] == "Coaching"


def test_record_a_coaching_session(api_as, consultant, case):
    offer = OfferFactory(title="Coaching Energie")
    payload = {
        "case_id": case.pk, "kind": "coaching", "occurred_on": TODAY.isoformat(), "hours": "1.5",
        "coach_kind": "external", "coach_name": "Dr. Beispiel", "topic": "Druckluft", "offer_id": offer.pk, "module": "transfer",
    }  # fmt: skip
    response = api_as(consultant).post(ACTIVITIES, payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["hours"] == "1.50" and body["coach_kind"] == "external" and body["coach_name"] == "Dr. Beispiel"
    assert body["offer"]["id"] == offer.pk and body["module"] == "transfer"


@pytest.mark.parametrize(
    ("extra", "status", "field"),
    [
        ({"kind": "visit"}, 422, "kind"),
        ({"module": "nonsense"}, 422, "module"),
        ({"occurred_on": "2025-13-01"}, 422, "occurred_on"),
        ({"occurred_on": "gestern"}, 422, "occurred_on"),
        ({"occurred_on": (TODAY + dt.timedelta(days=1)).isoformat()}, 400, "occurred_on"),
        ({"summary": ""}, 400, "summary"),
        ({"hours": "2"}, 422, "hours"),
        ({"milestone_title": "x"}, 422, "milestone_title"),
        ({"kind": "coaching", "hours": "abc", "coach_kind": "internal", "topic": "t"}, 422, "hours"),
        ({"kind": "coaching", "hours": "0", "coach_kind": "internal", "topic": "t"}, 400, "hours"),
        ({"kind": "coaching", "hours": "2", "coach_kind": "external", "topic": "t"}, 400, "coach_name"),
        ({"kind": "coaching", "hours": "2", "coach_kind": "internal", "topic": "t", "offer_id": 999999}, 400, "offer_id"),
        ({"kind": "initial_consultation", "summary": "", "needs": {"climate": "x"}, "next_steps": "y"}, 400, "situation"),
        (
            {"kind": "initial_consultation", "situation": "s", "needs": {"weather": "x"}, "next_steps": "y"},
            422,
            "needs.weather.[key]",
        ),
        ({"kind": "initial_consultation", "situation": "s", "next_steps": "y"}, 400, "needs"),
        ({"kind": "milestone"}, 400, "milestone_title"),
        ({"case_id": "abc"}, 422, "case_id"),
        ({"case_id": 999999}, 404, "case_id"),
        ({"deminimis_value": "-1"}, 422, "deminimis_value"),
        ({"deminimis_value": "abc"}, 422, "deminimis_value"),
        ({"attachments": []}, 422, "attachments"),
    ],
)
def test_activity_validation(api_as, consultant, case, extra, status, field):
    payload = {"case_id": case.pk, "kind": "phone", "occurred_on": TODAY.isoformat(), "summary": "Anruf"} | extra
    response = api_as(consultant).post(ACTIVITIES, payload)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"]
    found = body.get("field") if status in (400, 404) else body["errors"][0]["field"]
    assert found == field, body
    assert not Activity.objects.exists()


def test_fields_of_another_kind_are_named(api_as, consultant, case):
    payload = {"case_id": case.pk, "kind": "phone", "occurred_on": TODAY.isoformat(), "summary": "x", "hours": 2, "topic": "t"}
    body = api_as(consultant).post(ACTIVITIES, payload).json()
    assert [e["field"] for e in body["errors"]] == ["hours", "topic"]
    assert all("phone" in e["message"] for e in body["errors"])
    # Empty values of other kinds' fields are taken as not sent.
    empty = {"hours": None, "topic": "", "needs": None, "offer_id": None, "milestone_title": ""}
    assert api_as(consultant).post(ACTIVITIES, payload | empty).status_code == 201


def test_service_error_body(api_as, consultant, case):
    payload = {"case_id": case.pk, "kind": "milestone", "occurred_on": TODAY.isoformat()}
    response = api_as(consultant).post(ACTIVITIES, payload)
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "field", "code"} and response.json()["code"] == "invalid"


def test_activity_with_deminimis_value_grants_aid(api_as, consultant, case, company):
    # Needs journey.services.activity_add(deminimis_value=…, override_reason=…).
    offer = OfferFactory(is_de_minimis=True, de_minimis_value=Decimal("2400"))
    payload = {
        "case_id": case.pk, "kind": "coaching", "occurred_on": TODAY.isoformat(), "hours": 3, "coach_kind": "internal",
        "topic": "Druckluft", "offer_id": offer.pk, "deminimis_value": "1250.50",
    }  # fmt: skip
    response = api_as(consultant).post(ACTIVITIES, payload)
    assert response.status_code == 201, response.content
    aid = AidGrant.objects.get(company=company)
    assert aid.value_eur == Decimal("1250.50") and Activity.objects.get().aid_grant == aid
    assert response.json()["aid_grant"] == {
        "certificate_number": aid.certificate_number, "value_eur": "1250.50", "granted_on": TODAY.isoformat(),
    }  # fmt: skip


def test_deminimis_ceiling_needs_the_coordination_with_a_reason(api_as, consultant, coordinator, case):
    # Needs journey.services.activity_add(deminimis_value=…, override_reason=…).
    payload = {
        "case_id": case.pk, "kind": "meeting", "occurred_on": TODAY.isoformat(), "summary": "Großprojekt",
        "deminimis_value": 300000.01,
    }  # fmt: skip
    refused = api_as(consultant).post(ACTIVITIES, payload)
    assert refused.status_code == 400 and refused.json()["field"] == "deminimis_value"
    assert api_as(coordinator).post(ACTIVITIES, payload).status_code == 400
    granted = api_as(coordinator).post(ACTIVITIES, payload | {"override_reason": "Entscheidung der Koordination"})
    assert granted.status_code == 201, granted.content
    assert granted.json()["aid_grant"]["value_eur"] == "300000.01"
    assert AidGrant.objects.get().exceeds_ceiling is True
    assert Activity.objects.count() == 1


def test_activities_are_scoped_like_cases(api_as, consultant, other_consultant, coordinator, case, shared_case, bochum_case):
    own = _consultation(consultant, case)
    shared = _consultation(consultant, shared_case)
    _attach(shared)
    _grant(shared, consultant)
    bochum = services.activity_add(actor=other_consultant, case=bochum_case, kind="phone", occurred_on=TODAY, summary="B")
    assert _ids(api_as(consultant).get(ACTIVITIES)) == {own.pk, shared.pk}
    assert _ids(api_as(other_consultant).get(ACTIVITIES)) == {shared.pk, bochum.pk}
    assert _ids(api_as(coordinator).get(ACTIVITIES)) == {own.pk, shared.pk, bochum.pk}
    assert api_as(other_consultant).get(activity_url(own.pk)).status_code == 404
    assert api_as(consultant).get(activity_url(bochum.pk)).status_code == 404
    invisible = api_as(consultant).get(activity_url(bochum.pk)).json()
    assert invisible == api_as(consultant).get(activity_url(999999)).json() and set(invisible) == {"detail"}


def test_shared_activity_without_internals(api_as, consultant, other_consultant, shared_case):
    activity = _consultation(consultant, shared_case)
    _attach(activity)
    grant = _grant(activity, consultant)
    full = api_as(consultant).get(activity_url(activity.pk)).json()
    assert full["full_view"] is True and full["notes"] == f"{SECRET}-NOTIZ" and full["needs"] == {"climate": f"{SECRET}-BEDARF"}
    assert full["aid_grant"] == {
        "certificate_number": grant.certificate_number,
        "value_eur": "1500.00",
        "granted_on": TODAY.isoformat(),
    }
    assert full["attachments"][0] | {"uploaded_at": None} == {
        "id": activity.attachments.get().pk, "original_name": f"{SECRET}-Protokoll.pdf", "size": 1234, "content_type": "application/pdf",
        "uploaded_at": None,
    }  # fmt: skip
    response = api_as(other_consultant).get(activity_url(activity.pk))
    body = response.json()
    assert body["full_view"] is False and body["kind"] == "initial_consultation" and body["occurred_on"] == TODAY.isoformat()
    assert all(body[name] is None for name in INTERNAL_ACTIVITY_FIELDS)
    assert SECRET not in response.content.decode()
    listed = api_as(other_consultant).get(ACTIVITIES).json()["results"]
    assert listed[0]["notes"] is None and listed[0]["attachments"] is None


def test_activity_filters(api_as, consultant, coordinator, case, shared_case):
    old = services.activity_add(
        actor=consultant, case=case, kind="meeting", occurred_on=TODAY - dt.timedelta(days=30), summary="Alt", module="connect"
    )
    new = _consultation(consultant, case)
    other = services.activity_add(actor=consultant, case=shared_case, kind="phone", occurred_on=TODAY, summary="x")
    client = api_as(coordinator)
    body = client.get(ACTIVITIES).json()
    assert body["count"] == 3 and [row["id"] for row in body["results"]][-1] == old.pk
    assert _ids(client.get(ACTIVITIES, {"case": case.pk})) == {old.pk, new.pk}
    assert _ids(client.get(ACTIVITIES, {"company": shared_case.company_id})) == {other.pk}
    assert _ids(client.get(ACTIVITIES, {"kind": "initial_consultation"})) == {new.pk}
    assert _ids(client.get(ACTIVITIES, {"module": "connect"})) == {old.pk}
    assert _ids(client.get(ACTIVITIES, {"from": (TODAY - dt.timedelta(days=1)).isoformat()})) == {new.pk, other.pk}
    assert _ids(client.get(ACTIVITIES, {"to": (TODAY - dt.timedelta(days=1)).isoformat()})) == {old.pk}
    assert _ids(client.get(ACTIVITIES, {"from": TODAY.isoformat(), "to": TODAY.isoformat(), "case": case.pk})) == {new.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "visit"}, "kind"),
        ({"module": "x"}, "module"),
        ({"from": "2025-02-30"}, "from"),
        ({"to": "morgen"}, "to"),
        ({"from": "2025-03-02", "to": "2025-03-01"}, "from"),
        ({"case": "abc"}, "case"),
        ({"company": "-1"}, "company"),
    ],
)
def test_bad_activity_filters_answer_422(api_as, consultant, params, field):
    response = api_as(consultant).get(ACTIVITIES, params)
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_messages_follow_the_requested_language(api_as, consultant, case):
    client = api_as(consultant)
    headers = {**client._headers(), "Accept-Language": "en"}
    body = client.client.post(
        ACTIVITIES, {"case_id": case.pk, "kind": "milestone", "occurred_on": TODAY.isoformat()},
        content_type="application/json", headers=headers,
    ).json()  # fmt: skip
    assert body["detail"] == "Please enter the milestone."


def test_consultant_of_another_agency_cannot_be_assigned(api_as, coordinator, case):
    outsider = UserFactory(role="consultant", organisation=org("hagen"))
    response = api_as(coordinator).patch(case_url(case.pk), {"consultant_id": outsider.pk})
    assert response.status_code == 400 and response.json()["field"] == "consultant_id"
