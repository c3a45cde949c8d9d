"""Equations declared once as expression trees.

The same tree is evaluated exactly (``Fraction``), written as plain text and LaTeX, shown with
its substituted values in the trace, and checked for units when a methodology is built.
Build trees from :attr:`Parameter.ref` and :attr:`Equation.ref` with ``+ - * /``,
:func:`total` (a sum over an index), :func:`minimum` and :class:`Constant`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from fractions import Fraction

import attrs

from jcmcalc.model.numbers import decimal_text

_GREEK = {"eta": r"\eta", "Delta": r"\Delta", "alpha": r"\alpha", "rho": r"\rho"}


def latex_symbol(symbol: str) -> str:
    """``EF_RE,i`` -> ``\\mathit{EF}_{RE,i}``; ``eta_PJ`` -> ``\\eta_{PJ}``."""
    base, _, subscript = symbol.partition("_")
    head = _GREEK.get(base, base if len(base) == 1 else rf"\mathit{{{base}}}")
    return f"{head}_{{{subscript}}}" if subscript else head


def _plain(value: Fraction) -> str:
    return decimal_text(value)


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
class Minimum(Term):
    """The smallest of several terms (the conservative choice of a factor)."""

    terms: tuple[Term, ...]

    def children(self) -> Sequence[Term]:
        return self.terms


def total(index: str, body: Term) -> Total:
    """``sum over index`` of ``body``."""
    return Total(index, body)


def minimum(*terms: object) -> Minimum:
    """``min(a, b, ...)``."""
    return Minimum(tuple(as_term(t) for t in terms))


# --- rendering -----------------------------------------------------------------------------


def _wrap(child: Term, parent_precedence: int, text: str, *, right: bool = False) -> str:
    tighter = child.precedence < parent_precedence or (
        right and child.precedence == parent_precedence
    )
    return f"({text})" if tighter else text


def to_text(term: Term) -> str:
    """Plain text of an expression: ``Σ_i(EG_i,p × EF_RE,i)``."""
    return _render(term, lambda symbol, _: symbol.symbol, None, {})


def to_latex(term: Term) -> str:
    """LaTeX of the expression, for the docs and the reports."""
    match term:
        case Symbol():
            return latex_symbol(term.symbol)
        case Constant():
            return rf"\mathrm{{{term.label}}}" if term.label else _plain(term.value)
        case BinaryOp(op="/", left=left, right=right):
            return rf"\frac{{{to_latex(left)}}}{{{to_latex(right)}}}"
        case BinaryOp(op=op, left=left, right=right):
            sign = {"*": r"\times", "+": "+", "-": "-"}[op]
            lhs = _paren_latex(left, term.precedence, to_latex(left))
            rhs = _paren_latex(right, term.precedence, to_latex(right), right=op == "-")
            return f"{lhs} {sign} {rhs}"
        case Power(base=base, exponent=exponent):
            return f"{_paren_latex(base, 4, to_latex(base))}^{{{to_latex(exponent)}}}"
        case Total(index=index, body=body):
            return rf"\sum_{{{index}}} {_paren_latex(body, 2, to_latex(body))}"
        case Minimum(terms=terms):
            return rf"\min\left({', '.join(to_latex(t) for t in terms)}\right)"
    raise TypeError(f"unknown term {term!r}")


def _paren_latex(child: Term, parent_precedence: int, text: str, *, right: bool = False) -> str:
    tighter = child.precedence < parent_precedence or (
        right and child.precedence == parent_precedence
    )
    return rf"\left({text}\right)" if tighter else text


# --- evaluation ----------------------------------------------------------------------------

Lookup = Callable[[Symbol, Mapping[str, str]], Fraction]


def evaluate(
    term: Term,
    lookup: Lookup,
    members: Mapping[str, Sequence[str]],
    bindings: Mapping[str, str],
) -> Fraction:
    """Exact value of ``term``; ``lookup(symbol, bindings)`` supplies symbol values."""
    match term:
        case Symbol():
            return lookup(term, bindings)
        case Constant():
            return term.value
        case BinaryOp(op=op, left=left, right=right):
            a = evaluate(left, lookup, members, bindings)
            b = evaluate(right, lookup, members, bindings)
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            if b == 0:
                raise ZeroDivisionError(f"division by zero in {to_text(term)}")
            return a / b
        case Power(base=base, exponent=exponent):
            power = evaluate(exponent, lookup, members, bindings)
            if power.denominator != 1:
                raise ValueError(f"non-integer power in {to_text(term)}")
            return evaluate(base, lookup, members, bindings) ** int(power)
        case Total(index=index, body=body):
            return sum(
                (
                    evaluate(body, lookup, members, {**bindings, index: member})
                    for member in members[index]
                ),
                Fraction(0),
            )
        case Minimum(terms=terms):
            return min(evaluate(t, lookup, members, bindings) for t in terms)
    raise TypeError(f"unknown term {term!r}")


def symbols(term: Term) -> list[Symbol]:
    """Every symbol in ``term``, in order of appearance, each name once."""
    seen: dict[str, Symbol] = {}
    for node in term.walk():
        if isinstance(node, Symbol) and node.name not in seen:
            seen[node.name] = node
    return list(seen.values())


def free_indices(term: Term) -> set[str]:
    """Indices used in ``term`` that no sum binds."""
    match term:
        case Symbol():
            return set(term.index)
        case Total(index=index, body=body):
            return free_indices(body) - {index}
    found: set[str] = set()
    for child in term.children():
        found |= free_indices(child)
    return found


def substituted(
    term: Term,
    show: Callable[[Symbol, Mapping[str, str]], str],
    members: Mapping[str, Sequence[str]],
    bindings: Mapping[str, str],
) -> str:
    """Plain text of ``term`` with every symbol replaced by ``show(symbol, bindings)``.

    Sums are written out term by term, so a validator sees each substituted value.
    """
    return _render(term, show, members, bindings)


_SIGNS = {"*": "×", "/": "/", "+": "+", "-": "-"}


def _render(
    node: Term,
    show: Callable[[Symbol, Mapping[str, str]], str],
    members: Mapping[str, Sequence[str]] | None,
    bound: Mapping[str, str],
) -> str:
    """Text of ``node``; with ``members``, sums are expanded over their members."""

    def again(child: Term, binding: Mapping[str, str] = bound) -> str:
        return _render(child, show, members, binding)

    match node:
        case Symbol():
            return show(node, bound)
        case Constant():
            return node.label if node.label and members is None else _plain(node.value)
        case BinaryOp(op=op, left=left, right=right):
            lhs = _wrap(left, node.precedence, again(left))
            rhs = _wrap(right, node.precedence, again(right), right=op in "-/")
            return f"{lhs} {_SIGNS[op]} {rhs}"
        case Power(base=base, exponent=exponent):
            return f"{_wrap(base, 4, again(base))}^{_wrap(exponent, 4, again(exponent))}"
        case Total(index=index, body=body) if members is None:
            return f"Σ_{index}({again(body)})"
        case Total(index=index, body=body):
            parts = [_wrap(body, 2, again(body, {**bound, index: m})) for m in members[index]]
            if len(parts) == 1:
                return parts[0]
            return f"({' + '.join(parts)})" if parts else "0"
        case Minimum(terms=terms):
            return f"min({', '.join(again(t) for t in terms)})"
    raise TypeError(f"unknown term {node!r}")
