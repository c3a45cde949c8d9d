"""Time series of monitoring files: rows ordered by member, meter and time, cut at the period
boundaries, checked for duplicate times and meters that overlap (gaps: :mod:`coverage`).

A table is laid out one block at a time (:mod:`jcmcalc.inputs.readers.blocks`): a series continued
from an earlier block is checked against the time, and a register against the reading, it left.
Each block's columns are processed whole with numpy.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs.leaves import normal_id
from jcmcalc.inputs.project import Period
from jcmcalc.inputs.readers import blocks, columns
from jcmcalc.inputs.readers.columns import METER_COLUMN
from jcmcalc.inputs.readers.times import instants, midnights, shown
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.parameters import Parameter

DAY = np.timedelta64(1, "D")


@attrs.frozen
class Layout:
    """Rows in processing order: by member, meter and time. Arrays are in that order.

    ``moments`` are wall-clock times, or UTC instants when ``zone`` is set (times with
    offsets), None without a time column. ``meter`` holds codes stable across blocks."""

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
    carry: blocks.Carry,
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
        codes[index.symbol] = code
        composite = _combine(composite, code, len(known) + 1)
    meter_names: list[str] = []
    meter = np.zeros(1, dtype=np.int32)
    if METER_COLUMN in table.titles:
        found, names = columns.members(table.cells[METER_COLUMN])
        stable = [carry.meters.setdefault(name, len(carry.meters)) for name in names]
        meter, meter_names = np.array(stable, dtype=np.int32)[found], list(carry.meters)
        composite = _combine(composite, meter, len(meter_names))
    if composite is None:
        composite = np.zeros(len(table), dtype=np.int32)
    moments, absolute = None, False
    if time_title is not None:
        column = table.cells[time_title]
        moments, absolute = instants(column, title=time_title, table=table, zone=zone)
    zone = zone if absolute else None
    change = composite[1:] != composite[:-1]
    step = None if moments is None else np.diff(moments.view(np.int64))
    order = _order(composite, moments, step, change)
    rows = table.rows if order is None else table.rows[order]
    if order is not None:
        codes = {symbol: code[order] for symbol, code in codes.items()}
        meter = meter[order] if meter_names else meter
        composite = composite[order]
        change = composite[1:] != composite[:-1]
        if moments is not None:
            moments = moments[order]
            step = np.diff(moments.view(np.int64))
    del composite
    runs = np.concatenate(([0], np.flatnonzero(change) + 1))
    if moments is None or step is None:
        segments, segment_period = runs, np.zeros(len(runs), dtype=np.int64)
    else:
        _duplicates(table, change, step, moments, rows, zone)
        del step
        _continued(table, carry, [*codes.values(), meter], runs, moments, rows, zone)
        segments, segment_period = _segments(table, moments, rows, runs, candidates, only, zone)
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
    )


def _combine(composite: np.ndarray | None, code: np.ndarray, size: int) -> np.ndarray:
    """Codes of the combinations of members (and meters) seen so far with ``code``."""
    if composite is None:
        return code
    return composite.astype(np.int64) * (size + 1) + code + 1


def _order(
    composite: np.ndarray, moments: np.ndarray | None, step: np.ndarray | None, change: np.ndarray
) -> np.ndarray | None:
    """The permutation sorting rows by (member and meter, time); None when already sorted
    (``step``: time to the next row, ``change``: where the next row is of another series)."""
    if np.all(composite[1:] >= composite[:-1]) and (step is None or np.all(change | (step >= 0))):
        return None
    if moments is None:
        return np.argsort(composite, kind="stable")
    return np.lexsort((moments, composite))


def _duplicates(
    table: columns.Table,
    change: np.ndarray,
    step: np.ndarray,
    moments: np.ndarray,
    rows: np.ndarray,
    zone: str | None,
) -> None:
    same = np.flatnonzero(step == 0)
    same = same[~change[same]]
    if len(same):
        first = int(same[0])
        _duplicate(table, moments[first], int(rows[first]), int(rows[first + 1]), zone)


def _duplicate(
    table: columns.Table, moment: np.datetime64, before: int, row: int, zone: str | None
) -> None:
    raise InputError(
        f"duplicate time {shown(moment, zone)}: rows {before} and {row} give the same member "
        "(and meter) at the same time; each reading may appear once",
        file=table.path,
        row=row,
    )


def _continued(
    table: columns.Table,
    carry: blocks.Carry,
    codes: list[np.ndarray],
    runs: np.ndarray,
    moments: np.ndarray,
    rows: Any,
    zone: str | None,
) -> None:
    """Each series of this block against the last time an earlier block left it (a time
    given again is a duplicate; an earlier one, rows in no time order across blocks), and
    what this block leaves."""
    lasts = np.append(runs[1:], len(moments)) - 1
    ticks = moments.view(np.int64)
    keys = zip(
        *(np.broadcast_to(code, moments.shape)[runs].tolist() for code in codes), strict=True
    )
    for key, first, last, start, end in zip(
        keys,
        ticks[runs].tolist(),
        ticks[lasts].tolist(),
        runs.tolist(),
        lasts.tolist(),
        strict=True,
    ):
        before = carry.last.get(key)
        if before is not None:
            if first == before[0]:
                _duplicate(table, moments[start], before[1], int(rows[start]), zone)
            if first < before[0]:
                raise blocks.ReadWhole
        carry.last[key] = (last, int(rows[end]))


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


@attrs.define
class Registers:
    """What the blocks of one register column leave each other: per series (member key code,
    meter code) its last reading ``(scaled integer, scale, row, time ticks)``, and per series
    the span of its readings ``[first ticks, first row, last ticks, last row]``."""

    last: dict[tuple[int, int], tuple[int, int, int, int]] = attrs.Factory(dict)
    spans: dict[tuple[int, int], list[int]] = attrs.Factory(dict)


def deltas(
    table: columns.Table,
    parameter: Parameter,
    unit: str,
    values: tuple[np.ndarray, int, Fraction],
    key: np.ndarray,
    period: np.ndarray,
    rows: np.ndarray,
    layout: Layout,
    present: np.ndarray | slice,
    registers: Registers,
) -> tuple[tuple[np.ndarray, ...], list[tuple[int, int, int, int]]]:
    """Differences of successive readings of one meter, placed in the later reading's period:
    (difference, key, period, row, previous row, previous time, time) within the block, and
    the differences from the reading an earlier block left, as (position, difference, its
    scale, previous row, (previous time, time)); times as ticks of the layout's moments."""
    integers, scale, factor = values
    meter = layout.meter[present] if layout.meter_names else np.zeros(len(key), np.int32)
    same = (np.diff(key) == 0) & (np.diff(meter) == 0)
    delta = np.diff(integers)
    backwards = np.flatnonzero(same & (delta < 0))
    if len(backwards):
        i = int(backwards[0])
        before, after = (Fraction(int(integers[j]), 10**scale) for j in (i, i + 1))
        _backwards(table, parameter, unit, layout, (before, after), rows[i], rows[i + 1], factor)
    moments = layout.moments[present] if layout.moments is not None else None
    ticks = np.zeros(len(key), np.int64) if moments is None else moments.view(np.int64)
    firsts = np.flatnonzero(np.concatenate(([True], ~same)))[: len(key)]
    lasts = np.append(firsts[1:], len(key)) - 1
    edges = []
    for first, last, series in zip(
        firsts.tolist(),
        lasts.tolist(),
        zip(key[firsts].tolist(), meter[firsts].tolist(), strict=True),
        strict=True,
    ):
        reading = int(integers[first])
        if series in registers.last:
            value, at, row, since = registers.last[series]
            common = max(at, scale)
            difference = reading * 10 ** (common - scale) - value * 10 ** (common - at)
            if difference < 0:
                before, after = Fraction(value, 10**at), Fraction(reading, 10**scale)
                _backwards(
                    table, parameter, unit, layout, (before, after), row, rows[first], factor
                )
            edges.append((first, difference, common, row, ([since], ticks[first : first + 1])))
        registers.last[series] = (int(integers[last]), scale, int(rows[last]), int(ticks[last]))
        if layout.meter_names and moments is not None:
            span = [int(ticks[first]), int(rows[first]), int(ticks[last]), int(rows[last])]
            known = registers.spans.setdefault(series, span)
            if span[0] < known[0]:
                known[:2] = span[:2]
            if span[2] > known[2]:
                known[2:] = span[2:]
    within = (
        delta[same],
        key[1:][same],
        period[1:][same],
        rows[1:][same],
        rows[:-1][same],
        ticks[:-1][same],
        ticks[1:][same],
    )
    return within, edges


