"""The comparison with companies of the same size: shown from five companies on, each company once
(its latest result), never including the result itself or its own company. Results without a
company (anonymous checks, the public API) never count."""

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


def test_four_other_companies_are_not_enough_five_are(completed):
    own = _company_result(completed, 0)
    for level in (1, 2, 3, 4):
        _company_result(completed, level)
    assert queries.comparison("small", own) is None
    _company_result(completed, 4)
    comparison = queries.comparison("small", own)
    assert comparison is not None and comparison.count == 5
    assert comparison.averages["overall"] == 70  # (25 + 50 + 75 + 100 + 100) / 5
    assert set(comparison.averages) == {"resilience", "climate", "smart", "cooperation", "talent", "overall"}


def test_anonymous_results_never_count(completed):
    """Results without a company (the portal without an account, the public API) cannot fill or
    dilute a group: otherwise one could post four fabricated results and read off a fifth."""
    own = _company_result(completed, 0)
    for level in (1, 2, 3, 4):
        _company_result(completed, level)
    for _ in range(10):
        completed(level=4)
    assert queries.comparison("small", own) is None
    anonymous = completed(level=0)
    assert queries.comparison("small", anonymous).count == 5  # the 5 companies; anonymous results add nothing
    _company_result(completed, 4)
    assert queries.comparison("small", own).count == 5
    assert queries.comparison("small", anonymous).count == 6


def test_each_company_counts_once_with_its_latest_result(completed):
    own = _company_result(completed, 0)
    company = CompanyFactory()
    _company_result(completed, 4, company=company)
    _company_result(completed, 4, company=company)
    latest = _company_result(completed, 1, company=company)
    for level in (1, 1, 1):
        _company_result(completed, level)
    assert queries.comparison("small", own) is None  # 4 companies, one of them with three results
    _company_result(completed, 1)
    comparison = queries.comparison("small", own)
    assert comparison.count == 5 and comparison.averages["overall"] == 25
    assert latest.scores["overall"] == 25


def test_the_own_result_and_the_own_company_are_left_out(completed):
    company = CompanyFactory()
    own = _company_result(completed, 0, company=company)
    _company_result(completed, 0, company=company)  # an earlier or later result of the same company
    for level in (4, 4, 4, 4):
        _company_result(completed, level)
    assert queries.comparison("small", own) is None
    _company_result(completed, 4)
    assert queries.comparison("small", own).averages["overall"] == 100


def test_other_size_classes_and_unfinished_checks_do_not_count(completed, spec):
    own = _company_result(completed, 0)
    for _ in range(5):
        _company_result(completed, 4, size_class="medium")
        company = CompanyFactory()
        user = UserFactory()
        MembershipFactory(user=user, company=company)
        unfinished = services.check_start(size_class="small", user=user, company=company)
        services.check_save_answers(result=unfinished, answers=uniform(spec, 4))
    assert queries.comparison("small", own) is None
    assert queries.comparison("medium", own).count == 5
    assert queries.comparison("", own) is None


def test_the_report_shows_the_comparison_per_dimension(completed):
    own = _company_result(completed, 2)
    for _ in range(5):
        _company_result(completed, 3)
    report = queries.report(own)
    assert report.comparison.count == 5
    assert all(row.average == 75 for row in report.rows) and report.overall_average == 75
