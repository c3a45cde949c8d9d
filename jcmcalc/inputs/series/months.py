"""Calendar months of dated monitoring rows, so that each reading also gives its exact total per
month (:attr:`jcmcalc.inputs.series.readings.Reading.months`).

A row belongs to the month of its date or time in the project's local calendar (times with a
UTC offset are placed by the instants of the local month starts, as periods are by their local
midnights). A meter register's difference belongs to its later reading's period, as the
coverage counts it; within that period it is shared among the months between its two readings
pro rata by time (from the earlier reading's moment, or the period's first midnight if that
reading lies before the period, to the later reading's moment; a date alone is its midnight),
exactly: a register read on 2024-10-01 and 2025-03-31 gives 2024 its 92 of 181 days. A month
without readings has no entry: a gap, not a zero.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction

import attrs
import numpy as np

from jcmcalc.inputs.project import Period
from jcmcalc.inputs.readers.blocks import Sums
from jcmcalc.inputs.readers.times import midnights

#: One month's exact total: ("YYYY-MM", value).
Month = tuple[str, Fraction]
#: A slot's sum in one month ("" undated): (month, value, (first row, last row), rows).
Run = tuple[str, Fraction, tuple[int, int], int]


@attrs.frozen
class Calendar:
    """The month of every row (``codes``, in layout order, indices into ``labels``), the
    ticks of each month's start and of the end of the last (``edges``), and of each candidate
    period's first midnight (``starts``)."""

    codes: np.ndarray
    labels: tuple[str, ...]
    edges: tuple[int, ...] = ()
    starts: tuple[int, ...] = ()

    def month(self, tick: int) -> int:
        """The month (index into ``labels``) of a moment's ticks."""
        return bisect.bisect_right(self.edges, tick) - 1

    def shares(self, place: int, since: int, until: int) -> Iterator[tuple[int, Fraction]]:
        """For a register difference read at ``since`` and ``until`` (ticks) and counted in
        the candidate period ``place``: each earlier month it spans with its exact share of the
        time (the later reading's month keeps the rest)."""
        since = max(since, self.starts[place])
        last = self.month(until)
        if until <= since or self.month(since) >= last:
            return
        for month in range(max(self.month(since), 0), last):
            overlap = min(self.edges[month + 1], until) - max(self.edges[month], since)
            if overlap > 0:
                yield month, Fraction(overlap, until - since)


def calendar(moments: np.ndarray, periods: Sequence[Period], zone: str | None) -> Calendar:
    """The months of ``moments`` (rows already placed in ``periods``) from the first period's
    first month to the last period's last month."""
    first = np.datetime64(min(p.start for p in periods), "M")
    last = np.datetime64(max(p.end for p in periods), "M")
    months = np.arange(first, last + 2)  # each month's start and the end of the last one
    edges = midnights(months.astype("datetime64[D]"), zone).view(np.int64)
    codes = np.searchsorted(edges, moments.view(np.int64), side="right") - 1
    dtype = np.int16 if len(months) < 2**15 else np.int32
    days = np.array([p.start for p in periods], dtype="datetime64[D]")
    starts = midnights(days, zone).view(np.int64)
    return Calendar(
        codes.astype(dtype),
        tuple(str(m) for m in months[:-1]),
        tuple(edges.tolist()),
        tuple(starts.tolist()),
    )


def cuts(starts: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``starts`` of runs of rows with the positions where the month changes added, and for
    each new start the index of the run it lies in (months ascend within a run)."""
    changes = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    found = np.union1d(starts, changes).astype(np.int64)
    return found, np.searchsorted(starts, found, side="right") - 1


def summed(*parts: Iterable[Month]) -> tuple[Month, ...]:
    """Monthly totals added month by month (blocks of one series, say), in calendar order."""
    found: dict[str, Fraction] = {}
    for part in parts:
        for label, value in part:
            found[label] = found.get(label, Fraction(0)) + value
    return tuple(sorted(found.items()))


def gathered(runs: Sequence[Run]) -> tuple[Fraction, tuple[int, int], int, tuple[Month, ...]]:
    """A slot's value, rows spanned, rows counted and months from its sums per month."""
    value = runs[0][1] if len(runs) == 1 else sum((part for _, part, _, _ in runs), Fraction(0))
    span = (min(s[0] for _, _, s, _ in runs), max(s[1] for _, _, s, _ in runs))
    dated = [(label, part) for label, part, _, _ in runs if label]
    return value, span, sum(count for *_, count in runs), summed(dated)


def prorate(
    sums: Sums,
    calendar: Calendar | None,
    width: int,
    differences: tuple[Sequence[int] | np.ndarray, ...],
    scale: int,
    times: Sequence[Sequence[int] | np.ndarray],
) -> None:
    """Share each register difference (``differences``: group codes, integers at
    ``10^-scale``, rows of the earlier readings; each counted in its later reading's month)
    whose earlier reading (``times``: ticks of the earlier and of the later readings) lies in
    an earlier month among the months it spans (sifted by month edges;
    :meth:`Calendar.shares` clips to the period). Undated files (``calendar`` None) have none."""
    if calendar is None:
        return
    edges = np.asarray(calendar.edges, dtype=np.int64)
    sinces, untils = (np.asarray(t, dtype=np.int64) for t in times)
    after = np.searchsorted(edges, untils, side="right")
    codes, integers, befores = differences
    for at in np.flatnonzero(np.searchsorted(edges, sinces, side="right") < after).tolist():
        amount = Fraction(int(integers[at]), 10**scale)
        span = (int(sinces[at]), int(untils[at]))
        spread(sums, calendar, int(codes[at]), width, amount, span, int(befores[at]))


def spread(
    sums: Sums,
    calendar: Calendar,
    code: int,
    width: int,
    amount: Fraction,
    times: tuple[int, int],
    before: int,
) -> None:
    """Share a register difference counted in group ``code`` (its later reading's month) among
    the earlier months it spans, pro rata by time (:meth:`Calendar.shares`)."""
    count = len(calendar.labels)
    group, key = divmod(code, width)
    place = group // count
    for earlier, share in calendar.shares(place, *times):
        target = (place * count + earlier) * width + key
        if target != code:
            sums.move(code, target, amount * share, (before, before))
