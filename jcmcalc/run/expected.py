"""Monitored values against the project's own ex-ante estimate for the same dates.

Where a project has an ``[estimate]`` and its methodology estimates a monitored parameter (the
PV output from rated capacity and specific yield), each monitored value is compared with the
estimate prorated by day over the estimate's years that its period overlaps. A value more than
:data:`FAR_ABOVE` times that is a warning naming the member (a unit slip, a wrong meter).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from jcmcalc.inputs.leaves import describe_key
from jcmcalc.inputs.resolve import Inputs
from jcmcalc.model.errors import InputError
from jcmcalc.model.numbers import decimal_text
from jcmcalc.run.estimate import resolve_estimate

#: How many times its estimate a monitored value may be before it is flagged. jcmcalc's own
#: threshold, not a methodology's: output twice the design estimate is beyond ordinary weather.
FAR_ABOVE = 2


def _overlap(start: dt.date, end: dt.date, other_start: dt.date, other_end: dt.date) -> int:
    """Days the two inclusive date ranges share."""
    return max(0, (min(end, other_end) - max(start, other_start)).days + 1)


def against_estimate(inputs: Inputs) -> list[str]:
    """Warnings for monitored values far above the project's own estimate for their dates."""
    methodology, project = inputs.methodology, inputs.project
    if methodology.estimate is None or not project.estimate:
        return []
    monitored = [(p.period.start, p.period.end) for p in inputs.periods]

    def compared(first: dt.date, last: dt.date) -> bool:  # (whether they share a day)
        return any(start <= last and first <= end for start, end in monitored)

    try:
        estimated = resolve_estimate(methodology, project, years=compared, known=inputs.fixed)
    except InputError as exc:
        return [f"the [estimate] cannot be compared with the monitored values: {exc}"]
    found = []
    for period in inputs.periods:
        start, end = period.period.start, period.period.end
        years = [
            (year, Fraction(_overlap(start, end, year.period.start, year.period.end)))
            for year in estimated.periods
        ]
        years = [(year, days) for year, days in years if days]
        if sum(days for _, days in years) != (end - start).days + 1:
            continue  # the period lies (partly) outside the crediting period estimated
        for equation in methodology.estimate.equations:
            parameter = methodology.parameter(equation.name)
            for key, value in period.values.get(equation.name, {}).items():
                expected = sum(
                    year.values[equation.name][key].value
                    * days
                    / ((year.period.end - year.period.start).days + 1)
                    for year, days in years
                )
                if expected > 0 and value.value > FAR_ABOVE * expected:
                    found.append(
                        f"{period.period.label}: {parameter.symbol}"
                        f"{describe_key(parameter, key, methodology)} = "
                        f"{decimal_text(value.value)} {parameter.unit} is "
                        f"{float(value.value / expected):,.1f}x the project's own ex-ante "
                        f"estimate for these dates ({decimal_text(expected)} {parameter.unit}); "
                        f"flagged above {FAR_ABOVE}x (jcmcalc's threshold): a unit slip?"
                    )
    return found
