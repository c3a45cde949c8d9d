"""The engine: evaluate a methodology's equations per monitoring period, exactly."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from fractions import Fraction

from jcmcalc.equations import Symbol, evaluate, substituted, to_text
from jcmcalc.errors import InputError
from jcmcalc.inputs import Inputs, Key, Value
from jcmcalc.methodology import PROJECT, REFERENCE, Check, Equation
from jcmcalc.numbers import credits_from, decimal_text
from jcmcalc.project import Period
from jcmcalc.result import PeriodResult, Result, TraceStep, provenance


def _key(symbol: Symbol, bindings: Mapping[str, str]) -> Key:
    return tuple(bindings[index] for index in symbol.index)


def _evaluate_period(
    inputs: Inputs, values: Mapping[str, Mapping[Key, Value]], number: int
) -> tuple[dict[str, dict[Key, Fraction]], list[TraceStep]]:
    results: dict[str, dict[Key, Fraction]] = {}

    def lookup(symbol: Symbol, bindings: Mapping[str, str]) -> Fraction:
        key = _key(symbol, bindings)
        if symbol.name in results:
            return results[symbol.name][key]
        source = values.get(symbol.name) or inputs.fixed[symbol.name]
        return source[key].value

    def show(symbol: Symbol, bindings: Mapping[str, str]) -> str:
        text = decimal_text(lookup(symbol, bindings))
        source = values.get(symbol.name) or inputs.fixed.get(symbol.name, {})
        value = source.get(_key(symbol, bindings))
        return f"{text} [override]" if value is not None and value.origin == "override" else text

    trace: list[TraceStep] = []
    for equation in inputs.methodology.equations:
        results[equation.name] = {}
        for key in _members(equation, inputs.members):
            bindings = dict(zip(equation.index, key, strict=True))
            try:
                value = evaluate(equation.expression, lookup, inputs.members, bindings)
            except ZeroDivisionError as exc:
                raise InputError(
                    f"{exc} (period {number}{', ' + '/'.join(key) if key else ''})",
                    file=inputs.project.path,
                    parameter=equation.symbol,
                ) from None
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


def _members(equation: Equation | Check, members: Mapping[str, tuple[str, ...]]) -> list[Key]:
    return list(itertools.product(*(members[index] for index in equation.index)))


def _check_period(
    inputs: Inputs,
    values: Mapping[str, Mapping[Key, Value]],
    results: Mapping[str, Mapping[Key, Fraction]],
    period: Period,
) -> None:
    """Raise :class:`InputError` naming the period where a plausibility bound is breached."""

    def lookup(symbol: Symbol, bindings: Mapping[str, str]) -> Fraction:
        key = _key(symbol, bindings)
        if symbol.name in results:
            return results[symbol.name][key]
        return (values.get(symbol.name) or inputs.fixed[symbol.name])[key].value

    for check in inputs.methodology.checks:
        for key in _members(check, inputs.members):
            bindings = dict(zip(check.index, key, strict=True))
            left = evaluate(check.left, lookup, inputs.members, bindings)
            right = evaluate(check.right, lookup, inputs.members, bindings)
            if left > right:
                member = f", {'/'.join(key)}" if key else ""
                raise InputError(
                    f"{period.label}{member}: check {check.name!r} fails, "
                    f"{check.description}: {check.text}, but {decimal_text(left)} > "
                    f"{decimal_text(right)}",
                    file=inputs.project.path,
                    at=f"periods[{period.number}]",
                )


def run(inputs: Inputs, *, mode: str = "ex post") -> Result:
    """Evaluate every period of ``inputs``; credits are ER rounded down, exactly."""
    periods = []
    trace: list[TraceStep] = []
    warnings = list(inputs.warnings)
    for period_inputs in inputs.periods:
        period = period_inputs.period
        results, steps = _evaluate_period(inputs, period_inputs.values, period.number)
        _check_period(inputs, period_inputs.values, results, period)
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
