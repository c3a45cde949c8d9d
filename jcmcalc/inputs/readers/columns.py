"""Monitoring files as columns: CSV (standard library + numpy) and Parquet (pyarrow, optional).

Numbers stay exact without a Python loop per cell: a column of decimals becomes integers
scaled by a common power of ten (``12.345`` -> ``12345`` at scale 3, see
:mod:`jcmcalc.inputs.scaled`); a cell with more digits than a float64 carries goes through
:func:`jcmcalc.inputs.boundary.decimal` on its own, which is slow but exact.
"""

from __future__ import annotations

import csv
import math
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs.project import decode, read_bytes
from jcmcalc.inputs.readers import arrow_numpy, dialect, parquet
from jcmcalc.model.errors import InputError

#: Records of a CSV file turned into numpy columns at a time (bounds the Python strings held).
CSV_BLOCK = 1 << 16
PARQUET = (".parquet", ".pq")
#: A column whose first :data:`SAMPLE` cells hold more than :data:`MANY` distinct ones is read
#: as mostly distinct (project ids), not as a few repeated names.
SAMPLE, MANY = 1 << 10, 1 << 9
#: The titles of a monitoring file's time column (every reader and the header rules).
TIME_COLUMNS = ("timestamp", "date")
#: The title of the column naming each meter of a member, when a meter was replaced.
METER_COLUMN = "meter"


@attrs.frozen
class Counting:
    """Row numbers ``first``, ``first + 1``, ... of ``length`` records, without storing them."""

    first: int
    length: int

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, slice):
            start, stop, step = item.indices(self.length)
            if step == 1:  # a run of rows: counted too
                return Counting(self.first + start, max(stop - start, 0))
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
    decimal: str = "."

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, positions: np.ndarray) -> int:
        """The row to cite for the first of ``positions`` (records of this table)."""
        return int(self.rows[int(positions[0])])


def load(path: Path, separator: str = ",", decimal: str = ".") -> Table:
    """Read a CSV (cells split at ``separator``, numbers with the ``decimal`` mark) or Parquet
    monitoring file into columns."""
    if path.suffix.lower() in PARQUET:
        return _parquet(path)
    return _csv(path, separator, decimal)


