"""A clean portfolio table (CSV) parsed once by pyarrow, each column typed by its first rows.

A column whose first rows repeat is parsed as a dictionary of its distinct texts (names,
dates, a factor given to many projects): each distinct cell is then read once. A column of
mostly distinct cells is parsed as plain text (project ids) or, a value column (``SYMBOL
[unit]``), straight into exact decimals, ``decimal128(18, places)`` with the most decimals
written in the first rows: the scaled integers themselves, as the monitoring reader takes them
(:mod:`jcmcalc.inputs.readers.fastcsv`); arrow refuses a cell it cannot hold exactly. A file
this parse does not take as it is (a cell of more decimals, an exponent, a long or multi-line
cell, an empty line...) gets None: the text reader reads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jcmcalc.inputs.project import read_bytes
from jcmcalc.inputs.readers import fastcsv
from jcmcalc.inputs.readers.columns import TIME_COLUMNS, Counting, Table


def load(path: Path) -> Table | None:
    """The columns of the portfolio table at ``path`` as arrow arrays (dictionaries, text or
    decimals), or None when the text reader must read it."""
    try:
        if path.stat().st_size < fastcsv.SMALLEST:
            return None
        import pyarrow  # noqa: F401
    except (ImportError, OSError):
        return None
    data = read_bytes(path, what="portfolio table")
    shape = fastcsv.shape_of(path, data, ",", numbers=True)
    if shape is None:
        return None
    whole = fastcsv.Span(data, shape.start, len(data))
    types = _types(shape, data)
    table = fastcsv.parse(whole, shape, types) if types is not None else None
    if table is None or not fastcsv.plain(table):
        return None
    cells = {t: table.column(i).combine_chunks() for i, t in enumerate(shape.titles)}
    if not fastcsv.exact(cells.values(), whole):
        return None
    return Table(path, shape.titles, cells, Counting(2, table.num_rows), {})


def _types(shape: fastcsv.Shape, data: bytes) -> dict[str, Any] | None:
    """Arrow types by raw name, from the cells of the first rows (None: no whole row there)."""
    import pyarrow as pa

    end = data.rfind(b"\n", shape.start, shape.start + fastcsv.HEAD) + 1
    sample = fastcsv.parse(fastcsv.Span(data, shape.start, end), shape, shape.types(None))
    if sample is None or not sample.num_rows:
        return None
    places = fastcsv.Span(data, shape.start, end).places()
    text = pa.dictionary(pa.int32(), pa.string())
    types = {}
    for name, title, column in zip(shape.raw, shape.titles, sample.columns, strict=True):
        many = len(column.unique()) > sample.num_rows // 2
        if title in TIME_COLUMNS or not many:
            types[name] = text
        elif "[" in title:
            types[name] = pa.decimal128(fastcsv.DIGITS, places)
        else:
            types[name] = pa.string()
    return types
