"""The comparison with companies of the same size: shown from five results on, each company once
(its latest result), never including the result itself or its own company."""

from __future__ import annotations

import pytest

from kgp.assessment import queries, services
from kgp.testing.factories import CompanyFactory, MembershipFactory, UserFactory

from .conftest import uniform

pytestmark = pytest.mark.django_db


def _company_result(completed, level: int, *, company=None, size_class="small"):
    user = UserFactory()
    company = company or CompanyFactory()
    MembershipFactory(user=user, company=company)
    return completed(size_class=size_class, level=level, user=user, company=company)


def test_four_other_results_are_not_enough_five_are(completed):
    own = completed(level=0)
    for level in (1, 2, 3, 4):
        completed(level=level)
    assert queries.comparison("small", own) is None
    completed(level=4)
    comparison = queries.comparison("small", own)
    assert comparison is not None and comparison.count == 5
    assert comparison.averages["overall"] == 70  # (25 + 50 + 75 + 100 + 100) / 5
    assert set(comparison.averages) == {"resilience", "climate", "smart", "cooperation", "talent", "overall"}


def test_each_company_counts_once_with_its_latest_result(completed):
    own = completed(level=0)
    company = CompanyFactory()
    _company_result(completed, 4, company=company)
    _company_result(completed, 4, company=company)
    latest = _company_result(completed, 1, company=company)
    for level in (1, 1, 1):
        completed(level=level)
    assert queries.comparison("small", own) is None  # 1 company + 3 anonymous = 4
    completed(level=1)
    comparison = queries.comparison("small", own)
    assert comparison.count == 5 and comparison.averages["overall"] == 25
    assert latest.scores["overall"] == 25


def test_the_own_result_and_the_own_company_are_left_out(completed):
    company = CompanyFactory()
    own = _company_result(completed, 0, company=company)
    _company_result(completed, 0, company=company)  # an earlier or later result of the same company
    for level in (4, 4, 4, 4):
        completed(level=level)
    assert queries.comparison("small", own) is None
    completed(level=4)
    assert queries.comparison("small", own).averages["overall"] == 100


def test_other_size_classes_and_unfinished_checks_do_not_count(completed, spec):
    own = completed(level=0)
    for _ in range(5):
        completed(size_class="medium", level=4)
        services.check_save_answers(result=services.check_start(size_class="small"), answers=uniform(spec, 4))
    assert queries.comparison("small", own) is None
    assert queries.comparison("medium", own).count == 5
    assert queries.comparison("", own) is None


def test_the_report_shows_the_comparison_per_dimension(completed):
    own = completed(level=2)
    for _ in range(5):
        completed(level=3)
    report = queries.report(own)
    assert report.comparison.count == 5
    assert all(row.average == 75 for row in report.rows) and report.overall_average == 75
