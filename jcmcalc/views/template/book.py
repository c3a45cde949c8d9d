"""The workbook being written: its formats (input cells unlocked and shaded, everything else
locked), drop-down lists kept on a hidden sheet, data validation and sheet protection."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from jcmcalc.inputs.project import EARLIEST_YEAR, LATEST_YEAR
from jcmcalc.inputs.readers import book_sheets as layout
from jcmcalc.model.errors import require_xlsxwriter
from jcmcalc.model.parameters import Bounds

#: The fill of input cells (a light yellow).
INPUT_FILL = "#FFF2CC"
#: Rows of an empty table offered for input (validation and unlocked cells reach this far).
TABLE_ROWS = 1000
#: The largest magnitude a number cell accepts: the input boundary's guard (10^15).
ABSURD = 10**15


class Writer:
    """An XlsxWriter workbook in memory with the template's formats."""

    def __init__(self) -> None:
        xlsxwriter = require_xlsxwriter()
        self.stream = io.BytesIO()
        self.book = xlsxwriter.Workbook(
            self.stream,
            {
                "in_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        add = self.book.add_format
        self.header = add({"bold": True, "bg_color": "#D9D9D9", "border": 1, "text_wrap": True})
        self.locked = add({"text_wrap": True, "valign": "top"})
        self.input = add({"locked": False, "bg_color": INPUT_FILL, "border": 1})
        self.input_date = add(
            {"locked": False, "bg_color": INPUT_FILL, "border": 1, "num_format": "yyyy-mm-dd"}
        )
        self.date = add({"num_format": "yyyy-mm-dd"})
        self.title = add({"bold": True, "font_size": 13})
        self.lists: Any = None
        self.list_ranges: dict[tuple[str, ...], str] = {}

    def sheet(self, name: str) -> Any:
        """A new sheet ``name``; a name cut to 31 characters that is taken already gets a
        number (the reader knows a sheet by its prefix and its headers, not its whole name)."""
        taken = {sheet.name.lower() for sheet in self.book.worksheets()}
        found, number = name, 2
        while found.lower() in taken:
            suffix = f" {number}"
            found = name[: layout.SHEET_NAME_CHARACTERS - len(suffix)].rstrip() + suffix
            number += 1
        return self.book.add_worksheet(found)

    def choices(self, values: Sequence[str]) -> str:
        """A range of the hidden Lists sheet holding ``values`` (for a drop-down list)."""
        key = tuple(values)
        if key not in self.list_ranges:
            if self.lists is None:
                self.lists = self.book.add_worksheet(layout.LISTS)
                self.lists.hide()
                self.protect(self.lists)
            column = len(self.list_ranges)
            for row, value in enumerate(key):
                self.lists.write_string(row, column, value)
            letters = layout.column_letters(column)
            self.list_ranges[key] = f"={layout.LISTS}!${letters}$1:${letters}${max(len(key), 1)}"
        return self.list_ranges[key]

    def listed(self, sheet: Any, rows: tuple[int, int], column: int, values: Sequence[str]) -> None:
        """A drop-down of ``values`` on ``column`` from row ``rows[0]`` to ``rows[1]``."""
        if values:
            sheet.data_validation(
                rows[0], column, rows[1], column,
                {"validate": "list", "source": self.choices(values)},
            )  # fmt: skip

    def dates(self, sheet: Any, rows: tuple[int, int], column: int) -> None:
        sheet.data_validation(
            rows[0], column, rows[1], column,
            {
                "validate": "date",
                "criteria": "between",
                "minimum": dt.date(EARLIEST_YEAR, 1, 1),
                "maximum": dt.date(LATEST_YEAR, 12, 31),
                "error_title": "a date",
                "error_message": f"A date from {EARLIEST_YEAR} to {LATEST_YEAR} (2024-01-31).",
            },
        )  # fmt: skip

    def numbers(self, sheet: Any, rows: tuple[int, int], column: int, bounds: Bounds) -> None:
        """A number cell: the sign its bounds give (any unit keeps a sign), never absurd."""
        low = bounds.lower if bounds.lower is not None and bounds.lower == 0 else None
        rule: dict[str, Any] = {"validate": "decimal", "error_title": "a number"}
        if low is None:
            rule.update(criteria="between", minimum=-ABSURD, maximum=ABSURD)
            rule["error_message"] = "A number (the unit in its own cell or column)."
        else:
            rule.update(criteria="between" if bounds.lower_inclusive else ">", maximum=ABSURD)
            rule["minimum" if bounds.lower_inclusive else "value"] = 0
            sign = ">= 0" if bounds.lower_inclusive else "> 0"
            rule["error_message"] = f"A number {sign} (the unit in its own cell or column)."
        sheet.data_validation(rows[0], column, rows[1], column, rule)

    def table(self, sheet: Any, titles: Sequence[str], widths: Sequence[float]) -> None:
        """A header row of locked titles over input columns."""
        for column, (title, width) in enumerate(zip(titles, widths, strict=True)):
            sheet.set_column(column, column, width, self.input)
            sheet.write_string(0, column, title, self.header)
        sheet.freeze_panes(1, 0)

    def cell(self, sheet: Any, row: int, column: int, value: Any, *, locked: bool = False) -> None:
        """A value as the cell it is: a number, a date, a yes/no or text."""
        style = self.locked if locked else self.input
        if value is None or value == "":
            return
        if isinstance(value, bool):
            sheet.write_string(row, column, layout.YES if value else layout.NO, style)
        elif isinstance(value, int | float):
            sheet.write_number(row, column, value, style)
        elif isinstance(value, dt.datetime | dt.date):
            moment = (
                value if isinstance(value, dt.datetime) else dt.datetime(*value.timetuple()[:3])
            )
            sheet.write_datetime(row, column, moment, self.date if locked else self.input_date)
        else:
            sheet.write_string(row, column, str(value), style)

    @staticmethod
    def protect(sheet: Any) -> None:
        """Locked cells protected (no password: a guide, not a lock); rows may be added."""
        sheet.protect(
            "",
            {
                "insert_rows": True,
                "delete_rows": True,
                "format_columns": True,
                "format_rows": True,
                "autofilter": True,
            },
        )

    def close(self) -> bytes:
        self.book.close()
        return self.stream.getvalue()
