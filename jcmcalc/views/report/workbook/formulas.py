"""Equations as spreadsheet formulas: one more view of the Term tree the engine evaluates."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

from jcmcalc.model.expressions.walkers import (
    BinaryOp,
    Constant,
    Extremum,
    Floor,
    Power,
    Select,
    Symbol,
    Total,
    Visitor,
)
from jcmcalc.model.numbers import exact_text, terminates

#: The cell (``input!$D$7``) holding a symbol's value for the given index bindings.
CellOf = Callable[[Symbol, Mapping[str, str]], str]
#: The cell holding a member's attribute: (index, attribute, member) -> ``members!$D$2``.
AttributeCell = Callable[[str, str, str], str]
#: Writes part of a sum (formula text, the sum, its members, the bindings) to a cell of its
#: own and returns that cell: how a sum too long for one formula is split.
Spill = Callable[[str, Total, Sequence[str], Mapping[str, str]], str]
#: Most characters of a formula (Excel's limit, with its ``=``) and of each part a sum too long
#: for one formula is split into.
LONGEST_FORMULA, LONGEST_PART = 8_192, 4_000


def number(value: Fraction) -> str:
    """A constant as formula text: exact decimal, or a quotient when it does not terminate."""
    text = exact_text(value) if terminates(value) else f"{value.numerator}/{value.denominator}"
    return f"({text})" if value < 0 or not terminates(value) else text


def literal(text: str) -> str:
    """Text as a formula's string literal."""
    return '"' + text.replace('"', '""') + '"'


class Formula(Visitor[str]):
    """Formula text (without the leading ``=``) of a term; sums are expanded per member and
    a select is a nested ``IF`` on the member's attribute cell."""

    def __init__(
        self,
        cell: CellOf,
        members: Mapping[str, Sequence[str]],
        bindings: Mapping[str, str],
        attribute_cell: AttributeCell | None = None,
        spill: Spill | None = None,
    ) -> None:
        self.cell, self.members, self.bindings = cell, members, bindings
        self.attribute_cell = attribute_cell
        self.spill = spill

    def visit_Symbol(self, node: Symbol) -> str:
        return self.cell(node, self.bindings)

    def visit_Constant(self, node: Constant) -> str:
        return number(node.value)

    def visit_BinaryOp(self, node: BinaryOp) -> str:
        return f"({self.visit(node.left)}{node.op}{self.visit(node.right)})"

    def visit_Power(self, node: Power) -> str:
        return f"POWER({self.visit(node.base)},{self.visit(node.exponent)})"

    def visit_Total(self, node: Total) -> str:
        members = self.members[node.index]
        parts = [
            Formula(
                self.cell,
                self.members,
                {**self.bindings, node.index: m},
                self.attribute_cell,
                self.spill,
            ).visit(node.body)
            for m in members
        ]
        if self.spill is not None and sum(len(p) + 1 for p in parts) > LONGEST_PART:
            parts = [
                self.spill("+".join(parts[a:b]), node, members[a:b], self.bindings)
                for a, b in _chunks(parts)
            ]
        return f"({'+'.join(parts)})" if parts else "0"

    def visit_Extremum(self, node: Extremum) -> str:
        # max(0, floor(x)) equals max(0, ROUNDDOWN(x, 0)) for every x: whole credits are
        # written with ROUNDDOWN, as a validator expects them.
        truncate = node.function == "max" and any(_is_zero(t) for t in node.terms)
        terms = [
            f"ROUNDDOWN({self.visit(t.term)},0)"
            if truncate and isinstance(t, Floor)
            else self.visit(t)
            for t in node.terms
        ]
        return f"{node.function.upper()}({','.join(terms)})"

    def visit_Floor(self, node: Floor) -> str:
        # INT rounds toward minus infinity, below zero too: a floor, not a truncation.
        return f"INT({self.visit(node.term)})"

    def visit_Select(self, node: Select) -> str:
        if self.attribute_cell is None:
            raise TypeError("a select needs the cells of the members' attributes")
        where = self.attribute_cell(node.index, node.attribute, self.bindings[node.index])
        text = "NA()"
        for key, term in reversed(node.cases):
            text = f"IF({where}={literal(key)},{self.visit(term)},{text})"
        return text


def _chunks(parts: Sequence[str]) -> list[tuple[int, int]]:
    """Ranges of ``parts`` whose sums (joined with ``+``) stay within :data:`LONGEST_PART`."""
    ranges, start, length = [], 0, 0
    for end, part in enumerate(parts):
        if length and length + len(part) + 1 > LONGEST_PART:
            ranges.append((start, end))
            start, length = end, 0
        length += len(part) + 1
    return [*ranges, (start, len(parts))]


def _is_zero(term: object) -> bool:
    return isinstance(term, Constant) and term.value == 0
