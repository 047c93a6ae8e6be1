"""The rules of the Transformations-Check as pure functions: no database access.

The functions work on a `Spec`, a frozen snapshot of one questionnaire version (built from the
database by `queries.spec_for`), so the same rules serve the portal, the API, the backoffice and the
tests.

- **Validation** (`validate`): every problem is reported for its question — a missing answer, an
  unknown question id, a level the question does not offer, and answers that contradict a
  consistency rule ("if this answer is at least `from_level`, the answer to `requires` must be at
  least `min_level`").
- **Scores** (`scores`): a dimension scores the weighted mean of its levels, divided by 4, times 100,
  rounded half up to a whole number; the overall score is the mean of the dimension scores, rounded
  the same way. So every score lies between 0 and 100.
- **Bands** (`band`): below 25 low, 25-49 basic, 50-74 advanced, 75 and more leading.
- **Recommendations** (`recommend`): see the function.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

MIN_LEVEL, MAX_LEVEL = 0, 4
BAND_LIMITS = ((75, "leading"), (50, "advanced"), (25, "basic"), (0, "low"))

# Recommendations
TARGET_WINDOW = 15  # dimensions within this many points of the weakest are targeted too
TARGET_BELOW = 50  # and so is every dimension below this score
MODULE_BONUS = 10  # the offer's module suits the level of its dimension
EXTRA_DIMENSION_BONUS = 3  # per further targeted dimension the offer addresses
RECOMMENDATION_LIMIT = 6
EARLY_MODULES = frozenset({"inform", "coach"})  # for a dimension below 50
ADVANCED_MODULES = frozenset({"connect", "transfer"})  # for a dimension at 50 or more
SME_ONLY = "sme"
LARGE = "large"


# --- the snapshot ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionSpec:
    level: int
    text: str


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    dimension: str  # dimension key
    text: str
    weight: int
    options: tuple[OptionSpec, ...]
    number: int = 0  # 1-based position in the whole questionnaire (for messages)
    requires: str | None = None  # key of the question this one depends on
    requires_from_level: int | None = None
    requires_min_level: int | None = None
    help: str = ""

    @property
    def levels(self) -> frozenset[int]:
        return frozenset(o.level for o in self.options)

    def option_text(self, level: int) -> str:
        return next((o.text for o in self.options if o.level == level), str(level))

    @property
    def has_rule(self) -> bool:
        return bool(self.requires) and self.requires_from_level is not None and self.requires_min_level is not None


@dataclass(frozen=True)
class DimensionSpec:
    key: str
    name: str
    topics: frozenset[str] = frozenset()
    description: str = ""


@dataclass(frozen=True)
class Spec:
    """One questionnaire version: dimensions in order, questions in order."""

    version: int
    dimensions: tuple[DimensionSpec, ...]
    questions: tuple[QuestionSpec, ...]
    _by_key: dict[str, QuestionSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key.update({q.key: q for q in self.questions})

    def question(self, key: str) -> QuestionSpec | None:
        return self._by_key.get(key)

    def questions_of(self, dimension_key: str) -> list[QuestionSpec]:
        return [q for q in self.questions if q.dimension == dimension_key]

    def dimension(self, key: str) -> DimensionSpec | None:
        return next((d for d in self.dimensions if d.key == key), None)

    def step_of(self, question_key: str) -> int:
        """The 1-based step (one per dimension) a question is asked on."""
        question = self.question(question_key)
        keys = [d.key for d in self.dimensions]
        return keys.index(question.dimension) + 1 if question and question.dimension in keys else 1


# --- validation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerError:
    question: str  # the question key (or the unknown id as sent)
    code: str  # missing, unknown_question, invalid_level, inconsistent
    message: str


_LEVEL_TEXT = re.compile(r"-?[0-9]{1,3}")


def as_level(value: Any) -> int | None:
    """An answer as a whole number, or None when it is not one (booleans and fractions are not)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _LEVEL_TEXT.fullmatch(value.strip()):
        return int(value.strip())  # ASCII digits only: "²" or "٣" pass isdigit() but not int()
    return None


