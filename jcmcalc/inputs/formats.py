"""Which reader turns a monitoring file into columns, by its name: CSV (with the separator and
decimal mark its project file declares), Parquet or an Excel workbook."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jcmcalc.inputs import columns, excel, fastcsv, memory
from jcmcalc.model.errors import InputError

EXCEL = (".xlsx", ".xlsm")


def load(path: Path, options: Mapping[str, str], frame: Any = None) -> columns.Table:
    """The columns of a monitoring file, read with its ``options`` from the project file; or
    those of a DataFrame ``frame`` of a project built in Python."""
    if frame is not None:
        return memory.table(path, frame)
    workbook = path.suffix.lower() in EXCEL
    for key, applies in (
        ("sheet", workbook),
        ("separator", not workbook),
        ("decimal", not workbook),
    ):
        if key in options and not applies:
            kind = "an Excel workbook" if workbook else "a CSV or Parquet file"
            raise InputError(f"{key} = {options[key]!r} does not apply to {kind}", file=path)
    if workbook:
        return excel.load(path, options.get("sheet"))
    separator, decimal = options.get("separator", ","), options.get("decimal", ".")
    if decimal == "." and path.suffix.lower() not in columns.PARQUET:
        table = fastcsv.load(path, separator)
        if table is not None:
            return table
    return columns.load(path, separator, decimal)
