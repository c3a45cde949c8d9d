"""A period's exact emission reductions apportioned to other spans of time by days: to calendar
years (the JCM monitoring report form asks for reductions per year), or to the years of an
ex-ante estimate to set beside them. The credits of a period are not split or changed.

Only period totals reach the engine, so the split is by days: each span gets the period's ER
times its share of the period's days (both dates inclusive). The parts are exact fractions; over
spans that cover the period they add up to its ER exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import attrs

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


def calendar_months(start: dt.date, end: dt.date) -> tuple[Span, ...]:
    """The calendar months the period touches, as spans."""
    spans = []
    first = dt.date(start.year, start.month, 1)
    while first <= end:
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        spans.append((first, following - dt.timedelta(days=1)))
        first = following
    return tuple(spans)


@attrs.frozen
class Share:
    """The part of monitoring period ``period`` in one calendar month or year (``label``
    ``2025-01`` or ``2025``): its days, and its exact shares of the period's ER and credits
    (information: credits stay whole per period)."""

    period: int
    label: str
    start: dt.date
    end: dt.date
    days: int
    reductions: Fraction
    credits: Fraction


def shares(periods: Iterable[Any], by: str = "month") -> list[Share]:
    """Each period's ER and credits split by :func:`apportion` over the calendar ``by``
    (``month`` or ``year``) spans it touches, exactly."""
    if by not in ("month", "year"):
        raise ValueError(f"by = {by!r}: expected month or year")
    found = []
    for p in periods:
        spans = (calendar_months if by == "month" else calendar_years)(p.start, p.end)
        parts = apportion(p.reductions, p.start, p.end, spans)
        credits = apportion(Fraction(p.credits), p.start, p.end, spans)
        for span, part, credit in zip(spans, parts, credits, strict=True):
            first, last = max(p.start, span[0]), min(p.end, span[1])
            label = f"{first.year}" if by == "year" else f"{first.year}-{first.month:02d}"
            days = overlap(p.start, p.end, span)
            found.append(Share(p.number, label, first, last, days, part, credit))
    return found