def validate(
    spec: Spec,
    answers: Mapping[str, Any],
    *,
    require: Iterable[str] | None = None,
    require_all: bool = False,
) -> list[AnswerError]:
    """The problems of `answers`, in question order (unknown ids last, sorted).

    `require_all` reports every unanswered question as missing; `require` only the given ones (one
    step of the form). A consistency rule is checked when both of its answers are present and valid.
    """
    errors: list[AnswerError] = []
    required = {q.key for q in spec.questions} if require_all else set(require or ())
    valid: dict[str, int] = {}
    for question in spec.questions:
        if question.key not in answers or answers[question.key] in (None, ""):
            if question.key in required:
                errors.append(AnswerError(question.key, "missing", _("Please choose an answer to this question.")))
            continue
        level = as_level(answers[question.key])
        if level is None or level not in question.levels:
            offered = ", ".join(str(lv) for lv in sorted(question.levels))
            errors.append(
                AnswerError(
                    question.key,
                    "invalid_level",
                    _("“%(value)s” is not one of the answers to this question (levels %(offered)s).")
                    % {"value": str(answers[question.key])[:20], "offered": offered},
                )
            )
            continue
        valid[question.key] = level
    for question in spec.questions:
        error = _rule_error(spec, question, valid)
        if error is not None:
            errors.append(error)
    for key in sorted(k for k in answers if spec.question(str(k)) is None):
        errors.append(AnswerError(str(key)[:60], "unknown_question", _("This question does not exist in this version of the check.")))
    order = {q.key: i for i, q in enumerate(spec.questions)}
    errors.sort(key=lambda e: (order.get(e.question, len(order)), e.code != "invalid_level"))
    return errors


def _rule_error(spec: Spec, question: QuestionSpec, valid: Mapping[str, int]) -> AnswerError | None:
    if not question.has_rule or question.key not in valid or question.requires not in valid:
        return None
    other = spec.question(question.requires or "")
    if other is None:
        return None
    assert question.requires_from_level is not None and question.requires_min_level is not None
    if valid[question.key] < question.requires_from_level or valid[other.key] >= question.requires_min_level:
        return None
    message = _(
        "This answer does not fit your answer to question %(number)s “%(question)s”: it needs at least "
        "“%(needed)s” there. Please check both answers."
    ) % {"number": other.number, "question": other.text, "needed": other.option_text(question.requires_min_level)}
    return AnswerError(question.key, "inconsistent", message)


