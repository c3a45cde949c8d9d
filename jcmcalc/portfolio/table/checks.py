"""The warning checks on a portfolio table's period values, judged as ``calculate`` judges them.

A methodology's warning checks that use a period's monitored values or its hours ``H_p`` (a PV
system's output against CF_max x its rated capacity x the hours) are judged per project-period
by the kernel's rule (:func:`~jcmcalc.model.kernel.warning_breaches`), and say what
``calculate`` says (:func:`~jcmcalc.inputs.consistency.breach_messages`). A table holds many
project-periods, so both sides of each check are first evaluated on float64 arrays
(:func:`~jcmcalc.portfolio.vectorised.evaluated`) with the error bound of every value
(:func:`~jcmcalc.portfolio.vectorised.float_error`): a member whose sides hold the bound by more
than their error is done; every project-period with a side that breaks the bound, lies within
the error of it or is not finite is judged again exactly by the kernel, many alike at once
(:func:`~jcmcalc.model.kernel.judged_periods`), and its breaches written as ``calculate`` writes
them. As in the kernel, a member lacking a value that a check uses (an unknown rated
capacity) is not judged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs
import numpy as np

from jcmcalc.inputs.consistency import breach_messages, hours_in
from jcmcalc.inputs.project import period_label
from jcmcalc.model.checks import Check
from jcmcalc.model.errors import JcmcalcError
from jcmcalc.model.expressions.walkers import (
    BinaryOp,
    Constant,
    Extremum,
    Floor,
    Power,
    Select,
    Symbol,
    Term,
    Total,
    Visitor,
    symbols,
)
from jcmcalc.model.kernel import (
    Context,
    Key,
    Place,
    judged_periods,
    warning_breaches,
    warning_checks,
)
from jcmcalc.model.methodology import PERIOD_HOURS
from jcmcalc.portfolio import vectorised


@attrs.frozen
class Periods:
    """Who the project-periods of a batch are: ``rows`` (element, member) the table rows of
    each element's members; per table row its ``members`` id, ``projects`` name and ``starts``
    and ``ends`` dates; per element its period ``numbers``."""

    rows: np.ndarray
    members: np.ndarray
    projects: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    numbers: np.ndarray


@attrs.frozen
class Judged:
    """Each project's warnings per period (``(number, warnings)``), and the projects whose
    checks could not be evaluated (the plugin's fault, with the message)."""

    warnings: dict[str, list[tuple[int, tuple[str, ...]]]] = attrs.field(factory=dict)
    failed: dict[str, str] = attrs.field(factory=dict)

    def merged(self, before: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        """Each project's warnings ``before`` (of its fixed values), then its periods' in
        period order, as ``calculate`` orders them."""
        found = dict(before)
        for project, periods in self.warnings.items():
            later = (w for _, warnings in sorted(periods) for w in warnings)
            found[project] = (*found.get(project, ()), *later)
        return found


def judge(batch: vectorised.Batch, periods: Periods, judged: Judged) -> None:
    """Judge the per-period warning checks of every project-period of ``batch`` into
    ``judged``."""
    checks = warning_checks(batch.methodology, period=True)
    if not checks:
        return
    firsts = periods.rows[:, 0]
    days = (periods.ends[firsts] - periods.starts[firsts]).astype("timedelta64[D]")
    hours = hours_in(days.astype(np.int64))
    shape = (batch.count,) + (1,) * len(batch.symbols)
    column = vectorised.Column(
        hours.astype(np.float64).reshape(shape), lambda at: Fraction(int(hours[at[0]]))
    )
    batch = attrs.evolve(batch, values={**batch.values, PERIOD_HOURS.name: column})
    given = [c for c in checks if all(s.name in batch.values for s in _used(c))]
    for group in _alike(batch, checks, np.flatnonzero(_doubtful(batch, given))):
        _exact_group(batch, periods, group, judged)


def _used(check: Check) -> list[Symbol]:
    return symbols(check.left) + symbols(check.right)


def _doubtful(batch: vectorised.Batch, checks: Sequence[Check]) -> np.ndarray:
    """The project-periods where a check breaks its bound or float64 cannot tell that it
    holds (a check without a column of a value it uses is not judged anywhere: no member has
    that value)."""
    doubtful = np.zeros(batch.count, dtype=bool)
    try:
        sides, operations = vectorised.evaluated(
            batch, [term for check in checks for term in (check.left, check.right)]
        )
    except vectorised.Unsupported:
        return np.ones(batch.count, dtype=bool) if checks else doubtful
    missing = _Missing(batch)
    for number, check in enumerate(checks):
        (left, left_size), (right, right_size) = sides[2 * number : 2 * number + 2]
        error = vectorised.float_error(left, left_size, operations)
        error = error + vectorised.float_error(right, right_size, operations)
        with np.errstate(invalid="ignore"):
            clear = right - left > error
        unjudged = missing.visit(check.left) | missing.visit(check.right)
        unclear = ~(clear | unjudged)
        full = np.broadcast_to(unclear, (batch.count, *unclear.shape[1:]))
        doubtful |= full.reshape(batch.count, -1).any(axis=1)
    return doubtful


def _alike(
    batch: vectorised.Batch, checks: Sequence[Check], positions: np.ndarray
) -> list[np.ndarray]:
    """``positions`` grouped by their members' attributes and by which values the checks use
    are not given (the kernel judges each group at once, skipping alike what it lacks)."""
    used = sorted({s.name for c in checks for s in _used(c)} & set(batch.values))
    found = []
    for group in vectorised.alike(batch, positions):
        missing = [
            np.isnan(np.broadcast_to(a, (batch.count, *a.shape[1:]))[group]).reshape(len(group), -1)
            for a in (batch.values[name].approx for name in used)
        ]
        patterns = np.concatenate([np.zeros((len(group), 0), dtype=bool), *missing], axis=1)
        _, code = np.unique(patterns, axis=0, return_inverse=True)
        found += [group[code.ravel() == k] for k in range(int(code.max(initial=-1)) + 1)]
    return found


def _exact_group(
    batch: vectorised.Batch, periods: Periods, group: np.ndarray, judged: Judged
) -> None:
    """Judge the project-periods ``group`` (alike: :func:`_alike`) by the kernel at once
    (:func:`~jcmcalc.model.kernel.judged_periods`), each breach named by its own members as
    :func:`_exact` names it; one by one where the kernel finds a fault (for its message)."""
    first = int(group[0])
    checks = warning_checks(batch.methodology, period=True)
    try:
        found = judged_periods(
            vectorised.context(batch, first),
            checks,
            _Given(vectorised.Elements(batch, group)),
            Place(int(periods.numbers[first]), f"period {periods.numbers[first]}"),
        )
    except JcmcalcError:
        for position in group.tolist():
            _exact(batch, periods, position, judged)
        return
    broken = [
        (check, key, left, right, np.broadcast_to(check.holds(left, right), len(group)))
        for check, key, left, right in found
    ]
    for n, position in enumerate(group.tolist()):
        rows = periods.rows[position]
        rank = np.argsort(np.argsort(rows, kind="stable"), kind="stable")  # in table order
        breaches = sorted(
            (
                (checks.index(check), tuple(int(rank[int(m)]) for m in key)),
                (
                    check,
                    tuple(str(periods.members[int(rows[int(m)])]) for m in key),
                    np.broadcast_to(left, len(group))[n],
                    np.broadcast_to(right, len(group))[n],
                ),
            )
            for check, key, left, right, holds in broken
            if not holds[n]
        )
        if breaches:
            _record(batch, periods, position, [b for _, b in breaches], judged)


def _record(
    batch: vectorised.Batch,
    periods: Periods,
    position: int,
    breaches: list[tuple[Check, Key, Fraction, Fraction]],
    judged: Judged,
) -> None:
    """The warnings of project-period ``position``'s ``breaches``."""
    first = int(periods.rows[position][0])
    number = int(periods.numbers[position])
    start, end = (str(d[first].astype("datetime64[D]")) for d in (periods.starts, periods.ends))
    found = tuple(
        breach_messages(batch.methodology, breaches, f"{period_label(number, start, end)}: ")
    )
    judged.warnings.setdefault(str(periods.projects[first]), []).append((number, found))


@attrs.frozen
class _Given:
    """A group's values as the kernel's source: a value the table does not give (NaN, for
    the whole group) is None."""

    elements: vectorised.Elements

    def value(self, symbol: Symbol, key: Key) -> np.ndarray | None:
        batch = self.elements.batch
        column = batch.values.get(symbol.name)
        if column is None:
            return None
        at = dict(zip(symbol.index, key, strict=True))
        approx = np.broadcast_to(column.approx, (batch.count, *column.approx.shape[1:]))
        place = (int(self.elements.positions[0]), *(int(at.get(s, 0)) for s in batch.symbols))
        if np.isnan(approx[place]):
            return None
        return self.elements.value(symbol, key)

    def note(self, symbol: Symbol, key: Key) -> str:
        return ""


def _exact(batch: vectorised.Batch, periods: Periods, position: int, judged: Judged) -> None:
    """Judge project-period ``position`` by the kernel; record its warnings."""
    rows = periods.rows[position]
    first = int(rows[0])
    project = str(periods.projects[first])
    order = np.argsort(rows, kind="stable")  # the members in the order of the table's rows
    names = [str(periods.members[int(rows[m])]) for m in order.tolist()]
    at = {name: int(m) for name, m in zip(names, order.tolist(), strict=True)}
    members = {s: tuple(names) for s in batch.symbols}
    attributes: dict[str, dict[str, dict[str, str]]] = {s: {} for s in batch.symbols}
    for (index, attribute), array in batch.attributes.items():
        values = array[position].ravel().tolist()
        for name in names:
            attributes[index].setdefault(name, {})[attribute] = str(values[at[name]])
    number = int(periods.numbers[position])
    start, end = (str(d[first].astype("datetime64[D]")) for d in (periods.starts, periods.ends))
    label = period_label(number, start, end)
    context = Context(batch.methodology, members, attributes)
    try:
        breaches = warning_breaches(
            context, _Element(batch, position, at), Place(number, label), period=True
        )
    except JcmcalcError as exc:
        judged.failed.setdefault(project, str(exc))
        return
    if breaches:
        _record(batch, periods, position, breaches, judged)


@attrs.frozen
class _Element:
    """One project-period of a batch as the kernel's source of values, its members by id
    (``at``: id -> position); a value the table does not give (NaN) is None."""

    batch: vectorised.Batch
    position: int
    at: Mapping[str, int]

    def value(self, symbol: Symbol, key: Key) -> Fraction | None:
        column = self.batch.values.get(symbol.name)
        if column is None:
            return None
        bound = dict(zip(symbol.index, key, strict=True))
        place = (
            self.position,
            *(self.at[bound[s]] if s in bound else 0 for s in self.batch.symbols),
        )
        if np.isnan(column.approx[place]).any():
            return None
        return column.exact(place)

    def note(self, symbol: Symbol, key: Key) -> str:
        return ""


class _Missing(Visitor[np.ndarray]):
    """Where a term lacks a value it uses (NaN: not given in the table), so that the kernel
    would not judge it there; the layout of :class:`~jcmcalc.portfolio.vectorised.Batch`."""

    def __init__(self, batch: vectorised.Batch) -> None:
        self.batch = batch
        self.none = np.zeros((1,) * (1 + len(batch.symbols)), dtype=bool)

    def visit_Symbol(self, node: Symbol) -> np.ndarray:
        return np.isnan(self.batch.values[node.name].approx)

    def visit_Constant(self, node: Constant) -> np.ndarray:
        return self.none

    def visit_BinaryOp(self, node: BinaryOp) -> np.ndarray:
        return self.visit(node.left) | self.visit(node.right)

    def visit_Power(self, node: Power) -> np.ndarray:
        return self.visit(node.base) | self.visit(node.exponent)

    def visit_Total(self, node: Total) -> np.ndarray:
        return self.visit(node.body).any(axis=self.batch.axis(node.index), keepdims=True)

    def visit_Extremum(self, node: Extremum) -> np.ndarray:
        return np.logical_or.reduce(np.broadcast_arrays(*(self.visit(t) for t in node.terms)))

    def visit_Floor(self, node: Floor) -> np.ndarray:
        return self.visit(node.term)

    def visit_Select(self, node: Select) -> np.ndarray:
        chosen = self.batch.attributes[(node.index, node.attribute)]
        parts = [(chosen == key, self.visit(term)) for key, term in node.cases]
        shaped = np.broadcast_arrays(*(array for part in parts for array in part))
        # a member whose attribute has no case: the kernel does not judge it either
        return np.select(shaped[0::2], shaped[1::2], default=True)

    def generic(self, node: Term) -> np.ndarray:
        raise vectorised.Unsupported(f"no array evaluation of {type(node).__name__} terms")
