"""Which reader turns a monitoring file into columns, by its name: CSV (with the separator and
decimal mark its project file declares), Parquet or an Excel workbook."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from jcmcalc.inputs import memory
from jcmcalc.inputs.readers import columns, excel, fastcsv
from jcmcalc.model.errors import InputError

EXCEL = (".xlsx", ".xlsm")


def load(
    path: Path, options: Mapping[str, Any], frame: Any = None, *, stream: bool = True
) -> columns.Table:
    """The columns of a monitoring file, read with its ``options`` from the project file; or
    those of a DataFrame ``frame`` of a project built in Python. ``columns`` renames the file's
    headers (``{ "JKT-01" = "EG_i,p [kWh] @ JKT-01" }``); ``frame`` may also be the columns
    of a project workbook's monitoring sheet. A large plain CSV file is
    ``stream``-ed: its columns are read block by block (:mod:`jcmcalc.inputs.readers.blocks`)."""
    if isinstance(frame, columns.Table):  # a monitoring sheet of a project workbook
        table = frame
    else:
        table = memory.table(path, frame) if frame is not None else _file(path, options, stream)
    return renamed(table, options.get("columns", {}))


def renamed(table: columns.Table, names: Mapping[str, str]) -> columns.Table:
    """``table`` with its headers renamed by the project file's ``columns`` mapping."""
    missing = [name for name in names if name not in table.titles]
    if missing:
        raise InputError(
            f"columns names {missing[0]!r}, which the file does not have (its columns: "
            f"{', '.join(table.titles)})",
            file=table.path,
            row=1,
        )
    if not names:
        return table
    titles = tuple(names.get(title, title) for title in table.titles)
    if len(set(titles)) != len(titles):
        duplicate = next(t for t in titles if titles.count(t) > 1)
        raise InputError(f"column {duplicate!r} appears twice after renaming", file=table.path)
    cells = {names.get(title, title): table.cells[title] for title in table.titles}
    units = {names.get(title, title): unit for title, unit in table.units.items()}
    return attrs.evolve(table, titles=titles, cells=cells, units=units)


def _file(path: Path, options: Mapping[str, Any], stream: bool) -> columns.Table:
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
        table = fastcsv.load(path, separator, stream=stream)
        if table is not None:
            return table
    return columns.load(path, separator, decimal)
