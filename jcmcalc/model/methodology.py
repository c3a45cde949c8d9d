"""The methodology record: identity, indices, parameters, equations, eligibility criteria.

A methodology is checked when it is built: every symbol of every equation is declared before
use, and every equation's unit follows from its parameters' canonical units with factor one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import attrs

from jcmcalc.model.errors import InputError, PluginError, suggest
from jcmcalc.model.expressions import (
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
    free_indices,
    symbols,
    to_text,
)
from jcmcalc.model.parameters import Confidence, Kind, Parameter
from jcmcalc.model.units import dimensionality, factor_is_one, parse_unit, unit_text

REFERENCE = "reference_emissions"
PROJECT = "project_emissions"


class MethodologyError(PluginError):
    """A methodology declaration is inconsistent (an author's error, found at load time)."""


@attrs.frozen
class Index:
    """An index of the equations (``i`` for PV systems) and where its members come from.

    Members are the tables ``[[<key>]]`` of the project file, each with an ``id``; or, when
    ``members`` is given, that fixed list declared by the methodology. ``attributes`` maps
    each attribute a member must carry to its allowed values (empty tuple: any text).
    ``optional``: the project file may omit the tables; the index then has no members and
    every sum over it is zero (a co-fired fuel that a project may not use).
    """

    symbol: str
    key: str
    title: str
    attributes: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    members: tuple[str, ...] = ()
    column: str = ""
    optional: bool = False

    @property
    def csv_column(self) -> str:
        """The column naming this index's member in monitoring CSV files."""
        return self.column or self.key.rstrip("s")


@attrs.frozen
class Criterion:
    """An eligibility criterion the project file must answer."""

    id: str
    text: str
    confidence: Confidence = Confidence.READ


@attrs.frozen
class Equation:
    """``symbol = expression`` in ``unit``, evaluated per period (and per ``index`` member)."""

    symbol: str
    name: str
    expression: Term
    unit: str
    description: str
    index: tuple[str, ...] = ()
    inferred: str = ""

    @property
    def ref(self) -> Symbol:
        """This equation's result as a term of a later equation."""
        return Symbol(self.name, self.symbol, self.index)

    @property
    def text(self) -> str:
        return f"{self.symbol} = {to_text(self.expression)}"


@attrs.frozen
class Check:
    """A plausibility bound ``left <= right``, tested per period (and per ``index`` member)
    after the equations; a breach is bad input. Terms may use parameters and equation results.
    """

    name: str
    left: Term
    right: Term
    description: str
    index: tuple[str, ...] = ()
    inferred: str = ""

    @property
    def text(self) -> str:
        return f"{to_text(self.left)} <= {to_text(self.right)}"


@attrs.frozen
class Estimate:
    """Ex-ante estimation: equations that produce a monitored parameter from design values.

    Each equation's ``name`` is the monitored parameter it estimates, per year of the
    crediting period; ``parameters`` are the design values the project file gives.
    """

    parameters: tuple[Parameter, ...]
    equations: tuple[Equation, ...]


@attrs.frozen(kw_only=True)
class Methodology:
    """One approved (or reconstructed) methodology, identified by (programme, id, version)."""

    id: str
    version: str
    country: str
    title: str
    family: str
    sectoral_scope: str
    status: str
    approved: str
    source: str
    indices: tuple[Index, ...]
    parameters: tuple[Parameter, ...]
    equations: tuple[Equation, ...]
    criteria: tuple[Criterion, ...] = ()
    estimate: Estimate | None = None
    checks: tuple[Check, ...] = ()
    notes: tuple[str, ...] = ()
    confidence: Confidence = Confidence.READ
    programme: str = "JCM"
    expired: str = ""
    #: Functions of the resolved :class:`jcmcalc.inputs.resolve.Inputs` returning warnings for the
    #: result (a value that is accepted but not credited, say).
    notices: tuple[Callable[..., Iterable[str]], ...] = ()

    def __attrs_post_init__(self) -> None:
        check(self)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.programme, self.id, self.version)

    @property
    def label(self) -> str:
        return f"{self.id} ver {self.version}"

    def index(self, symbol: str) -> Index:
        for index in self.indices:
            if index.symbol == symbol:
                return index
        raise KeyError(symbol)

    def parameter(self, key: str) -> Parameter:
        """A parameter by its methodology symbol or its Python name."""
        for parameter in self.all_parameters:
            if key in (parameter.symbol, parameter.name):
                return parameter
        names = [p.symbol for p in self.all_parameters] + [p.name for p in self.all_parameters]
        raise InputError(
            f"{self.label} has no parameter {key!r}{suggest(key, names)}", parameter=key
        )

    @property
    def all_parameters(self) -> tuple[Parameter, ...]:
        extra = self.estimate.parameters if self.estimate else ()
        return self.parameters + extra

    def equation(self, name: str) -> Equation:
        return next(e for e in self.equations if e.name == name)


