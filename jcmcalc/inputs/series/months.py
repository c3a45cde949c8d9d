"""Calendar months of dated monitoring rows, so that each reading also gives its exact total per
month (:attr:`jcmcalc.inputs.series.readings.Reading.months`).

A row belongs to the month of its date or time in the project's local calendar (times with a
UTC offset are placed by the instants of the local month starts, as periods are by their local
midnights). A meter register's difference belongs to the month of its later reading, as it
belongs to that reading's period. A month without readings has no entry: a gap, not a zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

import attrs
import numpy as np

from jcmcalc.inputs.project import Period
from jcmcalc.inputs.readers.times import midnights

#: One month's exact total: ("YYYY-MM", value).
Month = tuple[str, Fraction]
#: A slot's sum in one month ("" undated): (month, value, (first row, last row), rows).
Run = tuple[str, Fraction, tuple[int, int], int]


@attrs.frozen
class Calendar:
    """The month of every row (``codes``, in layout order, indices into ``labels``)."""

    codes: np.ndarray
    labels: tuple[str, ...]


def calendar(moments: np.ndarray, periods: Sequence[Period], zone: str | None) -> Calendar:
    """The months of ``moments`` (rows already placed in ``periods``) from the first period's
    first month to the last period's last month."""
    first = np.datetime64(min(p.start for p in periods), "M")
    last = np.datetime64(max(p.end for p in periods), "M")
    months = np.arange(first, last + 2)  # each month's start and the end of the last one
    edges = midnights(months.astype("datetime64[D]"), zone).view(np.int64)
    codes = np.searchsorted(edges, moments.view(np.int64), side="right") - 1
    dtype = np.int16 if len(months) < 2**15 else np.int32
    return Calendar(codes.astype(dtype), tuple(str(m) for m in months[:-1]))


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
    value = sum((part for _, part, _, _ in runs), Fraction(0))
    span = (min(s[0] for _, _, s, _ in runs), max(s[1] for _, _, s, _ in runs))
    dated = [(label, part) for label, part, _, _ in runs if label]
    return value, span, sum(count for *_, count in runs), summed(dated)
