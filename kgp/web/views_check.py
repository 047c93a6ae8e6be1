"""The Transformations-Check in the portal: start, one step per dimension, result, history.

Anonymous respondents reach their check by its unguessable link only (/transformations-check/<token>/);
logged-in company users also find theirs on /portal/transformations-check/. A resumed check keeps the
questionnaire version it was started with; when a newer version is published meanwhile, the page
offers to start over on it with the answers to unchanged questions taken over.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kgp.accounts.models import Role, User
from kgp.assessment import access, queries, scoring, services
from kgp.assessment.forms import AttachForm, StartForm, answers_from_post
from kgp.assessment.models import CheckResult, Questionnaire
from kgp.core.errors import ServiceError

SESSION_RESULT = "check_result_token"  # the latest completed result, offered with a request
SESSION_IN_PROGRESS = "check_in_progress_token"  # the check this browser started, for "continue"


def _user(request: HttpRequest) -> User | None:
    """The logged-in company user; anybody else takes the check anonymously (staff trying it out)."""
    user = request.user
    return user if user.is_authenticated and user.role == Role.COMPANY else None  # type: ignore[return-value]


def _private(response: HttpResponse) -> HttpResponse:
    """Pages reached by a token: never cached, never indexed."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _resume_url(request: HttpRequest, result: CheckResult) -> str:
    return request.build_absolute_uri(reverse("web:check_resume", args=[result.token]))


# --- start -------------------------------------------------------------------------------------


