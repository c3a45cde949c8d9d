"""A project workbook (``.xlsx``, as ``jcmcalc template`` writes it) read as a project: the same
project document a TOML file gives, the monitoring rows of its sheets as tables, and where each
place of the document lies in the workbook (sheet and cell).

Nothing here judges a value: the document goes through the one pipeline
(:func:`jcmcalc.run.pipeline.prepare`), whose messages :func:`located` places in the workbook.
The layout of the sheets is :mod:`jcmcalc.inputs.readers.book_sheets`'s. Every sheet read goes
through the checks of :mod:`jcmcalc.inputs.readers.xlsx_parts` (sizes, error cells, formulas
without a computed value), and monitoring sheets through the monitoring workbook reader
(:func:`jcmcalc.inputs.readers.excel.load`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from jcmcalc.inputs.digests import Digest, note
from jcmcalc.inputs.project import read_bytes
from jcmcalc.inputs.readers import book_sheets, excel, xlsx_parts
from jcmcalc.inputs.readers import book_sheets as layout
from jcmcalc.inputs.readers.book_sheets import Grid, given, text
from jcmcalc.inputs.readers.columns import Table
from jcmcalc.model.errors import InputError, suggest
from jcmcalc.model.methodology import Index, Methodology
from jcmcalc.model.parameters import Kind

#: Finds a methodology by id and version, as the pipeline's ``find``.
Finder = Callable[[str, str | None], Methodology]


@attrs.frozen
class Book:
    """What a project workbook holds: the project document, the monitoring tables by the
    pseudo path each is named by, and the place (sheet, cell) of each place of the document."""

    document: dict[str, Any]
    frames: dict[Path, Table]
    places: dict[str, str]


class _Reader:
    """Reads the sheets of one workbook into a document."""

    def __init__(self, path: Path, find: Finder) -> None:
        self.path, self.find = path, find
        self.data = read_bytes(path, what="project workbook")
        self.digest = Digest(hashlib.sha256(self.data).hexdigest(), len(self.data))
        try:
            from python_calamine import CalamineWorkbook
        except ImportError:
            raise InputError(
                "reading Excel workbooks needs python-calamine: pip install 'jcmcalc[xlsx]'",
                file=path,
            ) from None
        try:
            self.book = CalamineWorkbook.from_filelike(io.BytesIO(self.data))
        except Exception as exc:  # calamine's errors: a damaged or encrypted file
            raise InputError(f"not a readable Excel workbook: {exc}", file=path) from None
        self.names = list(self.book.sheet_names)
        self.sized = False  # the sizes of the workbook's parts checked (with its first sheet)
        self.document: dict[str, Any] = {}
        self.frames: dict[Path, Table] = {}
        self.places: dict[str, str] = {}

    def error(self, message: str, place: str, parameter: str | None = None) -> InputError:
        return InputError(message, file=self.path, at=place, parameter=parameter)

    def grid(self, name: str, *, required: bool = True) -> Grid | None:
        """The cells of sheet ``name`` (checked before calamine reads them)."""
        if name not in self.names:
            if not required:
                return None
            raise InputError(
                f"the workbook has no sheet {name!r} (its sheets: {', '.join(self.names)}): "
                "a sheet of the template was deleted or renamed",
                file=self.path,
            )
        xlsx_parts.chosen_sheet(self.data, self.path, name, sized=self.sized)
        self.sized = True
        try:
            rows = self.book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine's errors
            raise InputError(f"sheet {name!r} is not readable: {exc}", file=self.path) from None
        return Grid(name, rows)

    def headed(self, grid: Grid, row: int, expected: tuple[str, ...]) -> dict[str, int]:
        """The columns of the header ``row`` by title; the ``expected`` titles must be there."""
        titles = grid.header(row)
        for position, title in enumerate(expected):
            if title not in titles:
                found = titles[position] if position < len(titles) else ""
                raise self.error(
                    f"the header {found!r} should read {title!r}{suggest(found, expected)} "
                    "(a header of the template was changed)",
                    grid.place(row, position),
                )
        return {title: column for column, title in enumerate(titles) if title}

    def table(self, name: str) -> Table:
        """The columns of sheet ``name`` as the monitoring workbook reader reads them; its
        messages name the sheet (and the row)."""
        grid = self.grid(name)  # checked once, read once
        assert grid is not None
        try:
            return excel.table(self.path, name, grid.rows)
        except InputError as exc:
            if exc.at or f"sheet {name!r}" in exc.message:
                raise
            where = f"sheet {name!r}" + (f", row {exc.row}" if exc.row is not None else "")
            raise InputError(
                exc.message, file=exc.file, at=where, parameter=exc.parameter
            ) from None

    def pseudo(self, sheet: str, titles: tuple[str, ...], suffix: str = "") -> Path:
        """The name a table of ``sheet`` goes by, with its place recorded and its digest
        (the workbook's bytes) noted."""
        path = self.path.parent / f"{self.path.name}, sheet {sheet!r}{suffix}"
        self.places[str(path)] = sheet
        for column, title in enumerate(titles):
            self.places[f"{path}\n{title}"] = layout.column_letters(column)
        note(path, self.digest)
        return path

    def methodology(self) -> Methodology:
        reference = self.document["methodology"]
        try:
            return self.find(str(reference.get("id", "")), reference.get("version"))
        except InputError as exc:
            raise self.error(exc.message, self.places.get("methodology", "")) from None


def read(path: Path, find: Finder) -> Book:
    """The project of the workbook at ``path`` (``find``: the methodology of its Project sheet)."""
    reader = _Reader(path, find)
    _project(reader, reader.grid(layout.PROJECT))
    methodology = reader.methodology()
    for index in methodology.indices:
        if not index.members:
            _members(reader, methodology, index)
    _periods(reader, reader.grid(layout.PERIODS))
    grid = reader.grid(layout.PARAMETERS, required=False)
    if grid is not None:
        _value_table(reader, methodology, grid, 0)
    _estimate(reader, methodology)
    for name in reader.names:
        if name.startswith(layout.MONITORING):
            book_sheets.monitoring(reader, methodology, name)
    return Book(reader.document, reader.frames, reader.places)


def _project(reader: _Reader, grid: Grid) -> None:
    """The Project sheet: metadata, the methodology, eligibility, files, allocation."""
    columns = reader.headed(grid, 0, layout.FORM[:2])
    field_at, value_at = columns["field"], columns["value"]
    meta: dict[str, Any] = {}
    methodology: dict[str, Any] = {}
    eligibility: dict[str, Any] = {}
    shares: dict[str, Any] = {}
    allocation: dict[str, Any] = {}
    for row in grid.filled(1):
        field, value, place = (
            text(grid.cell(row, field_at)),
            grid.cell(row, value_at),
            grid.place(row, value_at),
        )
        if field.startswith(layout.CRITERION):
            criterion = field.removeprefix(layout.CRITERION).strip()
            if not given(value):
                raise reader.error(f"criterion {criterion} has no answer: choose yes or no", place)
            eligibility[criterion] = layout.answer(value)
            reader.places[f"eligibility.{criterion}"] = place
        elif not given(value):
            continue
        elif field in (layout.METHODOLOGY, layout.VERSION):
            methodology["id" if field == layout.METHODOLOGY else "version"] = text(value)
            reader.places.setdefault("methodology", place)
        elif field == layout.FILES:
            reader.document["monitoring"] = _files(reader, value, place, "monitoring")
        elif field.startswith(layout.ALLOCATION_SHARE):
            shares[field.removeprefix(layout.ALLOCATION_SHARE).strip()] = _number(value)
            reader.places.setdefault("allocation", place)
        elif field == layout.ALLOCATION_REMAINDER:
            allocation["remainder"] = text(value)
        else:
            key = field.replace(" ", "_")
            meta[key] = value if isinstance(value, dt.date) else text(value)
            reader.places[f"project.{key}"] = place
    if "id" not in methodology:
        raise reader.error("no methodology named: fill the field 'methodology'", grid.name)
    reader.places.setdefault("eligibility", grid.name)
    reader.document.update(project=meta, methodology=methodology, eligibility=eligibility)
    if shares or allocation:
        reader.document["allocation"] = {"shares": shares, **allocation}


def _number(value: Any) -> Any:
    return value if not isinstance(value, float) else text(value)


def _files(reader: _Reader, value: Any, place: str, at: str) -> list[str]:
    """The monitoring files a cell names (separated by ``;``): a sheet of this workbook is read
    as a monitoring file; another name is a file beside the workbook."""
    names = [name.strip() for name in text(value).replace("\n", ";").split(";") if name.strip()]
    found = []
    for name in names:
        if name in reader.names:
            table = reader.table(name)
            pseudo = reader.pseudo(name, table.titles)
            reader.frames[pseudo] = attrs.evolve(table, path=pseudo)
            name = pseudo.name
        found.append(name)
    reader.places[at] = place
    return found


def _members(reader: _Reader, methodology: Methodology, index: Index) -> None:
    """A members sheet: one row per member, its attributes and its fixed values."""
    grid = reader.grid(layout.members_sheet(index.key), required=not index.optional)
    if grid is None:
        return
    columns = reader.headed(grid, 0, ("id",))
    parameters = {}
    for title, column in columns.items():
        if title in ("id", "description") or title in index.attributes:
            continue
        name, _, part = title.rpartition(" ") if title.endswith(_PARTS) else (title, "", "")
        try:
            parameter = methodology.parameter(name)
        except InputError:
            allowed = ["id", "description", *index.attributes]
            raise reader.error(
                f"the header {title!r} names no attribute of a {index.title} and no parameter"
                f"{suggest(title, allowed)} (a header of the template was changed)",
                grid.place(0, column),
            ) from None
        if not part:
            parameters[title] = parameter.symbol
    tables = []
    units = {column for title, column in columns.items() if title.endswith(" unit")}
    filled = [
        r
        for r in grid.filled(1)
        if any(given(grid.cell(r, c)) for c in set(columns.values()) - units)
    ]
    for number, row in enumerate(filled, start=1):
        member = text(grid.cell(row, columns["id"]))
        place = grid.place(row, columns["id"])
        if not member:
            raise reader.error(f"a {index.title} without an id: fill its id", place)
        table: dict[str, Any] = {"id": member}
        reader.places[f"{index.key}[{number}]"] = reader.places[f"{index.key}[{number}].id"] = place
        for title in ("description", *index.attributes):
            value = grid.cell(row, columns[title]) if title in columns else None
            if given(value):
                table[title] = (
                    ("true" if value else "false") if isinstance(value, bool) else text(value)
                )
                reader.places[f"{index.key}[{number}].{title}"] = grid.place(row, columns[title])
        given_values = {}
        for title in parameters:
            found = _value(reader, grid, row, columns, title)
            if found is not None:
                given_values[title] = found
                reader.places[f"{index.key}[{member}].parameters.{title}"] = grid.place(
                    row, columns[title]
                )
        if given_values:
            table["parameters"] = given_values
        tables.append(table)
    if tables:
        reader.document[index.key] = tables


_PARTS = (" unit", " source", " override")


def _value(reader: _Reader, grid: Grid, row: int, columns: Mapping[str, int], title: str) -> Any:
    """The value of column ``title`` with its ``unit``, ``source`` and ``override`` beside it
    (named ``TITLE unit``..., or ``unit``... in a value table)."""

    def beside(part: str) -> Any:
        column = columns.get(f"{title} {part}" if title != "value" else part)
        return None if column is None else grid.cell(row, column)

    place = grid.place(row, columns[title])
    written = layout.quantity(
        grid.cell(row, columns[title]), text(beside("unit")), place, reader.path
    )
    if written is None:
        return None
    return layout.leaf(written, text(beside("source")), beside("override"))


def _periods(reader: _Reader, grid: Grid) -> None:
    """The Periods sheet: numbered rows with dates, a label and monitoring files."""
    columns = reader.headed(grid, 0, layout.PERIOD_COLUMNS[:3])
    periods = []
    for row in grid.filled(1):
        cells = {title: grid.cell(row, column) for title, column in columns.items()}
        if not any(given(v) for title, v in cells.items() if title != "period"):
            continue
        number = len(periods) + 1
        if text(cells["period"]) != str(number):
            raise reader.error(
                f"period {cell_text(cells['period'])} where period {number} is expected: number "
                "the periods 1, 2, 3... without blank rows between them",
                grid.place(row, columns["period"]),
            )
        period: dict[str, Any] = {"start": cells["start"], "end": cells["end"]}
        for key in ("start", "end"):
            reader.places[f"periods[{number}].{key}"] = grid.place(row, columns[key])
        reader.places[f"periods[{number}]"] = grid.place(row, columns["start"])
        if given(cells.get("label")):
            period["label"] = text(cells["label"])
        if given(cells.get("monitoring files")):
            place = grid.place(row, columns["monitoring files"])
            period["data"] = _files(
                reader, cells["monitoring files"], place, f"periods[{number}].data"
            )
        periods.append(period)
    reader.document["periods"] = periods


def cell_text(value: Any) -> str:
    return repr(text(value)) if given(value) else "(blank)"


def _value_table(reader: _Reader, methodology: Methodology, grid: Grid, header: int) -> None:
    """Rows ``parameter | member... | value | unit | source | override``: fixed values into
    ``[parameters]``, monitored ones into the estimate's yearly values."""
    columns = reader.headed(grid, header, ("parameter",))
    members = [column for title, column in columns.items() if title.startswith("member")]
    for row in grid.filled(header + 1):
        name = text(grid.cell(row, columns["parameter"]))
        place = grid.place(row, columns["parameter"])
        found = _value(reader, grid, row, columns, "value") if "value" in columns else None
        if found is None:
            continue
        try:
            parameter = methodology.parameter(name)
        except InputError as exc:
            raise reader.error(exc.message, place) from None
        keys = [text(grid.cell(row, c)) for c in members]
        while keys and not keys[-1]:
            keys.pop()
        if "" in keys:
            raise reader.error("a member is missing before the next one", place, parameter.symbol)
        monitored = parameter.kind is Kind.MONITORED
        tree = (
            reader.document.setdefault("estimate", {}).setdefault("values", {})
            if monitored
            else reader.document.setdefault("parameters", {})
        )
        at = "estimate.values" if monitored else "parameters"
        book_sheets.insert(
            reader, tree, at, [name, *keys], found, grid.place(row, columns["value"])
        )


def _estimate(reader: _Reader, methodology: Methodology) -> None:
    """The Estimate sheet: ``start`` and ``years``, then a value table."""
    grid = reader.grid(layout.ESTIMATE, required=False)
    if grid is None:
        return
    columns = reader.headed(grid, 0, layout.FORM[:2])
    table = next((r for r in grid.filled(1) if text(grid.cell(r, 0)) == "parameter"), None)
    spec: dict[str, Any] = {}
    for row in grid.filled(1) if table is None else range(1, table):
        field, value = text(grid.cell(row, columns["field"])), grid.cell(row, columns["value"])
        if field in ("start", "years") and given(value):
            spec[field] = int(value) if isinstance(value, float) and value.is_integer() else value
            reader.places[f"estimate.{field}"] = grid.place(row, columns["value"])
    if table is not None:
        _value_table(reader, methodology, grid, table)
    if spec or "estimate" in reader.document:
        reader.document["estimate"] = {**spec, **reader.document.get("estimate", {})}
        reader.places.setdefault("estimate", grid.name)


def relocated(exc: InputError, places: Mapping[str, str]) -> InputError:
    """``exc`` naming the sheet and cell of the workbook it comes from, when it can."""
    if exc.file is not None and exc.file in places:  # a monitoring table of a sheet
        sheet, file = places[exc.file], Path(exc.file)
        workbook = file.parent / file.name.split(", sheet ", 1)[0]
        where = f"sheet {sheet!r}"
        if exc.row is not None:
            letters = book_sheets.column_of(exc, places)
            where += f", cell {letters}{exc.row}" if letters else f", row {exc.row}"
        return InputError(exc.message, file=workbook, at=where, parameter=exc.parameter)
    if not exc.at:
        return exc
    place = exc.at
    while place and place not in places:
        place = place.rpartition(".")[0] if "." in place else ""
    if not place:
        return exc
    return InputError(
        exc.message, file=exc.file, row=exc.row, at=places[place], parameter=exc.parameter
    )


@contextlib.contextmanager
def located(places: Mapping[str, str], *, estimate: bool = False) -> Iterator[None]:
    """Within the block, an :class:`InputError` names the workbook's sheet and cell (of the
    Estimate sheet for the yearly values of an ``estimate``, which its periods carry)."""
    if not places:
        yield
        return
    try:
        yield
    except InputError as exc:
        if estimate and exc.at and _YEARLY.match(exc.at):
            exc = InputError(
                exc.message,
                file=exc.file,
                row=exc.row,
                at=_YEARLY.sub("estimate.values", exc.at),
                parameter=exc.parameter,
            )
        raise relocated(exc, places) from None


_YEARLY = re.compile(r"^periods\[\d+\]\.values")
