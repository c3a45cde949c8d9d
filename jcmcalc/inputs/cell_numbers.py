"""The cells of a column read as exact numbers: integers, floats and decimals as they come, text
cells parsed by the exact rules of :mod:`jcmcalc.inputs.scaled` (at most 15 significant
characters through float64, any other cell as a decimal), each bad cell named by its row."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import numpy as np

from jcmcalc.inputs import boundary, scaled
from jcmcalc.inputs.readers import dialect, parquet
from jcmcalc.inputs.readers.columns import Table, is_arrow, text_cells
from jcmcalc.inputs.scaled import Scaled
from jcmcalc.model.errors import InputError, quoted

#: The smallest normal float64: a value below it read from text may be an exponent's underflow.
_TINY = np.finfo(np.float64).tiny
_UNIT_IN_CELL = re.compile(r"^[+-]?[\d.]+(?:[eE][+-]?\d+)?\s*(?P<unit>[A-Za-z%][^,]*)$")


def numbers(column: Any, *, title: str, table: Table, unit: str) -> tuple[np.ndarray, Scaled]:
    """Which cells hold a value, and those values as exact scaled integers (in the column's
    ``unit``: converting and checking them is :mod:`jcmcalc.inputs.boundary`'s part)."""
    if is_arrow(column) and parquet.numeric(column):
        return parquet.numbers(column, title=title, file=table.path, rows=table.rows)
    if not is_arrow(column) and column.dtype.kind in "iu":
        return np.ones(len(column), dtype=bool), scaled.from_integers(column)
    if not is_arrow(column) and column.dtype.kind == "f":  # pandas: NaN is a missing cell
        present = ~np.isnan(column)
        values = (column if present.all() else column[present]).astype(np.float64, copy=False)
        positions = np.flatnonzero(present)
        scaled.finite(values, lambda i: int(table.rows[positions[i]]), title=title, file=table.path)
        return present, scaled.from_floats(values)
    cells = text_cells(column)
    lengths = np.char.str_len(cells)
    present = lengths > 0
    text = dialect.points(  # (a decimal comma turned into a point: the lengths stay)
        cells[present],
        table.decimal,
        title=title,
        file=table.path,
        row=lambda i: int(table.rows[np.flatnonzero(present)[i]]),
    )
    found = None
    if np.all(lengths[present] <= 15) if len(text) else True:
        try:
            values = text.astype(np.float64)
        except ValueError:
            values = None
        if values is not None and np.isfinite(values).all():  # else: each cell says why
            _underflow(text, values, title, table, unit, present)
            found = scaled.float_scaled(values)
    if found is None:
        found = scaled.from_fractions(
            [
                _decimal(cell, title, table, unit, int(table.rows[i]))
                for cell, i in zip(text.tolist(), np.flatnonzero(present), strict=True)
            ]
        )
    return present, found


def _underflow(
    text: np.ndarray, values: np.ndarray, title: str, table: Table, unit: str, present: np.ndarray
) -> None:
    """A cell that float64 reads as zero (or subnormal) because of an exponent beyond the
    guard (``1e-400``) is refused as :func:`_decimal` refuses it, not read as 0 (``present``:
    the cells of the column that ``text`` holds)."""
    tiny = np.flatnonzero(np.abs(values) < _TINY)
    if not len(tiny):
        return
    where = np.flatnonzero(present)
    written = np.char.lower(text[tiny])
    for position in tiny[np.char.find(written, "e") >= 0].tolist():
        _decimal(str(text[position]), title, table, unit, int(table.rows[where[position]]))


def _decimal(cell: str, title: str, table: Table, unit: str, row: int) -> Fraction:
    """One cell as an exact decimal, or an :class:`InputError` saying why it is not."""
    try:
        return boundary.decimal(cell)
    except OverflowError as exc:
        raise InputError(f"column {title!r}: {exc}", file=table.path, row=row) from None
    except (ValueError, ZeroDivisionError):
        pass
    match = _UNIT_IN_CELL.match(cell)
    if match is None:
        message = (
            f"column {title!r}: {quoted(cell)} is not a finite number{dialect.comma_hint(cell)}"
        )
    elif match["unit"].strip() == unit:
        message = f"{quoted(cell)}: the unit belongs in the header, not in the cell"
    else:
        message = (
            f"{quoted(cell)}: mixed units in column {title!r} (the header says {unit!r}): give "
            "every cell in the header's unit, as a bare number"
        )
    raise InputError(message, file=table.path, row=row)
