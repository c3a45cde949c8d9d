"""Many project-periods at once: the kernel's equations on numpy arrays, credits exact.

A :class:`Batch` holds N project-periods of one methodology whose indices have the same number
of members. Every value is an array of shape ``(N, d_1, ..., d_k)`` with one axis per index of
the methodology (size 1 where the value does not depend on it), so the operators of a tree
broadcast and a sum over an index is a sum over its axis. Member attributes (for ``select``)
are text arrays of the same layout.

A batch is first evaluated exactly on scaled integers in arrays
(:func:`~jcmcalc.portfolio.scaled.settle`: the kernel's rules, every value numerators over one
denominator), and its figures stay so (:class:`~jcmcalc.portfolio.exact_figures.ExactFigures`).
What those rules do not cover (a division by a per-element value, a large power, a missing
value, a failing error check) is evaluated in float64. Float64 can lose a credit: 7000 MWh x
0.073 t/MWh is 510.99999999999994 in floating point, 511 exactly. Alongside each value a
magnitude bound is carried (the value computed on absolute values, first-order propagation
through division), and every project-period where a ``floor`` (the credits' rounding of ER) or
a check lies within a relative margin of that bound from a whole number or from its limit (or
is not finite) is evaluated again exactly by the kernel's own loop
(:func:`~jcmcalc.model.kernel.evaluate_periods`, many alike at once). Credits therefore equal
the exact per-project path. The same holds for the figures printed: every project-period whose
RE, PE or ER lies within the float64 error bound of a rounding boundary at
:data:`~jcmcalc.model.numbers.DISPLAY_PLACES` decimals is evaluated exactly, so the digits
printed from float64 are those of the exact value. A tree neither evaluator can take is said
so in :attr:`Outcome.fallback`, and every project-period goes through the kernel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

import attrs
import numpy as np

from jcmcalc.inputs.project import period_label
from jcmcalc.model.errors import JcmcalcError
from jcmcalc.model.expressions.walkers import (
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
)
from jcmcalc.model.kernel import (
    CREDITS,
    ER,
    Context,
    Key,
    Place,
    evaluate_period,
    evaluate_periods,
    reduction_warnings,
)
from jcmcalc.model.methodology import PROJECT, REFERENCE, Methodology
from jcmcalc.model.numbers import DISPLAY_PLACES
from jcmcalc.portfolio.exact_figures import ExactFigures
from jcmcalc.portfolio.frame import figures_at
from jcmcalc.portfolio.scaled import Scaled, Unsupported, of_fractions, settle, walk

#: Relative margin around whole numbers (and zero) inside which ER is re-evaluated exactly.
#: Float64 rounding is 2**-53 per operation; 2**-30 leaves room for 2**23 operations per value.
MARGIN = 2.0**-30

#: Relative error of one float64 rounding (2**-53), widened 8x for the first-order bound and the
#: inputs' conversion; multiplied by the number of roundings counted while evaluating.
ROUNDING = 2.0**-50

Exact = Callable[[tuple[int, ...]], Fraction]


@attrs.frozen
class Column:
    """A value of every project-period: float64 ``approx``, an exact accessor by position and,
    where known, the exact values as scaled integers."""

    approx: np.ndarray
    exact: Exact
    scaled: Scaled | None = None


def fraction_column(values: np.ndarray) -> Column:
    """A column from an object array of ``Fraction``."""
    approx = np.array([float(v) for v in values.ravel()], dtype=np.float64).reshape(values.shape)
    return Column(approx, lambda position: values[position], of_fractions(values))


@attrs.frozen
class Batch:
    """N project-periods of ``methodology``; ``sizes`` the number of members of each index;
    ``attributes`` the members' attributes by ``(index, attribute)``, as text arrays."""

    methodology: Methodology
    sizes: Mapping[str, int]
    values: Mapping[str, Column]
    count: int
    attributes: Mapping[tuple[str, str], np.ndarray] = attrs.field(factory=dict)

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
    """RE, PE and ER of each project-period in float64 (``figures``, one row each), the exact
    values of the project-periods evaluated exactly (``exact``), credits, problems;
    ``fallback`` says why the arrays could not be used at all ("" when they were)."""

    figures: np.ndarray
    credits: np.ndarray
    exact: ExactFigures
    errors: dict[int, JcmcalcError]
    fallback: str = ""

    def method(self, label: str) -> tuple[str, ...]:
        """The warning a project-period of methodology ``label`` carries when the arrays could
        not be used (none when they were)."""
        if not self.fallback:
            return ()
        return (f"{label}: computed exactly by the kernel's own loop ({self.fallback})",)

    def values(self, position: int) -> tuple[Fraction | float, ...]:
        """RE, PE and ER of project-period ``position``: exact where evaluated exactly."""
        return figures_at(self.figures, self.exact, position)

    def negative(self) -> list[int]:
        """The project-periods whose reductions are negative (exact where evaluated exactly)."""
        below = self.figures[2] < 0
        self.exact.negative(below)
        return np.flatnonzero(below).tolist()

    def negative_warnings(
        self, position: int, period: int, start: str, end: str
    ) -> tuple[str, ...]:
        """The warnings of project-period ``position`` (``period`` from ``start`` to ``end``)
        about its negative reductions."""
        label = period_label(period, start, end)
        return tuple(reduction_warnings(label, self.values(position)[2]))