def _csv(path: Path, separator: str, decimal: str) -> Table:
    text = decode(read_bytes(path, what="monitoring file"), path)
    reader = csv.reader(_lines(text), delimiter=separator)
    try:
        header = tuple(cell.strip() for cell in next(reader, []))
        if not any(header):
            raise InputError("no header row", file=path, row=1)
        dialect.check_header(header, separator, path)
        cells, rows = _body(reader, path, len(header), separator)
    except csv.Error as exc:  # a field beyond the csv module's limit, for one
        raise InputError(f"unreadable CSV: {exc}", file=path, row=reader.line_num) from None
    del text
    blank = np.ones(len(rows), dtype=bool)
    for column in cells:
        blank &= np.char.str_len(column) == 0
    if blank.any():  # a row of empty cells (",,,") is no row either
        cells = [column[~blank] for column in cells]
        rows = rows[~blank]
    if len(set(header)) != len(header):
        duplicate = next(t for t in header if header.count(t) > 1)
        raise InputError(f"column {duplicate!r} appears twice", file=path, row=1)
    return Table(path, header, dict(zip(header, cells, strict=True)), rows, {}, decimal)


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` one at a time (a ``StringIO`` would hold a copy of it at four
    bytes a character)."""
    start, length = 0, len(text)
    while start < length:
        end = text.find("\n", start)
        end = length if end < 0 else end + 1
        yield text[start:end]
        start = end


def _body(
    reader: Any, path: Path, width: int, separator: str
) -> tuple[list[np.ndarray], np.ndarray]:
    """The stripped cells of each column and the row number of each record, built
    :data:`CSV_BLOCK` records at a time so that no Python string of every cell is held. An
    empty line is no row; a row of another length is an error unless all its cells are empty."""
    blocks: list[list[np.ndarray]] = [[] for _ in range(width)]
    numbers: list[np.ndarray] = []
    block: list[list[str]] = []
    kept: list[int] = []

    def flush() -> None:
        columns = list(zip(*block, strict=True)) if block else [() for _ in range(width)]
        for found, column in zip(blocks, columns, strict=True):
            found.append(stripped(np.array(column, dtype=str)))
        numbers.append(np.array(kept, dtype=np.int64))
        block.clear()
        kept.clear()

    for number, record in enumerate(reader, start=2):
        if len(record) != width:
            if any(cell.strip() for cell in record):
                raise InputError(
                    f"{len(record)} cells where the header has {width}"
                    + dialect.hint(record, width, separator),
                    file=path,
                    row=number,
                )
            continue
        block.append(record)
        kept.append(number)
        if len(block) == CSV_BLOCK:
            flush()
    flush()
    if len(numbers) == 1:  # one block: its arrays as they are (the cells known stripped)
        return [found[0] for found in blocks], numbers[0]
    return [np.concatenate(found) for found in blocks], np.concatenate(numbers)


def _parquet(path: Path) -> Table:
    names, cells, count, units = parquet.open_parquet(path)
    return Table(path, names, cells, Counting(1, count), units)


def is_arrow(column: Any) -> bool:
    return not isinstance(column, np.ndarray)


def text_cells(column: Any) -> np.ndarray:
    """Stripped text of a column (CSV text, a Parquet column or a numpy array of any type)."""
    if is_arrow(column) and parquet.is_decimal(column):
        column = parquet.decimal_text(column)
    elif is_arrow(column):
        column = np.array(column.cast("string").fill_null("").to_numpy(zero_copy_only=False))
    elif column.dtype == object:
        column = np.array(["" if _missing(v) else str(v) for v in column], dtype=str)
    elif column.dtype.kind == "f":  # ids typed as numbers (a workbook, a DataFrame): 1 is "1"
        column = np.array([number_text(v) for v in column.tolist()], dtype=str)
    return stripped(column.astype(str, copy=False))


def anything(column: Any) -> bool:
    """Whether any cell of a column holds something (a number, text that is not empty)."""
    if is_arrow(column) and parquet.numeric(column):
        return column.null_count < len(column)
    known = coded(column) if not is_arrow(column) else None
    cells = known[0] if known is not None else text_cells(column)
    return bool(np.any(cells != ""))


def number_text(value: float) -> str:
    """A number as an id's text: ``1.0`` as ``"1"``, ``1.5`` as ``"1.5"``, NaN as ``""``."""
    if value != value:
        return ""
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


#: The characters below 128 that ``str.strip`` removes; any other (at 128) might be one.
_SPACE = np.isin(np.arange(129), [9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 128])


#: Columns of at most this many cells are looked at cell by cell (:func:`stripped`).
FEW_CELLS = 64

#: Text arrays found stripped, by id; made read-only, so that they stay so (a table's columns
#: are asked for their text many times).
_STRIPPED: weakref.WeakValueDictionary[int, np.ndarray] = weakref.WeakValueDictionary()


def stripped(cells: np.ndarray) -> np.ndarray:
    """``np.char.strip(cells)`` of a text array, but ``cells`` itself (no copy) when no cell
    starts or ends with a character that could be white space."""
    if _STRIPPED.get(id(cells)) is cells:
        return cells
    width = cells.dtype.itemsize // 4
    if cells.dtype.kind != "U" or cells.ndim != 1 or not width or not len(cells):
        return _stripped(np.char.strip(cells))
    if len(cells) <= FEW_CELLS:  # a few cells are asked one by one faster than numpy passes
        plain = all(cell == cell.strip() for cell in cells.tolist())
        return _stripped(cells.view() if plain else np.char.strip(cells))
    codes = np.ascontiguousarray(cells).view(np.uint32).reshape(len(cells), width)
    ends = np.maximum(np.char.str_len(cells) - 1, 0)  # numpy drops trailing NULs
    last = np.take_along_axis(codes, ends[:, None], axis=1)[:, 0]
    edges = np.minimum(np.concatenate((codes[:, 0], last)), 128)
    # (a read-only view when nothing is stripped: the caller's own array stays as it was)
    return _stripped(np.char.strip(cells) if _SPACE[edges].any() else cells.view())


def _stripped(found: np.ndarray) -> np.ndarray:
    """Remember ``found`` as stripped (:func:`stripped`), made read-only."""
    found.flags.writeable = False
    _STRIPPED[id(found)] = found
    return found


#: :func:`encode` of read-only text arrays whose reader knew it (a dictionary-encoded column),
#: by id, with a weak reference to the array.
_CODED: dict[int, tuple[weakref.ref, np.ndarray, np.ndarray]] = {}


def known_codes(names: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``names[codes]``, a dictionary-encoded column's text (``names`` stripped), whose
    :func:`encode` is then known without hashing every cell again."""
    values, inverse = np.unique(names, return_inverse=True)
    return _compact(values, inverse.astype(np.int32)[codes], lambda: _gathered(names, codes))


def taken(cells: Any, selected: np.ndarray | slice) -> Any:
    """The cells ``selected`` (positions, or a run of them: views) of a column (numpy or
    arrow); text whose :func:`encode` is known keeps it known, one text repeated stays a
    view."""
    if is_arrow(cells) and isinstance(selected, slice):
        start, stop, _ = selected.indices(len(cells))
        return cells.slice(start, stop - start)
    if is_arrow(cells):
        return arrow_numpy.taken(cells, selected)
    known = coded(cells)
    if known is None:
        return _gathered(cells, selected)
    return _compact(known[0], known[1][selected], lambda: _gathered(cells, selected))


def _compact(values: np.ndarray, coded: np.ndarray, text: Callable[[], np.ndarray]) -> np.ndarray:
    """The text of ``coded`` (codes among the sorted distinct ``values``), from ``text()``, its
    encode known: only the values present kept."""
    present = np.bincount(coded, minlength=len(values)) > 0
    if not present.all():
        values, coded = values[present], (np.cumsum(present) - 1).astype(np.int32)[coded]
    one = len(values) == 1  # one text in every cell: a read-only view of it, no copy per cell
    return remember(np.broadcast_to(values, len(coded)) if one else text(), values, coded)


def sorted_codes(cells: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``cells`` (stripped text), whose :func:`encode` is then known from ``order``, the
    positions that sort them (a reader's sort); ``cells`` encoded as usual if they do not."""
    ordered = _gathered(cells, order)
    if len(cells) and not np.all(ordered[1:] >= ordered[:-1]):
        return cells
    new = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    coded = np.empty(len(cells), dtype=np.int32)
    coded[order] = np.cumsum(new) - 1
    return remember(cells, ordered[new], coded)


def remember(found: np.ndarray, values: np.ndarray, coded: np.ndarray) -> np.ndarray:
    """``found``, stripped text whose :func:`encode` is ``values`` (its distinct cells, sorted)
    and ``coded`` (each cell's place among them), remembered with it (made read-only)."""
    found = _stripped(found)
    key = id(found)
    _CODED[key] = (weakref.ref(found, lambda _: _CODED.pop(key, None)), values, coded)
    return found


def _gathered(cells: np.ndarray, selected: np.ndarray | slice) -> np.ndarray:
    """``cells[selected]``: a slice as a view, positions by ``np.take`` (numpy's fancy
    indexing of text is several times slower)."""
    return cells[selected] if isinstance(selected, slice) else np.take(cells, selected)


def coded(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`encode` of ``cells`` where it is known without hashing (:func:`known_codes`)."""
    known = _CODED.get(id(cells))
    return known[1:] if known is not None and known[0]() is cells else None


def first_of(codes: np.ndarray, count: int) -> np.ndarray:
    """The first position of each of ``count`` codes in ``codes`` (each one present)."""
    first = np.full(count, len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes)))
    return first


def encode(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct cells, sorted, and each cell's position among them: ``np.unique(cells,
    return_inverse=True)`` without sorting every cell (numpy finds the distinct ones by
    hashing, then each cell is looked up among them)."""
    known = coded(cells)
    if known is not None:
        return known
    many = cells.dtype.kind == "U" and len(cells) > 1 << 12
    if many:  # many distinct cells (in a sample) are sorted faster as words than hashed
        many = len(np.unique(cells[:SAMPLE])) > MANY
    words = _words(cells) if many else None
    if words is None:
        values = np.unique(cells)
        return values, np.searchsorted(values, cells)
    order = np.lexsort(words.T[::-1])
    ordered = words[order]
    new = np.concatenate(([True], np.any(ordered[1:] != ordered[:-1], axis=1)))
    codes = np.empty(len(cells), dtype=np.int64)
    codes[order] = np.cumsum(new) - 1
    return _gathered(cells, order[new]), codes


def encode_rows(
    codes: Sequence[np.ndarray], bases: Sequence[int]
) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct rows of several coded columns (``codes[k]`` in ``range(bases[k])``), as one
    code array per column, and each row's position among them: the codes are taken as the
    digits of one number (Python ints where int64 could overflow)."""
    small = math.prod(bases) < 2**62
    key = np.zeros(len(codes[0]), dtype=np.int64 if small else object)
    for code, base in zip(codes, bases, strict=True):
        key = key * base + code
    found, row = encode(key)
    digits = []
    for base in reversed(bases):  # the last column is the lowest digit
        found, digit = found // base, found % base  # (np.divmod takes no Python ints)
        digits.append(digit.astype(np.int64))
    return digits[::-1], row


def _words(cells: np.ndarray) -> np.ndarray | None:
    """ASCII text as rows of big-endian 64-bit words that sort as the text sorts (None for
    other text): integers sort far faster than strings."""
    width = -(-max(cells.itemsize // 4, 1) // 8) * 8
    try:
        raw = cells.astype(f"S{width}")  # padded with NUL bytes, which sort first
    except UnicodeEncodeError:
        return None
    return raw.view(">u8").reshape(len(cells), width // 8)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def members(column: Any) -> tuple[np.ndarray, list[str]]:
    """Integer codes and the distinct member ids of an index column."""
    if is_arrow(column):
        import pyarrow as pa

        known: dict[str, int] = {}
        codes = np.empty(len(column), dtype=np.int32)
        offset = 0
        for piece in parquet.pieces(column):
            if not pa.types.is_dictionary(piece.type):
                piece = piece.cast("string").dictionary_encode()  # an empty cell: no index
            names = [str(v or "").strip() for v in piece.dictionary.to_pylist()]
            lookup = np.array([known.setdefault(n, len(known)) for n in names], dtype=np.int32)
            indices = arrow_numpy.values(piece.indices)
            if piece.indices.null_count:  # (arrow's fill_null would import pandas)
                indices = np.where(arrow_numpy.valid(piece.indices), indices, len(names))
                lookup = np.append(lookup, known.setdefault("", len(known)))
            if len(piece) == len(column) and np.array_equal(lookup, np.arange(len(lookup))):
                return indices.astype(np.int32, copy=False), list(known)  # its own codes
            codes[offset : offset + len(piece)] = lookup[indices]
            offset += len(piece)
        return codes, list(known)
    cells = text_cells(column)
    if len(cells) <= FEW_CELLS:  # as np.unique gives them, without its passes over a few
        listed = cells.tolist()
        found = sorted(set(listed))
        place = {name: code for code, name in enumerate(found)}
        return np.array([place[cell] for cell in listed], dtype=np.intp), found
    names, codes = np.unique(cells, return_inverse=True)
    return codes, [str(n) for n in names]
