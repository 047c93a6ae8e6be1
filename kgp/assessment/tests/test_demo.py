"""Demo results: enough per size class for the comparison, some saved to companies and shared."""

from __future__ import annotations

import pytest

from kgp.assessment import queries
from kgp.assessment.demo import seed_check_results
from kgp.assessment.models import CheckResult, SizeBand
from kgp.companies.queries import company_timeline
from kgp.testing.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_seed_check_results_fills_every_size_class_and_shares_some(v1, company, company_user):
    companies = [company] + [CompanyFactory(size_class=size) for size in ("micro", "small", "medium", "large", "unknown")]
    companies += [CompanyFactory(size_class="micro") for _ in range(5)]
    created = seed_check_results(companies=companies, rng_seed=3)
    assert all(r.completed_at for r in created)
    for size in SizeBand.values:
        assert CheckResult.objects.filter(size_class=size, completed_at__isnull=False).count() >= 6
    micro = CheckResult.objects.filter(size_class="micro", company__isnull=False)
    assert micro.count() >= 6 and queries.comparison("micro", micro.first()) is not None
    assert queries.comparison("medium", CheckResult.objects.filter(size_class="medium").first()) is None  # anonymous fill-ups do not count
    linked = CheckResult.objects.filter(company__isnull=False)
    assert linked.count() == len(companies)
    assert linked.filter(shared_with_agency=True).count() == 6
    member_result = CheckResult.objects.get(company=company)
    assert member_result.user == company_user and member_result.shared_with_agency
    assert any(i.kind == "audit" and i.obj.object_type == "assessment.checkresult" for i in company_timeline(company))


def test_seed_check_results_is_deterministic_in_its_answers(v1):
    first = [r.answers for r in seed_check_results(companies=[], rng_seed=7)]
    CheckResult.objects.all().delete()
    second = [r.answers for r in seed_check_results(companies=[], rng_seed=7)]
    assert first == second and len(first) == 4 * 6
