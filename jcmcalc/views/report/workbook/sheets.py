"""Writing workbook sheets with XlsxWriter: typed cells, formats, widths and print setup.

Text is always written as text (never parsed as a formula, number or link); a formula is
written only from a :class:`Formula`, with its cached value computed by the engine, so a
workbook opened without recalculation (openpyxl ``data_only=True``, pandas, a previewer) shows
the values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import attrs

#: Cell formats by name (XlsxWriter format properties).
FORMATS: dict[str, dict[str, Any]] = {
    "text": {"text_wrap": True, "valign": "top"},
    "header": {"bold": True, "bg_color": "#DDDDDD", "border": 1, "text_wrap": True},
    "title": {"bold": True, "font_size": 14, "text_wrap": True, "valign": "top"},
    "section": {"bold": True, "font_size": 12, "text_wrap": True, "valign": "top"},
    "number": {"num_format": "#,##0.0#####", "valign": "top"},
    "credits": {"num_format": "#,##0", "valign": "top", "bold": True},
    "integer": {"num_format": "0", "valign": "top"},
    "date": {"num_format": "yyyy-mm-dd", "valign": "top"},
}
#: Paper size code of A4 in XlsxWriter's page setup.
A4 = 9
#: Height in points of one line of text, by format (11 pt text; the titles' larger fonts).
LINE_HEIGHT = {"title": 20.0, "section": 17.0}
TEXT_LINE = 15.0
#: Most characters a cell holds (Excel's limit); a longer text is cut with :data:`CUT_NOTE`.
LONGEST_CELL = 32_767
CUT_NOTE = " [… cut: {count:,} of {total:,} characters shown, Excel's limit per cell]"


@attrs.frozen
class Formula:
    """A formula (text starting with ``=``) and its value as the engine computed it."""

    text: str
    value: Fraction | int | float | str
    style: str = "number"


@attrs.frozen
class Styled:
    """A value written with a named format (``credits``, ``integer``...)."""

    value: Any
    style: str


#: The points a chart shows at most (a chart of more is unreadable; the table has them all).
CHARTED_POINTS = 40


class Book:
    """An XlsxWriter workbook with the named :data:`FORMATS`."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.formats = {name: workbook.add_format(spec) for name, spec in FORMATS.items()}

    def sheet(self, name: str, widths: Sequence[float], *, landscape: bool = True) -> Sheet:
        return Sheet(self, self.workbook.add_worksheet(name), widths, landscape=landscape)


class Sheet:
    """A worksheet written row by row; rows are numbered from 1 as a spreadsheet shows them."""

    def __init__(self, book: Book, worksheet: Any, widths: Sequence[float], *, landscape: bool):
        self.book, self.worksheet, self.rows = book, worksheet, 0
        self.name = worksheet.get_name()
        self.widths = list(widths)
        for column, width in enumerate(widths):
            worksheet.set_column(column, column, width, book.formats["text"])
        if landscape:
            worksheet.set_landscape()
        worksheet.set_paper(A4)
        worksheet.fit_to_pages(1, 0)  # every column on the page's width; as many pages down
        worksheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        worksheet.center_horizontally()
        worksheet.set_footer("&L&A&RPage &P of &N")

    def header(self, cells: Sequence[str], *, repeat: bool = True) -> int:
        """A header row in bold, repeated on every printed page and frozen on screen."""
        row = self.append(cells, style="header")
        if repeat:
            self.worksheet.repeat_rows(row - 1)
            self.worksheet.freeze_panes(row, 0)
        return row

    def title(self, text: str, style: str = "title") -> int:
        return self.append([text], style=style)

    def gap_chart(self, title: str, series: Sequence[dict], *, y_scale: float, rows: int) -> None:
        """A column chart of ``series`` (one per point, at most :data:`CHARTED_POINTS`) below
        the sheet's rows, an empty cell shown as a gap (no reading is not a zero); the chart
        takes ``rows`` rows."""
        chart = self.book.workbook.add_chart({"type": "column"})
        for one in series[:CHARTED_POINTS]:
            chart.add_series(one)
        chart.set_title({"name": title})
        chart.set_legend({"position": "bottom"})
        chart.show_blanks_as("gap")
        options = {"x_scale": 1.6, "y_scale": y_scale}
        self.worksheet.insert_chart(self.rows + 1, 0, chart, options)
        self.rows += rows

    def skip(self) -> None:
        self.rows += 1

    def append(self, cells: Sequence[Any], *, style: str | None = None) -> int:
        """Write a row, tall enough for its wrapped texts; returns its number (from 1). A row
        of one text (a title, a note) spans every column of the sheet."""
        row = self.rows
        if len(cells) == 1 and isinstance(cells[0], str) and len(self.widths) > 1:
            formats = self.book.formats[style or "text"]
            self.worksheet.merge_range(row, 0, row, len(self.widths) - 1, "", formats)
            widths = [sum(self.widths)]
        else:
            widths = self.widths
        for column, cell in enumerate(cells):
            self._write(row, column, cell, style)
        lines = max(
            (_lines(_text(cell), width) for cell, width in zip(cells, widths, strict=False)),
            default=1,
        )
        if lines > 1 or style in LINE_HEIGHT:
            self.worksheet.set_row(row, lines * LINE_HEIGHT.get(style or "", TEXT_LINE))
        self.rows += 1
        return self.rows

    def _write(self, row: int, column: int, cell: Any, style: str | None) -> None:
        worksheet, formats = self.worksheet, self.book.formats
        if isinstance(cell, Styled):
            cell, style = cell.value, cell.style
        if cell is None or cell == "":
            return
        if isinstance(cell, Formula):
            value = cell.value
            cached = value if isinstance(value, str | int) else float(value)
            worksheet.write_formula(row, column, cell.text, formats[cell.style], cached)
        elif isinstance(cell, str):
            worksheet.write_string(row, column, _text(cell), formats[style or "text"])
        elif isinstance(cell, bool):
            worksheet.write_boolean(row, column, cell, formats[style or "text"])
        elif isinstance(cell, int):
            worksheet.write_number(row, column, cell, formats[style or "integer"])
        elif isinstance(cell, Fraction | float):
            worksheet.write_number(row, column, float(cell), formats[style or "number"])
        elif isinstance(cell, dt.date):
            moment = dt.datetime.combine(cell, dt.time())
            worksheet.write_datetime(row, column, moment, formats["date"])
        else:
            raise TypeError(f"cannot write {cell!r} to a cell")


def column_letters(index: int) -> str:
    """Spreadsheet column letters of a zero-based column index (``0``: ``A``)."""
    from xlsxwriter.utility import xl_col_to_name  # only with xlsxwriter, as every sheet

    return xl_col_to_name(index)


def _text(cell: Any) -> str:
    """The text a cell shows ("" for any other value), cut to :data:`LONGEST_CELL` characters
    with a note saying so."""
    if isinstance(cell, Styled):
        cell = cell.value
    if not isinstance(cell, str):
        return ""
    if len(cell) <= LONGEST_CELL:
        return cell
    note = CUT_NOTE.format(count=LONGEST_CELL, total=len(cell))
    kept = LONGEST_CELL - len(note)
    return cell[:kept] + CUT_NOTE.format(count=kept, total=len(cell))


def _lines(text: str, width: float) -> int:
    """Lines ``text`` takes wrapped in a column ``width`` characters wide (counted generously:
    a wrapped line breaks at a space, so it holds fewer characters than the column)."""
    if not text:
        return 1
    per_line = max(int(width * 0.9) - 2, 4)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
