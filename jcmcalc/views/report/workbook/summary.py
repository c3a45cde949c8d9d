"""The workbook's summary sheet: credits per period and in total, their split between parties
(``[allocation]``), emission reductions by calendar year, warnings, and native charts.

Every figure is a formula on the calculation sheet, cached with the engine's value.
"""

from __future__ import annotations

from jcmcalc.model.kernel import CREDITS, ER
from jcmcalc.model.methodology import PROJECT, REFERENCE
from jcmcalc.run.calendar import briefly
from jcmcalc.run.result import Mode, Result
from jcmcalc.views.report import content
from jcmcalc.views.report.document import COVERAGE
from jcmcalc.views.report.workbook.calc import Cells
from jcmcalc.views.report.workbook.sheets import Book, Formula, Sheet, column_letters

SUMMARY = "summary"
#: Columns of the credits table: period, start, end, RE, PE, ER, credits, then one per party.
CREDITS_COLUMN = 6


def _party_formulas(result: Result, credits: str, row: int, number: int) -> list[Formula]:
    """The allocation of one period's credits as formulas (row: the summary row, from 1)."""
    allocation = result.inputs.project.allocation
    period = next(p for p in result.periods if p.number == number)
    if allocation is None or not period.allocation:
        return []
    found = dict(period.allocation)
    if allocation.amounts:
        return [Formula(f"={found[party]}", found[party], "credits") for party in found]
    formulas: dict[str, Formula] = {}
    others = []
    for column, (party, share) in enumerate(
        zip(allocation.parties, allocation.shares, strict=True), start=CREDITS_COLUMN + 1
    ):
        if party != allocation.remainder:
            text = f"=ROUNDDOWN({credits}*{share.numerator}/{share.denominator},0)"
            formulas[party] = Formula(text, found[party], "credits")
            others.append(f"{column_letters(column)}{row}")
    rest = f"={credits}-{'-'.join(others)}" if others else f"={credits}"
    formulas[allocation.remainder] = Formula(rest, found[allocation.remainder], "credits")
    return [formulas[party] for party in allocation.parties]


def _credits_table(sheet: Sheet, result: Result, cells: Cells) -> tuple[int, int]:
    """The credits per period with totals; returns the rows (from 1) of its header and total."""
    methodology = result.methodology
    symbols = [methodology.equation(name).symbol for name in (REFERENCE, PROJECT)]
    symbols += [ER.symbol, CREDITS.symbol]
    header = ["period", "start", "end", "RE [tCO2]", "PE [tCO2]", "ER [tCO2]", "credits"]
    header += [f"credits to {party}" for party in result.parties]
    first = sheet.header(header, repeat=False)
    for period in result.periods:
        row = sheet.rows + 1
        values = [period.reference, period.project, period.reductions, period.credits]
        figures = [
            Formula(
                f"={cells.periods[s][period.number]}",
                v,
                "credits" if s == CREDITS.symbol else "number",
            )
            for s, v in zip(symbols, values, strict=True)
        ]
        credits = f"{column_letters(CREDITS_COLUMN)}{row}"
        parties = _party_formulas(result, credits, row, period.number)
        sheet.append([period.number, period.start, period.end, *figures, *parties])
    last = sheet.rows
    totals = [
        Formula(f"=SUM({column_letters(c)}{first + 1}:{column_letters(c)}{last})", v, "credits")
        for c, v in enumerate(result.allocated_totals(), start=CREDITS_COLUMN + 1)
    ]
    total = sheet.append(
        [
            "total",
            None,
            None,
            None,
            None,
            Formula(f"={cells.total_reductions}", result.total_reductions),
            Formula(f"={cells.total_credits}", result.total_credits, "credits"),
            *totals,
        ]
    )
    return first, total


def _calendar_table(sheet: Sheet, result: Result, cells: Cells) -> None:
    """ER of each period apportioned to calendar years, as formulas: ER x weight / the sum of
    the weights (each year's days, or the ER of its own readings; ``split`` says which)."""
    sheet.title("Emission reductions by calendar year", "section")
    sheet.append([result.calendar_note])
    sheet.header(
        ["period", "year", "split", "weight", "of the period's", "ER [tCO2]"], repeat=False
    )
    for period in result.periods:
        split = period.calendar
        total = sum(split.weights)
        er = cells.periods[ER.symbol][period.number]
        for (year, part), weight in zip(split.parts, split.weights, strict=True):
            row = sheet.rows + 1  # the spreadsheet's row number of the row appended
            formula = Formula(f"={er}*D{row}/E{row}", part)
            sheet.append([period.number, int(year), briefly(split.rule), weight, total, formula])


def widths(result: Result) -> list[float]:
    return [8, 11, 11, 16, 16, 16, 12, *([14] * len(result.parties))]


def summary_sheet(sheet: Sheet, book: Book, result: Result, cells: Cells) -> None:
    """The first sheet a reader sees."""
    sheet.title(content.heading(result))
    what = "Credits per period"
    if result.mode is Mode.EX_ANTE:
        what = "Expected credits per year of the crediting period (ex ante)"
    sheet.title(f"{what}: ER rounded down to whole tCO2, never negative", "section")
    first, total = _credits_table(sheet, result, cells)
    allocation = result.inputs.project.allocation
    if result.parties and allocation is not None:
        sheet.append([f"Allocation of credits: {allocation.rule()}"])
    chart = book.workbook.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "credits",
            "categories": [sheet.name, first, 0, total - 2, 0],
            "values": [sheet.name, first, CREDITS_COLUMN, total - 2, CREDITS_COLUMN],
            "data_labels": {"value": True},
        }
    )
    chart.set_title({"name": "Credits per period"})
    chart.set_x_axis({"name": "period"})
    chart.set_legend({"none": True})
    sheet.skip()
    _calendar_table(sheet, result, cells)
    sheet.skip()
    if result.warnings:
        sheet.title("Warnings", "section")
        for warning in result.warnings:
            sheet.append([warning])
    if len(coverage := result.coverage_rows()) > 1:
        sheet.title(COVERAGE, "section")
        sheet.header(coverage[0], repeat=False)
        for period, *rest in coverage[1:]:
            sheet.append([int(period), *rest])  # the period a number, as on every sheet
    sheet.worksheet.insert_chart(sheet.rows + 1, 0, chart, {"x_scale": 1.2})
    sheet.rows += 16
