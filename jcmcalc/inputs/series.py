"""Time series of monitoring files: rows ordered by member, meter and time, cut at the period
boundaries, checked for duplicate times and meters that overlap (gaps: :mod:`coverage`).

Columns are processed whole with numpy; long series are scanned in blocks of
:data:`STEP_BLOCK` rows so that no array of every step is held.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs import columns, parquet
from jcmcalc.inputs.leaves import normal_id
from jcmcalc.inputs.months import Calendar, calendar
from jcmcalc.inputs.project import Period
from jcmcalc.inputs.times import instants, midnights, shown
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.parameters import Parameter

METER_COLUMN = "meter"
DAY = np.timedelta64(1, "D")
#: Rows per block when scanning the time steps of a long series.
STEP_BLOCK = 1 << 22


@attrs.frozen
class Layout:
    """Rows in processing order: by member, meter and time. Arrays are in that order.

    ``moments`` are wall-clock times, or UTC instants when ``zone`` is set (times with
    offsets); kept only for meter registers (:meth:`times` reads them again), None without
    a time column (``time_title``). ``months``: the calendar month of every row (None without
    a time column)."""

    order: np.ndarray | None
    rows: np.ndarray
    codes: dict[str, np.ndarray]
    meter: np.ndarray
    meter_names: list[str]
    moments: np.ndarray | None
    change: np.ndarray
    segments: np.ndarray
    segment_period: np.ndarray
    zone: str | None
    time_title: str | None
    months: Calendar | None = None

    def times(self, table: columns.Table) -> np.ndarray | None:
        """The times of the rows in layout order (read again when not kept), or None."""
        if self.moments is not None or self.time_title is None:
            return self.moments
        column = table.cells[self.time_title]
        moments = instants(column, title=self.time_title, table=table, zone=self.zone)[0]
        return self.take(moments)

    def take(self, array: np.ndarray) -> np.ndarray:
        return array if self.order is None else array[self.order]

    def period(self) -> np.ndarray:
        """The period (index into the candidates) of every row."""
        lengths = np.diff(np.append(self.segments, len(self.rows)))
        return np.repeat(self.segment_period, lengths)


def layout(
    table: columns.Table,
    methodology: Methodology,
    members: Mapping[str, tuple[str, ...]],
    candidates: list[Period],
    time_title: str | None,
    only: Period | None,
    zone: str | None,
    registers: tuple[bool, ...],
) -> Layout:
    codes: dict[str, np.ndarray] = {}
    composite: np.ndarray | None = None
    for index in methodology.indices:
        if index.csv_column not in table.titles:
            continue
        code, found = columns.members(table.cells[index.csv_column])
        known = {member: position for position, member in enumerate(members[index.symbol])}
        lookup = np.array(  # ids are compared NFC-normalised, as a project file's are
            [known.get(normal_id(name), -1) for name in found], dtype=np.int32
        )
        if not np.array_equal(lookup, np.arange(len(lookup))):
            code = lookup[code]
        parquet.release_memory()
        codes[index.symbol] = code
        composite = _combine(composite, code, len(known) + 1)
    meter_names: list[str] = []
    meter = np.zeros(1, dtype=np.int32)
    if METER_COLUMN in table.titles:
        meter, meter_names = columns.members(table.cells[METER_COLUMN])
        composite = _combine(composite, meter, len(meter_names))
    if composite is None:
        composite = np.zeros(len(table), dtype=np.int32)
    moments, absolute, months = None, False, None
    if time_title is not None:
        column = table.cells[time_title]
        moments, absolute = instants(column, title=time_title, table=table, zone=zone)
        parquet.release_memory()
    zone = zone if absolute else None
    order = _order(composite, moments)
    rows = table.rows if order is None else table.rows[order]
    if order is not None:
        codes = {symbol: code[order] for symbol, code in codes.items()}
        meter = meter[order] if meter_names else meter
        composite = composite[order]
        moments = None if moments is None else moments[order]
    change = composite[1:] != composite[:-1]
    del composite
    runs = np.concatenate(([0], np.flatnonzero(change) + 1))
    if moments is None:
        segments, segment_period = runs, np.zeros(len(runs), dtype=np.int64)
    else:
        _duplicates(table, change, moments, rows, zone)
        segments, segment_period = _segments(table, moments, rows, runs, candidates, only, zone)
        months = calendar(moments, candidates, zone)
    if not any(registers):
        moments = None  # read again for the coverage: not held while the values are read
    parquet.release_memory()
    return Layout(
        order,
        rows,
        codes,
        meter,
        meter_names,
        moments,
        change,
        segments,
        segment_period,
        zone,
        time_title,
        months,
    )


def _combine(composite: np.ndarray | None, code: np.ndarray, size: int) -> np.ndarray:
    """Codes of the combinations of members (and meters) seen so far with ``code``."""
    if composite is None:
        return code
    return composite.astype(np.int64) * (size + 1) + code + 1


def _order(composite: np.ndarray, moments: np.ndarray | None) -> np.ndarray | None:
    """The permutation sorting rows by (member and meter, time); None when already sorted."""
    if np.all(composite[1:] >= composite[:-1]):
        if moments is None:
            return None
        ticks = moments.view(np.int64)
        if np.all((composite[1:] != composite[:-1]) | (ticks[1:] >= ticks[:-1])):
            return None
    if moments is None:
        return np.argsort(composite, kind="stable")
    return np.lexsort((moments, composite))


def _steps(moments: np.ndarray, change: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """Blocks of (first position, time to the next row of the same member and meter), so that
    no array of every step is held; across members the step is -1."""
    ticks = moments.view(np.int64)
    for first in range(0, len(change), STEP_BLOCK):
        last = min(first + STEP_BLOCK, len(change))
        step = np.diff(ticks[first : last + 1])
        np.putmask(step, change[first:last], -1)
        yield first, step


def _duplicates(
    table: columns.Table,
    change: np.ndarray,
    moments: np.ndarray,
    rows: np.ndarray,
    zone: str | None,
) -> None:
    same = next(
        (
            first + found[0]
            for first, step in _steps(moments, change)
            if len(found := np.flatnonzero(step == 0))
        ),
        None,
    )
    if same is not None:
        first = int(same)
        raise InputError(
            f"duplicate time {shown(moments[first], zone)}: rows {rows[first]} and "
            f"{rows[first + 1]} give the same member (and meter) at the same time; each reading "
            "may appear once",
            file=table.path,
            row=int(rows[first + 1]),
        )


def _segments(
    table: columns.Table,
    moments: np.ndarray,
    rows: Any,
    runs: np.ndarray,
    candidates: list[Period],
    only: Period | None,
    zone: str | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Where each (member, period) stretch of rows starts, and its period (index into the
    sorted ``candidates``). Times ascend within a member, so each member's rows are cut at the
    period boundaries (the instants of their local midnights) by binary search; a row in no
    period is an error."""
    ticks = moments.view(np.int64)
    days = np.array(
        [
            day
            for p in candidates
            for day in (np.datetime64(p.start, "D"), np.datetime64(p.end, "D") + DAY)
        ],
        dtype="datetime64[D]",
    )
    edges = midnights(days, zone).view(np.int64)
    ends = np.append(runs[1:], len(ticks))
    starts, periods, outside = [], [], []
    for first, end in zip(runs.tolist(), ends.tolist(), strict=True):
        cuts = [first, *(first + np.searchsorted(ticks[first:end], edges)).tolist(), end]
        for number in range(len(cuts) - 1):
            if cuts[number] == cuts[number + 1]:
                continue
            if number % 2 == 0:
                outside.append(cuts[number])
            else:
                starts.append(cuts[number])
                periods.append(number // 2)
    if outside:
        first = min(outside, key=lambda position: int(rows[position]))
        where = only.label if only else "any monitoring period"
        raise InputError(
            f"{shown(moments[first], zone)} is outside {where}",
            file=table.path,
            row=int(rows[first]),
        )
    return np.array(starts, dtype=np.int64), np.array(periods, dtype=np.int64)


def deltas(
    table: columns.Table,
    parameter: Parameter,
    unit: str,
    integers: np.ndarray,
    scale: int,
    factor: Fraction,
    key: np.ndarray,
    period: np.ndarray,
    rows: np.ndarray,
    layout: Layout,
    present: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Differences of successive readings of one meter, placed in the later reading's
    ``period`` (the codes of its period and month)."""
    meter = layout.meter[present] if layout.meter_names else np.zeros(len(key), np.int32)
    same = (np.diff(key) == 0) & (np.diff(meter) == 0)
    delta = np.diff(integers)
    backwards = np.flatnonzero(same & (delta < 0))
    if len(backwards):
        i = int(backwards[0])
        before, after = (Fraction(int(integers[j]), 10**scale) * factor for j in (i, i + 1))
        hint = (
            ""
            if layout.meter_names
            else f"; if the meter was replaced, add a {METER_COLUMN!r} column naming each meter"
        )
        raise InputError(
            f"meter reading goes backwards: {decimal_text(before)} at row {rows[i]}, then "
            f"{decimal_text(after)} "
            f"{parameter.canonical(unit)}{hint}",
            file=table.path,
            row=int(rows[i + 1]),
            parameter=parameter.symbol,
        )
    if layout.meter_names and layout.moments is not None:
        _meters_in_turn(table, key, meter, layout.moments[present], rows, layout.meter_names)
    return delta[same], key[1:][same], period[1:][same], rows[1:][same], rows[:-1][same]


def _meters_in_turn(
    table: columns.Table,
    key: np.ndarray,
    meter: np.ndarray,
    moments: np.ndarray,
    rows: np.ndarray,
    names: list[str],
) -> None:
    """A member's meters follow each other: a replaced meter's readings end before the next's
    begin (the swap time may be shared), so no energy is counted twice."""
    change = np.flatnonzero((np.diff(key) != 0) | (np.diff(meter) != 0)) + 1
    firsts, lasts = np.concatenate(([0], change)), np.append(change, len(key)) - 1
    order = np.lexsort((moments[firsts], key[firsts]))
    firsts, lasts = firsts[order], lasts[order]
    for before, after in zip(
        zip(firsts[:-1], lasts[:-1], strict=True),
        zip(firsts[1:], lasts[1:], strict=True),
        strict=True,
    ):
        if key[before[0]] == key[after[0]] and moments[after[0]] < moments[before[1]]:
            raise InputError(
                f"meter {names[meter[after[0]]]!r} starts at {moments[after[0]]} (row "
                f"{rows[after[0]]}) before meter {names[meter[before[0]]]!r} of the same member "
                f"reads for the last time at {moments[before[1]]} (row {rows[before[1]]}): "
                "meters of one member must follow each other",
                file=table.path,
                row=int(rows[after[0]]),
            )
