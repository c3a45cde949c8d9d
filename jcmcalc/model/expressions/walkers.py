"""Equations declared once as expression trees, and the walkers that read them.

The same tree is evaluated exactly (``Fraction``), written as plain text and LaTeX, shown with
its substituted values in the trace, and checked for units when a methodology is built. The
nodes live in :mod:`jcmcalc.model.expressions.terms` and are re-exported here; every walker is a
:class:`~jcmcalc.model.expressions.terms.Visitor`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

from jcmcalc.model.expressions.terms import (
    BinaryOp,
    Collector,
    Constant,
    Convert,
    Extremum,
    Floor,
    Maximum,
    Minimum,
    Power,
    Select,
    Symbol,
    Term,
    Total,
    Visitor,
    as_term,
    maximum,
    minimum,
    select,
    to,
    total,
)
from jcmcalc.model.numbers import decimal_text

__all__ = [
    "BinaryOp",
    "Constant",
    "Convert",
    "Exact",
    "Extremum",
    "Floor",
    "Maximum",
    "Minimum",
    "Power",
    "Select",
    "Symbol",
    "Term",
    "Total",
    "Visitor",
    "as_term",
    "evaluate",
    "free_indices",
    "latex_symbol",
    "maximum",
    "minimum",
    "select",
    "selections",
    "substituted",
    "symbols",
    "to",
    "to_latex",
    "to_text",
    "total",
]

#: Attributes of every member: index symbol -> member -> attribute -> value.
Attributes = Mapping[str, Mapping[str, Mapping[str, str]]]
#: ``(index, attribute, value)``: a member of ``index`` whose ``attribute`` is ``value``.
Condition = tuple[str, str, str]

_GREEK = {"eta": r"\eta", "Delta": r"\Delta", "alpha": r"\alpha", "rho": r"\rho"}


def latex_symbol(symbol: str) -> str:
    """``EF_RE,i`` -> ``\\mathit{EF}_{RE,i}``; ``eta_PJ`` -> ``\\eta_{PJ}``."""
    base, _, subscript = symbol.partition("_")
    head = _GREEK.get(base, base if len(base) == 1 else rf"\mathit{{{base}}}")
    return f"{head}_{{{subscript}}}" if subscript else head


def member_attribute(attributes: Attributes, node: Select, bindings: Mapping[str, str]) -> str:
    """The value of ``node``'s attribute for the member ``bindings`` name."""
    return attributes[node.index][bindings[node.index]][node.attribute]


# --- plain text ----------------------------------------------------------------------------

_SIGNS = {"*": "×", "/": "/", "+": "+", "-": "-"}


def _wrap(child: Term, parent_precedence: int, text: str, *, right: bool = False) -> str:
    tighter = child.precedence < parent_precedence or (
        right and child.precedence == parent_precedence
    )
    return f"({text})" if tighter else text


