"""Excel workbooks (``.xlsx``) as monitoring files, read with python-calamine (``xlsx`` extra).

A sheet (the one the project file names: ``{ file = "m.xlsx", sheet = "2025" }``, else the
active sheet when it is visible, else the first visible one; a hidden sheet is read only when
named) holds a header row (its first non-empty row) and the rows below it, by the same column
rules as a CSV file. Number cells are IEEE doubles in Excel: each is read as the shortest
decimal that gives the same double back (Python's ``repr``), as a Parquet float is; a cell
Excel shows as ``0.3`` may hold ``0.30000000000000004`` when a formula computed it (round it in
Excel with ``ROUND`` or type the value). Date cells are dates; in a ``date`` or ``timestamp``
column a number is an Excel serial date (days since 1899-12-30, the 1900 date system; the time
of day rounded to the second) from 1 (1900-01-01) to 2958465 (9999-12-31). Before calamine
reads the file, :mod:`jcmcalc.inputs.readers.xlsx_parts` bounds its size and range and refuses
error cells and formulas saved without their computed value.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import operator
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from jcmcalc.inputs.project import read_bytes
from jcmcalc.inputs.readers import xlsx_parts
from jcmcalc.inputs.readers.columns import TIME_COLUMNS, Table, number_text, stripped
from jcmcalc.model.errors import InputError

#: Day 0 of Excel's 1900 date system as it counts after 1900-02-28.
EPOCH = np.datetime64("1899-12-30T00:00:00", "s")
#: The serial of 9999-12-31, the last day Excel shows.
LAST_SERIAL = 2958465


def load(path: Path, sheet: str | None = None) -> Table:
    """The columns of one sheet of a workbook."""
    name, records = _records(path, sheet)
    return table(path, name, records)


def table(path: Path, name: str, records: list[list[Any]]) -> Table:
    """The columns of sheet ``name``, whose rows of cells calamine gave as ``records``. Each
    column is taken whole (its cells' types found at once, dates by their day numbers), never
    a row at a time in Python."""
    start = next((i for i, row in enumerate(records) if any(map(_given, row))), None)
    if start is None:
        raise InputError(f"no header row in sheet {name!r}", file=path, row=1)
    header = [str(v).strip() if _given(v) else "" for v in records[start]]
    while header and not header[-1]:
        header.pop()
    if "" in header:
        raise InputError(f"column {header.index('') + 1} has no header", file=path, row=start + 1)
    if len(set(header)) != len(header):
        duplicate = next(t for t in header if header.count(t) > 1)
        raise InputError(f"column {duplicate!r} appears twice", file=path, row=start + 1)
    count = len(records) - start - 1
    cells = list(itertools.zip_longest(*records[start + 1 :], fillvalue=""))  # the columns
    cells += [("",) * count] * (len(header) - len(cells))
    found = [_given_cells(column) for column in cells]
    given = [flags for flags, _ in found]
    rows = np.arange(start + 2, start + 2 + count)
    kept = np.logical_or.reduce(given) if given else np.zeros(0, dtype=bool)
    beyond = [(int(np.argmax(g)), j) for j, g in enumerate(given) if j >= len(header) and g.any()]
    if beyond:  # the first row holding one, its first such column
        first, column = min(beyond)
        raise InputError(
            f"a value in column {column + 1}, beyond the header's {len(header)} columns",
            file=path,
            row=int(rows[first]),
        )
    every = bool(kept.all())
    body = {
        title: found[j][1]
        if every and found[j][1] is not None and title not in TIME_COLUMNS
        else _column(cells[j] if every else _kept(cells[j], kept), title, rows[kept], path)
        for j, title in enumerate(header)
    }
    return Table(path, tuple(header), body, rows[kept], {})


def _given_cells(column: tuple[Any, ...]) -> tuple[np.ndarray, np.ndarray | None]:
    """Which cells of a column hold something (not empty, not blank text); and a column of
    text only as :func:`_column` takes it (stripped), else None."""
    kinds = set(map(type, column))
    if not kinds & {str, type(None)}:
        return np.ones(len(column), dtype=bool), None
    if kinds == {str}:
        if column.count("") == len(column):  # (a column left empty)
            return np.zeros(len(column), dtype=bool), np.full(len(column), "", dtype="<U1")
        text = stripped(np.array(column, dtype=str))
        return np.char.str_len(text) > 0, text
    return np.fromiter(map(_given, column), dtype=bool, count=len(column)), None


def _kept(column: tuple[Any, ...], kept: np.ndarray) -> list[Any]:
    return list(itertools.compress(column, kept.tolist()))


def _records(path: Path, sheet: str | None) -> tuple[str, list[list[Any]]]:
    """The name of the sheet read and its rows of cells."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        raise InputError(
            "reading Excel workbooks needs python-calamine: pip install 'jcmcalc[xlsx]'",
            file=path,
        ) from None
    data = read_bytes(path, what="monitoring file")
    name = xlsx_parts.chosen_sheet(data, path, sheet)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine's errors: a damaged or encrypted file, not a workbook
        raise InputError(f"not a readable Excel workbook: {exc}", file=path) from None


