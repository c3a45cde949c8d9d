"""The kernel: the one loop over a methodology's equations and checks, for one project-period
(or for many alike at once, on arrays of exact numbers).

Emission reductions and credits are declared here, once, as two more equations that follow
every methodology's own: :data:`ER` (RE minus PE) and :data:`CREDITS` (ER rounded down to
whole tonnes, exactly, and never negative). The engine (ex post) and the ex-ante estimate call
:func:`evaluate_period` or :func:`evaluate_equations`, the batch evaluator's exact
re-evaluation :func:`evaluate_periods` (and :func:`evaluate_period` for a message); the trace,
``show``, the docs pages, the workbook and ``verify`` render these declarations.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import attrs

from jcmcalc.model.checks import Check, Severity
from jcmcalc.model.errors import InputError
from jcmcalc.model.expressions.trace import Deferred, TraceStep
from jcmcalc.model.expressions.walkers import (
    Attributes,
    Constant,
    Floor,
    PowerBound,
    Symbol,
    Term,
    evaluate,
    maximum,
    oversized,
    substituted,
    symbols,
    to_text,
)
from jcmcalc.model.faults import exact, plugin_fault
from jcmcalc.model.methodology import PERIOD_HOURS, PROJECT, REFERENCE, Equation, Methodology
from jcmcalc.model.numbers import decimal_text, shown_text
from jcmcalc.model.parameters import Kind
from jcmcalc.model.units import slip_hint
from jcmcalc.model.uses import per_declaration

Key = tuple[str, ...]

#: Emission reductions of a period, the difference of the methodology's RE and PE.
ER = Equation(
    "ER_p",
    "emission_reductions",
    Symbol(REFERENCE, "RE_p") - Symbol(PROJECT, "PE_p"),
    "t_CO2",
    "Emission reductions in period p",
)
#: Credits of a period: ER rounded down to whole tonnes, exactly; never negative.
CREDITS = Equation(
    "credits",
    "credits",
    maximum(Constant(0, unit="t_CO2"), Floor(ER.ref)),
    "t_CO2",
    "Credits of period p: emission reductions rounded down to whole tonnes, zero when negative",
)
CORE = (ER, CREDITS)


def credits_of(reductions: Fraction) -> int:
    """The credits the :data:`CREDITS` declaration gives for emission reductions ``reductions``."""
    return int(evaluate(CREDITS.expression, lambda symbol, _: reductions, {}, {}))


def reduction_warnings(label: str, reductions: Fraction | float) -> list[str]:
    """The warning of a period (``label``) whose emission reductions are negative."""
    if reductions >= 0:
        return []
    value = decimal_text(Fraction(reductions))
    return [f"{label}: emission reductions are negative ({value} tCO2): no credits for this period"]


def equations_of(methodology: Methodology) -> tuple[Equation, ...]:
    """Every equation evaluated per period: the methodology's, then ER and credits."""
    return methodology.equations + CORE


class Source(Protocol):
    """The input values of one project-period."""

    def value(self, symbol: Symbol, key: Key) -> Fraction | None:
        """The value of parameter ``symbol`` for ``key`` (None: not given)."""

    def note(self, symbol: Symbol, key: Key) -> str:
        """Text the trace writes after the value (`` [override]``), or ``""``."""


@attrs.frozen
class Context:
    """A methodology with the members of its indices and their attributes."""

    methodology: Methodology
    members: Mapping[str, Sequence[str]]
    attributes: Attributes = attrs.field(factory=dict)


@attrs.frozen
class Place:
    """Names the project-period in messages: ``label`` (``period 1 (2022-01-01 to ...)``),
    the period ``number`` of trace steps, the file and place of an input error; ``members``:
    whether a failing check names the member."""

    number: int
    label: str
    file: Path | None = None
    at: str | None = None
    members: bool = True


@attrs.frozen
class Evaluated:
    """Every equation's results of one project-period, and its trace steps."""

    results: Mapping[str, Mapping[Key, Fraction]]
    trace: tuple[TraceStep, ...]

    @property
    def reference(self) -> Fraction:
        return self.results[REFERENCE][()]

    @property
    def project(self) -> Fraction:
        return self.results[PROJECT][()]

    @property
    def reductions(self) -> Fraction:
        return self.results[ER.name][()]

    @property
    def credits(self) -> int:
        return int(self.results[CREDITS.name][()])


