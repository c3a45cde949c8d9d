"""Plain CSV monitoring files read with pyarrow's multithreaded parser (when pyarrow is
installed), exactly, in one pass over the file's bytes.

A file is parsed a block of whole lines at a time; one of fewer than :data:`STREAM_BYTES` bytes
is one block, read whole by :func:`~jcmcalc.inputs.project.read_bytes` (which records its
digest). A larger file is streamed (:func:`batches`): each block of bytes is hashed as it is
read, a thread parsing the next block while the caller sums the last, and the file's digest is
that of the very bytes parsed. Nothing counts the file's lines beforehand.

A block is parsed typed first: a time column (``timestamp``, ``date``) as timestamps, a value
column (a header with ``[unit]``) straight into exact decimals, ``decimal128(18, places)`` (the
scaled integers themselves: arrow refuses a cell it cannot hold exactly, of more decimals or no
number; a scaled integer beyond 64 bits sends the block to text), any other column as a
dictionary of names. Arrow reads an exponent (``0e-99``) that the careful path refuses beyond
its guard, so a block whose bytes hold more ``e``/``E`` than its names is no typed block.
``places`` starts at the most decimals written in the first rows and grows with a block that
needed more. A block that is not typed so is parsed with every value column as text: where its
cells are at most 15 characters it becomes float64 (a decimal of at most 15 significant digits
is carried exactly by its float, see :mod:`jcmcalc.inputs.scaled`); any other stays text for
the careful path, which reads each cell exactly. A time column arrow cannot read (times with
offsets) stays text for :mod:`jcmcalc.inputs.readers.times`.

A file this reader cannot take as it is (an empty line, a row of another length, a cell beyond
the standard library's field limit or spanning lines, bytes that are not UTF-8...) goes to the
standard library reader (:func:`jcmcalc.inputs.readers.columns.load`), whose messages name the
row: this reader only ever speeds up a file that reads cleanly.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

import attrs
import numpy as np

from jcmcalc.inputs import digests
from jcmcalc.inputs.boundary import file_errors
from jcmcalc.inputs.project import read_bytes
from jcmcalc.inputs.readers import arrow_numpy, dialect
from jcmcalc.inputs.readers.columns import MANY, SAMPLE, TIME_COLUMNS, Counting, Table

#: Bytes read to find the header line.
HEAD = 1 << 16
#: Smaller files go to the careful reader: for them importing pyarrow (about 0.13 s here)
#: costs more than it saves.
SMALLEST = 1 << 20
#: Files this large or larger are streamed block by block rather than read whole.
STREAM_BYTES = 1 << 26
#: Longest line a streamed block may end in the middle of (a longer one: the careful reader).
LONGEST_LINE = 1 << 24
#: Longest cell read through a float: 15 characters hold at most 15 significant digits.
FLOAT_CHARACTERS = 15
#: Digits of a decimal read typed (it fits an int64), and the most of them after the point.
DIGITS, PLACES = 18, 9
_PLACES = re.compile(rb"\.(\d+)")


@attrs.frozen
class CsvColumn:
    """A column of a CSV file read block by block (:func:`batches`): its raw header cell and
    the file's :class:`Shape`."""

    name: str
    shape: Shape


class Unread:
    """The rows of a streamed CSV file before its blocks are read: numbered from row 2 and
    counted block by block as they are parsed (:func:`batches`), so not known before."""

    first = 2

    def __len__(self) -> int:
        raise TypeError("the rows of a streamed CSV file are counted as its blocks are read")


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
    shape = shape_of(path, data, separator, numbers)
    if shape is None:
        return None
    parser = Parser(shape, data[shape.start : shape.start + HEAD])
    found = parser.block(Span(data, shape.start, len(data)))
    if found is None:
        return None
    cells, count = found
    return Table(path, shape.titles, cells, Counting(2, count), {})


