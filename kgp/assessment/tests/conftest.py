"""Fixtures of the Transformations-Check tests: the published version 1 (loaded by migration 0002)
and helpers to answer it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kgp.assessment import queries, scoring, services
from kgp.assessment.models import CheckResult, Questionnaire


@pytest.fixture
def v1(db) -> Questionnaire:
    return Questionnaire.objects.get(version=1)


@pytest.fixture
def spec(v1) -> scoring.Spec:
    return queries.spec_for(v1)


def uniform(spec: scoring.Spec, level: int) -> dict[str, int]:
    """The same level for every question (always consistent: every rule is met at equal levels)."""
    return {q.key: level for q in spec.questions}


@pytest.fixture
def completed(v1, spec) -> Callable[..., CheckResult]:
    """completed(size_class="small", level=2, answers=None, **start_kwargs) -> a completed result."""

    def make(size_class: str = "small", level: int = 2, answers: dict[str, int] | None = None, **kwargs) -> CheckResult:
        result = services.check_start(size_class=size_class, **kwargs)
        return services.check_complete(result=result, answers=answers or uniform(spec, level))

    return make