class _Scope:
    """What a symbol stands for: an earlier result, else an input of the source."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.results: dict[str, dict[Key, Fraction]] = {}

    def evaluate(self, term: Term, context: Context, bindings: Mapping[str, str]) -> Fraction:
        return evaluate(term, self.lookup, context.members, bindings, context.attributes)

    @staticmethod
    def exact(value: Fraction) -> bool:
        return exact(value)

    def lookup(self, symbol: Symbol, bindings: Mapping[str, str]) -> Fraction:
        key = tuple(map(bindings.__getitem__, symbol.index))
        if symbol.name in self.results:
            return self.results[symbol.name][key]
        value = self.source.value(symbol, key)
        if value is None:
            raise KeyError(f"{symbol.symbol} has no value for {dict(bindings)}")
        return value

    def show(self, symbol: Symbol, bindings: Mapping[str, str], *, known: frozenset[str]) -> str:
        """A value as the trace writes it; ``known``: the results computed before it."""
        text = shown_text(self.lookup(symbol, bindings))
        if symbol.name in known:
            return text
        return text + self.source.note(symbol, tuple(bindings[i] for i in symbol.index))


def _keys(index: tuple[str, ...], members: Mapping[str, Sequence[str]]) -> list[Key]:
    return list(itertools.product(*(members[symbol] for symbol in index)))


def _exact(
    context: Context,
    scope: _Scope,
    term: Term,
    bindings: Mapping[str, str],
    declaration: Equation | Check,
    place: Place,
) -> Fraction:
    """Evaluate a declared term; where it gives no exact number (a zero denominator its
    bounds admit, a fractional power) the plugin is at fault."""
    try:
        value = scope.evaluate(term, context, bindings)
        if isinstance(value, Fraction):
            oversized(value)
    except PowerBound as exc:  # the project's values make it so: bad input, not a fault
        what, member = _named(declaration, bindings)
        raise InputError(
            f"{what} of {context.methodology.label} cannot be evaluated{member} in "
            f"{place.label}: {exc}; check the values it is given",
            file=place.file,
            at=place.at,
        ) from None
    except (ZeroDivisionError, ValueError, OverflowError) as exc:
        what, member = _named(declaration, bindings)
        raise plugin_fault(
            context.methodology,
            f"{what} cannot be evaluated{member} in {place.label}: {exc} (its parameters' "
            "bounds admit these inputs)",
        ) from None
    if not scope.exact(value):
        raise plugin_fault(
            context.methodology, f"{to_text(term)} gave {value!r}, not an exact number"
        )
    return value


def _named(declaration: Equation | Check, bindings: Mapping[str, str]) -> tuple[str, str]:
    """The declaration and member an evaluation error names (worked out only for one)."""
    what = (
        f"equation {declaration.symbol}"
        if isinstance(declaration, Equation)
        else f"check {declaration.name!r}"
    )
    return what, f" for {'/'.join(bindings.values())}" if bindings else ""


def _equations(
    context: Context,
    scope: _Scope,
    equations: Sequence[Equation],
    place: Place,
    trace: list[TraceStep] | None,
) -> None:
    """The one loop over equations: each result per member, and its trace step if asked."""
    for equation in equations:
        found = scope.results[equation.name] = {}
        expression = to_text(equation.expression) if trace is not None else ""
        for key in _keys(equation.index, context.members):
            bindings = dict(zip(equation.index, key, strict=True))
            value = found[key] = _exact(
                context, scope, equation.expression, bindings, equation, place
            )
            if trace is None:
                continue
            show = functools.partial(scope.show, known=frozenset(scope.results))
            text = functools.partial(
                substituted, equation.expression, show, context.members, bindings
            )
            trace.append(
                TraceStep(
                    period=place.number,
                    symbol=equation.symbol,
                    member=key,
                    expression=expression,
                    text=Deferred(functools.partial(text, context.attributes)),
                    value=value,
                    unit=equation.unit,
                    inferred=equation.inferred,
                )
            )


def _breached(
    context: Context, checks: Sequence[Check], scope: _Scope, place: Place
) -> Iterator[tuple[Check, Key, Fraction, Fraction]]:
    """Each check, member and both sides of one that fails."""
    return (j for j in _judged(context, checks, scope, place) if not j[0].holds(j[2], j[3]))


def judged(
    context: Context, checks: Sequence[Check], source: Source, place: Place
) -> list[tuple[Check, Key, Fraction, Fraction]]:
    """Every check of ``checks`` and member judged on ``source``, with both sides, held or not
    (:meth:`Check.holds`), as :func:`warning_breaches` judges."""
    return list(_judged(context, checks, _Scope(source), place))


def _judged(
    context: Context, checks: Sequence[Check], scope: _Scope, place: Place
) -> Iterator[tuple[Check, Key, Fraction, Fraction]]:
    """The one loop over checks: each check, member and both sides. A warning check is not
    judged for a member lacking a value it uses (an unknown capacity)."""
    for check in checks:
        for key in _keys(check.index, context.members):
            bindings = dict(zip(check.index, key, strict=True))
            try:
                left = _exact(context, scope, check.left, bindings, check, place)
                right = _exact(context, scope, check.right, bindings, check, place)
            except KeyError:
                if check.severity is Severity.WARNING:
                    continue
                raise
            yield check, key, left, right


def unit_slip(methodology: Methodology, check: Check, left: Fraction, right: Fraction) -> str:
    """The hint of a failed ``check`` (sides ``left`` > ``right``): the unit slips the check
    declares for the ratio of its sides, else the ratio and the unit slip it suggests for the
    one parameter of a side (:func:`~jcmcalc.model.units.slip_hint`)."""
    if left <= 0 or right <= 0:
        return ""
    declared = [s.text for s in check.slips if s.low <= left / right <= s.high]
    if declared:
        return f" ({float(left / right):,.0f}x: {' or '.join(declared)})"
    names = {p.name for p in methodology.all_parameters}
    for term, on_left in ((check.left, True), (check.right, False)):
        named = {s.name for s in symbols(term)}
        if len(named) == 1 and named <= names:
            unit = methodology.parameter(named.pop()).unit
            return slip_hint(left / right, unit, too_large=on_left)
    return slip_hint(left / right, "", too_large=True)


def _checks(context: Context, scope: _Scope, place: Place) -> None:
    """Raise :class:`InputError` where an error check fails (warning checks, on fixed
    parameters, are judged once when the inputs are resolved: :func:`warning_breaches`)."""
    for check, key, left, right in _breached(
        context, context.methodology.error_checks, scope, place
    ):
        member = f", {'/'.join(key)}" if key and place.members else ""
        unit = context.methodology.unit_compared(check)
        unit = f" {unit}" if unit else ""
        raise InputError(
            f"{place.label}{member}: check {check.name!r} fails, "
            f"{check.description}: {check.text}, but {decimal_text(left)}{unit} "
            f"{'>=' if check.strict else '>'} {decimal_text(right)}{unit}"
            f"{unit_slip(context.methodology, check, left, right)}",
            file=place.file,
            at=place.at,
        )


def per_period(methodology: Methodology, check: Check) -> bool:
    """Whether a warning check uses a monitored parameter or the period's hours (judged per
    period) rather than fixed parameters only (judged once)."""
    monitored = {p.name for p in methodology.parameters if p.kind is Kind.MONITORED}
    monitored.add(PERIOD_HOURS.name)
    return any(s.name in monitored for t in (check.left, check.right) for s in symbols(t))


def warning_breaches(
    context: Context, source: Source, place: Place, *, period: bool = False
) -> list[tuple[Check, Key, Fraction, Fraction]]:
    """The warning checks that the values of ``source`` fail, with both sides: those on
    fixed parameters only, or with ``period`` those that use a period's values."""
    checks = warning_checks(context.methodology, period=period)
    return list(_breached(context, checks, _Scope(source), place))


