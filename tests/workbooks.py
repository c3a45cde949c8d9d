"""Hand-made ``.xlsx`` files for the workbook door: any cell, reference, sheet state or size,
including those no spreadsheet program writes (A1 and XFD1048576, a formula without a value)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HIDDEN = ' state="hidden"'
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"


def column_name(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell(reference: str, value: object) -> str:
    """One ``<c>``: text inline, numbers as numbers, ``("=", formula, value)`` a formula with
    its value (or ``None``: none saved), ``("#", "#N/A")`` an error cell."""
    if isinstance(value, tuple) and value[0] == "=":
        saved = "" if value[2] is None else f"<v>{value[2]}</v>"
        return f'<c r="{reference}"><f>{escape(value[1])}</f>{saved}</c>'
    if isinstance(value, tuple) and value[0] == "#":
        return f'<c r="{reference}" t="e"><v>{escape(value[1])}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value!r}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def rows_xml(rows: Sequence[Sequence[object]]) -> str:
    """Rows of values from A1 (``None`` leaves the cell out)."""
    out = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(
            cell(f"{column_name(c)}{r}", v) for c, v in enumerate(row, start=1) if v is not None
        )
        out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out)


def sheet_xml(data: str, dimension: str | None = None) -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{MAIN}">{declared}<sheetData>{data}</sheetData></worksheet>'


def workbook(
    sheets: Sequence[tuple[str, str]],
    *,
    hidden: Sequence[str] = (),
    active: int = 0,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A workbook of ``(name, sheet XML)`` sheets; ``hidden`` names hidden ones."""
    listed = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"'
        f"{HIDDEN if name in hidden else ''}/>"
        for i, (name, _) in enumerate(sheets, start=1)
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(1, len(sheets) + 1)
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Type="{RELATIONS}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONS}"><bookViews>'
            f'<workbookView activeTab="{active}"/></bookViews><sheets>{listed}</sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{RELATIONS}/worksheet" '
                f'Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(sheets) + 1)
            )
            + "</Relationships>"
        ),
    }
    for i, (_, xml) in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(name, text)
        for name, data in (extra or {}).items():
            book.writestr(name, data)
    return buffer.getvalue()
