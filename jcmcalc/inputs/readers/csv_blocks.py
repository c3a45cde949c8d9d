"""One block of whole lines of a plain CSV file parsed by pyarrow, typed where that is exact.

A block is parsed typed first: a time column (``timestamp``, ``date``) as timestamps, a value
column (a header with ``[unit]``) straight into exact decimals, ``decimal128(18, places)`` (the
scaled integers themselves: arrow refuses a cell it cannot hold exactly, of more decimals or no
number; a scaled integer beyond 64 bits sends the block to text), any other column as a
dictionary of names. Arrow reads an exponent (``0e-99``) that the careful path refuses beyond
its guard, so a block whose bytes hold more ``e``/``E`` than its names is no typed block.
``places`` starts at the most decimals written in the first rows and grows with a block that
needed more.

A block that is not typed so is parsed with every value column as text: where its cells are at
most 15 characters it becomes float64 (a decimal of at most 15 significant digits is carried
exactly by its float, see :mod:`jcmcalc.inputs.scaled`); any other stays text for the careful
path, which reads each cell exactly. A time column arrow cannot read (times with offsets) stays
text for :mod:`jcmcalc.inputs.readers.times`.

A block is no plain block (None: the careful reader reads the file) when it has a row of
another length, an empty line (a row whose first cell is empty), a cell beyond the standard
library's field limit or one spanning lines, or bytes that are not UTF-8.
"""

from __future__ import annotations

import csv
import re
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs.readers import arrow_numpy
from jcmcalc.inputs.readers.columns import MANY, SAMPLE, TIME_COLUMNS

#: Longest cell read through a float: 15 characters hold at most 15 significant digits.
FLOAT_CHARACTERS = 15
#: Digits of a decimal read typed (it fits an int64), and the most of them after the point.
DIGITS, PLACES = 18, 9
_PLACES = re.compile(rb"\.(\d+)")


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
        table = _parse(span, self.shape, self.shape.types(None)) or _parse(
            span, self.shape, self.shape.types(None, times=False)
        )
        if table is None or not _plain(table):
            return None
        numbers = self.shape.numbers
        cells = {t: _column(t, table.column(i), numbers) for i, t in enumerate(self.shape.titles)}
        if any(cell is None for cell in cells.values()):
            return None
        self.places = max(self.places, span.places())  # the next blocks typed with as many
        return cells, table.num_rows

    def _typed(self, span: Span) -> tuple[dict[str, Any], int] | None:
        """The block with value columns as exact decimals; None when it is not so."""
        import pyarrow as pa

        table = _parse(span, self.shape, self.shape.types(self.places))
        if table is None or not _plain(table):
            return None
        cells, letters = {}, 0
        for i, title in enumerate(self.shape.titles):
            column = table.column(i)
            if pa.types.is_dictionary(column.type):
                whole = column.combine_chunks()
                if not _text_ok(whole.dictionary):
                    return None
                letters += _letters(whole)
                column = pa.chunked_array([whole])
            elif pa.types.is_decimal(column.type) and arrow_numpy.unscaled(column) is None:
                return None  # rescaled beyond 64 bits (arrow does not check the precision)
            cells[title] = column
        if (span.has(b"e") or span.has(b"E")) and span.count(b"e") + span.count(b"E") != letters:
            return None  # an exponent in a value cell: read as text
        return cells, table.num_rows


def _parse(span: Span, shape: Shape, types: dict[str, Any]) -> Any:
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


def _plain(table: Any) -> bool:
    """Whether the block has no empty line (a row whose first cell is empty). (A block cut
    inside a quoted cell, at a line end in it, ends in a cell holding that line end, which
    no typed column takes and :func:`_text_ok` refuses.)"""
    return not (table.num_rows and table.column(0).null_count)


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
    # (a plain substring search is several times faster than a regex)
    return not any(pc.any(pc.match_substring(text, mark)).as_py() for mark in "\r\n")


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
