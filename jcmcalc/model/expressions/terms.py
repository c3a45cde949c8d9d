"""The nodes of an equation's expression tree, their builders, and the visitor base.

Build trees from :attr:`Parameter.ref` and :attr:`Equation.ref` with ``+ - * /``,
:func:`total` (a sum over an index), :func:`minimum`, :func:`maximum`, :class:`Floor`,
:func:`select` (a term chosen per member by one of its attributes), :func:`to` (an exact unit
conversion) and :class:`Constant`.
Every walker over a tree (text, LaTeX, exact and array evaluation, units, spreadsheet
formulas) is a :class:`Visitor` subclass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any, Generic, TypeVar

import attrs

from jcmcalc.model.units import conversion_factor


class Term:
    """A node of an equation. Combine terms with ``+ - * /`` and ``**`` (integer powers)."""

    precedence = 9

    def __add__(self, other: Term) -> Term:
        return BinaryOp("+", self, as_term(other))

    def __sub__(self, other: Term) -> Term:
        return BinaryOp("-", self, as_term(other))

    def __mul__(self, other: Term) -> Term:
        return BinaryOp("*", self, as_term(other))

    def __truediv__(self, other: Term) -> Term:
        return BinaryOp("/", self, as_term(other))

    def __rsub__(self, other: object) -> Term:
        return BinaryOp("-", as_term(other), self)

    def __rmul__(self, other: object) -> Term:
        return BinaryOp("*", as_term(other), self)

    def __pow__(self, other: Term) -> Term:
        return Power(self, as_term(other))

    def children(self) -> Sequence[Term]:
        return ()

    def walk(self) -> Iterator[Term]:
        """This node and every node below it."""
        yield self
        for child in self.children():
            yield from child.walk()


def as_term(value: object) -> Term:
    """Wrap a number (int, decimal text, Fraction) as a constant; pass terms through."""
    if isinstance(value, Term):
        return value
    return Constant(Fraction(value))  # type: ignore[arg-type]


@attrs.frozen(eq=False)
class Symbol(Term):
    """A parameter or an earlier equation's result, indexed like its declaration."""

    name: str
    symbol: str
    index: tuple[str, ...] = ()


@attrs.frozen(eq=False)
class Constant(Term):
    """A fixed number in an equation, with an optional label and unit (``24 h``)."""

    value: Fraction = attrs.field(converter=Fraction)
    unit: str = "dimensionless"
    label: str = ""


@attrs.frozen(eq=False)
class BinaryOp(Term):
    op: str
    left: Term
    right: Term

    @property
    def precedence(self) -> int:  # type: ignore[override]
        return 1 if self.op in "+-" else 2

    def children(self) -> Sequence[Term]:
        return (self.left, self.right)


@attrs.frozen(eq=False)
class Convert(BinaryOp):
    """``to(term, unit)``: ``term`` times the exact factor from its unit ``source`` to ``unit``.

    A product with a constant, so every walker evaluates it as one; the text shows ``to()``.
    """

    unit: str = ""
    source: str = ""


@attrs.frozen(eq=False)
class Power(Term):
    base: Term
    exponent: Term

    precedence = 3

    def children(self) -> Sequence[Term]:
        return (self.base, self.exponent)


@attrs.frozen(eq=False)
class Total(Term):
    """Sum of ``body`` over every member of ``index``."""

    index: str
    body: Term

    precedence = 2

    def children(self) -> Sequence[Term]:
        return (self.body,)


@attrs.frozen(eq=False)
class Extremum(Term):
    """The smallest (``min``) or largest (``max``) of several terms of one unit."""

    terms: tuple[Term, ...]

    function = ""

    def children(self) -> Sequence[Term]:
        return self.terms


class Minimum(Extremum):
    """The smallest of several terms (the conservative choice of a factor)."""

    function = "min"


class Maximum(Extremum):
    """The largest of several terms (``max(0, x)``: never negative)."""

    function = "max"


@attrs.frozen(eq=False)
class Floor(Term):
    """``term`` rounded down to a whole number, in its own unit."""

    term: Term

    def children(self) -> Sequence[Term]:
        return (self.term,)


