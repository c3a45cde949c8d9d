"""The workbook's input, members and calculation sheets: every equation a live formula.

The sheets ``input`` and ``calc_process`` keep the columns ``period, quantity, member, value``
that ``verify --reported`` reads; each formula carries the engine's value as its cached value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs

from jcmcalc.inputs.resolve import Key
from jcmcalc.inputs.submitted.read import SHEETS, TOTAL_CREDITS, TOTAL_ER
from jcmcalc.model.expressions import walkers
from jcmcalc.model.expressions.walkers import Select, Symbol, evaluate
from jcmcalc.model.kernel import CREDITS, ER, equations_of
from jcmcalc.model.methodology import PROJECT, REFERENCE, Equation
from jcmcalc.model.parameters import YEAR_NUMBER
from jcmcalc.run.result import Mode, Result, TraceStep
from jcmcalc.run.source import InputSource
from jcmcalc.views.report import content
from jcmcalc.views.report.workbook.formulas import Formula as FormulaText
from jcmcalc.views.report.workbook.formulas import Spill
from jcmcalc.views.report.workbook.rows import EXACT_NOTE, Slot, Total
from jcmcalc.views.report.workbook.sheets import Book, Formula, Sheet

INPUT, CALC = SHEETS
INPUT_HEADER = [
    "period",
    "quantity",
    "member",
    "value",
    "unit",
    "start",
    "end",
    "monitoring point",
    "origin",
    "source",
    "name",
]
INPUT_WIDTHS = [7, 12, 14, 16, 10, 11, 11, 10, 18, 40, 18]
CALC_HEADER = ["period", "quantity", "member", "value", "unit", "start", "end", "equation"]
CALC_WIDTHS = [7, 12, 14, 18, 8, 11, 11, 60]
#: Sheet of the members' attributes, written when an equation selects a term by one.
MEMBERS = "members"
MEMBERS_HEADER = ["index", "member", "attribute", "value"]
#: Sheet of the parts of sums too long for one formula.
PARTS = "sum_parts"
PARTS_HEADER = ["period", "quantity", "member", "value", "part of the sum"]
PARTS_WIDTHS = [7, 12, 14, 18, 40]
VALUE_COLUMN = "D"

CellKey = tuple[int | None, str, Key]  # period (None: fixed ex ante), name, member
AttributeKey = tuple[str, str, str]  # index, attribute, member


@attrs.frozen
class Cells:
    """Where the calculation sheet put each period's RE, PE, ER and credits (by symbol, then
    period number), and the totals of ER and credits."""

    periods: Mapping[str, Mapping[int, str]]
    total_reductions: str
    total_credits: str


def _equations(result: Result) -> tuple[Equation, ...]:
    """The equations the workbook writes: the methodology's, and its estimate's ex ante."""
    estimate = result.methodology.estimate
    extra = estimate.equations if estimate and result.mode is Mode.EX_ANTE else ()
    return (*equations_of(result.methodology), *extra)


def selects(result: Result) -> bool:
    """Whether an equation or check chooses a term by a member's attribute (needs the members
    sheet)."""
    terms = [equation.expression for equation in _equations(result)]
    terms += [side for check in result.methodology.checks for side in (check.left, check.right)]
    return any(isinstance(node, Select) for term in terms for node in term.walk())


def _estimated(
    result: Result,
    name: str,
    key: Key,
    row: int,
    cells: Mapping[CellKey, str],
    members: Mapping[AttributeKey, str],
) -> str | None:
    """Formula text of an estimated value ex ante (in input row ``row``, whose period column
    holds the year), from the design values; None for any other value."""
    estimate = result.methodology.estimate
    if result.mode is not Mode.EX_ANTE or estimate is None:
        return None
    equation = next((e for e in estimate.equations if e.name == name), None)
    if equation is None:
        return None

    def cell(symbol: Symbol, bindings: Mapping[str, str]) -> str:
        if symbol.name == YEAR_NUMBER.name:
            return f"$A${row}"
        return cells[(None, symbol.name, tuple(bindings[index] for index in symbol.index))]

    def attribute_cell(index: str, attribute: str, member: str) -> str:
        return members[(index, attribute, member)]

    bindings = dict(zip(equation.index, key, strict=True))
    members_of = result.inputs.members
    return "=" + FormulaText(cell, members_of, bindings, attribute_cell).visit(equation.expression)


def inputs_sheet(
    book: Book,
    result: Result,
    totals: Mapping[Slot, Total] | None = None,
    members: Mapping[AttributeKey, str] | None = None,
    name: str = INPUT,
) -> dict[CellKey, str]:
    """Write every input value to the sheet ``name`` (a monitored total as its formula over
    the dated rows, where ``totals`` has one; an estimated value ex ante as the formula of its
    estimate, with the members' attribute cells ``members``); returns the cell of each
    (period, name, member)."""
    totals, members = totals or {}, members or {}
    sheet = book.sheet(name, INPUT_WIDTHS)
    sheet.header(INPUT_HEADER)
    cells: dict[CellKey, str] = {}
    methodology = result.methodology
    points = content.monitoring_points(result)
    groups = [(None, None, result.inputs.fixed)]
    groups += [(p.period.number, p.period, p.values) for p in result.inputs.periods]
    for number, period, values in groups:
        for quantity, by_key in values.items():
            parameter = methodology.parameter(quantity)
            for key, value in by_key.items():
                total = totals.get((number, quantity, key)) if number is not None else None
                origin = value.origin + (f" [{value.confidence}]" if value.confidence else "")
                if total is not None:
                    inexact = "" if total.exact else "; " + EXACT_NOTE
                    origin += f" (sum of {total.sheet} rows{inexact})"
                figure: object = value.value if total is None else total.formula
                if number is not None and total is None:
                    text = _estimated(result, quantity, key, sheet.rows + 1, cells, members)
                    figure = value.value if text is None else Formula(text, value.value)
                row = sheet.append(
                    [
                        number,
                        parameter.symbol,
                        "/".join(key),
                        figure,
                        value.shown_unit(parameter.unit),
                        period.start if period else None,
                        period.end if period else None,
                        points.get((quantity, key), ""),
                        origin,
                        value.source,
                        quantity,
                    ]
                )
                cells[(number, quantity, key)] = f"{name}!${VALUE_COLUMN}${row}"
    sheet.worksheet.autofilter(0, 0, sheet.rows - 1, len(INPUT_HEADER) - 1)
    return cells


def members_sheet(book: Book, result: Result, name: str = MEMBERS) -> dict[AttributeKey, str]:
    """Write every member's attributes; returns the cell of each (index, attribute, member)."""
    sheet = book.sheet(name, [10, 16, 20, 20], landscape=False)
    sheet.header(MEMBERS_HEADER)
    cells: dict[AttributeKey, str] = {}
    for index, members in result.inputs.attributes.items():
        for member, attributes in members.items():
            for attribute, value in attributes.items():
                row = sheet.append([index, member, attribute, value])
                cells[(index, attribute, member)] = f"{name}!${VALUE_COLUMN}${row}"
    return cells


class Parts:
    """The sheet :data:`PARTS` of sums too long for one formula (Excel takes 8,192
    characters): each part a formula over some of the sum's members, its cached value the
    sum over those members by the engine's exact evaluator; the equation adds the parts."""

    def __init__(self, book: Book, result: Result) -> None:
        self.book, self.result = book, result
        self.sheet: Sheet | None = None
        #: The trace's values so far, by (period, equation name, member).
        self.results: dict[CellKey, Fraction] = {}

    def spill(self, step: TraceStep) -> Spill:
        """Where the sums of ``step``'s formula put their parts."""
        inputs = self.result.inputs
        period = next(p for p in inputs.periods if p.period.number == step.period)
        source = InputSource(inputs, period)

        def lookup(symbol: Symbol, bindings: Mapping[str, str]) -> Fraction:
            key = tuple(bindings[index] for index in symbol.index)
            found = self.results.get((step.period, symbol.name, key))
            return found if found is not None else source.value(symbol, key)

        def part(
            text: str, node: walkers.Total, members: Sequence[str], bindings: Mapping[str, str]
        ):
            if self.sheet is None:
                self.sheet = self.book.sheet(PARTS, PARTS_WIDTHS)
                self.sheet.header(PARTS_HEADER)
            chosen = {**inputs.members, node.index: members}
            value = evaluate(
                walkers.Total(node.index, node.body), lookup, chosen, bindings, inputs.attributes
            )
            row = self.sheet.append(
                [
                    step.period,
                    step.symbol,
                    "/".join(step.member),
                    Formula(f"={text}", value),
                    f"Σ over {node.index} {members[0]} to {members[-1]} ({len(members)})",
                ]
            )
            return f"{PARTS}!${VALUE_COLUMN}${row}"

        return part


def calculation_sheet(
    book: Book,
    result: Result,
    inputs: Mapping[CellKey, str],
    members: Mapping[AttributeKey, str],
    name: str = CALC,
) -> Cells:
    """Write every trace step (ER and credits among them) as a formula to the sheet ``name``,
    then the totals."""
    sheet = book.sheet(name, CALC_WIDTHS)
    sheet.header(CALC_HEADER)
    results: dict[CellKey, str] = {}
    period_values = {p.period.number: p.values for p in result.inputs.periods}
    periods = {p.number: p for p in result.periods}
    equations = {e.symbol: e for e in equations_of(result.methodology)}

    def cell_of(number: int):
        def cell(symbol: Symbol, bindings: Mapping[str, str]) -> str:
            key = tuple(bindings[index] for index in symbol.index)
            if (number, symbol.name, key) in results:
                return results[(number, symbol.name, key)]
            period = number if symbol.name in period_values[number] else None
            return inputs[(period, symbol.name, key)]

        return cell

    def attribute_cell(index: str, attribute: str, member: str) -> str:
        return members[(index, attribute, member)]

    headline = (
        result.methodology.equation(REFERENCE).symbol,
        result.methodology.equation(PROJECT).symbol,
        ER.symbol,
        CREDITS.symbol,
    )
    rows: dict[str, dict[int, int]] = {symbol: {} for symbol in headline}
    parts = Parts(book, result)
    for step in result.trace:
        equation = equations[step.symbol]
        bindings = dict(zip(equation.index, step.member, strict=True))
        text = FormulaText(
            cell_of(step.period),
            result.inputs.members,
            bindings,
            attribute_cell,
            parts.spill(step),
        ).visit(equation.expression)
        credits = step.symbol == CREDITS.symbol
        period = periods[step.period]
        row = sheet.append(
            [
                step.period,
                step.symbol,
                "/".join(step.member),
                Formula(f"={text}", int(step.value) if credits else step.value),
                step.unit,
                period.start,
                period.end,
                f"{step.symbol} = {step.expression}",
            ],
            style="credits" if credits else None,
        )
        results[(step.period, equation.name, step.member)] = f"${VALUE_COLUMN}${row}"
        parts.results[(step.period, equation.name, step.member)] = step.value
        if step.symbol in rows and not step.member:
            rows[step.symbol][step.period] = row
    return _totals(sheet, result, rows)


def _totals(sheet: Sheet, result: Result, rows: Mapping[str, Mapping[int, int]]) -> Cells:
    """The totals of ER and credits as sums of the periods' rows; where everything is."""
    totals = []
    for quantity, symbol, value in (
        (TOTAL_ER, ER.symbol, result.total_reductions),
        (TOTAL_CREDITS, CREDITS.symbol, result.total_credits),
    ):
        cells = ",".join(f"{VALUE_COLUMN}{row}" for row in rows[symbol].values())
        style = "credits" if symbol == CREDITS.symbol else "number"
        formula = Formula(f"=SUM({cells})", value, style)
        row = ["total", quantity, "", formula, "t_CO2", None, None, "sum over periods"]
        totals.append(sheet.append(row))

    def where(row: int) -> str:
        return f"{sheet.name}!${VALUE_COLUMN}${row}"

    return Cells(
        {symbol: {n: where(r) for n, r in found.items()} for symbol, found in rows.items()},
        where(totals[0]),
        where(totals[1]),
    )