class _Text(Visitor[str]):
    """Text of a tree; with ``members``, sums are expanded and a select shows its case."""

    def __init__(
        self,
        show: Callable[[Symbol, Mapping[str, str]], str],
        members: Mapping[str, Sequence[str]] | None,
        bound: Mapping[str, str],
        attributes: Attributes | None = None,
    ) -> None:
        self.show, self.members, self.bound, self.attributes = show, members, bound, attributes

    def _under(self, bound: Mapping[str, str]) -> _Text:
        return _Text(self.show, self.members, bound, self.attributes)

    def visit_Symbol(self, node: Symbol) -> str:
        return self.show(node, self.bound)

    def visit_Constant(self, node: Constant) -> str:
        return node.label if node.label and self.members is None else decimal_text(node.value)

    def visit_BinaryOp(self, node: BinaryOp) -> str:
        lhs = _wrap(node.left, node.precedence, self.visit(node.left))
        rhs = _wrap(node.right, node.precedence, self.visit(node.right), right=node.op in "-/")
        return f"{lhs} {_SIGNS[node.op]} {rhs}"

    def visit_Convert(self, node: Convert) -> str:
        if self.members is not None:  # substituted: the factor's value shows
            return self.visit_BinaryOp(node)
        return f"to({self.visit(node.left)}, {node.unit})"

    def visit_Power(self, node: Power) -> str:
        base, exponent = self.visit(node.base), self.visit(node.exponent)
        return f"{_wrap(node.base, 4, base)}^{_wrap(node.exponent, 4, exponent)}"

    def visit_Total(self, node: Total) -> str:
        if self.members is None:
            return f"Σ_{node.index}({self.visit(node.body)})"
        parts = [
            _wrap(node.body, 2, self._under({**self.bound, node.index: m}).visit(node.body))
            for m in self.members[node.index]
        ]
        if len(parts) == 1:
            return parts[0]
        return f"({' + '.join(parts)})" if parts else "0"

    def visit_Extremum(self, node: Extremum) -> str:
        return f"{node.function}({', '.join(self.visit(t) for t in node.terms)})"

    def visit_Floor(self, node: Floor) -> str:
        return f"floor({self.visit(node.term)})"

    def visit_Select(self, node: Select) -> str:
        if self.attributes is not None and self.members is not None:
            term = node.case(member_attribute(self.attributes, node, self.bound))
            return _wrap(term, Term.precedence, self.visit(term))
        cases = "; ".join(f"{key}: {self.visit(term)}" for key, term in node.cases)
        return f"select({node.attribute}[{node.index}]; {cases})"


def to_text(term: Term) -> str:
    """Plain text of an expression: ``Σ_i(EG_i,p × EF_RE,i)``."""
    return _Text(lambda symbol, _: symbol.symbol, None, {}).visit(term)


def substituted(
    term: Term,
    show: Callable[[Symbol, Mapping[str, str]], str],
    members: Mapping[str, Sequence[str]],
    bindings: Mapping[str, str],
    attributes: Attributes | None = None,
) -> str:
    """Plain text of ``term`` with every symbol replaced by ``show(symbol, bindings)``.

    Sums are written out term by term, so a validator sees each substituted value; with the
    members' ``attributes``, a select shows the one case the member takes.
    """
    return _Text(show, members, bindings, attributes).visit(term)


# --- LaTeX ---------------------------------------------------------------------------------


def _paren_latex(child: Term, parent_precedence: int, text: str, *, right: bool = False) -> str:
    tighter = child.precedence < parent_precedence or (
        right and child.precedence == parent_precedence
    )
    return rf"\left({text}\right)" if tighter else text


def _latex_text(text: str) -> str:
    return r"\text{" + text.replace("_", r"\_") + "}"


class _Latex(Visitor[str]):
    def visit_Symbol(self, node: Symbol) -> str:
        return latex_symbol(node.symbol)

    def visit_Constant(self, node: Constant) -> str:
        label = node.label.replace("_", r"\_")
        return rf"\mathrm{{{label}}}" if node.label else decimal_text(node.value)

    def visit_BinaryOp(self, node: BinaryOp) -> str:
        left, right = self.visit(node.left), self.visit(node.right)
        if node.op == "/":
            return rf"\frac{{{left}}}{{{right}}}"
        sign = {"*": r"\times", "+": "+", "-": "-"}[node.op]
        lhs = _paren_latex(node.left, node.precedence, left)
        rhs = _paren_latex(node.right, node.precedence, right, right=node.op == "-")
        return f"{lhs} {sign} {rhs}"

    def visit_Power(self, node: Power) -> str:
        return (
            f"{_paren_latex(node.base, 4, self.visit(node.base))}^{{{self.visit(node.exponent)}}}"
        )

    def visit_Total(self, node: Total) -> str:
        return rf"\sum_{{{node.index}}} {_paren_latex(node.body, 2, self.visit(node.body))}"

    def visit_Extremum(self, node: Extremum) -> str:
        return rf"\{node.function}\left({', '.join(self.visit(t) for t in node.terms)}\right)"

    def visit_Floor(self, node: Floor) -> str:
        return rf"\left\lfloor {self.visit(node.term)} \right\rfloor"

    def visit_Select(self, node: Select) -> str:
        rows = [
            rf"{self.visit(term)} & \text{{if }} {_latex_text(node.attribute)}_{{{node.index}}}"
            rf" = {_latex_text(key)}"
            for key, term in node.cases
        ]
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"


