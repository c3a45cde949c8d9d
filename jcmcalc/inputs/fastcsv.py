"""Plain CSV monitoring files read with pyarrow's multithreaded reader (when pyarrow is
installed), exactly.

Every cell is read as text first. A value column (a header with ``[unit]``) whose cells are at
most 15 characters becomes float64 there: a decimal of at most 15 significant digits is
carried exactly by its float (see :mod:`jcmcalc.inputs.scaled`), so the sums stay exact; any
other value column stays text for the careful path. A time column of naive ISO 8601 times
becomes a timestamp column (pyarrow refuses offsets there); anything else stays text for
:mod:`jcmcalc.inputs.times`. A file this reader cannot take as it is (an empty line, a row of
another length, a cell spanning lines, bytes that are not UTF-8...) goes to the standard
library reader (:func:`jcmcalc.inputs.columns.load`), whose messages name the row: this
reader only ever speeds up a file that reads cleanly.
"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path
from typing import Any

from jcmcalc.inputs import dialect
from jcmcalc.inputs.columns import Counting, Table
from jcmcalc.inputs.project import read_bytes

TIME_COLUMNS = ("timestamp", "date")
#: Longest cell read through a float: 15 characters hold at most 15 significant digits.
FLOAT_CHARACTERS = 15


def load(path: Path, separator: str) -> Table | None:
    """The columns of a clean CSV file, or None when the careful reader must read it."""
    try:
        import pyarrow as pa
        import pyarrow.csv
    except ImportError:
        return None
    data = read_bytes(path, what="monitoring file").removeprefix(codecs.BOM_UTF8)
    end = data.find(b"\n")
    try:
        first = (data if end < 0 else data[:end]).decode().removesuffix("\r")
        raw = next(csv.reader([first], delimiter=separator))
    except (UnicodeDecodeError, StopIteration, csv.Error):
        return None
    header = tuple(cell.strip() for cell in raw)
    if not any(header) or len(set(raw)) != len(header):
        return None
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None  # lone carriage returns end lines too: the careful reader counts them
    dialect.check_header(header, separator, path)
    times = {
        name: pa.timestamp("us")
        for name, title in zip(raw, header, strict=True)
        if title in TIME_COLUMNS
    }
    table = _read(data, separator, raw, times) or (
        _read(data, separator, raw, {}) if times else None
    )
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if table is None or table.num_columns != len(header) or table.num_rows + 1 != lines:
        return None  # an empty line or a cell spanning lines: the careful reader numbers rows
    table = table.rename_columns(list(header))
    if table.num_rows and table.column(0).null_count:
        return None  # a row of empty cells, which is no row
    cells = {title: _column(title, table.column(title)) for title in header}
    if any(cell is None for cell in cells.values()):
        return None
    return Table(path, header, cells, Counting(2, table.num_rows), {})


def _read(data: bytes, separator: str, raw: list[str], types: dict[str, Any]) -> Any:
    """The file as an arrow table of text (and of ``types`` where given); None if it fails."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        return pacsv.read_csv(
            pa.py_buffer(data),
            parse_options=pacsv.ParseOptions(delimiter=separator, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={**dict.fromkeys(raw, pa.string()), **types},
                null_values=[""],
                strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None


def _column(title: str, column: Any) -> Any:
    """A time column as timestamps and a value column as float64 where that is exact; None
    for a cell beyond the standard library's field limit (the careful reader refuses it)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(column) or not pa.types.is_string(column.type):  # times cast in the read
        return column
    longest = pc.max(pc.utf8_length(column)).as_py()
    if longest is not None and longest > csv.field_size_limit():
        return None
    if "[" not in title or title in TIME_COLUMNS or longest is None or longest > FLOAT_CHARACTERS:
        return column
    try:
        numbers = column.cast(pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return column  # text that is no number: the careful path says which
    if not pc.all(pc.is_finite(numbers)).as_py():  # nan and inf are errors, not missing cells
        return column
    return numbers.to_numpy()
