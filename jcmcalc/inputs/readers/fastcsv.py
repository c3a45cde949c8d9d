"""Plain CSV monitoring files read with pyarrow's multithreaded parser (when pyarrow is
installed), exactly, in one pass over the file's bytes.

A file is parsed a block of whole lines at a time (:mod:`jcmcalc.inputs.readers.csv_blocks`
says how each block is checked and typed); one of fewer than :data:`STREAM_BYTES` bytes is one
block, read whole by :func:`~jcmcalc.inputs.project.read_bytes` (which records its digest). A
larger file is streamed (:func:`batches`): each block of bytes is hashed as it is read, a
thread parsing the next block while the caller sums the last, and the file's digest is that of
the very bytes parsed. Nothing counts the file's lines beforehand: a block's rows are checked
against its own lines. A file this reader cannot take as it is (an empty line, a row of another
length, a cell spanning lines, bytes that are not UTF-8...) goes to the standard library reader
(:func:`jcmcalc.inputs.readers.columns.load`), whose messages name the row: this reader only
ever speeds up a file that reads cleanly.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

import attrs

from jcmcalc.inputs import digests
from jcmcalc.inputs.boundary import file_errors
from jcmcalc.inputs.project import read_bytes
from jcmcalc.inputs.readers import dialect
from jcmcalc.inputs.readers.columns import Counting, Table
from jcmcalc.inputs.readers.csv_blocks import Parser, Shape, Span
from jcmcalc.inputs.readers.csv_blocks import few_distinct as few_distinct

#: Bytes read to find the header line.
HEAD = 1 << 16
#: Smaller files go to the careful reader: for them importing pyarrow (about 0.13 s here)
#: costs more than it saves.
SMALLEST = 1 << 20
#: Files this large or larger are streamed block by block rather than read whole.
STREAM_BYTES = 1 << 26
#: Longest line a streamed block may end in the middle of (a longer one: the careful reader).
LONGEST_LINE = 1 << 24


@attrs.frozen
class CsvColumn:
    """A column of a CSV file read block by block (:func:`batches`): its raw header cell and
    the file's :class:`~jcmcalc.inputs.readers.csv_blocks.Shape`."""

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
    shape = _shape(path, data, separator, numbers)
    if shape is None:
        return None
    parser = Parser(shape, data[shape.start : shape.start + HEAD])
    found = parser.block(Span(data, shape.start, len(data)))
    if found is None:
        return None
    cells, count = found
    return Table(path, shape.titles, cells, Counting(2, count), {})


def _shape(path: Path, data: bytes, separator: str, numbers: bool) -> Shape | None:
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
    shape = _shape(path, head, separator, True)
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
    reading = _Reading(shape, size, again)
    row = 2
    # the next block is read, hashed and parsed in a thread while the caller sums this one
    with file_errors(table.path), table.path.open("rb") as stream, ThreadPoolExecutor(1) as pool:
        pending = pool.submit(reading.next, stream)
        while (found := pending.result()) is not None:
            pending = pool.submit(reading.next, stream)
            cells, count = found
            yield Table(table.path, shape.titles, cells, Counting(row, count), {})
            row += count
    digests.note(table.path, digests.Digest(reading.digest.hexdigest(), reading.size))


class _Reading:
    """A streamed file read a block of whole lines (about ``block`` bytes) at a time, hashed
    as it is read; ``again`` is raised for a block that is not plain."""

    def __init__(self, shape: Shape, block: int, again: type[Exception]) -> None:
        self.shape, self.block, self.again = shape, max(block, 1), again
        self.digest, self.size, self.rest = hashlib.sha256(), 0, b""
        self.parser: Parser | None = None

    def next(self, stream: IO[bytes]) -> tuple[dict[str, Any], int] | None:
        """The next block's columns and row count (None after the last)."""
        data = self.rest
        start = self.shape.start if self.parser is None else 0  # the first block: the header
        while True:
            chunk = stream.read(self.block)
            self.digest.update(chunk)
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