Pair = tuple[np.ndarray, np.ndarray]  # value and magnitude bound


def _flat(array: np.ndarray, count: int) -> np.ndarray:
    """One value per project-period of a value not indexed by any member."""
    return np.broadcast_to(array, (count,) + (1,) * (array.ndim - 1)).ravel()


def run_named(
    batch: Batch, projects: Sequence[str] | np.ndarray, periods: Sequence[int] | np.ndarray
) -> tuple[Outcome, dict[str, str]]:
    """:func:`run`, each project-period named by its project and period; and the projects that
    failed, with the message."""
    outcome = run(
        batch,
        where=lambda n: Place(
            int(periods[n]), f"{projects[n]}, period {periods[n]}", members=False
        ),
    )
    return outcome, {str(projects[n]): str(error) for n, error in outcome.errors.items()}


def run(batch: Batch, *, where: Callable[[int], Place]) -> Outcome:
    """Evaluate the kernel's equations of ``batch`` exactly on scaled integers where their
    rules cover it (:func:`~jcmcalc.portfolio.scaled.settle`); the rest in float64, then
    exactly through the kernel every project-period whose credits could differ. ``where(n)``
    names element ``n``."""
    count = batch.count
    figures = np.full((3, count), np.nan)
    outcome = Outcome(figures, np.zeros(count, dtype=np.int64), ExactFigures(), {})
    rest = settle(batch, np.arange(count), outcome)
    outcome.exact.floated(figures)
    if not len(rest):
        return outcome
    try:
        scope, doubtful = _floats(batch)
        floats = [_flat(scope[e][0], count) for e in (REFERENCE, PROJECT, ER.name, CREDITS.name)]
        fallback = ""
    except Unsupported as exc:
        floats, doubtful, fallback = [], np.ones(count, dtype=bool), str(exc)
    if floats:
        figures[:, rest] = np.stack(floats[:3])[:, rest]
        clear = rest[~doubtful[rest]]
        outcome.credits[clear] = floats[3][clear].astype(np.int64)
    outcome = attrs.evolve(outcome, fallback=fallback) if fallback else outcome
    for group in alike(batch, rest[doubtful[rest]]):
        _exact_group(batch, group, outcome, where)
    return outcome


def _scope(batch: Batch) -> dict[str, Pair]:
    return {name: (column.approx, np.abs(column.approx)) for name, column in batch.values.items()}


def evaluated(batch: Batch, terms: Sequence[Term]) -> tuple[list[Pair], int]:
    """The float64 value and magnitude bound of each of ``terms`` (on the batch's values) on
    every project-period, and how many roundings lie behind any of them (:func:`float_error`);
    :class:`Unsupported` for a tree the arrays cannot take."""
    floats = _Floats(batch, _scope(batch))
    with np.errstate(all="ignore"):
        found = [floats.visit(term) for term in terms]
    return found, floats.operations


def float_error(value: np.ndarray, size: np.ndarray, operations: int) -> np.ndarray:
    """A bound on the distance from the float64 ``value`` (magnitude bound ``size``, computed
    with ``operations`` roundings) to the exact value it stands for."""
    return (operations * size + np.abs(value)) * ROUNDING


def _floats(batch: Batch) -> tuple[dict[str, Pair], np.ndarray]:
    """Every equation's float value and bound; which project-periods need exact arithmetic."""
    methodology = batch.methodology
    scope = _scope(batch)
    floats = _Floats(batch, scope)
    with np.errstate(all="ignore"):
        for _, (left, left_size), (right, right_size) in walk(methodology, floats.visit, scope):
            margin = MARGIN * (left_size + right_size)
            floats.doubt(~(left + margin < right) & np.isfinite(margin))
            floats.doubt(~np.isfinite(left - right))
        reductions, size = scope[ER.name]
        floats.doubt(~np.isfinite(reductions) | ~np.isfinite(size))
        for name in (REFERENCE, PROJECT, ER.name):
            floats.doubt(_near_rounding(*scope[name], floats.operations))
    return scope, floats.doubtful


