"""Services of the Transformations-Check: answering it, and editing the questionnaire.

Keyword-only, typed, atomic; each one writes the audit log (except saving in-progress answers,
which are the respondent's scratch pad: the log records the start, the completion, the link to a
company and every change of the sharing). Views and the API validate input and call these.

A published or retired questionnaire version never changes: the coordination copies it to a draft
(`questionnaire_draft_from`), edits the draft and publishes it, which retires the previous version.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kgp.accounts.models import User
from kgp.companies.models import Company, Topic
from kgp.core.audit import diff, log_action, snapshot
from kgp.core.errors import ServiceError

from . import access, fixtures, queries, scoring
from .models import BANDS, CheckResult, Dimension, Option, Question, Questionnaire, SizeBand

ANONYMOUS = "anonymous"  # the actor label of an anonymous respondent in the audit log
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 bits


class AnswersInvalid(ServiceError):
    """Answers that cannot be stored or scored; `errors` holds one entry per problem and question."""

    def __init__(self, errors: list[scoring.AnswerError]) -> None:
        codes = {e.code for e in errors}
        super().__init__(describe(errors), field="answers", code=codes.pop() if len(codes) == 1 else "invalid_answers")
        self.errors = errors

    def by_question(self) -> dict[str, list[str]]:
        return scoring.errors_by_question(self.errors)


def describe(errors: Iterable[scoring.AnswerError]) -> str:
    """One sentence per kind of problem, naming the question ids (for the API and the logs)."""
    groups: dict[str, list[str]] = {}
    for error in errors:
        groups.setdefault(error.code, []).append(error.question)
    parts = []
    if keys := groups.get("unknown_question"):
        parts.append(_("Unknown question ids: %(ids)s.") % {"ids": ", ".join(keys)})
    if keys := groups.get("missing"):
        parts.append(
            ngettext("Missing answer: %(ids)s.", "Missing answers: %(ids)s.", len(keys)) % {"ids": ", ".join(keys)}
        )
    if keys := groups.get("invalid_level"):
        parts.append(_("Level not offered by the question: %(ids)s.") % {"ids": ", ".join(keys)})
    if keys := groups.get("inconsistent"):
        parts.append(_("Inconsistent answers: %(ids)s.") % {"ids": ", ".join(keys)})
    return " ".join(parts) or _("The answers are invalid.")


def _actor(user: User | None) -> Any:
    return user if user is not None and user.pk else ANONYMOUS


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _check_size_class(size_class: str) -> str:
    size_class = (size_class or "").strip()
    if size_class not in SizeBand.values:
        raise ServiceError(_("Please tell us how many people your company employs."), field="size_class", code="size_class")
    return size_class


def size_band_for_company(company: Company | None) -> str:
    """The company's current size class as a comparison group ("" when unknown)."""
    value = getattr(company, "size_class", "") or ""
    return value if value in SizeBand.values else ""


def _check_member(user: User | None, company: Company | None) -> None:
    if company is None:
        return
    if user is None or not access.member_companies(user).filter(pk=company.pk).exists():
        raise ServiceError(_("You may only save a check for a company you belong to."), field="company", code="not_member")


# --- answering the check -----------------------------------------------------------------------


