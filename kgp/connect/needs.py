"""A need proposed from a Transformations-Check result: its weakest dimensions and, in them, the
questions answered lowest, with the next level as the goal. The company or its consultant reviews
the proposal before it is saved (`services.need_create(check_result=…)`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kgp.assessment import queries, scoring
from kgp.assessment.models import CheckResult

MAX_DIMENSIONS = 2
MAX_QUESTIONS = 3


@dataclass
class Proposal:
    title: str
    text: str
    topics: list[str] = field(default_factory=list)
    dimensions: list[str] = field(default_factory=list)  # dimension names, weakest first


def weakest_dimensions(spec: scoring.Spec, result_scores: dict[str, int]) -> list[scoring.DimensionSpec]:
    dimension_scores = {d.key: result_scores[d.key] for d in spec.dimensions if d.key in result_scores}
    targeted = set(scoring.targeted_dimensions(dimension_scores))
    ordered = sorted((d for d in spec.dimensions if d.key in targeted), key=lambda d: (dimension_scores[d.key], d.key))
    return ordered[:MAX_DIMENSIONS]


def propose(result: CheckResult) -> Proposal | None:
    """The proposed need of a completed result, or None (not completed, no scores)."""
    if result.completed_at is None or not result.scores:
        return None
    spec = queries.spec_for(result.questionnaire)
    dims = weakest_dimensions(spec, result.scores)
    if not dims:
        return None
    paragraphs: list[str] = []
    topics: list[str] = []
    for dim in dims:
        questions = [q for q in spec.questions if q.dimension == dim.key and q.key in result.answers]
        questions.sort(key=lambda q: (result.answers[q.key], -q.weight, q.number))
        lines = []
        for q in questions[:MAX_QUESTIONS]:
            level = result.answers[q.key]
            goal = next((o.text for o in q.options if o.level == level + 1), "")
            if level >= 4:
                continue
            lines.append(f"- {q.text}" + (" " + _("Goal: %(goal)s") % {"goal": goal} if goal else ""))
        if not lines:
            continue
        header = _("%(dimension)s (score %(score)d of 100)") % {"dimension": dim.name, "score": result.scores[dim.key]}
        paragraphs.append("\n".join([header, *lines]))
        topics.extend(t for t in sorted(dim.topics) if t not in topics)
    if not paragraphs:
        return None  # nothing left to improve
    names = [d.name for d in dims if d.name in "\n".join(paragraphs)]
    title = _("From the Transformations-Check: %(dimensions)s") % {"dimensions": ", ".join(names)}
    intro = _("In the Transformations-Check these areas scored lowest. We are looking for support with:")
    return Proposal(title=title[:200], text="\n\n".join([intro, *paragraphs])[:4000], topics=topics, dimensions=names)
