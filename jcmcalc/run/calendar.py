"""A period's exact emission reductions apportioned to other spans of time by days: to calendar
years (the JCM monitoring report form asks for reductions per year), or to the years of an
ex-ante estimate to set beside them. The credits of a period are not split or changed.

Only period totals reach the engine, so the split is by days: each span gets the period's ER
times its share of the period's days (both dates inclusive). The parts are exact fractions; over
spans that cover the period they add up to its ER exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction

#: How the split was made, as every output states it.
BY_DAYS = "by days: the period's ER times each year's share of the period's days"

Span = tuple[dt.date, dt.date]  # first and last day, both inclusive


def overlap(start: dt.date, end: dt.date, span: Span) -> int:
    """Days of ``start``..``end`` inside ``span`` (both inclusive)."""
    first, last = max(start, span[0]), min(end, span[1])
    return max((last - first).days + 1, 0)


def apportion(
    value: Fraction, start: dt.date, end: dt.date, spans: Sequence[Span]
) -> tuple[Fraction, ...]:
    """``value`` of the period ``start``..``end`` shared among ``spans`` by days."""
    total = (end - start).days + 1
    return tuple(value * overlap(start, end, span) / total for span in spans)


def calendar_years(start: dt.date, end: dt.date) -> tuple[Span, ...]:
    """The calendar years the period touches, as spans."""
    return tuple(
        (dt.date(year, 1, 1), dt.date(year, 12, 31)) for year in range(start.year, end.year + 1)
    )


def days_by_year(start: dt.date, end: dt.date) -> tuple[tuple[int, int], ...]:
    """Days of the period ``start``..``end`` (inclusive) falling in each calendar year."""
    return tuple((s[0].year, overlap(start, end, s)) for s in calendar_years(start, end))


def split_by_year(
    reductions: Fraction, start: dt.date, end: dt.date
) -> tuple[tuple[int, Fraction], ...]:
    """``reductions`` apportioned to the calendar years of the period, exactly."""
    spans = calendar_years(start, end)
    parts = apportion(reductions, start, end, spans)
    return tuple((span[0].year, part) for span, part in zip(spans, parts, strict=True))
