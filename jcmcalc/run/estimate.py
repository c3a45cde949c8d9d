"""Ex-ante estimates: yearly periods whose monitored values come from design values.

The estimated values then run through the same equations as monitored ones. The project
file's ``[estimate]`` table gives ``start`` (a date), ``years`` (the crediting period) and,
optionally, ``values``: monitored parameters the methodology does not estimate, per year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any

import attrs

from jcmcalc.inputs.project import Period, Project, parse_date
from jcmcalc.inputs.resolve import Estimation, Inputs, Key, Value, resolve
from jcmcalc.inputs.values import Origin
from jcmcalc.model.errors import InputError
from jcmcalc.model.expressions.walkers import Attributes, Symbol
from jcmcalc.model.kernel import Context, Place, evaluate_equations
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.parameters import YEAR_NUMBER

MAX_YEARS = 100
ESTIMATE_KEYS = ("start", "years", "values")


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def yearly_periods(
    spec: Mapping[str, Any], path: Path, keep: Callable[[dt.date, dt.date], bool] | None = None
) -> tuple[Period, ...]:
    """One period per year of the crediting period that ``[estimate]`` describes; with
    ``keep``, the first and those whose dates ``keep(start, end)`` keeps."""
    for key in spec:
        if key not in ESTIMATE_KEYS:
            raise InputError(
                f"unknown key {key!r}; allowed: {', '.join(ESTIMATE_KEYS)}",
                file=path,
                at="estimate",
            )
    if "start" not in spec or "years" not in spec:
        raise InputError("[estimate] needs 'start' (a date) and 'years'", file=path, at="estimate")
    start = parse_date(spec["start"], file=path, at="estimate.start")
    years = spec["years"]
    if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= MAX_YEARS:
        raise InputError(
            f"years must be a whole number from 1 to {MAX_YEARS}", file=path, at="estimate.years"
        )
    values = spec.get("values", {})
    firsts = [_add_years(start, n) for n in range(years + 1)]  # each year ends before the next
    spans = ((n, firsts[n - 1], firsts[n] - dt.timedelta(days=1)) for n in range(1, years + 1))
    return tuple(
        Period(n, first, last, values, ())
        for n, first, last in spans
        if keep is None or n == 1 or keep(first, last)
    )


@attrs.frozen
class _Design:
    """The design values (fixed ex ante) and the year number, as a source for the kernel."""

    fixed: Mapping[str, Mapping[Key, Value]]
    number: int

    def value(self, symbol: Symbol, key: Key) -> Fraction | None:
        if symbol.name == YEAR_NUMBER.name:
            return Fraction(self.number)
        found = self.fixed.get(symbol.name, {}).get(key)
        return None if found is None else found.value

    def note(self, symbol: Symbol, key: Key) -> str:
        return ""


def estimated_values(
    methodology: Methodology,
    fixed: Mapping[str, Mapping[Key, Value]],
    members: Mapping[str, tuple[str, ...]],
    attributes: Attributes,
    number: int,
    *,
    path: Path | None = None,
) -> dict[str, dict[Key, Value]]:
    """Values of the estimated monitored parameters in year ``number``, through the kernel
    (an error names the project file ``path``)."""
    assert methodology.estimate is not None
    equations = methodology.estimate.equations
    results = evaluate_equations(
        Context(methodology, members, attributes),
        equations,
        _Design(fixed, number),
        Place(number, f"year {number} of the estimate", file=path, at="estimate"),
    )
    found = {}
    for equation in equations:
        text = equation.text
        found[equation.name] = {
            key: Value(value, Origin.ESTIMATE, text)
            for key, value in results[equation.name].items()
        }
    return found


def resolve_estimate(
    methodology: Methodology,
    project: Project,
    *,
    years: Callable[[dt.date, dt.date], bool] | None = None,
    known: Mapping[str, Mapping[Key, Value]] | None = None,
) -> Inputs:
    """Inputs for an ex-ante run: yearly periods with estimated monitored values.

    With ``years``, only what a comparison with monitored values reads: the first year (whose
    errors, the same every year, stand for all) and the years whose dates ``years(start, end)``
    keeps, their values without the plausibility checks or notices of a run. ``known``: the
    fixed values of the project's ex-post resolution, not resolved again
    (:meth:`Resolver.fixed`).
    """
    if methodology.estimate is None:
        raise InputError(f"{methodology.label} declares no ex-ante estimate", file=project.path)
    if not project.estimate:
        raise InputError("no [estimate] table (start, years)", file=project.path)
    periods = yearly_periods(project.estimate, project.path, years)
    project = attrs.evolve(project, periods=periods, monitoring=())
    design = tuple(p for p in methodology.all_parameters if p.name != YEAR_NUMBER.name)
    estimation = Estimation(
        design, partial(estimated_values, methodology, path=project.path), dict(known or {})
    )
    return resolve(methodology, project, estimation=estimation, judge=years is None)
