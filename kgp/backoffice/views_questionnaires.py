"""Backoffice: the versions of the Transformations-Check questionnaire, and shared check results.

Every staff member may read the questionnaire versions (consultants need to know what companies are
asked); only the network coordination changes them: other staff get 403 before any lookup. Published
and retired versions are immutable; the coordination copies one to a draft, edits and publishes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kgp.accounts.models import User
from kgp.assessment import access as check_access
from kgp.assessment import fixtures, queries, services
from kgp.assessment.forms import DimensionForm, QuestionForm, QuestionnaireForm
from kgp.assessment.models import Dimension, Question, Questionnaire
from kgp.core.errors import ServiceError
from kgp.requests import access as request_access

from .decorators import staff_required


def coordinator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Changes to the questionnaire: the network coordination only; other staff get a 403."""

    @wraps(view)
    @staff_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_coordinator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _questionnaire(questionnaire_id: int) -> Questionnaire:
    return get_object_or_404(Questionnaire, pk=questionnaire_id)


def _to_detail(questionnaire: Questionnaire, anchor: str = "") -> HttpResponse:
    response = redirect("backoffice:questionnaire_detail", questionnaire_id=questionnaire.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _service_error(form, exc: ServiceError) -> None:  # type: ignore[no-untyped-def]
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _refuse_unless_draft(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse | None:
    if questionnaire.status == Questionnaire.Status.DRAFT:
        return None
    messages.error(
        request,
        _("Version %(version)s is %(status)s and can no longer be changed. Create a new draft from it.")
        % {"version": questionnaire.version, "status": questionnaire.get_status_display()},
    )
    return _to_detail(questionnaire)


# --- reading -----------------------------------------------------------------------------------


@staff_required
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    versions = Questionnaire.objects.annotate(
        question_count=Count("questions", distinct=True),
        result_count=Count("results", filter=Q(results__completed_at__isnull=False), distinct=True),
    ).order_by("-version")
    return render(request, "backoffice/questionnaire_list.html", {"versions": versions})


@staff_required
def questionnaire_detail(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = _questionnaire(questionnaire_id)
    dimensions = list(questionnaire.dimensions.prefetch_related("topics").order_by("order", "id"))
    questions = list(
        questionnaire.questions.select_related("requires").prefetch_related("options").order_by("dimension__order", "order", "id")
    )
    for number, question in enumerate(questions, start=1):
        question.number = number  # type: ignore[attr-defined]
    for dimension in dimensions:
        dimension.question_list = [q for q in questions if q.dimension_id == dimension.pk]  # type: ignore[attr-defined]
    is_draft = questionnaire.status == Questionnaire.Status.DRAFT
    context = {
        "questionnaire": questionnaire,
        "dimensions": dimensions,
        "question_count": len(questions),
        "can_edit": is_draft and _user(request).is_coordinator,
        "problems": services.publish_problems(questionnaire) if is_draft else [],
        "result_count": questionnaire.results.filter(completed_at__isnull=False).count(),
    }
    return render(request, "backoffice/questionnaire_detail.html", context)


@staff_required
def questionnaire_export(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    """The version in the file format of `load_questionnaire`, as a download."""
    questionnaire = _questionnaire(questionnaire_id)
    body = json.dumps(fixtures.export(questionnaire), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="questionnaire_v{questionnaire.version}.json"'
    return response


# --- changing ----------------------------------------------------------------------------------


@require_POST
@coordinator_required
def questionnaire_draft(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    source = _questionnaire(questionnaire_id)
    try:
        draft = services.questionnaire_draft_from(actor=_user(request), source=source)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _to_detail(source)
    messages.success(request, _("Draft version %(version)s created. Change it and publish it when it is ready.") % {"version": draft.version})
    return _to_detail(draft)


@coordinator_required
def questionnaire_edit(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = _questionnaire(questionnaire_id)
    if refused := _refuse_unless_draft(request, questionnaire):
        return refused
    form = QuestionnaireForm(request.POST if request.method == "POST" else None, instance=questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaire_update(
                actor=_user(request),
                questionnaire=questionnaire,
                title=form.cleaned_data["title"],
                change_note=form.cleaned_data["change_note"],
            )
        except ServiceError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return _to_detail(questionnaire)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "questionnaire": questionnaire}
    return render(request, "backoffice/questionnaire_form.html", context, status=status)


@require_POST
@coordinator_required
def questionnaire_publish(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = _questionnaire(questionnaire_id)
    try:
        services.questionnaire_publish(actor=_user(request), questionnaire=questionnaire)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Version %(version)s is published. New checks use it; earlier results keep their version.")
            % {"version": questionnaire.version},
        )
    return _to_detail(questionnaire)


@require_POST
@coordinator_required
def questionnaire_delete(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = _questionnaire(questionnaire_id)
    try:
        services.questionnaire_delete(actor=_user(request), questionnaire=questionnaire)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _to_detail(questionnaire)
    messages.success(request, _("Draft version %(version)s deleted.") % {"version": questionnaire.version})
    return redirect("backoffice:questionnaire_list")


@coordinator_required
def dimension_edit(request: HttpRequest, questionnaire_id: int, dimension_id: int) -> HttpResponse:
    questionnaire = _questionnaire(questionnaire_id)
    dimension: Dimension = get_object_or_404(questionnaire.dimensions, pk=dimension_id)
    if refused := _refuse_unless_draft(request, questionnaire):
        return refused
    form = DimensionForm(request.POST if request.method == "POST" else None, instance=dimension, initial={"topics": dimension.topics.all()})
    if request.method == "POST" and form.is_valid():
        try:
            services.dimension_update(
                actor=_user(request), dimension=dimension, data=form.service_data(), topics=form.cleaned_data["topics"]
            )
        except ServiceError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return _to_detail(questionnaire, f"d-{dimension.key}")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "questionnaire": questionnaire, "dimension": dimension}
    return render(request, "backoffice/questionnaire_dimension_form.html", context, status=status)


def _question_form(
    request: HttpRequest, questionnaire: Questionnaire, dimension: Dimension, question: Question | None
) -> HttpResponse:
    if refused := _refuse_unless_draft(request, questionnaire):
        return refused
    form = QuestionForm(request.POST if request.method == "POST" else None, instance=question, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        user = _user(request)
        try:
            if question is None:
                saved = services.question_create(actor=user, dimension=dimension, data=form.service_data(), options=form.options())
            else:
                saved = services.question_update(actor=user, question=question, data=form.service_data(), options=form.options())
        except ServiceError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Question saved."))
            return _to_detail(questionnaire, f"q-{saved.key}")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "questionnaire": questionnaire, "dimension": dimension, "question": question}
    return render(request, "backoffice/questionnaire_question_form.html", context, status=status)


@coordinator_required
def question_create(request: HttpRequest, questionnaire_id: int, dimension_id: int) -> HttpResponse:
    questionnaire = _questionnaire(questionnaire_id)
    dimension = get_object_or_404(questionnaire.dimensions, pk=dimension_id)
    return _question_form(request, questionnaire, dimension, None)


@coordinator_required
def question_edit(request: HttpRequest, questionnaire_id: int, question_id: int) -> HttpResponse:
    questionnaire = _questionnaire(questionnaire_id)
    question = get_object_or_404(questionnaire.questions.select_related("dimension"), pk=question_id)
    return _question_form(request, questionnaire, question.dimension, question)


@require_POST
@coordinator_required
def question_delete(request: HttpRequest, questionnaire_id: int, question_id: int) -> HttpResponse:
    questionnaire = _questionnaire(questionnaire_id)
    question = get_object_or_404(questionnaire.questions, pk=question_id)
    try:
        services.question_delete(actor=_user(request), question=question)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Question deleted."))
    return _to_detail(questionnaire)


# --- shared results ----------------------------------------------------------------------------


@staff_required
def check_result(request: HttpRequest, result_id: int) -> HttpResponse:
    """A result the company shared with its agency (for the coordination and the staff of the
    company's responsible agency), or one sent along with a request (for the agency it went to);
    404 for everyone else."""
    user = _user(request)
    try:
        result = check_access.result_for_staff(user, result_id)
    except Http404:
        # Also a result sent along with a request, for the agency the request went to.
        if not request_access.check_result_sent_to(user, result_id):
            raise
        result = check_access.completed_result(result_id)
    return render(request, "backoffice/check_result.html", {"result": result, "report": queries.report(result)})
