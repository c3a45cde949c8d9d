"""Monitoring files as columns: CSV (standard library + numpy) and Parquet (pyarrow, optional).

Numbers stay exact without a Python loop per cell: a column of decimals becomes integers
scaled by a common power of ten (``12.345`` -> ``12345`` at scale 3). A float64 carries the
decimal it was written as exactly when that decimal has at most 15 significant digits (IEEE 754
DBL_DIG); other cells go through ``Fraction`` one by one, which is slow but exact.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zoneinfo
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs.project import decode, read_bytes
from jcmcalc.model.errors import InputError
from jcmcalc.model.numbers import absurd, decimal_fraction, magnitude_text

#: Largest |integer| a scaled decimal may reach: 15 significant digits (DBL_DIG of IEEE 754).
SIGNIFICANT = 10**15
#: Sums of scaled integers in float64 are exact while they stay below 2**53.
EXACT_FLOAT_SUM = 2.0**53
_OFFSET = re.compile(r"(Z|[+-]\d\d:?\d\d)$")
_UNIT_IN_CELL = re.compile(r"^[+-]?[\d.]+(?:[eE][+-]?\d+)?\s*(?P<unit>[A-Za-z%][^,]*)$")


@attrs.frozen
class Counting:
    """Row numbers ``first``, ``first + 1``, ... of ``length`` records, without storing them."""

    first: int
    length: int

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, slice):
            if item == slice(None):
                return self
            return np.arange(self.length)[item] + self.first
        if isinstance(item, np.ndarray):
            return (np.flatnonzero(item) if item.dtype == bool else item) + self.first
        position = int(item)
        return (position if position >= 0 else self.length + position) + self.first


def position(rows: Any, row: int) -> int:
    """The record holding ``row`` (rows ascending)."""
    if isinstance(rows, Counting):
        return row - rows.first
    return int(np.searchsorted(rows, row))


class ParquetColumn:
    """One column of a Parquet file. Its type, length and null count come from the file's
    metadata; :meth:`pieces` reads it one row group at a time, so the whole column is never in
    memory twice; any other attribute reads the whole column (a ``pyarrow.ChunkedArray``)."""

    def __init__(self, path: Path, name: str, kind: Any, length: int) -> None:
        self.path, self.name, self.type, self.length = path, name, kind, length

    def __len__(self) -> int:
        return self.length

    @property
    def null_count(self) -> int:
        import pyarrow.parquet as pq

        metadata = pq.ParquetFile(self.path).metadata
        position = metadata.schema.to_arrow_schema().get_field_index(self.name)
        total = 0
        for group in range(metadata.num_row_groups):
            statistics = metadata.row_group(group).column(position).statistics
            if statistics is None or not statistics.has_null_count:
                return self.whole().null_count
            total += statistics.null_count
        return total

    def pieces(self) -> Iterator[Any]:
        """The column's arrow arrays, one row group (chunk) at a time."""
        import pyarrow.parquet as pq

        source = pq.ParquetFile(self.path)
        for group in range(source.num_row_groups):
            yield from source.read_row_group(group, columns=[self.name]).column(0).chunks

    def whole(self) -> Any:
        import pyarrow.parquet as pq

        return pq.read_table(self.path, columns=[self.name]).column(0)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.whole(), attribute)


class ParquetColumns(Mapping[str, Any]):
    """The columns of a Parquet file as :class:`ParquetColumn`, read when used, not kept."""

    def __init__(self, path: Path, schema: Any, length: int) -> None:
        self.path, self.schema, self.length = path, schema, length

    def __getitem__(self, name: str) -> ParquetColumn:
        if name not in self.schema.names:
            raise KeyError(name)
        return ParquetColumn(self.path, name, self.schema.field(name).type, self.length)

    def __iter__(self) -> Iterator[str]:
        return iter(self.schema.names)

    def __len__(self) -> int:
        return len(self.schema.names)


def _pieces(column: Any) -> Iterator[Any]:
    """The arrow arrays of a column, one chunk (row group) at a time."""
    if isinstance(column, ParquetColumn):
        return column.pieces()
    return iter(column.chunks)


