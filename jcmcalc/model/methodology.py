"""The methodology record: identity, indices, parameters, equations, eligibility criteria.

A methodology is checked when it is built (:func:`check`): every symbol of every equation is
declared before use, every equation's unit follows from its parameters' canonical units with
factor one, RE and PE are in tCO2. The conformance check lists the same problems and the gaps
that do not stop a methodology loading (a missing description or source): :func:`problems`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs

from jcmcalc.model.checks import Check, Severity
from jcmcalc.model.declared import (
    Problem,
    basis_problems,
    divisor_problems,
    identity_problems,
    parameter_problems,
    term_problems,
)
from jcmcalc.model.deferred import deferred
from jcmcalc.model.errors import InputError, MethodologyError, suggest
from jcmcalc.model.expressions.dimensions import same_unit, unit_of
from jcmcalc.model.expressions.walkers import (
    Convert,
    Select,
    Symbol,
    Term,
    free_indices,
    symbols,
    to_text,
)
from jcmcalc.model.parameters import Confidence, Kind, Parameter
from jcmcalc.model.units import factor_is_one, parse_unit, unit_text

REFERENCE = "reference_emissions"
PROJECT = "project_emissions"
#: The unit of reference and project emissions.
TONNES_CO2 = "t_CO2"


#: Hours in a period (24 per day of its dates), supplied by the core to warning checks that
#: bound a monitored energy by capacity x time.
PERIOD_HOURS = Parameter(
    "H_p",
    "hours_in_period",
    "h",
    Kind.PROJECT,
    "Hours in period p: 24 per day from its start to its end date (supplied by jcmcalc)",
)


@attrs.frozen
class Index:
    """An index of the equations (``i`` for PV systems) and where its members come from.

    Members are the tables ``[[<key>]]`` of the project file, each with an ``id``; or, when
    ``members`` is given, that fixed list declared by the methodology. ``attributes`` maps
    each attribute a member must carry to its allowed values (empty tuple: any text).
    ``optional``: the project file may omit the tables; the index then has no members and
    every sum over it is zero (a co-fired fuel that a project may not use).
    ``defaults``: attributes a member may omit, with the value they then take (a PV system
    without ``battery`` has none). ``unless``: attributes a member need not give when another
    attribute has a value (``grid`` when ``connection_case`` is ``off-grid``); they are then "".
    ``because``: why an attribute allows only its values (a criterion), named when refused."""

    symbol: str
    key: str
    title: str
    attributes: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    members: tuple[str, ...] = ()
    column: str = ""
    optional: bool = False
    defaults: Mapping[str, str] = attrs.field(factory=dict)
    unless: Mapping[str, tuple[str, str]] = attrs.field(factory=dict)
    because: Mapping[str, str] = attrs.field(factory=dict)

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

    @functools.cached_property
    def text(self) -> str:
        """``symbol = expression`` (written once per equation: every estimated value cites it)."""
        return f"{self.symbol} = {to_text(self.expression)}"


@attrs.frozen
class Estimate:
    """Ex-ante estimation: equations that produce a monitored parameter from design values.

    Each equation's ``name`` is the monitored parameter it estimates, per year of the
    crediting period; ``parameters`` are the design values the project file gives.
    """

    parameters: tuple[Parameter, ...]
    equations: tuple[Equation, ...]


@attrs.frozen(kw_only=True)
class About:
    """What a methodology is and where it stands.

    ``status`` is ``approved``, ``reconstructed`` or the like; ``approved`` and ``expired`` are
    ISO dates (empty: unknown, not expired); ``source`` is where the text was read;
    ``confidence`` how well the whole record is sourced.
    """

    family: str
    sectoral_scope: str
    status: str
    source: str
    country: str = ""
    approved: str = ""
    expired: str = ""
    confidence: Confidence = Confidence.READ


@attrs.frozen(kw_only=True)
class Methodology:
    """One approved (or reconstructed) methodology, identified by (programme, id, version)."""

    id: str
    version: str
    title: str
    about: About
    indices: tuple[Index, ...]
    parameters: tuple[Parameter, ...]
    equations: tuple[Equation, ...]
    criteria: tuple[Criterion, ...] = ()
    estimate: Estimate | None = None
    checks: tuple[Check, ...] = ()
    notes: tuple[str, ...] = ()
    programme: str = "JCM"
    #: Functions of the resolved :class:`jcmcalc.inputs.resolve.Inputs` returning warnings for the
    #: result (a value that is accepted but not credited, say).
    notices: tuple[Callable[..., Iterable[str]], ...] = ()
    #: The plugin providing it (``"distribution version"``, for fault messages) and the plugin
    #: readers serving it (:class:`jcmcalc.inputs.series.readings.Reader`): stamped by the
    #: plugin registry on the record it hands out, so nothing below it looks the registry up.
    #: Not part of the declaration: neither takes part in equality or in the fingerprint.
    plugin: str = attrs.field(default="", eq=False, metadata={"declared": False})
    readers: tuple[Any, ...] = attrs.field(default=(), eq=False, metadata={"declared": False})

    def __attrs_post_init__(self) -> None:
        if not deferred():
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
        found = self._parameters.get(key)
        if found is not None:
            return found
        names = [p.symbol for p in self.all_parameters] + [p.name for p in self.all_parameters]
        raise InputError(
            f"{self.label} has no parameter {key!r}{suggest(key, names)}", parameter=key
        )

    @functools.cached_property
    def _parameters(self) -> dict[str, Parameter]:
        """Each parameter by symbol and by name, the first declared of either (looked up once
        per methodology, not by going through them for every value)."""
        found: dict[str, Parameter] = {}
        for parameter in self.all_parameters:
            found.setdefault(parameter.symbol, parameter)
            found.setdefault(parameter.name, parameter)
        return found

    @property
    def all_parameters(self) -> tuple[Parameter, ...]:
        extra = self.estimate.parameters if self.estimate else ()
        return self.parameters + extra

    def equation(self, name: str) -> Equation:
        return next(e for e in self.equations if e.name == name)

    def words(self, name: str) -> str:
        """A parameter's or an equation result's name in words (``electricity generated``)."""
        named = {p.name: p for p in (*self.all_parameters, PERIOD_HOURS, *self.equations)}
        return named[name].name.replace("_", " ") if name in named else ""

    def unit_compared(self, check: Check) -> str:
        """The unit both sides of ``check`` are compared in, as declared: a ``to(..., unit)``
        side's, or a parameter's or result's; "" if dimensionless, or where the values' basis
        of measurement (:attr:`Parameter.units`) chooses it."""
        units = {e.name: (e.unit,) for e in self.equations}
        units |= {p.name: p.units for p in (*self.all_parameters, PERIOD_HOURS)}
        sides = (check.left, check.right)
        found = {t.unit for t in sides if isinstance(t, Convert)}
        symbol = next((t for t in sides if isinstance(t, Symbol)), None)
        for basis in range(max(map(len, units.values())) if not found else 0):
            canonical = {name: c[min(basis, len(c) - 1)] for name, c in units.items()}
            unit = unit_of(check.left, canonical, check.name)
            found.add(canonical[symbol.name] if symbol else f"{unit:~C}")
        unit = found.pop() if len(found) == 1 else ""
        return "" if unit == "dimensionless" else unit

    @property
    def error_checks(self) -> tuple[Check, ...]:
        """The checks whose breach is bad input (the others add a warning)."""
        return tuple(c for c in self.checks if c.severity is Severity.ERROR)


def _select_problems(term: Term, indices: Mapping[str, Index], place: str) -> Iterator[Problem]:
    """Every select names a declared attribute of its index and has one case per value."""
    for node in term.walk():
        if not isinstance(node, Select):
            continue
        index = indices.get(node.index)
        choices = index.attributes.get(node.attribute, ()) if index else ()
        keys = [key for key, _ in node.cases]
        if not choices or sorted(keys) != sorted(set(choices)) or len(keys) != len(set(keys)):
            yield Problem(
                f"{place}: select on {node.attribute!r} of index {node.index!r} needs one case "
                f"for each of its declared values {list(choices)}, not {keys}"
            )


def check(methodology: Methodology) -> None:
    """Raise :class:`MethodologyError` when the declaration is inconsistent (at load time)."""
    for problem in _problems(methodology):
        if problem.fatal:
            raise MethodologyError(problem.message)


def problems(methodology: Methodology) -> list[Problem]:
    """The declaration's gaps, up to its first inconsistency (the conformance check)."""
    found = []
    for problem in _problems(methodology):
        found.append(problem)
        if problem.fatal:
            break
    return found