@attrs.frozen(eq=False)
class Select(Term):
    """The term of ``cases`` whose key is the value of the member's ``attribute``.

    ``index`` names the index whose member carries the attribute (``i``: the system's
    ``net_electricity`` option); ``cases`` pair each attribute value with its term.
    """

    index: str
    attribute: str
    cases: tuple[tuple[str, Term], ...]

    def children(self) -> Sequence[Term]:
        return tuple(term for _, term in self.cases)

    def case(self, value: str) -> Term:
        """The term for attribute ``value``; ``KeyError`` when no case has it."""
        for key, term in self.cases:
            if key == value:
                return term
        raise KeyError(f"{self.attribute} = {value!r} has no case in select on {self.index}")


def total(index: str, body: Term) -> Total:
    """``sum over index`` of ``body``."""
    return Total(index, body)


def minimum(*terms: object) -> Minimum:
    """``min(a, b, ...)``."""
    return Minimum(tuple(as_term(t) for t in terms))


def maximum(*terms: object) -> Maximum:
    """``max(a, b, ...)``."""
    return Maximum(tuple(as_term(t) for t in terms))


def to(term: Term, unit: str, source: str) -> Convert:
    """``term`` (in ``source``) converted to ``unit`` by the exact factor the registry computes;
    ``ValueError`` when the units are unknown or measure different things."""
    try:
        factor = conversion_factor(source, unit)
    except ValueError as exc:  # an unknown unit
        raise ValueError(f"to(..., {unit!r}): {exc}") from None
    except Exception:  # pint's DimensionalityError
        raise ValueError(
            f"to(..., {unit!r}): cannot convert {source} to {unit}: they measure different things"
        ) from None
    wrapped = f"({source})" if any(sign in source for sign in "*/ ") else source
    ratio = Constant(factor, unit=f"({unit}) / ({source})", label=f"{unit}/{wrapped}")
    return Convert("*", term, ratio, unit, source)


def select(attribute: str, cases: Mapping[str, object], *, index: str = "") -> Select:
    """``select(attribute, {value: term, ...})``: per member, the term its attribute chooses.

    ``index`` defaults to the one index the cases' terms share (the member's index).
    """
    terms = tuple((str(key), as_term(term)) for key, term in cases.items())
    if not index:
        found = {
            i
            for _, term in terms
            for node in term.walk()
            if isinstance(node, Symbol)
            for i in node.index
        }
        if len(found) != 1:
            raise ValueError(f"select on {attribute!r}: name its index (the cases use {found})")
        index = found.pop()
    return Select(index, attribute, terms)


R = TypeVar("R")


class Visitor(Generic[R]):
    """A walker over a tree: ``visit`` calls ``visit_<NodeClass>`` for the node's class (or
    the nearest base class that has one) and :meth:`generic` for a node without a method."""

    def visit(self, node: Term) -> R:
        method = _METHODS.get((type(self), type(node)))
        if method is None:
            method = _METHODS[type(self), type(node)] = _method(type(self), type(node))
        return method(self, node)

    def generic(self, node: Term) -> R:
        """A node this walker has no method for: an error unless a subclass combines
        the visited children (:class:`Collector`)."""
        raise TypeError(f"{type(self).__name__} cannot take the term {node!r}")


#: Each visitor class's method for each node class (:func:`_method`), found once per pair.
_METHODS: dict[tuple[type, type], Callable[[Any, Any], Any]] = {}


def _method(visitor: type, node: type) -> Callable[[Any, Any], Any]:
    """``visitor``'s method for nodes of class ``node``: ``visit_<class>`` of the nearest class
    in the node's MRO that has one, else ``generic``."""
    for cls in node.__mro__:
        if hasattr(visitor, f"visit_{cls.__name__}"):
            return getattr(visitor, f"visit_{cls.__name__}")
    return visitor.generic


class Collector(Visitor[R]):
    """A visitor whose :meth:`generic` combines the results of a node's children."""

    def generic(self, node: Term) -> R:
        return self.combine(node, [self.visit(child) for child in node.children()])

    def combine(self, node: Term, parts: list[R]) -> R:
        raise NotImplementedError
