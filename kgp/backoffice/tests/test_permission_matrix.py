"""Every backoffice URL with every kind of user: anonymous, company user, consultant of the owning
agency, consultant of another agency, read-only staff, network coordinator.

A new backoffice URL fails `test_matrix_covers_every_url` until it is added here.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django.utils import timezone

from kgp.appointments.models import Booking, Slot
from kgp.assessment import services as check_services
from kgp.assessment.models import Questionnaire
from kgp.backoffice import urls as backoffice_urls
from kgp.companies.models import CompanyImport, CompanyMembership, Holding, Note, YearlyFigures
from kgp.competences import services as competence_services
from kgp.connect import services as connect_services
from kgp.deminimis import services as deminimis_services
from kgp.events import services as event_services
from kgp.journey import services as journey_services
from kgp.testing.factories import ContactFactory, OfferFactory, RequestFactory, UserFactory, org

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "company_user", "consultant", "other_consultant", "readonly", "coordinator"]
LOGIN = "login"

# name: (method, expected status per role in ROLES order). "login" = redirect to the login page.
# Company-scoped pages of an unshared Dortmund company: 404 for another agency, 403 for read-only edits.
MATRIX: dict[str, tuple[str, tuple[object, ...]]] = {
    "home": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "company_list": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "company_export": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "company_create": ("get", (LOGIN, 404, 200, 200, 403, 200)),
    "company_detail": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    "company_edit": ("get", (LOGIN, 404, 200, 404, 403, 200)),
    "note_create": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    "note_delete": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    "figures_create": ("post", (LOGIN, 404, 400, 404, 403, 400)),
    "holding_create": ("post", (LOGIN, 404, 400, 404, 403, 400)),
    "figures_delete": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    "holding_delete": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    "consent_update": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    "contact_create": ("get", (LOGIN, 404, 200, 404, 403, 200)),
    "contact_edit": ("get", (LOGIN, 404, 200, 404, 403, 200)),
    "contact_delete": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    "company_merge": ("get", (LOGIN, 404, 200, 404, 403, 200)),
    "membership_list": ("get", (LOGIN, 404, 200, 200, 403, 200)),
    "membership_decide": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    "import_upload": ("get", (LOGIN, 404, 200, 200, 403, 200)),
    "import_detail": ("get", (LOGIN, 404, 200, 404, 403, 200)),
    "import_progress": ("get", (LOGIN, 404, 200, 404, 403, 200)),
    # Requests: a request routed to Dortmund of the unshared Dortmund company.
    "request_list": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "request_detail": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    "request_status": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    # Offers: every staff member reads every offer; a Dortmund offer is changed by Dortmund and the coordination.
    "offer_list": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "offer_create": ("get", (LOGIN, 404, 200, 200, 403, 200)),
    "offer_detail": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "offer_edit": ("get", (LOGIN, 404, 200, 403, 403, 200)),
    "offer_status": ("post", (LOGIN, 404, 302, 403, 403, 302)),
    # Transformations-Check questionnaires: all staff read; only the coordination edits (a draft here).
    "questionnaire_list": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "questionnaire_detail": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "questionnaire_export": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "questionnaire_draft": ("post", (LOGIN, 404, 403, 403, 403, 302)),
    "questionnaire_edit": ("get", (LOGIN, 404, 403, 403, 403, 200)),
    "questionnaire_publish": ("post", (LOGIN, 404, 403, 403, 403, 302)),
    "questionnaire_delete": ("post", (LOGIN, 404, 403, 403, 403, 302)),
    "questionnaire_dimension_edit": ("get", (LOGIN, 404, 403, 403, 403, 200)),
    "questionnaire_question_create": ("get", (LOGIN, 404, 403, 403, 403, 200)),
    "questionnaire_question_edit": ("get", (LOGIN, 404, 403, 403, 403, 200)),
    "questionnaire_question_delete": ("post", (LOGIN, 404, 403, 403, 403, 302)),
    # A check result the Dortmund company shared: its own agency (all staff) and the coordination.
    "check_result": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    # De-minimis: only the company's own agency and the coordination (sharing does not cover it).
    "deminimis_company": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    "deminimis_grant": ("post", (LOGIN, 404, 400, 404, 403, 400)),
    "deminimis_declare": ("post", (LOGIN, 404, 400, 404, 403, 400)),
    "deminimis_declared_delete": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    "deminimis_list": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "deminimis_certificate": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    # Initial-consultation slots: staff see their own agency's; an open Dortmund slot is withdrawn by
    # Dortmund and the coordination (another agency: 404). Publishing with an empty form: 400.
    "appointment_slots": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "appointment_slot_publish": ("post", (LOGIN, 404, 400, 400, 403, 400)),
    "appointment_slot_delete": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    # A booking in a Dortmund slot: read by Dortmund staff and the coordination; cancelled (with a reason)
    # or moved by Dortmund editors and the coordination. Moving with an empty form: 400.
    "appointment_booking": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    "appointment_booking_cancel": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    "appointment_booking_move": ("post", (LOGIN, 404, 400, 404, 403, 400)),
    # Cases: a case of the unshared Dortmund company, owned by Dortmund; the board and "my work" are per user.
    "pipeline": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "my_work": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "case_create": ("get", (LOGIN, 404, 200, 404, 403, 200)),
    "case_from_request": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    "case_detail": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    "case_edit": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    "case_stage": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    "activity_create": ("post", (LOGIN, 404, 400, 404, 403, 400)),
    "task_create": ("post", (LOGIN, 404, 400, 404, 403, 400)),
    "task_done": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    # Attachments are internal: never for another agency, not even for a shared company.
    "attachment_add": ("post", (LOGIN, 404, 400, 404, 403, 400)),
    "attachment_download": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    "attachment_delete": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    # The daily digest on/off: every editor for themselves (no id in the URL); read-only staff get none.
    "digest_toggle": ("post", (LOGIN, 404, 302, 302, 403, 302)),
    # Competence map: all staff read every profile; consultants of every agency and the coordination curate
    # all of them (the map belongs to the whole network); read-only staff get 403 on changes.
    "competence_list": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "competence_create": ("get", (LOGIN, 404, 200, 200, 403, 200)),
    "competence_detail": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "competence_edit": ("get", (LOGIN, 404, 200, 200, 403, 200)),
    "competence_status": ("post", (LOGIN, 404, 302, 302, 403, 302)),
    "competence_reviewed": ("post", (LOGIN, 404, 302, 302, 403, 302)),
    "competence_contact_create": ("get", (LOGIN, 404, 200, 200, 403, 200)),
    "competence_contact_edit": ("get", (LOGIN, 404, 200, 200, 403, 200)),
    "competence_contact_delete": ("post", (LOGIN, 404, 302, 302, 403, 302)),
    "competence_member_add": ("post", (LOGIN, 404, 400, 400, 403, 400)),
    "competence_member_remove": ("post", (LOGIN, 404, 302, 302, 403, 302)),
    # Events: a published Dortmund event starting in two hours, with one registration. All staff read the
    # event; its participants (lists, check-in, exports, feedback) only Dortmund and the coordination
    # (another agency: 404); changes need a Dortmund editor or the coordination (another agency's editor
    # on the visible event: 403; on participants: 404). Empty forms: 400; no-shows before the start: 400.
    "event_list": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "event_create": ("get", (LOGIN, 404, 200, 200, 403, 200)),
    "event_detail": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "event_edit": ("get", (LOGIN, 404, 200, 403, 403, 200)),
    "event_status": ("post", (LOGIN, 404, 302, 403, 403, 302)),
    "event_participants": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    "event_participant_add": ("post", (LOGIN, 404, 400, 404, 403, 400)),
    "event_registration": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    "event_registration_cancel": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    "event_registration_link": ("post", (LOGIN, 404, 400, 404, 403, 400)),
    "event_checkin": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    "event_checkin_toggle": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    "event_no_shows": ("post", (LOGIN, 404, 400, 404, 403, 400)),
    "event_export_csv": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    "event_export_xlsx": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    "event_participant_list_pdf": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    "event_feedback": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    # Connect: a need and an introduction of the unshared Dortmund company, owned by Dortmund. Proposing
    # without a chosen suggestion goes back to the need; recording an answer with an empty form: 400.
    # The synonym list: the network coordination only.
    "need_list": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "need_create": ("get", (LOGIN, 404, 200, 404, 403, 200)),
    "need_detail": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    "need_edit": ("get", (LOGIN, 404, 200, 404, 403, 200)),
    "need_status": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    "introduction_propose": ("get", (LOGIN, 404, 302, 404, 403, 302)),
    "introduction_list": ("get", (LOGIN, 404, 200, 200, 200, 200)),
    "introduction_detail": ("get", (LOGIN, 404, 200, 404, 200, 200)),
    "introduction_decide": ("post", (LOGIN, 404, 400, 404, 403, 400)),
    "introduction_withdraw": ("post", (LOGIN, 404, 302, 404, 403, 302)),
    "company_profile_edit": ("get", (LOGIN, 404, 200, 404, 403, 200)),
    "synonyms": ("get", (LOGIN, 404, 403, 403, 403, 200)),
}

POST_DATA = {
    "note_create": {"text": "Telefonat geführt"},
    "consent_update": {"newsletter": "on"},
    "membership_decide": {"decision": "approve"},
    "request_status": {"status": "in_progress"},
    "offer_status": {"status": "archived"},
    "case_stage": {"stage": "support"},
    "appointment_booking_cancel": {"reason": "Beraterin erkrankt"},
    "competence_status": {"status": "draft"},
    "event_status": {"status": "cancelled", "reason": "Der Referent ist erkrankt."},
    "event_registration_cancel": {"reason": "Telefonisch abgesagt"},
    "need_status": {"status": "closed"},
}


def test_matrix_covers_every_url():
    names = {p.name for p in backoffice_urls.urlpatterns}
    assert names == set(MATRIX), f"missing in matrix: {names - set(MATRIX)}; stale: {set(MATRIX) - names}"


@pytest.fixture
def cast(company, company_user, consultant, other_consultant, readonly, coordinator):
    contact = ContactFactory(company=company)
    figures = YearlyFigures.objects.create(company=company, year=2024, staff_awu=5)
    note = Note.objects.create(company=company, text="Notiz")
    holding = Holding.objects.create(company=company, year=2024, name="Mutter AG", kind="linked", share_percent=60)
    membership = CompanyMembership.objects.create(user=UserFactory(), company=company)
    upload = CompanyImport.objects.create(
        created_by=consultant, organisation=consultant.organisation, file_name="x.csv", content=b"Name;PLZ;Ort\n",
        status=CompanyImport.Status.INVALID, report={"rows": [], "file_errors": ["Leer"]},
    )  # fmt: skip
    users = {
        "anonymous": None,
        "company_user": company_user,
        "consultant": consultant,
        "other_consultant": other_consultant,
        "readonly": readonly,
        "coordinator": coordinator,
    }
    objs = {"company": company, "contact": contact, "membership": membership, "import": upload}
    objs["request"] = RequestFactory(company=company)
    objs["offer"] = OfferFactory(owner=org("dortmund"), topics=["energy"])
    objs["questionnaire"] = check_services.questionnaire_draft_from(actor=coordinator, source=Questionnaire.objects.get(version=1))
    check = check_services.check_start(size_class="small", user=company_user, company=company)
    check = check_services.check_complete(result=check, answers={q.key: 2 for q in Questionnaire.objects.get(version=1).questions.all()})
    objs["check_result"] = check_services.check_share(result=check, shared=True, actor=company_user)
    objs["grant"] = deminimis_services.aid_grant(
        actor=consultant, company=company, granted_on=datetime.date(2025, 1, 15), value_eur=Decimal("4800"), purpose="Coaching"
    )
    objs["declared"] = deminimis_services.declared_aid_add(
        actor=company_user, company=company, granted_on=datetime.date(2024, 5, 1), grantor="Land NRW",
        amount_eur=Decimal("1000"), legal_basis="VO (EU) 2023/2831", source="portal",
    )  # fmt: skip
    objs["case"] = journey_services.case_open(actor=consultant, company=company)
    objs["task"] = journey_services.task_create(
        actor=consultant, case=objs["case"], title="Anrufen", assignee=consultant, due_on=datetime.date(2026, 1, 5)
    )
    objs["activity"] = journey_services.activity_add(
        actor=consultant, case=objs["case"], kind="phone", occurred_on=datetime.date(2026, 1, 5), summary="Anruf",
        attachments=[SimpleUploadedFile("notiz.pdf", b"%PDF-1.4\n%%EOF\n")],
    )  # fmt: skip
    objs["attachment"] = objs["activity"].attachments.get()
    objs["slot"] = Slot.objects.create(
        organisation=org("dortmund"), consultant=consultant, starts_at=timezone.now() + datetime.timedelta(days=2),
        ends_at=timezone.now() + datetime.timedelta(days=2, hours=1), location_kind="at_agency",
    )  # fmt: skip
    booked = Slot.objects.create(
        organisation=org("dortmund"), consultant=consultant, starts_at=timezone.now() + datetime.timedelta(days=3),
        ends_at=timezone.now() + datetime.timedelta(days=3, hours=1), location_kind="at_agency", status="booked",
    )  # fmt: skip
    objs["booking"] = Booking.objects.create(
        slot=booked, company=company, topic="Abwärme", location_kind="at_agency", contact_name="Anna", contact_email="anna@example.org"
    )
    objs["profile"] = competence_services.profile_create(
        actor=coordinator, data={
            "external_id": "tu-labor", "kind": "university", "institution": "TU Dortmund", "unit": "Labor",
            "municipality": company.municipality, "description": "Ein Labor für Produktionstechnik. " * 4,
            "keywords": ["Produktion"], "status": "published",
        },
    )  # fmt: skip
    objs["profile_contact"] = competence_services.contact_add(actor=coordinator, profile=objs["profile"], data={"name": "Dr. Muster"})
    objs["profile_member"] = competence_services.member_add(
        actor=coordinator, profile=objs["profile"], user=UserFactory(role="competence")
    )
    objs["need"] = connect_services.need_create(
        actor=consultant, company=company, title="Abwärme nutzen", text="Wir suchen Hilfe bei der Nutzung der Abwärme."
    )
    objs["introduction"] = connect_services.introduction_propose(
        actor=consultant, company=company, profile=objs["profile"], need=objs["need"], message="Passt gut zum Bedarf."
    )
    starts = timezone.now() + datetime.timedelta(hours=2)
    objs["event"] = event_services.event_create(
        actor=consultant, organisations=[org("dortmund")], data={
            "title": "Abwärme nutzen", "kind": "information", "summary": "Praxisabend", "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=2), "venue": "Technologiezentrum", "capacity": 20, "status": "published",
        },
    )  # fmt: skip
    objs["registration"] = event_services.registration_create(
        event=objs["event"], email="gast@example.org", first_name="Greta", last_name="Gast", company_name="Gastbetrieb", actor=consultant
    )
    return users, objs | {"figures": figures, "holding": holding, "note": note}


def _kwargs(name: str, objs: dict) -> dict:
    pattern = next(p for p in backoffice_urls.urlpatterns if p.name == name)
    params = pattern.pattern.converters.keys()
    mapping = {
        "company_id": objs["company"].pk,
        "contact_id": objs["contact"].pk,
        "membership_id": objs["membership"].pk,
        "import_id": objs["import"].pk,
        "figures_id": objs["figures"].pk,
        "holding_id": objs["holding"].pk,
        "note_id": objs["note"].pk,
        "request_id": objs["request"].pk,
        "offer_id": objs["offer"].pk,
        "questionnaire_id": objs["questionnaire"].pk,
        "dimension_id": objs["questionnaire"].dimensions.first().pk,
        "question_id": objs["questionnaire"].questions.first().pk,
        "result_id": objs["check_result"].pk,
        "grant_id": objs["grant"].pk,
        "declared_id": objs["declared"].pk,
        "slot_id": objs["slot"].pk,
        "booking_id": objs["booking"].pk,
        "case_id": objs["case"].pk,
        "task_id": objs["task"].pk,
        "activity_id": objs["activity"].pk,
        "attachment_id": objs["attachment"].pk,
        "profile_id": objs["profile"].pk,
        "profile_contact_id": objs["profile_contact"].pk,
        "member_id": objs["profile_member"].pk,
        "event_id": objs["event"].pk,
        "registration_id": objs["registration"].pk,
        "need_id": objs["need"].pk,
        "introduction_id": objs["introduction"].pk,
    }
    return {k: mapping[k] for k in params}


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_url_by_role(client, cast, name, role_index):
    users, objs = cast
    role = ROLES[role_index]
    method, expected = MATRIX[name]
    want = expected[role_index]
    user = users[role]
    if user is not None:
        client.force_login(user)
    url = reverse(f"backoffice:{name}", kwargs=_kwargs(name, objs))
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, POST_DATA.get(name, {}))
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == want, f"{role} {method.upper()} {url}: {response.status_code}"


def test_backoffice_get_only_views_refuse_get_on_post_views(client, cast):
    users, objs = cast
    client.force_login(users["consultant"])
    for name, (method, _) in MATRIX.items():
        if method == "post":
            url = reverse(f"backoffice:{name}", kwargs=_kwargs(name, objs))
            assert client.get(url).status_code == 405, name


def test_shared_company_is_readable_but_not_editable_by_other_agency(client, cast):
    users, objs = cast
    company = objs["company"]
    company.network_sharing = True
    company.save()
    client.force_login(users["other_consultant"])
    assert client.get(reverse("backoffice:company_detail", args=[company.pk])).status_code == 200
    assert client.get(reverse("backoffice:company_edit", args=[company.pk])).status_code == 403
    assert client.post(reverse("backoffice:note_create", args=[company.pk]), {"text": "x"}).status_code == 403
    # De-minimis data is not covered by network sharing: 404, even for reading.
    assert client.get(reverse("backoffice:deminimis_company", args=[company.pk])).status_code == 404
    assert client.post(reverse("backoffice:deminimis_grant", args=[company.pk]), {}).status_code == 404
    assert client.get(reverse("backoffice:deminimis_certificate", args=[objs["grant"].pk])).status_code == 404
    # A shared company's case: readable, never editable; its tasks are internal.
    assert client.get(reverse("backoffice:case_detail", args=[objs["case"].pk])).status_code == 200
    assert client.post(reverse("backoffice:case_stage", args=[objs["case"].pk]), {"stage": "support"}).status_code == 403
    assert client.post(reverse("backoffice:task_done", args=[objs["task"].pk])).status_code == 404


def test_every_backoffice_url_is_under_the_backoffice_prefix():
    resolver = get_resolver()
    for p in backoffice_urls.urlpatterns:
        assert reverse(f"backoffice:{p.name}", kwargs={k: 1 for k in p.pattern.converters}).startswith("/backoffice/")
    assert resolver is not None
