"""Monitoring data from CSV or Parquet files whose headers (or column metadata) carry units.

Header of a value column: ``SYMBOL [UNIT]`` (``"EG_i,p [kWh]"``) or ``python_name [UNIT]``;
``SYMBOL [UNIT] register`` marks cumulative meter readings, turned into energy as the
difference of successive readings of one meter (a ``meter`` column names the meter, so a
replaced meter is handled). A Parquet column may instead carry ``unit`` (and ``register``)
in its field metadata. Index columns name members (``system``). A ``date`` or ``timestamp``
column places each row in its monitoring period (naive times are the project's local time;
times with a UTC offset need ``[project] time_zone``); a file listed under one period may omit
it. Columns are processed whole with numpy, exactly (see :mod:`jcmcalc.inputs.columns`), and
every value crosses :mod:`jcmcalc.inputs.boundary`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import attrs
import numpy as np

from jcmcalc.inputs import boundary, columns, coverage, formats, months, scaled, series, wide
from jcmcalc.inputs.project import Period
from jcmcalc.inputs.readings import ReadContext, Reading, Slot
from jcmcalc.inputs.totals import Column, readings
from jcmcalc.model.errors import InputError, listing, quoted
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.parameters import Kind, Parameter

_HEADER = re.compile(
    r"^\s*(?P<name>[^\[\]]+?)\s*\[(?P<unit>[^\]]*)\]\s*(?P<register>register)?\s*$"
)
_TIME_COLUMNS = ("timestamp", "date")

Key = tuple[str, ...]


def _columns(table: columns.Table, methodology: Methodology) -> list[Column]:
    path = table.path
    index_columns = {index.csv_column for index in methodology.indices}
    found: list[Column] = []
    for name in table.titles:
        if (
            name in _TIME_COLUMNS
            or name in index_columns
            or name in ("period", series.METER_COLUMN)
        ):
            continue
        match = _HEADER.match(name)
        metadata_unit = table.units.get(name)
        if match:
            symbol, unit, register = match["name"], match["unit"].strip(), bool(match["register"])
            if metadata_unit is not None and metadata_unit != unit:
                raise InputError(
                    f"column {name!r}: mixed units, the header says {unit!r} and the column "
                    f"metadata {metadata_unit!r}",
                    file=path,
                    row=1,
                )
        elif metadata_unit is not None:
            symbol, unit = name.removesuffix(" register"), metadata_unit
            register = name.endswith(" register")
        else:
            raise InputError(neither(name, methodology), file=path, row=1)
        try:
            parameter = methodology.parameter(symbol)
        except InputError as exc:
            raise InputError(
                f"{exc.message}; {neither(name, methodology)}", file=path, row=1
            ) from None
        if parameter.kind is not Kind.MONITORED:
            raise InputError(
                f"column {name!r}: {parameter.symbol} is {parameter.kind}, not monitored; "
                "give it in the project file",
                file=path,
                row=1,
            )
        for other in found:
            if other.parameter.name == parameter.name:
                mixed = "mixed units: " if other.unit != unit else ""
                raise InputError(
                    f"{mixed}{parameter.symbol} is in column {other.title!r} and in "
                    f"{name!r}; give it in one column",
                    file=path,
                    row=1,
                    parameter=parameter.symbol,
                )
        factor = boundary.factor(parameter, unit, file=path, row=1)
        found.append(Column(name, parameter, unit, register, factor))
    if not found:
        raise InputError("no value columns (headers such as 'EG_i,p [MWh]')", file=path, row=1)
    return found


def neither(title: str, methodology: Methodology) -> str:
    """The message for a column that is no value column of either form, with both forms."""
    example = next((p for p in methodology.parameters if p.kind is Kind.MONITORED), None)
    symbol, unit = (example.symbol, example.unit) if example else ("SYMBOL", "unit")
    member = title.split("[")[0].strip()
    index = methodology.index(example.index[0]).csv_column if example and example.index else ""
    long = f", with a {index!r} column naming the member" if index else ""
    what = "is not a value column" if "[" in title else "has no unit"
    return (
        f"column {title!r} {what}: in the long form (one row per reading) a value "
        f"column is 'SYMBOL [unit]', e.g. '{symbol} [{unit}]'{long}; in the wide form (one "
        f"column per member) it is 'SYMBOL [unit] @ MEMBER', e.g. '{symbol} [{unit}] @ {member}'"
    )


def read_monitoring(path: Path, context: ReadContext) -> dict[Slot, Reading]:
    """Sum the values of one file per (period number, parameter name, member key).

    ``context.only`` is the period a file listed under ``[[periods]] data`` belongs to; rows
    dated outside it are an error, as are rows of a file with dates that fall in no period,
    duplicate times of one member (and meter) and meter readings that go backwards. The coverage
    of each dated series (:mod:`jcmcalc.inputs.coverage`) goes with its readings.
    """
    methodology, only = context.methodology, context.only
    table = formats.load(path, context.options, context.frame)
    if wide.is_wide(table):
        table = wide.to_long(table, methodology, context.members)
    value_columns = _columns(table, methodology)
    time_titles = [c for c in _TIME_COLUMNS if c in table.titles]
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
    if not len(table):
        return {}
    candidates = [only] if only is not None else sorted(context.periods, key=lambda p: p.start)
    layout = series.layout(
        table,
        methodology,
        context.members,
        candidates,
        time_title,
        only,
        context.time_zone,
        tuple(column.register for column in value_columns),
    )
    found: dict[Slot, Reading] = {}
    for column in value_columns:
        found.update(_read_column(table, layout, column, context, candidates))
    return found


def _read_column(
    table: columns.Table,
    layout: series.Layout,
    column: Column,
    context: ReadContext,
    candidates: list[Period],
) -> dict[Slot, Reading]:
    """The readings of one column, each with the coverage of its member's series (computed
    once the column's values are summed and freed)."""
    found, present = _totals(table, layout, column, context, candidates)
    records = _coverage(table, layout, column, context, candidates, present)
    if not records:
        return found
    own = _own(context.methodology, column.parameter)
    index = column.parameter.index
    for slot, reading in found.items():
        key = tuple(m for s, m in zip(index, slot[2], strict=True) if s in own)
        found[slot] = attrs.evolve(reading, coverage=records.get((slot[0], key), ()))
    return found


