"""Wide monitoring files: one value column per member (and meter), read as the long form.

A wide column's header names the parameter, its unit and the member after an ``@``:
``EG_i,p [kWh] @ JKT-01``; a parameter of two indices names both members, in the order of its
indices (``@ PV-1, grid``); cumulative readings of a replaced meter add ``(meter M2)``:
``EG_i,p [kWh] register @ JKT-01 (meter M2)``. Besides wide columns, a wide file holds only its
``date`` or ``timestamp`` column. The columns are stacked, member after member, into the long
table a long file would give (each row keeps the row number of the file), so both forms go
through the same checks and give the same readings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from jcmcalc.inputs.readers.columns import TIME_COLUMNS, Table, is_arrow, text_cells
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import Methodology

_WIDE = re.compile(
    r"^\s*(?P<head>[^@]+?)\s*@\s*(?P<members>[^()]+?)\s*(?:\(\s*meter\s+(?P<meter>[^)]+?)\s*\))?\s*$"
)
_SYMBOL = re.compile(
    r"^\s*(?P<symbol>[^\[\]]+?)\s*(?:\[(?P<unit>[^\]]*)\])?\s*(?P<rest>register)?\s*$"
)
METER = "meter"


def is_wide(table: Table) -> bool:
    """Whether a file has wide columns (``SYMBOL [UNIT] @ MEMBER``)."""
    return any(_WIDE.match(title) for title in table.titles)


def to_long(table: Table, methodology: Methodology, known: Mapping[str, tuple[str, ...]]) -> Table:
    """The long table of a wide file: time, member and meter columns, one value column per
    parameter, one row per (file row, member, meter); ``known`` are the members by index."""
    path = table.path
    times = [title for title in table.titles if title in TIME_COLUMNS]
    groups: dict[tuple[tuple[str, ...], str], dict[str, str]] = {}
    heads: dict[str, tuple[str, str]] = {}  # parameter name -> (long header, first column)
    indices: list[str] = []
    for title in table.titles:
        if title in TIME_COLUMNS:
            continue
        match = _WIDE.match(title)
        if match is None:
            raise InputError(
                f"column {title!r} in a wide file: besides its date or timestamp, a wide file "
                "holds only columns 'SYMBOL [unit] @ MEMBER' (one per member); give other "
                "values in a long file",
                file=path,
                row=1,
            )
        head = _head(table, title, match["head"])
        parameter = _parameter(methodology, head, title, path)
        members = tuple(m.strip() for m in match["members"].split(","))
        for symbol, member in zip(parameter.index, members, strict=False):
            if member not in known[symbol]:
                raise InputError(
                    f"column {title!r}: unknown {methodology.index(symbol).title} {member!r} "
                    f"(known: {', '.join(known[symbol])})",
                    file=path,
                    row=1,
                )
        if len(members) != len(parameter.index):
            names = ", ".join(methodology.index(s).title for s in parameter.index) or "none"
            raise InputError(
                f"column {title!r}: {parameter.symbol} is per {names}: name "
                f"{len(parameter.index)} member(s) after '@', in that order",
                file=path,
                row=1,
            )
        earlier = heads.setdefault(parameter.name, (head, title))
        if earlier[0] != head:
            raise InputError(
                f"columns {earlier[1]!r} and {title!r} give {parameter.symbol} differently "
                "(unit or register): write every member's column alike",
                file=path,
                row=1,
            )
        for symbol in parameter.index:
            column = methodology.index(symbol).csv_column
            if column not in indices:
                indices.append(column)
        key = (tuple(zip(parameter.index, members, strict=True)), (match["meter"] or "").strip())
        columns = groups.setdefault(key, {})  # type: ignore[arg-type]
        if parameter.name in columns:
            raise InputError(
                f"columns {columns[parameter.name]!r} and {title!r} give the same member",
                file=path,
                row=1,
            )
        columns[parameter.name] = title
    return _stacked(table, times, indices, groups, heads, methodology)


def _head(table: Table, title: str, head: str) -> str:
    """The long header of a wide column: its own, or with the unit of its Parquet metadata."""
    unit = table.units.get(title)
    parts = _SYMBOL.match(head)
    if unit is not None and parts is not None and parts["unit"] is None:
        rest = f" {parts['rest']}" if parts["rest"] else ""
        return f"{parts['symbol']} [{unit}]{rest}"
    return head


def _parameter(methodology: Methodology, head: str, title: str, path: object) -> Any:
    parts = _SYMBOL.match(head)
    symbol = parts["symbol"] if parts else head
    try:
        return methodology.parameter(symbol)
    except InputError as exc:
        raise InputError(f"column {title!r}: {exc.message}", file=path, row=1) from None


def _stacked(
    table: Table,
    times: list[str],
    indices: list[str],
    groups: dict[Any, dict[str, str]],
    heads: dict[str, tuple[str, str]],
    methodology: Methodology,
) -> Table:
    count = len(table)
    rows = np.asarray(table.rows[np.arange(count)], dtype=np.int64)
    keys = list(groups)
    cells: dict[str, Any] = {title: _tile(table.cells[title], len(keys)) for title in times}
    for column in indices:
        symbol = next(i.symbol for i in methodology.indices if i.csv_column == column)
        names = [dict(bindings).get(symbol, "") for bindings, _ in keys]
        cells[column] = np.repeat(np.array(names, dtype=str), count)
    meters = [meter for _, meter in keys]
    if any(meters):
        cells[METER] = np.repeat(np.array(meters, dtype=str), count)
    for name, (head, _) in heads.items():
        parts = [table.cells[groups[key][name]] if name in groups[key] else None for key in keys]
        cells[head] = _stack(parts, count)
    titles = (*times, *indices, *([METER] if any(meters) else []), *(h for h, _ in heads.values()))
    return Table(table.path, titles, cells, np.tile(rows, len(keys)), {})


def _tile(column: Any, times: int) -> Any:
    if is_arrow(column):
        import pyarrow as pa

        return pa.chunked_array(list(column.chunks) * times, type=column.type)
    return np.tile(column, times)


def _stack(parts: list[Any], count: int) -> Any:
    """The cells of one parameter's columns end to end; a member without the column gives empty
    cells (no reading). Columns of one kind stay so (arrow, float64); mixed ones become text."""
    given = [part for part in parts if part is not None]
    if all(is_arrow(part) for part in given) and len({part.type for part in given}) == 1:
        import pyarrow as pa

        kind = given[0].type
        chunks = []
        for part in parts:
            chunks += [pa.nulls(count, type=kind)] if part is None else part.chunks
        return pa.chunked_array(chunks, type=kind)
    if all(not is_arrow(part) and part.dtype.kind == "f" for part in given):
        empty: Any = np.full(count, np.nan)
    else:
        parts = [None if part is None else _text(part) for part in parts]
        empty = np.full(count, "", dtype=str)
    return np.concatenate([empty if part is None else part for part in parts])


def _text(part: Any) -> np.ndarray:
    """Cells as text; a float column's NaN (a missing cell) as an empty cell."""
    if is_arrow(part) or part.dtype.kind != "f":
        return text_cells(part)
    cells = part.astype(str)
    cells[np.isnan(part)] = ""
    return cells
