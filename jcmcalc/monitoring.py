"""Monitoring data from CSV files whose headers carry units.

Header of a value column: ``SYMBOL [UNIT]`` (``"EG_i,p [kWh]"``) or ``python_name [UNIT]``;
``SYMBOL [UNIT] register`` marks cumulative meter readings, turned into energy as the
difference of successive readings. Index columns name members (``system``). A ``date`` or
``timestamp`` column places each row in its monitoring period; a file listed under one
period may omit it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from fractions import Fraction
from pathlib import Path

import attrs

from jcmcalc.errors import InputError
from jcmcalc.methodology import Methodology
from jcmcalc.parameters import Kind, Parameter
from jcmcalc.project import Period, decode, read_bytes

_HEADER = re.compile(
    r"^\s*(?P<name>[^\[\]]+?)\s*\[(?P<unit>[^\]]*)\]\s*(?P<register>register)?\s*$"
)
_TIME_COLUMNS = ("timestamp", "date")

Key = tuple[str, ...]


@attrs.frozen
class Column:
    position: int
    parameter: Parameter
    unit: str
    register: bool


@attrs.frozen
class Reading:
    """A monitored value summed from CSV rows, with the rows it came from.

    ``unit`` is the canonical unit of a parameter with alternative units (its basis).
    """

    value: Fraction
    file: Path
    rows: tuple[int, ...]
    unit: str = ""

    @property
    def origin(self) -> str:
        first, last = self.rows[0], self.rows[-1]
        rows = f"row {first}" if first == last else f"rows {first}-{last}"
        return f"{self.file.name} {rows}"


def _columns(header: list[str], methodology: Methodology, path: Path) -> list[Column]:
    index_columns = {index.csv_column for index in methodology.indices}
    columns = []
    for position, title in enumerate(header):
        name = title.strip()
        if name in _TIME_COLUMNS or name in index_columns or name == "period":
            continue
        match = _HEADER.match(name)
        if not match:
            raise InputError(
                f"column {name!r} has no unit: write it as '{name} [unit]'", file=path, row=1
            )
        try:
            parameter = methodology.parameter(match["name"])
        except InputError as exc:
            raise InputError(exc.message, file=path, row=1) from None
        if parameter.kind is not Kind.MONITORED:
            raise InputError(
                f"column {name!r}: {parameter.symbol} is {parameter.kind}, not monitored; "
                "give it in the project file",
                file=path,
                row=1,
            )
        columns.append(Column(position, parameter, match["unit"].strip(), bool(match["register"])))
    if not columns:
        raise InputError("no value columns (headers such as 'EG_i,p [MWh]')", file=path, row=1)
    return columns


def _day(text: str, path: Path, row: int) -> dt.date:
    try:
        return dt.datetime.fromisoformat(text.strip()).date()
    except ValueError:
        raise InputError(f"{text!r} is not an ISO date or timestamp", file=path, row=row) from None


def _number(text: str, column: Column, path: Path, row: int) -> Fraction:
    cell = text.strip()
    try:
        return Fraction(cell)
    except (ValueError, ZeroDivisionError):
        pass
    hint = (
        "; the unit belongs in the header, not in the cell"
        if re.match(r"^[+-]?[\d.]+\s*[A-Za-z%]", cell)
        else ""
    )
    raise InputError(
        f"{cell!r} is not a finite number{hint}",
        file=path,
        row=row,
        parameter=column.parameter.symbol,
    )


def read_monitoring(
    path: Path,
    methodology: Methodology,
    periods: Iterable[Period],
    members: Mapping[str, tuple[str, ...]],
    only: Period | None = None,
) -> dict[tuple[int, str, Key], Reading]:
    """Sum the values of one CSV file per (period number, parameter name, member key).

    ``only`` is the period a file listed under ``[[periods]] data`` belongs to; rows dated
    outside it are an error, as are rows of a file with dates that fall in no period.
    """
    text = decode(read_bytes(path, what="monitoring file"), path)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError("no header row", file=path, row=1)
    header = [cell.strip() for cell in rows[0]]
    columns = _columns(header, methodology, path)
    time_column = next((header.index(c) for c in _TIME_COLUMNS if c in header), None)
    if time_column is None and only is None:
        raise InputError(
            "a file under [monitoring] needs a 'date' or 'timestamp' column", file=path, row=1
        )
    candidates = [only] if only is not None else list(periods)
    registers: dict[tuple[str, Key], tuple[int, Fraction]] = {}
    sums: dict[tuple[int, str, Key], Fraction] = defaultdict(Fraction)
    sources: dict[tuple[int, str, Key], list[int]] = defaultdict(list)
    bases: dict[tuple[int, str, Key], str] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise InputError(
                f"{len(cells)} cells where the header has {len(header)}", file=path, row=number
            )
        period = only
        if time_column is not None:
            day = _day(cells[time_column], path, number)
            period = next((p for p in candidates if p.contains(day)), None)
            if period is None:
                where = only.label if only else "any monitoring period"
                raise InputError(f"date {day} is outside {where}", file=path, row=number)
        assert period is not None
        for column in columns:
            cell = cells[column.position]
            if not cell.strip():
                continue
            key = _member_key(column.parameter, methodology, header, cells, members, path, number)
            value = column.parameter.convert_magnitude(
                _number(cell, column, path, number), column.unit, file=path, row=number
            )
            slot = (period.number, column.parameter.name, key)
            basis = column.parameter.canonical(column.unit) if column.parameter.alternatives else ""
            if bases.setdefault(slot, basis) != basis:
                raise InputError(
                    f"{column.parameter.symbol} is given in {bases[slot]} and in {basis}: one "
                    "value may not mix bases of measurement",
                    file=path,
                    row=number,
                    parameter=column.parameter.symbol,
                )
            if column.register:
                previous = registers.get((column.parameter.name, key))
                registers[(column.parameter.name, key)] = (number, value)
                if previous is None:
                    continue
                if value < previous[1]:
                    raise InputError(
                        f"meter reading goes backwards for {'/'.join(key) or 'the project'}: "
                        f"{previous[1]} at row {previous[0]}, then {value} {column.parameter.unit}",
                        file=path,
                        row=number,
                        parameter=column.parameter.symbol,
                    )
                value = value - previous[1]
            sums[slot] += value
            sources[slot].append(number)
    return {slot: Reading(sums[slot], path, tuple(sources[slot]), bases[slot]) for slot in sums}


def _member_key(
    parameter: Parameter,
    methodology: Methodology,
    header: list[str],
    cells: list[str],
    members: Mapping[str, tuple[str, ...]],
    path: Path,
    row: int,
) -> Key:
    key = []
    for symbol in parameter.index:
        index = methodology.index(symbol)
        column = index.csv_column
        if column not in header:
            raise InputError(
                f"{parameter.symbol} is per {index.title}: add a {column!r} column",
                file=path,
                row=1,
            )
        member = cells[header.index(column)].strip()
        if member not in members[symbol]:
            raise InputError(
                f"unknown {index.title} {member!r} (known: {', '.join(members[symbol])})",
                file=path,
                row=row,
            )
        key.append(member)
    return tuple(key)
