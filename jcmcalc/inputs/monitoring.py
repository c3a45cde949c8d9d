"""Monitoring data from CSV or Parquet files whose headers (or column metadata) carry units.

Header of a value column: ``SYMBOL [UNIT]`` (``"EG_i,p [kWh]"``) or ``python_name [UNIT]``;
``SYMBOL [UNIT] register`` marks cumulative meter readings, turned into energy as the
difference of successive readings of one meter (a ``meter`` column names the meter, so a
replaced meter is handled). A Parquet column may instead carry ``unit`` (and ``register``)
in its field metadata. Index columns name members (``system``). A ``date`` or ``timestamp``
column places each row in its monitoring period (naive times are the project's local time;
times with a UTC offset need ``[project] time_zone``); a file listed under one period may omit
it. Columns are processed whole with numpy, exactly (see :mod:`jcmcalc.inputs.columns`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs import columns
from jcmcalc.inputs.project import Period
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.parameters import Kind, Parameter
from jcmcalc.model.units import conversion_factor

_HEADER = re.compile(
    r"^\s*(?P<name>[^\[\]]+?)\s*\[(?P<unit>[^\]]*)\]\s*(?P<register>register)?\s*$"
)
_TIME_COLUMNS = ("timestamp", "date")
METER_COLUMN = "meter"
#: Gaps listed by name in a warning; more are counted.
LISTED_GAPS = 3
DAY = np.timedelta64(1, "D")
#: Rows per block when scanning the time steps of a long series.
STEP_BLOCK = 1 << 22

Key = tuple[str, ...]


@attrs.frozen
class Column:
    title: str
    parameter: Parameter
    unit: str
    register: bool


@attrs.frozen
class Reading:
    """A monitored value summed from file rows: the first and last row it came from.

    ``unit`` is the canonical unit of a parameter with alternative units (its basis).
    ``notes`` are warnings about the file it came from (gaps in an interval series).
    """

    value: Fraction
    file: Path
    rows: tuple[int, ...]
    unit: str = ""
    notes: tuple[str, ...] = ()

    @property
    def origin(self) -> str:
        first, last = self.rows[0], self.rows[-1]
        rows = f"row {first}" if first == last else f"rows {first}-{last}"
        return f"{self.file.name} {rows}"


def _columns(table: columns.Table, methodology: Methodology) -> list[Column]:
    path = table.path
    index_columns = {index.csv_column for index in methodology.indices}
    found: list[Column] = []
    for name in table.titles:
        if name in _TIME_COLUMNS or name in index_columns or name in ("period", METER_COLUMN):
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
            raise InputError(
                f"column {name!r} has no unit: write it as '{name} [unit]'", file=path, row=1
            )
        try:
            parameter = methodology.parameter(symbol)
        except InputError as exc:
            raise InputError(exc.message, file=path, row=1) from None
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
        found.append(Column(name, parameter, unit, register))
    if not found:
        raise InputError("no value columns (headers such as 'EG_i,p [MWh]')", file=path, row=1)
    return found


@attrs.frozen
class _Layout:
    """Rows in processing order: by member, meter and time. Arrays are in that order."""

    order: np.ndarray | None
    rows: np.ndarray
    codes: dict[str, np.ndarray]
    meter: np.ndarray
    meter_names: list[str]
    moments: np.ndarray | None
    change: np.ndarray
    segments: np.ndarray
    segment_period: np.ndarray
    notes: tuple[str, ...]

    def take(self, array: np.ndarray) -> np.ndarray:
        return array if self.order is None else array[self.order]

    def period(self) -> np.ndarray:
        """The period (index into the candidates) of every row."""
        lengths = np.diff(np.append(self.segments, len(self.rows)))
        return np.repeat(self.segment_period, lengths)


def read_monitoring(
    path: Path,
    methodology: Methodology,
    periods: Iterable[Period],
    members: Mapping[str, tuple[str, ...]],
    only: Period | None = None,
    *,
    time_zone: str | None = None,
) -> dict[tuple[int, str, Key], Reading]:
    """Sum the values of one file per (period number, parameter name, member key).

    ``only`` is the period a file listed under ``[[periods]] data`` belongs to; rows dated
    outside it are an error, as are rows of a file with dates that fall in no period, duplicate
    times of one member (and meter) and meter readings that go backwards. Gaps in an interval
    series (a ``timestamp`` column) become notes on the readings.
    """
    table = columns.load(path)
    value_columns = _columns(table, methodology)
    time_title = next((c for c in _TIME_COLUMNS if c in table.titles), None)
    if time_title is None and only is None:
        raise InputError(
            "a file under [monitoring] needs a 'date' or 'timestamp' column", file=path, row=1
        )
    if not len(table):
        return {}
    candidates = [only] if only is not None else sorted(periods, key=lambda p: p.start)
    layout = _layout(
        table, methodology, members, candidates, time_title, only, time_zone, value_columns
    )
    found: dict[tuple[int, str, Key], Reading] = {}
    for column in value_columns:
        found.update(_read_column(table, layout, column, methodology, members, candidates))
    return found


def _layout(
    table: columns.Table,
    methodology: Methodology,
    members: Mapping[str, tuple[str, ...]],
    candidates: list[Period],
    time_title: str | None,
    only: Period | None,
    zone: str | None,
    value_columns: list[Column],
) -> _Layout:
    codes: dict[str, np.ndarray] = {}
    composite: np.ndarray | None = None
    for index in methodology.indices:
        if index.csv_column not in table.titles:
            continue
        code, found = columns.members(table.cells[index.csv_column])
        known = {member: position for position, member in enumerate(members[index.symbol])}
        lookup = np.array([known.get(name, -1) for name in found], dtype=np.int32)
        if not np.array_equal(lookup, np.arange(len(lookup))):
            code = lookup[code]
        columns.release_memory()
        codes[index.symbol] = code
        composite = _combine(composite, code, len(known) + 1)
    meter_names: list[str] = []
    meter = np.zeros(1, dtype=np.int32)
    if METER_COLUMN in table.titles:
        meter, meter_names = columns.members(table.cells[METER_COLUMN])
        composite = _combine(composite, meter, len(meter_names))
    if composite is None:
        composite = np.zeros(len(table), dtype=np.int32)
    moments = None
    if time_title is not None:
        moments = columns.times(table.cells[time_title], title=time_title, table=table, zone=zone)
        columns.release_memory()
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
    notes: tuple[str, ...] = ()
    if moments is None:
        segments, segment_period = runs, np.zeros(len(runs), dtype=np.int64)
    else:
        _duplicates(table, change, moments, rows)
        segments, segment_period = _segments(table, moments, rows, runs, candidates, only)
        if time_title == "timestamp" and not all(c.register for c in value_columns):
            notes = _gaps(table, moments, rows, change, segments, segment_period, candidates)
    if not any(column.register for column in value_columns):
        moments = None  # only meter registers need the times from here on
    columns.release_memory()
    return _Layout(
        order, rows, codes, meter, meter_names, moments, change, segments, segment_period, notes
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
    table: columns.Table, change: np.ndarray, moments: np.ndarray, rows: np.ndarray
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
            f"duplicate time {moments[first]}: rows {rows[first]} and {rows[first + 1]} give the "
            "same member (and meter) at the same time; each reading may appear once",
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
) -> tuple[np.ndarray, np.ndarray]:
    """Where each (member, period) stretch of rows starts, and its period (index into the
    sorted ``candidates``). Times ascend within a member, so each member's rows are cut at the
    period boundaries by binary search; a row in no period is an error."""
    ticks = moments.view(np.int64)
    edges = np.array(
        [
            int(np.datetime64(day, "us").astype(np.int64))
            for p in candidates
            for day in (np.datetime64(p.start, "D"), np.datetime64(p.end, "D") + DAY)
        ],
        dtype=np.int64,
    )
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
            f"{str(moments[first]).replace('T00:00:00.000000', '')} is outside {where}",
            file=table.path,
            row=int(rows[first]),
        )
    return np.array(starts, dtype=np.int64), np.array(periods, dtype=np.int64)


def _gaps(
    table: columns.Table,
    moments: np.ndarray,
    rows: Any,
    change: np.ndarray,
    segments: np.ndarray,
    segment_period: np.ndarray,
    candidates: list[Period],
) -> tuple[str, ...]:
    """Warnings for missing intervals of an interval series (not for meter registers); the
    interval is the shortest step between two rows of one member."""
    largest = np.iinfo(np.int64).max
    interval = min(
        (int(np.where(step < 0, largest, step).min()) for _, step in _steps(moments, change)),
        default=largest,
    )
    if interval in (largest, 0):
        return ()
    found, counts = [], []
    for first, step in _steps(moments, change):
        longer = np.flatnonzero(step > interval)
        found.append(first + longer)
        counts.append(int(((step[longer] // interval) - 1).sum()))
    where = np.concatenate(found)
    notes = []
    if len(where):
        missing = sum(counts)
        listed = ", ".join(
            f"after row {rows[i]} ({moments[i]}) to row {rows[i + 1]} ({moments[i + 1]})"
            for i in where[:LISTED_GAPS].tolist()
        )
        more = f" and {len(where) - LISTED_GAPS} more" if len(where) > LISTED_GAPS else ""
        notes.append(
            f"{table.path.name}: {len(where)} gap(s) in the interval series, about {missing} "
            f"missing reading(s) of {np.timedelta64(interval, 'us')}: {listed}{more}; missing "
            "readings count as nothing generated"
        )
    lasts = np.append(segments[1:], len(moments)) - 1
    for first, last, number in zip(
        segments.tolist(), lasts.tolist(), segment_period.tolist(), strict=True
    ):
        period = candidates[number]
        start = np.datetime64(period.start, "us")
        end = (np.datetime64(period.end, "D") + DAY).astype("datetime64[us]")
        if moments[first] > start or moments[last] + np.timedelta64(interval, "us") < end:
            notes.append(
                f"{table.path.name}: rows {rows[first]}-{rows[last]} cover "
                f"{moments[first]} to {moments[last]}, not all of {period.label}"
            )
    return tuple(notes)


def _read_column(
    table: columns.Table,
    layout: _Layout,
    column: Column,
    methodology: Methodology,
    members: Mapping[str, tuple[str, ...]],
    candidates: list[Period],
) -> dict[tuple[int, str, Key], Reading]:
    parameter = column.parameter
    path = table.path
    for symbol in parameter.index:
        if symbol not in layout.codes:
            index = methodology.index(symbol)
            raise InputError(
                f"{parameter.symbol} is per {index.title}: add a {index.csv_column!r} column",
                file=path,
                row=1,
            )
    given, scaled = columns.numbers(
        table.cells[column.title], title=column.title, table=table, unit=column.unit
    )
    present: np.ndarray | slice
    if given.all():
        present, integers = slice(None), layout.take(scaled.integers)
    else:
        full = np.zeros(len(given), dtype=scaled.integers.dtype)
        full[given] = scaled.integers
        present = layout.take(given)
        integers = layout.take(full)[present]
    for symbol in parameter.index:
        unknown = np.flatnonzero(layout.codes[symbol][present] < 0)
        if len(unknown):
            index = methodology.index(symbol)
            row = int(layout.rows[present][unknown[0]])
            cells = columns.text_cells(table.cells[index.csv_column])
            cell = cells[columns.position(table.rows, row)]
            raise InputError(
                f"unknown {index.title} {str(cell)!r} (known: {', '.join(members[symbol])})",
                file=path,
                row=row,
            )
    rows = layout.rows[present]
    factor = unit_factor(parameter, column.unit, path)
    _check_bounds(parameter, integers, scaled.scale, factor, column.unit, rows, path)
    sizes = [len(members[s]) for s in parameter.index]
    width = max(int(np.prod(sizes)), 1)
    basis = parameter.canonical(column.unit) if parameter.alternatives else ""
    largest = scaled.largest * (2 if column.register else 1)  # a difference of two readings
    if isinstance(present, slice) and not column.register:
        # Every cell given: sum each (member, period) stretch of rows at once.
        starts = layout.segments
        key: np.ndarray | int = 0
        for symbol, size in zip(parameter.index, sizes, strict=True):
            key = key * size + layout.codes[symbol][starts]
        group = layout.segment_period * width + key
        previous = None
    else:
        key = 0
        for symbol, size in zip(parameter.index, sizes, strict=True):
            key = key * size + layout.codes[symbol][present]
        key = np.broadcast_to(np.asarray(key, dtype=np.int64), (len(integers),))
        period = layout.period()[present]
        previous = rows
        if column.register:
            integers, key, period, rows, previous = _deltas(
                table, column, integers, scaled.scale, factor, key, period, rows, layout, present
            )
        group = period * width + key
        starts, order = _runs(group)
        if order is not None:
            integers, group, rows, previous = (a[order] for a in (integers, group, rows, previous))
        group = group[starts]
    if not len(integers):  # a column of empty cells gives no reading (missing values say so)
        return {}
    totals = columns.sums(columns.Scaled(integers, scaled.scale, largest), starts)
    lasts = np.append(starts[1:], len(integers)) - 1
    found: dict[tuple[int, str, Key], Reading] = {}
    for total, code, start, last in zip(
        totals,
        np.broadcast_to(group, starts.shape).tolist(),
        starts.tolist(),
        lasts.tolist(),
        strict=True,
    ):
        slot = (
            candidates[code // width].number,
            parameter.name,
            _member(code % width, parameter, members, sizes),
        )
        value = Fraction(total, 10**scaled.scale) * factor
        first = int((previous if previous is not None else rows)[start])
        span = (first, int(rows[last]))
        if slot in found:
            earlier = found[slot]
            value += earlier.value
            span = (min(earlier.rows[0], span[0]), max(earlier.rows[-1], span[1]))
        found[slot] = Reading(value, path, span, basis, layout.notes)
    return found


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


def _member(
    key: int, parameter: Parameter, members: Mapping[str, tuple[str, ...]], sizes: list[int]
) -> Key:
    found = []
    for symbol, size in reversed(list(zip(parameter.index, sizes, strict=True))):
        key, position = divmod(key, size)
        found.append(members[symbol][position])
    return tuple(reversed(found))


def _deltas(
    table: columns.Table,
    column: Column,
    integers: np.ndarray,
    scale: int,
    factor: Fraction,
    key: np.ndarray,
    period: np.ndarray,
    rows: np.ndarray,
    layout: _Layout,
    present: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Differences of successive readings of one meter, placed in the later reading's period."""
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
            f"meter reading goes backwards: {before} at row {rows[i]}, then {after} "
            f"{column.parameter.canonical(column.unit)}{hint}",
            file=table.path,
            row=int(rows[i + 1]),
            parameter=column.parameter.symbol,
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