def release_memory() -> None:
    """Hand the memory pyarrow keeps for reuse back to the system (when pyarrow is loaded)."""
    import sys

    if "pyarrow" in sys.modules:
        sys.modules["pyarrow"].default_memory_pool().release_unused()


@attrs.frozen
class Table:
    """The columns of one file: titles in order, cells as numpy arrays, row numbers to cite.

    ``rows[i]`` is how an error names record ``i``: its CSV row (the header is row 1) or its
    Parquet record number (the first record is row 1). ``units`` holds Parquet field metadata.
    """

    path: Path
    titles: tuple[str, ...]
    cells: Mapping[str, Any]
    rows: Any
    units: dict[str, str]

    def __len__(self) -> int:
        return len(self.rows)


@attrs.frozen
class Scaled:
    """Exact decimals as ``integers / 10**scale``; ``integers`` is float64 (exact whole numbers
    below 10**15) or an object array of Python ints."""

    integers: np.ndarray
    scale: int
    largest: float = 0.0


def load(path: Path) -> Table:
    """Read a CSV or Parquet monitoring file into columns."""
    if path.suffix.lower() in (".parquet", ".pq"):
        return _parquet(path)
    return _csv(path)


def _csv(path: Path) -> Table:
    text = decode(read_bytes(path, what="monitoring file"), path)
    reader = csv.reader(io.StringIO(text))
    try:
        records = list(reader)
    except csv.Error as exc:  # a field beyond the csv module's limit, for one
        raise InputError(f"unreadable CSV: {exc}", file=path, row=reader.line_num) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise InputError("no header row", file=path, row=1)
    header = tuple(cell.strip() for cell in records[0])
    body = records[1:]
    lengths = np.fromiter(map(len, body), dtype=np.int64, count=len(body))
    rows = np.flatnonzero(lengths) + 2  # an empty line is no row
    if len(rows) < len(body):
        body = [body[i] for i in rows - 2]
        lengths = lengths[rows - 2]
    wrong = np.flatnonzero(lengths != len(header)).tolist()
    if wrong:  # a row of another length is an error unless all its cells are empty
        for position in wrong:
            if any(cell.strip() for cell in body[position]):
                raise InputError(
                    f"{len(body[position])} cells where the header has {len(header)}",
                    file=path,
                    row=int(rows[position]),
                )
        dropped = set(wrong)
        body = [row for position, row in enumerate(body) if position not in dropped]
        rows = np.delete(rows, wrong)
    columns = list(zip(*body, strict=True)) if body else [() for _ in header]
    cells = {
        title: np.char.strip(np.array(column, dtype=str))
        for title, column in zip(header, columns, strict=True)
    }
    blank = np.ones(len(rows), dtype=bool)
    for column in cells.values():
        blank &= np.char.str_len(column) == 0
    if blank.any():  # a row of empty cells (",,,") is no row either
        cells = {title: column[~blank] for title, column in cells.items()}
        rows = rows[~blank]
    if len(set(header)) != len(header):
        duplicate = next(t for t in header if header.count(t) > 1)
        raise InputError(f"column {duplicate!r} appears twice", file=path, row=1)
    return Table(path, header, cells, rows, {})


def _parquet(path: Path) -> Table:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            "reading Parquet needs pyarrow: pip install 'jcmcalc[parquet]'", file=path
        ) from None
    read_bytes_size_check(path)
    try:
        schema = pq.read_schema(path)
        count = pq.ParquetFile(path).metadata.num_rows
    except Exception as exc:
        raise InputError(f"not a readable Parquet file: {exc}", file=path) from None
    units = {}
    for field in schema:
        metadata = field.metadata or {}
        if b"unit" in metadata:
            units[field.name] = metadata[b"unit"].decode()
    names = tuple(schema.names)
    return Table(path, names, ParquetColumns(path, schema, count), Counting(1, count), units)


def read_bytes_size_check(path: Path) -> None:
    """The checks :func:`read_bytes` makes, without reading a file that pyarrow maps itself."""
    if not path.exists():
        raise InputError("monitoring file not found", file=path)
    if path.is_dir():
        raise InputError("monitoring file is a directory, not a file", file=path)
    if path.stat().st_size == 0:
        raise InputError("monitoring file is empty", file=path)


def is_arrow(column: Any) -> bool:
    return not isinstance(column, np.ndarray)


