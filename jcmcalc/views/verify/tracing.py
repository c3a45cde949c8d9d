"""For each differing figure, the first equation where the difference shows, in one pass over
the trace (linear in the number of figures)."""

from __future__ import annotations

from collections.abc import Iterable

from jcmcalc.inputs.submitted.submission import ALLOCATION, CREDITS, ER, ER_YEAR, TOTAL_ER, Figure
from jcmcalc.model.expressions.walkers import symbols
from jcmcalc.model.kernel import CREDITS as CREDITS_EQUATION
from jcmcalc.model.kernel import ER as ER_EQUATION
from jcmcalc.model.kernel import equations_of
from jcmcalc.run.result import Result, TraceStep


class Tracer:
    """The trace of a result, indexed once: which symbols each equation uses, the first step
    of each period (and of the run) using a symbol."""

    def __init__(self, result: Result) -> None:
        self.trace = result.trace
        allocation = result.inputs.project.allocation
        #: What a party's credits, and a year's ER, of each period are computed by.
        self.rules = {
            ALLOCATION: f"the allocation: {allocation.rule()}" if allocation else "",
            **{
                f"{ER_YEAR} {p.number}": f"the split by calendar year: {p.calendar.rule}"
                for p in result.periods
            },
        }
        self.uses = {
            e.symbol: frozenset(s.symbol for s in symbols(e.expression))
            for e in equations_of(result.methodology)
        }
        self.computed = {s.symbol for s in result.trace} | {ER, CREDITS, TOTAL_ER}
        self.first_using: dict[tuple[str, str], TraceStep] = {}
        for step in result.trace:
            for used in self.uses[step.symbol]:
                self.first_using.setdefault((str(step.period), used), step)
                self.first_using.setdefault(("", used), step)

    def _first_diverging(self, differing: Iterable[Figure]) -> dict[str, TraceStep]:
        """Per period (and ``""`` for the run), the first step that was submitted with another
        value or uses a differing input (an input fixed ex ante differs in every period)."""
        results, inputs = set(), set()
        for figure in differing:
            if figure.quantity in self.computed:
                if figure.period:
                    results.add(figure.key)
            else:
                inputs.add((figure.period, figure.quantity))
        first: dict[str, TraceStep] = {}
        for step in self.trace:
            period = str(step.period)
            if period in first:
                continue
            if (period, step.symbol, "/".join(step.member)) in results or any(
                (period, used) in inputs or ("", used) in inputs for used in self.uses[step.symbol]
            ):
                first[period] = step
                first.setdefault("", step)
        return first

    def explain(self, differing: list[Figure]) -> dict[int, str]:
        """For each differing figure (by position in ``differing``), where it first shows."""
        first = self._first_diverging(differing)
        explained = {}
        for n, figure in enumerate(differing):
            scope = "" if figure.period in ("", "total") else figure.period
            rule = self.rules.get(figure.quantity) or self.rules.get(f"{ER_YEAR} {scope}")
            if figure.quantity in (ALLOCATION, ER_YEAR) and rule:
                explained[n] = f"differs in {rule}"
                continue
            if figure.quantity not in self.computed:
                step = self.first_using.get((scope, figure.quantity))
                prefix = "first equation using it"
            else:
                step = first.get(scope)
                prefix = "first equation that differs"
            if step is not None:
                member = f" [{'/'.join(step.member)}]" if step.member else ""
                explained[n] = (
                    f"{prefix}: period {step.period}: {step.symbol}{member} = {step.expression}"
                )
            elif figure.quantity == CREDITS:
                explained[n] = f"differs in: {CREDITS_EQUATION.text}"
            else:
                explained[n] = f"differs in: {ER_EQUATION.text}"
        return explained
