"""Figures of a submitted workbook (the layout of ``jcmcalc report --format xlsx``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

from jcmcalc.inputs.submitted.submission import Cells, Figure, converted, number, period_text
from jcmcalc.model.errors import InputError, require_openpyxl
from jcmcalc.model.methodology import Methodology

#: Sheets of the generated workbook holding figures, and their columns (``unit`` optional).
SHEETS = ("input", "calc_process")
COLUMNS = ("period", "quantity", "member", "value")


def _columns(header: list[str], name: str, path: Path) -> list[int | None]:
    try:
        found: list[int | None] = [header.index(c) for c in COLUMNS]
    except ValueError:
        raise InputError(
            f"sheet {name!r} needs the columns {', '.join(COLUMNS)} (and optionally unit)",
            file=path,
        ) from None
    return [*found, header.index("unit") if "unit" in header else None]


def read_xlsx(path: Path, methodology: Methodology) -> Iterator[Figure]:
    """Every figure of the sheets :data:`SHEETS`, converted from its ``unit`` cell if any."""
    openpyxl = require_openpyxl()
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:
        raise InputError(f"not a readable xlsx workbook: {exc}", file=path) from None
    try:
        for name in SHEETS:
            if name not in workbook.sheetnames:
                raise InputError(f"no sheet {name!r}: not a jcmcalc workbook", file=path)
            rows = workbook[name].iter_rows(values_only=True)
            header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
            columns = _columns(header, name, path)
            for row_number, row in enumerate(rows, start=2):
                period, quantity, member, value, unit = (
                    row[c] if c is not None and c < len(row) else None for c in columns
                )
                where = f"sheet {name} row {row_number}"
                if quantity is None:
                    continue
                if value is None:
                    raise InputError(
                        f"{quantity} has no value: if it is a formula, the workbook was never "
                        "calculated; open and save it in a spreadsheet application first",
                        file=path,
                        at=where,
                    )
                quantity = str(quantity).strip()
                exact = number(value, file=path, where=where)
                unit_text = str(unit or "").strip()
                yield Figure(
                    period_text(period),
                    quantity,
                    str(member or "").strip(),
                    converted(exact, unit_text, quantity, methodology, file=path, at=where),
                    where,
                )
    finally:
        workbook.close()


def read_cells(source: Path | IO[bytes], *, file: Path | None = None) -> Cells:
    """Every cell of every sheet of a workbook: its formula text (None for a constant) and its
    value as stored (a formula's cached value)."""
    openpyxl = require_openpyxl()
    cells: Cells = {}
    try:
        for data_only in (False, True):
            book = openpyxl.load_workbook(source, read_only=True, data_only=data_only)
            try:
                for sheet in book.worksheets:
                    found = cells.setdefault(sheet.title, {})
                    for row in sheet.iter_rows():
                        for cell in row:
                            if cell.value is None:
                                continue
                            where = cell.coordinate
                            if data_only:
                                formula = found.get(where, (None, None))[0]
                                found[where] = (formula, cell.value)
                            elif cell.data_type == "f":
                                found[where] = (str(cell.value), None)
                            else:
                                found[where] = (None, cell.value)
            finally:
                book.close()
            if not isinstance(source, Path):
                source.seek(0)
    except Exception as exc:
        raise InputError(f"not a readable xlsx workbook: {exc}", file=file) from None
    return cells