def text_cells(column: Any) -> np.ndarray:
    """Stripped text of a column (CSV text, a Parquet column or a numpy array of any type)."""
    if is_arrow(column):
        column = np.array(column.cast("string").fill_null("").to_numpy(zero_copy_only=False))
    elif column.dtype == object:
        column = np.array(["" if _missing(v) else str(v) for v in column], dtype=str)
    return np.char.strip(column.astype(str))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def members(column: Any) -> tuple[np.ndarray, list[str]]:
    """Integer codes and the distinct member ids of an index column."""
    if is_arrow(column):
        import pyarrow as pa

        known: dict[str, int] = {}
        codes = np.empty(len(column), dtype=np.int32)
        offset = 0
        for piece in _pieces(column):
            if not pa.types.is_dictionary(piece.type):
                piece = piece.cast("string").fill_null("").dictionary_encode()
            names = [str(v or "").strip() for v in piece.dictionary.to_pylist()]
            lookup = np.array([known.setdefault(n, len(known)) for n in names], dtype=np.int32)
            indices = piece.indices.fill_null(len(names)).to_numpy(zero_copy_only=False)
            if piece.indices.null_count:
                lookup = np.append(lookup, known.setdefault("", len(known)))
            codes[offset : offset + len(piece)] = lookup[indices]
            offset += len(piece)
        return codes, list(known)
    names, codes = np.unique(text_cells(column), return_inverse=True)
    return codes, [str(n) for n in names]


def numbers(column: Any, *, title: str, table: Table, unit: str) -> tuple[np.ndarray, Scaled]:
    """Which cells hold a value, and those values as exact scaled integers."""
    if is_arrow(column) and _numeric(column) and column.null_count == 0:
        return _arrow_numbers(column, title=title, table=table)
    if (is_arrow(column) and _numeric(column)) or (
        not is_arrow(column) and column.dtype.kind in "fiu"
    ):
        if is_arrow(column):  # a null is a missing cell, NaN an error
            present = ~column.is_null().to_numpy(zero_copy_only=False)
            array = column.to_numpy(zero_copy_only=False)
        else:  # pandas: NaN is a missing cell
            array = column
            present = ~np.isnan(array) if array.dtype.kind == "f" else np.ones(len(array), bool)
        del column
        values = (array if present.all() else array[present]).astype(np.float64, copy=False)
        del array
        _finite(
            values, lambda i: _row(table, np.flatnonzero(present)[i:]), title=title, table=table
        )
        scaled = _from_floats(values)
        if scaled is None:
            scaled = _from_fractions([Fraction(repr(float(v))) for v in values])
        return present, scaled
    cells = text_cells(column)
    present = np.char.str_len(cells) > 0
    text = cells[present]
    short = np.all(np.char.str_len(text) <= 15) if len(text) else True
    scaled = None
    if short:
        try:
            values = text.astype(np.float64)
        except ValueError:
            values = None
        if values is not None and np.isfinite(values).all():  # else: each cell says why
            scaled = _from_floats(values)
    if scaled is None:
        scaled = _from_fractions(
            [
                _fraction(cell, title, table, unit, int(table.rows[i]))
                for cell, i in zip(text.tolist(), np.flatnonzero(present), strict=True)
            ]
        )
    return present, scaled


def _arrow_numbers(column: Any, *, title: str, table: Table) -> tuple[np.ndarray, Scaled]:
    """A Parquet column without nulls, scaled chunk by chunk into one preallocated array (no
    float64 copy of the whole column)."""
    present = np.ones(len(column), dtype=bool)
    if not len(column):
        return present, Scaled(np.zeros(0), 0, 0.0)
    integers = np.empty(len(column), dtype=np.float64)
    scale = None
    offset = 0
    for piece in _pieces(column):
        values = piece.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
        if scale is None:
            sample = values[:4096]
            scale = next((d for d in range(16) if _fits(sample, d) is not None), -1)
        _finite(values, lambda i, at=offset: int(table.rows[at + i]), title=title, table=table)
        found = None if scale < 0 else _fits(values, scale, out=integers[offset:])
        if found is None:  # more digits than the first rows showed: the general path
            whole = column.to_numpy(zero_copy_only=False).astype(np.float64)
            scaled = _from_floats(whole)
            if scaled is None:
                scaled = _from_fractions([Fraction(repr(float(v))) for v in whole])
            return present, scaled
        offset += len(values)
    largest = float(max(integers.max(), -integers.min()))
    return present, Scaled(integers, scale, largest)


