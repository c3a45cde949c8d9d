"""Monitoring data from CSV or Parquet files whose headers (or column metadata) carry units.

Header of a value column: ``SYMBOL [UNIT]`` (``"EG_i,p [kWh]"``) or ``python_name [UNIT]``;
``SYMBOL [UNIT] register`` marks cumulative meter readings, turned into energy as the
difference of successive readings of one meter (a ``meter`` column names the meter, so a
replaced meter is handled). A Parquet column may instead carry ``unit`` (and ``register``)
in its field metadata (:mod:`jcmcalc.inputs.readers.headers`). Index columns name members
(``system``). A ``date`` or ``timestamp`` column places each row in its monitoring period
(naive times are the project's local time; times with a UTC offset need ``[project]
time_zone``); a file listed under one period may omit it. A file is read in blocks of bounded
rows (:mod:`jcmcalc.inputs.readers.blocks`), each block's columns processed whole with numpy,
exactly
(see :mod:`jcmcalc.inputs.readers.columns`), and summed per member and period as the blocks stream;
every value crosses :mod:`jcmcalc.inputs.boundary`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import attrs
import numpy as np

from jcmcalc.inputs import boundary, cell_numbers, scaled
from jcmcalc.inputs.project import MAX_FILE_BYTES, Period
from jcmcalc.inputs.readers import blocks, columns, formats, parquet, wide
from jcmcalc.inputs.readers.headers import Column, value_columns
from jcmcalc.inputs.series import coverage, months
from jcmcalc.inputs.series import ordered as series
from jcmcalc.inputs.series.readings import ReadContext, Reading, Slot
from jcmcalc.model.errors import InputError, listing, quoted
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.parameters import Parameter

Key = tuple[str, ...]


@attrs.define
class Streamed:
    """What the blocks of one value column add up to: its exact sums by group (period position
    x ``width`` + member code), the coverage gathered (members of ``own`` indices, codes below
    ``own_width``) and what a register's blocks leave each other."""

    column: Column
    sizes: list[int]
    own: tuple[str, ...]
    own_sizes: list[int]
    sums: blocks.Sums = attrs.Factory(blocks.Sums)
    gathered: coverage.Gathered | None = None
    registers: series.Registers = attrs.Factory(series.Registers)
    #: The calendar months of a dated file (group codes then hold the month too).
    labels: tuple[str, ...] = ()

    @property
    def width(self) -> int:
        return max(math.prod(self.sizes), 1)

    @property
    def own_width(self) -> int:
        return max(math.prod(self.own_sizes), 1)


def read_monitoring(path: Path, context: ReadContext) -> dict[Slot, Reading]:
    """Sum the values of one file per (period number, parameter name, member key).

    ``context.only`` is the period a file listed under ``[[periods]] data`` belongs to; rows
    dated outside it are an error, as are rows of a file with dates that fall in no period,
    duplicate times of one member (and meter) and meter readings that go backwards. The coverage
    of each dated series (:mod:`jcmcalc.inputs.series.coverage`) goes with its readings. The file is
    read block by block; one whose series go back in time across blocks, as one block.
    """
    opened = open_table(path, context)
    if opened is None:
        return {}
    table, found_columns, candidates, time_title = opened
    try:
        return _read(table, found_columns, context, candidates, time_title, blocks.BLOCK_ROWS)
    except blocks.ReadWhole:
        whole = whole_table(table, context)
        return _read(
            whole, value_columns(whole, context.methodology), context, candidates, time_title, None
        )


def whole_table(table: columns.Table, context: ReadContext) -> columns.Table:
    """``table`` as one block: a streamed CSV file read whole (by the careful reader if it is
    not plain)."""
    if not blocks.streamed(table):
        return table
    if table.path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(
            "cannot be read block by block (rows of a member go back in time from one block to "
            "the next, or the file is not plain CSV: an empty line, a row of another length, a "
            "line end in a quoted cell...) and is larger than the "
            f"{MAX_FILE_BYTES // 2**20} MiB read whole: sort it by member and time, or mend it",
            file=table.path,
        )
    return formats.load(table.path, context.options, context.frame, stream=False)


