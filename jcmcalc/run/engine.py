"""The engine: every monitoring period of a project through the kernel, exactly."""

from __future__ import annotations

from fractions import Fraction

import attrs

from jcmcalc.inputs.resolve import Inputs, Key, PeriodInputs, Value
from jcmcalc.model.allocation import allocate
from jcmcalc.model.expressions import Symbol
from jcmcalc.model.kernel import (
    Context,
    Place,
    TraceStep,
    evaluate_period,
    reduction_warnings,
)
from jcmcalc.run.eligibility import checklist
from jcmcalc.run.result import Mode, PeriodResult, Result, provenance


@attrs.frozen
class InputSource:
    """The values of one period: monitored ones, else those fixed ex ante."""

    inputs: Inputs
    period: PeriodInputs

    def _input(self, symbol: Symbol, key: Key) -> Value | None:
        source = self.period.values.get(symbol.name) or self.inputs.fixed.get(symbol.name, {})
        return source.get(key)

    def value(self, symbol: Symbol, key: Key) -> Fraction | None:
        found = self._input(symbol, key)
        return None if found is None else found.value

    def note(self, symbol: Symbol, key: Key) -> str:
        found = self._input(symbol, key)
        return " [override]" if found is not None and found.origin == "override" else ""


def context_of(inputs: Inputs) -> Context:
    """The kernel's view of resolved inputs: methodology, members and their attributes."""
    return Context(inputs.methodology, inputs.members, inputs.attributes)


def run(inputs: Inputs, *, mode: Mode = Mode.EX_POST) -> Result:
    """Evaluate every period of ``inputs`` through the kernel; credits are exact."""
    context = context_of(inputs)
    periods = []
    trace: list[TraceStep] = []
    warnings = list(inputs.warnings)
    allocation = inputs.project.allocation
    if allocation is not None and allocation.amounts and mode is not Mode.EX_POST:
        allocation = None  # amounts are given per monitoring period, not per estimated year
    for period_inputs in inputs.periods:
        period = period_inputs.period
        place = Place(
            period.number, period.label, file=inputs.project.path, at=f"periods[{period.number}]"
        )
        found = evaluate_period(context, InputSource(inputs, period_inputs), place)
        trace.extend(found.trace)
        warnings += reduction_warnings(period.label, found.reductions)
        periods.append(
            PeriodResult(
                number=period.number,
                start=period.start,
                end=period.end,
                reference=found.reference,
                project=found.project,
                reductions=found.reductions,
                credits=found.credits,
                allocation=()
                if allocation is None
                else allocate(found.credits, allocation, period.number),
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
        eligibility=checklist(inputs.methodology, inputs.project.eligibility, inputs.project.path),
    )
