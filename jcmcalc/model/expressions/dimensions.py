"""The unit of a term of an equation, from its symbols' canonical units: products and quotients
multiply units, sums, extrema and select cases must share one unit with factor one."""

from __future__ import annotations

from collections.abc import Mapping

from jcmcalc.model.errors import MethodologyError
from jcmcalc.model.expressions.walkers import (
    BinaryOp,
    Constant,
    Convert,
    Extremum,
    Floor,
    Power,
    Select,
    Symbol,
    Term,
    Total,
    Visitor,
    to_text,
)
from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.units import dimensionality, factor_is_one, parse_unit, unit_text


class _Units(Visitor):
    """The pint unit of a term given each symbol's canonical unit (checks sums and extrema)."""

    def __init__(self, units: Mapping[str, str], where: str) -> None:
        self.units, self.where = units, where

    def generic(self, node: Term):
        raise MethodologyError(f"{self.where}: unknown term {node!r}")

    def visit_Symbol(self, node: Symbol):
        return self.parse(self.units[node.name], node.symbol)

    def visit_Constant(self, node: Constant):
        return self.parse(node.unit, decimal_text(node.value))

    def parse(self, unit: str, what: str):
        try:
            return parse_unit(unit)
        except ValueError as exc:
            raise MethodologyError(f"{self.where}: {what}: {exc}") from None

    def visit_BinaryOp(self, node: BinaryOp):
        if node.op == "*":
            return self.visit(node.left) * self.visit(node.right)
        if node.op == "/":
            return self.visit(node.left) / self.visit(node.right)
        return self.same([node.left, node.right])

    def visit_Convert(self, node: Convert):
        found = self.visit(node.left)
        if not factor_is_one(found, node.source):
            raise MethodologyError(
                f"{self.where}: to({to_text(node.left)}, {node.unit}) converts from "
                f"{node.source}, but the term is in {unit_text(found)}"
            )
        return parse_unit(node.unit)

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


def same_unit(terms: list[Term], units: Mapping[str, str], where: str):
    """The one unit of ``terms`` (added, compared or chosen between), or an error."""
    return _Units(units, where).same(terms)
