"""A portfolio table's output CSV written from columns (:class:`~jcmcalc.portfolio.frame.Frame`)
as UTF-8 bytes built by numpy (:mod:`jcmcalc.portfolio.byte_lines`), block by block: the same
bytes as :func:`jcmcalc.portfolio.rows.to_csv` writes for the same rows, without an object per
row.

A figure prints as its exact value rounded half-even to
:data:`~jcmcalc.model.numbers.DISPLAY_PLACES` places. A float64 figure not evaluated exactly
lies, by :mod:`jcmcalc.portfolio.vectorised`'s error bound, farther from a rounding boundary
than its error, so rounding ``value x 10**6`` to the nearest integer gives the exact value's
digits; an exactly evaluated figure is rounded from its exact value (as
:func:`~jcmcalc.model.numbers.decimal_text` rounds it). Text cells are quoted as the ``csv``
module quotes them (by that module, for the rare cell that needs quotes) and guarded against
spreadsheet formulas as :func:`~jcmcalc.portfolio.rows.safe_text` guards them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fractions import Fraction

import numpy as np

from jcmcalc.inputs.readers import columns
from jcmcalc.model.numbers import DISPLAY_PLACES, decimal_text
from jcmcalc.portfolio import byte_lines
from jcmcalc.portfolio.byte_lines import Cells, Column, Taken
from jcmcalc.portfolio.frame import Frame
from jcmcalc.portfolio.rows import (
    FORMULA_STARTS,
    WARNINGS_SEPARATOR,
    Row,
    allocation_cell,
    csv_body,
    csv_lines,
    safe_text,
)

#: Rows turned into bytes at a time (bounds the memory of the byte matrices).
BLOCK = 1 << 14
#: Bytes of a block's matrix beyond which it is split (a row with very long warnings).
LARGEST = 1 << 25
_QUOTED = (",", '"', "\r", "\n")
_RISKY = np.array([ord(c) for c in FORMULA_STARTS], dtype=np.uint32)
_QUOTING = np.array([ord(c) for c in _QUOTED], dtype=np.uint32)


def body(frame: Frame, failures: Sequence[Row]) -> str:
    """CSV lines of ``frame``'s rows (sorted by project and period) with the ``failures``
    among them in the order of their projects."""
    return b"".join(body_parts(frame, failures)).decode("utf-8")


def body_parts(frame: Frame, failures: Sequence[Row]) -> Iterator[bytes | memoryview]:
    """:func:`body` as UTF-8 bytes, part by part."""
    failures = sorted(failures, key=lambda r: (r.project, r.period or 0))
    names = np.array([r.project for r in failures], dtype=str)
    at = np.searchsorted(frame.project, names, side="left")
    warnings = [_text(WARNINGS_SEPARATOR.join(t)) for t in frame.texts]
    creditable = [
        "false" if any(w.startswith("NOT CREDITABLE") for w in t) else "true" for t in frame.texts
    ]
    shared = [  # status, message, warnings, coverage; then allocation and creditable
        [f"ok,,{w},", f"{c}\n", f"ok,,{w},,,{c}\n"]
        for w, c in zip(warnings, creditable, strict=True)
    ]
    cells = [byte_lines.dictionary_cells(texts) for texts in zip(*shared, strict=True)]
    cells.append(_period_cells(frame))
    bounds = sorted({*range(0, len(frame), BLOCK), *at.tolist(), len(frame)})
    for first, last in zip(bounds, [*bounds[1:], len(frame)], strict=True):
        before = [failures[n] for n in np.flatnonzero(at == first).tolist()]
        if before:
            yield csv_body(before).encode("utf-8")
        if last > first:
            yield from _lines(frame, (first, last), cells)


def _lines(
    frame: Frame, rows: tuple[int, int], shared: list[Column]
) -> Iterator[bytes | memoryview]:
    """CSV lines of rows ``first`` to ``last`` of ``frame`` (``rows``), in parts of at most
    :data:`LARGEST` bytes of matrix; ``shared``: the coded cells (:func:`_body`)."""
    first, last = rows
    notes = frame.notes[first:last]
    allocations = _allocations(frame, first, last)
    ends = [byte_lines.taken(shared[2], notes)] if allocations is None else []
    if allocations is not None:
        ends = [byte_lines.taken(shared[0], notes), allocations, byte_lines.taken(shared[1], notes)]
    cells = [
        _texts(frame.project[first:last]),
        byte_lines.taken(shared[3], slice(first, last)),
        *_all_figures(frame, first, last),
        byte_lines.integer_cells(frame.credits[first:last]),
        *ends,
    ]
    width = sum(byte_lines.width(c) + 1 for c in cells)
    if (last - first) * width > LARGEST and last - first > 1:
        middle = (first + last) // 2
        yield from _lines(frame, (first, middle), shared)
        yield from _lines(frame, (middle, last), shared)
        return
    yield byte_lines.joined(cells)


def _allocations(frame: Frame, first: int, last: int) -> Cells | None:
    """The allocation cells of rows ``first`` to ``last`` (None: no row has an allocation)."""
    found = [(p - first, s) for p, s in frame.allocations.items() if first <= p < last]
    if not found:
        return None
    empty = (np.zeros((last - first, 0), np.uint8), np.zeros((last - first, 0), bool))
    texts = [_text(str(allocation_cell(dict(split)))) for _, split in found]
    return byte_lines.patched(empty, [p for p, _ in found], texts)


def _period_cells(frame: Frame) -> Taken:
    """The methodology, period, start and end cells of every row, as one text each, written
    once per distinct combination (they repeat across many rows)."""
    coded = [
        (array[:1], np.zeros(len(array), np.int64))  # one value repeated (a label, a date)
        if array.strides[0] == 0 or (len(array) and (array == array[0]).all())
        else columns.encode(array)
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
            _text_list(labels),
            periods.astype(str).tolist(),
            *(_text_list(d.view("datetime64[D]").astype(str)) for d in (starts, ends)),
            strict=True,
        )
    ]
    return byte_lines.taken(byte_lines.dictionary_cells(texts), code)


def _all_figures(frame: Frame, first: int, last: int) -> list[Cells]:
    """Decimal text of RE, PE and ER of rows ``first`` to ``last``; a figure shown as an
    earlier one on every row (ER = RE where PE is zero) reuses its text."""
    shown: list[tuple[np.ndarray, dict[int, str]]] = []
    texts: list[Cells] = []
    for which in range(3):
        integers, odd = _shown(frame, which, first, last)
        for (earlier, other), text in zip(shown, texts, strict=True):
            if other == odd and np.array_equal(earlier, integers):
                texts.append(text)
                break
        else:
            cells = byte_lines.decimal_cells(integers, DISPLAY_PLACES)
            texts.append(byte_lines.patched(cells, list(odd), list(odd.values())))
        shown.append((integers, odd))
    return texts


def _shown(frame: Frame, which: int, first: int, last: int) -> tuple[np.ndarray, dict[int, str]]:
    """Figure ``which`` (RE, PE, ER) of rows ``first`` to ``last`` x 10^6, rounded half-even
    (int64); the text of the few beyond int64, by row."""
    rows, rounded, exact = frame.exact.rounded(which, first, last, DISPLAY_PLACES)
    odd = {position - first: decimal_text(value) for position, value in exact.items()}
    if len(rows) + len(odd) == last - first:  # every row exact: no float64 figure shown
        integers = np.zeros(last - first, dtype=np.int64)
        integers[rows - first] = rounded
        return integers, odd
    values = frame.figures[which, first:last]
    scaled = np.rint(values * 10.0**DISPLAY_PLACES)
    finite = np.isfinite(scaled) & (np.abs(scaled) < 2.0**62)
    integers = np.where(finite, scaled, 0).astype(np.int64)
    integers[rows - first] = rounded
    held = np.zeros(last - first, dtype=bool)
    held[rows - first] = True
    held[[p for p in odd]] = True
    for position in np.flatnonzero(~finite & ~held).tolist():  # never a row that was exact
        odd[position] = decimal_text(Fraction(float(values[position])))
    return integers, odd


def _texts(cells: np.ndarray) -> Cells:
    """Text cells as the output writes them: a would-be formula prefixed with ``'``, a cell
    with a separator, quote or line break quoted by the ``csv`` module."""
    cells = cells.astype(str)
    width = cells.dtype.itemsize // 4
    points = np.ascontiguousarray(cells).view(np.uint32).reshape(len(cells), width)
    risky = np.isin(points[:, 0], _RISKY) if width else np.zeros(len(cells), dtype=bool)
    risky |= np.isin(points, _QUOTING).any(axis=1)
    found = byte_lines.text_cells(cells)
    positions = np.flatnonzero(risky).tolist()
    return byte_lines.patched(found, positions, [_text(str(cells[p])) for p in positions])


def _text_list(cells: np.ndarray) -> list[str]:
    """Few text cells as the output writes them (:func:`_text`)."""
    return [_text(str(cell)) for cell in cells.tolist()]


def _text(cell: str) -> str:
    """One text cell as the ``csv`` module writes it (after the formula guard)."""
    return csv_lines([[safe_text(cell), ""]])[:-2]
