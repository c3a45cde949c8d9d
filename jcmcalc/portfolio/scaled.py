"""Exact evaluation of a batch on scaled integers: every value an integer array over one
common denominator, the members on array axes (as the float64 evaluator lays them out).

The rules are the kernel's (:class:`~jcmcalc.model.expressions.walkers.Exact`): sums,
differences, products, a floor rounding towards minus infinity, minimum and maximum, a select by
member attribute; a whole power and a division by one number shared by the whole batch. Each
value is ``numerators / denominator`` with the denominator a Python integer, so the result is
the kernel's ``Fraction`` exactly. Integers are int64 while the bounds of an operation keep
them below 2**62 and Python integers (object arrays) beyond, so nothing overflows. What these
rules do not cover (a division by a value that differs between elements, a negative or large
power, a missing value, a result beyond the kernel's size limit) raises
:class:`~jcmcalc.portfolio.vectorised.Unsupported`, and the kernel evaluates those
project-periods with ``Fraction`` as before.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from jcmcalc.model.checks import Check
from jcmcalc.model.expressions.walkers import (
    MAX_RESULT_BITS,
    BinaryOp,
    Constant,
    Floor,
    Maximum,
    Minimum,
    Power,
    Select,
    Symbol,
    Term,
    Total,
    Visitor,
    symbols,
)
from jcmcalc.model.kernel import CREDITS, ER, equations_of
from jcmcalc.model.methodology import PROJECT, REFERENCE, Methodology
from jcmcalc.portfolio.exact_figures import Block


class Unsupported(Exception):
    """The array evaluator cannot take this tree or batch (the kernel evaluates it exactly)."""


#: Integers stay int64 while every operand of an operation is below this bound.
LIMIT = 2**62
#: The largest whole exponent taken by repeated multiplication (larger: the kernel).
MAX_EXPONENT = 64
#: The largest common denominator built from a column of fractions, in bits (larger: the kernel).
MAX_DENOMINATOR_BITS = 256


@attrs.frozen
class Scaled:
    """Exact values ``integers / denominator`` (an int64 or object array of Python integers);
    ``present`` marks the elements that have a value."""

    integers: np.ndarray
    denominator: int
    present: np.ndarray | None = None

    def take(self, positions: np.ndarray) -> Scaled:
        """The values of the project-periods ``positions`` (the first axis)."""
        present = None if self.present is None else self.present[positions]
        return Scaled(self.integers[positions], self.denominator, present)

    def fraction(self, position: tuple[int, ...]) -> Fraction:
        return Fraction(int(self.integers[position]), self.denominator)


def of_fractions(values: np.ndarray) -> Scaled | None:
    """Scaled integers of an object array of ``Fraction`` (None: their common denominator is
    too large to be worth it)."""
    flat = [v if isinstance(v, int | Fraction) else Fraction(v) for v in values.ravel().tolist()]
    denominator = 1
    for value in flat:
        denominator = math.lcm(denominator, value.denominator)
        if denominator.bit_length() > MAX_DENOMINATOR_BITS:
            return None
    integers = [v.numerator * (denominator // v.denominator) for v in flat]  # (exact)
    return Scaled(_narrow(np.array(integers, dtype=object)).reshape(values.shape), denominator)


def of_decimals(integers: np.ndarray, scale: int, factor: Fraction) -> Scaled:
    """Scaled integers of ``integers`` x 10^-``scale`` x ``factor`` (float64 whole numbers below
    2**53, int64 or Python ints)."""
    if integers.dtype.kind == "f":
        integers = integers.astype(np.int64)
    numerators = _times(integers, factor.numerator)
    return Scaled(numerators, 10**scale * factor.denominator)


def of_signatures(values: Sequence[Fraction | None], code: np.ndarray) -> Scaled | None:
    """Scaled integers of each row's value ``values[code[row]]`` (None: not resolved, absent)."""
    present = np.array([v is not None for v in values], dtype=bool)
    found = of_fractions(np.array([v or 0 for v in values] or [0], dtype=object))
    if found is None:
        return None
    return Scaled(found.integers[code], found.denominator, present[code] if len(values) else None)


def either(present: np.ndarray, given: Scaled | None, other: Scaled | None) -> Scaled | None:
    """Values of ``given`` where ``present``, else of ``other`` (None where either is)."""
    if given is None or other is None:
        return None
    (mine, theirs), common = _aligned(
        [(given.integers, given.denominator), (other.integers, other.denominator)]
    )
    if mine.dtype != theirs.dtype:
        mine, theirs = _wide(mine), _wide(theirs)
    kept = other.present if other.present is not None else np.ones(len(present), dtype=bool)
    return Scaled(np.where(present, mine, theirs), common, present | kept)


def _bound(values: np.ndarray) -> int:
    """The largest magnitude of ``values`` as a Python integer."""
    if not values.size:
        return 0
    return max(abs(int(values.max())), abs(int(values.min())))


