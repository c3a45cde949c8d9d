"""A workbook sheet's cells converted column by column (:func:`jcmcalc.inputs.readers.excel.table`)
give the table the row-by-row reading gave: the same header, kept rows, row numbers, cells and
refusals, on grids of numbers, text, blanks, dates and times, ragged rows included."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jcmcalc.inputs.readers import excel
from jcmcalc.model.errors import InputError

PATH = Path("book.xlsx")
CELLS = st.one_of(
    st.sampled_from(["", "  ", "PV-1", " PV-2 ", "x", None]),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.integers(min_value=-5, max_value=50_000),
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)
TITLES = ["date", "system", "EG_i,p [MWh]", "period"]


def _cells(column: np.ndarray) -> list[Any]:
    """A column's cells, NaN (an empty number cell) as a word, so that lists compare."""
    return ["NaN" if v != v else v for v in column.tolist()]


def row_by_row(records: list[list[Any]]) -> tuple:
    """The table as the reader built it before: a row at a time (the oracle)."""
    start = next((i for i, row in enumerate(records) if any(excel._given(v) for v in row)), None)
    if start is None:
        raise InputError("no header row", file=PATH, row=1)
    header = [str(v).strip() if excel._given(v) else "" for v in records[start]]
    while header and not header[-1]:
        header.pop()
    body, rows = [], []
    for number, row in enumerate(records[start + 1 :], start=start + 2):
        if not any(excel._given(v) for v in row):
            continue
        extra = next((j for j in range(len(header), len(row)) if excel._given(row[j])), None)
        if extra is not None:
            raise InputError(f"a value in column {extra + 1}", file=PATH, row=number)
        body.append(row)
        rows.append(number)
    cells = {
        title: _cells(
            excel._column([row[j] if j < len(row) else "" for row in body], title, rows, PATH)
        )
        for j, title in enumerate(header)
    }
    return tuple(header), cells, rows


def by_columns(records: list[list[Any]]) -> tuple:
    table = excel.table(PATH, "Sheet", records)
    return table.titles, {t: _cells(c) for t, c in table.cells.items()}, table.rows.tolist()


def outcome(read, records: list[list[Any]]) -> Any:
    try:
        return read(records)
    except InputError as error:
        return ("refused", error.row, error.message.split(",")[0].split(" beyond")[0])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(CELLS, min_size=0, max_size=6), max_size=12),
    st.integers(min_value=0, max_value=2),
)
def test_columns_read_as_rows_were(body: list[list[Any]], blank_rows: int) -> None:
    records = [[""] * 4] * blank_rows + [TITLES, *body]
    assert outcome(by_columns, records) == outcome(row_by_row, records)


@pytest.mark.parametrize(
    "values",
    [
        [dt.date(2024, 2, 29), dt.date(1900, 1, 1), dt.date(9999, 12, 31)],
        [dt.datetime(2024, 1, 1, 23, 59, 59, 999999), dt.datetime(1969, 12, 31, 0, 0, 0, 1)],
        [dt.date(2024, 1, 1), dt.datetime(2024, 1, 1, 12)],  # both kinds
    ],
)
def test_dates_by_day_numbers_are_numpys(values: list[Any]) -> None:
    found = excel._dates(values, set(map(type, values)))
    assert found.tolist() == np.array(values, dtype="datetime64[us]").tolist()