def _read(
    table: columns.Table,
    found_columns: list[Column],
    context: ReadContext,
    candidates: list[Period],
    time_title: str | None,
    size: int | None,
) -> dict[Slot, Reading]:
    """The readings of ``table`` read in blocks of ``size`` rows (None: one block)."""
    members, methodology = context.members, context.methodology
    states = []
    for column in found_columns:
        own = _own(methodology, column.parameter)
        sizes = [len(members[s]) for s in column.parameter.index]
        states.append(Streamed(column, sizes, own, [len(members[s]) for s in own]))
    carry = blocks.Carry()
    for block in blocks.blocks(table, size):
        layout = series.layout(
            block,
            methodology,
            members,
            candidates,
            time_title,
            context.only,
            context.time_zone,
            carry,
        )
        dated = layout.moments is not None
        calendar = months.calendar(layout.moments, candidates, layout.zone) if dated else None
        for state in states:
            present, values = _values(block, layout, state.column, methodology, members)
            if dated:
                _coverage(block, layout, state, present)
                state.labels = calendar.labels
            _totals(block, layout, state, present, values, calendar)
    parquet.release_memory()  # what pyarrow kept for reuse from block to block
    found: dict[Slot, Reading] = {}
    for state in states:
        found.update(_finish(table, state, context, candidates, list(carry.meters)))
    return found


def column_values(
    table: columns.Table, layout: series.Layout, column: Column, context: ReadContext
) -> tuple[np.ndarray | slice, scaled.Scaled]:
    """The given cells of a laid-out column in layout order, as its readings sum them."""
    return _values(table, layout, column, context.methodology, context.members)


def open_table(
    path: Path, context: ReadContext
) -> tuple[columns.Table, list[Column], list[Period], str | None] | None:
    """A file loaded with its value columns, candidate periods and time column (None: no
    rows)."""
    methodology, only = context.methodology, context.only
    table = formats.load(path, context.options, context.frame)
    if wide.is_wide(table):
        whole = whole_table(table, context)
        table = wide.to_long(whole, methodology, context.members)
    found_columns = value_columns(table, methodology)
    time_titles = [c for c in columns.TIME_COLUMNS if c in table.titles]
    if len(time_titles) > 1:  # one would be ignored, even where the two disagree
        raise InputError(
            "both a 'timestamp' and a 'date' column: give one (the timestamp holds the date)",
            file=path,
            row=1,
        )
    time_title = time_titles[0] if time_titles else None
    if time_title is None and only is None:
        raise InputError(
            "a file under [monitoring] needs a 'date' or 'timestamp' column", file=path, row=1
        )
    if not blocks.streamed(table) and not len(table):  # (a streamed file is counted as read)
        return None
    candidates = [only] if only is not None else sorted(context.periods, key=lambda p: p.start)
    return table, found_columns, candidates, time_title


