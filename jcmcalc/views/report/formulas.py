"""Equations as spreadsheet formulas: one more view of the Term tree the engine evaluates."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

from jcmcalc.model.expressions import BinaryOp, Constant, Minimum, Power, Symbol, Term, Total
from jcmcalc.model.numbers import exact_text, terminates

#: The cell (``input!$D$7``) holding a symbol's value for the given index bindings.
CellOf = Callable[[Symbol, Mapping[str, str]], str]


def number(value: Fraction) -> str:
    """A constant as formula text: exact decimal, or a quotient when it does not terminate."""
    text = exact_text(value) if terminates(value) else f"{value.numerator}/{value.denominator}"
    return f"({text})" if value < 0 or not terminates(value) else text


def formula(
    term: Term,
    cell: CellOf,
    members: Mapping[str, Sequence[str]],
    bindings: Mapping[str, str],
) -> str:
    """Formula text (without the leading ``=``) of ``term``; sums are expanded per member."""

    def again(child: Term, binding: Mapping[str, str] = bindings) -> str:
        return formula(child, cell, members, binding)

    match term:
        case Symbol():
            return cell(term, bindings)
        case Constant(value=value):
            return number(value)
        case BinaryOp(op=op, left=left, right=right):
            return f"({again(left)}{op}{again(right)})"
        case Power(base=base, exponent=exponent):
            return f"POWER({again(base)},{again(exponent)})"
        case Total(index=index, body=body):
            parts = [again(body, {**bindings, index: member}) for member in members[index]]
            return f"({'+'.join(parts)})" if parts else "0"
        case Minimum(terms=terms):
            return f"MIN({','.join(again(t) for t in terms)})"
    raise TypeError(f"no formula for term {term!r}")
