"""The recomputed figures of a result, keyed as submitted figures are."""

from __future__ import annotations

from fractions import Fraction

from jcmcalc.inputs.submitted.submission import TOTAL, TOTAL_CREDITS, TOTAL_ER
from jcmcalc.run.result import Result

Key = tuple[str, str, str]


def recomputed_figures(result: Result) -> dict[Key, Fraction]:
    """Every figure of ``result`` under the keys of
    :class:`jcmcalc.inputs.submitted.submission.Figure`."""
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
    figures[(TOTAL, TOTAL_ER, "")] = result.total_reductions
    figures[(TOTAL, TOTAL_CREDITS, "")] = Fraction(result.total_credits)
    return figures
