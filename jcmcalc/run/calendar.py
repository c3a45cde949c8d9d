"""A period's exact emission reductions split by calendar year (the JCM monitoring report form
asks for reductions per year); the credits of the period are not split or changed.

Only period totals reach the engine, so the split is by days: each year gets the period's ER
times its share of the period's days (both dates inclusive). The parts are exact fractions and
add up to the period's ER exactly.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

#: How the split was made, as every output states it.
BY_DAYS = "by days: the period's ER times each year's share of the period's days"


def days_by_year(start: dt.date, end: dt.date) -> tuple[tuple[int, int], ...]:
    """Days of the period ``start``..``end`` (inclusive) falling in each calendar year."""
    found = []
    for year in range(start.year, end.year + 1):
        first = max(start, dt.date(year, 1, 1))
        last = min(end, dt.date(year, 12, 31))
        found.append((year, (last - first).days + 1))
    return tuple(found)


def split_by_year(
    reductions: Fraction, start: dt.date, end: dt.date
) -> tuple[tuple[int, Fraction], ...]:
    """``reductions`` apportioned to the calendar years of the period, exactly."""
    days = days_by_year(start, end)
    total = sum(count for _, count in days)
    return tuple((year, reductions * count / total) for year, count in days)
