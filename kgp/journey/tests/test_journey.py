import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kgp.companies.models import Topic
from kgp.core.errors import ServiceError
from kgp.core.models import AuditLogEntry
from kgp.journey import access, queries, services
from kgp.journey.models import Activity, Case, Stage, StageChange, Task
from kgp.requests.models import RequestStatus
from kgp.testing.factories import CompanyFactory, OfferFactory, RequestFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def case(consultant, company):
    return services.case_open(actor=consultant, company=company, goals="Energiekosten senken")


def _consultation(actor, case, **extra):
    data = dict(
        kind="initial_consultation", occurred_on=TODAY, situation="Hohe Energiekosten",
        needs={"climate": "Energieaudit"}, next_steps="Coaching anbieten", notes="GEHEIM-NOTIZ",
    )  # fmt: skip
    return services.activity_add(actor=actor, case=case, **(data | extra))


def test_seven_stages_are_data():
    keys = list(Stage.objects.order_by("order").values_list("key", flat=True))
    assert keys == ["first_contact", "initial_consultation", "support", "connecting", "exchange", "transfer", "closed"]
    assert list(Stage.objects.filter(is_closed=True).values_list("key", flat=True)) == ["closed"]


def test_case_open_records_first_stage_and_audit(case, consultant, company):
    assert case.organisation == company.responsible_partner and case.consultant == consultant
    assert case.stage.key == "first_contact"
    assert StageChange.objects.get(case=case).from_stage is None
    assert AuditLogEntry.objects.filter(object_type="journey.case", company=company, action="create").exists()


def test_case_open_from_request_copies_offers_and_moves_request(consultant, company):
    req = RequestFactory(company=company)
    offers = set(req.items.values_list("offer_id", flat=True))
    assert offers
    case = services.case_open(actor=consultant, company=company, request=req)
    assert set(case.offers.values_list("pk", flat=True)) == offers
    req.refresh_from_db()
    assert req.status == RequestStatus.IN_PROGRESS
    with pytest.raises(ServiceError) as exc:
        services.case_open(actor=consultant, company=company, request=req)
    assert exc.value.code == "case_exists"


def test_case_open_refuses_consultant_of_other_agency(consultant, other_consultant, company):
    with pytest.raises(ServiceError) as exc:
        services.case_open(actor=consultant, company=company, consultant=other_consultant)
    assert exc.value.field == "consultant"
    assert not Case.objects.exists()


def test_stage_history(case, consultant):
    services.case_move_stage(actor=consultant, case=case, stage="initial_consultation")
    services.case_move_stage(actor=consultant, case=case, stage="initial_consultation")  # no change
    case = services.case_move_stage(actor=consultant, case=case, stage="closed")
    assert case.closed_at is not None
    history = list(case.stage_changes.values_list("from_stage__key", "to_stage__key", "changed_by"))
    assert history == [
        (None, "first_contact", consultant.pk),
        ("first_contact", "initial_consultation", consultant.pk),
        ("initial_consultation", "closed", consultant.pk),
    ]
    case = services.case_move_stage(actor=consultant, case=case, stage="support")
    assert case.closed_at is None
    with pytest.raises(ServiceError):
        services.case_move_stage(actor=consultant, case=case, stage="nonsense")


def test_activity_kinds_are_validated(case, consultant):
    a = _consultation(consultant, case)
    assert a.module == "inform" and a.company_id == case.company_id and a.needs == {"climate": "Energieaudit"}
    bad = [
        dict(kind="initial_consultation", occurred_on=TODAY, situation="x", needs={}, next_steps="y"),
        dict(kind="initial_consultation", occurred_on=TODAY, situation="x", needs={"unknown": "z"}, next_steps="y"),
        dict(kind="coaching", occurred_on=TODAY, hours="0", coach_kind="internal", topic="KI"),
        dict(kind="coaching", occurred_on=TODAY, hours="2", coach_kind="external", topic="KI"),
        dict(kind="coaching", occurred_on=TODAY, hours="2", coach_kind="", topic="KI"),
        dict(kind="phone", occurred_on=TODAY),
        dict(kind="milestone", occurred_on=TODAY),
        dict(kind="phone", occurred_on=TODAY + dt.timedelta(days=1), summary="x"),
        dict(kind="phone", occurred_on=TODAY, summary="x", module="nonsense"),
        dict(kind="nonsense", occurred_on=TODAY, summary="x"),
    ]
    for data in bad:
        with pytest.raises(ServiceError):
            services.activity_add(actor=consultant, case=case, **data)
    assert Activity.objects.count() == 1
    c = services.activity_add(
        actor=consultant, case=case, kind="coaching", occurred_on=TODAY, hours="1,5", coach_kind="external",
        coach_name="Dr. Beispiel", topic="KI in der Fertigung", offer=OfferFactory(topics=["energy"]),
    )  # fmt: skip
    assert c.hours == Decimal("1.5") and c.module == "coach"
    m = services.activity_add(actor=consultant, case=case, kind="milestone", occurred_on=TODAY, milestone_title="Projektstart")
    assert m.module == "transfer"


