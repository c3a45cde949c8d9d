"""Monitoring-period results by calendar month or year: information, never credits.

Credits are whole tonnes per monitoring period (floor of each period's ER); splitting a period
and rounding the parts would give other credits. :func:`apportion` therefore splits each
period's exact ER (and, as information, its credits) over the calendar months or years it
covers **in proportion to the days** in each (jcmcalc's own convention, not a JCM rule): the
shares of a period add up to its ER exactly, and nothing is rounded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from typing import Protocol

import attrs

#: The calendar spans a breakdown may use.
SPANS = ("month", "year")


class Figures(Protocol):
    """A period's figures as far as :func:`apportion` needs them."""

    @property
    def number(self) -> int: ...
    @property
    def start(self) -> dt.date: ...
    @property
    def end(self) -> dt.date: ...
    @property
    def reductions(self) -> Fraction: ...
    @property
    def credits(self) -> int: ...


@attrs.frozen
class Share:
    """The part of monitoring period ``period`` in one calendar month or year (``label``
    ``2025-01`` or ``2025``): its days, and its exact shares of the period's ER and credits."""

    period: int
    label: str
    start: dt.date
    end: dt.date
    days: int
    reductions: Fraction
    credits: Fraction


def apportion(periods: Iterable[Figures], by: str = "month") -> list[Share]:
    """Each period's ER and credits split over the calendar ``by`` (``month`` or ``year``)
    spans it covers, in proportion to days, exactly."""
    if by not in SPANS:
        raise ValueError(f"by = {by!r}: expected one of {', '.join(SPANS)}")
    shares = []
    for period in periods:
        total = (period.end - period.start).days + 1
        start = period.start
        while start <= period.end:
            end = min(_span_end(start, by), period.end)
            days = (end - start).days + 1
            part = Fraction(days, total)
            label = f"{start.year}" if by == "year" else f"{start.year}-{start.month:02d}"
            shares.append(
                Share(
                    period.number,
                    label,
                    start,
                    end,
                    days,
                    period.reductions * part,
                    period.credits * part,
                )
            )
            start = end + dt.timedelta(days=1)
    return shares


def _span_end(day: dt.date, by: str) -> dt.date:
    """The last day of the calendar month or year holding ``day``."""
    if by == "year":
        return dt.date(day.year, 12, 31)
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)