def _numeric(column: Any) -> bool:
    import pyarrow as pa

    kind = column.type
    return pa.types.is_integer(kind) or pa.types.is_floating(kind)


def _finite(values: np.ndarray, row_of: Callable[[int], int], *, title: str, table: Table) -> None:
    """An error naming the row (``row_of(position in values)``) of the first non-finite value."""
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        raise InputError(
            f"column {title!r}: {values[bad[0]]} is not a finite number",
            file=table.path,
            row=row_of(int(bad[0])),
        )


def _from_floats(values: np.ndarray) -> Scaled | None:
    """Scaled integers that reproduce every float exactly, or None (too many digits)."""
    if not len(values):
        return Scaled(values, 0, 0.0)
    sample = values[:4096]
    start = next((d for d in range(16) if _fits(sample, d) is not None), None)
    if start is None:
        return None
    for scale in range(start, 16):
        integers = _fits(values, scale)
        if integers is not None:
            return Scaled(integers, scale, float(max(integers.max(), -integers.min())))
    return None


def _fits(values: np.ndarray, scale: int, out: np.ndarray | None = None) -> np.ndarray | None:
    """``values * 10**scale`` as whole numbers, if they give back every value exactly (written
    into the start of ``out`` when given)."""
    power = 10.0**scale
    with np.errstate(over="ignore"):  # an overflow is a value too large: None below
        integers = np.multiply(values, power, out=None if out is None else out[: len(values)])
    np.rint(integers, out=integers)
    if max(integers.max(), -integers.min()) >= SIGNIFICANT:
        return None
    block = 1 << 20
    for start in range(0, len(values), block):
        part = slice(start, start + block)
        if not np.array_equal(integers[part] / power, values[part]):
            return None
    return integers


def _from_fractions(values: list[Fraction]) -> Scaled:
    scale = 0
    for value in values:
        while (value * 10**scale).denominator != 1:
            scale += 1
    integers = np.empty(len(values), dtype=object)
    integers[:] = [int(value * 10**scale) for value in values]
    return Scaled(integers, scale, float(max((abs(v) for v in integers), default=0)))


def _fraction(cell: str, title: str, table: Table, unit: str, row: int) -> Fraction:
    """One cell as an exact decimal, or an :class:`InputError` saying why it is not."""
    try:
        value = decimal_fraction(cell)
    except (ValueError, ZeroDivisionError):
        value = None
    except OverflowError as exc:
        raise InputError(f"column {title!r}: {exc}", file=table.path, row=row) from None
    if value is not None:
        if absurd(value):
            raise InputError(
                f"column {title!r}: {magnitude_text(value)} {unit} is absurdly large: a typing "
                "error?",
                file=table.path,
                row=row,
            )
        if value.denominator != 1 and 10**60 % value.denominator:
            raise InputError(
                f"column {title!r}: {cell!r} is not a decimal number", file=table.path, row=row
            )
        return value
    match = _UNIT_IN_CELL.match(cell)
    if match is None:
        message = f"column {title!r}: {cell!r} is not a finite number"
    elif match["unit"].strip() == unit:
        message = f"{cell!r}: the unit belongs in the header, not in the cell"
    else:
        message = (
            f"{cell!r}: mixed units in column {title!r} (the header says {unit!r}): give every "
            "cell in the header's unit, as a bare number"
        )
    raise InputError(message, file=table.path, row=row)


def sums(scaled: Scaled, starts: np.ndarray) -> list[int]:
    """Exact integer sums of the runs of ``scaled.integers`` beginning at ``starts``."""
    integers = scaled.integers
    if not len(starts):
        return []
    if integers.dtype == np.float64 and scaled.largest * len(integers) < EXACT_FLOAT_SUM:
        return [int(v) for v in np.add.reduceat(integers, starts)]
    exact = integers if integers.dtype == object else integers.astype(np.int64).astype(object)
    return [int(v) for v in np.add.reduceat(exact, starts)]