class _Units(Visitor):
    """The pint unit of a term given each symbol's canonical unit (checks sums and extrema)."""

    def __init__(self, units: Mapping[str, str], where: str) -> None:
        self.units, self.where = units, where

    def generic(self, node: Term):
        raise MethodologyError(f"{self.where}: unknown term {node!r}")

    def visit_Symbol(self, node: Symbol):
        return parse_unit(self.units[node.name])

    def visit_Constant(self, node: Constant):
        return parse_unit(node.unit)

    def visit_BinaryOp(self, node: BinaryOp):
        if node.op == "*":
            return self.visit(node.left) * self.visit(node.right)
        if node.op == "/":
            return self.visit(node.left) / self.visit(node.right)
        return self.same([node.left, node.right])

    def visit_Extremum(self, node: Extremum):
        return self.same(list(node.terms))

    def visit_Select(self, node: Select):
        return self.same(list(node.children()))

    def visit_Power(self, node: Power):
        for part in (node.base, node.exponent):
            if dimensionality(self.visit(part)) != "dimensionless":
                raise MethodologyError(f"{self.where}: a power needs dimensionless terms")
        return parse_unit("dimensionless")

    def visit_Total(self, node: Total):
        return self.visit(node.body)

    def visit_Floor(self, node: Floor):
        return self.visit(node.term)

    def same(self, terms: list[Term]):
        """The one unit of ``terms``, which are added, compared or chosen between."""
        found = [self.visit(t) for t in terms]
        for other in found[1:]:
            if not factor_is_one(other, found[0]):
                raise MethodologyError(
                    f"{self.where}: cannot add or compare {unit_text(other)} with "
                    f"{unit_text(found[0])} in {' , '.join(to_text(t) for t in terms)}"
                )
        return found[0]


def unit_of(term: Term, units: Mapping[str, str], where: str):
    """The pint unit of ``term`` given each symbol's canonical unit (checks sums and mins)."""
    return _Units(units, where).visit(term)


def _same_unit(terms: list[Term], units: Mapping[str, str], where: str):
    return _Units(units, where).same(terms)


def _check_selects(term: Term, indices: Mapping[str, Index], place: str) -> None:
    """Every select names a declared attribute of its index and has one case per value."""
    for node in term.walk():
        if not isinstance(node, Select):
            continue
        index = indices.get(node.index)
        choices = index.attributes.get(node.attribute, ()) if index else ()
        keys = [key for key, _ in node.cases]
        if not choices or sorted(keys) != sorted(set(choices)) or len(keys) != len(set(keys)):
            raise MethodologyError(
                f"{place}: select on {node.attribute!r} of index {node.index!r} needs one case "
                f"for each of its declared values {list(choices)}, not {keys}"
            )


def check(methodology: Methodology) -> None:
    """Raise :class:`MethodologyError` when the declaration is inconsistent."""
    where = methodology.label
    index_symbols = {index.symbol for index in methodology.indices}
    units: dict[str, str] = {}
    for parameter in methodology.all_parameters:
        if parameter.name in units:
            raise MethodologyError(f"{where}: parameter {parameter.name!r} declared twice")
        unknown = set(parameter.index) - index_symbols
        if unknown:
            raise MethodologyError(f"{where}: {parameter.symbol} uses undeclared index {unknown}")
        if parameter.kind is Kind.MONITORED and not parameter.options:
            raise MethodologyError(f"{where}: {parameter.symbol} has no monitoring option")
        parse_unit(parameter.unit)
        units[parameter.name] = parameter.unit
    names = [e.name for e in methodology.equations]
    for required in (REFERENCE, PROJECT):
        if required not in names:
            raise MethodologyError(f"{where}: no equation named {required!r}")
    _check_equations(methodology.equations, units, index_symbols, where)
    indices = {index.symbol: index for index in methodology.indices}
    estimated = methodology.estimate.equations if methodology.estimate else ()
    for term in [e.expression for e in (*methodology.equations, *estimated)] + [
        t for c in methodology.checks for t in (c.left, c.right)
    ]:
        _check_selects(term, indices, where)
    for bound in methodology.checks:
        place = f"{where}, check {bound.name}"
        for term in (bound.left, bound.right):
            for symbol in symbols(term):
                if symbol.name not in units:
                    raise MethodologyError(f"{place}: {symbol.symbol} is not declared")
            free = free_indices(term)
            if not free <= set(bound.index) or not set(bound.index) <= index_symbols:
                raise MethodologyError(f"{place}: indices {sorted(free)} not in {bound.index}")
        _same_unit([bound.left, bound.right], units, place)
    if methodology.estimate:
        monitored = {p.name for p in methodology.parameters if p.kind is Kind.MONITORED}
        for equation in methodology.estimate.equations:
            if equation.name not in monitored:
                raise MethodologyError(
                    f"{where}: estimate {equation.symbol} names no monitored parameter"
                )
        _check_equations(methodology.estimate.equations, dict(units), index_symbols, where)


def _check_equations(
    equations: tuple[Equation, ...],
    units: dict[str, str],
    index_symbols: set[str],
    where: str,
) -> None:
    for equation in equations:
        place = f"{where}, equation {equation.symbol}"
        for symbol in symbols(equation.expression):
            if symbol.name not in units:
                raise MethodologyError(f"{place}: {symbol.symbol} is not declared before use")
        free = free_indices(equation.expression)
        if not free <= set(equation.index) or not set(equation.index) <= index_symbols:
            raise MethodologyError(
                f"{place}: indices {sorted(free)} are not summed and not in {equation.index}"
            )
        unit = unit_of(equation.expression, units, place)
        if not factor_is_one(unit, equation.unit):
            raise MethodologyError(
                f"{place}: the expression is in {unit_text(unit)}, not in {equation.unit} "
                "(choose canonical units whose product is the result's unit)"
            )
        units[equation.name] = equation.unit