def _totals(
    table: columns.Table,
    layout: series.Layout,
    column: Column,
    context: ReadContext,
    candidates: list[Period],
) -> tuple[dict[Slot, Reading], np.ndarray | slice]:
    """The readings of one column by slot, and which of its cells (in layout order) hold a
    value. Rows are summed per period, calendar month (dated rows) and member: each group
    code is ``(period * months + month) * width + member``."""
    parameter, members, calendar = column.parameter, context.members, layout.months
    present, values = _values(table, layout, column, context.methodology, members)
    rows = layout.rows[present]
    integers = values.integers
    sizes = [len(members[s]) for s in parameter.index]
    width = max(int(np.prod(sizes)), 1)
    count = len(calendar.labels) if calendar is not None else 1
    largest = values.largest * (2 if column.register else 1)  # a difference of two readings
    if isinstance(present, slice) and not column.register:
        # Every cell given: sum each (member, period, month) stretch of rows at once.
        starts, place = layout.segments, layout.segment_period
        if calendar is not None:
            starts, run = months.cuts(starts, calendar.codes)
            place = place[run] * count + calendar.codes[starts]
        key: np.ndarray | int = 0
        for symbol, size in zip(parameter.index, sizes, strict=True):
            key = key * size + layout.codes[symbol][starts]
        group = place * width + key
        previous = None
    else:
        key = 0
        for symbol, size in zip(parameter.index, sizes, strict=True):
            key = key * size + layout.codes[symbol][present]
        key = np.broadcast_to(np.asarray(key, dtype=np.int64), (len(integers),))
        place = layout.period()[present]
        if calendar is not None:
            place = place * count + calendar.codes[present]
        previous = rows
        if column.register:
            integers, key, place, rows, previous = series.deltas(
                table,
                parameter,
                column.unit,
                integers,
                values.scale,
                column.factor,
                key,
                place,
                rows,
                layout,
                present,
            )
        group = place * width + key
        starts, order = _runs(group)
        if order is not None:
            integers, group, rows, previous = (a[order] for a in (integers, group, rows, previous))
        group = group[starts]
    if not len(integers):  # a column of empty cells gives no reading (missing values say so)
        return {}, present
    totals = scaled.sums(scaled.Scaled(integers, values.scale, largest), starts)
    ends = np.append(starts[1:], len(integers))
    edges = (previous if previous is not None else rows)[starts], rows[ends - 1]
    places, codes = np.divmod(np.broadcast_to(group, starts.shape), width)
    periods, month = np.divmod(places, count)
    slots = [
        (candidates[number].number, parameter.name, _member(code, parameter.index, members, sizes))
        for number, code in zip(periods.tolist(), codes.tolist(), strict=True)
    ]
    labels = None if calendar is None else [calendar.labels[m] for m in month.tolist()]
    found = readings(table, column, slots, totals, values.scale, edges, ends - starts, labels)
    return found, present


def _coverage(
    table: columns.Table,
    layout: series.Layout,
    column: Column,
    context: ReadContext,
    candidates: list[Period],
    present: np.ndarray | slice,
) -> dict[tuple[int, Key], tuple[coverage.Coverage, ...]]:
    """The coverage records of a dated column by (period number, the key of its members), the
    members being those of the parameter's indices that the project names (a methodology's own
    categories split a member's time, they are not members)."""
    moments = layout.times(table)
    if moments is None:
        return {}
    methodology, parameter = context.methodology, column.parameter
    own = _own(methodology, parameter)
    sizes = [len(context.members[s]) for s in own]
    starts = layout.segments
    code = np.zeros(len(starts), dtype=np.int64)
    unknown = np.zeros(len(starts), dtype=bool)
    for symbol, size in zip(own, sizes, strict=True):
        at = layout.codes[symbol][starts]
        code, unknown = code * size + at, unknown | (at < 0)
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    ends = np.append(starts[1:], len(layout.rows))
    for first, end, position, member, bad in zip(
        starts.tolist(),
        ends.tolist(),
        layout.segment_period.tolist(),
        code.tolist(),
        unknown.tolist(),
        strict=True,
    ):
        if not bad:
            before = column.register and first > 0 and not layout.change[first - 1]
            groups.setdefault((position, member), []).append((first - before, end))

    def describe(member: int) -> tuple[Key, str]:
        key = _member(member, own, context.members, sizes)
        words = ", ".join(
            f"{methodology.index(s).title} {m!r}" for s, m in zip(own, key, strict=True)
        )
        return key, f" for {words}" if words else ""

    given = None if isinstance(present, slice) else present
    dated = coverage.Series(moments, given, layout.rows, groups, layout.zone, column.register)
    found: dict[tuple[int, Key], tuple[coverage.Coverage, ...]] = {}
    for record in coverage.coverages(
        dated, candidates, describe, parameter.symbol, table.path.name
    ):
        place = (record.period, record.member)
        found[place] = (*found.get(place, ()), record)
    return found


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
    given, found = columns.numbers(
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
