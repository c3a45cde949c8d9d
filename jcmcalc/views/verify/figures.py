"""The recomputed figures of a result, keyed as submitted figures are."""

from __future__ import annotations

from fractions import Fraction

from jcmcalc.inputs.submitted.submission import (
    ALLOCATION,
    ER_YEAR,
    TOTAL,
    TOTAL_CREDITS,
    TOTAL_ER,
)
from jcmcalc.run.result import Result

Key = tuple[str, str, str]


def recomputed_figures(result: Result) -> dict[Key, Fraction]:
    """Every figure of ``result`` under the keys of
    :class:`jcmcalc.inputs.submitted.submission.Figure`: inputs, trace steps, each party's
    credits per period and in total, each period's ER per calendar year, the totals."""
    figures: dict[Key, Fraction] = {}
    methodology = result.methodology
    for name, values in result.inputs.fixed.items():
        symbol = methodology.parameter(name).symbol
        for key, value in values.items():
            figures[("", symbol, "/".join(key))] = value.value
    for period in result.inputs.periods:
        number = str(period.period.number)
        for name, values in period.values.items():
            symbol = methodology.parameter(name).symbol
            for key, value in values.items():
                figures[(number, symbol, "/".join(key))] = value.value
    for step in result.trace:
        figures[(str(step.period), step.symbol, "/".join(step.member))] = step.value
    for period in result.periods:
        number = str(period.number)
        for party, credits in period.allocation:
            figures[(number, ALLOCATION, party)] = Fraction(credits)
        for year, part in period.calendar_years:
            figures[(number, ER_YEAR, str(year))] = part
    for party, credits in zip(result.parties, result.allocated_totals(), strict=True):
        figures[(TOTAL, ALLOCATION, party)] = Fraction(credits)
    figures[(TOTAL, TOTAL_ER, "")] = result.total_reductions
    figures[(TOTAL, TOTAL_CREDITS, "")] = Fraction(result.total_credits)
    return figures
