"""The dated rows behind the readings of a monitoring file, for a report that shows them.

A file is read again through the same steps as its readings (:func:`parse`: the same
loaders, units, boundary checks and order by member, meter and time), from bytes whose SHA-256
must be the one recorded when it was first read; a file that changed since is bad input. Each
value keeps its exact scaled integer (``value = integer / 10**scale`` in the file's unit), so
that a spreadsheet can sum the integers exactly. A file a plugin's reader reads gives its rows
through the reader's optional ``rows`` (:class:`jcmcalc.inputs.series.readings.Worked`), under the
same check of its SHA-256.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import attrs
import numpy as np

from jcmcalc.inputs import digests, sources
from jcmcalc.inputs.boundary import file_errors
from jcmcalc.inputs.project import Period
from jcmcalc.inputs.readers import blocks, columns, parquet
from jcmcalc.inputs.readers.headers import value_columns
from jcmcalc.inputs.readers.times import shown
from jcmcalc.inputs.resolve import Inputs
from jcmcalc.inputs.series import monitoring
from jcmcalc.inputs.series import ordered as series
from jcmcalc.inputs.series.readings import ReadContext, Reader, Worked
from jcmcalc.model.errors import InputError
from jcmcalc.model.faults import plugin_code

Key = tuple[str, ...]


@attrs.frozen
class Row:
    """One given cell of a value column: its period, file row, time (as text, empty for an
    undated file), member, meter (empty without a ``meter`` column) and exact scaled integer.
    ``previous``: for a meter register, the position (in its column's rows) of the same meter's
    reading before, whose difference to this one is counted in this row's period; None for its
    first reading."""

    period: int
    row: int
    time: str
    member: Key
    meter: str
    integer: int
    previous: int | None = None


@attrs.frozen
class ColumnRows:
    """The rows of one value column of one file: its parameter, the unit its header names,
    the exact factor into the parameter's canonical unit, the scale of its integers."""

    file: Path
    parameter: str
    unit: str
    canonical: str
    factor: Fraction
    scale: int
    register: bool
    rows: tuple[Row, ...]

    def value(self, row: Row) -> Fraction:
        """The cell in the file's unit (a register's reading)."""
        return Fraction(row.integer, 10**self.scale)

    def totals(self) -> dict[tuple[int, Key], Fraction]:
        """The exact total per (period number, member key) in the canonical unit: the sum of
        the values, or of a register's differences."""
        integers: dict[tuple[int, Key], int] = {}
        for row in self.rows:
            if self.register and row.previous is None:
                continue
            earlier = self.rows[row.previous].integer if row.previous is not None else 0
            counted = row.integer - earlier
            place = (row.period, row.member)
            integers[place] = integers.get(place, 0) + counted
        scale = self.factor / 10**self.scale
        return {place: total * scale for place, total in integers.items()}


@attrs.frozen
class FileRows:
    """The dated rows of one monitoring file, or ``why`` they are not given: by value column
    for a file the core reads, as ``worked`` rows for one a plugin's reader reads."""

    file: Path
    columns: tuple[ColumnRows, ...] = ()
    why: str = ""
    worked: tuple[Worked, ...] = ()

    @property
    def count(self) -> int:
        """How many values the rows hold."""
        return sum(len(column.rows) for column in self.columns) + len(self.worked)


#: A file larger than this many bytes per allowed row is not read again to count its rows (nor
#: a Parquet file whose metadata counts more rows than allowed).
BYTES_PER_ROW = 200


def project_rows(inputs: Inputs, limit: int) -> tuple[FileRows, ...]:
    """The dated rows of the project's monitoring files, in the order they were read, as long
    as all of them together are at most ``limit`` values; files a plugin's reader reads without
    rows, files given as DataFrames and files beyond the limit get the reason instead."""
    methodology, project = inputs.methodology, inputs.project
    readers = methodology.readers
    found: list[FileRows] = []
    left = limit
    for path, period in sources.monitoring_files(project):
        context = sources.context_of(path, period, methodology, project, inputs.members)
        reader = sources.plugin_reader(path, methodology, readers)
        if context.frame is not None or not path.is_file():
            found.append(FileRows(path, why="given as a DataFrame, not a file"))
        elif reader is not None and reader.rows is None:
            found.append(FileRows(path, why=f"read by the plugin reader {reader.name!r}"))
        elif path.stat().st_size > BYTES_PER_ROW * left or _parquet_rows(path) > left:
            found.append(FileRows(path, why=_too_many(left, limit)))
        else:
            digest = digests.digest_of(path, inputs.digests)
            rows = _plugin_rows(path, context, reader, digest) if reader else None
            with file_errors(path):
                value_rows = () if reader else rows_of(path, context, digest, left)
            shown = FileRows(path, value_rows or (), worked=rows or ())
            if value_rows is None or shown.count > left:
                shown = FileRows(path, why=_too_many(left, limit))
            left -= shown.count
            found.append(shown)
    return tuple(found)


def _parquet_rows(path: Path) -> int:
    """The rows of a Parquet file, from its metadata (a compressed file may hold many rows in
    few bytes); 0 for another file."""
    if path.suffix.lower() not in columns.PARQUET:
        return 0
    with file_errors(path):
        return parquet.open_parquet(path)[2]


def _too_many(left: int, limit: int) -> str:
    return f"more values than the {left:,} left of the {limit:,} a workbook holds"


def _plugin_rows(
    path: Path, context: ReadContext, reader: Reader, digest: digests.Digest
) -> tuple[Worked, ...]:
    """The rows a plugin's reader works out, from bytes whose digest is ``digest``."""
    assert reader.rows is not None
    methodology = context.methodology
    with digests.recording() as seen, plugin_code(methodology, f"its reader {reader.name!r}"):
        rows = tuple(reader.rows(path, context))
    _unchanged(path, seen, digest)
    return rows


def _unchanged(path: Path, seen: dict[Path, digests.Digest], digest: digests.Digest) -> None:
    """Refuse a file whose bytes read now are not those the run read."""
    now = digests.digest_of(path, seen)
    if now != digest:
        raise InputError(
            f"changed since it was read (SHA-256 {now.sha256}, was {digest.sha256}): run again",
            file=path,
        )


@attrs.frozen
class Parsed:
    """A file's table (one block), value columns, layout and candidate periods."""

    table: columns.Table
    columns: list[monitoring.Column]
    layout: series.Layout
    candidates: list[Period]


def parse(path: Path, context: ReadContext) -> Parsed | None:
    """A file read and checked as its readings are, and laid out whole by member, meter and time
    (None: no rows); only for files small enough to hold."""
    opened = monitoring.open_table(path, context)
    if opened is None:
        return None
    table, _, candidates, time_title = opened
    whole = monitoring.whole_table(table, context)
    layout = series.layout(
        whole,
        context.methodology,
        context.members,
        candidates,
        time_title,
        context.only,
        context.time_zone,
        blocks.Carry(),
    )
    return Parsed(whole, value_columns(whole, context.methodology), layout, candidates)


def rows_of(
    path: Path, context: ReadContext, digest: digests.Digest, limit: int | None = None
) -> tuple[ColumnRows, ...] | None:
    """The given cells of every value column of a monitoring file read by the core's reader,
    from bytes whose digest is ``digest`` (else an :class:`InputError`: it changed); None when
    its rows times its value columns exceed ``limit``."""
    with digests.recording() as seen:
        parsed = parse(path, context)
    _unchanged(path, seen, digest)
    if parsed is None:
        return ()
    if limit is not None and len(parsed.table) * len(parsed.columns) > limit:
        return None
    return tuple(_column_rows(parsed, column, context) for column in parsed.columns)


def _column_rows(parsed: Parsed, column: monitoring.Column, context: ReadContext) -> ColumnRows:
    table, layout, parameter = parsed.table, parsed.layout, column.parameter
    members = context.members
    present, values = monitoring.column_values(table, layout, column, context)
    every = layout.rows  # row numbers (an array, or a counting range)
    rows = np.asarray(every[np.arange(len(every))])[present]
    integers = values.integers
    period = layout.period()[present]
    codes = [layout.codes[symbol][present] for symbol in parameter.index]
    keys = [
        tuple(members[s][c] for s, c in zip(parameter.index, found, strict=True))
        for found in zip(*(c.tolist() for c in codes), strict=True)
    ] or [()] * len(rows)
    meters = (
        [layout.meter_names[m] for m in layout.meter[present].tolist()]
        if layout.meter_names
        else [""] * len(rows)
    )
    moments = layout.moments
    times = (
        [""] * len(rows) if moments is None else [shown(m, layout.zone) for m in moments[present]]
    )
    previous: dict[int, int] = {}
    if column.register:
        # A reading's difference is to the one before it of the same member and meter, in
        # layout order (by member, meter and time), as the run counted it.
        key = np.zeros(len(rows), dtype=np.int64)
        for symbol, code in zip(parameter.index, codes, strict=True):
            key = key * (len(members[symbol]) + 1) + code
        meter = layout.meter[present] if layout.meter_names else np.zeros(len(rows), np.int32)
        later = np.flatnonzero((np.diff(key) == 0) & (np.diff(meter) == 0)) + 1
        previous = dict(zip(later.tolist(), (later - 1).tolist(), strict=True))
    numbers = [parsed.candidates[p].number for p in period.tolist()]
    found = tuple(
        Row(number, row, time, member, meter, int(integer), previous.get(position))
        for position, (number, row, time, member, meter, integer) in enumerate(
            zip(numbers, rows.tolist(), times, keys, meters, integers.tolist(), strict=True)
        )
    )
    return ColumnRows(
        table.path,
        parameter.name,
        column.unit,
        parameter.canonical(column.unit),
        column.factor,
        values.scale,
        column.register,
        found,
    )
