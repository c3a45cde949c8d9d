"""The engine: evaluate a methodology's equations per monitoring period, exactly."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from fractions import Fraction

from jcmcalc.inputs.project import Period
from jcmcalc.inputs.resolve import Inputs, Key, Value
from jcmcalc.model.errors import InputError
from jcmcalc.model.expressions import Symbol, Term, evaluate, substituted, to_text
from jcmcalc.model.faults import exact, plugin_fault
from jcmcalc.model.methodology import PROJECT, REFERENCE, Check, Equation
from jcmcalc.model.numbers import credits_from, decimal_text
from jcmcalc.run.result import Mode, PeriodResult, Result, TraceStep, provenance


def _key(symbol: Symbol, bindings: Mapping[str, str]) -> Key:
    return tuple(bindings[index] for index in symbol.index)


class _Scope:
    """What the symbols of one period's equations stand for: results, inputs, fixed values."""

    def __init__(self, inputs: Inputs, values: Mapping[str, Mapping[Key, Value]]) -> None:
        self.inputs = inputs
        self.values = values
        self.results: dict[str, dict[Key, Fraction]] = {}

    def _input(self, symbol: Symbol, bindings: Mapping[str, str]) -> Value | None:
        source = self.values.get(symbol.name) or self.inputs.fixed.get(symbol.name, {})
        return source.get(_key(symbol, bindings))

    def lookup(self, symbol: Symbol, bindings: Mapping[str, str]) -> Fraction:
        if symbol.name in self.results:
            return self.results[symbol.name][_key(symbol, bindings)]
        value = self._input(symbol, bindings)
        if value is None:
            raise KeyError(f"{symbol.symbol} has no value for {dict(bindings)}")
        return value.value

    def show(self, symbol: Symbol, bindings: Mapping[str, str]) -> str:
        """The value as the trace writes it, marked where it is an override."""
        text = decimal_text(self.lookup(symbol, bindings))
        value = None if symbol.name in self.results else self._input(symbol, bindings)
        return f"{text} [override]" if value is not None and value.origin == "override" else text


def _evaluate_period(
    inputs: Inputs, scope: _Scope, number: int
) -> tuple[dict[str, dict[Key, Fraction]], list[TraceStep]]:
    results = scope.results
    lookup, show = scope.lookup, scope.show
    trace: list[TraceStep] = []
    for equation in inputs.methodology.equations:
        results[equation.name] = {}
        for key in _members(equation, inputs.members):
            bindings = dict(zip(equation.index, key, strict=True))
            value = _evaluate(
                inputs, equation.expression, lookup, bindings, where=(equation, key, number)
            )
            results[equation.name][key] = value
            trace.append(
                TraceStep(
                    period=number,
                    symbol=equation.symbol,
                    member=key,
                    expression=to_text(equation.expression),
                    substituted=substituted(equation.expression, show, inputs.members, bindings),
                    value=value,
                    unit=equation.unit,
                    inferred=equation.inferred,
                )
            )
    return results, trace


def _evaluate(
    inputs: Inputs,
    term: Term,
    lookup: Callable[[Symbol, Mapping[str, str]], Fraction],
    bindings: Mapping[str, str],
    *,
    where: tuple[Equation | Check, Key, int],
) -> Fraction:
    """Evaluate a term of the methodology's declarations; where it cannot give an exact number
    (a zero denominator its bounds admit, a fractional power) the plugin is at fault."""
    declaration, key, number = where
    try:
        value = evaluate(term, lookup, inputs.members, bindings)
    except (ZeroDivisionError, ValueError, OverflowError) as exc:
        place = (
            f"equation {declaration.symbol}"
            if isinstance(declaration, Equation)
            else f"check {declaration.name!r}"
        )
        member = f" for {'/'.join(key)}" if key else ""
        member += f" in period {number}"
        raise plugin_fault(
            inputs.methodology,
            f"{place} cannot be evaluated{member}: {exc} (its parameters' bounds admit "
            "these inputs)",
        ) from None
    if not exact(value):
        raise plugin_fault(
            inputs.methodology, f"{to_text(term)} gave {value!r}, not an exact number"
        )
    return value


def _members(equation: Equation | Check, members: Mapping[str, tuple[str, ...]]) -> list[Key]:
    return list(itertools.product(*(members[index] for index in equation.index)))


def _check_period(inputs: Inputs, scope: _Scope, period: Period) -> None:
    """Raise :class:`InputError` naming the period where a plausibility bound is breached."""
    lookup = scope.lookup
    for check in inputs.methodology.error_checks:
        for key in _members(check, inputs.members):
            bindings = dict(zip(check.index, key, strict=True))
            left = _evaluate(
                inputs, check.left, lookup, bindings, where=(check, key, period.number)
            )
            right = _evaluate(
                inputs, check.right, lookup, bindings, where=(check, key, period.number)
            )
            if left > right:
                member = f", {'/'.join(key)}" if key else ""
                raise InputError(
                    f"{period.label}{member}: check {check.name!r} fails, "
                    f"{check.description}: {check.text}, but {decimal_text(left)} > "
                    f"{decimal_text(right)}",
                    file=inputs.project.path,
                    at=f"periods[{period.number}]",
                )


def run(inputs: Inputs, *, mode: Mode = Mode.EX_POST) -> Result:
    """Evaluate every period of ``inputs``; credits are ER rounded down, exactly."""
    periods = []
    trace: list[TraceStep] = []
    warnings = list(inputs.warnings)
    for period_inputs in inputs.periods:
        period = period_inputs.period
        scope = _Scope(inputs, period_inputs.values)
        results, steps = _evaluate_period(inputs, scope, period.number)
        _check_period(inputs, scope, period)
        trace.extend(steps)
        reference = results[REFERENCE][()]
        project = results[PROJECT][()]
        reductions = reference - project
        if reductions < 0:
            warnings.append(
                f"{period.label}: emission reductions are negative "
                f"({decimal_text(reductions)} tCO2): no credits for this period"
            )
        periods.append(
            PeriodResult(
                number=period.number,
                start=period.start,
                end=period.end,
                reference=reference,
                project=project,
                reductions=reductions,
                credits=credits_from(reductions),
            )
        )
    return Result(
        methodology=inputs.methodology,
        project_name=inputs.project.name,
        mode=mode,
        periods=tuple(periods),
        trace=tuple(trace),
        inputs=inputs,
        warnings=tuple(warnings),
        provenance=provenance(inputs),
    )
