"""The workbook's ex-ante sheet: the estimate per year beside the monitored ER (values as
``jcmcalc estimate`` and the engine computed them; the estimate's own equations are in its own
workbook, ``jcmcalc report`` on the project without periods)."""

from __future__ import annotations

from jcmcalc.run.calendar import overlap
from jcmcalc.run.result import Result
from jcmcalc.views.report.comparison import share
from jcmcalc.views.report.sheets import Book

EX_ANTE = "ex ante"
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


def ex_ante_sheet(book: Book, result: Result, ex_ante: Result) -> None:
    sheet = book.sheet(EX_ANTE, [6, 11, 11, 16, 12, 10, 16, 16])
    sheet.title("Ex post against the ex-ante estimate, per year of the estimate", "section")
    sheet.header(HEADER)
    for year in ex_ante.periods:
        span = (year.start, year.end)
        days = sum(overlap(p.start, p.end, span) for p in result.periods)
        ex_post = share(result.periods, year.start, year.end) if days else None
        sheet.append(
            [
                year.number,
                year.start,
                year.end,
                year.reductions,
                year.credits,
                days,
                ex_post,
                None if ex_post is None else ex_post - year.reductions,
            ]
        )
    sheet.skip()
    sheet.append(["The ex-post ER of each period is shared among the years by days."])