@transaction.atomic
def check_start(
    *,
    size_class: str,
    user: User | None = None,
    company: Company | None = None,
    questionnaire: Questionnaire | None = None,
    carry_over_from: CheckResult | None = None,
) -> CheckResult:
    """Start a check on the published version (or the given published one).

    `carry_over_from`: a result of an older version whose answers are taken over where the new
    version asks a question with the same id and offers the same level.
    """
    questionnaire = questionnaire or queries.current_questionnaire()
    if questionnaire is None or questionnaire.status != Questionnaire.Status.PUBLISHED:
        raise ServiceError(_("The check is not available at the moment. Please try again later."), code="no_questionnaire")
    size_class = _check_size_class(size_class)
    user = user if user is not None and user.is_authenticated else None
    _check_member(user, company)
    answers: dict[str, int] = {}
    if carry_over_from is not None:
        spec = queries.spec_for(questionnaire)
        for key, value in (carry_over_from.answers or {}).items():
            question = spec.question(key)
            if question is not None and scoring.as_level(value) in question.levels:
                answers[key] = int(value)
    result = CheckResult.objects.create(
        token=_new_token(),
        questionnaire=questionnaire,
        size_class=size_class,
        user=user,
        company=company,
        answers=answers,
    )
    changes = {"questionnaire": [None, questionnaire.version], "size_class": [None, size_class]}
    if carry_over_from is not None:
        changes["carried_over_from"] = [None, carry_over_from.pk]
    log_action(actor=_actor(user), action="create", obj=result, changes=changes)
    return result


def _locked_in_progress(result: CheckResult) -> CheckResult:
    locked = CheckResult.objects.select_for_update(of=("self",)).select_related("questionnaire").get(pk=result.pk)
    if locked.completed_at is not None:
        raise ServiceError(_("This check is completed already; its answers can no longer be changed."), code="completed")
    return locked


@transaction.atomic
def check_save_answers(*, result: CheckResult, answers: Mapping[str, Any]) -> list[scoring.AnswerError]:
    """Store the valid ones of the given answers (a partial save; nothing is required).

    Returns the problems: answers that were not stored (unknown question, level not offered) and
    stored answers that contradict a consistency rule involving one of the given questions.
    """
    locked = _locked_in_progress(result)
    spec = queries.spec_for(locked.questionnaire)
    given = {str(k): v for k, v in answers.items() if v not in (None, "")}
    errors = scoring.validate(spec, given)
    rejected = {e.question for e in errors if e.code in ("unknown_question", "invalid_level")}
    stored = dict(locked.answers or {})
    stored.update({k: int(v) for k, v in given.items() if k not in rejected})
    locked.answers = stored
    locked.save(update_fields=["answers", "updated_at"])
    result.answers = stored
    involved = set(given)
    consistency = [
        e
        for e in scoring.validate(spec, stored)
        if e.code == "inconsistent"
        and (e.question in involved or (spec.question(e.question) and spec.question(e.question).requires in involved))
    ]
    return [e for e in errors if e.code != "inconsistent"] + consistency


@transaction.atomic
def check_complete(*, result: CheckResult, answers: Mapping[str, Any] | None = None, actor: User | None = None) -> CheckResult:
    """Score a check whose answers are complete and consistent; raises AnswersInvalid otherwise
    (nothing is stored then, not even `answers`)."""
    locked = _locked_in_progress(result)
    spec = queries.spec_for(locked.questionnaire)
    merged = dict(locked.answers or {})
    merged.update({str(k): v for k, v in (answers or {}).items() if v not in (None, "")})
    errors = scoring.validate(spec, merged, require_all=True)
    if errors:
        raise AnswersInvalid(errors)
    locked.answers = {k: int(v) for k, v in merged.items()}
    locked.scores = scoring.scores(spec, locked.answers)
    locked.completed_at = timezone.now()
    locked.save(update_fields=["answers", "scores", "completed_at", "updated_at"])
    log_action(
        actor=_actor(actor or locked.user),
        action="update",
        obj=locked,
        changes={"completed_at": [None, locked.completed_at.isoformat()], "scores": [None, locked.scores]},
    )
    return locked


