"""Ex-ante estimates: yearly periods whose monitored values come from design values.

The estimated values then run through the same equations as monitored ones. The project
file's ``[estimate]`` table gives ``start`` (a date), ``years`` (the crediting period) and,
optionally, ``values``: monitored parameters the methodology does not estimate, per year.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from jcmcalc.inputs.project import Period, Project, parse_date
from jcmcalc.inputs.resolve import Inputs, Key, Resolver, Value
from jcmcalc.inputs.values import Origin
from jcmcalc.model.errors import InputError
from jcmcalc.model.expressions import Symbol, evaluate
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.parameters import POSITIVE, Kind, Parameter

#: Year of the crediting period (1 for the first), supplied by the estimate to its equations.
YEAR_NUMBER = Parameter(
    "n_y",
    "year_number",
    "dimensionless",
    Kind.PROJECT,
    "Year of the crediting period, 1 for the first (supplied by jcmcalc estimate)",
    bounds=POSITIVE,
)

MAX_YEARS = 100
ESTIMATE_KEYS = ("start", "years", "values")


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def yearly_periods(spec: Mapping[str, Any], path: Path) -> tuple[Period, ...]:
    """One period per year of the crediting period that ``[estimate]`` describes."""
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
    return tuple(
        Period(n, _add_years(start, n - 1), _add_years(start, n) - dt.timedelta(days=1), values, ())
        for n in range(1, years + 1)
    )


def estimated_values(
    methodology: Methodology,
    fixed: Mapping[str, Mapping[Key, Value]],
    members: Mapping[str, tuple[str, ...]],
    number: int,
) -> dict[str, dict[Key, Value]]:
    """Values of the estimated monitored parameters in year ``number``."""
    assert methodology.estimate is not None
    year = {(): Value(Fraction(number), Origin.ESTIMATE, "year of the crediting period")}
    known = {**fixed, YEAR_NUMBER.name: year}

    def lookup(symbol: Symbol, bindings: Mapping[str, str]) -> Fraction:
        return known[symbol.name][tuple(bindings[i] for i in symbol.index)].value

    produced: dict[str, dict[Key, Value]] = {}
    for equation in methodology.estimate.equations:
        produced[equation.name] = {}
        for key in itertools.product(*(members[i] for i in equation.index)):
            bindings = dict(zip(equation.index, key, strict=True))
            value = evaluate(equation.expression, lookup, members, bindings)
            produced[equation.name][key] = Value(
                value, Origin.ESTIMATE, f"{equation.symbol} = {equation.text.split(' = ', 1)[1]}"
            )
    return produced


def resolve_estimate(methodology: Methodology, project: Project) -> Inputs:
    """Inputs for an ex-ante run: yearly periods with estimated monitored values."""
    if methodology.estimate is None:
        raise InputError(f"{methodology.label} declares no ex-ante estimate", file=project.path)
    if not project.estimate:
        raise InputError("no [estimate] table (start, years)", file=project.path)
    periods = yearly_periods(project.estimate, project.path)
    project = attrs.evolve(project, periods=periods, monitoring=())
    resolver = Resolver(methodology, project)
    design = tuple(p for p in methodology.all_parameters if p.name != YEAR_NUMBER.name)
    fixed = resolver.fixed(design)
    return Inputs(
        methodology=methodology,
        project=project,
        members=resolver.members,
        attributes=resolver.attributes,
        fixed=fixed,
        periods=tuple(
            resolver.monitored(
                period, {}, estimated_values(methodology, fixed, resolver.members, period.number)
            )
            for period in periods
        ),
        tables=tuple(sorted(resolver.tables.values())),
        warnings=tuple(resolver.warnings),
    )