def warning_checks(methodology: Methodology, *, period: bool) -> list[Check]:
    """The warning checks on fixed parameters only, or with ``period`` those judged per period
    (:func:`per_period`)."""
    return list(_warning_checks(methodology, period))


@per_declaration
def _warning_checks(methodology: Methodology, period: bool) -> tuple[Check, ...]:
    return tuple(
        c
        for c in methodology.checks
        if c.severity is Severity.WARNING and per_period(methodology, c) == period
    )


def evaluate_equations(
    context: Context, equations: Sequence[Equation], source: Source, place: Place
) -> dict[str, dict[Key, Fraction]]:
    """Results of ``equations`` (the ex-ante estimate's, say) without checks or trace."""
    scope = _Scope(source)
    _equations(context, scope, equations, place, None)
    return scope.results


def evaluate_period(
    context: Context, source: Source, place: Place, *, trace: bool = True
) -> Evaluated:
    """One project-period, exactly: the methodology's equations, ER and credits, then its
    checks; with ``trace``, a step with substituted values per equation and member."""
    scope = _Scope(source)
    steps: list[TraceStep] | None = [] if trace else None
    _equations(context, scope, equations_of(context.methodology), place, steps)
    _checks(context, scope, place)
    return Evaluated(scope.results, tuple(steps or ()))


class _Elements(_Scope):
    """A scope whose inputs and results are arrays: one exact number per project-period."""

    def evaluate(self, term: Term, context: Context, bindings: Mapping[str, str]) -> Any:
        from jcmcalc.model.expressions.elementwise import Elementwise

        visitor = Elementwise(self.lookup, context.members, bindings, context.attributes)
        return visitor.visit(term)

    @staticmethod
    def exact(value: Any) -> bool:
        from jcmcalc.model.expressions.elementwise import all_exact

        return all_exact(value)


def judged_periods(
    context: Context, checks: Sequence[Check], source: Source, place: Place
) -> list[tuple[Check, Key, Any, Any]]:
    """:func:`judged` on many project-periods at once, as :func:`evaluate_periods` evaluates
    them: both sides of each check and member as arrays of exact numbers."""
    return list(_judged(context, checks, _Elements(source), place))


def evaluate_periods(
    context: Context, source: Source, place: Place
) -> tuple[dict[str, dict[Key, Any]], Any]:
    """Many project-periods with the same members and attributes at once, exactly: the same
    loop over equations and checks as :func:`evaluate_period`, on numpy arrays of exact
    numbers (``source`` gives one array per input, an element per project-period). Returns
    each equation's results (an array, or one number shared by all) and where an error check
    fails (:func:`evaluate_period` on such a project-period gives the message); a plugin
    fault anywhere fails them all (``place`` names the first)."""
    import numpy as np

    scope = _Elements(source)
    _equations(context, scope, equations_of(context.methodology), place, None)
    failing = np.zeros((), dtype=bool)
    for check, _, left, right in _judged(context, context.methodology.error_checks, scope, place):
        failing = failing | np.logical_not(check.holds(left, right))
    return scope.results, failing