@transaction.atomic
def check_submit(
    *, version: int, answers: Mapping[str, Any], size_class: str = "", actor: User | None = None
) -> CheckResult:
    """Answers sent in one go (the API): the version must be the current one and the answers complete
    and consistent, else nothing is stored. Stores an anonymous, completed result."""
    questionnaire = queries.current_questionnaire()
    if questionnaire is None:
        raise ServiceError(_("The check is not available at the moment. Please try again later."), code="no_questionnaire")
    if version != questionnaire.version:
        raise ServiceError(
            _("Version %(sent)s is not the current version of the questionnaire; the current version is %(current)s.")
            % {"sent": version, "current": questionnaire.version},
            field="version",
            code="wrong_version",
        )
    if size_class:
        size_class = _check_size_class(size_class)
    spec = queries.spec_for(questionnaire)
    errors = scoring.validate(spec, answers, require_all=True)
    if errors:
        raise AnswersInvalid(errors)
    clean = {k: int(v) for k, v in answers.items()}
    result = CheckResult.objects.create(
        token=_new_token(),
        questionnaire=questionnaire,
        size_class=size_class,
        answers=clean,
        scores=scoring.scores(spec, clean),
        completed_at=timezone.now(),
    )
    log_action(
        actor=_actor(actor),
        action="create",
        obj=result,
        changes={"questionnaire": [None, questionnaire.version], "scores": [None, result.scores], "source": [None, "api"]},
    )
    return result


@transaction.atomic
def check_attach_to_company(*, result: CheckResult, user: User, company: Company) -> CheckResult:
    """Save a result to one of the user's companies (or move it to another of them). Moving a result
    withdraws its sharing: the other company has not agreed to anything."""
    locked = CheckResult.objects.select_for_update(of=("self",)).get(pk=result.pk)
    if not access.can_attach(user, locked):
        raise ServiceError(_("You may not save this check to a company."), code="not_allowed")
    _check_member(user, company)
    locked = record_link(result=locked, company=company, user=user, actor=user)
    result.company, result.user, result.shared_with_agency = locked.company, locked.user, locked.shared_with_agency
    return locked


@transaction.atomic
def check_share(*, result: CheckResult, shared: bool, actor: User) -> CheckResult:
    """The company agrees (or no longer agrees) that its responsible agency sees the result.

    Sharing is logged on the company's timeline (the entry names the company); withdrawing is
    logged without the company, so nothing new about the result reaches the agency.
    """
    locked = CheckResult.objects.select_for_update(of=("self",)).select_related("company").get(pk=result.pk)
    if not access.can_share(actor, locked):
        raise ServiceError(_("Only a member of the company can share a completed check."), code="not_allowed")
    locked = record_share(result=locked, shared=shared, actor=actor)
    result.shared_with_agency, result.shared_at = locked.shared_with_agency, locked.shared_at
    return locked


# The two writes behind attach and share, without the permission checks: for callers that have
# checked already (the services above) and for the demo data. Both lock and log.


@transaction.atomic
def record_link(*, result: CheckResult, company: Company, user: User | None, actor: Any) -> CheckResult:
    locked = CheckResult.objects.select_for_update(of=("self",)).select_related("company").get(pk=result.pk)
    if locked.company_id == company.pk and locked.user_id == (user.pk if user else None):
        return locked
    if locked.shared_with_agency and locked.company_id != company.pk:
        locked = record_share(result=locked, shared=False, actor=actor)
    before = {"company": str(locked.company) if locked.company_id else None}
    locked.company = company
    locked.user = user
    locked.save(update_fields=["company", "user", "updated_at"])
    if changes := diff(before, {"company": str(company)}):
        log_action(actor=actor, action="update", obj=locked, changes=changes)
    return locked


@transaction.atomic
def record_share(*, result: CheckResult, shared: bool, actor: Any) -> CheckResult:
    locked = CheckResult.objects.select_for_update(of=("self",)).select_related("company").get(pk=result.pk)
    if locked.shared_with_agency == shared:
        return locked
    if shared and (locked.company_id is None or locked.completed_at is None):
        raise ServiceError(_("Only a member of the company can share a completed check."), code="not_allowed")
    locked.shared_with_agency = shared
    locked.shared_at = timezone.now() if shared else None
    locked.save(update_fields=["shared_with_agency", "shared_at", "updated_at"])
    log_action(
        actor=actor,
        action="consent",
        obj=locked,
        company=locked.company if shared else None,
        changes={"shared_with_agency": [not shared, shared]},
    )
    return locked


