"""Formulas written as text (``sum(i, EC_PJ[i] * COP_PJ[i] / COP_RE[i] * EF_elec)``), parsed
into the expression tree that every walker reads. Nothing is evaluated: the text is parsed by
Python's :mod:`ast` and only the nodes below are accepted.

- a name declared by the methodology, subscripted by exactly its indices (``EC_PJ[i]``,
  ``Q[k, j]``); a name without indices stands alone (``EF_elec``), as a named constant does;
- numbers (``0.5``, ``24``) and quantities as quoted text (``"300 refrigeration_ton"``);
- ``+ - * /``, unary ``-``, ``**`` (whole-number powers of pure numbers) and parentheses;
- ``sum(i, body)`` over a declared index, ``min(a, b, ...)``, ``max(a, b, ...)``,
  ``floor`` (x rounded down), ``to(x, "MWh")`` (exact unit conversion, the factor computed here) and
  ``select(i, "attribute", {"value": term, ...})`` (the term a member's attribute chooses);
- in a check, one comparison: ``a < b``, ``a <= b``, ``a > b`` or ``a >= b``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from fractions import Fraction

import attrs

from jcmcalc.model.errors import MethodologyError, suggest
from jcmcalc.model.expressions.dimensions import unit_of
from jcmcalc.model.expressions.terms import (
    BinaryOp,
    Constant,
    Floor,
    Power,
    Symbol,
    Term,
    maximum,
    minimum,
    select,
    to,
    total,
)
from jcmcalc.model.expressions.walkers import (
    MAX_EXPONENT,
    PowerBound,
    Select,
    Total,
    evaluate,
    short_text,
    to_text,
)
from jcmcalc.model.numbers import decimal_fraction
from jcmcalc.model.units import parse_unit, split_quantity, unit_text

#: Longest formula accepted (a methodology's equation is a line or two).
MAX_LENGTH = 4000
#: Deepest nesting accepted, in levels of the parsed formula (those shipped nest at most 8).
MAX_DEPTH = 40
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_COMPARISONS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


@attrs.frozen
class Declared:
    """What a name in a formula stands for: its symbol in the tree (or a named constant) and
    its canonical unit."""

    symbol: Symbol | Constant
    unit: str


class _Parser:
    def __init__(self, names: Mapping[str, Declared], indices: set[str], where: str) -> None:
        self.names, self.indices, self.where = names, indices, where
        self.functions: dict[str, Callable[[ast.Call], Term]] = {
            "sum": self._sum,
            "min": lambda call: minimum(*self._arguments(call, at_least=2)),
            "max": lambda call: maximum(*self._arguments(call, at_least=2)),
            "floor": lambda call: Floor(*self._arguments(call, exactly=1)),
            "to": self._to,
            "select": self._select,
        }

    def fail(self, message: str) -> MethodologyError:
        return MethodologyError(f"{self.where}: {message}")

    def term(self, node: ast.AST) -> Term:
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return BinaryOp(_OPERATORS[type(node.op)], self.term(node.left), self.term(node.right))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            power = Power(self.term(node.left), self.term(node.right))
            return _literal_power(power, self.where)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return BinaryOp("-", Constant(0), self.term(node.operand))
        if isinstance(node, ast.Constant):
            return self._constant(node.value)
        if isinstance(node, ast.Name | ast.Subscript):
            return self._symbol(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            function = self.functions.get(node.func.id)
            if function is None:
                raise self.fail(
                    f"unknown function {node.func.id!r}{suggest(node.func.id, self.functions)}"
                )
            if node.keywords:
                raise self.fail(f"{node.func.id}() takes no keyword arguments")
            return function(node)
        raise self.fail(f"{ast.unparse(node)!r} is not allowed in a formula")

    def _constant(self, value: object) -> Constant:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.fail(f"{value!r} is not a number or a quantity")
        if isinstance(value, str):
            try:
                magnitude, unit = split_quantity(value)
                parse_unit(unit)
            except ValueError as exc:
                raise self.fail(f"quantity {value!r}: {exc}") from None
            # zero is written 0 in any unit, as the equations in Python write it
            label = value if magnitude else ""
            return Constant(magnitude, unit=unit or "dimensionless", label=label)
        try:
            return Constant(decimal_fraction(repr(value)) if isinstance(value, float) else value)
        except (OverflowError, ValueError) as exc:  # 1e-300: an exponent beyond the guard
            raise self.fail(f"the number {value!r}: {exc}") from None

    def _symbol(self, node: ast.Name | ast.Subscript) -> Symbol | Constant:
        name_node = node.value if isinstance(node, ast.Subscript) else node
        if not isinstance(name_node, ast.Name):
            raise self.fail(f"{ast.unparse(node)!r} is not a declared name")
        name = name_node.id
        declared = self.names.get(name)
        if declared is None:
            raise self.fail(f"{name!r} is not declared{suggest(name, self.names)}")
        if isinstance(declared.symbol, Constant):
            if isinstance(node, ast.Subscript):
                raise self.fail(f"{name} is a constant: write it without indices")
            return declared.symbol
        given: tuple[str, ...] = ()
        if isinstance(node, ast.Subscript):
            parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            given = tuple(ast.unparse(part) for part in parts)
        if given != declared.symbol.index:
            wanted = (
                f"{name}[{', '.join(declared.symbol.index)}]" if declared.symbol.index else name
            )
            raise self.fail(f"write {wanted}, not {ast.unparse(node)} (its declared indices)")
        return declared.symbol

    def _arguments(self, call: ast.Call, *, exactly: int = 0, at_least: int = 0) -> list[Term]:
        count = len(call.args)
        if (exactly and count != exactly) or count < at_least:
            wanted = exactly or f"at least {at_least}"
            raise self.fail(f"{ast.unparse(call)}: {call.func.id}() takes {wanted} arguments")  # type: ignore[attr-defined]
        return [self.term(argument) for argument in call.args]

    def _index(self, node: ast.AST, call: ast.Call) -> str:
        if not isinstance(node, ast.Name) or node.id not in self.indices:
            raise self.fail(
                f"{ast.unparse(call)}: {ast.unparse(node)!r} is not a declared index "
                f"(declared: {', '.join(sorted(self.indices)) or 'none'})"
            )
        return node.id

    def _text(self, node: ast.AST, call: ast.Call) -> str:
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            raise self.fail(f"{ast.unparse(call)}: {ast.unparse(node)} must be quoted text")
        return node.value

    def _sum(self, call: ast.Call) -> Term:
        if len(call.args) != 2:
            raise self.fail(f"{ast.unparse(call)}: write sum(index, term)")
        return total(self._index(call.args[0], call), self.term(call.args[1]))

    def _to(self, call: ast.Call) -> Term:
        if len(call.args) != 2:
            raise self.fail(f'{ast.unparse(call)}: write to(term, "unit")')
        body, unit = self.term(call.args[0]), self._text(call.args[1], call)
        units = {d.symbol.name: d.unit for d in self.names.values() if isinstance(d.symbol, Symbol)}
        source = unit_text(unit_of(body, units, self.where))
        try:
            return to(body, unit, source)
        except ValueError as exc:
            raise self.fail(f"{ast.unparse(call)}: {exc}") from None

    def _select(self, call: ast.Call) -> Term:
        if len(call.args) != 3 or not isinstance(call.args[2], ast.Dict):
            raise self.fail(f'{ast.unparse(call)}: write select(i, "attribute", {{"value": term}})')
        index = self._index(call.args[0], call)
        attribute = self._text(call.args[1], call)
        cases = call.args[2]
        keys = [self._text(key, call) if key else "" for key in cases.keys]
        twice = next((key for key in keys if keys.count(key) > 1), None)
        if twice is not None:
            raise self.fail(f"{ast.unparse(call)}: the case {twice!r} is written twice")
        return select(
            attribute, dict(zip(keys, map(self.term, cases.values), strict=True)), index=index
        )


def _tree(text: str, where: str) -> ast.AST:
    if len(text) > MAX_LENGTH:
        raise MethodologyError(f"{where}: a formula longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise MethodologyError(f"{where}: formula {text!r} does not parse: {exc.msg}") from None
    except (RecursionError, MemoryError):
        tree = None
    deepest = _depth(tree) if tree is not None else None
    if deepest is None or deepest > MAX_DEPTH:
        levels = f"{deepest} levels" if deepest else "too deep to parse"
        raise MethodologyError(
            f"{where}: the formula nests {levels}, more than the {MAX_DEPTH} levels jcmcalc reads"
        )
    return tree


def _depth(tree: ast.AST) -> int:
    """How deep ``tree`` nests (counted without recursion)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _literal_power(power: Power, where: str) -> Power:
    """``power`` whose exponent (and base) hold no name checked now: a whole exponent within
    :data:`MAX_EXPONENT`, a result within :data:`MAX_POWER_BITS` (the kernel checks the others
    when the project's values are known)."""
    parts = [power.exponent] + ([power] if _literal(power.base) else [])
    for part in parts if _literal(power.exponent) else ():
        try:
            value = evaluate(part, _no_lookup, {}, {})
        except (PowerBound, ValueError, ZeroDivisionError) as exc:
            raise MethodologyError(f"{where}: {exc}") from None
        if part is power.exponent and value.denominator != 1:
            raise MethodologyError(f"{where}: {to_text(power)}: the exponent must be whole")
        if part is power.exponent and abs(value) > MAX_EXPONENT:
            raise MethodologyError(
                f"{where}: {to_text(power)}: the exponent {short_text(value)} is beyond the "
                f"{MAX_EXPONENT} jcmcalc evaluates"
            )
    return power


