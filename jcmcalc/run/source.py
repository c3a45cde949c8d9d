"""What the kernel reads of resolved inputs: the methodology with its members, and the values
of one period (monitored ones, else those fixed ex ante)."""

from __future__ import annotations

from fractions import Fraction

import attrs

from jcmcalc.inputs.resolve import Inputs, Key, PeriodInputs, Value
from jcmcalc.model.expressions.walkers import Symbol
from jcmcalc.model.kernel import Context


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