# --- editing the questionnaire (network coordination) ------------------------------------------

QUESTION_FIELDS = ("key", "text_de", "text_en", "help_de", "help_en", "weight")
RULE_FIELDS = ("requires", "requires_from_level", "requires_min_level")
DIMENSION_FIELDS = (
    "name_de", "name_en", "description_de", "description_en",
    *(f"interpretation_{b}_{lang}" for b in BANDS for lang in ("de", "en")),
)  # fmt: skip


@dataclass(frozen=True)
class OptionData:
    level: int
    text_de: str
    text_en: str = ""


def _ensure_draft(questionnaire: Questionnaire) -> None:
    if questionnaire.status != Questionnaire.Status.DRAFT:
        raise ServiceError(
            _("Version %(version)s is %(status)s and can no longer be changed. Create a new draft from it.")
            % {"version": questionnaire.version, "status": questionnaire.get_status_display()},
            code="not_draft",
        )


def _full_clean(instance: Any, **kwargs: Any) -> None:
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(" ".join(messages), field=None if field == "__all__" else field) from exc


def _next_version() -> int:
    return (Questionnaire.objects.aggregate(m=Max("version"))["m"] or 0) + 1


def _create_version(data: dict[str, Any]) -> Questionnaire:
    try:
        with transaction.atomic():
            return fixtures.load(data, version=_next_version(), status=Questionnaire.Status.DRAFT)
    except IntegrityError as exc:  # two drafts created at the same moment
        raise ServiceError(_("Another version was created at the same time. Please try again."), code="conflict") from exc


@transaction.atomic
def questionnaire_draft_from(*, actor: User | None, source: Questionnaire) -> Questionnaire:
    """A new draft version with everything of `source` (dimensions, topics, questions, rules, options)."""
    data = fixtures.export(source)
    data["change_note"] = ""
    draft = _create_version(data)
    log_action(actor=actor, action="create", obj=draft, changes={"version": [None, draft.version], "copied_from": [None, source.version]})
    return draft


@transaction.atomic
def questionnaire_import(*, actor: User | None, data: dict[str, Any]) -> Questionnaire:
    """A new draft version from a questionnaire file (see fixtures.py)."""
    try:
        draft = _create_version(data)
    except fixtures.FixtureError as exc:
        raise ServiceError(str(exc), code="invalid_file") from exc
    log_action(actor=actor, action="import", obj=draft, changes={"version": [None, draft.version]})
    return draft


@transaction.atomic
def questionnaire_update(*, actor: User | None, questionnaire: Questionnaire, title: str, change_note: str) -> Questionnaire:
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    _ensure_draft(questionnaire)
    before = snapshot(questionnaire, ("title", "change_note"))
    questionnaire.title, questionnaire.change_note = (title or "").strip(), (change_note or "").strip()
    _full_clean(questionnaire, validate_constraints=False)
    questionnaire.save(update_fields=["title", "change_note"])
    if changes := diff(before, snapshot(questionnaire, ("title", "change_note"))):
        log_action(actor=actor, action="update", obj=questionnaire, changes=changes)
    return questionnaire


