"""The sheets of a project workbook, as ``jcmcalc template`` writes them and the project reader
(:mod:`jcmcalc.inputs.readers.project_book`) reads them: their names and header rows, the
cells of one sheet with the place (sheet and cell) of each, and the monitoring sheets.

- ``Project``: a table ``field | value | about``: name, reference number, participants,
  country, the methodology and its version, ``registered``, ``time zone``, ``monitoring
  files`` and one row ``criterion ID`` per eligibility criterion (value yes or no); any other
  field is free project metadata (``developer``).
- ``Members KEY`` per index whose members the project lists (``Members systems``): ``id``,
  ``description``, the attributes, and per parameter fixed for each member its value, ``P unit``,
  ``P source`` and, where the methodology has a default, ``P override``.
- ``Parameters``: fixed values not given per member: ``parameter | member | member 2 | value |
  unit | source | override``.
- ``Periods``: ``period | start | end | label | monitoring files``.
- ``Monitoring SYMBOL`` per monitored parameter: ``period | date | member columns | SYMBOL
  [UNIT] | source``; a dated row is a reading placed by its date (its period, when given, must
  hold the date), an undated row a period total.
- ``Estimate``: ``field | value`` rows ``start`` and ``years``, then a table as ``Parameters``
  (design values and yearly values of monitored parameters).
- ``File NAME``: a monitoring file's rows (``template --from``), named in ``monitoring files``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs.readers.columns import TIME_COLUMNS, Table
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import Methodology

PROJECT = "Project"
PARAMETERS = "Parameters"
PERIODS = "Periods"
ESTIMATE = "Estimate"
INSTRUCTIONS = "Instructions"
LISTS = "Lists"
MEMBERS = "Members "
MONITORING = "Monitoring "
FILE = "File "

FORM = ("field", "value", "about")
PERIOD_COLUMNS = ("period", "start", "end", "label", "monitoring files")
VALUE_COLUMNS = ("value", "unit", "source", "override")
#: Fields of the Project sheet that are not free metadata.
METHODOLOGY, VERSION, FILES, CRITERION = "methodology", "version", "monitoring files", "criterion "
ALLOCATION_SHARE, ALLOCATION_REMAINDER = "allocation share ", "allocation remainder"
YES, NO = "yes", "no"
#: Excel's own limit on a sheet name, and the characters it refuses in one.
SHEET_NAME_CHARACTERS = 31
_NOT_IN_NAMES = re.compile(r"[\[\]:*?/\\]")


def sheet_name(prefix: str, text: str) -> str:
    """A sheet name: ``prefix`` and ``text`` without the characters Excel refuses, cut to 31."""
    return (prefix + _NOT_IN_NAMES.sub("_", text))[:SHEET_NAME_CHARACTERS]


def members_sheet(key: str) -> str:
    return sheet_name(MEMBERS, key)


def monitoring_sheet(symbol: str) -> str:
    return sheet_name(MONITORING, symbol)


def column_letters(column: int) -> str:
    """``A`` for column 0, ``AA`` for column 26."""
    letters, column = "", column + 1
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, column: int) -> str:
    """``B3`` for row 2, column 1 (both from 0)."""
    return f"{column_letters(column)}{row + 1}"


def given(value: Any) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


@attrs.frozen
class Grid:
    """The cells of one sheet from A1 (rows of values as calamine gives them)."""

    name: str
    rows: list[list[Any]]

    def cell(self, row: int, column: int) -> Any:
        if row >= len(self.rows) or column >= len(self.rows[row]):
            return None
        value = self.rows[row][column]
        return value.strip() if isinstance(value, str) else value

    def place(self, row: int, column: int) -> str:
        return f"sheet {self.name!r}, cell {cell_name(row, column)}"

    def header(self, row: int) -> list[str]:
        """The titles of ``row`` up to its last given cell."""
        titles = [
            text(v) if given(v) else "" for v in (self.rows[row] if row < len(self.rows) else [])
        ]
        while titles and not titles[-1]:
            titles.pop()
        return titles

    def filled(self, start: int) -> list[int]:
        """The rows from ``start`` with at least one given cell."""
        return [r for r in range(start, len(self.rows)) if any(given(v) for v in self.rows[r])]


def text(value: Any) -> str:
    """A cell as text: a whole number without ``.0``, a date in ISO form."""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return "" if value is None else str(value).strip()


_QUANTITY = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*(?P<unit>.*?)\s*$")


def quantity(value: Any, unit: str, place: str, file: Path, *, header: bool = False) -> str | None:
    """A value cell (and the unit beside it, or in its column's ``header``) as the text a
    project file gives: a number cell as the shortest decimal of its double, text as written
    ("12.3 MWh": its unit is taken over the header's); None for a blank cell."""
    if not given(value):
        return None
    if isinstance(value, bool | dt.date | dt.time):
        what = "a yes/no" if isinstance(value, bool) else "a date"
        raise InputError(f"{what} ({text(value)}) where a number is expected", file=file, at=place)
    if isinstance(value, int | float):
        written = repr(float(value)) if isinstance(value, float) else str(value)
        return f"{written} {unit}".strip()
    written = str(value).strip()
    match = _QUANTITY.match(written)
    if match and match["unit"]:
        if unit and match["unit"] != unit and not header:
            raise InputError(
                f"{written!r} names the unit {match['unit']!r}, and {unit!r} is chosen beside "
                "it: give the unit once",
                file=file,
                at=place,
            )
        return written
    return f"{written} {unit}".strip()


def answer(value: Any) -> Any:
    """A yes/no cell: True, False, or the cell as it is (refused by the pipeline)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in (YES, NO, "true", "false"):
        return value.strip().lower() in (YES, "true")
    return value


def leaf(quantity_text: str, source: str, override: Any) -> Any:
    """A value as a project file writes it: text, or ``{value, source, override}``."""
    chosen = answer(override) if given(override) else False
    if not source and chosen is False:
        return quantity_text
    found: dict[str, Any] = {"value": quantity_text}
    if source:
        found["source"] = source
    if chosen is not False:
        found["override"] = chosen
    return found


_VALUE_TITLE = re.compile(
    r"^\s*(?P<name>[^\[\]]+?)\s*\[(?P<unit>[^\]]*)\]\s*(?P<register>register)?\s*$"
)


def monitoring(reader: Any, methodology: Methodology, name: str) -> None:
    """A monitoring sheet: dated rows become tables read as monitoring files are (those with a
    period, one table per period: the period must hold their dates), undated rows the period
    totals of a project file's ``[[periods]] values``."""
    table = reader.table(name)
    titles = table.titles
    indices = {index.csv_column for index in methodology.indices}
    known = {"period", "source", "meter", *TIME_COLUMNS, *indices}
    for column, title in enumerate(titles):
        if title not in known and _parameter(reader, methodology, title, name, column) is None:
            raise reader.error(
                f"the header {title!r} is no column of a monitoring sheet (period, date, a "
                "member column, 'SYMBOL [unit]', source): a header of the template was changed",
                f"sheet {name!r}, cell {column_letters(column)}1",
            )
    time = next((t for t in TIME_COLUMNS if t in titles), None)
    dated = _present(table.cells[time]) if time else np.zeros(len(table), dtype=bool)
    periods = _period_numbers(reader, table, name)
    kept = tuple(t for t in titles if t not in ("period", "source"))
    if "source" in titles:
        sourced = np.flatnonzero(dated & _present(table.cells["source"]))
        if len(sourced):
            raise reader.error(
                "a source goes with a period total (an undated row), not a dated reading",
                _cell(table, name, "source", int(sourced[0])),
            )
    groups = {None: dated & (periods == 0)}
    groups.update({int(n): dated & (periods == n) for n in np.unique(periods[dated]) if n})
    for number, rows in groups.items():
        if not rows.any():
            continue
        suffix = "" if number is None else f", period {number}"
        pseudo = reader.pseudo(name, titles, suffix)
        reader.frames[pseudo] = Table(
            pseudo,
            kept,
            {t: _units_dropped(table.cells[t][rows], t) for t in kept},
            table.rows[rows],
            {},
        )
        _listed(
            reader, number, pseudo.name, _cell(table, name, "period", int(np.flatnonzero(rows)[0]))
        )
    _totals(reader, methodology, table, name, np.flatnonzero(~dated & _any_value(table)), periods)


def _parameter(reader: Any, methodology: Methodology, title: str, sheet: str, column: int) -> Any:
    match = _VALUE_TITLE.match(title)
    if match is None:
        return None
    try:
        return methodology.parameter(match["name"])
    except InputError as exc:
        raise reader.error(
            exc.message, f"sheet {sheet!r}, cell {column_letters(column)}1"
        ) from None


def _present(cells: np.ndarray) -> np.ndarray:
    if cells.dtype.kind == "M":
        return ~np.isnat(cells)
    if cells.dtype.kind == "f":
        return ~np.isnan(cells)
    return np.char.str_len(cells.astype(str)) > 0


def _any_value(table: Table) -> np.ndarray:
    found = np.zeros(len(table), dtype=bool)
    for title in table.titles:
        if _VALUE_TITLE.match(title):
            found |= _present(table.cells[title])
    return found


def _cell(table: Table, sheet: str, title: str, position: int) -> str:
    column = table.titles.index(title) if title in table.titles else 0
    return f"sheet {sheet!r}, cell {column_letters(column)}{int(table.rows[position])}"


def _period_numbers(reader: Any, table: Table, sheet: str) -> np.ndarray:
    """The period of each row (0: none given)."""
    if "period" not in table.titles:
        return np.zeros(len(table), dtype=np.int64)
    count = len(reader.document.get("periods", []))
    cells = table.cells["period"]
    if cells.dtype.kind == "U" and not np.char.str_len(cells).any():  # a blank column
        return np.zeros(len(table), dtype=np.int64)
    if cells.dtype.kind == "f":  # numbers (NaN: blank), checked at once
        numbers = np.nan_to_num(cells, nan=0.0)
        wrong = (numbers % 1 != 0) | (numbers > count) | ((numbers < 1) & ~np.isnan(cells))
        if not wrong.any():
            return numbers.astype(np.int64)
    found = []
    for position, cell in enumerate(cells.tolist()):
        written = text(cell) if not (isinstance(cell, float) and cell != cell) else ""
        if written and not (written.isdigit() and 1 <= int(written) <= count):
            raise reader.error(
                f"period {written!r}: the Periods sheet numbers {count} period(s), 1 to {count}",
                _cell(table, sheet, "period", position),
            )
        found.append(int(written) if written else 0)
    return np.array(found, dtype=np.int64)


def _units_dropped(cells: np.ndarray, title: str) -> np.ndarray:
    """Text cells ``12.3 MWh`` of a column headed ``[MWh]`` as ``12.3``; others unchanged
    (another unit is then refused as mixed units)."""
    match = _VALUE_TITLE.match(title)
    if match is None or cells.dtype.kind != "U":
        return cells
    unit = match["unit"].strip()
    return np.array(
        [
            c[: -len(unit)].strip() if unit and c.endswith(unit) and c[: -len(unit)].strip() else c
            for c in cells.tolist()
        ],
        dtype=str,
    )


def _listed(reader: Any, number: int | None, name: str, place: str) -> None:
    if number is None:
        reader.document.setdefault("monitoring", []).append(name)
        reader.places.setdefault("monitoring", place)
        return
    period = reader.document["periods"][number - 1]
    period["data"] = [*period.get("data", []), name]
    reader.places.setdefault(f"periods[{number}].data", place)


def _totals(
    reader: Any,
    methodology: Methodology,
    table: Table,
    sheet: str,
    positions: np.ndarray,
    periods: np.ndarray,
) -> None:
    """Undated rows: values of their period, as ``[[periods]] values`` give them."""
    for title in table.titles:
        match = _VALUE_TITLE.match(title)
        if match is None:
            continue
        parameter = methodology.parameter(match["name"])
        columns = [methodology.index(s).csv_column for s in parameter.index]
        for position in positions.tolist():
            cell = table.cells[title][position]
            if isinstance(cell, float) and cell != cell:
                continue
            place = _cell(table, sheet, title, position)
            if match["register"] or not periods[position]:
                what = "a register reading" if match["register"] else "a row without a date"
                raise reader.error(f"{what} needs its date", place, parameter.symbol)
            written = quantity(
                cell.item() if hasattr(cell, "item") else cell,
                match["unit"].strip(),
                place,
                reader.path,
                header=True,
            )
            source = text(table.cells["source"][position]) if "source" in table.titles else ""
            keys = [_member(table, c, position) for c in columns]
            while keys and not keys[-1]:
                keys.pop()
            number = int(periods[position])
            values = reader.document["periods"][number - 1].setdefault("values", {})
            insert(
                reader,
                values,
                f"periods[{number}].values",
                [match["name"], *keys],
                leaf(written, source, None),
                place,
            )


def _member(table: Table, title: str, position: int) -> str:
    if title not in table.titles:
        return ""
    cell = table.cells[title][position]
    return (
        ""
        if isinstance(cell, float) and cell != cell
        else text(cell.item() if hasattr(cell, "item") else cell)
    )


def insert(
    reader: Any, tree: dict[str, Any], at: str, keys: list[str], found: Any, place: str
) -> None:
    """``found`` at ``tree[keys[0]][keys[1]]...``; a place given twice is refused."""
    node = tree
    for key in keys[:-1]:
        at = f"{at}.{key}"
        node = node.setdefault(key, {})
        if not isinstance(node, dict) or "value" in node:
            raise reader.error(f"given twice (also at {reader.places.get(at, at)})", place, keys[0])
    at = f"{at}.{keys[-1]}"
    if keys[-1] in node:
        raise reader.error(f"given twice (also at {reader.places.get(at, at)})", place, keys[0])
    node[keys[-1]] = found
    reader.places[at] = place
    reader.places.setdefault(at.rsplit(".", len(keys) - 1)[0], place)


def column_of(exc: InputError, places: Mapping[str, str]) -> str | None:
    """The column letters of the title a message of a monitoring table quotes, else of the
    value column of the parameter it names."""
    titles = {
        key.split("\n", 1)[1]: letters
        for key, letters in places.items()
        if key.startswith(f"{exc.file}\n")
    }
    for title, letters in titles.items():
        if repr(title) in exc.message:
            return letters
    for title, letters in titles.items():
        if exc.parameter and title.startswith(f"{exc.parameter} ["):
            return letters
    if _DAY.search(exc.message):  # a message about the row's date or time
        return next((titles[t] for t in TIME_COLUMNS if t in titles), None)
    return None


_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
