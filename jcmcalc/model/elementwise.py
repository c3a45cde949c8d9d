"""Exact evaluation of a term on many project-periods at once: the rules of
:func:`jcmcalc.model.expressions.evaluate`, applied element by element to numpy arrays of
exact numbers (``Fraction`` objects), so that a batch of project-periods with the same members
and attributes is one pass over the tree instead of one pass per project-period."""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

import numpy as np

from jcmcalc.model.expressions import (
    BinaryOp,
    Exact,
    Floor,
    Maximum,
    Minimum,
    Power,
    to_text,
)
from jcmcalc.model.faults import exact


def _floor(value: Fraction | int) -> Fraction:
    return Fraction(value.numerator // value.denominator)


def _power(base: Fraction | int, power: Fraction | int, node: Power) -> Fraction:
    if Fraction(power).denominator != 1:
        raise ValueError(f"non-integer power in {to_text(node)}")
    return Fraction(base) ** int(power)


_FLOOR = np.frompyfunc(_floor, 1, 1)
_EXACT = np.frompyfunc(exact, 1, 1)


class Elementwise(Exact):
    """:class:`~jcmcalc.model.expressions.Exact` where a symbol's value is an object array
    with one exact number per project-period (or one number shared by all)."""

    def visit_BinaryOp(self, node: BinaryOp) -> Any:
        if node.op != "/":
            return super().visit_BinaryOp(node)
        a, b = self.visit(node.left), self.visit(node.right)
        if np.any(np.asarray(b == 0)):
            raise ZeroDivisionError(f"division by zero in {to_text(node)}")
        return np.divide(a, b, dtype=object)

    def visit_Power(self, node: Power) -> Any:
        base, power = self.visit(node.base), self.visit(node.exponent)
        return np.frompyfunc(functools.partial(_power, node=node), 2, 1)(base, power)

    def visit_Minimum(self, node: Minimum) -> Any:
        return functools.reduce(np.minimum, (self.visit(t) for t in node.terms))

    def visit_Maximum(self, node: Maximum) -> Any:
        return functools.reduce(np.maximum, (self.visit(t) for t in node.terms))

    def visit_Floor(self, node: Floor) -> Any:
        return _FLOOR(self.visit(node.term))


def all_exact(values: Any) -> bool:
    """Whether every element of ``values`` is an exact rational."""
    return bool(np.all(_EXACT(np.asarray(values, dtype=object))))