def test_activity_moves_last_activity_forward_only(case, consultant):
    Case.objects.filter(pk=case.pk).update(last_activity_on=TODAY - dt.timedelta(days=10))
    services.activity_add(actor=consultant, case=case, kind="phone", occurred_on=TODAY - dt.timedelta(days=20), summary="alt")
    case.refresh_from_db()
    assert case.last_activity_on == TODAY - dt.timedelta(days=10)
    services.activity_add(actor=consultant, case=case, kind="email", occurred_on=TODAY, summary="neu")
    case.refresh_from_db()
    assert case.last_activity_on == TODAY


def test_tasks(case, consultant, other_consultant):
    task = services.task_create(actor=consultant, case=case, title="Angebot schicken", assignee=consultant, due_on=TODAY)
    assert task.company_id == case.company_id
    with pytest.raises(ServiceError) as exc:
        services.task_create(actor=consultant, case=case, title="x", assignee=other_consultant, due_on=TODAY)
    assert exc.value.field == "assignee"
    with pytest.raises(ServiceError):
        services.task_create(actor=consultant, case=case, title="  ", assignee=consultant, due_on=TODAY)
    task = services.task_done(actor=consultant, task=task)
    assert task.done_at is not None
    assert Task.objects.count() == 1


def test_access_rules(case, consultant, other_consultant, readonly, coordinator, company):
    assert set(access.cases_for_staff(other_consultant)) == set()
    company.network_sharing = True
    company.save()
    assert list(access.cases_for_staff(other_consultant)) == [case]
    assert not access.full_view(other_consultant, case) and not access.can_edit_case(other_consultant, case)
    assert access.full_view(readonly, case) and not access.can_edit_case(readonly, case)
    assert access.can_edit_case(coordinator, case) and access.can_edit_case(consultant, case)


def test_case_page_of_shared_company_hides_internal_texts(client, case, consultant, other_consultant, company):
    _consultation(consultant, case)
    services.task_create(actor=consultant, case=case, title="AUFGABE-INTERN", assignee=consultant, due_on=TODAY)
    url = reverse("backoffice:case_detail", args=[case.pk])
    client.force_login(consultant)
    body = client.get(url).content.decode()
    assert "GEHEIM-NOTIZ" in body and "Energieaudit" in body and "AUFGABE-INTERN" in body
    client.force_login(other_consultant)
    assert client.get(url).status_code == 404
    company.network_sharing = True
    company.save()
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    for secret in ("GEHEIM-NOTIZ", "Energieaudit", "Hohe Energiekosten", "Coaching anbieten", "AUFGABE-INTERN", "Energiekosten senken"):
        assert secret not in body, secret
    assert client.post(reverse("backoffice:case_stage", args=[case.pk]), {"stage": "closed"}).status_code == 403
    assert client.post(reverse("backoffice:activity_create", args=[case.pk]), {"kind": "phone"}).status_code == 403
    case.refresh_from_db()
    assert case.stage.key == "first_contact"