def _given(value: Any) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _column(values: Sequence[Any], title: str, rows: Any, path: Path) -> np.ndarray:
    """One column: float64 (NaN where empty) when every given cell is a number, datetime64 when
    every cell of a time column is a date or a serial number, else text."""
    kinds = set(map(type, values))
    if kinds == {float} and title not in TIME_COLUMNS:  # numbers only: taken at once
        return np.array(values, dtype=np.float64)
    if kinds == {str} and title not in TIME_COLUMNS:  # every cell text (blank: "")
        return np.char.strip(np.array(values, dtype=str))
    if kinds and kinds <= {dt.date, dt.datetime} and title in TIME_COLUMNS:  # date cells
        return _dates(values, kinds)
    given = [v for v in values if _given(v)]
    moments = given and all(_number(v) or isinstance(v, dt.date) for v in given)
    if title in TIME_COLUMNS and len(given) == len(values) and moments:
        for value, row in zip(values, rows, strict=True):
            if _number(value) and not 1 <= value < LAST_SERIAL + 1:
                raise InputError(
                    f"column {title!r}: {value!r} is no Excel date serial (1 is 1900-01-01, "
                    f"{LAST_SERIAL} is 9999-12-31)",
                    file=path,
                    row=row,
                )
        return np.array([_moment(v) for v in values], dtype="datetime64[us]")
    if given and all(_number(v) for v in given):
        return np.array([float(v) if _given(v) else np.nan for v in values], dtype=np.float64)
    return np.array([_text(v) for v in values], dtype=str)


def _dates(values: Sequence[Any], kinds: set[type]) -> np.ndarray:
    """Date (or date and time) cells as datetime64[us], from their day numbers and times
    (numpy converts date objects one at a time, ten times slower)."""
    if kinds == {dt.datetime} and any(value.tzinfo for value in values):
        return np.array(values, dtype="datetime64[us]")  # (calamine gives no zones)
    if len(kinds) > 1:
        return np.array(values, dtype="datetime64[us]")
    count = len(values)
    days = np.fromiter(map(dt.date.toordinal, values), dtype=np.int64, count=count)
    ticks = (days - _DAY_ZERO) * 86_400_000_000
    if kinds == {dt.datetime}:
        for part, micro in _TIME_PARTS:
            ticks += np.fromiter(map(part, values), dtype=np.int64, count=count) * micro
    return ticks.view("datetime64[us]")


_DAY_ZERO = dt.date(1970, 1, 1).toordinal()
_TIME_PARTS = (
    (operator.attrgetter("hour"), 3_600_000_000),
    (operator.attrgetter("minute"), 60_000_000),
    (operator.attrgetter("second"), 1_000_000),
    (operator.attrgetter("microsecond"), 1),
)


def _moment(value: Any) -> np.datetime64:
    """A date cell, or an Excel serial date (days since 1899-12-30) to the second."""
    if isinstance(value, dt.date):
        return np.datetime64(value, "us")
    return (EPOCH + np.timedelta64(round(float(value) * 86400), "s")).astype("datetime64[us]")


def _text(value: Any) -> str:
    if not _given(value):
        return ""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):  # a number typed in a text column: 1 as "1", not "1.0"
        return number_text(value)
    return str(value).strip()
