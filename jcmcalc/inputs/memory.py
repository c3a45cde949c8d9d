"""Projects built in Python: a dict shaped like a project file, with pandas DataFrames where
a file would hold data.

The dict holds what the TOML file would (``project``, ``methodology``, ``eligibility``,
``parameters``, ``periods``, ``monitoring``...). Besides file names, ``monitoring`` and a
period's ``data`` may hold DataFrames, read like monitoring files of the same columns (long or
wide); a member table (``systems``) may be a DataFrame with an ``id`` column, a column per
attribute and a column per parameter of the member (text with its unit), with its source in a
column ``parameters.NAME.source`` or, for all of a row's parameters, ``source``. Everything
then goes through :func:`jcmcalc.inputs.project.parse_project` and the rest of the one
pipeline, so a dict is checked exactly as a TOML file is. Messages name the frame
(``<frame monitoring[1]>``) and its row (the first data row is row 1).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from jcmcalc.inputs.readers.columns import TIME_COLUMNS, Counting, Table
from jcmcalc.model.errors import InputError

#: The name a project from a dict goes by in messages.
NAME = "<project dict>"


def is_frame(value: Any) -> bool:
    """Whether ``value`` is a pandas DataFrame (without importing pandas)."""
    return type(value).__name__ == "DataFrame" and hasattr(value, "columns")


def document_of(
    source: Mapping[str, Any], folder: Path
) -> tuple[dict[str, Any], dict[Path, Any], dict[Path, bytes]]:
    """The project document of ``source`` (frames of data replaced by pseudo file names), the
    frames by their pseudo paths under ``folder``, and what the project's digest hashes in
    place of the files that are not on disk (the document and each frame)."""
    document: dict[str, Any] = {}
    frames: dict[Path, Any] = {}
    for key, value in source.items():
        if is_frame(value) and key != "monitoring":
            value = _members(value, folder / NAME, key)
        document[key] = value
    if "monitoring" in document:
        document["monitoring"] = _files(document["monitoring"], "monitoring", folder, frames)
    periods = document.get("periods")
    if isinstance(periods, list):
        document["periods"] = [
            {**p, "data": _files(p["data"], f"periods[{n}].data", folder, frames)}
            if isinstance(p, Mapping) and "data" in p
            else p
            for n, p in enumerate(periods, start=1)
        ]
    memory = {folder / NAME: json.dumps(document, sort_keys=True, default=str).encode()}
    memory.update({path: _frame_bytes(frame) for path, frame in frames.items()})
    return document, frames, memory


def _files(value: Any, at: str, folder: Path, frames: dict[Path, Any]) -> Any:
    """File entries with each frame replaced by its pseudo name."""
    entries = value if isinstance(value, list) else [value]
    found = []
    for number, entry in enumerate(entries, start=1):
        if is_frame(entry):
            name = f"<frame {at}[{number}]>"
            frames[folder / name] = entry
            entry = name
        found.append(entry)
    return found if isinstance(value, list) else found[0]


def _members(frame: Any, path: Path, key: str) -> list[dict[str, Any]]:
    """Member tables from a DataFrame: a column ``parameters.NAME`` gives the member's parameter
    NAME, ``parameters.NAME.source`` its source, ``source`` the source of each of the row's
    parameters that has none of its own; every other column a key of its table (``id``,
    attributes). An empty cell is none."""
    titles = [str(c) for c in frame.columns]
    twice = next((t for t in titles if titles.count(t) > 1), None)
    if twice is not None:
        raise InputError(f"{key}: column {twice!r} appears twice", file=path)
    members = []
    for row, record in enumerate(frame.to_dict("records"), start=1):
        table: dict[str, Any] = {}
        parameters, sources = {}, {}
        for column, cell in record.items():
            if _missing(cell):
                continue
            value = cell.item() if isinstance(cell, np.generic) else cell
            name = str(column).removeprefix("parameters.")
            if name == str(column):
                table[name] = value
            elif name.endswith(".source"):
                sources[name.removesuffix(".source")] = str(value)
            else:
                parameters[name] = value
        row_source = table.pop("source", None)
        orphan = next((name for name in sources if name not in parameters), None)
        if orphan is not None:
            raise InputError(
                f"{key}, row {row}: column 'parameters.{orphan}.source' gives the source of no "
                f"value: 'parameters.{orphan}' is empty",
                file=path,
            )
        for name, value in parameters.items():
            source = sources.get(name, row_source)
            if source is not None and not isinstance(value, Mapping):
                parameters[name] = {"value": value, "source": str(source)}
        if parameters:
            table["parameters"] = parameters
        members.append(table)
    return members


def _missing(cell: Any) -> bool:
    return cell is None or (isinstance(cell, float) and cell != cell) or str(cell) == "<NA>"


def _frame_bytes(frame: Any) -> bytes:
    import pandas

    hashed = pandas.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
    return json.dumps([str(c) for c in frame.columns]).encode() + hashed


def table(path: Path, frame: Any) -> Table:
    """A DataFrame as the columns of a monitoring file: its records are rows 1, 2, ...

    A DatetimeIndex is its time column (``timestamp``, or the index's name when that is
    ``date``); column names are given once each; integer columns, nullable ones (``Int64``)
    included, are read as their exact integers and ``float32`` cells as the shortest decimal
    that gives the same ``float32`` back (``0.1``, not ``0.10000000149011612``)."""
    frame = _time_indexed(path, frame)
    titles = tuple(str(c) for c in frame.columns)
    twice = next((t for t in titles if titles.count(t) > 1), None)
    if twice is not None:
        raise InputError(f"column {twice!r} appears twice", file=path)
    cells = {title: _cells(frame.iloc[:, j]) for j, title in enumerate(titles)}
    return Table(path, titles, cells, Counting(1, len(frame)), {})


def _time_indexed(path: Path, frame: Any) -> Any:
    """``frame`` with its DatetimeIndex as its time column (refused beside another one)."""
    import pandas

    index = frame.index
    levels = index.levels if isinstance(index, pandas.MultiIndex) else [index]
    dated = [level for level in levels if isinstance(level, pandas.DatetimeIndex)]
    if not dated:
        return frame
    if isinstance(index, pandas.MultiIndex):
        raise InputError(
            "a MultiIndex with dates: make its levels columns (frame.reset_index())", file=path
        )
    title = index.name if index.name in TIME_COLUMNS else TIME_COLUMNS[0]
    given = [str(c) for c in frame.columns if str(c) in TIME_COLUMNS]
    if given:
        raise InputError(
            f"the frame is dated twice: by its DatetimeIndex and by its column {given[0]!r} "
            "(drop one: frame.reset_index(drop=True), or the column)",
            file=path,
        )
    return frame.reset_index(drop=True).assign(**{title: index})


def _cells(series: Any) -> np.ndarray:
    import pandas

    kind = series.dtype
    if pandas.api.types.is_integer_dtype(kind) and series.isna().any():  # nullable: exact text
        return np.array(["" if v is pandas.NA else str(v) for v in series.tolist()], dtype=str)
    if pandas.api.types.is_integer_dtype(kind):
        return series.to_numpy(dtype=np.int64 if kind.kind == "i" else np.uint64)
    if pandas.api.types.is_float_dtype(kind) and kind.itemsize == 4:  # float32: its own digits
        values = series.to_numpy(dtype=np.float32, na_value=np.nan)
        return np.array([str(v) if v == v else "" for v in values], dtype=str)
    if pandas.api.types.is_extension_array_dtype(kind) and pandas.api.types.is_numeric_dtype(kind):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    if isinstance(kind, pandas.DatetimeTZDtype):
        return series.map(lambda t: t.isoformat()).to_numpy(dtype=object)
    return series.to_numpy()
