"""A workbook's zip parts checked before calamine reads them: sizes, the sheet, its cells.

calamine allocates a sheet's whole range (first to last cell) at once and aborts the process
when that fails, reads error cells (``#N/A``) and formulas saved without a computed value as
empty, and reads hidden sheets like any other. So, before it reads anything:

- every part's uncompressed size is at most :data:`MAX_PART_BYTES` and all of them together at
  most :data:`MAX_TOTAL_BYTES` (each part is decompressed here once, so a part larger than its
  zip entry declares is found as damaged);
- the sheet read is the one named, else the active sheet when visible, else the first visible;
- its declared dimension and its cells' range span at most :data:`MAX_CELLS` cells (rows x
  columns from A1);
- no cell of it is an error or a formula without a computed value (each named by sheet and cell).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

import attrs
import numpy as np

from jcmcalc.model.errors import InputError

MAX_PART_BYTES = 64 * 2**20
MAX_TOTAL_BYTES = 256 * 2**20
#: Rows x columns of the range read from A1 (a year of 15-minute readings of 100 columns fits).
MAX_CELLS = 4_000_000
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
_MAX_ROW, _MAX_COLUMN = 1_048_576, 16_384


@attrs.frozen
class Sheet:
    name: str
    part: str
    visible: bool


def chosen_sheet(data: bytes, path: Path, sheet: str | None, *, sized: bool = False) -> str:
    """The name of the sheet to read, after every check of the module's docstring (``sized``:
    the sizes of ``data``'s parts were checked already, by a reader of several sheets)."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        if not sized:
            _check_sizes(book, path)
        sheets, active = _sheets(book)
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, EOFError, ValueError) as exc:
        raise InputError(f"not a readable Excel workbook: {exc}", file=path) from None
    picked = _pick(sheets, active, sheet, path)
    try:
        _check_cells(book, picked, path)
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, EOFError) as exc:
        raise InputError(f"not a readable Excel workbook: {exc}", file=path) from None
    return picked.name


def _check_sizes(book: zipfile.ZipFile, path: Path) -> None:
    infos = book.infolist()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise InputError(f"the workbook holds part {twice!r} twice", file=path)
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            raise InputError(
                f"part {info.filename!r} of the workbook is {info.file_size / 2**20:.0f} MiB "
                f"uncompressed, more than the {MAX_PART_BYTES // 2**20} MiB jcmcalc reads",
                file=path,
            )
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        raise InputError(
            f"the workbook is {total / 2**20:.0f} MiB uncompressed, more than the "
            f"{MAX_TOTAL_BYTES // 2**20} MiB jcmcalc reads",
            file=path,
        )
    for info in infos:  # a part longer than declared, or damaged, fails its CRC here
        with book.open(info) as stream:
            while stream.read(1 << 20):
                pass


def _sheets(book: zipfile.ZipFile) -> tuple[list[Sheet], int]:
    """The worksheets in order and the index of the active one."""
    main = "xl/workbook.xml"
    if "_rels/.rels" in book.namelist():
        for relation in _parse(book, "_rels/.rels").iter(f"{_RELS}Relationship"):
            if relation.get("Type", "").endswith("/officeDocument"):
                main = _target("", relation.get("Target", ""))
    workbook = _parse(book, main)
    rels = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
    targets = {
        relation.get("Id"): _target(posixpath.dirname(main), relation.get("Target", ""))
        for relation in _parse(book, rels).iter(f"{_RELS}Relationship")
    }
    sheets = [
        Sheet(
            element.get("name", ""),
            targets.get(element.get(_R_ID), ""),
            element.get("state", "visible") == "visible",
        )
        for element in workbook.iter(f"{_MAIN}sheet")
    ]
    view = workbook.find(f"{_MAIN}bookViews/{_MAIN}workbookView")
    return sheets, int(view.get("activeTab", "0")) if view is not None else 0