def _problems(methodology: Methodology) -> Iterator[Problem]:
    """Every flaw in order; after a fatal one, later checks may rely on what it broke."""
    where = methodology.label
    yield from identity_problems(methodology.id, methodology.version, where)
    index_symbols = {index.symbol for index in methodology.indices}
    units: dict[str, str] = {}
    for parameter in methodology.all_parameters:
        if parameter.name in units:
            yield Problem(f"{where}: parameter {parameter.name!r} declared twice")
        yield from parameter_problems(parameter, index_symbols, where)
        units[parameter.name] = parameter.unit
    refs = {p.name: p.ref for p in methodology.all_parameters}
    estimated = methodology.estimate.equations if methodology.estimate else ()
    refs |= {e.name: e.ref for e in methodology.equations}
    for place, term in _terms(methodology):
        yield from term_problems(term, refs, index_symbols, f"{where}, {place}")
    declared = {p.name: p for p in methodology.all_parameters}
    yield from divisor_problems(_terms(methodology), declared, where)
    yield from basis_problems(methodology.all_parameters, where)
    names = [e.name for e in methodology.equations]
    for required in (REFERENCE, PROJECT):
        if required not in names:
            yield Problem(f"{where}: no equation named {required!r}")
    yield from _equation_problems(methodology.equations, units, index_symbols, where)
    for equation in methodology.equations:
        if equation.name in (REFERENCE, PROJECT) and not factor_is_one(
            parse_unit(equation.unit), TONNES_CO2
        ):
            yield Problem(
                f"{where}: equation {equation.symbol} resolves to "
                f"{unit_text(parse_unit(equation.unit))}, not {TONNES_CO2}"
            )
    indices = {index.symbol: index for index in methodology.indices}
    for term in [e.expression for e in (*methodology.equations, *estimated)] + [
        t for c in methodology.checks for t in (c.left, c.right)
    ]:
        yield from _select_problems(term, indices, where)
    fixed = {p.name for p in methodology.all_parameters} | {PERIOD_HOURS.name}
    units.setdefault(PERIOD_HOURS.name, PERIOD_HOURS.unit)
    for bound in methodology.checks:
        yield from _check_problems(
            bound, units, index_symbols, fixed, f"{where}, check {bound.name}"
        )
    if methodology.estimate:
        monitored = {p.name: p for p in methodology.parameters if p.kind is Kind.MONITORED}
        for equation in methodology.estimate.equations:
            yield from _estimate_problems(equation, monitored.get(equation.name), where)
        yield from _equation_problems(
            methodology.estimate.equations, dict(units), index_symbols, where
        )


