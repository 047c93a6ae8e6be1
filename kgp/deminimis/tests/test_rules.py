import datetime as dt
from decimal import Decimal

from kgp.deminimis import rules
from kgp.deminimis.rules import Aid

D = dt.date


def test_window_of_the_domain_example():
    assert rules.window_start(D(2025, 3, 1)) == D(2022, 3, 2)
    assert not rules.in_window(D(2022, 3, 1), D(2025, 3, 1))  # exactly three years before: outside
    assert rules.in_window(D(2022, 3, 2), D(2025, 3, 1))  # the next day: inside
    assert rules.in_window(D(2025, 3, 1), D(2025, 3, 1))
    assert not rules.in_window(D(2025, 3, 2), D(2025, 3, 1))  # later aid is not in this window


def test_29_february():
    # Three years before 2028-02-29 is 2025-02-28 (no leap day in 2025): the window starts on 1 March.
    assert rules.window_start(D(2028, 2, 29)) == D(2025, 3, 1)
    assert not rules.in_window(D(2025, 2, 28), D(2028, 2, 29))
    assert rules.in_window(D(2025, 3, 1), D(2028, 2, 29))
    # Aid granted on a leap day counts like any other day.
    assert rules.window_start(D(2027, 2, 28)) == D(2024, 2, 29)
    assert rules.in_window(D(2024, 2, 29), D(2027, 2, 28))
    assert not rules.in_window(D(2024, 2, 29), D(2027, 3, 1))
    assert rules.window_start(D(2027, 3, 1)) == D(2024, 3, 2)


def test_rolling_total_and_headroom():
    aids = [Aid(D(2022, 3, 1), Decimal("100000")), Aid(D(2022, 3, 2), Decimal("50000")), Aid(D(2024, 1, 1), Decimal("20000"))]
    assert rules.rolling_total(aids, D(2025, 3, 1)) == Decimal("70000")
    assert rules.headroom(aids, D(2025, 3, 1)) == Decimal("230000")
    assert rules.rolling_total(aids, D(2025, 2, 28)) == Decimal("170000")
    assert rules.headroom([Aid(D(2024, 1, 1), Decimal("400000"))], D(2024, 1, 1)) == 0


def test_would_exceed_at_the_ceiling():
    existing = [Aid(D(2023, 1, 1), Decimal("250000"))]
    assert not rules.would_exceed(existing, Decimal("50000"), D(2025, 1, 1))  # exactly 300,000 is allowed
    assert rules.would_exceed(existing, Decimal("50000.01"), D(2025, 1, 1))
    assert rules.would_exceed(existing, Decimal("60000"), D(2025, 12, 31))  # the 2023 aid is still inside
    assert not rules.would_exceed(existing, Decimal("60000"), D(2026, 1, 1))  # exactly three years later: outside


def test_would_exceed_checks_later_windows_too():
    # Aid recorded later with an earlier date must not break the window of aid already granted.
    existing = [Aid(D(2020, 1, 1), Decimal("200000")), Aid(D(2022, 6, 1), Decimal("90000"))]
    # On 2023-02-01 the 2020 aid is outside the window: 90,000 + 100,000 fits.
    assert not rules.would_exceed(existing, Decimal("100000"), D(2023, 2, 1))
    # Backdated to 2021-01-01: the window ending 2022-06-01 would hold 200,000 + 90,000 + 20,000.
    assert rules.would_exceed(existing, Decimal("20000"), D(2021, 1, 1))
