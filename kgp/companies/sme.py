"""SME size class per Commission Recommendation 2003/361/EC (see shared domain file sme-definition.md).

Pure functions, no database: the services feed them with the stored figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

MILLION = Decimal(1_000_000)

# class, staff ceiling (strictly below), turnover ceiling (at most), balance sheet ceiling (at most)
CEILINGS: tuple[tuple[str, Decimal, Decimal, Decimal], ...] = (
    ("micro", Decimal(10), 2 * MILLION, 2 * MILLION),
    ("small", Decimal(50), 10 * MILLION, 10 * MILLION),
    ("medium", Decimal(250), 50 * MILLION, 43 * MILLION),
)
ORDER = {"micro": 0, "small": 1, "medium": 2, "large": 3}


@dataclass(frozen=True)
class Figures:
    staff_awu: Decimal
    turnover: Decimal | None = None
    balance_sheet_total: Decimal | None = None


@dataclass(frozen=True)
class HoldingFigures:
    kind: str  # "partner" (pro rata) or "linked" (100 %)
    share_percent: Decimal
    staff_awu: Decimal
    turnover: Decimal | None = None
    balance_sheet_total: Decimal | None = None


@dataclass(frozen=True)
class Classification:
    size_class: str  # micro, small, medium, large
    provisional: bool


def _add(a: Decimal | None, b: Decimal | None, factor: Decimal) -> Decimal | None:
    if a is None:
        return None
    if b is None:
        return a
    return a + b * factor


def aggregate(own: Figures, holdings: Iterable[HoldingFigures] = ()) -> Figures:
    """Own figures plus partner enterprises pro rata and linked enterprises in full.

    A financial figure stays unknown when the own figure is unknown.
    """
    staff, turnover, balance = own.staff_awu, own.turnover, own.balance_sheet_total
    for h in holdings:
        factor = Decimal(1) if h.kind == "linked" else Decimal(h.share_percent) / Decimal(100)
        staff = staff + h.staff_awu * factor
        turnover = _add(turnover, h.turnover, factor)
        balance = _add(balance, h.balance_sheet_total, factor)
    return Figures(staff, turnover, balance)


def classify(figures: Figures, *, public_control_25: bool = False) -> Classification:
    """The smallest class whose staff ceiling and one of the two financial ceilings are met.

    The class is provisional when a missing financial figure could have made it smaller: with no
    financial figures at all (staff alone decides), or when the one known figure misses a ceiling
    that the unknown one might have met.
    """
    if public_control_25:
        return Classification("large", False)
    turnover, balance = figures.turnover, figures.balance_sheet_total
    provisional = False
    for name, staff_max, turnover_max, balance_max in CEILINGS:
        if figures.staff_awu >= staff_max:
            continue
        if turnover is None and balance is None:
            return Classification(name, True)
        if (turnover is not None and turnover <= turnover_max) or (balance is not None and balance <= balance_max):
            return Classification(name, provisional)
        if turnover is None or balance is None:
            provisional = True  # the missing figure might meet this class's ceiling
    return Classification("large", provisional)


@dataclass(frozen=True)
class Period:
    size_class: str
    provisional: bool
    valid_from: dt.date
    based_on_year: int


def size_class_history(yearly: Sequence[tuple[int, Classification]]) -> list[Period]:
    """Apply the two-consecutive-years rule to the per-year classifications.

    The first known year sets the class (valid from 1 January of that year). Afterwards the class
    changes only when two consecutive years both lie on the same side of the current class; it then
    moves to the nearer of the two years' classes and holds from 1 January after the second year.
    After a gap in the years, the newest year decides alone. A provisional flag follows the latest year.
    """
    periods: list[Period] = []
    rows = sorted(yearly)
    if not rows:
        return periods
    first_year, first = rows[0]
    current = first.size_class
    periods.append(Period(current, first.provisional, dt.date(first_year, 1, 1), first_year))
    for (prev_year, prev), (year, this) in zip(rows, rows[1:]):
        consecutive = year == prev_year + 1
        a, b, c = ORDER[prev.size_class], ORDER[this.size_class], ORDER[current]
        new = current
        if not consecutive:
            # A gap of a year or more: the old class is stale, the newest figures decide.
            new = this.size_class
        elif a > c and b > c:
            new = prev.size_class if a < b else this.size_class
        elif a < c and b < c:
            new = prev.size_class if a > b else this.size_class
        if new != current:
            current = new
            periods.append(Period(current, this.provisional, dt.date(year + 1, 1, 1), year))
        elif this.provisional != periods[-1].provisional and this.size_class == current:
            # Same class, but now confirmed (or only provisional) by the latest figures.
            periods.append(Period(current, this.provisional, dt.date(year + 1, 1, 1), year))
    return periods


def class_on(periods: Sequence[Period], day: dt.date) -> Period | None:
    """The period in force on a day (the first one for days before any period)."""
    if not periods:
        return None
    found = periods[0]
    for p in periods:
        if p.valid_from <= day:
            found = p
    return found