def _terms(methodology: Methodology) -> Iterator[tuple[str, Term]]:
    """Every term the methodology declares, with the place it is declared."""
    for equation in methodology.equations:
        yield f"equation {equation.symbol}", equation.expression
    for equation in methodology.estimate.equations if methodology.estimate else ():
        yield f"estimate {equation.symbol}", equation.expression
    for bound in methodology.checks:
        yield f"check {bound.name}", bound.left
        yield f"check {bound.name}", bound.right


def _estimate_problems(
    equation: Equation, estimated: Parameter | None, where: str
) -> Iterator[Problem]:
    """An estimate equation names a monitored parameter and gives it in that parameter's unit
    (a kWh estimate of a MWh parameter would be 1000 times too large) and indices."""
    place = f"{where}, estimate {equation.symbol}"
    if estimated is None:
        yield Problem(f"{place} names no monitored parameter ({equation.name!r})")
        return
    try:
        fits = factor_is_one(parse_unit(equation.unit), estimated.unit)
    except ValueError as exc:
        yield Problem(f"{place}: {exc}")
        return
    if not fits:
        yield Problem(
            f"{place} is in {equation.unit}, but the parameter it estimates, "
            f"{estimated.symbol}, is in {estimated.unit}: convert it (to(..., "
            f'"{estimated.unit}"))'
        )
    if equation.index != estimated.index:
        yield Problem(
            f"{place} has indices {list(equation.index)}, but {estimated.symbol} "
            f"has {list(estimated.index)}"
        )


def _check_problems(
    bound: Check,
    units: Mapping[str, str],
    index_symbols: set[str],
    fixed: set[str],
    place: str,
) -> Iterator[Problem]:
    for term in (bound.left, bound.right):
        for symbol in symbols(term):
            if symbol.name not in units:
                yield Problem(f"{place}: {symbol.symbol} is not declared")
            elif bound.severity is Severity.WARNING and symbol.name not in fixed:
                yield Problem(
                    f"{place}: a warning check may use parameters (fixed or monitored) and "
                    f"{PERIOD_HOURS.symbol} only, not the result {symbol.symbol}"
                )
        free = free_indices(term)
        if not free <= set(bound.index) or not set(bound.index) <= index_symbols:
            yield Problem(f"{place}: indices {sorted(free)} not in {bound.index}")
    try:
        same_unit([bound.left, bound.right], units, place)
    except MethodologyError as exc:
        yield Problem(str(exc))


def _equation_problems(
    equations: tuple[Equation, ...],
    units: dict[str, str],
    index_symbols: set[str],
    where: str,
) -> Iterator[Problem]:
    for equation in equations:
        place = f"{where}, equation {equation.symbol}"
        for symbol in symbols(equation.expression):
            if symbol.name not in units:
                yield Problem(f"{place}: {symbol.symbol} is not declared before use")
        free = free_indices(equation.expression)
        if not free <= set(equation.index) or not set(equation.index) <= index_symbols:
            yield Problem(
                f"{place}: indices {sorted(free)} are not summed and not in {equation.index}"
            )
        try:
            unit = unit_of(equation.expression, units, place)
        except MethodologyError as exc:
            yield Problem(str(exc))
            continue
        if not factor_is_one(unit, equation.unit):
            yield Problem(
                f"{place}: the expression is in {unit_text(unit)}, not in {equation.unit} "
                "(choose canonical units whose product is the result's unit)"
            )
        units[equation.name] = equation.unit
