"""The workbook's worked rows: readings a plugin's reader works out row by row (an F-gas
cylinder's mass of a species, ``(gross - tare) x x_k``), each a formula over the row's numbers,
and their period totals as ``SUMPRODUCT`` formulas on the input sheet.

These products of decimals are not exact in a spreadsheet's floats: every such total is marked
not exact (:data:`jcmcalc.views.report.workbook.rows.EXACT_NOTE`) and compared with a relative
tolerance; the engine's exact value is the cached one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from fractions import Fraction

from jcmcalc.inputs.series.dated import FileRows
from jcmcalc.model.expressions.walkers import Symbol
from jcmcalc.run.result import Result
from jcmcalc.views.report.workbook.formulas import Formula as FormulaText
from jcmcalc.views.report.workbook.rows import Slot, Total, engine_totals, file_name
from jcmcalc.views.report.workbook.sheets import Book, Formula, column_letters

WORKED = "worked_rows"
HEADER = ["period", "file", "row", "time", "member", "quantity", "note", "value", "unit"]
#: Columns of the numbers a value is worked out from: name, value, unit, for each number.
NUMBER_HEADER = ["number", "value", "unit"]
#: Names of the columns the totals select rows by and sum (defined names of the workbook).
NAMES = {"wr_period": "A", "wr_file": "B", "wr_member": "E", "wr_quantity": "F", "wr_value": "H"}


def worked_sheet(book: Book, result: Result, files: tuple[FileRows, ...]) -> dict[Slot, Total]:
    """Write the worked rows; returns the formula of each period total they give."""
    width = max(len(w.numbers) for found in files for w in found.worked)
    sheet = book.sheet(WORKED, [7, 18, 6, 11, 10, 10, 40, 12, 6, *([8, 12, 6] * width)])
    sheet.header(HEADER + NUMBER_HEADER * width)
    methodology = result.methodology
    sums: dict[tuple[Slot, str], Fraction] = defaultdict(Fraction)
    for found in files:
        name = file_name(result, found.file)
        for worked in found.worked:
            number = sheet.rows + 1
            where = {
                title: f"{column_letters(len(HEADER) + 3 * i + 1)}{number}"
                for i, (title, _, _) in enumerate(worked.numbers)
            }

            def cell(symbol: Symbol, bindings: Mapping[str, str], where=where) -> str:
                return where[symbol.name]

            text = FormulaText(cell, {}, {}).visit(worked.term)
            period, quantity, member = worked.slot
            parameter = methodology.parameter(quantity)
            numbers = [part for triple in worked.numbers for part in triple]
            sheet.append(
                [
                    period,
                    name,
                    worked.row,
                    worked.time,
                    "/".join(member),
                    parameter.symbol,
                    worked.note,
                    Formula(f"={text}", worked.value),
                    parameter.unit,
                    *numbers,
                ]
            )
            sums[(worked.slot, name)] += worked.value
    last = max(sheet.rows, 2)
    for title, column in NAMES.items():
        book.workbook.define_name(title, f"={WORKED}!${column}$2:${column}${last}")
    totals = ((slot, name, total) for (slot, name), total in sums.items())
    return {
        slot: Total(Formula(f"=SUMPRODUCT({where},wr_value)", total), exact=False, sheet=WORKED)
        for slot, where, total in engine_totals(result, "wr", totals)
    }