def _finish(
    table: columns.Table,
    state: Streamed,
    context: ReadContext,
    candidates: list[Period],
    meters: list[str],
) -> dict[Slot, Reading]:
    """The readings of one column from its sums, each total checked at the boundary like a
    value written in a project file, each with the coverage of its member's series."""
    column, members = state.column, context.members
    parameter, unit = column.parameter, column.unit
    series.meters_in_turn(table, state.registers, meters)
    basis = parameter.canonical(unit) if parameter.alternatives else ""
    written = boundary.written(parameter, unit)
    found: dict[Slot, Reading] = {}
    runs: dict[Slot, list[months.Run]] = {}
    width, labels = state.width, max(len(state.labels), 1)  # (computed once: many totals)
    for code, value, span, count in state.sums.totals(column.factor):
        place, month = divmod(code // width, labels)
        member = _member(code % width, parameter.index, members, state.sizes)
        slot = (candidates[place].number, parameter.name, member)
        label = state.labels[month] if state.labels else ""
        runs.setdefault(slot, []).append((label, value, span, count))
    for slot, parts in runs.items():
        value, span, count, by_month = months.gathered(parts)
        count += column.register  # a register's first reading counts too
        reading = Reading(
            value, table.path, span, basis, count=count, months=by_month, written=written
        )
        problem = boundary.refusal(parameter, value, parameter.canonical(unit))
        if problem:
            raise InputError(
                f"the total of {reading.origin}: {problem}",
                file=table.path,
                row=reading.rows[-1],
                parameter=parameter.symbol,
            )
        found[slot] = reading
    if state.gathered is None or not found:
        return found
    records: dict[tuple[int, Key], tuple[coverage.Coverage, ...]] = {}
    methodology = context.methodology

    def describe(code: int) -> tuple[Key, str]:
        key = _member(code, state.own, members, state.own_sizes)
        words = ", ".join(
            f"{methodology.index(s).title} {m!r}" for s, m in zip(state.own, key, strict=True)
        )
        return key, f" for {words}" if words else ""

    for record in coverage.coverages(
        state.gathered, candidates, describe, parameter.symbol, table.path.name
    ):
        place = (record.period, record.member)
        records[place] = (*records.get(place, ()), record)
    own = state.own
    for slot, reading in found.items():
        key = tuple(m for s, m in zip(parameter.index, slot[2], strict=True) if s in own)
        found[slot] = attrs.evolve(reading, coverage=records.get((slot[0], key), ()))
    return found


def _totals(
    table: columns.Table,
    layout: series.Layout,
    state: Streamed,
    present: np.ndarray | slice,
    values: scaled.Scaled,
    calendar: months.Calendar | None,
) -> None:
    """Add one block's values of a column to its sums by group: period, calendar month (of
    dated rows; a register's difference in its later reading's) and member."""
    count = len(calendar.labels) if calendar is not None else 1
    column, width = state.column, state.width
    parameter = column.parameter
    rows = layout.rows[present]
    integers = values.integers
    largest = values.largest * (2 if column.register else 1)  # a difference of two readings
    if isinstance(present, slice) and not column.register:
        # Every cell given: sum each (member, period, month) stretch of rows at once.
        starts, place = layout.segments, layout.segment_period
        if calendar is not None:
            starts, run = months.cuts(starts, calendar.codes)
            place = place[run] * count + calendar.codes[starts]
        group = place * width + _key(layout, parameter, state.sizes, starts)
        previous = None
    else:
        key = _key(layout, parameter, state.sizes, present)
        key = np.broadcast_to(np.asarray(key, dtype=np.int64), (len(integers),))
        period = layout.period()[present]
        if calendar is not None:
            period = period * count + calendar.codes[present]
        previous = rows
        if column.register:
            (integers, *arrays), edges = series.deltas(
                table,
                parameter,
                column.unit,
                (integers, values.scale, column.factor),
                key,
                period,
                rows,
                layout,
                present,
                state.registers,
            )
            for at, difference, scale, before, times in edges:
                code = int(period[at]) * width + int(key[at])
                state.sums.add(code, difference, scale, before, int(rows[at]), 1)
                months.prorate(
                    state.sums, calendar, width, ([code], [difference], [before]), scale, times
                )
            key, period, rows, previous, *times = arrays
            found = (period * width + key, integers, previous)
            months.prorate(state.sums, calendar, width, found, values.scale, times)
        group = period * width + key
        starts, order = _runs(group)
        if order is not None:
            integers, group, rows, previous = (a[order] for a in (integers, group, rows, previous))
        group = group[starts]
    if not len(integers):  # a column of empty cells gives no reading (missing values say so)
        return
    totals = scaled.sums(scaled.Scaled(integers, values.scale, largest), starts)
    ends = np.append(starts[1:], len(integers))
    codes = group if np.shape(group) == starts.shape else np.broadcast_to(group, starts.shape)
    for code, total, first, last, count in zip(
        codes.tolist(),
        totals,
        (previous if previous is not None else rows)[starts].tolist(),
        rows[ends - 1].tolist(),
        (ends - starts).tolist(),
        strict=True,
    ):
        state.sums.add(code, total, values.scale, first, last, count)


def _key(
    layout: series.Layout, parameter: Parameter, sizes: list[int], at: np.ndarray | slice
) -> np.ndarray | int:
    """The member code (over the parameter's indices) of the rows ``at`` (layout order)."""
    key: np.ndarray | int = 0
    for symbol, size in zip(parameter.index, sizes, strict=True):
        key = key * size + layout.codes[symbol][at]
    return key


def _coverage(
    table: columns.Table,
    layout: series.Layout,
    state: Streamed,
    present: np.ndarray | slice,
) -> None:
    """Gather one block's dated cells of a column for its coverage, by (period position, the
    code of its members), the members being those of the parameter's indices that the project
    names (a methodology's own categories split a member's time, they are not members). A
    register's stretch starts at the meter's last reading before it, if any (the difference from
    it counts in the period): the row before in this block or the reading an earlier one left."""
    column, starts = state.column, layout.segments
    code = np.zeros(len(starts), dtype=np.int64)
    unknown = np.zeros(len(starts), dtype=bool)
    for symbol, size in zip(state.own, state.own_sizes, strict=True):
        at = layout.codes[symbol][starts]
        code, unknown = code * size + at, unknown | (at < 0)
    group = np.where(unknown, -1, layout.segment_period * state.own_width + code)
    if state.gathered is None:
        state.gathered = coverage.Gathered(state.own_width, layout.zone, column.register)
    ticks = layout.moments.view(np.int64)
    given = None if isinstance(present, slice) else present
    if column.register:
        continued = np.zeros(len(starts), dtype=bool)
        continued[1:] = ~layout.change[starts[1:] - 1]
        _carried(layout, state, starts[~continued], group[~continued])
        before = np.flatnonzero(continued & (group >= 0))
        if given is not None:
            before = before[given[starts[before] - 1]]
        state.gathered.before(group[before], ticks[starts[before] - 1])
    state.gathered.add(starts, group, ticks, given, layout.rows)


def _carried(
    layout: series.Layout, state: Streamed, firsts: np.ndarray, groups: np.ndarray
) -> None:
    """The times of the readings earlier blocks left for the series that begin at ``firsts``."""
    key = np.broadcast_to(_key(layout, state.column.parameter, state.sizes, firsts), firsts.shape)
    meter = layout.meter[firsts] if layout.meter_names else np.zeros(len(firsts), np.int32)
    found = [
        (group, state.registers.last[series_key][3])
        for group, series_key in zip(
            groups.tolist(), zip(key.tolist(), meter.tolist(), strict=True), strict=True
        )
        if group >= 0 and series_key in state.registers.last
    ]
    if found:
        group, ticks = (np.array(values, dtype=np.int64) for values in zip(*found, strict=True))
        state.gathered.before(group, ticks)


def _values(
    table: columns.Table,
    layout: series.Layout,
    column: Column,
    methodology: Methodology,
    members: Mapping[str, tuple[str, ...]],
) -> tuple[np.ndarray | slice, scaled.Scaled]:
    """The given cells of a column in layout order, checked at the boundary."""
    parameter, path = column.parameter, table.path
    for symbol in parameter.index:
        if symbol not in layout.codes:
            index = methodology.index(symbol)
            raise InputError(
                f"{parameter.symbol} is per {index.title}: add a {index.csv_column!r} column",
                file=path,
                row=1,
            )
    given, found = cell_numbers.numbers(
        table.cells[column.title], title=column.title, table=table, unit=column.unit
    )
    present: np.ndarray | slice
    if given.all():
        present, integers = slice(None), layout.take(found.integers)
    else:
        full = np.zeros(len(given), dtype=found.integers.dtype)
        full[given] = found.integers
        present = layout.take(given)
        integers = layout.take(full)[present]
    for symbol in parameter.index:
        unknown = np.flatnonzero(layout.codes[symbol][present] < 0)
        if len(unknown):
            index = methodology.index(symbol)
            row = int(layout.rows[present][unknown[0]])
            cells = columns.text_cells(table.cells[index.csv_column])
            cell = str(cells[columns.position(table.rows, row)])
            raise InputError(
                f"column {index.csv_column!r} is empty here (each row names its {index.title})"
                if not cell
                else f"unknown {index.title} {quoted(cell)} (known: {listing(members[symbol])})",
                file=path,
                row=row,
            )
    boundary.check_column(
        parameter, integers, found.scale, column.factor, column.unit, layout.rows[present], path
    )
    return present, scaled.Scaled(integers, found.scale, found.largest)


def _runs(group: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Starts of the runs of equal ``group``, after a stable sort when they are not contiguous."""
    if not len(group):
        return np.array([], np.int64), None
    starts = np.concatenate(([0], np.flatnonzero(group[1:] != group[:-1]) + 1))
    if len(starts) == len(np.unique(group[starts])):
        return starts, None
    order = np.argsort(group, kind="stable")
    ordered = group[order]
    return np.concatenate(([0], np.flatnonzero(np.diff(ordered) != 0) + 1)), order


def _own(methodology: Methodology, parameter: Parameter) -> tuple[str, ...]:
    """The parameter's indices whose members the project names (not a methodology's list)."""
    return tuple(s for s in parameter.index if not methodology.index(s).members)


def _member(
    key: int, index: tuple[str, ...], members: Mapping[str, tuple[str, ...]], sizes: list[int]
) -> Key:
    found = []
    for symbol, size in reversed(list(zip(index, sizes, strict=True))):
        key, position = divmod(key, size)
        found.append(members[symbol][position])
    return tuple(reversed(found))