@never_cache
def check_start(request: HttpRequest) -> HttpResponse:
    questionnaire = queries.current_questionnaire()
    user = _user(request)
    companies = access.member_companies(user) if user else None
    initial = {}
    if companies is not None:
        first = companies.first()
        initial = {"company": first.pk if first else None, "size_class": services.size_band_for_company(first)}
    form = StartForm(request.POST if request.method == "POST" else None, companies=companies, initial=initial)
    if request.method == "POST" and questionnaire is not None and form.is_valid():
        try:
            result = services.check_start(
                size_class=form.cleaned_data["size_class"], user=user, company=form.cleaned_data.get("company")
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            request.session[SESSION_IN_PROGRESS] = result.token
            return redirect("web:check_step", token=result.token, step=1)
    in_progress = None
    token = request.session.get(SESSION_IN_PROGRESS)
    if token:
        in_progress = CheckResult.objects.filter(token=token, completed_at__isnull=True).first()
    context = {
        "form": form,
        "questionnaire": questionnaire,
        "dimensions": questionnaire.dimensions.order_by("order", "id") if questionnaire else [],
        "question_count": questionnaire.questions.count() if questionnaire else 0,
        "in_progress": in_progress,
    }
    return render(request, "web/check/start.html", context, status=400 if request.method == "POST" else 200)


# --- the steps ---------------------------------------------------------------------------------


@dataclass
class QuestionView:
    key: str
    number: int
    text: str
    help: str
    options: list[tuple[int, str, bool]]  # (level, text, checked)
    errors: list[str] = field(default_factory=list)


def _resume(request: HttpRequest, token: str) -> HttpResponse:
    result = access.result_by_token(token)
    if result.completed_at is not None:
        return redirect("web:check_result", token=token)
    spec = queries.spec_for(result.questionnaire)
    answered = set(result.answers or {})
    for step, dimension in enumerate(spec.dimensions, start=1):
        if any(q.key not in answered for q in spec.questions_of(dimension.key)):
            return redirect("web:check_step", token=token, step=step)
    return redirect("web:check_step", token=token, step=len(spec.dimensions))


@never_cache
def check_resume(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link: the first step with open questions, or the result when completed."""
    return _private(_resume(request, token))


def _render_step(
    request: HttpRequest,
    result: CheckResult,
    spec: scoring.Spec,
    step: int,
    *,
    answers: dict[str, object],
    errors: list[scoring.AnswerError] | None = None,
    status: int = 200,
) -> HttpResponse:
    dimension = spec.dimensions[step - 1]
    errors = errors or []
    by_question = scoring.errors_by_question(errors)
    questions = [
        QuestionView(
            key=q.key,
            number=q.number,
            text=q.text,
            help=q.help,
            options=[(o.level, o.text, str(answers.get(q.key, "")) == str(o.level)) for o in q.options],
            errors=by_question.get(q.key, []),
        )
        for q in spec.questions_of(dimension.key)
    ]
    step_keys = {q.key for q in questions}
    summary = []
    for error in errors:
        question = spec.question(error.question)
        number = question.number if question else ""
        anchor = f"#q-{error.question}-{question.options[0].level}" if question and question.options else f"#q-{error.question}"
        if error.question in step_keys:
            href = anchor
        else:
            href = reverse("web:check_step", args=[result.token, spec.step_of(error.question)]) + anchor
        summary.append({"href": href, "number": number, "message": error.message})
    current = queries.current_questionnaire()
    context = {
        "result": result,
        "dimension": dimension,
        "step": step,
        "steps": [(i, d.name) for i, d in enumerate(spec.dimensions, start=1)],
        "step_count": len(spec.dimensions),
        "questions": questions,
        "summary": summary,
        "resume_url": _resume_url(request, result),
        "answered": len(result.answers or {}),
        "question_count": len(spec.questions),
        "newer_version": current if current is not None and current.pk != result.questionnaire_id else None,
    }
    return _private(render(request, "web/check/step.html", context, status=status))


@never_cache
def check_step(request: HttpRequest, token: str, step: int) -> HttpResponse:
    result = access.result_by_token(token)
    if result.completed_at is not None:
        return redirect("web:check_result", token=token)
    spec = queries.spec_for(result.questionnaire)
    if not 1 <= step <= len(spec.dimensions):
        raise Http404
    if request.method != "POST":
        return _render_step(request, result, spec, step, answers=dict(result.answers or {}))
    keys = [q.key for q in spec.questions_of(spec.dimensions[step - 1].key)]
    given = answers_from_post(request.POST, keys)
    action = request.POST.get("action", "next")
    try:
        problems = services.check_save_answers(result=result, answers=given)
    except ServiceError:  # completed meanwhile (another tab)
        return redirect("web:check_result", token=token)
    shown = dict(result.answers or {}) | given
    if action == "save":
        messages.success(request, _("Your answers are saved. You can continue later with your personal link."))
        return redirect("web:check_step", token=token, step=step)
    if action == "back":
        return redirect("web:check_step", token=token, step=max(step - 1, 1))
    # next / finish: this step must be complete and consistent
    step_errors = [e for e in problems if e.question in keys]
    flagged = {e.question for e in step_errors}
    step_errors += [
        e for e in scoring.validate(spec, result.answers or {}, require=keys) if e.question in keys and e.question not in flagged
    ]
    step_errors.sort(key=lambda e: keys.index(e.question))
    if step_errors:
        return _render_step(request, result, spec, step, answers=shown, errors=step_errors, status=400)
    if step < len(spec.dimensions):
        return redirect("web:check_step", token=token, step=step + 1)
    try:
        result = services.check_complete(result=result, actor=_user(request))
    except services.AnswersInvalid as exc:
        return _render_step(request, result, spec, step, answers=shown, errors=exc.errors, status=400)
    request.session[SESSION_RESULT] = result.token
    request.session.pop(SESSION_IN_PROGRESS, None)
    return redirect("web:check_result", token=token)


@require_POST
def check_restart(request: HttpRequest, token: str) -> HttpResponse:
    """Start over on the current version; answers to unchanged questions are taken over."""
    old = access.result_by_token(token)
    user = _user(request)
    owner = user if user is not None and old.user_id == user.pk else None
    company = old.company if owner and old.company_id and access.member_companies(owner).filter(pk=old.company_id).exists() else None
    try:
        result = services.check_start(size_class=old.size_class, user=owner, company=company, carry_over_from=old)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("web:check_resume", token=token)
    request.session[SESSION_IN_PROGRESS] = result.token
    messages.success(request, _("You are now answering the current version. Your answers to unchanged questions were taken over."))
    return _resume(request, result.token)


# --- result ------------------------------------------------------------------------------------


@never_cache
def check_result(request: HttpRequest, token: str) -> HttpResponse:
    result = access.result_by_token(token)
    if result.completed_at is None:
        return redirect("web:check_resume", token=token)
    request.session[SESSION_RESULT] = result.token
    user = _user(request)
    companies = access.member_companies(user) if user else None
    context = {
        "report": queries.report(result),
        "result": result,
        "resume_url": _resume_url(request, result),
        "can_attach": bool(user and companies is not None and companies.exists() and access.can_attach(user, result)),
        "attach_form": AttachForm(companies=companies, initial={"company": result.company_id}) if companies is not None else None,
        "can_share": bool(user and access.can_share(user, result)),
        "agency": (result.company.responsible_partner if result.company_id else None),
    }
    return _private(render(request, "web/check/result.html", context))


@require_POST
@login_required
def check_attach(request: HttpRequest, token: str) -> HttpResponse:
    result = access.result_by_token(token)
    user: User = request.user  # type: ignore[assignment]
    if not access.can_attach(user, result):
        raise PermissionDenied
    form = AttachForm(request.POST, companies=access.member_companies(user))
    if not form.is_valid():
        messages.error(request, _("Please choose one of your companies."))
        return redirect("web:check_result", token=token)
    try:
        services.check_attach_to_company(result=result, user=user, company=form.cleaned_data["company"])
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The result is saved for %(company)s. Your agency sees it only if you share it.") % {"company": form.cleaned_data["company"].name}
        )
    return redirect("web:check_result", token=token)


@require_POST
@login_required
def check_share(request: HttpRequest, token: str) -> HttpResponse:
    result = access.result_by_token(token)
    user: User = request.user  # type: ignore[assignment]
    if not access.can_share(user, result):
        raise PermissionDenied
    shared = request.POST.get("shared") == "1"
    services.check_share(result=result, shared=shared, actor=user)
    if shared:
        messages.success(request, _("Your agency can now see this result."))
    else:
        messages.success(request, _("Your agency can no longer see this result."))
    return redirect("web:check_result", token=token)


# --- history -----------------------------------------------------------------------------------


@login_required
def check_history(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.is_staff_member:
        return redirect("backoffice:home")
    results = list(access.results_for_member(user).order_by("-created_at", "-id")[:100])
    current = queries.current_questionnaire()
    return render(
        request,
        "web/check/history.html",
        {
            "in_progress": [r for r in results if r.completed_at is None],
            "completed": [r for r in results if r.completed_at is not None],
            "current_version": current.version if current else None,
            "retired": Questionnaire.Status.RETIRED,
        },
    )
