"""A need proposed from the weakest dimensions of a Transformations-Check result."""

from __future__ import annotations

import pytest
from django.utils import translation

from kgp.connect import needs

pytestmark = pytest.mark.django_db


def test_weakest_dimensions_become_the_need(completed, spec):
    # Everything at level 3, the climate questions at 0 and the smart ones at 1.
    answers = {q.key: 3 for q in spec.questions}
    for q in spec.questions:
        if q.dimension == "climate":
            answers[q.key] = 0
        elif q.dimension == "smart":
            answers[q.key] = 1
    result = completed(answers=answers)
    with translation.override("de"):
        proposal = needs.propose(result)
        names = {d.key: d.name for d in needs.queries.spec_for(result.questionnaire).dimensions}
    assert proposal.dimensions == [names["climate"], names["smart"]]
    assert names["climate"] in proposal.title
    climate_question = next(q for q in spec.questions if q.dimension == "climate")
    assert climate_question.text in proposal.text
    # The goal is the next level's option of that question.
    assert next(o.text for o in climate_question.options if o.level == 1) in proposal.text
    climate = next(d for d in spec.dimensions if d.key == "climate")
    assert set(climate.topics) <= set(proposal.topics)


def test_no_proposal_for_an_unfinished_check(v1):
    from kgp.assessment import services

    result = services.check_start(size_class="small")
    assert needs.propose(result) is None


def test_nothing_to_propose_when_everything_is_at_the_top(completed):
    assert needs.propose(completed(level=4)) is None
