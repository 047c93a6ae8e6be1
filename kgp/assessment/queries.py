"""Reads of the Transformations-Check: the questionnaire as a snapshot for the pure rules, the
comparison group, the recommended offers and a result as shown to people.

Who may read which result is decided in access.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import Count, F, IntegerField, Sum, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, RowNumber
from django.utils.translation import gettext as _

from kgp.catalogue.models import Offer

from . import scoring
from .models import CheckResult, Dimension, Questionnaire

COMPARISON_MINIMUM = 5  # companies in the group before averages are shown (anonymity)


def current_questionnaire() -> Questionnaire | None:
    """The published version, or None (then the check is closed)."""
    return Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED).first()


def spec_for(questionnaire: Questionnaire) -> scoring.Spec:
    """The version as the pure rules see it, with texts in the active language (four queries)."""
    return _load_spec(questionnaire)


def _load_spec(questionnaire: Questionnaire) -> scoring.Spec:
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
    count: int  # companies in the group (each with its latest result)
    averages: dict[str, int]  # {dimension key: average score, "overall": average}


def comparison(size_class: str, exclude_result: CheckResult | None = None) -> Comparison | None:
    """Anonymised averages of the completed results of one size class, or None below 5 companies.

    Only results saved to a company count, each company once with its latest result. Anonymous
    results (the portal without an account, everything posted to the public API) never count, so
    nobody can dilute or probe a group with fabricated results. The result itself and every result
    of its company are left out. A dimension is averaged over the results that have it (versions
    may differ); it needs 5 values too. One aggregate query, so the cost does not grow in Python
    with the number of stored results.
    """
    if not size_class:
        return None
    completed = CheckResult.objects.filter(size_class=size_class, completed_at__isnull=False, company__isnull=False)
    if exclude_result is not None:
        completed = completed.exclude(pk=exclude_result.pk)
        if exclude_result.company_id:
            completed = completed.exclude(company_id=exclude_result.company_id)
    # The latest result of each company: a window over the group, one pass (no query per company).
    rows = completed.annotate(
        recency=Window(RowNumber(), partition_by=[F("company_id")], order_by=[F("completed_at").desc(), F("pk").desc()])
    ).filter(recency=1)
    keys = _score_keys(exclude_result)
    aggregates: dict[str, Any] = {"n": Count("pk")}
    for index, key in enumerate(keys):
        value = Cast(KeyTextTransform(key, "scores"), IntegerField())
        aggregates[f"s{index}"] = Sum(value)
        aggregates[f"c{index}"] = Count(value)
    totals = rows.aggregate(**aggregates)
    if totals["n"] < COMPARISON_MINIMUM:
        return None
    averages = {
        key: scoring.round_half_up(Fraction(totals[f"s{i}"], totals[f"c{i}"]))
        for i, key in enumerate(keys)
        if totals[f"c{i}"] >= COMPARISON_MINIMUM
    }
    return Comparison(count=totals["n"], averages=averages)


def _score_keys(result: CheckResult | None) -> list[str]:
    """The score keys to compare: those of the result, else the current version's dimensions."""
    if result is not None and isinstance(result.scores, dict) and result.scores:
        return sorted(k for k in result.scores if isinstance(k, str) and k.replace("_", "").isalnum())
    questionnaire = current_questionnaire()
    keys = list(questionnaire.dimensions.values_list("key", flat=True)) if questionnaire else []
    return sorted({*keys, "overall"})


# --- recommendations ---------------------------------------------------------------------------


def candidate_offers() -> list[scoring.Candidate]:
    """The offers of the public catalogue, as the ranking sees them (two narrow queries: only the
    columns the ranking needs, and the topic keys straight from the link table)."""
    offers = list(Offer.objects.public().values_list("pk", "title", "module", "target_group", "slug"))
    topics: dict[int, set[str]] = {}
    links = Offer.topics.through.objects.filter(offer__in=Offer.objects.public()).values_list("offer_id", "topic__key")
    for offer_id, key in links:
        topics.setdefault(offer_id, set()).add(key)
    return [
        scoring.Candidate(
            id=pk, title=title, module=module, topics=frozenset(topics.get(pk, ())), target_group=target_group, slug=slug
        )
        for pk, title, module, target_group, slug in offers
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
