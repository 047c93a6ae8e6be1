"""Backoffice: questionnaire versions (all staff read, the coordination edits drafts only) and
shared check results (the coordination and the company's own agency; 404 for everything else)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from kgp.assessment import services
from kgp.assessment.models import Question, Questionnaire
from kgp.companies.models import Topic
from kgp.core.models import AuditLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1(db):
    return Questionnaire.objects.get(version=1)


@pytest.fixture
def shared_result(v1, company, company_user):
    result = services.check_start(size_class="small", user=company_user, company=company)
    result = services.check_complete(result=result, answers={q.key: 2 for q in v1.questions.all()})
    return services.check_share(result=result, shared=True, actor=company_user)


def test_every_staff_member_reads_the_versions(client, v1, readonly):
    client.force_login(readonly)
    response = client.get(reverse("backoffice:questionnaire_list"))
    assert response.status_code == 200
    assert reverse("backoffice:questionnaire_detail", args=[v1.pk]) in response.content.decode()
    detail = client.get(reverse("backoffice:questionnaire_detail", args=[v1.pk])).content.decode()
    assert v1.questions.first().text_de in detail
    assert reverse("backoffice:questionnaire_draft", args=[v1.pk]) not in detail  # no editing for read-only staff


def test_export_downloads_the_file_format(client, v1, consultant):
    client.force_login(consultant)
    response = client.get(reverse("backoffice:questionnaire_export", args=[v1.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["version"] == 1 and len(data["dimensions"]) == 5


def test_coordinator_edits_a_draft_and_publishes_it(client, v1, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("backoffice:questionnaire_draft", args=[v1.pk]))
    draft = Questionnaire.objects.get(version=2)
    assert response["Location"] == reverse("backoffice:questionnaire_detail", args=[draft.pk])

    dimension = draft.dimensions.get(key="talent")
    url = reverse("backoffice:questionnaire_dimension_edit", args=[draft.pk, dimension.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if k != "topics" and v is not None}
    data |= {"name_de": "Fachkräfte", "topics": [Topic.objects.get(key="talent").pk, Topic.objects.get(key="funding").pk]}
    assert client.post(url, data).status_code == 302
    dimension.refresh_from_db()
    assert dimension.name_de == "Fachkräfte" and dimension.topics.count() == 2

    question = draft.questions.get(key="talent_knowledge")
    url = reverse("backoffice:questionnaire_question_edit", args=[draft.pk, question.pk])
    data = {
        "key": "talent_knowledge", "text_de": "Wie sichern Sie Wissen?", "text_en": "", "help_de": "", "help_en": "", "weight": "3",
        "option_0_de": "gar nicht", "option_2_de": "teilweise", "option_4_de": "vollständig", "option_4_en": "fully",
        "requires": "", "requires_from_level": "", "requires_min_level": "",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    question.refresh_from_db()
    assert question.text_de == "Wie sichern Sie Wissen?" and question.weight == 3
    assert list(question.options.values_list("level", "text_en")) == [(0, ""), (2, ""), (4, "fully")]

    url = reverse("backoffice:questionnaire_question_create", args=[draft.pk, dimension.pk])
    new = data | {"key": "talent_ai", "text_de": "Nutzen Sie KI in der Weiterbildung?"}
    assert client.post(url, new).status_code == 302
    added = draft.questions.get(key="talent_ai")
    assert added.dimension == dimension

    assert client.post(reverse("backoffice:questionnaire_question_delete", args=[draft.pk, added.pk])).status_code == 302
    assert not Question.objects.filter(pk=added.pk).exists()

    client.post(reverse("backoffice:questionnaire_publish", args=[draft.pk]))
    draft.refresh_from_db()
    v1.refresh_from_db()
    assert (draft.status, v1.status) == ("published", "retired")
    logged = set(AuditLogEntry.objects.filter(object_type__startswith="assessment.").values_list("object_type", "action"))
    assert {
        ("assessment.questionnaire", "create"), ("assessment.dimension", "update"), ("assessment.question", "update"),
        ("assessment.question", "create"), ("assessment.question", "delete"), ("assessment.questionnaire", "update"),
    } <= logged  # fmt: skip


def test_question_form_errors_are_shown_at_the_fields(client, v1, coordinator):
    client.force_login(coordinator)
    draft = services.questionnaire_draft_from(actor=coordinator, source=v1)
    question = draft.questions.get(key="talent_knowledge")
    url = reverse("backoffice:questionnaire_question_edit", args=[draft.pk, question.pk])
    data = {"key": "talent_planning", "text_de": "Frage?", "weight": "2", "option_0_de": "a", "option_4_de": "b"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["key"]
    response = client.post(url, data | {"key": "talent_knowledge", "option_4_de": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["__all__"] or response.context["form"].non_field_errors()
    response = client.post(url, data | {"key": "talent_knowledge", "requires": draft.questions.get(key="talent_young").pk})
    assert response.status_code == 400 and response.context["form"].errors["requires"]


def test_a_published_version_cannot_be_edited_through_the_backoffice(client, v1, coordinator):
    client.force_login(coordinator)
    question = v1.questions.first()
    url = reverse("backoffice:questionnaire_question_edit", args=[v1.pk, question.pk])
    assert client.get(url)["Location"] == reverse("backoffice:questionnaire_detail", args=[v1.pk])
    client.post(url, {"key": question.key, "text_de": "Geändert?", "weight": "1", "option_0_de": "a", "option_4_de": "b"})
    question.refresh_from_db()
    assert question.text_de != "Geändert?"
    client.post(reverse("backoffice:questionnaire_question_delete", args=[v1.pk, question.pk]))
    assert Question.objects.filter(pk=question.pk).exists()
    client.post(reverse("backoffice:questionnaire_delete", args=[v1.pk]))
    assert Questionnaire.objects.filter(pk=v1.pk).exists()


def test_consultants_may_not_edit(client, v1, consultant):
    client.force_login(consultant)
    assert client.post(reverse("backoffice:questionnaire_draft", args=[v1.pk])).status_code == 403
    assert not Questionnaire.objects.filter(version=2).exists()


def test_objects_of_another_version_are_404(client, v1, coordinator):
    client.force_login(coordinator)
    draft = services.questionnaire_draft_from(actor=coordinator, source=v1)
    foreign = v1.questions.first()
    assert client.get(reverse("backoffice:questionnaire_question_edit", args=[draft.pk, foreign.pk])).status_code == 404
    assert client.get(reverse("backoffice:questionnaire_dimension_edit", args=[draft.pk, v1.dimensions.first().pk])).status_code == 404


# --- shared results ----------------------------------------------------------------------------


def test_a_shared_result_is_shown_to_the_agency_with_scores_and_answers(client, shared_result, consultant):
    client.force_login(consultant)
    response = client.get(reverse("backoffice:check_result", args=[shared_result.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert shared_result.company.name in body and "<table" in body and "<svg" in body
    assert Questionnaire.objects.get(version=1).questions.first().text_de in body


def test_a_shared_result_stays_hidden_from_other_agencies_even_with_network_sharing(client, shared_result, other_consultant):
    company = shared_result.company
    company.network_sharing = True
    company.save()
    client.force_login(other_consultant)
    assert client.get(reverse("backoffice:check_result", args=[shared_result.pk])).status_code == 404


def test_unshared_results_are_404_for_everyone(client, shared_result, company_user, coordinator):
    services.check_share(result=shared_result, shared=False, actor=company_user)
    client.force_login(coordinator)
    assert client.get(reverse("backoffice:check_result", args=[shared_result.pk])).status_code == 404
    assert client.get(reverse("backoffice:check_result", args=[999999])).status_code == 404
