"""Every API operation (from the OpenAPI schema) with every kind of user: anonymous, company user,
consultant of the owning agency, consultant of another agency, read-only staff, network coordinator.

A new operation fails `test_matrix_covers_every_operation` until it is added here.
"""

from __future__ import annotations

import pytest

from kgp.accounts.services import api_token_create
from kgp.api.api import api
from kgp.testing.factories import OfferFactory

from .helpers import ApiClient

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "company_user", "consultant", "other_consultant", "readonly", "coordinator"]

# (method, path template): expected status per role in ROLES order, on an unshared Dortmund company.
MATRIX: dict[tuple[str, str], tuple[int, ...]] = {
    ("get", "/api/v1/companies"): (401, 403, 200, 200, 200, 200),
    ("post", "/api/v1/companies"): (401, 403, 201, 403, 403, 201),
    ("get", "/api/v1/companies/{company_id}"): (401, 403, 200, 404, 200, 200),
    ("patch", "/api/v1/companies/{company_id}"): (401, 403, 200, 404, 403, 200),
    # The offer catalogue is public: the same answer for everybody.
    ("get", "/api/v1/offers"): (200, 200, 200, 200, 200, 200),
    ("get", "/api/v1/offers/{slug}"): (200, 200, 200, 200, 200, 200),
    # The Transformations-Check is public too (no token needed; a token changes nothing).
    ("get", "/api/v1/check/questionnaire"): (200, 200, 200, 200, 200, 200),
    ("post", "/api/v1/check/results"): (201, 201, 201, 201, 201, 201),
    # Initial-consultation slots: staff only, each their own agency's (the coordination: any). A free
    # Dortmund slot is booked for the Dortmund company by Dortmund and the coordination.
    ("get", "/api/v1/slots"): (401, 403, 200, 200, 200, 200),
    ("post", "/api/v1/slots/{slot_id}/booking"): (401, 403, 201, 404, 403, 201),
    # Cases and activities of the Dortmund company (its case belongs to Dortmund): like the company.
    ("get", "/api/v1/cases"): (401, 403, 200, 200, 200, 200),
    ("post", "/api/v1/cases"): (401, 403, 201, 404, 403, 201),
    ("get", "/api/v1/cases/{case_id}"): (401, 403, 200, 404, 200, 200),
    ("patch", "/api/v1/cases/{case_id}"): (401, 403, 200, 404, 403, 200),
    ("post", "/api/v1/cases/{case_id}/stage"): (401, 403, 200, 404, 403, 200),
    ("get", "/api/v1/activities"): (401, 403, 200, 200, 200, 200),
    ("post", "/api/v1/activities"): (401, 403, 201, 404, 403, 201),
    ("get", "/api/v1/activities/{activity_id}"): (401, 403, 200, 404, 200, 200),
    # The competence map and its matching are public: the same answer for everybody.
    ("get", "/api/v1/competences"): (200, 200, 200, 200, 200, 200),
    ("get", "/api/v1/competences/match"): (200, 200, 200, 200, 200, 200),
    ("get", "/api/v1/competences/{external_id}"): (200, 200, 200, 200, 200, 200),
    # Needs and introductions of the Dortmund company (its agency: Dortmund): like its cases.
    ("get", "/api/v1/needs"): (401, 403, 200, 200, 200, 200),
    ("post", "/api/v1/needs"): (401, 403, 201, 404, 403, 201),
    ("get", "/api/v1/needs/{need_id}"): (401, 403, 200, 404, 200, 200),
    ("patch", "/api/v1/needs/{need_id}"): (401, 403, 200, 404, 403, 200),
    ("get", "/api/v1/needs/{need_id}/suggestions"): (401, 403, 200, 404, 200, 200),
    ("get", "/api/v1/introductions"): (401, 403, 200, 200, 200, 200),
    ("post", "/api/v1/introductions"): (401, 403, 201, 404, 403, 201),
    ("get", "/api/v1/introductions/{introduction_id}"): (401, 403, 200, 404, 200, 200),
    ("post", "/api/v1/introductions/{introduction_id}/decision"): (401, 403, 200, 404, 403, 200),
    ("post", "/api/v1/introductions/{introduction_id}/withdraw"): (401, 403, 200, 404, 403, 200),
    # Events: the list and the detail are public; company users register (only they: staff 403) and
    # manage their own registrations; the participants of Dortmund's event: Dortmund's staff and the
    # coordination (another agency 404).
    ("get", "/api/v1/events"): (200, 200, 200, 200, 200, 200),
    ("get", "/api/v1/events/{slug}"): (200, 200, 200, 200, 200, 200),
    ("post", "/api/v1/events/{slug}/registrations"): (401, 201, 403, 403, 403, 403),
    ("get", "/api/v1/events/{slug}/participants"): (401, 403, 200, 404, 200, 200),
    ("get", "/api/v1/me/event-registrations"): (401, 200, 403, 403, 403, 403),
    ("post", "/api/v1/me/event-registrations/{registration_id}/cancel"): (401, 200, 403, 403, 403, 403),
    ("post", "/api/v1/me/event-registrations/{registration_id}/accept"): (401, 200, 403, 403, 403, 403),
    # The climate quick check is public: the current factors and a calculation that stores nothing.
    ("get", "/api/v1/climate/factors"): (200, 200, 200, 200, 200, 200),
    ("post", "/api/v1/climate/calculate"): (200, 200, 200, 200, 200, 200),
    # Stored footprints of the Dortmund company: staff of its agency and the coordination (another agency 404).
    ("get", "/api/v1/companies/{company_id}/footprints"): (401, 403, 200, 404, 200, 200),
}
BODIES = {
    "post": {"name": "Matrix Werk GmbH", "postcode": "44139", "city": "Dortmund"},
    "patch": {"phone": "0231 777"},
}
PUBLIC = {("get", "/api/v1/openapi.json"), ("get", "/api/v1/docs")}