def shape_of(path: Path, data: bytes, separator: str, numbers: bool) -> Shape | None:
    """The header of a file whose first bytes are ``data``, checked; None when the careful
    reader must read the file."""
    found = _header(data, separator)
    if found is None:
        return None
    raw, start = found
    header = tuple(cell.strip() for cell in raw)
    if not any(header) or len(set(raw)) != len(header):
        return None
    dialect.check_header(header, separator, path)
    return Shape(tuple(raw), header, separator, start, numbers)


def _streamed(path: Path, separator: str) -> Table | None:
    """A large CSV file's header, its columns to be read block by block."""
    with file_errors(path), path.open("rb") as stream:
        head = stream.read(HEAD + 1)  # more than HEAD: a longer first line is no header here
    shape = shape_of(path, head, separator, True)
    if shape is None:
        return None
    names = zip(shape.raw, shape.titles, strict=True)
    cells = {title: CsvColumn(name, shape) for name, title in names}
    return Table(path, shape.titles, cells, Unread(), {})


def batches(table: Table, size: int, again: type[Exception]) -> Iterator[Table]:
    """The blocks of a streamed CSV file (about ``size`` bytes each), each column as a clean
    block of the whole reader gives it; ``again`` is raised where the file is not clean (the
    careful reader must read it whole). The file's digest, of the bytes parsed, is recorded
    once every block was read."""
    shape = next(iter(table.cells.values())).shape
    row = 2
    # the next block is read and parsed in a thread while the caller sums this one, its bytes
    # hashed in another (hashlib lets go of the interpreter meanwhile), in the order read
    with (
        file_errors(table.path),
        table.path.open("rb") as stream,
        ThreadPoolExecutor(1) as pool,
        ThreadPoolExecutor(1) as hashing,
    ):
        reading = _Reading(shape, size, again, hashing)
        pending = pool.submit(reading.next, stream)
        while (found := pending.result()) is not None:
            pending = pool.submit(reading.next, stream)
            cells, count = found
            yield Table(table.path, shape.titles, cells, Counting(row, count), {})
            row += count
    digests.note(table.path, digests.Digest(reading.digest.hexdigest(), reading.size))


class _Reading:
    """A streamed file read a block of whole lines (about ``block`` bytes) at a time, each
    chunk read hashed by ``hashing`` (one thread: in order); ``again`` is raised for a block
    that is not plain."""

    def __init__(
        self, shape: Shape, block: int, again: type[Exception], hashing: ThreadPoolExecutor
    ) -> None:
        self.shape, self.block, self.again, self.hashing = shape, max(block, 1), again, hashing
        self.digest, self.size, self.rest = hashlib.sha256(), 0, b""
        self.parser: Parser | None = None

    def next(self, stream: IO[bytes]) -> tuple[dict[str, Any], int] | None:
        """The next block's columns and row count (None after the last)."""
        data = self.rest
        start = self.shape.start if self.parser is None else 0  # the first block: the header
        while True:
            chunk = stream.read(self.block)
            self.hashing.submit(self.digest.update, chunk)
            self.size += len(chunk)
            data += chunk
            end = data.rfind(b"\n") + 1 if chunk else len(data)
            if end > start or not chunk:
                break
            if len(data) > LONGEST_LINE:
                raise self.again
        self.rest = data[end:]
        if end <= start:
            return None
        if self.parser is None:
            self.parser = Parser(self.shape, data[start : start + HEAD])
        found = self.parser.block(Span(data, start, end))
        if found is None:
            raise self.again
        return found


def _header(data: bytes, separator: str) -> tuple[list[str], int] | None:
    """The cells of the first line of the file's bytes and where the next line starts; None if
    there is none."""
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    end = _LINE_END.search(data, bom, HEAD)
    if end is None and len(data) > HEAD:
        return None
    line = data[bom : end.start() if end else HEAD]
    try:
        cells = next(csv.reader([line.decode()], delimiter=separator))
    except (UnicodeDecodeError, StopIteration, csv.Error):
        return None
    return cells, end.end() if end else len(data)