def test_views_open_move_record(client, consultant, company):
    client.force_login(consultant)
    response = client.post(reverse("backoffice:case_create", args=[company.pk]), {"goals": "Ziele", "consultant": consultant.pk})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:case_detail", args=[case.pk])
    response = client.post(
        reverse("backoffice:case_stage", args=[case.pk]), {"stage": "support", "next": "/backoffice/pipeline/?topic="}
    )
    assert response.status_code == 302 and response["Location"] == "/backoffice/pipeline/?topic="
    response = client.post(
        reverse("backoffice:case_stage", args=[case.pk]), {"stage": "support", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("backoffice:case_detail", args=[case.pk])
    response = client.post(
        reverse("backoffice:activity_create", args=[case.pk]),
        {"kind": "coaching", "coaching-module": "coach", "coaching-occurred_on": TODAY.isoformat(), "coaching-hours": "2,5",
         "coaching-coach_kind": "internal", "coaching-topic": "Digitalisierung"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Activity.objects.get().hours == Decimal("2.5")
    assert client.get(reverse("backoffice:case_detail", args=[case.pk])).status_code == 200
    response = client.post(
        reverse("backoffice:task_create", args=[case.pk]),
        {"task-title": "Anrufen", "task-assignee": consultant.pk, "task-due_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert client.post(reverse("backoffice:task_done", args=[task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    assert case.number in client.get(reverse("backoffice:company_detail", args=[company.pk])).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "coaching", "coaching-module": "coach", "coaching-occurred_on": TODAY.isoformat(), "coaching-hours": "0", "coaching-coach_kind": "internal", "coaching-topic": "x"},
        {"kind": "coaching", "coaching-module": "coach", "coaching-occurred_on": "kein Datum"},
        {"kind": "initial_consultation", "initial_consultation-module": "inform", "initial_consultation-occurred_on": TODAY.isoformat(), "initial_consultation-situation": "x", "initial_consultation-next_steps": "y"},
        {"kind": "phone", "phone-module": "inform", "phone-occurred_on": (TODAY + dt.timedelta(days=3)).isoformat(), "phone-summary": "x"},
        {"kind": "nonsense"},
        {},
    ],
)
def test_bad_activity_input_400_nothing_written(client, case, consultant, data):
    client.force_login(consultant)
    before = AuditLogEntry.objects.count()
    response = client.post(reverse("backoffice:activity_create", args=[case.pk]), data)
    assert response.status_code == 400
    assert not Activity.objects.exists() and AuditLogEntry.objects.count() == before


def test_bad_stage_task_and_case_input_400(client, case, consultant, other_consultant, company):
    client.force_login(consultant)
    before = AuditLogEntry.objects.count()
    assert client.post(reverse("backoffice:case_stage", args=[case.pk]), {"stage": "nonsense"}).status_code == 400
    assert client.post(
        reverse("backoffice:task_create", args=[case.pk]), {"task-title": "x", "task-assignee": other_consultant.pk, "task-due_on": "2026-01-01"}
    ).status_code == 400
    assert client.post(reverse("backoffice:case_create", args=[company.pk]), {"goals": "x" * 5001}).status_code == 400
    assert client.post(reverse("backoffice:case_edit", args=[case.pk]), {"case-consultant": "999999"}).status_code == 400
    assert AuditLogEntry.objects.count() == before and Task.objects.count() == 0 and Case.objects.count() == 1


def test_case_from_request_view(client, consultant, company):
    req = RequestFactory(company=company)
    client.force_login(consultant)
    response = client.post(reverse("backoffice:case_from_request", args=[req.pk]))
    case = Case.objects.get()
    assert response["Location"] == reverse("backoffice:case_detail", args=[case.pk])
    # A second click opens the same case.
    assert client.post(reverse("backoffice:case_from_request", args=[req.pk]))["Location"] == response["Location"]
    assert Case.objects.count() == 1


def _cases(n, consultant, *, stage="first_contact", idle=False):
    made = []
    for _i in range(n):
        company = CompanyFactory(postcode="44139", city="Dortmund")
        case = services.case_open(actor=consultant, company=company)
        services.case_move_stage(actor=consultant, case=case, stage=stage)
        services.activity_add(actor=consultant, case=case, kind="phone", occurred_on=TODAY, summary="x")
        services.task_create(actor=consultant, case=case, title="t", assignee=consultant, due_on=TODAY - dt.timedelta(days=1))
        if idle:
            Case.objects.filter(pk=case.pk).update(last_activity_on=TODAY - dt.timedelta(days=90))
        RequestFactory(company=company)
        made.append(case)
    return made


def _queries(client, django_assert_max_num_queries, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["pipeline", "my_work"])
def test_board_and_my_work_query_count_is_constant(client, consultant, django_assert_max_num_queries, url_name):
    client.force_login(consultant)
    url = reverse(f"backoffice:{url_name}")
    _cases(1, consultant, stage="support", idle=True)
    small = _queries(client, django_assert_max_num_queries, url)
    _cases(6, consultant, stage="support", idle=True)
    _cases(4, consultant, stage="transfer")
    with django_assert_max_num_queries(small):
        response = client.get(url + "?topic=&size_class=small&consultant=1" if url_name == "pipeline" else url)
    assert response.status_code == 200
    body = client.get(url).content.decode()
    if url_name == "my_work":
        assert body.count("/backoffice/cases/") >= 7 + 11  # idle cases and overdue tasks


def test_board_columns_and_filters(consultant, other_consultant, company):
    _cases(2, consultant, stage="support")
    case = services.case_open(actor=consultant, company=company)
    company.topics.add(*Topic.objects.filter(key="energy"))
    cases = access.cases_for_staff(consultant).filter(organisation_id=consultant.organisation_id)
    columns = {c.stage.key: c for c in queries.board(cases)}
    assert columns["support"].count == 2 and columns["first_contact"].cards == [case]
    filtered = {c.stage.key: c for c in queries.board(cases, topic="energy")}
    assert filtered["support"].count == 0 and filtered["first_contact"].count == 1
    assert sum(c.count for c in queries.board(cases, consultant_id=other_consultant.pk)) == 0


def test_board_cards_longest_silence_first_with_move_forms(client, consultant, readonly, monkeypatch):
    monkeypatch.setattr(queries, "CARDS_PER_STAGE", 3)
    cases = _cases(5, consultant, stage="support")
    for days, case in zip([40, 10, 30, 20, 50], cases):
        Case.objects.filter(pk=case.pk).update(last_activity_on=TODAY - dt.timedelta(days=days))
    client.force_login(consultant)
    body = client.get(reverse("backoffice:pipeline")).content.decode()
    expected = [cases[4], cases[0], cases[2]]  # 50, 40, 30 days silent; the two most recent are cut
    positions = [body.index(f'action="/backoffice/cases/{c.pk}/stage/"') for c in expected]
    assert positions == sorted(positions)
    assert f"/backoffice/cases/{cases[1].pk}/" not in body and f"/backoffice/cases/{cases[3].pk}/" not in body
    assert body.count('<option value="support" selected>') == 3 and 'name="csrfmiddlewaretoken"' in body
    # The form posts back to the board.
    response = client.post(f"/backoffice/cases/{cases[4].pk}/stage/", {"stage": "transfer", "next": "/backoffice/pipeline/"})
    assert response.status_code == 302 and Case.objects.get(pk=cases[4].pk).stage.key == "transfer"
    client.force_login(readonly)
    body = client.get(reverse("backoffice:pipeline")).content.decode()
    assert f"/backoffice/cases/{cases[0].pk}/" in body and "/stage/" not in body


def test_merge_moves_cases(consultant, company):
    from kgp.companies import services as company_services

    case = services.case_open(actor=consultant, company=company)
    _consultation(consultant, case)
    other = CompanyFactory(postcode="44139", city="Dortmund")
    company_services.company_merge(actor=consultant, keep=other, remove=company)
    assert Case.objects.get(pk=case.pk).company == other
    assert Activity.objects.get().company == other


def test_board_cases_are_the_agencys_own(consultant, other_consultant, coordinator, readonly, company, company_user):
    company.network_sharing = True
    company.save(update_fields=["network_sharing"])
    case = services.case_open(actor=consultant, company=company)
    assert list(access.cases_for_board(consultant, None)) == [case]
    assert list(access.cases_for_board(readonly, None)) == [case]
    assert list(access.cases_for_board(other_consultant, None)) == []  # shared, but not on their board
    assert list(access.cases_for_board(coordinator, None)) == [case]
    assert list(access.cases_for_board(coordinator, other_consultant.organisation_id)) == []
    assert list(access.cases_for_board(company_user, None)) == []
    # Merging (the only way a company becomes inactive) moves the cases, so no board shows a case of an
    # inactive company.
    from kgp.companies import services as company_services

    other = CompanyFactory(postcode="44139", city="Dortmund")
    company_services.company_merge(actor=consultant, keep=other, remove=company)
    assert not Case.objects.filter(company__is_active=False).exists()
    assert [c.company for c in access.cases_for_board(consultant, None)] == [other]
