"""Plain CSV monitoring files read with pyarrow's multithreaded reader (when pyarrow is
installed), exactly.

Every cell is read as text first. A value column (a header with ``[unit]``) whose cells are at
most 15 characters becomes float64 there: a decimal of at most 15 significant digits is
carried exactly by its float (see :mod:`jcmcalc.inputs.scaled`), so the sums stay exact; any
other value column stays text for the careful path. A time column of naive ISO 8601 times
becomes a timestamp column (pyarrow refuses offsets there); anything else stays text for
:mod:`jcmcalc.inputs.readers.times`. A file this reader cannot take as it is (an empty line, a row
of another length, a cell spanning lines, bytes that are not UTF-8...) goes to the standard
library reader (:func:`jcmcalc.inputs.readers.columns.load`), whose messages name the row: this
reader only ever speeds up a file that reads cleanly. A file of :data:`STREAM_BYTES` or more is
streamed: its lines are counted, and :func:`batches` parses it a block at a time, each block
checked as above (a block that is not clean has the file read whole).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs.boundary import file_errors
from jcmcalc.inputs.project import read_bytes
from jcmcalc.inputs.readers import arrow_numpy, dialect
from jcmcalc.inputs.readers.columns import MANY, SAMPLE, TIME_COLUMNS, Counting, Table

#: Bytes read to find the header line.
HEAD = 1 << 16
#: Smaller files go to the careful reader: for them importing pyarrow (about 0.13 s here)
#: costs more than it saves.
SMALLEST = 1 << 20
#: Longest cell read through a float: 15 characters hold at most 15 significant digits.
FLOAT_CHARACTERS = 15
#: Files this large or larger are streamed block by block rather than read whole.
STREAM_BYTES = 1 << 26
_CHUNK = 1 << 24


@attrs.frozen
class CsvColumn:
    """A column of a CSV file read block by block (:func:`batches`): its raw header cell, the
    file's separator and the raw header."""

    name: str
    separator: str
    raw: tuple[str, ...]


def load(path: Path, separator: str, *, stream: bool = True, numbers: bool = True) -> Table | None:
    """The columns of a clean CSV file, or None when the careful reader must read it.

    The file is read once (:func:`read_bytes`, which records its digest) and pyarrow parses
    those very bytes; a large file is ``stream``-ed (:func:`batches`). Without ``numbers``
    every value column stays text."""
    try:
        size = path.stat().st_size
        if size < SMALLEST:
            return None
        import pyarrow.csv  # noqa: F401
    except (ImportError, OSError):
        return None  # the careful reader reads it (and says what is wrong with it)
    if stream and size >= STREAM_BYTES:
        return _streamed(path, separator)
    data = read_bytes(path, what="monitoring file")
    raw = _header(data, separator)
    header = _titles(raw, separator, path)
    if raw is None or header is None:
        return None
    times = _times(raw, header)
    table = _read(data, separator, raw, times) or (
        _read(data, separator, raw, {}) if times else None
    )
    if table is None or table.num_columns != len(header):
        return None
    table = table.rename_columns(list(header))
    if table.num_rows and table.column(0).null_count:
        return None  # an empty line or a row of empty cells, which is no row
    cells = {title: _column(title, table.column(title), numbers) for title in header}
    if any(cell is None for cell in cells.values()):
        return None
    return Table(path, header, cells, Counting(2, table.num_rows), {})


def _titles(raw: list[str] | None, separator: str, path: Path) -> tuple[str, ...] | None:
    """The stripped header, checked; None when the careful reader must read the file."""
    if raw is None:
        return None
    header = tuple(cell.strip() for cell in raw)
    if not any(header) or len(set(raw)) != len(header):
        return None
    dialect.check_header(header, separator, path)
    return header


def _times(raw: list[str] | tuple[str, ...], header: tuple[str, ...]) -> dict[str, Any]:
    import pyarrow as pa

    return {
        name: pa.timestamp("us")
        for name, title in zip(raw, header, strict=True)
        if title in TIME_COLUMNS
    }


def _streamed(path: Path, separator: str) -> Table | None:
    """A large CSV file's header and row count (its lines after the header), its columns to
    be read block by block."""
    lines, last = 0, b"\n"
    with file_errors(path), path.open("rb") as stream:
        head = stream.read(HEAD + 1)  # more than HEAD: a longer first line is no header here
        stream.seek(0)
        while chunk := stream.read(_CHUNK):
            lines, last = lines + chunk.count(b"\n"), chunk[-1:]
    raw = _header(head, separator)
    header = _titles(raw, separator, path)
    if raw is None or header is None:
        return None
    rows = lines - 1 + (0 if last == b"\n" else 1)
    if rows < 1:  # no line ends but carriage returns, say: the whole reader reads it
        return None
    cells = {
        title: CsvColumn(name, separator, tuple(raw))
        for name, title in zip(raw, header, strict=True)
    }
    return Table(path, header, cells, Counting(2, rows), {})