_LINE_END = re.compile(rb"\r\n|\r|\n")


@attrs.frozen
class Shape:
    """What the blocks of one file share: its raw header cells and their stripped titles, its
    separator, where its first row starts and whether value columns are read as numbers."""

    raw: tuple[str, ...]
    titles: tuple[str, ...]
    separator: str
    start: int
    numbers: bool = True

    def values(self) -> list[str]:
        """The raw names of the value columns read as numbers."""
        if not self.numbers:
            return []
        return [
            name
            for name, title in zip(self.raw, self.titles, strict=True)
            if "[" in title and title not in TIME_COLUMNS
        ]

    def types(self, places: int | None, times: bool = True) -> dict[str, Any]:
        """Arrow types by raw name: times (unless not ``times``) as timestamps, every other
        column as text; with ``places``, value columns as decimals and names as dictionaries."""
        import pyarrow as pa

        found = dict.fromkeys(self.raw, pa.string())
        if places is not None:
            found = dict.fromkeys(self.raw, pa.dictionary(pa.int32(), pa.string()))
            found.update(dict.fromkeys(self.values(), pa.decimal128(DIGITS, places)))
        if times:
            moments = [n for n, t in zip(self.raw, self.titles, strict=True) if t in TIME_COLUMNS]
            found.update(dict.fromkeys(moments, pa.timestamp("us")))
        return found


@attrs.frozen
class Span:
    """The bytes ``data[start:end]``: whole lines of a CSV file, without its header."""

    data: bytes
    start: int
    end: int

    def buffer(self) -> Any:
        import pyarrow as pa

        return pa.py_buffer(self.data).slice(self.start, self.end - self.start)

    def has(self, byte: bytes) -> bool:
        return self.data.find(byte, self.start, self.end) >= 0

    def count(self, byte: bytes) -> int:
        return self.data.count(byte, self.start, self.end)

    def places(self) -> int:
        """The most digits after a point anywhere in the bytes (at most :data:`PLACES`)."""
        text = self.data[self.start : self.end]
        return min(max((len(m) for m in _PLACES.findall(text)), default=0), PLACES)


class Parser:
    """Blocks of one file parsed in turn, typed with the decimal ``places`` of the ``sample``
    (its first rows' bytes) and of the blocks read so far."""

    def __init__(self, shape: Shape, sample: bytes) -> None:
        self.shape, self.places = shape, Span(sample, 0, len(sample)).places()

    def block(self, span: Span) -> tuple[dict[str, Any], int] | None:
        """The columns of the block ``span`` and its row count; None when it is not plain."""
        if self.shape.values():
            found = self._typed(span)
            if found is not None:
                return found
        table = parse(span, self.shape, self.shape.types(None)) or parse(
            span, self.shape, self.shape.types(None, times=False)
        )
        if table is None or not plain(table):
            return None
        numbers = self.shape.numbers
        cells = {t: _column(t, table.column(i), numbers) for i, t in enumerate(self.shape.titles)}
        if any(cell is None for cell in cells.values()):
            return None
        if self.shape.values():  # the next blocks typed with as many places
            self.places = max(self.places, span.places())
        return cells, table.num_rows

    def _typed(self, span: Span) -> tuple[dict[str, Any], int] | None:
        """The block with value columns as exact decimals; None when it is not so."""
        import pyarrow as pa

        table = parse(span, self.shape, self.shape.types(self.places))
        if table is None or not plain(table):
            return None
        cells = {}
        for i, title in enumerate(self.shape.titles):
            column = table.column(i)
            if pa.types.is_dictionary(column.type):
                column = pa.chunked_array([column.combine_chunks()])  # one dictionary
            cells[title] = column
        if not exact(cells.values(), span):
            return None
        return cells, table.num_rows


