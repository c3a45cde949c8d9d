"""Checks across resolved values: bases of measurement agree, warning checks hold."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from jcmcalc.inputs.leaves import Key, coincide, describe_key
from jcmcalc.inputs.project import Period
from jcmcalc.inputs.values import Value
from jcmcalc.model.checks import Check, Severity
from jcmcalc.model.errors import InputError
from jcmcalc.model.expressions.walkers import (
    Attributes,
    Convert,
    Symbol,
    Term,
    symbols,
    to_text,
)
from jcmcalc.model.kernel import (
    Context,
    Place,
    judged,
    per_period,
    unit_slip,
    warning_breaches,
    warning_checks,
)
from jcmcalc.model.methodology import PERIOD_HOURS, Methodology
from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.parameters import Parameter, WhenAbsent
from jcmcalc.model.uses import per_declaration

Values = Mapping[str, Mapping[Key, Value]]


def check_bases(
    methodology: Methodology, fixed: Values, periods: tuple[tuple[str, Values], ...], path: Path
) -> None:
    """Values of parameters with unit choices must be on one basis where members coincide.

    The n-th unit of each such parameter is the n-th basis (:class:`Parameter`). ``periods``
    pairs each period's label with its values. A zero is on every basis. The first value seen
    (fixed ones first) sets the basis.
    """
    seen: list[tuple[Parameter, Key, int, str]] = []
    sources = [("", fixed)] + [(f" in {label}", values) for label, values in periods]
    for where, values in sources:
        for parameter in methodology.parameters:
            if not parameter.alternatives:
                continue
            for key, value in values.get(parameter.name, {}).items():
                if value.value == 0:
                    continue
                position = parameter.units.index(value.unit or parameter.unit)
                for other, other_key, other_position, other_where in seen:
                    if position == other_position:
                        continue
                    if not coincide(parameter, key, other, other_key):
                        continue
                    subject = f"{describe_key(parameter, key, methodology)}{where}"
                    other_subject = f"{describe_key(other, other_key, methodology)}{other_where}"
                    raise InputError(
                        f"the value{subject} is in {parameter.units[position]}, but "
                        f"{other.symbol}{other_subject} is in {other.units[other_position]}: "
                        f"give it in {parameter.units[other_position]}, or {other.symbol} in "
                        f"{other.units[position]} (bases of measurement are never converted "
                        "into each other)",
                        file=path,
                        parameter=parameter.symbol,
                    )
                seen.append((parameter, key, position, where))


@attrs.frozen
class _Fixed:
    """Fixed values (and a period's values and hours) as the kernel's source of inputs."""

    values: Values
    period: Values = attrs.field(factory=dict)
    hours: Fraction | None = None

    def value(self, symbol: Symbol, key: Key) -> Fraction | None:
        if symbol.name == PERIOD_HOURS.name:
            return self.hours
        found = (self.period.get(symbol.name) or self.values.get(symbol.name, {})).get(key)
        return None if found is None else found.value

    def note(self, symbol: Symbol, key: Key) -> str:
        return ""


#: Hours counted per day of a period (:data:`PERIOD_HOURS`): a daylight-saving day is off by one.
HOURS_PER_DAY = 24


def hours(period: Period) -> Fraction:
    """Hours in ``period``: :data:`HOURS_PER_DAY` per day of its dates (:data:`PERIOD_HOURS`)."""
    return Fraction(hours_in((period.end - period.start).days))


def hours_in(days: Any) -> Any:
    """:data:`PERIOD_HOURS` of a period whose end is ``days`` days after its start (a number,
    or an array of them): both dates count, :data:`HOURS_PER_DAY` hours each."""
    return HOURS_PER_DAY * (days + 1)


def evaluate_warning_checks(
    methodology: Methodology,
    fixed: Values,
    members: Mapping[str, tuple[str, ...]],
    attributes: Attributes,
    periods: Sequence[tuple[Period, Values]] = (),
) -> list[str]:
    """The warnings of the warning checks that the values breach, evaluated by the kernel:
    those on fixed parameters once, those on a period's values (``periods``) per period."""
    context = Context(methodology, members, attributes)
    found = breach_messages(methodology, warning_breaches(context, _Fixed(fixed), Place(0, "")))
    for period, values in periods:
        place = Place(period.number, period.label)
        source = _Fixed(fixed, values, hours(period))
        breaches = warning_breaches(context, source, place, period=True)
        found += breach_messages(methodology, breaches, f"{period.label}: ")
    return found + unjudged(methodology, fixed, members)


def unjudged(
    methodology: Methodology, fixed: Values, members: Mapping[str, tuple[str, ...]]
) -> list[str]:
    """A warning per member lacking a value that warning checks need (one the methodology lets
    a project leave out, as a PV system's rated capacity): those checks are not judged for it."""
    needed = {s.name: s.index for _, optional in _optional(methodology) for s in optional}
    if all(
        len(fixed.get(name, ())) == math.prod(len(members[i]) for i in index)
        for name, index in needed.items()
    ):
        return []  # every member has each value the checks may lack
    missing: dict[tuple[str, Key], list[str]] = {}
    for check, optional in _optional(methodology):
        for key in itertools.product(*(members[i] for i in check.index)):
            bindings = dict(zip(check.index, key, strict=True))
            for symbol in optional:
                summed = [i for i in symbol.index if i not in bindings]  # under a sum
                for more in itertools.product(*(members[i] for i in summed)):
                    scope = bindings | dict(zip(summed, more, strict=True))
                    own = tuple(scope[i] for i in symbol.index)
                    names = missing.setdefault((symbol.name, own), [])
                    if own not in fixed.get(symbol.name, {}) and check.name not in names:
                        names.append(check.name)
    found = []
    for (name, own), checks in sorted(missing.items()):  # alike from a file or a table
        parameter = methodology.parameter(name)
        if checks:
            found.append(
                f"{parameter.symbol}{describe_key(parameter, own, methodology)} "
                f"({methodology.words(parameter.name)}) is not given: the plausibility "
                f"{'checks' if len(checks) > 1 else 'check'} "
                f"{', '.join(map(repr, checks))} cannot be judged without it; give it in the "
                "project file"
            )
    return found


@per_declaration
def _optional(methodology: Methodology) -> tuple[tuple[Check, tuple[Symbol, ...]], ...]:
    """Each warning check with the symbols of values a project may leave out that it uses."""
    return tuple(
        (
            check,
            tuple(
                s
                for t in (check.left, check.right)
                for s in symbols(t)
                if s.name != PERIOD_HOURS.name
                and methodology.parameter(s.name).when_absent is WhenAbsent.UNKNOWN
            ),
        )
        for check in methodology.checks
        if check.severity is Severity.WARNING
    )


def breach_messages(
    methodology: Methodology,
    breaches: list[tuple[Check, Key, Fraction, Fraction]],
    where: str = "",
) -> list[str]:
    """The warnings of breached warning checks, each after ``where`` (a period's label): both
    sides named in words with their values in the unit they are compared in."""

    def side(term: Term, key: Key, check: Check) -> str:
        shown = term.left if isinstance(term, Convert) else term
        if not isinstance(shown, Symbol):
            words = ", ".join(dict.fromkeys(methodology.words(s.name) for s in symbols(shown)))
            return f"{to_text(shown)} ({words})"
        bindings = dict(zip(check.index, key, strict=True))
        own = tuple(bindings[s] for s in shown.index)
        return (
            f"{shown.symbol} ({methodology.words(shown.name)})"
            f"{describe_key(shown, own, methodology)}"
        )

    def member(key: Key, check: Check) -> str:
        """The members of a check neither of whose sides is a parameter that names them."""
        sides = [t.left if isinstance(t, Convert) else t for t in (check.left, check.right)]
        if not key or any(isinstance(t, Symbol) for t in sides):
            return ""
        pairs = zip(check.index, key, strict=True)
        return ", ".join(f"{methodology.index(s).title} {m!r}" for s, m in pairs) + ": "

    found = []
    for check, key, left, right in breaches:
        unit = methodology.unit_compared(check)
        unit = f" {unit}" if unit else ""
        sides = [(side(check.left, key, check), left), (side(check.right, key, check), right)]
        if isinstance(check.right, Symbol):  # the parameter judged first: "is not above"
            sides.reverse()
            relation = "not above" if check.strict else "not at least"
        else:
            relation = "not below" if check.strict else "above"
        (first, one), (second, other) = sides
        found.append(
            f"{where}{member(key, check)}{first} = {decimal_text(one)}{unit} is {relation} "
            f"{second} = {decimal_text(other)}{unit}: check {check.name!r}, "
            f"{check.description}{unit_slip(methodology, check, left, right)}"
        )
    return found


def judgements(
    methodology: Methodology,
    fixed: Values,
    members: Mapping[str, tuple[str, ...]],
    attributes: Attributes,
    periods: Sequence[tuple[Period, Values]] = (),
) -> list[tuple[Period | None, Check, Key, Fraction, Fraction]]:
    """Every warning check judged by the kernel, held or not, with both sides: those on fixed
    parameters once (period None), those on a period's values per period, as
    :func:`evaluate_warning_checks` judges them; and the error checks on parameters only (not
    on equation results), which values that passed the run meet."""
    context = Context(methodology, members, attributes)
    given = {p.name for p in methodology.all_parameters} | {PERIOD_HOURS.name}
    errors = [
        c
        for c in methodology.error_checks
        if all(s.name in given for side in (c.left, c.right) for s in symbols(side))
    ]
    once = warning_checks(methodology, period=False)
    once += [c for c in errors if not per_period(methodology, c)]
    found: list[tuple[Period | None, Check, Key, Fraction, Fraction]] = [
        (None, *judgement) for judgement in judged(context, once, _Fixed(fixed), Place(0, ""))
    ]
    timed = warning_checks(methodology, period=True)
    timed += [c for c in errors if per_period(methodology, c)]
    for period, values in periods:
        place = Place(period.number, period.label)
        source = _Fixed(fixed, values, hours(period))
        found += [(period, *judgement) for judgement in judged(context, timed, source, place)]
    return found
