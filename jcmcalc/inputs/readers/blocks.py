"""Monitoring tables read in blocks of bounded rows, and what one block hands to the next.

:func:`jcmcalc.inputs.series.monitoring.read_monitoring` runs its checks and sums on one block at a
time: a Parquet file in record batches of at most :data:`BLOCK_ROWS` rows, a table held in
memory in slices of as many (a table no longer than that is one block). What crosses a block
edge is explicit: the stable codes of the meters named so far and each series' last time and
row (:class:`Carry`), each register's last reading, and the exact totals by slot (:class:`Sums`),
so memory is bounded by a block and the state per member and period, not by the readings.
A member whose rows go back in time from one block to the next (a file in no time order), or a
streamed CSV file that is not plain (:mod:`jcmcalc.inputs.readers.fastcsv`), cannot be checked
block by block: it is read again as one block (:class:`ReadWhole`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from jcmcalc.inputs import digests
from jcmcalc.inputs.readers import columns, fastcsv, parquet
from jcmcalc.model.errors import InputError

#: Rows per block (a Parquet record batch): bounds the memory a file's readings take.
BLOCK_ROWS = 1 << 20
#: Bytes of a streamed CSV file parsed per block (about 120,000 rows of 35 characters); one
#: block is parsed ahead of the one being summed (measured with benchmarks/csv_read.py: 4 MiB
#: a little faster than 8 or 16 MiB, and half the memory of 16).
BLOCK_BYTES = 1 << 22


class ReadWhole(Exception):
    """The file cannot be read block by block: a series' rows in a later block are earlier
    than its rows in an earlier block, or a streamed CSV file needs the careful reader."""


@attrs.define
class Carry:
    """What a block leaves to the next: ``meters``, a stable code for each meter named so far,
    and ``last``, for each series (its member codes and meter code) the time (integer ticks)
    and row of its last reading."""

    meters: dict[str, int] = attrs.Factory(dict)
    last: dict[tuple[int, ...], tuple[int, int]] = attrs.Factory(dict)


@attrs.define
class Sums:
    """Exact totals of one value column by group code (period position x member code), added
    block by block: per code the integer total at each decimal scale, the first and last row
    summed and how many rows (or register differences) went in."""

    parts: dict[int, list[Any]] = attrs.Factory(dict)
    #: Exact amounts (in the file's unit) moved between codes: a register's difference shared
    #: among the months between its two readings.
    moved: dict[int, Fraction] = attrs.Factory(dict)

    def move(self, source: int, target: int, amount: Fraction, rows: tuple[int, int]) -> None:
        """Move ``amount`` of the total of ``source`` to ``target`` (rows: the difference's)."""
        self.add(target, 0, 0, *rows, 0)
        self.moved[source] = self.moved.get(source, Fraction(0)) - amount
        self.moved[target] = self.moved.get(target, Fraction(0)) + amount

    def add(self, code: int, total: int, scale: int, first: int, last: int, count: int) -> None:
        part = self.parts.get(code)
        if part is None:
            self.parts[code] = [{scale: total}, min(first, last), max(first, last), count]
            return
        totals = part[0]
        totals[scale] = totals.get(scale, 0) + total
        part[1], part[2] = min(part[1], first, last), max(part[2], first, last)
        part[3] += count

    def totals(self, factor: Fraction) -> Iterator[tuple[int, Fraction, tuple[int, int], int]]:
        """(code, exact total times ``factor``, (first row, last row), count), by code."""
        for code in sorted(self.parts):
            totals, first, last, count = self.parts[code]
            top = max(totals)
            integer = sum(total * 10 ** (top - scale) for scale, total in totals.items())
            value = Fraction(integer * factor.numerator, 10**top * factor.denominator)
            if code in self.moved:  # (a register's difference shared among months)
                value += self.moved[code] * factor
            yield code, value, (first, last), count


def blocks(table: columns.Table, size: int | None) -> Iterator[columns.Table]:
    """``table`` in blocks of at most ``size`` rows (None: one block), each citing the rows of
    the file."""
    if not streamed(table) and (size is None or len(table) <= size):
        yield table
        return
    if streamed(table):  # (hashed as it is read, by the reader itself)
        yield from fastcsv.batches(table, BLOCK_BYTES, ReadWhole)
        return
    if any(isinstance(column, parquet.ParquetColumn) for column in table.cells.values()):
        yield from _hashed(table.path, _batches(table, size))
        return
    for start in range(0, len(table), size):
        stop = min(start + size, len(table))
        yield attrs.evolve(
            table,
            cells={title: column[start:stop] for title, column in table.cells.items()},
            rows=_rows(table.rows, start, stop),
        )


def _rows(rows: Any, start: int, stop: int) -> Any:
    if isinstance(rows, columns.Counting):
        return columns.Counting(rows.first + start, stop - start)
    return rows[start:stop]


def streamed(table: columns.Table) -> bool:
    """Whether ``table`` is a CSV file that is only read block by block."""
    return any(isinstance(column, fastcsv.CsvColumn) for column in table.cells.values())


def _batches(table: columns.Table, size: int) -> Iterator[columns.Table]:
    """A Parquet file a row group at a time (in record batches of ``size`` rows where a group
    is longer), its columns under the table's titles."""
    import pyarrow as pa

    names = {title: column.name for title, column in table.cells.items()}
    first = table.rows.first
    try:
        for part in _parts(table.path, list(dict.fromkeys(names.values())), size):
            cells = {title: _chunked(part.column(name)) for title, name in names.items()}
            yield attrs.evolve(table, cells=cells, rows=columns.Counting(first, part.num_rows))
            first += part.num_rows
            del part, cells
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"not a readable Parquet file: {exc}", file=table.path) from None


def _hashed(path: Path, parts: Iterator[columns.Table]) -> Iterator[columns.Table]:
    """The blocks of ``parts``, the file's digest taken in a thread meanwhile (hashlib
    releases the GIL) and recorded if the file did not change while it was read."""
    before, stop = _stamp(path), threading.Event()
    with ThreadPoolExecutor(1) as pool:
        hashing = pool.submit(digests.hashed, path, stop)
        try:
            yield from parts
        except BaseException:  # the blocks end early (an error, or the file read whole)
            stop.set()
            raise
        digest = hashing.result()
    if digest is None or _stamp(path) != before:
        raise InputError("changed while jcmcalc was reading it: run again", file=path)
    digests.note(path, digest)


def _stamp(path: Path) -> tuple[int, int, int]:
    """What changes when a file is written: its size, modification time and inode."""
    status = path.stat()
    return status.st_size, status.st_mtime_ns, status.st_ino


def _parts(path: Path, wanted: list[str], size: int) -> Iterator[Any]:
    import pyarrow.parquet as pq

    source = pq.ParquetFile(path)
    for group in range(source.num_row_groups):
        if source.metadata.row_group(group).num_rows <= size:
            yield source.read_row_group(group, columns=wanted)
        else:
            yield from source.iter_batches(batch_size=size, row_groups=[group], columns=wanted)


def _chunked(column: Any) -> Any:
    import pyarrow as pa

    return column if isinstance(column, pa.ChunkedArray) else pa.chunked_array([column])