def parse(span: Span, shape: Shape, types: dict[str, Any]) -> Any:
    """The block as an arrow table of ``types``; None if arrow refuses it."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        return pacsv.read_csv(
            span.buffer(),
            read_options=pacsv.ReadOptions(column_names=list(shape.raw)),
            parse_options=pacsv.ParseOptions(delimiter=shape.separator, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=types, null_values=[""], strings_can_be_null=True
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None


def plain(table: Any) -> bool:
    """Whether the block has no empty line (a row whose first cell is empty). (A block cut
    inside a quoted cell, at a line end in it, ends in a cell holding that line end, which
    no typed column takes and :func:`_text_ok` refuses.)"""
    return not (table.num_rows and table.column(0).null_count)


def exact(columns: Iterable[Any], span: Span) -> bool:
    """Whether typed ``columns`` of ``span`` hold each cell as the careful reader reads it:
    text in the field limit and on one line, decimals in 64 bits (arrow does not check when it
    rescales), every ``e``/``E`` in a text cell (arrow reads ``0e-999`` as 0)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    exponent = span.has(b"e") or span.has(b"E")
    letters = 0
    for column in columns:
        if pa.types.is_decimal(column.type):
            if arrow_numpy.unscaled(column) is None:
                return False
        elif pa.types.is_dictionary(column.type):
            for chunk in column.chunks if isinstance(column, pa.ChunkedArray) else [column]:
                if not _text_ok(chunk.dictionary):
                    return False
                letters += _letters(chunk) if exponent else 0
        elif pa.types.is_string(column.type) and not _text_ok(column):
            return False
        elif pa.types.is_string(column.type) and exponent:
            letters += sum(pc.sum(pc.count_substring(column, x)).as_py() or 0 for x in "eE")
    return not exponent or span.count(b"e") + span.count(b"E") == letters


def _letters(column: Any) -> int:
    """How many ``e`` and ``E`` a dictionary-encoded text column's cells hold in all."""
    import pyarrow.compute as pc

    names = column.dictionary
    each = sum(
        arrow_numpy.values(pc.count_substring(names, letter)).astype(np.int64)
        for letter in ("e", "E")
    )
    if not len(column) or not np.any(each):
        return 0
    codes = arrow_numpy.values(column.indices)[arrow_numpy.valid(column.indices)]
    return int(np.bincount(codes, minlength=len(names)) @ each)


def _text_ok(text: Any) -> bool:
    """Whether text cells are within the standard library's field limit and on one line."""
    import pyarrow.compute as pc

    longest = pc.max(pc.utf8_length(text)).as_py()
    if longest is not None and longest > csv.field_size_limit():
        return False
    return not any(pc.any(pc.match_substring(text, mark)).as_py() for mark in "\r\n")  # no regex


def _column(title: str, column: Any, numbers: bool = True) -> Any:
    """A column parsed as text: a value column as float64 where that is exact (times were
    cast in the parse); None for a text column the careful reader must read (:func:`_text_ok`).
    """
    import pyarrow as pa

    if not len(column) or not pa.types.is_string(column.type):
        return column
    value = "[" in title or title in TIME_COLUMNS
    whole = column.combine_chunks()
    if not value and (numbers or few_distinct(whole)):
        # member and meter names (not a table's mostly distinct project ids): one dictionary
        # for the whole column, read once; its distinct cells are the ones checked
        whole = whole.dictionary_encode()
    text = whole.dictionary if pa.types.is_dictionary(whole.type) else whole
    if numbers and value and title not in TIME_COLUMNS and _short(text):
        floats = _floats(column)
        if floats is not None:
            return floats
    if not _text_ok(text):
        return None
    return pa.chunked_array([whole])


def few_distinct(array: Any) -> bool:
    """Whether an arrow array's first cells repeat (a column to read through a dictionary)."""
    import pyarrow.compute as pc

    return len(pc.unique(array.slice(0, SAMPLE))) <= MANY


def _short(text: Any) -> bool:
    import pyarrow.compute as pc

    return (pc.max(pc.utf8_length(text)).as_py() or 0) <= FLOAT_CHARACTERS


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
