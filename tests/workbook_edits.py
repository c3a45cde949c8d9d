"""Edits of a written workbook as a submitter might make them, in its XML: a cell's formula or
value changed while every other cell, and every cached value, stays as written (openpyxl
would drop the cached values)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str:
    """The zip entry of the worksheet named ``sheet``."""
    book = archive.read("xl/workbook.xml").decode()
    (rid,) = re.findall(
        rf'<sheet name="{re.escape(escape(sheet))}" sheetId="\d+" r:id="(\w+)"', book
    )
    rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    (target,) = re.findall(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels) or re.findall(
        rf'Target="([^"]+)"[^>]*Id="{rid}"', rels
    )
    return "xl/" + target.removeprefix("/xl/")


def edit_cell(
    path: Path,
    sheet: str,
    cell: str,
    *,
    formula: str | None = None,
    value: float | None = None,
    text: str | None = None,
) -> None:
    """Replace the formula text (without ``=``), the value (a number, or a formula's cached
    value) or the text (written inline) of ``cell`` in ``sheet``, leaving everything else as
    it is."""
    with zipfile.ZipFile(path) as archive:
        entries = {info: archive.read(info) for info in archive.infolist()}
        part = _sheet_part(archive, sheet)
    for info, data in entries.items():
        if info.filename != part:
            continue
        xml = data.decode()
        found = re.search(rf'<c r="{cell}"[^>]*?(/>|>.*?</c>)', xml)
        assert found, (sheet, cell)
        old = found.group(0)
        new = old
        if formula is not None:
            new, count = re.subn(r"<f>.*?</f>", f"<f>{escape(formula)}</f>", new)
            assert count == 1, old
        if text is not None:
            new = f'<c r="{cell}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
        if value is not None:
            new, count = re.subn(r"<v>.*?</v>", f"<v>{value!r}</v>", new)
            assert count == 1, old
        entries[info] = xml.replace(old, new, 1).encode()
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries.items():
            target.writestr(info, data)
    path.write_bytes(output.getvalue())