def to_latex(term: Term) -> str:
    """LaTeX of the expression, for the docs and the reports."""
    return _Latex().visit(term)


# --- exact evaluation ----------------------------------------------------------------------

Lookup = Callable[[Symbol, Mapping[str, str]], Fraction]
#: The largest whole exponent evaluated (years of a crediting period are far below it).
MAX_EXPONENT = 1000
#: The largest numerator or denominator a power may give, in bits (about 2,466 digits): a
#: rate of 45 digits to the power 100 would pass Python's 4,300-digit limit of int text.
MAX_POWER_BITS = 8192


#: The largest numerator or denominator of an equation's result, in bits (about 4,200 digits:
#: Python writes no integer of more than 4,300 digits as text).
MAX_RESULT_BITS = 14_000


def oversized(value: Fraction) -> None:
    """Refuse (:class:`PowerBound`) a result beyond :data:`MAX_RESULT_BITS`."""
    bits = max(value.numerator.bit_length(), value.denominator.bit_length())
    if bits > MAX_RESULT_BITS:
        raise PowerBound(
            f"its result would be a fraction of about {bits * 3 // 10:,} digits, more than "
            f"the {MAX_RESULT_BITS * 3 // 10:,} jcmcalc writes"
        )


class PowerBound(ValueError):
    """A power refused before it is computed (beyond :data:`MAX_EXPONENT` or
    :data:`MAX_POWER_BITS`): the values given are at fault, not the formula."""


def short_text(value: Fraction) -> str:
    """A value for a message: exact when short, else about six digits and its size."""
    value = Fraction(value)
    if value.denominator == 1 and value.numerator.bit_length() <= 64:
        return str(value.numerator)
    digits = max(value.numerator.bit_length(), value.denominator.bit_length()) * 3 // 10
    try:
        return f"{float(value):.6g} (a fraction of about {digits:,} digits)"
    except OverflowError:
        return f"a number of about {digits:,} digits"


