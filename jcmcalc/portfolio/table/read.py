"""Reading a portfolio table (CSV or Parquet) into columns.

A clean CSV file of at least :data:`~jcmcalc.inputs.readers.fastcsv.SMALLEST` bytes is parsed by
pyarrow's multithreaded reader when pyarrow is installed (:mod:`jcmcalc.inputs.readers.fastcsv`, the
reader of monitoring files), every column as text: the exact rules for numbers
(:func:`jcmcalc.inputs.readers.columns.numbers`) then apply to the cells as written. Text is
stripped, each distinct cell of a column of names converted once. Any file that reader does
not take as it is (an empty line, a row of another length, bytes that are not UTF-8, a
smaller file, no pyarrow) is read by the standard library reader
(:func:`jcmcalc.inputs.readers.columns.load`), whose messages name the row. Either way every cell
then goes through the same checks, so a bad cell fails its own project, naming the file and
the row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs.readers import arrow_numpy, columns, fastcsv

#: Cells of a column turned into numpy text at a time (bounds the index arrays).
BLOCK = 1 << 16


def read(path: Path) -> columns.Table:
    """The portfolio table at ``path`` (CSV or Parquet)."""
    if path.suffix.lower() not in columns.PARQUET:
        table = fastcsv.load(path, ",", stream=False, numbers=False)  # held whole: no stream
        if table is not None:
            cells = {title: _cells(column) for title, column in table.cells.items()}
            table = attrs.evolve(table, cells=cells)  # the arrow columns are let go
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
    its distinct cells; a missing cell is empty). Arrow's ``to_numpy`` and ``fill_null`` are
    not used: they import pandas (half a second) for this."""
    import pyarrow as pa

    whole = column.combine_chunks()
    if not pa.types.is_dictionary(whole.type):
        return columns.stripped(text(whole))
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