def errors_by_question(errors: Iterable[AnswerError]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for error in errors:
        grouped.setdefault(error.question, []).append(error.message)
    return grouped


# --- scores ------------------------------------------------------------------------------------


def round_half_up(value: Fraction) -> int:
    """Rounded to the nearest whole number, halves upwards (62.5 -> 63; Python's round gives 62)."""
    return int((value * 2 + 1) // 2)


def scores(spec: Spec, answers: Mapping[str, int]) -> dict[str, int]:
    """{dimension key: 0-100, ..., "overall": 0-100} for complete, valid answers (in dimension order).

    A dimension without questions is left out (a published version has none).
    """
    result: dict[str, int] = {}
    for dimension in spec.dimensions:
        questions = spec.questions_of(dimension.key)
        if not questions:
            continue
        weights = sum(q.weight for q in questions)
        total = sum(q.weight * int(answers[q.key]) for q in questions)
        result[dimension.key] = round_half_up(Fraction(total * 100, weights * MAX_LEVEL))
    dimension_scores = list(result.values())
    result["overall"] = round_half_up(Fraction(sum(dimension_scores), len(dimension_scores))) if dimension_scores else 0
    return result


def band(score: int) -> str:
    """low (below 25), basic (25-49), advanced (50-74) or leading (75 and more)."""
    return next(name for limit, name in BAND_LIMITS if score >= limit)


# --- recommendations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """An offer as the ranking sees it."""

    id: int
    title: str
    module: str
    topics: frozenset[str]
    target_group: str = "all"
    slug: str = ""


@dataclass(frozen=True)
class Recommendation:
    offer: Candidate
    relevance: int
    dimension: str  # the dimension that gives the offer its relevance
    also: tuple[str, ...]  # further targeted dimensions it addresses
    module_fits: bool
    reason: str


def targeted_dimensions(dimension_scores: Mapping[str, int]) -> list[str]:
    """The weakest dimension, every dimension within 15 points of it, and every one below 50.

    When all dimensions score the same (all answers 0, or all 4), all of them are targeted.
    """
    if not dimension_scores:
        return []
    lowest = min(dimension_scores.values())
    return [k for k, s in dimension_scores.items() if s <= lowest + TARGET_WINDOW or s < TARGET_BELOW]


def recommend(
    spec: Spec,
    result_scores: Mapping[str, int],
    candidates: Iterable[Candidate],
    *,
    size_class: str = "",
    limit: int = RECOMMENDATION_LIMIT,
) -> list[Recommendation]:
    """Offers that address the weakest dimensions, best first.

    - Only offers with a topic of a targeted dimension count (a dimension's topics come from the
      questionnaire). SME-only offers are left out for size class "large".
    - Relevance = the largest gap (100 - score) among the targeted dimensions the offer addresses,
      + 10 when its module suits the level of that dimension (below 50: inform or coach; 50 or more:
      connect or transfer), + 3 for every further targeted dimension it addresses.
    - Ties: higher relevance first, then title (case-insensitive), then id. At most `limit`.

    With all answers 4 every gap is 0, so connect and transfer offers come first; with all answers 0
    inform and coach offers do.
    """
    dimension_scores = {d.key: int(result_scores[d.key]) for d in spec.dimensions if d.key in result_scores}
    targeted = targeted_dimensions(dimension_scores)
    order = {key: i for i, key in enumerate(dimension_scores)}
    lowest = min(dimension_scores.values()) if dimension_scores else 0
    ranked: list[Recommendation] = []
    for offer in candidates:
        if size_class == LARGE and offer.target_group == SME_ONLY:
            continue
        addressed = [
            key for key in targeted if (dimension := spec.dimension(key)) is not None and dimension.topics & offer.topics
        ]
        if not addressed:
            continue
        # The biggest gap wins; on equal gaps the dimension asked first.
        primary = min(addressed, key=lambda k: (dimension_scores[k], order[k]))
        score = dimension_scores[primary]
        fits = offer.module in (EARLY_MODULES if score < TARGET_BELOW else ADVANCED_MODULES)
        also = tuple(k for k in addressed if k != primary)
        relevance = (100 - score) + (MODULE_BONUS if fits else 0) + EXTRA_DIMENSION_BONUS * len(also)
        reason = _reason(spec, primary, score, lowest=lowest, also=also, fits=fits)
        ranked.append(Recommendation(offer, relevance, primary, also, fits, reason))
    ranked.sort(key=lambda r: (-r.relevance, r.offer.title.casefold(), r.offer.id))
    return ranked[:limit]


def _reason(spec: Spec, key: str, score: int, *, lowest: int, also: tuple[str, ...], fits: bool) -> str:
    name = _dimension_name(spec, key)
    values = {"dimension": name, "score": score}
    if score >= 75:
        parts = [_("Takes “%(dimension)s” further, where you are already strong (%(score)s of 100 points).") % values]
    elif score == lowest:
        parts = [_("Addresses your weakest area “%(dimension)s” (%(score)s of 100 points).") % values]
    else:
        parts = [_("Addresses “%(dimension)s”, where you reached %(score)s of 100 points.") % values]
    if fits and score < TARGET_BELOW:
        parts.append(_("A good first step at your level."))
    elif fits:
        parts.append(_("Suits your level: it connects you with partners or research."))
    if also:
        parts.append(_("Also covers %(dimensions)s.") % {"dimensions": ", ".join(f"“{_dimension_name(spec, k)}”" for k in also)})
    return " ".join(parts)


def _dimension_name(spec: Spec, key: str) -> str:
    dimension = spec.dimension(key)
    return dimension.name if dimension else key
