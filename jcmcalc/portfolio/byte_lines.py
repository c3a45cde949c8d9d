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

import numpy as np

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


def taken(cells: Cells, codes: np.ndarray | slice) -> Cells:
    """The rows ``codes`` of ``cells`` (one row repeated: a view of it, not a copy per row)."""
    if isinstance(codes, np.ndarray) and len(codes) and (codes == codes[0]).all():
        shape = (len(codes), cells[0].shape[1])
        return tuple(np.broadcast_to(part[codes[0]], shape) for part in cells)  # type: ignore
    return cells[0][codes], cells[1][codes]


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


def joined(columns: Sequence[Cells]) -> memoryview:
    """The lines of ``columns``: each line its cells separated by commas (the last cell ends
    the line: it carries the line break)."""
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
