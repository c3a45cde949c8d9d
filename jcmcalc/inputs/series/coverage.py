"""Coverage: what part of each monitoring period a member's readings of a parameter cover.

Computed from the dated rows of a monitoring file, per column (parameter), member and period:

- an interval series (``timestamp`` rows a fixed step apart, less than a day): the intervals of
  the period against the readings present; with absolute times (UTC offsets) the period runs
  from the instant of its first local midnight to that of the day after its last, so a
  daylight-saving day has its 23 or 25 hours;
- daily values: the days of the period against the days with a reading;
- monthly values (steps of 28 days or more): the months the period touches against the months
  with a reading;
- meter registers: the days from the first reading's day to the last reading's day against the
  days of the period (energy before the first and after the last reading is not metered).

A blank value cell is a missing reading, never a zero; its rows are listed (unless the member
has a value of the parameter at the same time in another row: a file whose rows give different
quantities). A member with one
dated value per period (a period total) has no cadence to judge and gets no coverage record.
Nothing is filled in: incomplete coverage is a warning, an error under ``strict``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs.project import Period
from jcmcalc.inputs.readers.times import midnights, shown

#: Missing spans named in a message; the rest are counted.
LISTED_SPANS = 3
#: Missing spans and blank rows kept per record (the count is exact beyond it).
KEPT = 1000
DAY = np.timedelta64(1, "D")
MONTH_STEP = np.timedelta64(28, "D").astype("timedelta64[us]")
#: Blocks' runs gathered before they are joined into one (runs of a series across edges).
COMPACT = 32


@attrs.frozen
class Coverage:
    """One member's readings of one parameter in one period, against what the period needs.

    ``unit`` is what is counted (``"days"``, ``"months"``, ``"intervals of 0:15:00"``,
    ``"days (register span)"``); ``missing`` holds the missing spans as inclusive
    ``(first, last)`` texts (dates, or the times of the first and last missing readings);
    ``spans`` counts them all; ``blank`` lists rows whose value cell is blank.
    """

    period: int
    label: str
    parameter: str
    member: tuple[str, ...]
    subject: str
    file: str
    unit: str
    expected: int
    present: int
    missing: tuple[tuple[str, str], ...] = ()
    spans: int = 0
    blank: tuple[int, ...] = ()
    blanks: int = 0

    @property
    def complete(self) -> bool:
        return self.present >= self.expected and not self.blanks

    @property
    def fraction(self) -> float:
        return min(self.present / self.expected, 1.0) if self.expected else 1.0

    def message(self) -> str:
        """A warning naming the member, parameter, period, file and the missing spans."""
        text = (
            f"incomplete coverage: {self.parameter}{self.subject} in {self.label} "
            f"({self.file}): {self.present} of {self.expected} {self.unit} present"
        )
        if self.missing:
            listed = ", ".join(
                first if first == last else f"{first} to {last}"
                for first, last in self.missing[:LISTED_SPANS]
            )
            more = self.spans - min(self.spans, LISTED_SPANS)
            text += f"; missing {listed}" + (f" and {more} more span(s)" if more else "")
        if self.blanks:
            rows = ", ".join(str(row) for row in self.blank[:LISTED_SPANS])
            more = f" and {self.blanks - LISTED_SPANS} more" if self.blanks > LISTED_SPANS else ""
            text += f"; blank value cell(s) at row(s) {rows}{more} (missing readings, not zero)"
        return text + "; nothing is filled in"

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "parameter": self.parameter,
            "member": list(self.member),
            "file": self.file,
            "unit": self.unit,
            "expected": self.expected,
            "present": self.present,
            "complete": self.complete,
            "missing": [list(span) for span in self.missing],
            "missing_spans": self.spans,
            "blank_rows": list(self.blank),
            "blank_cells": self.blanks,
        }


@attrs.define
class Gathered:
    """The dated readings of one value column, gathered block by block. A group is a period
    position x ``width`` + a member code; each keeps its present times as runs ``(start, step,
    count)`` of one step (a regular series is a few runs however long it is) and the rows and
    times of its blank cells that no value of their block explains (:func:`coverages` checks
    the rest against every block's)."""

    width: int
    zone: str | None
    register: bool
    runs: list[tuple[np.ndarray, ...]] = attrs.Factory(list)
    blanks: list[tuple[np.ndarray, ...]] = attrs.Factory(list)

    def add(
        self,
        starts: np.ndarray,
        group: np.ndarray,
        ticks: np.ndarray,
        given: np.ndarray | None,
        rows: Any,
    ) -> None:
        """One block's dated cells (times as int64 ``ticks``, which hold a value in ``given``,
        None: all, and their ``rows``) in stretches of one series each, times ascending, that
        begin at ``starts``; ``group`` is each stretch's group (-1: none)."""
        kept, heads = None, starts
        if given is not None and not given.all():
            self._blank(starts, group, ticks, rows, given)
            kept = np.flatnonzero(given)
            stretch = np.searchsorted(starts, kept, side="right")
            ticks = ticks[kept]
            heads = np.flatnonzero(np.concatenate(([True], stretch[1:] != stretch[:-1])))
            heads = heads[heads < len(kept)]
        if not len(ticks):
            return
        step = np.empty_like(ticks)
        np.subtract(ticks[1:], ticks[:-1], out=step[1:])
        # a stretch's first reading takes the step to its second (none: a stretch of one)
        alone = np.append(heads[1:] - heads[:-1] == 1, heads[-1:] + 1 >= len(ticks))
        step[heads[~alone]] = step[heads[~alone] + 1]
        step[heads[alone]] = 0
        new = np.empty(len(ticks), dtype=bool)
        new[0] = True
        np.not_equal(step[1:], step[:-1], out=new[1:])
        new[heads] = True
        first = np.flatnonzero(new)
        counts = np.diff(np.append(first, len(ticks)))
        at = first if kept is None else kept[first]
        owner = group[np.searchsorted(starts, at, side="right") - 1]
        known = owner >= 0
        self.runs.append((owner[known], ticks[first][known], step[first][known], counts[known]))
        if len(self.runs) >= COMPACT:
            self.runs = [_joined(self.runs)]

    def _blank(
        self, starts: np.ndarray, group: np.ndarray, ticks: np.ndarray, rows: Any, given: np.ndarray
    ) -> None:
        """Keep the blank cells at a time at which no cell of their group in the block holds a
        value (a file whose rows give different quantities leaves the others blank)."""
        owner = np.repeat(group, np.diff(np.append(starts, len(ticks))))
        taken = np.flatnonzero(owner >= 0)
        order = np.lexsort((given[taken], ticks[taken], owner[taken]))
        where = taken[order][::-1]  # by group and time, a value before the blanks of its time
        same = (owner[where][1:] == owner[where][:-1]) & (ticks[where][1:] == ticks[where][:-1])
        head = np.concatenate(([True], ~same))
        head = np.maximum.accumulate(np.where(head, np.arange(len(where)), 0))
        alone = np.sort(where[~given[where] & ~given[where[head]]])
        self.blanks.append((owner[alone], ticks[alone], np.asarray(rows[alone], dtype=np.int64)))

    def before(self, group: np.ndarray, ticks: np.ndarray) -> None:
        """Readings that begin a group from outside it (a register's reading before it)."""
        ones = np.ones(len(group), dtype=np.int64)
        self.runs.append((group, ticks, ones * 0, ones))


def coverages(
    series: Gathered,
    candidates: Sequence[Period],
    describe: Callable[[int], tuple[tuple[str, ...], str]],
    parameter: str,
    file: str,
) -> list[Coverage]:
    """The coverage of every (period, member) group of ``series``; ``describe(code)`` gives
    a member code's key and its words (`` for PV system 'S1'``)."""
    runs = _by_group([_joined(series.runs)], 4) if series.runs else {}
    blanks = _by_group(series.blanks, 3)
    codes = sorted(set(runs) | set(blanks))
    steps = [_least_step(runs[code]) for code in codes if code in runs]
    step = min((s for s in steps if s is not None), default=None)
    calendars: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    found = []
    for code in codes:
        position, member = divmod(code, series.width)
        period = candidates[position]
        if position not in calendars:
            calendars[position] = _calendar(period, series.zone)
        blank = np.array([], dtype=np.int64)
        if code in blanks:
            _, times, rows = blanks[code]
            present = _present(runs.get(code)).view(np.int64)
            blank = np.sort(rows[~np.isin(times, present)])
        counted = _count(runs.get(code), calendars[position], series, step)
        if counted is None and not len(blank):
            continue
        count = len(_present(runs.get(code))) if counted is None else 0
        unit, expected, have, missing = counted or ("readings", count, count, [])
        found.append(
            Coverage(
                period.number,
                period.label,
                parameter,
                *describe(member),
                file,
                unit,
                expected,
                have,
                tuple(missing[:KEPT]),
                len(missing),
                tuple(int(r) for r in blank[:KEPT]),
                len(blank),
            )
        )
    return found


def _joined(parts: list[tuple[np.ndarray, ...]]) -> tuple[np.ndarray, ...]:
    """The runs of ``parts`` in one, by group and time, a run that continues another (the
    same step, beginning one step after its last reading: a series across a block edge) joined
    to it."""
    group, starts, steps, counts = (np.concatenate(found) for found in zip(*parts, strict=True))
    if not len(group):
        return group, starts, steps, counts
    order = np.lexsort((starts, group))
    group, starts, steps, counts = group[order], starts[order], steps[order], counts[order]
    follows = (
        (group[1:] == group[:-1])
        & (steps[1:] == steps[:-1])
        & (steps[1:] != 0)
        & (starts[1:] == starts[:-1] + counts[:-1] * steps[:-1])
    )
    first = np.flatnonzero(np.concatenate(([True], ~follows)))
    return group[first], starts[first], steps[first], np.add.reduceat(counts, first)


def _by_group(parts: list[tuple[np.ndarray, ...]], width: int) -> dict[int, tuple[np.ndarray, ...]]:
    """The arrays gathered from every block, split by group (their first array)."""
    if not parts:
        return {}
    arrays = [np.concatenate(found) for found in zip(*parts, strict=True)]
    if not len(arrays[0]):
        return {}
    order = np.argsort(arrays[0], kind="stable")
    arrays = [array[order] for array in arrays]
    codes, starts = np.unique(arrays[0], return_index=True)
    ends = np.append(starts[1:], len(order))
    return {
        int(code): tuple(array[start:end] for array in arrays)
        for code, start, end in zip(codes.tolist(), starts.tolist(), ends.tolist(), strict=True)
    }


def _present(runs: tuple[np.ndarray, ...] | None) -> np.ndarray:
    """The distinct times (``datetime64[us]``, ascending) of a group's runs."""
    if runs is None:
        return np.array([], dtype="datetime64[us]")
    _, starts, steps, counts = runs
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    times = np.repeat(starts, counts) + (np.arange(int(counts.sum())) - offsets) * np.repeat(
        steps, counts
    )
    if len(times) > 1 and not (times[1:] > times[:-1]).all():  # stretches of several series
        times.sort()
        times = times[np.concatenate(([True], times[1:] != times[:-1]))]
    return times.view("datetime64[us]")


def _least_step(runs: tuple[np.ndarray, ...]) -> np.timedelta64 | None:
    """The shortest step between two readings of a group (None: fewer than two), from its runs
    when they follow each other (one series), else from its times."""
    _, starts, steps, counts = runs
    gaps = starts[1:] - (starts + (counts - 1) * steps)[:-1]
    if len(gaps) and gaps.min() <= 0:
        return _step(_present(runs))
    found = np.concatenate((steps[counts > 1], gaps))
    return np.timedelta64(int(found.min()), "us") if len(found) else None


def _step(present: np.ndarray) -> np.timedelta64 | None:
    """The shortest step between two readings (None: fewer than two)."""
    if len(present) < 2:
        return None
    return np.timedelta64(int(np.diff(present.view(np.int64)).min()), "us")


def _calendar(period: Period, zone: str | None) -> tuple[np.ndarray, np.ndarray]:
    """The period's days and the day after, and the instants at which each begins."""
    days = np.arange(
        np.datetime64(period.start, "D"), np.datetime64(period.end, "D") + 2 * DAY, DAY
    )
    return days, midnights(days, zone)


def _count(
    runs: tuple[np.ndarray, ...] | None,
    calendar: tuple[np.ndarray, np.ndarray],
    series: Gathered,
    step: np.timedelta64 | None,
) -> tuple[str, int, int, list[tuple[str, str]]] | None:
    """(unit, expected, present, missing spans) of one group, or None (no cadence)."""
    days, edges = calendar  # the period's days and the next, the instants each begins
    intervals = step is not None and step < MONTH_STEP and step != DAY
    if intervals and not series.register:
        return _intervals(runs, edges[0], edges[-1], step, series.zone)
    present = _present(runs)
    if series.register:
        if not len(present):
            return None
        # a reading before the period (the meter's previous one) covers it from its start
        index = np.maximum(np.searchsorted(edges, present[[0, -1]], side="right") - 1, 0)
        covered = np.zeros(len(days) - 1, dtype=bool)
        covered[index[0] : index[1] + 1] = True
        return "days (register span)", len(covered), int(covered.sum()), _day_spans(days, covered)
    if step is None:
        return None
    if step >= MONTH_STEP:
        return _months(present, edges, days)
    covered = np.zeros(len(days) - 1, dtype=bool)
    covered[np.searchsorted(edges, present, side="right") - 1] = True
    return "days", len(covered), int(covered.sum()), _day_spans(days, covered)


def _months(
    present: np.ndarray, edges: np.ndarray, days: np.ndarray
) -> tuple[str, int, int, list[tuple[str, str]]]:
    """Months the period touches against the months with a reading."""
    local = days[np.searchsorted(edges, present, side="right") - 1]
    months = np.unique(days[:-1].astype("datetime64[M]"))
    have = np.isin(months, local.astype("datetime64[M]"))
    spans = [(str(months[a]), str(months[b])) for a, b in _runs(~have)]
    return "months", len(months), int(have.sum()), spans


def _intervals(
    runs: tuple[np.ndarray, ...] | None,
    start: np.datetime64,
    end: np.datetime64,
    step: np.timedelta64,
    zone: str | None,
) -> tuple[str, int, int, list[tuple[str, str]]]:
    """Intervals of ``step`` from ``start`` to ``end`` against the readings present: each run
    of readings one ``step`` apart fills a stretch of intervals (other readings one each)."""
    expected = int((end - start) // step)
    low, high = _filled(runs, start, step)
    low, high = np.clip(low, 0, expected), np.clip(high, 0, expected)
    order = np.argsort(low, kind="stable")
    low, high = low[order], high[order]
    reach = np.maximum.accumulate(high) if len(high) else high
    new = np.flatnonzero(np.concatenate(([True], low[1:] > reach[:-1])))[: len(low)]
    low, high = low[new], np.maximum.reduceat(high, new) if len(new) else high
    gaps = zip(np.append(0, high).tolist(), np.append(low, expected).tolist(), strict=True)
    spans = [
        (shown(start + a * step, zone), shown(start + (b - 1) * step, zone))
        for a, b in gaps
        if b > a
    ]
    return f"intervals of {_duration(step)}", expected, int((high - low).sum()), spans


def _filled(
    runs: tuple[np.ndarray, ...] | None, start: np.datetime64, step: np.timedelta64
) -> tuple[np.ndarray, np.ndarray]:
    """The intervals (first, end) that the readings of each run fall in."""
    if runs is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    group, starts, steps, counts = runs
    tick = int(step.astype("timedelta64[us]").astype(np.int64))
    origin = int(np.datetime64(start, "us").astype(np.int64))
    regular = (steps == tick) | (counts == 1)
    low = (starts[regular] - origin) // tick
    high = low + counts[regular]
    if not regular.all():
        other = ~regular
        times = _present((group[other], starts[other], steps[other], counts[other]))
        slots = (times.view(np.int64) - origin) // tick
        low, high = np.concatenate((low, slots)), np.concatenate((high, slots + 1))
    return low, high


def _day_spans(days: np.ndarray, covered: np.ndarray) -> list[tuple[str, str]]:
    return [(str(days[a]), str(days[b])) for a, b in _runs(~covered)]


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive (first, last) positions of each run of True in ``flags``."""
    if not flags.any():
        return []
    padded = np.concatenate(([False], flags, [False])).astype(np.int8)
    change = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(change[::2], change[1::2], strict=True)]


def _duration(step: np.timedelta64) -> str:
    return str(dt.timedelta(microseconds=int(step.astype("timedelta64[us]").astype(np.int64))))


def summary(found: Sequence[Coverage], period: int) -> str:
    """One cell for a period's coverage: ``""`` (no dated series), ``"complete"``, or what is
    incomplete (member, parameter, present of expected)."""
    records = [record for record in found if record.period == period]
    if not records:
        return ""
    incomplete = [record for record in records if not record.complete]
    if not incomplete:
        return "complete"
    return "incomplete: " + "; ".join(
        f"{'/'.join(r.member) or '-'} {r.parameter} {r.present} of {r.expected} {r.unit}"
        + (f", {r.blanks} blank cell(s)" if r.blanks else "")
        for r in incomplete
    )