def _literal(term: Term) -> bool:
    return not any(isinstance(node, Symbol | Total | Select) for node in term.walk())


def _no_lookup(symbol: Symbol, bindings: Mapping[str, str]) -> Fraction:
    raise ValueError(f"{symbol.symbol} in a literal")  # _literal let no symbol through


def parse_term(text: str, names: Mapping[str, Declared], indices: set[str], where: str) -> Term:
    """The tree of the formula ``text`` (:class:`MethodologyError` naming ``where``)."""
    return _Parser(names, indices, where).term(_tree(text, where))


def parse_relation(
    text: str, names: Mapping[str, Declared], indices: set[str], where: str
) -> tuple[Term, str, Term]:
    """A check's comparison ``a < b``, ``a <= b``, ``a > b`` or ``a >= b``: ``(a, op, b)``."""
    node = _tree(text, where)
    if (
        not isinstance(node, ast.Compare)
        or len(node.ops) != 1
        or type(node.ops[0]) not in _COMPARISONS
    ):
        raise MethodologyError(f"{where}: {text!r} is not one comparison with <, <=, > or >=")
    parser = _Parser(names, indices, where)
    left, right = parser.term(node.left), parser.term(node.comparators[0])
    return left, _COMPARISONS[type(node.ops[0])], right
