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
    path = template.replace("{company_id}", str(company.pk)).replace("{slug}", OfferFactory(slug="matrix").slug)
    if "{slot_id}" in path:
        path = path.replace("{slot_id}", _slot_id())
    if "{case_id}" in path:
        path = path.replace("{case_id}", str(_case().pk))
    if "{activity_id}" in path:
        path = path.replace("{activity_id}", _activity_id())
    body = BODY_FACTORIES[operation]() if operation in BODY_FACTORIES else BODIES.get(method)
    response = getattr(client, method)(path, body) if body is not None else getattr(client, method)(path)
    assert response.status_code == MATRIX[operation][role_index], f"{role} {method.upper()} {path}: {response.content[:200]!r}"
    assert "detail" in response.json() or response.status_code in (200, 201)


@pytest.mark.parametrize(("method", "path"), sorted(PUBLIC))
def test_schema_and_docs_are_public(client, method, path):
    assert client.get(path).status_code == 200