def _check_answers() -> dict:
    from kgp.assessment.models import Questionnaire

    return {"version": 1, "answers": {q.key: 2 for q in Questionnaire.objects.get(version=1).questions.all()}}


def _booking() -> dict:
    from kgp.companies.models import Company

    company = Company.objects.get(name="Stahlbau Beispiel GmbH")
    return {"company_id": company.pk, "topic": "Energie", "location_kind": "at_agency", "contact_name": "A", "contact_email": "a@example.org"}


def _slot_id() -> str:
    import datetime

    from django.utils import timezone

    from kgp.appointments.models import Slot
    from kgp.testing.factories import org

    start = timezone.now() + datetime.timedelta(days=2)
    slot = Slot.objects.create(organisation=org("dortmund"), starts_at=start, ends_at=start + datetime.timedelta(hours=1), location_kind="at_agency")
    return str(slot.pk)


def _case():
    from kgp.companies.models import Company
    from kgp.journey.models import Case, Stage
    from kgp.testing.factories import org

    company = Company.objects.get(name="Stahlbau Beispiel GmbH")
    return Case.objects.create(company=company, organisation=org("dortmund"), stage=Stage.objects.order_by("order").first())


def _activity_id() -> str:
    from django.utils import timezone

    from kgp.journey.models import Activity

    case = _case()
    activity = Activity.objects.create(
        case=case, company=case.company, kind="phone", module="inform", occurred_on=timezone.localdate(), summary="Anruf"
    )
    return str(activity.pk)


def _case_open() -> dict:
    from kgp.companies.models import Company

    return {"company_id": Company.objects.get(name="Stahlbau Beispiel GmbH").pk, "goals": "Energie sparen"}


def _activity() -> dict:
    from django.utils import timezone

    return {"case_id": _case().pk, "kind": "phone", "occurred_on": timezone.localdate().isoformat(), "summary": "Anruf"}


# Bodies that depend on the database (built per test), by operation.
BODY_FACTORIES = {("post", "/api/v1/check/results"): _check_answers, ("post", "/api/v1/slots/{slot_id}/booking"): _booking}
BODY_FACTORIES[("post", "/api/v1/cases")] = _case_open
BODY_FACTORIES[("patch", "/api/v1/cases/{case_id}")] = lambda: {"goals": "Neue Ziele"}
BODY_FACTORIES[("post", "/api/v1/cases/{case_id}/stage")] = lambda: {"stage": "initial_consultation"}
BODY_FACTORIES[("post", "/api/v1/activities")] = _activity


def _profile():
    from kgp.competences.models import CompetenceProfile
    from kgp.competences.services import profile_create
    from kgp.organisations.models import Municipality

    existing = CompetenceProfile.objects.filter(external_id="matrix-druckluft").first()
    return existing or profile_create(actor=None, data={
        "external_id": "matrix-druckluft", "kind": "uas", "institution": "Matrix-Hochschule", "keywords": ["Druckluft"],
        "municipality": Municipality.objects.get(key="dortmund"), "status": "published",
        "description": "Das Labor misst Druckluftanlagen und findet Leckagen in Fertigungsbetrieben der Region. " * 2,
    })  # fmt: skip


def _need():
    from kgp.companies.models import Company
    from kgp.connect.models import Need
    from kgp.testing.factories import org

    company = Company.objects.get(name="Stahlbau Beispiel GmbH")
    return Need.objects.create(
        company=company, organisation=org("dortmund"), title="Druckluft", text="Leckagen an der Druckluftanlage finden.",
        source="consultant", municipality=company.municipality,
    )  # fmt: skip


def _introduction():
    from kgp.connect.models import Introduction

    case = _case()
    return Introduction.objects.create(
        company=case.company, organisation=case.organisation, profile=_profile(), kind="competence", message="Matrix", case=case
    )


def _need_create() -> dict:
    from kgp.companies.models import Company

    company = Company.objects.get(name="Stahlbau Beispiel GmbH")
    return {"company_id": company.pk, "title": "Abwärme", "text": "Wir möchten die Abwärme der Öfen nutzen."}


