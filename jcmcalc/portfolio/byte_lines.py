"""CSV lines as UTF-8 bytes built by numpy, many lines at once, without a Python object per
line or per cell.

A column of cells is a :data:`Cells` pair: a matrix of bytes, one row per line, and a mask of
the bytes that belong to the cell (the others are padding). Lines are the columns side by side,
separated by commas: the masked bytes in row order (:func:`joined`). Text cells come from numpy
text (ASCII straight from its code points, other text encoded as UTF-8), integers and decimals
are written digit by digit with integer arithmetic (:func:`integer_cells`,
:func:`decimal_cells`), and cells of few distinct values are taken from their distinct texts
(:func:`dictionary_cells`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs.readers import arrow_numpy

#: A column of cells: (lines, width) bytes, and which of them belong to each cell.
Cells = tuple[np.ndarray, np.ndarray]

_POWERS = 10 ** np.arange(19, -1, -1, dtype=np.uint64)  # 10^19 .. 10^0
_ZERO, _MINUS, _POINT, _COMMA = 48, 45, 46, 44


def text_cells(cells: np.ndarray) -> Cells:
    """The UTF-8 bytes of numpy text cells (``U`` dtype)."""
    count, width = len(cells), cells.dtype.itemsize // 4
    if not width:
        return np.zeros((count, 0), np.uint8), np.zeros((count, 0), bool)
    points = np.ascontiguousarray(cells).view(np.uint32).reshape(count, width)
    if int(points.max(initial=0)) < 0x80:  # ASCII: one byte per code point
        lengths = np.char.str_len(cells)
        return points.astype(np.uint8), np.arange(width) < lengths[:, None]
    return byte_cells(np.char.encode(cells, "utf-8"))


def byte_cells(cells: np.ndarray) -> Cells:
    """The bytes of numpy byte strings (``S`` dtype)."""
    count, width = len(cells), cells.dtype.itemsize
    lengths = np.char.str_len(cells)
    matrix = np.ascontiguousarray(cells).view(np.uint8).reshape(count, width)
    return matrix, np.arange(width) < lengths[:, None]


def dictionary_cells(texts: Sequence[str]) -> Cells:
    """The cells of ``texts`` (a column's distinct cells: take rows of it by code)."""
    encoded = [text.encode("utf-8") for text in texts]
    return byte_cells(np.array(encoded, dtype=f"S{max(map(len, encoded), default=0) or 1}"))


@attrs.frozen
class Taken:
    """The rows ``codes`` of the cells ``dictionary`` (a column of few distinct cells), not
    yet copied: :func:`joined` takes them from the dictionary as it writes."""

    dictionary: Cells
    codes: np.ndarray

    @property
    def width(self) -> int:
        return self.dictionary[0].shape[1]

    def cells(self) -> Cells:
        """The rows as cells (one row repeated: a view of it, not a copy per row)."""
        codes, (matrix, mask) = self.codes, self.dictionary
        if len(codes) and (codes == codes[0]).all():
            shape = (len(codes), matrix.shape[1])
            return np.broadcast_to(matrix[codes[0]], shape), np.broadcast_to(mask[codes[0]], shape)
        return matrix[codes], mask[codes]


Column = Cells | Taken


def taken(cells: Column, codes: np.ndarray | slice) -> Taken:
    """The rows ``codes`` of the cells of a dictionary (or of rows taken from one)."""
    if isinstance(cells, Taken):
        return Taken(cells.dictionary, cells.codes[codes])
    return Taken(cells, np.arange(len(cells[0]))[codes])


def width(column: Column) -> int:
    """The bytes of a column's widest cell (its matrix's width)."""
    return column.width if isinstance(column, Taken) else column[0].shape[1]


def _digits(magnitudes: np.ndarray) -> Cells:
    """Decimal digits of unsigned integers, without leading zeros (0 is ``0``)."""
    largest = int(magnitudes.max(initial=0))
    powers = _POWERS[-max(len(str(largest)), 1) :]
    digits = (magnitudes[:, None] // powers[None, :]) % 10
    keep = np.maximum.accumulate(digits != 0, axis=1)
    keep[:, -1] = True
    return (digits + _ZERO).astype(np.uint8), keep


def _signed(integers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where ``integers`` (int64) are negative, and their magnitudes (uint64)."""
    negative = integers < 0
    magnitudes = integers.astype(np.uint64)
    magnitudes[negative] = (~magnitudes[negative]) + np.uint64(1)  # |x| of int64, -2^63 too
    return negative, magnitudes


def integer_cells(integers: np.ndarray) -> Cells:
    """Decimal text of int64 ``integers``."""
    negative, magnitudes = _signed(integers)
    digits, keep = _digits(magnitudes)
    sign = np.full((len(integers), 1), _MINUS, np.uint8)
    return np.hstack((sign, digits)), np.hstack((negative[:, None], keep))


def decimal_cells(integers: np.ndarray, places: int) -> Cells:
    """Decimal text of int64 ``integers`` / 10^``places``, trailing zeros dropped, as
    :func:`~jcmcalc.model.numbers.decimal_text` writes it (``-0.5``, ``12``, ``3.25``)."""
    if not integers.any():  # every cell 0 (project emissions of zero, say)
        shape = (len(integers), 1)
        return np.full(shape, _ZERO, np.uint8), np.ones(shape, bool)
    negative, magnitudes = _signed(integers)
    whole, part = np.divmod(magnitudes, np.uint64(10**places))
    digits, keep = _digits(whole)
    fraction = (part[:, None] // _POWERS[-places:][None, :]) % 10
    shown = np.maximum.accumulate((fraction != 0)[:, ::-1], axis=1)[:, ::-1]
    count = len(integers)
    matrix = np.hstack(
        (
            np.full((count, 1), _MINUS, np.uint8),
            digits,
            np.full((count, 1), _POINT, np.uint8),
            (fraction + _ZERO).astype(np.uint8),
        )
    )
    mask = np.hstack((negative[:, None], keep, (part != 0)[:, None], shown))
    return matrix, mask


def patched(cells: Cells, positions: Sequence[int], texts: Sequence[str]) -> Cells:
    """``cells`` with the cells at ``positions`` replaced by ``texts``."""
    if not len(positions):
        return cells
    new = byte_cells(np.array([t.encode("utf-8") for t in texts], dtype=bytes))
    matrix, mask = cells
    width = max(matrix.shape[1], new[0].shape[1])
    matrix = np.pad(matrix, ((0, 0), (0, width - matrix.shape[1])))
    mask = np.pad(mask, ((0, 0), (0, width - mask.shape[1])))
    rows = np.asarray(positions)
    matrix[rows], mask[rows] = 0, False
    matrix[rows, : new[0].shape[1]], mask[rows, : new[1].shape[1]] = new
    return matrix, mask


def joined(columns: Sequence[Column]) -> memoryview:
    """The lines of ``columns``: each line its cells separated by commas (the last cell ends
    the line: it carries the line break). Joined by pyarrow's string kernels where it is
    installed (each cell's bytes copied once), else in a byte matrix."""
    try:
        import pyarrow.compute as pc
    except ImportError:
        return _matrix_joined([c.cells() if isinstance(c, Taken) else c for c in columns])
    comma = _arrow_text((np.full((1, 1), _COMMA, np.uint8), np.ones((1, 1), bool)))[0]
    # (a scalar from an array: arrow makes one of a Python string through pandas, importing it)
    line = pc.binary_join_element_wise(*(_arrow_text(c) for c in columns), comma)
    _, offsets, data = line.buffers()
    bounds = np.frombuffer(offsets, np.int32, len(line) + 1, line.offset * 4)
    return memoryview(data)[bounds[0] : bounds[-1]] if len(line) else memoryview(b"")


def _arrow_text(column: Column) -> Any:
    """A column as an arrow text array, from the bytes of its cells (a dictionary's rows
    taken by arrow)."""
    import pyarrow as pa

    if isinstance(column, Taken):
        return arrow_numpy.taken(_arrow_text(column.dictionary), column.codes)
    matrix, mask = column
    offsets = np.zeros(len(mask) + 1, dtype=np.int32)
    if mask.all():  # cells of one width (ids, say): the matrix is the data
        offsets[1:] = np.arange(1, len(mask) + 1) * mask.shape[1]
        data = np.ascontiguousarray(matrix).ravel()
    else:
        np.cumsum(np.count_nonzero(mask, axis=1), out=offsets[1:])
        data = np.ascontiguousarray(matrix)[mask]
    return pa.StringArray.from_buffers(len(mask), pa.py_buffer(offsets), pa.py_buffer(data))


def _matrix_joined(columns: Sequence[Cells]) -> memoryview:
    """:func:`joined` in a byte matrix: the cells side by side, then the bytes kept."""
    count = len(columns[0][0])
    width = sum(cells[0].shape[1] for cells in columns) + len(columns) - 1
    matrix = np.empty((count, width), np.uint8)
    mask = np.empty((count, width), bool)
    at = 0
    for n, (bytes_, kept) in enumerate(columns):
        if n:
            matrix[:, at], mask[:, at] = _COMMA, True
            at += 1
        matrix[:, at : at + bytes_.shape[1]] = bytes_
        mask[:, at : at + bytes_.shape[1]] = kept
        at += bytes_.shape[1]
    return memoryview(matrix[mask])
