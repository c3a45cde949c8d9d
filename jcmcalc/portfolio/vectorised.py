"""Many project-periods at once: the equation trees evaluated on numpy arrays, credits exact.

A :class:`Batch` holds N project-periods of one methodology whose indices have the same number
of members. Every value is an array of shape ``(N, d_1, ..., d_k)`` with one axis per index of
the methodology (size 1 where the value does not depend on it), so the operators of a tree
broadcast and a sum over an index is a sum over its axis.

Float64 can lose a credit: 7000 MWh x 0.073 t/MWh is 510.99999999999994 in floating point, 511
exactly. Alongside each value a magnitude bound is carried (the value computed on absolute
values, first-order propagation through division), and every project-period whose ER lies
within a relative margin of that bound from a whole number (or below it, or not finite) is
evaluated again exactly with ``Fraction`` through :func:`jcmcalc.model.expressions.evaluate`, the
engine's own evaluator. Credits therefore equal the exact per-project path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from functools import singledispatch

import attrs
import numpy as np

from jcmcalc.model.errors import InputError
from jcmcalc.model.expressions import (
    BinaryOp,
    Constant,
    Minimum,
    Power,
    Symbol,
    Term,
    Total,
    evaluate,
)
from jcmcalc.model.methodology import PROJECT, REFERENCE, Methodology
from jcmcalc.model.numbers import credits_from, decimal_text

#: Relative margin around whole numbers (and zero) inside which ER is re-evaluated exactly.
#: Float64 rounding is 2**-53 per operation; 2**-30 leaves room for 2**23 operations per value.
MARGIN = 2.0**-30

Exact = Callable[[tuple[int, ...]], Fraction]


@attrs.frozen
class Column:
    """A value of every project-period: float64 ``approx`` and an exact accessor by position."""

    approx: np.ndarray
    exact: Exact


def fraction_column(values: np.ndarray) -> Column:
    """A column from an object array of ``Fraction``."""
    approx = np.array([float(v) for v in values.ravel()], dtype=np.float64).reshape(values.shape)
    return Column(approx, lambda position: values[position])


@attrs.frozen
class Batch:
    """N project-periods of ``methodology``; ``sizes`` the number of members of each index."""

    methodology: Methodology
    sizes: Mapping[str, int]
    values: Mapping[str, Column]
    count: int

    def axis(self, index: str) -> int:
        return 1 + [i.symbol for i in self.methodology.indices].index(index)

    def shape(self, index: Sequence[str]) -> tuple[int, ...]:
        """The array shape of a value indexed by ``index``."""
        return (self.count, *(self.sizes[s] if s in index else 1 for s in self.symbols))

    @property
    def symbols(self) -> list[str]:
        return [i.symbol for i in self.methodology.indices]


@attrs.frozen
class Outcome:
    """RE, PE and ER of each project-period (exact where re-evaluated), credits, problems."""

    reference: list[Fraction | float]
    project: list[Fraction | float]
    reductions: list[Fraction | float]
    credits: np.ndarray
    exact: np.ndarray
    errors: dict[int, InputError]


def run(batch: Batch, *, where: Callable[[int], str] = str) -> Outcome:
    """Evaluate every equation of ``batch`` in float64, then exactly where credits could differ.

    ``where(n)`` names project-period ``n`` in error messages.
    """
    methodology = batch.methodology
    scope: dict[str, tuple[np.ndarray, np.ndarray]] = {
        name: (column.approx, np.abs(column.approx)) for name, column in batch.values.items()
    }
    with np.errstate(all="ignore"):
        for equation in methodology.equations:
            scope[equation.name] = _value(equation.expression, scope, batch)
        doubtful = np.zeros(batch.count, dtype=bool)
        for check in methodology.error_checks:
            left, left_size = _value(check.left, scope, batch)
            right, right_size = _value(check.right, scope, batch)
            margin = MARGIN * (left_size + right_size)
            near = ~(left + margin < right) & np.isfinite(margin)
            doubtful |= ~np.isfinite(left - right).reshape(batch.count, -1).all(axis=1)
            doubtful |= near.reshape(batch.count, -1).any(axis=1)
        flat = (batch.count,) + (1,) * len(batch.symbols)
        reference, reference_size = (np.broadcast_to(a, flat).ravel() for a in scope[REFERENCE])
        project, project_size = (np.broadcast_to(a, flat).ravel() for a in scope[PROJECT])
        reductions = reference - project
        size = reference_size + project_size
        nearest = np.rint(reductions)
        doubtful |= ~np.isfinite(reductions) | ~np.isfinite(size)
        doubtful |= np.abs(reductions - nearest) <= MARGIN * size + 1e-300
        doubtful |= reductions <= MARGIN * size
    credits = np.zeros(batch.count, dtype=np.int64)
    clear = ~doubtful
    credits[clear] = np.floor(reductions[clear]).astype(np.int64)
    outcome = Outcome(
        reference=reference.tolist(),
        project=project.tolist(),
        reductions=reductions.tolist(),
        credits=credits,
        exact=doubtful.copy(),
        errors={},
    )
    for position in np.flatnonzero(doubtful):
        _exact(batch, int(position), outcome, where)
    return outcome


def _exact(batch: Batch, position: int, outcome: Outcome, where: Callable[[int], str]) -> None:
    """Evaluate project-period ``position`` exactly, as the engine does."""
    methodology = batch.methodology
    members = {s: tuple(str(m) for m in range(batch.sizes[s])) for s in batch.symbols}
    results: dict[str, dict[tuple[int, ...], Fraction]] = {}

    def lookup(symbol: Symbol, bindings: Mapping[str, str]) -> Fraction:
        key = tuple(int(bindings[s]) if s in symbol.index else 0 for s in batch.symbols)
        if symbol.name in results:
            return results[symbol.name][key]
        return batch.values[symbol.name].exact((position, *key))

    try:
        for equation in methodology.equations:
            results[equation.name] = {}
            for key in np.ndindex(*batch.shape(equation.index)[1:]):
                bindings = {s: str(k) for s, k in zip(batch.symbols, key, strict=True)}
                try:
                    value = evaluate(equation.expression, lookup, members, bindings)
                except ZeroDivisionError as exc:
                    raise InputError(
                        f"{exc} ({where(position)})", parameter=equation.symbol
                    ) from None
                results[equation.name][key] = value
        for check in methodology.error_checks:
            for key in np.ndindex(*batch.shape(check.index)[1:]):
                bindings = {s: str(k) for s, k in zip(batch.symbols, key, strict=True)}
                left = evaluate(check.left, lookup, members, bindings)
                right = evaluate(check.right, lookup, members, bindings)
                if left > right:
                    raise InputError(
                        f"{where(position)}: check {check.name!r} fails, {check.description}: "
                        f"{check.text}, but {decimal_text(left)} > {decimal_text(right)}"
                    )
    except InputError as exc:
        outcome.errors[position] = exc
        return
    origin = (0,) * len(batch.symbols)
    reference, project = results[REFERENCE][origin], results[PROJECT][origin]
    outcome.reference[position] = reference
    outcome.project[position] = project
    outcome.reductions[position] = reference - project
    outcome.credits[position] = credits_from(reference - project)


# --- float evaluation with a magnitude bound ------------------------------------------------

Scope = Mapping[str, tuple[np.ndarray, np.ndarray]]


@singledispatch
def _value(term: Term, scope: Scope, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
    raise TypeError(f"unknown term {term!r}")


@_value.register
def _(term: Symbol, scope: Scope, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
    return scope[term.name]


@_value.register
def _(term: Constant, scope: Scope, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
    value = np.full((1,) * (1 + len(batch.symbols)), float(term.value))
    return value, np.abs(value)


@_value.register
def _(term: BinaryOp, scope: Scope, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
    a, a_size = _value(term.left, scope, batch)
    b, b_size = _value(term.right, scope, batch)
    if term.op == "+":
        return a + b, a_size + b_size
    if term.op == "-":
        return a - b, a_size + b_size
    if term.op == "*":
        return a * b, a_size * b_size
    quotient = a / b
    return quotient, a_size / np.abs(b) + np.abs(quotient) * b_size / np.abs(b)


@_value.register
def _(term: Power, scope: Scope, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
    base, base_size = _value(term.base, scope, batch)
    exponent, _ = _value(term.exponent, scope, batch)
    value = np.power(base, exponent)
    # |d(b**n)| <= |n| |b|**(n-1) |db|: a bound relative to the value, widened by the exponent.
    relative = np.abs(exponent) * base_size / np.abs(base)
    return value, np.abs(value) * np.maximum(relative, 1.0)


@_value.register
def _(term: Total, scope: Scope, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
    body, body_size = _value(term.body, scope, batch)
    axis = batch.axis(term.index)
    target = list(body.shape)
    target[axis] = batch.sizes[term.index]
    body, body_size = np.broadcast_to(body, target), np.broadcast_to(body_size, target)
    return body.sum(axis=axis, keepdims=True), body_size.sum(axis=axis, keepdims=True)


@_value.register
def _(term: Minimum, scope: Scope, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
    parts = [_value(t, scope, batch) for t in term.terms]
    value = np.minimum.reduce(np.broadcast_arrays(*(p[0] for p in parts)))
    size = np.maximum.reduce(np.broadcast_arrays(*(p[1] for p in parts)))
    return value, size
