"""The engine: every monitoring period of a project through the kernel, exactly."""

from __future__ import annotations

from jcmcalc.inputs.resolve import Inputs
from jcmcalc.model.allocation import allocate
from jcmcalc.model.kernel import Place, TraceStep, evaluate_period, reduction_warnings
from jcmcalc.run.calendar import split
from jcmcalc.run.eligibility import checklist
from jcmcalc.run.result import Mode, PeriodResult, Result, provenance
from jcmcalc.run.source import InputSource, context_of


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
                calendar=split(inputs, period_inputs, found.reductions),
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