def unit_factor(parameter: Parameter, unit: str, path: Path) -> Fraction:
    """The exact factor into the canonical unit (errors worded as for any other value)."""
    try:
        return conversion_factor(unit, parameter.canonical(unit))
    except Exception:
        parameter.convert_magnitude(Fraction(0), unit, file=path, row=1)
        raise


def out_of_bounds(
    parameter: Parameter, integers: np.ndarray, scale: int, factor: Fraction
) -> np.ndarray:
    """Which scaled integers lie outside the parameter's bounds, compared exactly."""
    bounds = parameter.bounds
    bad = np.zeros(len(integers), dtype=bool)
    if bounds.lower is not None:
        threshold = bounds.lower * 10**scale / factor
        bad |= integers < float(math.ceil(threshold))
        if not bounds.lower_inclusive and threshold.denominator == 1:
            bad |= integers == float(threshold)
    if bounds.upper is not None:
        threshold = bounds.upper * 10**scale / factor
        bad |= integers > float(math.floor(threshold))
        if not bounds.upper_inclusive and threshold.denominator == 1:
            bad |= integers == float(threshold)
    return bad


def _check_bounds(
    parameter: Parameter,
    integers: np.ndarray,
    scale: int,
    factor: Fraction,
    unit: str,
    rows: np.ndarray,
    path: Path,
) -> None:
    bad = np.flatnonzero(out_of_bounds(parameter, integers, scale, factor))
    if len(bad):
        first = int(bad[0])
        value = Fraction(int(integers[first]), 10**scale) * factor
        raise InputError(
            f"value {decimal_text(value)} {parameter.canonical(unit)} is out of range: must be "
            f"{parameter.bounds.describe()}",
            file=path,
            row=int(rows[first]),
            parameter=parameter.symbol,
        )