def _backwards(
    table: columns.Table,
    parameter: Parameter,
    unit: str,
    layout: Layout,
    readings: tuple[Fraction, Fraction],
    before: int,
    row: int,
    factor: Fraction,
) -> None:
    hint = (
        ""
        if layout.meter_names
        else f"; if the meter was replaced, add a {METER_COLUMN!r} column naming each meter"
    )
    raise InputError(
        f"meter reading goes backwards: {decimal_text(readings[0] * factor)} at row {before}, "
        f"then {decimal_text(readings[1] * factor)} {parameter.canonical(unit)}{hint}",
        file=table.path,
        row=int(row),
        parameter=parameter.symbol,
    )


def meters_in_turn(table: columns.Table, registers: Registers, names: list[str]) -> None:
    """A member's meters follow each other: a replaced meter's readings end before the next's
    begin (the swap time may be shared), so no energy is counted twice."""
    spans = sorted((key, span[0], meter, span) for (key, meter), span in registers.spans.items())
    for (key, _, meter, span), (after_key, _, after, later) in itertools.pairwise(spans):
        if key == after_key and later[0] < span[2]:
            starts, ends = (np.datetime64(ticks, "us") for ticks in (later[0], span[2]))
            raise InputError(
                f"meter {names[after]!r} starts at {starts} (row {later[1]}) before meter "
                f"{names[meter]!r} of the same member reads for the last time at {ends} (row "
                f"{span[3]}): meters of one member must follow each other",
                file=table.path,
                row=later[1],
            )
