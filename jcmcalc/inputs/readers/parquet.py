"""Parquet monitoring files (pyarrow, optional): columns read one row group at a time.

A column's unit may be in its field metadata (``unit``). Numbers follow the rules of
:mod:`jcmcalc.inputs.scaled`: integer columns are read as integers (exact beyond 2**53), decimal
columns as their scaled integers, float columns as the shortest decimal of
each float; a null is a missing cell, a NaN an error.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from jcmcalc.inputs import scaled
from jcmcalc.inputs.project import existing
from jcmcalc.inputs.readers import arrow_numpy
from jcmcalc.model.errors import InputError


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


def pieces(column: Any) -> Iterator[Any]:
    """The arrow arrays of a column, one chunk (row group) at a time."""
    return iter(arrow_numpy.chunks(column))


def release_memory() -> None:
    """Hand the memory pyarrow keeps for reuse back to the system (when pyarrow is loaded)."""
    if "pyarrow" in sys.modules:
        sys.modules["pyarrow"].default_memory_pool().release_unused()


def open_parquet(path: Path) -> tuple[tuple[str, ...], ParquetColumns, int, dict[str, str]]:
    """Column names, columns, row count and the units of the field metadata of a Parquet file."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            "reading Parquet needs pyarrow: pip install 'jcmcalc[parquet]'", file=path
        ) from None
    _check_file(path)
    try:
        schema = pq.read_schema(path)
        count = pq.ParquetFile(path).metadata.num_rows
    except Exception as exc:
        raise InputError(f"not a readable Parquet file: {exc}", file=path) from None
    units = {}
    for field in schema:
        if field.type.num_fields:  # a list, struct or map in each cell
            raise InputError(
                f"column {field.name!r} holds {field.type} in each cell: give one value per cell",
                file=path,
                row=1,
            )
        metadata = field.metadata or {}
        if b"unit" in metadata:
            try:
                units[field.name] = metadata[b"unit"].decode().strip()
            except UnicodeDecodeError:
                raise InputError(
                    f"column {field.name!r}: the unit in its metadata is not UTF-8 text",
                    file=path,
                    row=1,
                ) from None
    return tuple(schema.names), ParquetColumns(path, schema, count), count, units


def _check_file(path: Path) -> None:
    """The checks :func:`~jcmcalc.inputs.project.read_bytes` makes, without reading a file that
    pyarrow maps itself."""
    if existing(path, what="monitoring file").st_size == 0:
        raise InputError("monitoring file is empty", file=path)


def numeric(column: Any) -> bool:
    """Whether an arrow column holds numbers read as numbers (else as text): integers, floats
    and ``decimal128`` of a scale of zero or more."""
    import pyarrow as pa

    kind = column.type
    if pa.types.is_decimal128(kind):
        return kind.scale >= 0
    return pa.types.is_integer(kind) or pa.types.is_floating(kind)


def numbers(column: Any, *, title: str, file: object, rows: Any) -> tuple[np.ndarray, Any]:
    """Which cells of a numeric arrow column hold a value, and those values exactly."""
    import pyarrow as pa

    if pa.types.is_integer(column.type):
        present = arrow_numpy.valid(column)
        values = arrow_numpy.values(column)  # an empty cell's slot is left out below
        return present, scaled.from_integers(values if present.all() else values[present])
    if pa.types.is_decimal(column.type):
        present = arrow_numpy.valid(column)
        integers = arrow_numpy.unscaled(column)
        if integers is None:  # beyond 64 bits: each value exactly, one at a time
            given = [Fraction(value) for value in column.to_pylist() if value is not None]
            return present, scaled.from_fractions(given)
        return present, decimals(integers if present.all() else integers[present], column.type)
    if column.null_count == 0:
        return np.ones(len(column), dtype=bool), _floats(column, title=title, file=file, rows=rows)
    present = arrow_numpy.valid(column)
    values = arrow_numpy.values(column)[present].astype(np.float64, copy=False)
    positions = np.flatnonzero(present)
    scaled.finite(values, lambda i: int(rows[positions[i]]), title=title, file=file)
    return present, scaled.from_floats(values)


def is_decimal(column: Any) -> bool:
    import pyarrow as pa

    return pa.types.is_decimal(column.type)


def decimal_text(column: Any) -> np.ndarray:
    """The text of a decimal column: each value exactly, with no exponent and no trailing
    zeros (``1.50`` of scale 2 is ``1.5``); an empty cell is ``""``. (Arrow's cast to text would
    keep the zeros, and its ``fill_null`` imports pandas.)"""
    integers = arrow_numpy.unscaled(column)
    if integers is None:  # beyond 64 bits: one value at a time
        values = column.to_pylist()
        return np.array(["" if v is None else format(v.normalize(), "f") for v in values], str)
    if not len(integers):
        return np.zeros(0, dtype=str)
    place = column.type.scale
    whole, part = np.divmod(np.abs(integers), 10**place)
    text = whole.astype(str)
    if place:
        digits = np.char.rstrip(np.char.zfill(part.astype(str), place), "0")
        text = np.where(part > 0, np.char.add(np.char.add(text, "."), digits), text)
    text = np.where(integers < 0, np.char.add("-", text), text)
    return np.where(arrow_numpy.valid(column), text, "")


def decimals(integers: np.ndarray, kind: Any) -> scaled.Scaled:
    """Decimals of arrow type ``kind`` from their unscaled int64 ``integers``, exactly, at the
    fewest decimal places that hold them all (as a float column's are read)."""
    if not len(integers):
        return scaled.Scaled(np.zeros(0), 0, 0.0)
    place = kind.scale
    while place and not np.any(integers % 10):
        integers, place = integers // 10, place - 1
    largest = int(np.abs(integers).max())
    if largest < scaled.SIGNIFICANT:  # whole numbers float64 carries exactly
        return scaled.Scaled(integers.astype(np.float64), place, float(largest))
    return scaled.Scaled(integers.astype(object), place, float(largest))


def _floats(column: Any, *, title: str, file: object, rows: Any) -> scaled.Scaled:
    """A float column without nulls, scaled chunk by chunk into one preallocated array (no
    float64 copy of the whole column)."""
    if not len(column):
        return scaled.Scaled(np.zeros(0), 0, 0.0)
    integers = np.empty(len(column), dtype=np.float64)
    scale = None
    offset = 0
    for piece in pieces(column):
        values = arrow_numpy.values(piece).astype(np.float64, copy=False)
        if scale is None:
            sample = values[:4096]
            scale = next((d for d in range(16) if scaled.fits(sample, d) is not None), -1)
        scaled.finite(values, lambda i, at=offset: int(rows[at + i]), title=title, file=file)
        found = None if scale < 0 else scaled.fits(values, scale, out=integers[offset:])
        if found is None:  # more digits than the first rows showed: the general path
            return scaled.from_floats(arrow_numpy.values(column).astype(np.float64))
        offset += len(values)
    return scaled.Scaled(integers, scale, float(max(integers.max(), -integers.min())))