class Exact(Visitor[Fraction]):
    """A term's exact value (:func:`evaluate`)."""

    def __init__(
        self,
        lookup: Lookup,
        members: Mapping[str, Sequence[str]],
        bindings: Mapping[str, str],
        attributes: Attributes,
    ) -> None:
        self.lookup, self.members, self.bindings = lookup, members, bindings
        self.attributes = attributes

    def visit_Symbol(self, node: Symbol) -> Fraction:
        return self.lookup(node, self.bindings)

    def visit_Constant(self, node: Constant) -> Fraction:
        return node.value

    def visit_BinaryOp(self, node: BinaryOp) -> Fraction:
        a, b = self.visit(node.left), self.visit(node.right)
        if node.op == "+":
            return a + b
        if node.op == "-":
            return a - b
        if node.op == "*":
            return a * b
        if self.zero(b):
            raise ZeroDivisionError(f"division by zero in {to_text(node)}")
        return a / b

    def visit_Power(self, node: Power) -> Fraction:
        return self.power(self.visit(node.base), self.visit(node.exponent), node)

    def visit_Total(self, node: Total) -> Fraction:
        found = Fraction(0)
        for member in self.members[node.index]:
            bound = {**self.bindings, node.index: member}
            found += type(self)(self.lookup, self.members, bound, self.attributes).visit(node.body)
        return found

    def visit_Minimum(self, node: Minimum) -> Fraction:
        return min(self.visit(t) for t in node.terms)

    def visit_Maximum(self, node: Maximum) -> Fraction:
        return max(self.visit(t) for t in node.terms)

    def visit_Floor(self, node: Floor) -> Fraction:
        return self.floored(self.visit(node.term))

    # the rules of the operations a subclass applies element by element (model/elementwise.py)

    @staticmethod
    def zero(value: Fraction) -> bool:
        return value == 0

    @staticmethod
    def power(base: Fraction, power: Fraction, node: Power) -> Fraction:
        """``base`` to a whole ``power``; a fractional power gives no exact number, and one
        beyond :data:`MAX_EXPONENT` or :data:`MAX_POWER_BITS` is refused before it is computed."""
        power, base = (v if isinstance(v, Fraction) else Fraction(v) for v in (power, base))
        if power.denominator != 1:
            raise ValueError(f"non-integer power in {to_text(node)}")
        exponent = int(power)
        if abs(exponent) > MAX_EXPONENT:
            raise PowerBound(
                f"{to_text(node)}: the exponent {short_text(power)} is beyond the "
                f"{MAX_EXPONENT} jcmcalc evaluates"
            )
        bits = max(base.numerator.bit_length(), base.denominator.bit_length())
        if abs(exponent) * bits > MAX_POWER_BITS:
            raise PowerBound(
                f"{to_text(node)}: {short_text(base)} to the power {exponent} would be a "
                f"fraction of about {abs(exponent) * bits * 3 // 10:,} digits, more than the "
                f"{MAX_POWER_BITS * 3 // 10:,} jcmcalc evaluates"
            )
        return base**exponent

    @staticmethod
    def floored(value: Fraction) -> Fraction:
        return Fraction(value.numerator // value.denominator)

    def visit_Select(self, node: Select) -> Fraction:
        return self.visit(node.case(member_attribute(self.attributes, node, self.bindings)))


def evaluate(
    term: Term,
    lookup: Lookup,
    members: Mapping[str, Sequence[str]],
    bindings: Mapping[str, str],
    attributes: Attributes | None = None,
) -> Fraction:
    """Exact value of ``term``; ``lookup(symbol, bindings)`` supplies symbol values and
    ``attributes`` (index -> member -> attribute -> value) the members' options for selects."""
    return Exact(lookup, members, bindings, attributes or {}).visit(term)


# --- symbols, indices, selections ----------------------------------------------------------


def symbols(term: Term) -> list[Symbol]:
    """Every symbol in ``term``, in order of appearance, each name once."""
    seen: dict[str, Symbol] = {}
    for node in term.walk():
        if isinstance(node, Symbol) and node.name not in seen:
            seen[node.name] = node
    return list(seen.values())


class _FreeIndices(Collector[frozenset[str]]):
    def combine(self, node: Term, parts: list[frozenset[str]]) -> frozenset[str]:
        return frozenset().union(*parts)

    def visit_Symbol(self, node: Symbol) -> frozenset[str]:
        return frozenset(node.index)

    def visit_Total(self, node: Total) -> frozenset[str]:
        return self.visit(node.body) - {node.index}

    def visit_Select(self, node: Select) -> frozenset[str]:
        return self.generic(node) | {node.index}


def free_indices(term: Term) -> set[str]:
    """Indices used in ``term`` that no sum binds (a select binds its member's index)."""
    return set(_FreeIndices().visit(term))


class _Selections(Collector[list[tuple[Symbol, tuple[Condition, ...]]]]):
    def __init__(self, conditions: tuple[Condition, ...] = ()) -> None:
        self.conditions = conditions

    def combine(self, node: Term, parts: list) -> list[tuple[Symbol, tuple[Condition, ...]]]:
        return [use for part in parts for use in part]

    def visit_Symbol(self, node: Symbol) -> list[tuple[Symbol, tuple[Condition, ...]]]:
        return [(node, self.conditions)]

    def visit_Select(self, node: Select) -> list[tuple[Symbol, tuple[Condition, ...]]]:
        return [
            use
            for key, term in node.cases
            for use in _Selections((*self.conditions, (node.index, node.attribute, key))).visit(
                term
            )
        ]


def selections(term: Term) -> list[tuple[Symbol, tuple[Condition, ...]]]:
    """Every use of a symbol in ``term`` with the select cases it lies in (empty: always used)."""
    return _Selections().visit(term)