def batches(table: Table, size: int, again: type[Exception]) -> Iterator[Table]:
    """The blocks of a streamed CSV file (about ``size`` bytes each), each column as a clean
    block of the whole reader gives it; ``again`` is raised where the file is not clean (the
    careful reader must read it whole)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    first = next(iter(table.cells.values()))
    raw, header = list(first.raw), table.titles
    options = pacsv.ConvertOptions(
        column_types={**dict.fromkeys(raw, pa.string()), **_times(raw, header)},
        null_values=[""],
        strings_can_be_null=True,
    )
    row = 2
    try:
        reader = pacsv.open_csv(
            pa.OSFile(str(table.path)),  # read, not mapped: mapped pages would count as memory
            read_options=pacsv.ReadOptions(block_size=size, use_threads=True),
            parse_options=pacsv.ParseOptions(delimiter=first.separator, ignore_empty_lines=False),
            convert_options=options,
        )
        for batch in reader:
            if batch.num_columns != len(header) or (batch.num_rows and batch.column(0).null_count):
                raise again  # an empty line or a row of empty cells, which is no row
            cells = {
                title: _column(title, pa.chunked_array([batch.column(i)]))
                for i, title in enumerate(header)
            }
            if any(cell is None for cell in cells.values()) or row + batch.num_rows > 2 + len(
                table
            ):
                raise again
            yield Table(table.path, header, cells, Counting(row, batch.num_rows), {})
            row += batch.num_rows
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OSError):
        raise again from None
    if row != 2 + len(table):
        raise again  # lines that are not rows (a line end inside a quoted cell, say)


def _header(data: bytes, separator: str) -> list[str] | None:
    """The cells of the first line of the file's bytes; None if there is none."""
    line = re.split(rb"\r\n|\r|\n", data[:HEAD].removeprefix(codecs.BOM_UTF8), maxsplit=1)
    if len(line) == 1 and len(data) > HEAD:
        return None
    try:
        return next(csv.reader([line[0].decode()], delimiter=separator))
    except (UnicodeDecodeError, StopIteration, csv.Error):
        return None


def _read(data: bytes, separator: str, raw: list[str], types: dict[str, Any]) -> Any:
    """The bytes as an arrow table of text (and of ``types`` where given); None if it fails."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        return pacsv.read_csv(
            pa.BufferReader(data),
            parse_options=pacsv.ParseOptions(delimiter=separator, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={**dict.fromkeys(raw, pa.string()), **types},
                null_values=[""],
                strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None


def _column(title: str, column: Any, numbers: bool = True) -> Any:
    """A value column as float64 where that is exact (times were cast in the read); None for a
    text column the careful reader must read: a cell beyond the standard library's field limit
    (which it refuses) or one spanning lines (whose rows it numbers)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(column) or not pa.types.is_string(column.type):
        return column
    value = "[" in title or title in TIME_COLUMNS
    whole = column.combine_chunks()
    if not value and (numbers or few_distinct(whole)):
        # member and meter names (not a table's mostly distinct project ids): one dictionary
        # for the whole column, read once; its distinct cells are the ones checked
        whole = whole.dictionary_encode()
    text = whole.dictionary if pa.types.is_dictionary(whole.type) else whole
    longest = pc.max(pc.utf8_length(text)).as_py()
    if longest is not None and longest > csv.field_size_limit():
        return None
    if numbers and value and title not in TIME_COLUMNS and (longest or 0) <= FLOAT_CHARACTERS:
        floats = _floats(column)
        if floats is not None:
            return floats
    if any(pc.any(pc.match_substring(text, mark)).as_py() for mark in "\r\n"):
        return None  # (a plain substring search is several times faster than a regex)
    return pa.chunked_array([whole])


def few_distinct(array: Any) -> bool:
    """Whether an arrow array's first cells repeat (a column to read through a dictionary)."""
    import pyarrow.compute as pc

    return len(pc.unique(array.slice(0, SAMPLE))) <= MANY


def _floats(column: Any) -> Any:
    """Cells of at most 15 characters as float64 (NaN where empty); None when a cell is no
    finite number (the careful path says which)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pc.any(pc.match_substring(column, "e", ignore_case=True)).as_py():
        return None  # an exponent: the careful path guards its size (1e-400 is no 0)
    try:
        numbers = column.cast(pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if not pc.all(pc.is_finite(numbers)).as_py():  # nan and inf are errors, not missing cells
        return None
    found = arrow_numpy.values(numbers).astype(np.float64)  # a copy: NaN where empty, below
    found[~arrow_numpy.valid(numbers)] = np.nan
    return found
