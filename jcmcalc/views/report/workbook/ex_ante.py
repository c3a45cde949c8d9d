"""The workbook's ex-ante sheets, when a report compares the monitored ER with the estimate.

``ex_ante_input`` and ``ex_ante_calc`` are the estimate's own input and calculation sheets (as
``jcmcalc report`` writes them for the project without periods): every estimated value a
formula of the design values and the year, every equation a formula, the expected credits
rounded down per year. The sheet ``ex ante`` sets them beside the monitored ER, per year of the
estimate: the ex-post ER of each period shared among the years by days, as formulas on
``calc_process``. Each formula caches the engine's value.
"""

from __future__ import annotations

from collections.abc import Mapping

from jcmcalc.model.kernel import CREDITS, ER
from jcmcalc.run.calendar import overlap
from jcmcalc.run.result import Result
from jcmcalc.views.report.comparison import share
from jcmcalc.views.report.workbook import calc as book_calc
from jcmcalc.views.report.workbook.calc import AttributeKey, Cells
from jcmcalc.views.report.workbook.sheets import Book, Formula

EX_ANTE = "ex ante"
INPUT, CALC, MEMBERS = "ex_ante_input", "ex_ante_calc", "ex_ante_members"
HEADER = [
    "year",
    "start",
    "end",
    "ex ante ER [tCO2]",
    "ex ante credits",
    "days monitored",
    "ex post ER [tCO2]",
    "difference [tCO2]",
]


def _ex_post(result: Result, cells: Cells, start, end) -> Formula | None:
    """The monitored ER falling in ``start``..``end``: each period's ER cell times the days
    it shares with the span over its days; None when no period overlaps."""
    parts = []
    for period in result.periods:
        days = overlap(period.start, period.end, (start, end))
        if days:
            total = (period.end - period.start).days + 1
            parts.append(f"{cells.periods[ER.symbol][period.number]}*{days}/{total}")
    if not parts:
        return None
    return Formula("=" + "+".join(parts), share(result.periods, start, end))


def ex_ante_sheets(
    book: Book,
    result: Result,
    ex_ante: Result,
    cells: Cells,
    members: Mapping[AttributeKey, str],
) -> None:
    """The comparison sheet, then the estimate's input and calculation sheets it refers to."""
    sheet = book.sheet(EX_ANTE, [6, 11, 11, 16, 12, 10, 16, 16])
    if book_calc.selects(ex_ante) and not members:
        members = book_calc.members_sheet(book, ex_ante, MEMBERS)
    inputs = book_calc.inputs_sheet(book, ex_ante, members=members, name=INPUT)
    estimate = book_calc.calculation_sheet(book, ex_ante, inputs, members, CALC)
    sheet.title("Ex post against the ex-ante estimate, per year of the estimate", "section")
    sheet.header(HEADER)
    for year in ex_ante.periods:
        row = sheet.rows + 1
        span = (year.start, year.end)
        days = sum(overlap(p.start, p.end, span) for p in result.periods)
        ex_post = _ex_post(result, cells, year.start, year.end)
        reductions = estimate.periods[ER.symbol][year.number]
        credits = estimate.periods[CREDITS.symbol][year.number]
        difference = None
        if ex_post is not None:
            difference = Formula(f"=G{row}-D{row}", ex_post.value - year.reductions)
        sheet.append(
            [
                year.number,
                year.start,
                year.end,
                Formula(f"={reductions}", year.reductions),
                Formula(f"={credits}", year.credits, "credits"),
                days,
                ex_post,
                difference,
            ]
        )
    sheet.skip()
    sheet.append(
        [
            f"The ex-ante ER and credits are those of the sheet {CALC}, computed from the design "
            f"values of {INPUT}; the ex-post ER of each period is shared among the years by days."
        ]
    )