def _narrow(values: np.ndarray) -> np.ndarray:
    """An object array of Python integers as int64 where they all fit."""
    if values.dtype == object and _bound(values) < LIMIT:
        return values.astype(np.int64)
    return values


def _wide(values: np.ndarray) -> np.ndarray:
    return values if values.dtype == object else values.astype(object)


def _times(values: np.ndarray, factor: int) -> np.ndarray:
    """``values`` x ``factor`` exactly."""
    if factor == 1:
        return values
    if values.dtype == object or max(_bound(values), 1) * abs(factor) >= LIMIT:
        return _wide(values) * factor
    return values * factor


Pair = tuple[np.ndarray, int]  # numerators and their common denominator


def _aligned(parts: Sequence[Pair]) -> tuple[list[np.ndarray], int]:
    """The numerators of ``parts`` over their least common denominator."""
    common = math.lcm(*(d for _, d in parts))
    return [_times(a, common // d) for a, d in parts], common


class Integers(Visitor[Pair]):
    """A tree's exact value on the project-periods of ``scope`` (each symbol's
    :class:`Scaled` values), members on the axes of ``sizes``; ``attributes`` the members'
    attributes for a select."""

    def __init__(
        self,
        scope: Mapping[str, Pair],
        sizes: Mapping[str, int],
        axes: Mapping[str, int],
        attributes: Mapping[tuple[str, str], np.ndarray],
    ) -> None:
        self.scope, self.sizes, self.axes, self.attributes = scope, sizes, axes, attributes

    def generic(self, node: Term) -> Pair:
        raise Unsupported(f"no scaled-integer evaluation of {type(node).__name__} terms")

    def visit_Symbol(self, node: Symbol) -> Pair:
        if node.name not in self.scope:
            return self.generic(node)
        return self.scope[node.name]

    def visit_Constant(self, node: Constant) -> Pair:
        value = Fraction(node.value)
        shape = (1,) * (1 + len(self.axes))
        return _narrow(np.full(shape, value.numerator, dtype=object)), value.denominator

    def visit_BinaryOp(self, node: BinaryOp) -> Pair:
        a, b = self.visit(node.left), self.visit(node.right)
        if node.op in "+-":
            (left, right), common = _aligned([a, b])
            if left.dtype != object and right.dtype != object:
                if _bound(left) + _bound(right) >= LIMIT:
                    left, right = _wide(left), _wide(right)
            elif left.dtype != right.dtype:
                left, right = _wide(left), _wide(right)
            return (left + right if node.op == "+" else left - right), common
        if node.op == "*":
            return self._product(a, b)
        if b[0].size != 1 or int(b[0].flat[0]) == 0:
            return self.generic(node)  # the kernel divides (and names a zero divisor)
        divisor = int(b[0].flat[0])
        sign = -1 if divisor < 0 else 1
        return _times(a[0], sign * b[1]), a[1] * abs(divisor)

    def _product(self, a: Pair, b: Pair) -> Pair:
        left, right = a[0], b[0]
        if left.dtype == object or right.dtype == object or _bound(left) * _bound(right) >= LIMIT:
            left, right = _wide(left), _wide(right)
        return left * right, a[1] * b[1]

    def visit_Power(self, node: Power) -> Pair:
        base = self.visit(node.base)
        exponent, denominator = self.visit(node.exponent)
        if exponent.size != 1 or denominator != 1:
            return self.generic(node)
        times = int(exponent.flat[0])
        if not 0 <= times <= MAX_EXPONENT:
            return self.generic(node)
        found: Pair = (np.ones((1,) * base[0].ndim, dtype=np.int64), 1)
        for _ in range(times):
            found = self._product(found, base)
        return found

    def visit_Total(self, node: Total) -> Pair:
        body, denominator = self.visit(node.body)
        axis, size = self.axes[node.index], self.sizes[node.index]
        target = list(body.shape)
        target[axis] = size
        body = np.broadcast_to(body, target)
        if body.dtype != object and _bound(body) * max(size, 1) >= LIMIT:
            body = _wide(body)
        return body.sum(axis=axis, keepdims=True), denominator

    def _extremum(self, node: Minimum | Maximum, choose: np.ufunc) -> Pair:
        values, common = _aligned([self.visit(t) for t in node.terms])
        if len({v.dtype for v in values}) > 1:
            values = [_wide(v) for v in values]
        return choose.reduce(np.broadcast_arrays(*values)), common

    def visit_Minimum(self, node: Minimum) -> Pair:
        return self._extremum(node, np.minimum)

    def visit_Maximum(self, node: Maximum) -> Pair:
        return self._extremum(node, np.maximum)

    def visit_Floor(self, node: Floor) -> Pair:
        value, denominator = self.visit(node.term)
        if denominator >= LIMIT:
            value = _wide(value)
        return value // denominator, 1

    def visit_Select(self, node: Select) -> Pair:
        chosen = self.attributes.get((node.index, node.attribute))
        if chosen is None:
            return self.generic(node)
        conditions = [chosen == key for key, _ in node.cases]
        values, common = _aligned([self.visit(term) for _, term in node.cases])
        if len({v.dtype for v in values}) > 1:
            values = [_wide(v) for v in values]
        shaped = np.broadcast_arrays(*conditions, *values)
        conditions, values = shaped[: len(conditions)], shaped[len(conditions) :]
        if not np.logical_or.reduce(conditions).all():
            return self.generic(node)  # a member no case takes: the kernel says so
        return np.select(conditions, values), common


def oversized(value: Pair) -> bool:
    """Whether a result may lie beyond the kernel's size limit (it then says so)."""
    numerators, denominator = value
    if numerators.dtype != object:
        return denominator.bit_length() > MAX_RESULT_BITS
    return max(_bound(numerators).bit_length(), denominator.bit_length()) > MAX_RESULT_BITS


def compare(left: Pair, right: Pair, strict: bool) -> np.ndarray:
    """Where ``left < right`` (``strict``) or ``left <= right``, exactly."""
    (a, b), _ = _aligned([left, right])
    if a.dtype != b.dtype:
        a, b = _wide(a), _wide(b)
    return np.asarray(a < b if strict else a <= b, dtype=bool)


def walk(
    methodology: Methodology, visit: Callable[[Term], Any], scope: dict[str, Any]
) -> list[tuple[Check, Any, Any]]:
    """The kernel's equations (:func:`~jcmcalc.model.kernel.equations_of`), each value into
    ``scope``, then both sides of each error check, through ``visit``."""
    for equation in equations_of(methodology):
        scope[equation.name] = visit(equation.expression)
    return [(check, visit(check.left), visit(check.right)) for check in methodology.error_checks]


def _used(methodology: Methodology) -> set[str]:
    """The symbols of the kernel's equations and error checks."""
    terms = [e.expression for e in equations_of(methodology)]
    terms += [t for c in methodology.error_checks for t in (c.left, c.right)]
    return {s.name for term in terms for s in symbols(term)}


def _complete(batch: Any, positions: np.ndarray) -> np.ndarray | None:
    """Which of ``positions`` have every value the equations use (None: a value these rules
    cannot hold, for all of them)."""
    complete = np.ones(len(positions), dtype=bool)
    for name in _used(batch.methodology) & batch.values.keys():
        found = batch.values[name].scaled
        if found is None:
            return None
        if found.present is not None:
            complete &= found.present[positions].reshape(len(positions), -1).all(axis=1)
    return complete


def settle(batch: Any, positions: np.ndarray, outcome: Any) -> np.ndarray:
    """Evaluate the project-periods ``positions`` of ``batch`` (a
    :class:`~jcmcalc.portfolio.vectorised.Batch`) exactly on scaled integers into ``outcome``
    (its :class:`~jcmcalc.portfolio.vectorised.Outcome`: RE, PE and ER as ``Fraction``,
    credits); return those left to the kernel: all of them where these rules do not cover the
    batch, else those lacking a value the equations use and those an error check fails (the
    kernel gives the messages)."""
    complete = _complete(batch, positions) if len(positions) else None
    if complete is None or not complete.any():
        return positions
    lacking, positions = positions[~complete], positions[complete]
    scope: dict[str, Any] = {}
    for name, column in batch.values.items():
        if column.scaled is not None:
            taken = column.scaled.take(positions)
            scope[name] = (taken.integers, taken.denominator)
    axes = {s: batch.axis(s) for s in batch.symbols}
    attributes = {key: array[positions] for key, array in batch.attributes.items()}
    visitor = Integers(scope, batch.sizes, axes, attributes)
    try:
        checks = walk(batch.methodology, visitor.visit, scope)
    except Unsupported:
        return np.concatenate([lacking, positions])
    if any(oversized(scope[e.name]) for e in equations_of(batch.methodology)):
        return np.concatenate([lacking, positions])
    failing = np.zeros(len(positions), dtype=bool)
    for check, left, right in checks:
        held = compare(left, right, check.strict)
        held = np.broadcast_to(held, (len(positions), *held.shape[1:]))
        failing |= ~held.reshape(len(positions), -1).all(axis=1)
    kept = np.flatnonzero(~failing)
    found = [_per_element(scope[n][0], len(positions))[kept] for n in (REFERENCE, PROJECT, ER.name)]
    credits, _ = scope[CREDITS.name]
    outcome.exact.add(
        Block(
            positions[kept],
            tuple(found),  # type: ignore[arg-type]
            tuple(scope[n][1] for n in (REFERENCE, PROJECT, ER.name)),  # type: ignore[arg-type]
        )
    )
    outcome.credits[positions[kept]] = _per_element(credits, len(positions))[kept]
    return np.concatenate([lacking, positions[failing]])


def _per_element(values: np.ndarray, count: int) -> np.ndarray:
    """The first cell of each element of a result (one value per project-period; a result
    the same for every element broadcast), narrowed to int64 where the values fit."""
    flat = values.reshape(values.shape[0], -1)[:, 0] if values.ndim else values.reshape(1)
    return _narrow(np.ascontiguousarray(np.broadcast_to(flat, count)))
