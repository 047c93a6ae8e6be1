"""SME size class (Recommendation 2003/361/EC): the domain file's examples, boundaries, provisional
classes, partner/linked enterprises and the two-consecutive-years rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kgp.companies import sme
from kgp.companies.sme import Classification, Figures, HoldingFigures

M = D(1_000_000)


@pytest.mark.parametrize(
    ("staff", "turnover", "balance", "expected"),
    [
        (9, D("1.9") * M, D("5.0") * M, "micro"),
        (9, D("2.5") * M, D("1.5") * M, "micro"),
        (10, D("1.0") * M, D("1.0") * M, "small"),
        (49, D("12.0") * M, D("9.0") * M, "small"),
        (49, D("12.0") * M, D("11.0") * M, "medium"),
        (249, D("60.0") * M, D("40.0") * M, "medium"),
        (250, D("10.0") * M, D("10.0") * M, "large"),
    ],
)
def test_domain_examples(staff, turnover, balance, expected):
    result = sme.classify(Figures(D(staff), turnover, balance))
    assert result == Classification(expected, False)


def test_partner_enterprise_pro_rata_example():
    own = Figures(D(40), D(8) * M, None)
    partner = HoldingFigures("partner", D(30), D(100), D(10) * M, None)
    total = sme.aggregate(own, [partner])
    assert total.staff_awu == D(70)
    assert total.turnover == D(11) * M
    assert sme.classify(total).size_class == "medium"


def test_linked_enterprise_counts_in_full():
    own = Figures(D(5), D(1) * M, D(1) * M)
    linked = HoldingFigures("linked", D(60), D(10), D(1) * M, D(1) * M)
    total = sme.aggregate(own, [linked])
    assert total.staff_awu == D(15)
    assert sme.classify(total).size_class == "small"


@pytest.mark.parametrize(
    ("staff", "turnover", "balance", "expected"),
    [
        (D("9.99"), 2 * M, 2 * M, "micro"),  # ceilings are "at most" for money
        (D("9.99"), 2 * M + 1, 2 * M + 1, "small"),  # both financial ceilings missed
        (D("49.5"), 10 * M, 50 * M, "small"),
        (D("49.5"), 50 * M, 43 * M, "medium"),
        (D("249.99"), 50 * M + 1, 43 * M, "medium"),
        (D("249.99"), 50 * M + 1, 43 * M + 1, "large"),
        (D(0), D(0), D(0), "micro"),
    ],
)
def test_boundaries(staff, turnover, balance, expected):
    assert sme.classify(Figures(staff, turnover, balance)).size_class == expected


def test_one_financial_figure_is_enough_and_not_provisional():
    assert sme.classify(Figures(D(5), None, D(1) * M)) == Classification("micro", False)
    assert sme.classify(Figures(D(5), D(30) * M, None)) == Classification("medium", True)  # balance might be small


def test_provisional_by_staff_alone_when_financials_unknown():
    assert sme.classify(Figures(D(9))) == Classification("micro", True)
    assert sme.classify(Figures(D(120))) == Classification("medium", True)
    assert sme.classify(Figures(D(300))) == Classification("large", False)  # staff alone rule out every SME class


def test_public_control_is_never_sme():
    assert sme.classify(Figures(D(3), M, M), public_control_25=True) == Classification("large", False)


def _c(name, provisional=False):
    return Classification(name, provisional)


def test_two_year_rule_one_year_over_the_ceiling_keeps_the_class():
    periods = sme.size_class_history([(2022, _c("small")), (2023, _c("medium")), (2024, _c("small"))])
    assert [p.size_class for p in periods] == ["small"]


def test_two_year_rule_two_consecutive_years_change_the_class():
    periods = sme.size_class_history([(2021, _c("small")), (2022, _c("medium")), (2023, _c("medium"))])
    assert [(p.size_class, p.valid_from) for p in periods] == [
        ("small", dt.date(2021, 1, 1)),
        ("medium", dt.date(2024, 1, 1)),
    ]
    assert sme.class_on(periods, dt.date(2023, 6, 30)).size_class == "small"
    assert sme.class_on(periods, dt.date(2024, 1, 1)).size_class == "medium"


def test_two_year_rule_moves_to_the_nearer_class_and_down_as_well():
    up = sme.size_class_history([(2020, _c("micro")), (2021, _c("large")), (2022, _c("small"))])
    assert up[-1].size_class == "small"
    down = sme.size_class_history([(2020, _c("medium")), (2021, _c("micro")), (2022, _c("micro"))])
    assert down[-1].size_class == "micro"


def test_gap_in_years_lets_the_newest_year_decide():
    periods = sme.size_class_history([(2015, _c("micro")), (2024, _c("medium"))])
    assert periods[-1].size_class == "medium"
    assert periods[-1].valid_from == dt.date(2025, 1, 1)


def test_history_of_nothing_is_empty():
    assert sme.size_class_history([]) == []
    assert sme.class_on([], dt.date.today()) is None


money = st.decimals(min_value=0, max_value=10**11, places=2, allow_nan=False, allow_infinity=False)
staff = st.decimals(min_value=0, max_value=10**5, places=2, allow_nan=False, allow_infinity=False)


@given(staff, money, money, money)
def test_more_turnover_never_makes_a_company_smaller(s, t, b, extra):
    order = sme.ORDER
    small = sme.classify(Figures(s, t, b))
    bigger = sme.classify(Figures(s, t + extra, b))
    assert order[bigger.size_class] >= order[small.size_class]


@given(staff, money, money)
def test_class_meets_its_ceilings(s, t, b):
    result = sme.classify(Figures(s, t, b))
    ceilings = {name: (sm, tm, bm) for name, sm, tm, bm in sme.CEILINGS}
    if result.size_class != "large":
        sm, tm, bm = ceilings[result.size_class]
        assert s < sm and (t <= tm or b <= bm)


def test_one_known_figure_over_the_ceiling_is_provisional():
    # 100 staff, turnover 60 m, balance sheet unknown: medium if the balance sheet were ≤ 43 m.
    assert sme.classify(Figures(D(100), D(60) * M, None)) == Classification("large", True)
    # Turnover 5 m misses the micro ceiling, but meets the small one: small, yet could be micro.
    assert sme.classify(Figures(D(5), D(5) * M, None)) == Classification("small", True)
    # The known figure meets the smallest ceiling the staff allow: final.
    assert sme.classify(Figures(D(5), None, D(1) * M)) == Classification("micro", False)
