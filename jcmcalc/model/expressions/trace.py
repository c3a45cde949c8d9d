"""A step of the trace: one evaluated equation with its substituted values, the text written
when an output first reads it."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import attrs

from jcmcalc.model.numbers import exact_text


class Deferred:
    """Text built when first read (the substituted values of a sum over 20,000 members are
    written only for an output that shows them); equal to another by its text."""

    __slots__ = ("_make", "_text")

    def __init__(self, make: Callable[[], str]) -> None:
        self._make: Callable[[], str] | None = make
        self._text = ""

    def __str__(self) -> str:
        if self._make is not None:
            self._text, self._make = self._make(), None
        return self._text

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other) if isinstance(other, Deferred | str) else NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __repr__(self) -> str:
        return repr(str(self))

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return str, (str(self),)  # pickled as its text


@attrs.frozen
class TraceStep:
    """One evaluated equation: its text, its substituted values (text built when first read)
    and its result."""

    period: int
    symbol: str
    member: tuple[str, ...]
    expression: str
    text: Deferred | str
    value: Fraction
    unit: str
    inferred: str = ""

    @property
    def substituted(self) -> str:
        """The equation with every symbol replaced by its value (sums written out)."""
        return str(self.text)

    def to_dict(self) -> dict[str, Any]:
        step = {
            "period": self.period,
            "symbol": self.symbol,
            "member": list(self.member),
            "expression": self.expression,
            "substituted": self.substituted,
            "value": exact_text(self.value),
            "unit": self.unit,
        }
        if self.inferred:
            step["inferred"] = self.inferred
        return step