def _target(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def _parse(book: zipfile.ZipFile, name: str) -> ElementTree.Element:
    with book.open(name) as stream:
        return ElementTree.parse(stream).getroot()


def _pick(sheets: list[Sheet], active: int, sheet: str | None, path: Path) -> Sheet:
    if sheet is not None:
        for candidate in sheets:
            if candidate.name == sheet:
                return candidate
        names = ", ".join(s.name for s in sheets)
        raise InputError(f"no sheet {sheet!r} in the workbook (sheets: {names})", file=path)
    if 0 <= active < len(sheets) and sheets[active].visible:
        return sheets[active]
    visible = [s for s in sheets if s.visible]
    if not visible:
        raise InputError(
            "the workbook has no visible sheet: name the sheet to read in the project file "
            '({ file = "...", sheet = "..." })',
            file=path,
        )
    return visible[0]


def _check_cells(book: zipfile.ZipFile, sheet: Sheet, path: Path) -> None:
    """The sheet's range bounded; no error cell, no formula without a value."""
    if _quick(book, sheet, path):
        return
    last_row = last_column = count = 0
    with book.open(sheet.part) as stream:
        for kind, element, row, column in _cells(stream, sheet, path):
            if kind == "dimension":
                _bounded(row, column, sheet, f"declares the range {element.get('ref')}", path)
                continue
            count += 1
            last_row, last_column = max(last_row, row), max(last_column, column)
            if count % 4096 == 0 or count == 1:
                _bounded(last_row, last_column, sheet, "has cells", path)
            _faithful(element, sheet, _name(row, column), path)
            element.clear()
    _bounded(last_row, last_column, sheet, "has cells", path)


_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_DIMENSION = re.compile(rb'<dimension ref="([^"]*)"')
#: What sends a sheet to the full walk: a formula, an error cell, a cell or row that does not
#: name its place first, or tags with a namespace prefix (all read by byte search).
_UNUSUAL = (b"<f>", b"<f ", b"<f/>", b't="e"', b"<c>", b"<c/>", b"<row>", b":c ", b":row ", b":f")


def _quick(book: zipfile.ZipFile, sheet: Sheet, path: Path) -> bool:
    """The checks of :func:`_check_cells` by byte search on the sheet's XML, not cell by cell
    (a tenth of the time on 100,000 rows): only where it holds no formula and no error cell
    and every cell and row names its place first; otherwise False, and the full walk (which
    names the cell at fault) decides."""
    with book.open(sheet.part) as stream:
        data = stream.read()
    if any(mark in data for mark in _UNUSUAL):
        return False
    cells = _CELL_REF.findall(data)
    if len(cells) != data.count(b"<c ") or data.count(b'<row r="') != data.count(b"<row "):
        return False
    dimension = _DIMENSION.search(data)
    if dimension is not None:
        ref = dimension.group(1).decode("ascii", "replace")
        last = _position(ref.split(":")[-1] or "A1", sheet, path)
        _bounded(*last, sheet, f"declares the range {ref}", path)
    if not cells:
        return True
    rows = np.array([row for _, row in cells], dtype="S7").astype(np.int64)
    if rows.min() < 1:
        return False
    letters = max({letters for letters, _ in cells}, key=lambda text: (len(text), text))
    _bounded(
        int(rows.max()), _position(f"{letters.decode()}1", sheet, path)[1], sheet, "has cells", path
    )
    return True


def _cells(stream: IO[bytes], sheet: Sheet, path: Path) -> Iterator[tuple]:
    """("dimension", element, rows, columns) and ("cell", element, row, column), 1-based."""
    row = column = 0
    rows = ElementTree.Element("sheetData")  # replaced by the sheet's own: emptied row by row
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        tag = element.tag
        if event == "start" and tag == f"{_MAIN}sheetData":
            rows = element
        elif event == "start" and tag == f"{_MAIN}row":
            given = element.get("r")
            row = _number(given, path, sheet) if given else row + 1
            column = 0
        elif event == "end" and tag == f"{_MAIN}dimension":
            last = (element.get("ref") or "A1").split(":")[-1]
            yield "dimension", element, *_position(last, sheet, path)
        elif event == "end" and tag == f"{_MAIN}c":
            given = element.get("r")
            if given:
                row, column = _position(given, sheet, path)
            else:
                column += 1
            yield "cell", element, row, column
        elif event == "end" and tag == f"{_MAIN}row":
            rows.clear()


def _position(reference: str, sheet: Sheet, path: Path) -> tuple[int, int]:
    match = _REF.match(reference.strip())
    if not match:
        raise InputError(f"sheet {sheet.name!r}: a cell reference {reference!r}", file=path)
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return _number(match.group(2), path, sheet), column


def _number(text: str, path: Path, sheet: Sheet) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) == 0:
        raise InputError(f"sheet {sheet.name!r}: a row number {text!r}", file=path)
    return int(text)


def _bounded(rows: int, columns: int, sheet: Sheet, what: str, path: Path) -> None:
    if rows > _MAX_ROW or columns > _MAX_COLUMN or rows * columns > MAX_CELLS:
        raise InputError(
            f"sheet {sheet.name!r} {what} up to {_name(rows, columns)}: "
            f"{rows:,} rows x {columns:,} columns from A1, more than the {MAX_CELLS:,} cells "
            "jcmcalc reads (delete the cells beyond the data, or save it as CSV)",
            file=path,
        )


def _faithful(cell: ElementTree.Element, sheet: Sheet, name: str, path: Path) -> None:
    value = cell.find(f"{_MAIN}v")
    if cell.get("t") == "e":
        shown = value.text if value is not None else "an error"
        raise InputError(
            f"sheet {sheet.name!r}, cell {name}: the cell holds the error {shown}, not a value",
            file=path,
        )
    formula = cell.find(f"{_MAIN}f")
    empty = value is None or (not value.text and cell.get("t") != "str")  # "" is a text result
    if formula is not None and empty:
        raise InputError(
            f"sheet {sheet.name!r}, cell {name}: a formula ({formula.text or 'shared'}) saved "
            "without its computed value: open and save the workbook in Excel or LibreOffice "
            "so that it is computed, or type the value",
            file=path,
        )


def _name(row: int, column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"
