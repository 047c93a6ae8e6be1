"""/api/v1/check: the current questionnaire and scoring answers, without a token; 400 with a clear
message naming the offending question ids; documented in the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.test import Client

from kgp.assessment import services
from kgp.assessment.models import CheckResult, Questionnaire
from kgp.testing.factories import OfferFactory

from .helpers import ApiClient

pytestmark = pytest.mark.django_db

QUESTIONNAIRE = "/api/v1/check/questionnaire"
RESULTS = "/api/v1/check/results"


@pytest.fixture
def v1(db):
    return Questionnaire.objects.get(version=1)


@pytest.fixture
def api() -> ApiClient:
    return ApiClient(None)


def answers(v1, level=2) -> dict[str, int]:
    return {q.key: level for q in v1.questions.all()}


def test_questionnaire_is_public_and_complete(api, v1):
    response = api.get(QUESTIONNAIRE)
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == 1 and data["size_classes"] == ["micro", "small", "medium", "large"]
    assert [d["key"] for d in data["dimensions"]] == ["resilience", "climate", "smart", "cooperation", "talent"]
    questions = [q for d in data["dimensions"] for q in d["questions"]]
    assert len(questions) == v1.questions.count() >= 24
    assert [q["number"] for q in questions] == list(range(1, len(questions) + 1))
    assert all([o["level"] for o in q["options"]] == [0, 1, 2, 3, 4] for q in questions)
    rules = [q for q in questions if q["requires"]]
    assert len(rules) >= 3 and set(rules[0]["requires"]) == {"question", "from_level", "min_level"}
    assert questions[0]["text_de"] and questions[0]["text_en"]


def test_questionnaire_is_404_while_the_check_is_closed(api, v1):
    Questionnaire.objects.update(status="retired")
    response = api.get(QUESTIONNAIRE)
    assert response.status_code == 404 and response.json()["detail"]


def test_results_scores_stores_and_recommends(api, v1):
    OfferFactory(title="Klima-Coaching", slug="klima-coaching", module="coach", topics=["climate"], target_group="all")
    OfferFactory(title="Nur für KMU", slug="nur-kmu", module="coach", topics=["smart"], target_group="sme")
    body = {"version": 1, "size_class": "large", "answers": answers(v1, 1) | {"cli_energy_metering": 0}}
    response = api.client.post(RESULTS, body, content_type="application/json", headers={"Accept-Language": "en"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["version"] == 1 and data["size_class"] == "large"
    assert [d["key"] for d in data["dimensions"]] == ["resilience", "climate", "smart", "cooperation", "talent"]
    climate = next(d for d in data["dimensions"] if d["key"] == "climate")
    assert climate["score"] < 25 and climate["band"] == "low"
    assert climate["interpretation"] == v1.dimensions.get(key="climate").interpretation_low_en
    assert data["overall"] == round(sum(d["score"] for d in data["dimensions"]) / 5 + 1e-9)
    assert [r["slug"] for r in data["recommendations"]] == ["klima-coaching"]  # SME-only left out for large
    assert data["recommendations"][0]["reason"].startswith("Addresses your weakest area “Climate-friendly production”")
    result = CheckResult.objects.get(token=data["token"])
    assert result.completed_at and result.company is None and result.user is None and result.scores["overall"] == data["overall"]
    assert data["url"].endswith(f"/transformations-check/{data['token']}/ergebnis/")
    assert Client().get(data["url"]).status_code == 200


def _error(response, code: str) -> dict:
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["code"] == code and data["detail"]
    return data


def test_unknown_question_ids_are_named(api, v1):
    data = _error(api.post(RESULTS, {"version": 1, "answers": answers(v1) | {"foo": 1, "bar": 2}}), "unknown_question")
    assert "bar, foo" in data["detail"]
    assert {e["field"] for e in data["errors"]} == {"answers.foo", "answers.bar"}


def test_missing_answers_are_named(api, v1):
    sent = answers(v1)
    del sent["smart_automation"], sent["talent_young"]
    data = _error(api.post(RESULTS, {"version": 1, "answers": sent}), "missing")
    assert "smart_automation" in data["detail"] and "talent_young" in data["detail"]
    assert [e["type"] for e in data["errors"]] == ["missing", "missing"]
    data = _error(api.post(RESULTS, {"version": 1}), "missing")  # no answers at all
    assert len(data["errors"]) == v1.questions.count()


def test_a_level_not_offered_is_named(api, v1):
    data = _error(api.post(RESULTS, {"version": 1, "answers": answers(v1) | {"smart_data_use": 7}}), "invalid_level")
    assert "smart_data_use" in data["detail"]
    assert data["errors"] == [{"field": "answers.smart_data_use", "location": "body", "message": data["errors"][0]["message"], "type": "invalid_level"}]


def test_inconsistent_answers_are_named(api, v1):
    sent = answers(v1) | {"cli_targets": 4, "cli_co2_balance": 0}
    data = _error(api.post(RESULTS, {"version": 1, "answers": sent}), "inconsistent")
    assert "cli_targets" in data["detail"]
    assert data["errors"][0]["field"] == "answers.cli_targets"


def test_several_kinds_of_problems_at_once(api, v1):
    sent = answers(v1) | {"foo": 1, "smart_data_use": 9}
    del sent["talent_young"]
    data = _error(api.post(RESULTS, {"version": 1, "answers": sent}), "invalid_answers")
    assert "foo" in data["detail"] and "smart_data_use" in data["detail"] and "talent_young" in data["detail"]


def test_a_wrong_or_old_version_is_refused(api, v1, coordinator):
    data = _error(api.post(RESULTS, {"version": 7, "answers": answers(v1)}), "wrong_version")
    assert data["field"] == "version"
    draft = services.questionnaire_draft_from(actor=coordinator, source=v1)
    services.questionnaire_publish(actor=coordinator, questionnaire=draft)
    data = _error(api.post(RESULTS, {"version": 1, "answers": answers(v1)}), "wrong_version")
    assert "2" in data["detail"]
    assert api.get(QUESTIONNAIRE).json()["version"] == 2
    assert api.post(RESULTS, {"version": 2, "answers": answers(v1)}).status_code == 201
    assert CheckResult.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [{"answers": {}}, {"version": "eins", "answers": {}}, {"version": 1, "answers": {"cli_targets": "hoch"}}, {"version": 1, "answers": []}, {"version": 1, "size_class": "riesig"}, {"version": 1, "extra": 1}],
)
def test_malformed_input_is_422(api, v1, body):
    response = api.post(RESULTS, body)
    assert response.status_code == 422 and response.json()["errors"]
    assert not CheckResult.objects.exists()


def test_openapi_documents_the_check_without_a_token(v1):
    schema = Client().get("/api/v1/openapi.json").json()
    get_op = schema["paths"]["/api/v1/check/questionnaire"]["get"]
    post_op = schema["paths"]["/api/v1/check/results"]["post"]
    assert "security" not in get_op and "security" not in post_op
    assert {"201", "400", "422"} <= set(post_op["responses"])
    assert "QuestionnaireOut" in schema["components"]["schemas"] and "ResultIn" in schema["components"]["schemas"]
    assert "unknown_question" in post_op["description"]


def test_companies_still_need_a_token(api, v1):
    assert api.get("/api/v1/companies").status_code == 401


@pytest.mark.parametrize("level", [True, False, "2", 2.0])
def test_levels_must_be_json_integers(api, v1, level):
    """Lax parsing would score true as level 1; a boolean, a string or a float is refused by name."""
    response = api.post(RESULTS, {"version": 1, "answers": answers(v1) | {"smart_data_use": level}})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["field"], e["type"], e["message"]) for e in errors] == [("answers.smart_data_use", "int_type", "Erwartet wird eine ganze Zahl.")]
    assert not CheckResult.objects.exists()