def _near_rounding(value: np.ndarray, size: np.ndarray, operations: int) -> np.ndarray:
    """Where the exact value, within ``operations`` roundings of ``value`` (magnitude bound
    ``size``), could round to other digits at :data:`DISPLAY_PLACES` than ``value`` does: near
    a half step (or too large for float64 to tell)."""
    scaled = value * 10.0**DISPLAY_PLACES
    error = float_error(value, size, operations) * 10.0**DISPLAY_PLACES
    half = np.abs(scaled - scaled // 1 - 0.5)
    return ~(half > error + 1e-300) | ~(np.abs(scaled) < 2.0**50)


def alike(batch: Batch, positions: np.ndarray) -> list[np.ndarray]:
    """``positions`` grouped by their members' attributes (the kernel evaluates each group at
    once: a ``select`` takes the same case throughout)."""
    count = len(positions)
    if not batch.attributes or not count:
        return [positions] if count else []
    cells = [a[positions].reshape(count, -1).tolist() for a in batch.attributes.values()]
    groups: dict[tuple, list[int]] = {}
    for position, *key in zip(positions.tolist(), *cells, strict=True):
        groups.setdefault(tuple(map(tuple, key)), []).append(position)
    return [np.array(g) for g in groups.values()]


def context(batch: Batch, position: int) -> Context:
    """The members and attributes of project-period ``position``, for the kernel."""
    members = {s: tuple(str(m) for m in range(batch.sizes[s])) for s in batch.symbols}
    attributes: dict[str, dict[str, dict[str, str]]] = {s: {} for s in batch.symbols}
    for (index, attribute), array in batch.attributes.items():
        for member, value in enumerate(array[position].ravel().tolist()):
            attributes[index].setdefault(str(member), {})[attribute] = str(value)
    return Context(batch.methodology, members, attributes)


def _exact_group(
    batch: Batch, group: np.ndarray, outcome: Outcome, where: Callable[[int], Place]
) -> None:
    """Evaluate the project-periods ``group`` (same attributes) exactly through the kernel, all
    at once (:func:`evaluate_periods`); one at a time those an error check fails, for the
    message, and all of them where the kernel found a fault."""
    count = len(group)
    try:
        results, failing = evaluate_periods(
            context(batch, int(group[0])), Elements(batch, group), where(int(group[0]))
        )
    except JcmcalcError:
        results, failing = {}, np.ones(count, dtype=bool)
    failing = np.broadcast_to(failing, count)
    if results:
        found = [
            np.broadcast_to(np.asarray(results[name][()], dtype=object), count).tolist()
            for name in (REFERENCE, PROJECT, ER.name, CREDITS.name)
        ]
        for n, values in enumerate(zip(*found, strict=True)):
            if not failing[n]:
                outcome.exact[int(group[n])] = values[:3]
                outcome.credits[int(group[n])] = int(values[3])
    for position in group[failing].tolist():
        _exact(batch, position, outcome, where(position))


def _exact(batch: Batch, position: int, outcome: Outcome, place: Place) -> None:
    """Evaluate project-period ``position`` through the kernel, as the engine does."""
    try:
        found = evaluate_period(
            context(batch, position), _Element(batch, position), place, trace=False
        )
    except JcmcalcError as exc:
        outcome.errors[position] = exc
        return
    outcome.exact[position] = (found.reference, found.project, found.reductions)
    outcome.credits[position] = found.credits


@attrs.frozen
class _Element:
    """The inputs of one project-period of a batch, as a source for the kernel."""

    batch: Batch
    position: int

    def value(self, symbol: Symbol, key: Key) -> Fraction | None:
        found = Elements(self.batch, np.array([self.position])).value(symbol, key)
        return None if found is None else found[0]

    def note(self, symbol: Symbol, key: Key) -> str:
        return ""


@attrs.frozen
class Elements:
    """The inputs of the project-periods ``positions`` of a batch, an array of exact numbers
    per value, as a source for the kernel's :func:`evaluate_periods`."""

    batch: Batch
    positions: np.ndarray

    def value(self, symbol: Symbol, key: Key) -> np.ndarray | None:
        column = self.batch.values.get(symbol.name)
        if column is None:
            return None
        at = dict(zip(symbol.index, key, strict=True))
        members = tuple(int(at.get(s, 0)) for s in self.batch.symbols)
        found = np.empty(len(self.positions), dtype=object)
        found[:] = [column.exact((p, *members)) for p in self.positions.tolist()]
        return found

    def note(self, symbol: Symbol, key: Key) -> str:
        return ""


# --- float evaluation with a magnitude bound ------------------------------------------------


class _Floats(Visitor[Pair]):
    """A tree's float64 value and magnitude bound on every project-period at once; project-
    periods where a floor is too close to a whole number for float64 are marked doubtful."""

    def __init__(self, batch: Batch, scope: Mapping[str, Pair]) -> None:
        self.batch, self.scope = batch, scope
        self.doubtful = np.zeros(batch.count, dtype=bool)
        #: An upper bound on the roundings behind any value so far (inputs: 4 each).
        self.operations = 4

    def doubt(self, where: np.ndarray) -> None:
        """Mark the project-periods where ``where`` holds for any member."""
        full = np.broadcast_to(where, (self.batch.count, *where.shape[1:]))
        self.doubtful |= full.reshape(self.batch.count, -1).any(axis=1)

    def generic(self, node: Term) -> Pair:
        raise Unsupported(f"no array evaluation of {type(node).__name__} terms")

    def visit_Symbol(self, node: Symbol) -> Pair:
        if node.name not in self.scope:
            raise Unsupported(f"no column of {node.symbol} in the batch")
        return self.scope[node.name]

    def visit_Constant(self, node: Constant) -> Pair:
        self.operations += 1
        value = np.full((1,) * (1 + len(self.batch.symbols)), float(node.value))
        return value, np.abs(value)

    def visit_BinaryOp(self, node: BinaryOp) -> Pair:
        a, a_size = self.visit(node.left)
        b, b_size = self.visit(node.right)
        self.operations += 1
        if node.op == "+":
            return a + b, a_size + b_size
        if node.op == "-":
            return a - b, a_size + b_size
        if node.op == "*":
            return a * b, a_size * b_size
        quotient = a / b
        return quotient, a_size / np.abs(b) + np.abs(quotient) * b_size / np.abs(b)

    def visit_Power(self, node: Power) -> Pair:
        base, base_size = self.visit(node.base)
        exponent, _ = self.visit(node.exponent)
        self.operations += 2
        value = np.power(base, exponent)
        # |d(b**n)| <= |n| |b|**(n-1) |db|: a bound relative to the value, widened by the exponent.
        relative = np.abs(exponent) * base_size / np.abs(base)
        return value, np.abs(value) * np.maximum(relative, 1.0)

    def visit_Total(self, node: Total) -> Pair:
        body, body_size = self.visit(node.body)
        axis = self.batch.axis(node.index)
        self.operations += self.batch.sizes[node.index]
        target = list(body.shape)
        target[axis] = self.batch.sizes[node.index]
        body, body_size = np.broadcast_to(body, target), np.broadcast_to(body_size, target)
        return body.sum(axis=axis, keepdims=True), body_size.sum(axis=axis, keepdims=True)

    def _extremum(self, node: Minimum | Maximum, choose: np.ufunc) -> Pair:
        parts = [self.visit(t) for t in node.terms]
        value = choose.reduce(np.broadcast_arrays(*(p[0] for p in parts)))
        size = np.maximum.reduce(np.broadcast_arrays(*(p[1] for p in parts)))
        return value, size

    def visit_Minimum(self, node: Minimum) -> Pair:
        return self._extremum(node, np.minimum)

    def visit_Maximum(self, node: Maximum) -> Pair:
        return self._extremum(node, np.maximum)

    def visit_Floor(self, node: Floor) -> Pair:
        value, size = self.visit(node.term)
        self.doubt(np.abs(value - np.rint(value)) <= MARGIN * size + 1e-300)
        self.doubt(~np.isfinite(value) | ~np.isfinite(size))
        return value // 1, size + 1

    def visit_Select(self, node: Select) -> Pair:
        chosen = self.batch.attributes.get((node.index, node.attribute))
        if chosen is None:
            raise Unsupported(f"the batch has no attribute {node.attribute!r} of {node.index}")
        parts = [(chosen == key, *self.visit(term)) for key, term in node.cases]
        shaped = np.broadcast_arrays(*(array for part in parts for array in part))
        conditions, values, sizes = shaped[0::3], shaped[1::3], shaped[2::3]
        return (
            np.select(conditions, values, default=np.nan),
            np.select(conditions, sizes, default=np.nan),
        )
