"""Exact evaluation of a term on many project-periods at once: the rules of
:func:`jcmcalc.model.expressions.walkers.evaluate`, applied element by element to numpy arrays of
exact numbers (``Fraction`` objects), so that a batch of project-periods with the same members
and attributes is one pass over the tree instead of one pass per project-period."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from jcmcalc.model.expressions.walkers import Exact, Maximum, Minimum, Power
from jcmcalc.model.faults import exact

_FLOOR = np.frompyfunc(Exact.floored, 1, 1)
_EXACT = np.frompyfunc(exact, 1, 1)


class Elementwise(Exact):
    """:class:`~jcmcalc.model.expressions.walkers.Exact` where a symbol's value is an object array
    with one exact number per project-period (or one number shared by all): its rules, each
    applied to every element."""

    @staticmethod
    def zero(value: Any) -> bool:
        return bool(np.any(np.asarray(value == 0)))

    @staticmethod
    def power(base: Any, power: Any, node: Power) -> Any:
        return np.frompyfunc(functools.partial(Exact.power, node=node), 2, 1)(base, power)

    @staticmethod
    def floored(value: Any) -> Any:
        return _FLOOR(value)

    def visit_Minimum(self, node: Minimum) -> Any:
        return functools.reduce(np.minimum, (self.visit(t) for t in node.terms))

    def visit_Maximum(self, node: Maximum) -> Any:
        return functools.reduce(np.maximum, (self.visit(t) for t in node.terms))


def all_exact(values: Any) -> bool:
    """Whether every element of ``values`` is an exact rational."""
    return bool(np.all(_EXACT(np.asarray(values, dtype=object))))