def _introduction_propose() -> dict:
    from kgp.companies.models import Company

    company = Company.objects.get(name="Stahlbau Beispiel GmbH")
    return {"company_id": company.pk, "target_profile": _profile().external_id, "message": "Das Labor misst Leckagen."}


BODY_FACTORIES[("post", "/api/v1/needs")] = _need_create
BODY_FACTORIES[("patch", "/api/v1/needs/{need_id}")] = lambda: {"status": "closed"}
BODY_FACTORIES[("post", "/api/v1/introductions")] = _introduction_propose
BODY_FACTORIES[("post", "/api/v1/introductions/{introduction_id}/decision")] = lambda: {
    "side": "company", "accept": True, "person": {"name": "Erika Beispiel", "email": "erika@example.org"},
}  # fmt: skip
BODY_FACTORIES[("post", "/api/v1/introductions/{introduction_id}/withdraw")] = lambda: {"note": "Matrix"}


def _event():
    import datetime

    from django.utils import timezone

    from kgp.events.models import Event, EventStatus
    from kgp.testing.factories import org

    event = Event.objects.filter(slug="matrix").first()
    if event is None:
        start = timezone.now() + datetime.timedelta(days=10)
        event = Event.objects.create(
            slug="matrix", title="Matrix-Workshop", kind="workshop", module="inform", summary="Matrix", starts_at=start,
            ends_at=start + datetime.timedelta(hours=2), venue="Technologiezentrum", capacity=20, status=EventStatus.PUBLISHED,
        )  # fmt: skip
        event.organisations.set([org("dortmund")])
    return event


def _registration_id(user, *, offered: bool) -> str:
    import datetime

    from django.utils import timezone

    from kgp.companies.models import Company
    from kgp.events.models import Registration, RegistrationStatus

    company = Company.objects.get(name="Stahlbau Beispiel GmbH")
    registration = Registration.objects.create(
        event=_event(), user=user, company=company, company_name=company.name, email=user.email, first_name="Erika",
        last_name="Beispiel", status=RegistrationStatus.OFFERED if offered else RegistrationStatus.REGISTERED,
        offered_until=timezone.now() + datetime.timedelta(days=2) if offered else None,
    )  # fmt: skip
    return str(registration.pk)


def _event_registration() -> dict:
    from kgp.companies.models import Company

    return {"company_id": Company.objects.get(name="Stahlbau Beispiel GmbH").pk}


BODY_FACTORIES[("post", "/api/v1/events/{slug}/registrations")] = _event_registration
BODY_FACTORIES[("post", "/api/v1/climate/calculate")] = lambda: {
    "year": 2024, "entries": [{"carrier": "natural_gas", "quantity": 200000, "unit": "kWh_hs"}],
}  # fmt: skip


def _operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return {(method, path.rstrip("/") or path) for path, ops in schema["paths"].items() for method in ops}


def test_matrix_covers_every_operation():
    assert _operations() == set(MATRIX), f"missing: {_operations() - set(MATRIX)}; stale: {set(MATRIX) - _operations()}"


@pytest.mark.parametrize("operation", sorted(MATRIX))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_operation_by_role(request, company, company_user, operation, role_index):
    role = ROLES[role_index]
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = ApiClient(api_token_create(user=user, name="matrix") if user is not None else None)
    method, template = operation
    if template.startswith(("/api/v1/events/{slug}", "/api/v1/me/")):
        _event()
    if "{registration_id}" in template:
        template = template.replace("{registration_id}", _registration_id(company_user, offered=template.endswith("/accept")))
    path = template.replace("{company_id}", str(company.pk)).replace("{slug}", OfferFactory(slug="matrix").slug)
    if "{slot_id}" in path:
        path = path.replace("{slot_id}", _slot_id())
    if "{case_id}" in path:
        path = path.replace("{case_id}", str(_case().pk))
    if "{activity_id}" in path:
        path = path.replace("{activity_id}", _activity_id())
    if "{external_id}" in path:
        path = path.replace("{external_id}", _profile().external_id)
    if path.endswith("/competences/match"):
        path += "?q=Druckluftleckage&city=Dortmund"
    if "{need_id}" in path:
        path = path.replace("{need_id}", str(_need().pk))
    if "{introduction_id}" in path:
        path = path.replace("{introduction_id}", str(_introduction().pk))
    body = BODY_FACTORIES[operation]() if operation in BODY_FACTORIES else BODIES.get(method)
    response = getattr(client, method)(path, body) if body is not None else getattr(client, method)(path)
    assert response.status_code == MATRIX[operation][role_index], f"{role} {method.upper()} {path}: {response.content[:200]!r}"
    assert "detail" in response.json() or response.status_code in (200, 201)


@pytest.mark.parametrize(("method", "path"), sorted(PUBLIC))
def test_schema_and_docs_are_public(client, method, path):
    assert client.get(path).status_code == 200