def times(column: Any, *, title: str, table: Table, zone: str | None) -> np.ndarray:
    """Wall-clock times in the project's zone as ``datetime64[us]``.

    Naive times are the project's local time, the frame its period dates are written in. Times
    with a UTC offset (or a Parquet column with a time zone) need the project's ``time_zone``,
    into which they are converted.
    """
    if is_arrow(column) and _temporal(column):
        return _arrow_times(column, title=title, table=table, zone=zone)
    if not is_arrow(column) and column.dtype.kind == "M":
        return column.astype("datetime64[us]")
    cells = text_cells(column)
    empty = np.flatnonzero(np.char.str_len(cells) == 0)
    if len(empty):
        raise InputError(f"column {title!r} is empty here", file=table.path, row=_row(table, empty))
    if len(cells) and not _OFFSET.search(str(cells[0])):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                return cells.astype("datetime64[us]")
        except (ValueError, DeprecationWarning, UserWarning):
            pass
    return _python_times(cells, title=title, table=table, zone=zone)


def _row(table: Table, positions: np.ndarray) -> int:
    return int(table.rows[int(positions[0])])


def _python_times(cells: np.ndarray, *, title: str, table: Table, zone: str | None) -> np.ndarray:
    """The slow path: one ``fromisoformat`` per cell, for times with UTC offsets."""
    target = _zone(zone, table) if zone else None
    found = np.empty(len(cells), dtype="datetime64[us]")
    kinds = set()
    for position, cell in enumerate(cells):
        row = int(table.rows[position])
        try:
            moment = dt.datetime.fromisoformat(str(cell))
        except ValueError:
            raise InputError(
                f"column {title!r}: {str(cell)!r} is not an ISO date or timestamp",
                file=table.path,
                row=row,
            ) from None
        kinds.add(moment.tzinfo is not None)
        if len(kinds) > 1:
            raise InputError(
                f"column {title!r}: times with and without a UTC offset are mixed",
                file=table.path,
                row=row,
            )
        if moment.tzinfo is not None:
            if target is None:
                raise InputError(
                    f"column {title!r}: {str(cell)!r} has a UTC offset, but the project declares "
                    'no time zone for its period dates: add time_zone = "Area/City" (or "UTC") '
                    "under [project]",
                    file=table.path,
                    row=row,
                )
            moment = moment.astimezone(target).replace(tzinfo=None)
        found[position] = np.datetime64(moment, "us")
    return found


def _zone(name: str, table: Table) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone {name!r} under [project] time_zone (an IANA name such as "
            "'Asia/Bangkok', or 'UTC')",
            file=table.path,
        ) from None


def _temporal(column: Any) -> bool:
    import pyarrow as pa

    return pa.types.is_timestamp(column.type) or pa.types.is_date(column.type)


def _arrow_times(column: Any, *, title: str, table: Table, zone: str | None) -> np.ndarray:
    import pyarrow as pa

    if column.null_count:
        nulls = np.flatnonzero(column.is_null().to_numpy(zero_copy_only=False))
        raise InputError(f"column {title!r} is empty here", file=table.path, row=_row(table, nulls))
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        if zone is None:
            raise InputError(
                f"column {title!r} has the time zone {kind.tz}, but the project declares no time "
                'zone for its period dates: add time_zone = "Area/City" (or "UTC") under '
                "[project]",
                file=table.path,
            )
        _zone(zone, table)
        return _local(column.whole() if isinstance(column, ParquetColumn) else column, zone)
    found = np.empty(len(column), dtype="datetime64[us]")
    offset = 0
    for piece in _pieces(column):
        found[offset : offset + len(piece)] = _local(piece, None)
        offset += len(piece)
    return found


def _local(column: Any, zone: str | None) -> np.ndarray:
    """Arrow dates or timestamps as naive ``datetime64[us]``, in ``zone`` when given."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if zone is not None:
        column = pc.local_timestamp(column.cast(pa.timestamp(column.type.unit, tz=zone)))
    if not pa.types.is_timestamp(column.type) or column.type.unit != "us":
        column = column.cast(pa.timestamp("us"))
    return column.to_numpy(zero_copy_only=False).astype("datetime64[us]", copy=False)
