"""Reading a portfolio table (CSV or Parquet) into columns.

A clean CSV file of at least :data:`~jcmcalc.inputs.fastcsv.SMALLEST` bytes is parsed by
pyarrow's multithreaded reader when pyarrow is installed (:mod:`jcmcalc.inputs.fastcsv`, the
reader of monitoring files), every column as text: the exact rules for numbers
(:func:`jcmcalc.inputs.columns.numbers`) then apply to the cells as written. Text is
stripped, each distinct cell of a column of names converted once. Any file that reader does
not take as it is (an empty line, a row of another length, bytes that are not UTF-8, a
smaller file, no pyarrow) is read by the standard library reader
(:func:`jcmcalc.inputs.columns.load`), whose messages name the row. Either way every cell
then goes through the same checks, so a bad cell fails its own project, naming the file and
the row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs import columns, fastcsv


def read(path: Path) -> columns.Table:
    """The portfolio table at ``path`` (CSV or Parquet)."""
    if path.suffix.lower() not in columns.PARQUET:
        table = fastcsv.load(path, ",", numbers=False)
        if table is not None:
            cells = {title: _cells(column) for title, column in table.cells.items()}
            return attrs.evolve(table, cells=cells)
    return columns.load(path)


def _cells(column: Any) -> Any:
    """A column of the arrow reader as stripped numpy text (a dictionary-encoded column through
    its distinct cells; a missing cell is empty). The values are taken through Python lists
    and buffers, not arrow's ``to_numpy`` or ``fill_null``, which import pandas (half a
    second) for this."""
    import pyarrow as pa

    whole = column.combine_chunks()
    if not pa.types.is_dictionary(whole.type):
        cells = whole.to_pylist()
        if whole.null_count:
            cells = ["" if cell is None else cell for cell in cells]
        return np.char.strip(np.array(cells, dtype=str))
    names = np.char.strip(np.array([*whole.dictionary.to_pylist(), ""], dtype=str))
    indices = whole.indices
    width = np.dtype(f"i{indices.type.bit_width // 8}")
    start = indices.offset
    codes = np.frombuffer(indices.buffers()[1], width, start + len(indices))[start:]
    if indices.null_count:
        bits = np.frombuffer(indices.buffers()[0], np.uint8)
        valid = np.unpackbits(bits, bitorder="little")[start : start + len(indices)]
        codes = np.where(valid.astype(bool), codes, len(names) - 1)
    return names[codes]
