"""A portfolio table's output CSV written from columns (:class:`~jcmcalc.portfolio.frame.Frame`)
with numpy's string functions, block by block: the same bytes as
:func:`jcmcalc.portfolio.rows.to_csv` writes for the same rows, without an object per row.

A figure prints as its exact value rounded half-even to
:data:`~jcmcalc.model.numbers.DISPLAY_PLACES` places. A float64 figure not evaluated exactly
lies, by :mod:`jcmcalc.portfolio.vectorised`'s error bound, farther from a rounding boundary
than its error, so rounding ``value x 10**6`` to the nearest integer gives the exact value's
digits; an exactly evaluated figure prints through
:func:`~jcmcalc.model.numbers.decimal_text`. Text cells are quoted as the ``csv`` module
quotes them (by that module, for the rare cell that needs quotes) and guarded against
spreadsheet formulas as :func:`~jcmcalc.portfolio.rows.safe_text` guards them.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from jcmcalc.inputs.readers import columns
from jcmcalc.model.numbers import DISPLAY_PLACES, decimal_text
from jcmcalc.portfolio.frame import Frame
from jcmcalc.portfolio.rows import (
    FORMULA_STARTS,
    HEADER,
    WARNINGS_SEPARATOR,
    Row,
    allocation_cell,
    csv_body,
    csv_lines,
    safe_text,
)

#: Rows turned into text at a time (bounds the memory of the text arrays).
BLOCK = 1 << 16
_QUOTED = (",", '"', "\r", "\n")


def to_csv(frame: Frame, failures: Sequence[Row], total: Row) -> str:
    """The output CSV: the header, :func:`body`, then ``total``."""
    return csv_lines([HEADER]) + body(frame, failures) + csv_body([total])


def body(frame: Frame, failures: Sequence[Row]) -> str:
    """CSV lines of ``frame``'s rows (sorted by project and period) with the ``failures``
    among them in the order of their projects."""
    failures = sorted(failures, key=lambda r: (r.project, r.period or 0))
    names = np.array([r.project for r in failures], dtype=str)
    at = np.searchsorted(frame.project, names, side="left")
    warnings = [_text(WARNINGS_SEPARATOR.join(t)) for t in frame.texts]
    creditable = [
        "false" if any(w.startswith("NOT CREDITABLE") for w in t) else "true" for t in frame.texts
    ]
    shared = np.array(
        [(f"ok,,{w},", f"{c}\n") for w, c in zip(warnings, creditable, strict=True)], dtype=object
    )
    parts = []
    bounds = sorted({*range(0, len(frame), BLOCK), *at.tolist(), len(frame)})
    for first, last in zip(bounds, [*bounds[1:], len(frame)], strict=True):
        before = [failures[n] for n in np.flatnonzero(at == first).tolist()]
        parts.append(csv_body(before) if before else "")
        if last > first:
            parts.append(_lines(frame, first, last, shared))
    return "".join(parts)


def _lines(frame: Frame, first: int, last: int, shared: np.ndarray) -> str:
    """CSV lines of rows ``first`` to ``last`` of ``frame``."""
    part = slice(first, last)
    cells = [
        _texts(frame.project[part]),
        _period_cells(frame, part),
        *_all_figures(frame, first, last),
        frame.credits[part].astype(str),
        shared[frame.notes[part], 0],  # status, message, warnings, coverage
        _allocations(frame, first, last),
        shared[frame.notes[part], 1],  # creditable
    ]
    return "".join(map(",".join, zip(*(c.tolist() for c in cells), strict=True)))


def _allocations(frame: Frame, first: int, last: int) -> np.ndarray:
    """The allocation cells of rows ``first`` to ``last`` (empty without an allocation)."""
    cells = np.full(last - first, "", dtype=object)
    for position, split in frame.allocations.items():
        if first <= position < last:
            cells[position - first] = _text(str(allocation_cell(dict(split))))
    return cells


def _period_cells(frame: Frame, part: slice) -> np.ndarray:
    """The methodology, period, start and end cells of rows ``part``, as one text each, written
    once per distinct combination (they repeat across many rows)."""
    coded = [
        columns.encode(array[part])
        for array in (
            frame.methodology,
            frame.period,
            *(d.view(np.int64) for d in (frame.start, frame.end)),
        )
    ]
    digits, code = columns.encode_rows([c for _, c in coded], [len(v) for v, _ in coded])
    labels, periods, starts, ends = (v[d] for (v, _), d in zip(coded, digits, strict=True))
    texts = [
        ",".join(cells)
        for cells in zip(
            _texts(labels).tolist(),
            periods.astype(str).tolist(),
            *(_texts(d.view("datetime64[D]").astype(str)).tolist() for d in (starts, ends)),
            strict=True,
        )
    ]
    return np.array(texts, dtype=object)[code]


def _all_figures(frame: Frame, first: int, last: int) -> list[np.ndarray]:
    """Decimal text of RE, PE and ER of rows ``first`` to ``last``; a figure equal to an earlier
    one on every row (ER = RE where PE is zero) reuses its text."""
    exact = [(p, e) for p, e in frame.exact.items() if first <= p < last]
    texts: list[np.ndarray] = []
    for which in range(3):
        values = frame.figures[which, first:last]
        for earlier, text in enumerate(texts):
            if np.array_equal(values, frame.figures[earlier, first:last]) and all(
                e[which] == e[earlier] for _, e in exact
            ):
                texts.append(text)
                break
        else:
            texts.append(_figures(frame, which, first, last))
    return texts


def _figures(frame: Frame, which: int, first: int, last: int) -> np.ndarray:
    """Decimal text of figure ``which`` (RE, PE, ER) of rows ``first`` to ``last`` (Python
    strings: the line is joined from them)."""
    values = frame.figures[which, first:last]
    scaled = np.rint(values * 10.0**DISPLAY_PLACES)
    finite = np.isfinite(scaled) & (np.abs(scaled) < 2.0**62)
    integers = np.where(finite, scaled, 0).astype(np.int64)
    text = integer_text(integers, DISPLAY_PLACES).astype(object)
    for position, exact in frame.exact.items():
        if first <= position < last:
            text[position - first] = decimal_text(exact[which])
    for position in np.flatnonzero(~finite).tolist():  # never a row that was not exact
        if position + first not in frame.exact:
            text[position] = decimal_text(Fraction(float(values[position])))
    return text


def integer_text(integers: np.ndarray, places: int) -> np.ndarray:
    """Decimal text of ``integers / 10**places``, trailing zeros dropped (as
    :func:`~jcmcalc.model.numbers.decimal_text` writes it)."""
    if not integers.any():
        return np.full(len(integers), "0")
    sign = np.where(integers < 0, "-", "")
    whole, part = np.divmod(np.abs(integers), 10**places)
    digits = np.char.rstrip(np.char.zfill(part.astype(str), places), "0")
    point = np.where(digits == "", "", ".")
    return np.char.add(np.char.add(np.char.add(sign, whole.astype(str)), point), digits)


def _texts(cells: np.ndarray) -> np.ndarray:
    """Text cells as the output writes them: a would-be formula prefixed with ``'``, a cell
    with a separator, quote or line break quoted by the ``csv`` module."""
    cells = cells.astype(str)
    risky = np.zeros(len(cells), dtype=bool)
    for start in FORMULA_STARTS:
        risky |= np.char.startswith(cells, start)
    for mark in _QUOTED:
        risky |= np.char.find(cells, mark) >= 0
    if not risky.any():
        return cells
    found = cells.astype(object)
    for position in np.flatnonzero(risky).tolist():
        found[position] = _text(str(cells[position]))
    return found.astype(str)


def _text(cell: str) -> str:
    """One text cell as the ``csv`` module writes it (after the formula guard)."""
    return csv_lines([[safe_text(cell), ""]])[:-2]
