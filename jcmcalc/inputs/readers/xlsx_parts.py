"""A workbook's zip parts checked before calamine reads them: sizes, the sheet, its cells.

calamine allocates a sheet's whole range (first to last cell) at once and aborts the process
when that fails, reads error cells (``#N/A``) and formulas saved without a computed value as
empty, and reads hidden sheets like any other. So, before it reads anything:

- every part's uncompressed size is at most :data:`MAX_SHEET_BYTES` (a worksheet, read as a
  stream) or :data:`MAX_PART_BYTES` (any other: calamine holds shared strings whole), and all
  of them together at most :data:`MAX_TOTAL_BYTES` (each part is decompressed here once, so a
  part larger than its zip entry declares is found as damaged);
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

#: A worksheet's XML is read as a stream; any other part (shared strings, styles) is held whole.
MAX_SHEET_BYTES = 256 * 2**20
MAX_PART_BYTES = 64 * 2**20
MAX_TOTAL_BYTES = 512 * 2**20
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
        sheet = info.filename.startswith("xl/worksheets/")
        bound = MAX_SHEET_BYTES if sheet else MAX_PART_BYTES
        if info.file_size > bound:
            raise InputError(
                f"part {info.filename!r} of the workbook is {info.file_size / 2**20:.0f} MiB "
                f"uncompressed, more than the {bound // 2**20} MiB jcmcalc reads",
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
    """The sheet's range bounded; no error cell, no formula without a value: by byte search
    on a plain sheet (:func:`_quick`), else by whole blocks where every cell names its
    reference (as Excel writes), else cell by cell."""
    if _quick(book, sheet, path):
        return
    with book.open(sheet.part) as stream:
        if _by_blocks(stream, sheet, path):
            return
    with book.open(sheet.part) as stream:
        _by_cells(stream, sheet, path)


_DIMENSION = re.compile(rb'<dimension ref="([^"]*)"')
#: What sends a sheet to the full walk: a formula, an error cell (``t="e"``), a cell or row that
#: does not name its place first, or tags with a namespace prefix (all read by byte search).
_UNUSUAL = (b"<f>", b"<f ", b"<f/>", b"<c>", b"<c/>", b"<row>", b":c ", b":row ", b":f")


def _quick(book: zipfile.ZipFile, sheet: Sheet, path: Path) -> bool:
    """The checks of :func:`_check_cells` by byte search on the sheet's XML, not cell by cell
    (a tenth of the time on 100,000 rows; the searches done with numpy, :class:`Scan`):
    only where it holds no formula and no error cell and every cell and row names its place
    first; otherwise False, and the full walk (which names the cell at fault) decides."""
    with book.open(sheet.part) as stream:
        data = stream.read()
    scan = Scan(data)
    if b't="e"' in data or any(scan.has(mark) for mark in _UNUSUAL):
        return False
    cells = scan.references()
    if cells is None or not scan.same(b'<row r="', b"<row "):
        return False
    dimension = _DIMENSION.search(data)
    if dimension is not None:
        ref = dimension.group(1).decode("ascii", "replace")
        last = _position(ref.split(":")[-1] or "A1", sheet, path)
        _bounded(*last, sheet, f"declares the range {ref}", path)
    rows, columns = cells
    if not len(rows):
        return True
    if rows.min() < 1:
        return False
    _bounded(int(rows.max()), int(columns.max()), sheet, "has cells", path)
    return True


#: A cell with its reference, any cell, and what needs a closer look (a formula, an error).
_REFERENCED = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_ANY_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_CLOSER = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?(?:f[\s/>]|c\s[^>]*?\bt="e")')


def _by_blocks(stream: IO[bytes], sheet: Sheet, path: Path) -> bool:
    """Check whole blocks of rows at once; False when a cell names no reference."""
    last_row = last_column = 0
    carry, first = b"", True
    while True:
        block = stream.read(_BLOCK)
        data, carry = carry + block, b""
        if not data:
            return True
        if block:  # whole rows only (or whole tags, in a row longer than a block)
            cut = data.rfind(b"</row>") + 6 if b"</row>" in data else data.rfind(b">") + 1
            data, carry = data[:cut], data[cut:]
        found = _REFERENCED.findall(data)
        if len(found) != len(_ANY_CELL.findall(data)):
            return False
        if first or _CLOSER.search(data):  # the dimension, formulas and errors: tag by tag
            for cell in _cells(io.BytesIO(data), sheet, path):
                _checked(cell, sheet, path)
            first = False
        if found:
            last_row = max(last_row, max(int(row) for _, row in found))
            letters = max((c for c, _ in found), key=lambda c: (len(c), c))
            last_column = max(last_column, _position(f"{letters.decode()}1", sheet, path)[1])
            _bounded(last_row, last_column, sheet, "has cells", path)
        if not block:
            return True


def _checked(cell: _Cell, sheet: Sheet, path: Path) -> None:
    if cell.kind == "dimension":
        _bounded(cell.row, cell.column, sheet, f"declares the range {cell.texts['ref']}", path)
    else:
        _faithful(cell, sheet, path)


def _by_cells(stream: IO[bytes], sheet: Sheet, path: Path) -> None:
    """Check cell by cell (a cell without its reference counts from the one before it)."""
    last_row = last_column = count = 0
    for cell in _cells(stream, sheet, path):
        _checked(cell, sheet, path)
        if cell.kind == "cell":
            count += 1
            last_row, last_column = max(last_row, cell.row), max(last_column, cell.column)
            if count % 4096 == 0 or count == 1:
                _bounded(last_row, last_column, sheet, "has cells", path)
    _bounded(last_row, last_column, sheet, "has cells", path)


@attrs.define
class _Cell:
    """A cell (or the declared dimension) as the scan found it: its place, its type ``t``, and
    the text of its ``f`` and ``v`` elements (absent: not in ``texts``)."""

    kind: str
    row: int
    column: int
    type: str = ""
    texts: dict[str, str] = attrs.field(factory=dict)


#: A tag the scan reads (any namespace prefix), and the attributes it reads.
_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c|f|v|dimension)\b([^>]*?)(/?)>")
_ATTRIBUTE = re.compile(rb'(?:^|\s)(r|t|ref)\s*=\s*"([^"]*)"')
_BLOCK = 1 << 22


def _cells(stream: IO[bytes], sheet: Sheet, path: Path) -> Iterator[_Cell]:
    """The dimension and the cells of a worksheet's XML, scanned block by block with a regular
    expression (an XML parser takes ten times as long on a million rows)."""
    row = column = 0
    cell: _Cell | None = None
    inside, since, carry = "", 0, b""
    while True:
        block = stream.read(_BLOCK)
        data, carry = carry + block, b""
        if not data:
            break
        if block:
            cut = data.rfind(b">") + 1
            data, carry = data[:cut], data[cut:]
        since = 0 if inside else since
        for found in _TAG.finditer(data):
            closing, tag, attributes, empty = found.groups()
            if inside and cell is not None:  # the text of f or v ends at the next tag
                cell.texts[inside] += data[since : found.start()].decode("utf-8", "replace")
                inside = ""
            named = dict(_ATTRIBUTE.findall(attributes))
            if closing:
                if tag == b"c" and cell is not None:
                    yield cell
                    cell = None
            elif tag == b"row":
                row = _number(named[b"r"].decode(), path, sheet) if b"r" in named else row + 1
                column = 0
            elif tag == b"c":
                given = named.get(b"r")
                if given:
                    row, column = _position(given.decode("utf-8", "replace"), sheet, path)
                else:
                    column += 1
                cell = _Cell("cell", row, column, named.get(b"t", b"").decode("utf-8", "replace"))
                if empty:
                    yield cell
                    cell = None
            elif tag in (b"f", b"v") and cell is not None:
                cell.texts[tag.decode()] = ""
                inside, since = ("", 0) if empty else (tag.decode(), found.end())
            elif tag == b"dimension":
                ref = named.get(b"ref", b"A1").decode("utf-8", "replace")
                yield _Cell(
                    "dimension", *_position(ref.split(":")[-1], sheet, path), "", {"ref": ref}
                )
        if inside and cell is not None:
            cell.texts[inside] += data[since:].decode("utf-8", "replace")
        if not block:
            break


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


def _faithful(cell: _Cell, sheet: Sheet, path: Path) -> None:
    name = _name(cell.row, cell.column)
    value = cell.texts.get("v")
    if cell.type == "e":
        raise InputError(
            f"sheet {sheet.name!r}, cell {name}: the cell holds the error {value or 'an error'}, "
            "not a value",
            file=path,
        )
    empty = value is None or (not value and cell.type != "str")  # "" is a text result
    if "f" in cell.texts and empty:
        raise InputError(
            f"sheet {sheet.name!r}, cell {name}: a formula ({cell.texts['f'] or 'shared'}) saved "
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


#: Bytes read after each ``<`` or ``:`` (the longest mark, ``<c r="`` and a reference).
_WINDOW = 6 + 3 + 7 + 1


class Scan:
    """The bytes ``data`` of a worksheet, with the places of its ``<`` and ``:`` found once:
    the byte searches of :func:`_quick` made with numpy over all of them at once, each exactly
    as its plain definition (``mark in data``, ``re.findall``; ``tests/test_xlsx_scan.py``
    checks them against those) but several times faster on a sheet of 100,000 rows."""

    def __init__(self, data: bytes) -> None:
        self.bytes = np.frombuffer(data + bytes(_WINDOW), dtype=np.uint8)  # NUL-padded
        body = self.bytes[: len(data)]
        self._starts = {}
        for first in (b"<", b":"):  # each place and the byte after it
            places = np.flatnonzero(body == ord(first))
            self._starts[first] = (places, self.bytes[places + 1])
        self._found: dict[bytes, np.ndarray] = {}

    def _where(self, mark: bytes) -> np.ndarray:
        """The places where ``mark`` (starting with ``<`` or ``:``, no NUL byte) begins."""
        assert mark[:1] in self._starts and b"\0" not in mark and len(mark) <= _WINDOW
        if mark not in self._found:
            places, second = self._starts[mark[:1]]
            places = places[second == mark[1]] if len(mark) > 1 else places
            for offset, byte in enumerate(mark[2:], start=2):
                places = places[self.bytes[places + offset] == byte]
            self._found[mark] = places
        return self._found[mark]

    def has(self, mark: bytes) -> bool:
        """``mark in data``, for a mark starting with ``<`` or ``:`` (and no NUL byte)."""
        return len(self._where(mark)) > 0

    def same(self, mark: bytes, other: bytes) -> bool:
        """``data.count(mark) == data.count(other)``, for marks as :meth:`has` takes that
        cannot overlap themselves (each starts with a byte they hold only there)."""
        assert mark[:1] not in mark[1:] and other[:1] not in other[1:]
        return len(self._where(mark)) == len(self._where(other))

    def references(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The row and column numbers (``B7``: 7 and 2) of the cells whose tag starts
        ``<c r="LETTERS DIGITS"`` (1 to 3 capitals, 1 to 7 digits: what
        ``re.findall(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"', data)`` finds); None unless every
        ``<c `` in the bytes starts such a tag."""
        cells = self._where(b"<c ")
        if len(cells) != len(self._where(b'<c r="')):
            return None
        text = np.lib.stride_tricks.sliding_window_view(self.bytes, _WINDOW - 6)[cells + 6]
        capital = (text >= ord("A")) & (text <= ord("Z"))
        digit = (text >= ord("0")) & (text <= ord("9"))
        letters = np.argmin(capital, axis=1)  # the first place that is no capital
        after = np.arange(text.shape[1])[None, :] >= letters[:, None]
        ends = np.argmax(after & ~digit, axis=1)  # then the first that is no digit
        count = ends - letters
        whole = text[np.arange(len(text)), ends] == ord('"')
        if not np.all((letters >= 1) & (letters <= 3) & (count >= 1) & (count <= 7) & whole):
            return None
        numbers = np.zeros(len(text), dtype=np.int64)
        columns = np.zeros(len(text), dtype=np.int64)
        for place in range(int(ends.max(initial=0))):  # Horner's rule, a place at a time
            code = text[:, place].astype(np.int64)
            columns = np.where(place < letters, columns * 26 + code - 64, columns)
            inside = (place >= letters) & (place < ends)
            numbers = np.where(inside, numbers * 10 + code - ord("0"), numbers)
        return numbers, columns
