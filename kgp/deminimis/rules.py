"""Pure de-minimis rules (Commission Regulation (EU) 2023/2831), no database.

The ceiling is EUR 300,000 per single undertaking within any period of three years, rolling.
Aid granted on day D is checked against all aid granted from "D minus three years" (exclusive) up
to D (inclusive): aid on 2025-03-01 → window 2022-03-02 … 2025-03-01.

29 February: "D minus three years" never falls on a 29 February (three years before a leap year
is a common year), so for D = 2028-02-29 it is taken as 2025-02-28, the last day of that February,
and the window starts on 2025-03-01. A window ending on 2027-02-28 starts on 2024-02-29, so aid on
a leap day is counted like aid on any other day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

CEILING_EUR = Decimal("300000")
YEARS = 3


@dataclass(frozen=True)
class Aid:
    """One de-minimis aid for the rules: the day it counts from and its gross grant equivalent."""

    day: dt.date
    amount: Decimal


def years_before(day: dt.date, years: int = YEARS) -> dt.date:
    """The same calendar day `years` years earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February → the target year has no leap day
        return day.replace(year=day.year - years, day=28)


def years_after(day: dt.date, years: int = YEARS) -> dt.date:
    """The same calendar day `years` years later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def window_start(day: dt.date) -> dt.date:
    """The first day of the three-year window that ends on `day` (the day three years before is outside)."""
    return years_before(day) + dt.timedelta(days=1)


def in_window(aid_day: dt.date, day: dt.date) -> bool:
    """Whether aid granted on `aid_day` counts in the window that ends on `day`."""
    return window_start(day) <= aid_day <= day


def rolling_total(aids: Iterable[Aid], day: dt.date) -> Decimal:
    """The sum of the aid in the three-year window that ends on `day`."""
    return sum((a.amount for a in aids if in_window(a.day, day)), Decimal("0"))


def headroom(aids: Iterable[Aid], day: dt.date, ceiling: Decimal = CEILING_EUR) -> Decimal:
    """How much aid may still be granted on `day` (never below zero)."""
    return max(Decimal("0"), Decimal(ceiling) - rolling_total(aids, day))


def would_exceed(
    existing: Iterable[Aid], new_value: Decimal, day: dt.date, ceiling: Decimal = CEILING_EUR
) -> bool:
    """Whether new aid of `new_value` on `day` breaks the ceiling in any three-year period.

    The window ending on `day` is the rule's check. Where aid dated later than `day` is already
    recorded (aid entered afterwards with an earlier date), the windows ending on those later days
    also contain the new aid, so they are checked too: the ceiling holds for *any* three-year period.
    """
    aids = list(existing)
    new = Aid(day, Decimal(new_value))
    candidates = [a for a in aids if day < a.day and in_window(day, a.day)]
    ends = [day] + sorted({a.day for a in candidates})
    return any(rolling_total([*aids, new], end) > Decimal(ceiling) for end in ends)
