"""Demo check results, so that the comparison with companies of the same size shows in the demo.

`seed_check_results(companies=[...])` is called by `seed_demo`. It answers the published version
with deterministic random answers (per profile: some companies are ahead in climate, others in
smart production ...) through the services, so the audit log is filled as in real use.
"""

from __future__ import annotations

import random

from django.db import transaction

from kgp.accounts.models import User
from kgp.companies.models import Company, CompanyMembership

from . import queries, services
from .models import CheckResult, SizeBand

PER_SIZE_CLASS = 6  # results per size class in all (anonymous ones fill up; they are not compared)
DEMO_ACTOR = "seed_demo"  # the audit log's actor label for demo links and shares


def _answers(spec, rng: random.Random) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Consistent answers around a per-dimension level (the rules are respected by construction)."""
    centre = {d.key: rng.choice([0.8, 1.5, 2.0, 2.5, 3.2]) for d in spec.dimensions}
    answers: dict[str, int] = {}
    for question in spec.questions:
        levels = sorted(question.levels)
        wanted = round(rng.gauss(centre[question.dimension], 0.8))
        answers[question.key] = min(levels, key=lambda lv: abs(lv - wanted))
    for _round in range(3):  # raise required answers until every rule holds
        for question in spec.questions:
            if question.has_rule and answers[question.key] >= (question.requires_from_level or 0):
                required = spec.question(question.requires or "")
                if required is not None and answers[required.key] < (question.requires_min_level or 0):
                    answers[required.key] = min(lv for lv in required.levels if lv >= (question.requires_min_level or 0))
    return answers


def _member(company: Company) -> User | None:
    membership = (
        CompanyMembership.objects.filter(company=company, status=CompanyMembership.Status.APPROVED).select_related("user").first()
    )
    return membership.user if membership else None


@transaction.atomic
def seed_check_results(*, companies: list[Company], rng_seed: int = 0) -> list[CheckResult]:
    """At least six completed results per size class: one for each given company (its own size
    class where known; saved to the company, every second one shared with its agency), then
    anonymous ones until every size class has six. Does nothing without a published version.

    Only the company results count for the comparison (five other companies are needed), so the
    caller passes enough companies per size class for the comparison to show in the demo.
    """
    questionnaire = queries.current_questionnaire()
    if questionnaire is None:
        return []
    spec = queries.spec_for(questionnaire)
    rng = random.Random(rng_seed)
    created: list[CheckResult] = []
    counts = {band: 0 for band in SizeBand.values}
    for index, company in enumerate(companies):
        size_class = services.size_band_for_company(company) or rng.choice(SizeBand.values)
        user = _member(company)
        result = services.check_start(size_class=size_class, user=user, company=company if user else None)
        services.check_save_answers(result=result, answers=_answers(spec, rng))
        result = services.check_complete(result=result, actor=user)
        if user is None:
            # As if a person of the company had taken the check and saved it: demo data only.
            result = services.record_link(result=result, company=company, user=None, actor=DEMO_ACTOR)
        if index % 2 == 0:
            result = services.record_share(result=result, shared=True, actor=user or DEMO_ACTOR)
        counts[size_class] += 1
        created.append(result)
    for size_class in SizeBand.values:
        while counts[size_class] < PER_SIZE_CLASS:
            result = services.check_start(size_class=size_class)
            result = services.check_complete(result=result, answers=_answers(spec, rng))
            counts[size_class] += 1
            created.append(result)
    return created
