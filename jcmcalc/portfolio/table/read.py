"""Reading a portfolio table (CSV or Parquet) into columns.

A clean CSV file of at least :data:`~jcmcalc.inputs.readers.fastcsv.SMALLEST` bytes is parsed
once by pyarrow's multithreaded reader when pyarrow is installed, each column typed by its
first rows (:mod:`jcmcalc.portfolio.table.typed`): a column of repeated cells as a dictionary
(each distinct cell converted once), a value column of mostly distinct cells as exact decimals,
other text as text, its distinct cells found by arrow's sort. A file that parse does not take
as it is goes to the monitoring files' reader with every column as text
(:mod:`jcmcalc.inputs.readers.fastcsv`: the exact rules for numbers,
:func:`jcmcalc.inputs.cell_numbers.numbers`, then apply to the cells as written), and a file
that reader does not take either (an empty line, a row of another length, bytes that are not
UTF-8, a smaller file, no pyarrow) to the standard library reader
(:func:`jcmcalc.inputs.readers.columns.load`), whose messages name the row. Either way every
cell then goes through the same checks, so a bad cell fails its own project, naming the file
and the row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs.readers import arrow_numpy, columns, fastcsv
from jcmcalc.portfolio.table import typed

#: Cells of a column turned into numpy text at a time (bounds the index arrays).
BLOCK = 1 << 16


def read(path: Path) -> columns.Table:
    """The portfolio table at ``path`` (CSV or Parquet)."""
    if path.suffix.lower() not in columns.PARQUET:
        table = typed.load(path) or fastcsv.load(path, ",", stream=False, numbers=False)
        if table is not None:
            cells = {title: _cells(column) for title, column in table.cells.items()}
            table = attrs.evolve(table, cells=cells)  # the arrow text columns are let go
            import pyarrow as pa

            pa.default_memory_pool().release_unused()  # their memory, back to the system
            return table
    return columns.load(path)


def arrow_cells(array: Any) -> np.ndarray:
    """An arrow text array (a Dask partition's column) as stripped numpy text, as a CSV table's
    column is read: one of few distinct cells through a dictionary."""
    import pyarrow as pa

    if fastcsv.few_distinct(array):
        array = array.dictionary_encode()
    return _cells(pa.chunked_array([array]))


def _cells(column: Any) -> Any:
    """A column of the arrow reader as stripped numpy text (a dictionary-encoded column through
    its distinct cells; a missing cell is empty), its :func:`~columns.encode` known; a column of
    decimals as it is. Arrow's ``to_numpy`` and ``fill_null`` are not used: they import pandas
    (half a second) for this."""
    import pyarrow as pa

    whole = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_decimal(whole.type):
        return whole
    if not pa.types.is_dictionary(whole.type):
        cells = columns.stripped(text(whole))
        if whole.null_count or len(cells) < 2:
            return cells
        import pyarrow.compute as pc

        return columns.sorted_codes(cells, arrow_numpy.values(pc.sort_indices(whole)))
    names = columns.stripped(np.append(text(whole.dictionary), ""))
    codes = arrow_numpy.values(whole.indices)
    if whole.indices.null_count:
        codes = np.where(arrow_numpy.valid(whole.indices), codes, len(names) - 1)
    return columns.known_codes(names, codes)


def text(array: Any) -> np.ndarray:
    """An arrow string array as numpy text, a missing cell empty: ASCII straight from its
    buffers (each cell's bytes gathered into a row of a byte matrix, :data:`BLOCK` cells at a
    time; no gathering when every cell has the same length), without a Python object per
    cell; other text through Python strings."""
    import pyarrow as pa

    start, count = array.offset, len(array)
    _, positions, data = array.buffers()
    offset = np.int64 if pa.types.is_large_string(array.type) else np.int32  # pandas': int64
    offsets = np.frombuffer(positions, offset, start + count + 1)[start:].astype(np.int64)
    raw = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    used = raw[offsets[0] : offsets[-1]]
    if len(used) and used.max() >= 0x80:  # not ASCII
        cells = array.to_pylist()
        return np.array(["" if cell is None else cell for cell in cells], dtype=str)
    lengths = np.diff(offsets)
    if array.null_count:
        lengths = np.where(arrow_numpy.valid(array), lengths, 0)
    wide = max(int(lengths.max(initial=0)), 1)
    if count and (lengths == wide).all():
        found = used.reshape(count, wide)
    else:
        found = np.zeros((count, wide), dtype=np.uint8)
        within = np.arange(wide)
        for first in range(0, count, BLOCK):
            part = slice(first, first + BLOCK)
            at = np.minimum(offsets[:-1][part, None] + within, max(len(raw) - 1, 0))
            block = raw[at] if len(raw) else np.zeros(at.shape, np.uint8)
            block[within >= lengths[part, None]] = 0  # past the cell's end
            found[part] = block
    return found.astype(np.uint32).view(f"<U{wide}").ravel()
