"""The workbook's months sheet: each monitored quantity's exact totals per calendar month and
monitoring point, from dated readings (an empty cell is a month without readings), with a
native column chart of them per quantity. Written only when some readings are dated."""

from __future__ import annotations

from fractions import Fraction

from jcmcalc.run.result import Result
from jcmcalc.views.report import content
from jcmcalc.views.report.workbook.sheets import Book, Formula, Sheet

MONTHS = "months"
#: Rows a chart takes below its table.
CHART_ROWS = 18

Table = tuple[str, str, list[str], list[str], list[list[Fraction | None]]]


def _tables(result: Result) -> list[Table]:
    """(symbol, unit, months, point names, values per point) of each dated quantity."""
    points = content.monitoring_points(result)
    found = []
    for parameter in result.methodology.parameters:
        mine = [(key, point) for (name, key), point in points.items() if name == parameter.name]
        labels, values = content.monthly(result, parameter.name, [key for key, _ in mine])
        if labels:
            names = [f"{point} {'/'.join(key) or 'project'}" for key, point in mine]
            found.append((parameter.symbol, parameter.unit, labels, names, values))
    return found


def months_sheet(book: Book, result: Result) -> None:
    """One table per dated quantity: months down, monitoring points across, a total row of
    SUM formulas; a column chart of it below (an empty slot: no readings)."""
    from xlsxwriter.utility import xl_range  # only with xlsxwriter, as every sheet

    tables = _tables(result)
    if not tables:
        return
    widest = max(len(names) for *_, names, _ in tables)
    sheet = book.sheet(MONTHS, [10, *([14] * widest)])
    sheet.title("Monitored quantities per calendar month", "title")
    sheet.append([content.MONTHLY_NOTE])
    for symbol, unit, labels, names, values in tables:
        sheet.skip()
        sheet.title(f"{symbol} [{unit}] per month", "section")
        first = sheet.header(["month", *names], repeat=False)
        for row, label in enumerate(labels):
            sheet.append([label, *(found[row] for found in values)])
        last = sheet.rows - 1  # zero-based, as ``first``
        total: list[object] = ["total"]
        for column, found in enumerate(values, start=1):
            cells = xl_range(first, column, last, column)
            total.append(Formula(f"=SUM({cells})", sum((v or 0 for v in found), Fraction(0))))
        sheet.append(total, style="header")
        _chart(sheet, symbol, first, last, len(names))


def _chart(sheet: Sheet, symbol: str, first: int, last: int, points: int) -> None:
    """Months along, one series per point (rows ``first``..``last``, zero-based)."""
    series = [
        {
            "name": [sheet.name, first - 1, column],
            "categories": [sheet.name, first, 0, last, 0],
            "values": [sheet.name, first, column, last, column],
        }
        for column in range(1, points + 1)
    ]
    title = f"{symbol} per month (an empty slot: no readings)"
    sheet.gap_chart(title, series, y_scale=1.1, rows=CHART_ROWS)