@transaction.atomic
def questionnaire_delete(*, actor: User | None, questionnaire: Questionnaire) -> None:
    """Delete a draft (published and retired versions stay, with their results)."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    _ensure_draft(questionnaire)
    log_action(actor=actor, action="delete", obj=questionnaire, changes={"version": [questionnaire.version, None]})
    questionnaire.delete()


def _dimension_snapshot(dimension: Dimension) -> dict[str, Any]:
    return snapshot(dimension, DIMENSION_FIELDS) | {"topics": sorted(t.key for t in dimension.topics.all())}


@transaction.atomic
def dimension_update(
    *, actor: User | None, dimension: Dimension, data: Mapping[str, Any], topics: Iterable[Topic]
) -> Dimension:
    _ensure_draft(Questionnaire.objects.select_for_update().get(pk=dimension.questionnaire_id))
    dimension = Dimension.objects.get(pk=dimension.pk)  # a bound ModelForm may have changed the instance
    before = _dimension_snapshot(dimension)
    for name in DIMENSION_FIELDS:
        if name in data:
            setattr(dimension, name, (data[name] or "").strip())
    _full_clean(dimension, exclude=["questionnaire", "key", "topics"], validate_constraints=False)
    dimension.save()
    dimension.topics.set(list(topics))
    if changes := diff(before, _dimension_snapshot(dimension)):
        log_action(actor=actor, action="update", obj=dimension, changes=changes)
    return dimension


def _question_snapshot(question: Question) -> dict[str, Any]:
    values = snapshot(question, QUESTION_FIELDS)
    values["requires"] = question.requires.key if question.requires_id else None
    values["requires_from_level"] = question.requires_from_level
    values["requires_min_level"] = question.requires_min_level
    values["options"] = [f"{o.level}: {o.text_de}" for o in question.options.order_by("level")]
    return values


def _apply_question(question: Question, data: Mapping[str, Any], options: list[OptionData]) -> None:
    """Validate and save a question of a draft with its options and its consistency rule."""
    for name in QUESTION_FIELDS:
        if name in data:
            value = data[name]
            setattr(question, name, value.strip() if isinstance(value, str) else value)
    levels = [o.level for o in options]
    if len(options) < 2:
        raise ServiceError(_("A question needs at least two answers."), field="options", code="options")
    if len(set(levels)) != len(levels) or any(lv not in range(5) for lv in levels):
        raise ServiceError(_("Each answer needs its own level from 0 to 4."), field="options", code="options")
    if any(not o.text_de.strip() for o in options):
        raise ServiceError(_("Every answer needs a German text."), field="options", code="options")
    clash = Question.objects.filter(questionnaire_id=question.questionnaire_id, key=question.key).exclude(pk=question.pk)
    if clash.exists():
        raise ServiceError(_("Another question of this version has the id “%(key)s”.") % {"key": question.key}, field="key", code="duplicate_key")
    requires = data.get("requires", question.requires if question.requires_id else None)
    from_level = data.get("requires_from_level", question.requires_from_level)
    min_level = data.get("requires_min_level", question.requires_min_level)
    if requires is None:
        question.requires, question.requires_from_level, question.requires_min_level = None, None, None
    else:
        if requires.questionnaire_id != question.questionnaire_id or (question.pk and requires.pk == question.pk):
            raise ServiceError(_("A rule can only refer to another question of the same version."), field="requires", code="rule")
        if from_level is None or min_level is None:
            raise ServiceError(_("A rule needs both levels."), field="requires_from_level", code="rule")
        if from_level not in levels:
            raise ServiceError(_("This question does not offer the level the rule starts from."), field="requires_from_level", code="rule")
        if not requires.options.filter(level=min_level).exists():
            raise ServiceError(_("The other question does not offer the level the rule requires."), field="requires_min_level", code="rule")
        question.requires, question.requires_from_level, question.requires_min_level = requires, from_level, min_level
    _full_clean(question, exclude=["questionnaire", "dimension", "requires"], validate_constraints=False)
    question.save()
    question.options.all().delete()
    Option.objects.bulk_create(
        Option(question=question, level=o.level, text_de=o.text_de.strip(), text_en=o.text_en.strip()) for o in options
    )


@transaction.atomic
def question_create(
    *, actor: User | None, dimension: Dimension, data: Mapping[str, Any], options: list[OptionData]
) -> Question:
    _ensure_draft(Questionnaire.objects.select_for_update().get(pk=dimension.questionnaire_id))
    last = dimension.questions.aggregate(m=Max("order"))["m"] or 0
    question = Question(questionnaire_id=dimension.questionnaire_id, dimension=dimension, order=last + 1)
    _apply_question(question, data, options)
    log_action(
        actor=actor, action="create", obj=question, changes={k: [None, v] for k, v in _question_snapshot(question).items() if v}
    )
    return question


@transaction.atomic
def question_update(*, actor: User | None, question: Question, data: Mapping[str, Any], options: list[OptionData]) -> Question:
    _ensure_draft(Questionnaire.objects.select_for_update().get(pk=question.questionnaire_id))
    question = Question.objects.select_related("requires").get(pk=question.pk)  # a bound ModelForm may have changed it
    before = _question_snapshot(question)
    _apply_question(question, data, options)
    if changes := diff(before, _question_snapshot(question)):
        log_action(actor=actor, action="update", obj=question, changes=changes)
    return question


@transaction.atomic
def question_delete(*, actor: User | None, question: Question) -> None:
    """Delete a question of a draft; rules of other questions that referred to it are removed."""
    _ensure_draft(Questionnaire.objects.select_for_update().get(pk=question.questionnaire_id))
    question = Question.objects.select_related("requires").get(pk=question.pk)
    dependants = list(Question.objects.select_related("requires").filter(requires=question))
    for other in dependants:
        before = _question_snapshot(other)
        Question.objects.filter(pk=other.pk).update(requires=None, requires_from_level=None, requires_min_level=None)
        other.refresh_from_db()
        log_action(actor=actor, action="update", obj=other, changes=diff(before, _question_snapshot(other)))
    log_action(actor=actor, action="delete", obj=question, changes={k: [v, None] for k, v in _question_snapshot(question).items() if v})
    question.delete()


def publish_problems(questionnaire: Questionnaire) -> list[str]:
    """What stops a version from being published (empty when it may be)."""
    problems: list[str] = []
    dimensions = list(questionnaire.dimensions.order_by("order", "id"))
    questions = list(questionnaire.questions.select_related("requires").prefetch_related("options", "requires__options"))
    if not dimensions:
        problems.append(_("The version has no dimensions."))
    for dimension in dimensions:
        own = [q for q in questions if q.dimension_id == dimension.pk]
        if not own:
            problems.append(_("“%(dimension)s” has no questions.") % {"dimension": dimension.name_de})
        missing = [b for b in BANDS if not getattr(dimension, f"interpretation_{b}_de").strip()]
        if missing or not dimension.name_de.strip():
            problems.append(_("“%(dimension)s” needs a German name and a German interpretation for every score band.") % {"dimension": dimension.name_de or dimension.key})
    for question in questions:
        levels = {o.level for o in question.options.all()}
        label = {"key": question.key}
        if len(levels) < 2 or not {0, 4} <= levels:
            problems.append(_("Question “%(key)s” needs at least two answers, including levels 0 and 4.") % label)
        if question.requires_id:
            required_levels = {o.level for o in question.requires.options.all()}
            if (
                question.requires.questionnaire_id != questionnaire.pk
                or question.requires_from_level not in levels
                or question.requires_min_level not in required_levels
            ):
                problems.append(_("The rule of question “%(key)s” refers to levels that are not offered.") % label)
    return problems


@transaction.atomic
def questionnaire_publish(*, actor: User | None, questionnaire: Questionnaire) -> Questionnaire:
    """Make a draft the current version; the version published until now is retired."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    _ensure_draft(questionnaire)
    problems = publish_problems(questionnaire)
    if problems:
        raise ServiceError(" ".join(problems), code="not_publishable")
    for previous in Questionnaire.objects.select_for_update().filter(status=Questionnaire.Status.PUBLISHED):
        previous.status = Questionnaire.Status.RETIRED
        previous.save(update_fields=["status"])
        log_action(actor=actor, action="update", obj=previous, changes={"status": ["published", "retired"]})
    questionnaire.status = Questionnaire.Status.PUBLISHED
    questionnaire.published_at = timezone.now()
    questionnaire.save(update_fields=["status", "published_at"])
    log_action(actor=actor, action="update", obj=questionnaire, changes={"status": ["draft", "published"]})
    return questionnaire
