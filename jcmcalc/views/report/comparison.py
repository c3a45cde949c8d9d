"""Ex post beside ex ante: the monitored ER of each period and year against the estimate.

Both sides are apportioned by days (:func:`jcmcalc.run.calendar.apportion`): the ex-post ER
of the periods to each year of the estimate, and the estimate's yearly ER to each period.
"""

from __future__ import annotations

from fractions import Fraction

from jcmcalc.run.calendar import apportion, overlap
from jcmcalc.run.result import PeriodResult, Result
from jcmcalc.views.report.blocks import Block, Chart, Heading, Table, Text
from jcmcalc.views.report.charts import bar_chart
from jcmcalc.views.report.content import value_text


def share(periods: tuple[PeriodResult, ...], start, end) -> Fraction:
    """The ER of ``periods`` falling in ``start``..``end``, by days."""
    return sum(
        (apportion(p.reductions, p.start, p.end, [(start, end)])[0] for p in periods),
        Fraction(0),
    )


def compared(result: Result, ex_ante: Result) -> list[Block]:
    """Tables per estimate year and per monitoring period, and a chart of the years."""
    years = [
        year
        for year in ex_ante.periods
        if any(overlap(p.start, p.end, (year.start, year.end)) for p in result.periods)
    ]
    rows = [("year", "start", "end", "days monitored", "ex ante ER", "ex post ER", "difference")]
    for year in years:
        monitored = sum(overlap(p.start, p.end, (year.start, year.end)) for p in result.periods)
        days = (year.end - year.start).days + 1
        ex_post = share(result.periods, year.start, year.end)
        rows.append(
            (
                str(year.number),
                str(year.start),
                str(year.end),
                f"{monitored} of {days}",
                value_text(year.reductions),
                value_text(ex_post),
                value_text(ex_post - year.reductions),
            )
        )
    per_period = [("period", "start", "end", "ex ante ER", "ex post ER", "difference")]
    for period in result.periods:
        span = (period.start, period.end)
        estimated = any(overlap(y.start, y.end, span) for y in ex_ante.periods)
        expected = share(ex_ante.periods, period.start, period.end)
        per_period.append(
            (
                str(period.number),
                str(period.start),
                str(period.end),
                value_text(expected) if estimated else "outside the estimate",
                value_text(period.reductions),
                value_text(period.reductions - expected) if estimated else "",
            )
        )
    labels = [f"year {year.number}" for year in years]
    series = [
        ("ex ante", [year.reductions for year in years]),
        ("ex post", [share(result.periods, y.start, y.end) for y in years]),
    ]
    title = "Emission reductions, ex ante and ex post, per year of the estimate"
    return [
        Heading(2, "Ex post against the ex-ante estimate"),
        Text(
            "ER in tCO2. The estimate's years run from its start date; each side is shared "
            "among the other's spans by days. A year monitored only in part is compared with "
            "the whole year's estimate: see its days monitored."
        ),
        Heading(3, "Per year of the estimate"),
        Table(tuple(rows))
        if years
        else Text(
            f"No year of the estimate ({ex_ante.periods[0].start} to {ex_ante.periods[-1].end}) "
            "overlaps a monitoring period."
        ),
        *([Chart(title, bar_chart(title, labels, series, "t_CO2"))] if years else []),
        Heading(3, "Per monitoring period"),
        Table(tuple(per_period)),
    ]
