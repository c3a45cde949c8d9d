"""Checks of single declarations, run when a methodology is built: its identity, a default's
unit, the symbols and sums of a term. Each yields a :class:`Problem` naming the declaration.

Identity rule: a methodology id is upper-case letters and digits in words joined by ``_``
(``TH_AM001``, ``FGAS_DESTRUCTION_AR5``); ids are compared without regard to case. A version
is a number with up to three parts, optionally written ``ver``/``Ver`` (``"Ver1"``, ``"1"`` and
``"1.0"`` are the same version).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from functools import cache

import attrs

from jcmcalc.model.expressions.terms import BinaryOp, Symbol, Term, Total
from jcmcalc.model.parameters import Default, DefaultTable, Kind, Parameter
from jcmcalc.model.units import conversion_factor, parse_unit, same_dimension, split_quantity

ID = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")
_VERSION = re.compile(r"(?:ver\.?\s*)?(\d{1,4}(?:\.\d{1,4}){0,2})", re.IGNORECASE)


@attrs.frozen
class Problem:
    """A flaw of a declaration: a ``fatal`` one (an inconsistency) stops it loading, the
    others (a missing description or source) fail the conformance check."""

    message: str
    fatal: bool = True


@cache
def normal_version(version: str) -> tuple[int, ...]:
    """``"ver02.0"``, ``"Ver2"`` and ``"2.0"`` are ``(2,)``; ``()`` for text that is no version."""
    match = _VERSION.fullmatch(version.strip())
    if not match:
        return ()
    parts = [int(part) for part in match.group(1).split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def identity_key(methodology_id: str, version: str) -> tuple[str, tuple[int, ...]]:
    """What two methodologies must not share: the id without case, the normalised version."""
    return methodology_id.casefold(), normal_version(version)


def identity_problems(methodology_id: str, version: str, where: str) -> Iterator[Problem]:
    if not ID.fullmatch(methodology_id):
        yield Problem(
            f"{where}: id {methodology_id!r} must be upper-case letters and digits in words "
            "joined by '_' (like TH_AM001)"
        )
    if not normal_version(version):
        yield Problem(f"{where}: version {version!r} is not a version number (like 1.0)")


@cache
def _default_unit_problem(value: str, units: tuple[str, ...]) -> str:
    """Why the default ``value`` cannot be a value of a parameter in ``units`` ("" if it can).

    Its unit is checked here; its number, like every value's, where it is resolved (a number
    that is none is a plugin fault there, naming the plugin)."""
    try:
        _, unit = split_quantity(value)
    except ValueError:
        unit = value.strip().partition(" ")[2]
    try:
        parse_unit(unit)
    except ValueError as exc:
        return str(exc)
    if not any(same_dimension(unit or "dimensionless", choice) for choice in units):
        return f"{value!r} is not in a unit of the dimension of {' or '.join(units)}"
    return ""


def default_problems(parameter: Parameter, where: str) -> Iterator[Problem]:
    """Each default (or default-table row) of ``parameter`` is a number in a known unit of its
    dimension."""
    default = parameter.default
    if isinstance(default, Default):
        rows: Mapping[tuple[str, ...], Default] = {(): default}
    elif isinstance(default, DefaultTable):
        rows = default.rows
    else:
        return
    for key, row in rows.items():
        place = f" row {' / '.join(key)}" if key else ""
        problem = _default_unit_problem(row.value, parameter.units) or _out_of_bounds(
            parameter, row.value
        )
        if problem:
            yield Problem(f"{where}: parameter {parameter.symbol}, default{place}: {problem}")


def _out_of_bounds(parameter: Parameter, value: str) -> str:
    """Why the default ``value`` (in a unit of its dimension) is outside the parameter's
    bounds ("" if it is within them, or its number is no number: said where it is used)."""
    try:
        number, unit = split_quantity(value)
        canonical = parameter.canonical(unit)
        number *= conversion_factor(unit or "dimensionless", canonical)
    except Exception:  # a number that is none: a plugin fault where it is resolved
        return ""
    if parameter.bounds.contains(number):
        return ""
    return (
        f"{value!r} is outside the parameter's own bounds ({parameter.bounds.describe()} "
        f"{canonical})"
    )


def divisor_problems(
    terms: Iterable[tuple[str, Term]], parameters: Mapping[str, Parameter], where: str
) -> Iterator[Problem]:
    """A divisor that is a parameter (or a product of parameters) whose bounds admit zero: a
    project could give the zero, and the calculation would fail. A formula guards it by
    declaring the bounds ``> 0`` or dividing by something else (``max(x, ...)``)."""
    for place, term in terms:
        for node in term.walk():
            if not (isinstance(node, BinaryOp) and node.op == "/"):
                continue
            for factor in _factors(node.right):
                parameter = parameters.get(factor.name)
                if parameter is not None and parameter.bounds.contains(Fraction(0)):
                    yield Problem(
                        f"{where}, {place}: divides by {parameter.symbol}, whose bounds "
                        f"({parameter.bounds.describe()}) admit zero: declare bounds = "
                        '"> 0" (or guard the division in the formula)'
                    )


def _factors(term: Term) -> list[Symbol]:
    """The symbols a divisor is a product of (none when it is anything else)."""
    if isinstance(term, Symbol):
        return [term]
    if isinstance(term, BinaryOp) and term.op == "*" and type(term) is BinaryOp:
        left, right = _factors(term.left), _factors(term.right)
        return left + right if left and right else []
    return []


def term_problems(
    term: Term, declared: Mapping[str, Symbol], index_symbols: set[str], place: str
) -> Iterator[Problem]:
    """Sums over declared indices only; each symbol written as declared (its symbol text and
    indices), so that reports and pages show it."""
    for node in term.walk():
        if isinstance(node, Total) and node.index not in index_symbols:
            yield Problem(f"{place}: a sum over the undeclared index {node.index!r}")
        elif (
            isinstance(node, Symbol)
            and (own := declared.get(node.name)) is not None
            and (node.symbol, node.index) != (own.symbol, own.index)
        ):
            yield Problem(
                f"{place}: {node.name!r} is written {node.symbol} with indices "
                f"{list(node.index)}, but declared {own.symbol} with {list(own.index)}"
            )


def parameter_problems(
    parameter: Parameter, index_symbols: set[str], where: str
) -> Iterator[Problem]:
    unknown = set(parameter.index) - index_symbols
    if unknown:
        yield Problem(f"{where}: {parameter.symbol} uses undeclared index {unknown}")
    if parameter.kind is Kind.MONITORED and not parameter.options:
        yield Problem(f"{where}: {parameter.symbol} has no monitoring option")
    for unit in parameter.units:
        try:
            parse_unit(unit)
        except ValueError as exc:
            yield Problem(f"{where}: parameter {parameter.symbol}: {exc}")
            return
    yield from default_problems(parameter, where)
    gap = f"{where}: parameter {parameter.symbol} "
    if not parameter.unit.strip():
        yield Problem(gap + 'has no unit (write "dimensionless" for a pure number)', fatal=False)
    if not parameter.description.strip():
        yield Problem(gap + "has no description", fatal=False)
    if not isinstance(parameter.kind, Kind):
        yield Problem(gap + f"has no kind (one of {', '.join(k.name for k in Kind)})", fatal=False)
    default = parameter.default
    if isinstance(default, DefaultTable):
        table = f"default table {default.name!r}"
        unsourced = [
            f"{table} row {' / '.join(k)}" for k, r in default.rows.items() if not r.source.strip()
        ]
        for what in ([table] if not default.source.strip() else []) + unsourced:
            yield Problem(f"{gap}{what} has no source", fatal=False)
    elif default is not None and not default.source.strip():
        yield Problem(f"{gap}default {default.value!r} has no source", fatal=False)


def basis_problems(parameters: Iterable[Parameter], where: str) -> Iterator[Problem]:
    """Parameters with unit choices share one list of bases: the n-th unit is the n-th basis."""
    choices = [p for p in parameters if p.alternatives]
    for parameter in choices[1:]:
        if len(parameter.units) != len(choices[0].units):
            yield Problem(
                f"{where}: {parameter.symbol} has the unit choices {', '.join(parameter.units)} "
                f"and {choices[0].symbol} {', '.join(choices[0].units)}: the n-th unit of "
                "each is its n-th basis of measurement, so their numbers must agree"
            )
