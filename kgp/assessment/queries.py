"""Reads of the Transformations-Check: the questionnaire as a snapshot for the pure rules, the
comparison group, the recommended offers and a result as shown to people.

Who may read which result is decided in access.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

from kgp.catalogue.models import Offer

from . import scoring
from .models import CheckResult, Dimension, Questionnaire

COMPARISON_MINIMUM = 5  # results in the group before averages are shown (anonymity)


def current_questionnaire() -> Questionnaire | None:
    """The published version, or None (then the check is closed)."""
    return Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED).first()


def spec_for(questionnaire: Questionnaire) -> scoring.Spec:
    """The version as the pure rules see it, with texts in the active language (three queries)."""
    dimensions = list(questionnaire.dimensions.prefetch_related("topics").order_by("order", "id"))
    order = {d.pk: i for i, d in enumerate(dimensions)}
    questions = sorted(
        questionnaire.questions.select_related("requires").prefetch_related("options"),
        key=lambda q: (order.get(q.dimension_id, 0), q.order, q.pk),
    )
    keys = {d.pk: d.key for d in dimensions}
    return scoring.Spec(
        version=questionnaire.version,
        dimensions=tuple(
            scoring.DimensionSpec(d.key, d.name, frozenset(t.key for t in d.topics.all()), d.description)
            for d in dimensions
        ),
        questions=tuple(
            scoring.QuestionSpec(
                key=q.key,
                dimension=keys[q.dimension_id],
                text=q.text,
                weight=q.weight,
                options=tuple(scoring.OptionSpec(o.level, o.text) for o in sorted(q.options.all(), key=lambda o: o.level)),
                number=number,
                requires=q.requires.key if q.requires_id else None,
                requires_from_level=q.requires_from_level,
                requires_min_level=q.requires_min_level,
                help=q.help,
            )
            for number, q in enumerate(questions, start=1)
        ),
    )


# --- comparison --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    count: int  # results in the group
    averages: dict[str, int]  # {dimension key: average score, "overall": average}


def comparison(size_class: str, exclude_result: CheckResult | None = None) -> Comparison | None:
    """Anonymised averages of the completed results of one size class, or None below 5 results.

    Each company counts once, with its latest result; anonymous results count each. The result
    itself and every result of its company are left out. A dimension is averaged over the results
    that have it (versions may differ); it needs 5 values too.
    """
    if not size_class:
        return None
    rows = CheckResult.objects.filter(size_class=size_class, completed_at__isnull=False)
    if exclude_result is not None:
        rows = rows.exclude(pk=exclude_result.pk)
        if exclude_result.company_id:
            rows = rows.exclude(company_id=exclude_result.company_id)
    seen: set[int] = set()
    group: list[Mapping[str, int]] = []
    for company_id, result_scores in rows.order_by("-completed_at", "-id").values_list("company_id", "scores").iterator():
        if company_id is not None:
            if company_id in seen:
                continue
            seen.add(company_id)
        if isinstance(result_scores, dict):
            group.append(result_scores)
    if len(group) < COMPARISON_MINIMUM:
        return None
    values: dict[str, list[int]] = {}
    for result_scores in group:
        for key, value in result_scores.items():
            if isinstance(value, int) and not isinstance(value, bool):
                values.setdefault(key, []).append(value)
    averages = {
        key: scoring.round_half_up(Fraction(sum(v), len(v))) for key, v in values.items() if len(v) >= COMPARISON_MINIMUM
    }
    return Comparison(count=len(group), averages=averages)


# --- recommendations ---------------------------------------------------------------------------


def candidate_offers() -> list[scoring.Candidate]:
    """The offers of the public catalogue, as the ranking sees them (two queries)."""
    return [
        scoring.Candidate(
            id=o.pk,
            title=o.title,
            module=o.module,
            topics=frozenset(t.key for t in o.topics.all()),
            target_group=o.target_group,
            slug=o.slug,
        )
        for o in Offer.objects.public().prefetch_related("topics")
    ]


def recommendations(spec: scoring.Spec, result: CheckResult) -> list[scoring.Recommendation]:
    if not result.scores:
        return []
    return scoring.recommend(spec, result.scores, candidate_offers(), size_class=result.size_class)


def answer_rows(spec: scoring.Spec, answers: Mapping[str, int]) -> list[tuple[str, list[tuple[int, str, int | None, str]]]]:
    """[(dimension name, [(question number, question, level, answer text)])] in questionnaire order."""
    rows = []
    for dimension in spec.dimensions:
        items = []
        for question in spec.questions_of(dimension.key):
            level = scoring.as_level(answers.get(question.key))
            items.append((question.number, question.text, level, question.option_text(level) if level is not None else "–"))
        rows.append((dimension.name, items))
    return rows


# --- a result for display ----------------------------------------------------------------------

BAND_LABELS = {
    "low": lambda: _("getting started"),
    "basic": lambda: _("basic"),
    "advanced": lambda: _("advanced"),
    "leading": lambda: _("leading"),
}


@dataclass(frozen=True)
class DimensionRow:
    key: str
    name: str
    description: str
    score: int
    band: str
    band_label: str
    interpretation: str
    average: int | None  # of the comparison group, when shown


@dataclass(frozen=True)
class Report:
    result: CheckResult
    spec: scoring.Spec
    rows: list[DimensionRow]
    overall: int
    overall_band: str
    overall_band_label: str
    overall_average: int | None
    comparison: Comparison | None
    recommendations: list[scoring.Recommendation]

    @property
    def answers(self) -> list[tuple[str, list[tuple[int, str, int | None, str]]]]:
        return answer_rows(self.spec, self.result.answers or {})


def _interpretation(dimension: Dimension, band: str) -> str:
    from .models import _lang

    return _lang(dimension, f"interpretation_{band}")


def report(result: CheckResult, *, with_comparison: bool = True, with_recommendations: bool = True) -> Report:
    """A completed result with the texts of its own questionnaire version (old results keep theirs)."""
    spec = spec_for(result.questionnaire)
    compared = comparison(result.size_class, result) if with_comparison else None
    averages = compared.averages if compared else {}
    rows = []
    for dimension in result.questionnaire.dimensions.order_by("order", "id"):
        if dimension.key not in result.scores:
            continue
        score = int(result.scores[dimension.key])
        band = scoring.band(score)
        rows.append(
            DimensionRow(
                key=dimension.key,
                name=dimension.name,
                description=dimension.description,
                score=score,
                band=band,
                band_label=str(BAND_LABELS[band]()),
                interpretation=_interpretation(dimension, band),
                average=averages.get(dimension.key),
            )
        )
    overall = int(result.scores.get("overall", 0))
    return Report(
        result=result,
        spec=spec,
        rows=rows,
        overall=overall,
        overall_band=scoring.band(overall),
        overall_band_label=str(BAND_LABELS[scoring.band(overall)]()),
        overall_average=averages.get("overall"),
        comparison=compared,
        recommendations=recommendations(spec, result) if with_recommendations else [],
    )
