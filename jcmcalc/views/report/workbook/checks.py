"""The workbook's plausibility checks: each warning check of the methodology (and each error
check on parameters), per period and member, as formulas that give ``OK`` or ``breach``.

Both sides of a bound are live formulas on the input sheet (and the period's hours ``H_p``,
24 per day from its dates); each cell caches the value the kernel computed, and the judgement
caches the kernel's (:func:`jcmcalc.inputs.consistency.judgements`, the same loop that writes
the run's warnings). A spreadsheet compares floats: at a bound, within a float's rounding of
it, its judgement could differ from the kernel's exact one, which is the run's.
"""

from __future__ import annotations

from collections.abc import Mapping

from jcmcalc.inputs.consistency import HOURS_PER_DAY, hours, judgements
from jcmcalc.model.expressions.walkers import Symbol
from jcmcalc.model.methodology import PERIOD_HOURS
from jcmcalc.run.result import Result
from jcmcalc.views.report.workbook.calc import AttributeKey, CellKey
from jcmcalc.views.report.workbook.formulas import Formula as FormulaText
from jcmcalc.views.report.workbook.sheets import Book, Formula

CHECKS = "checks"
HEADER = [
    "period",
    "start",
    "end",
    "H_p [h]",
    "check",
    "member",
    "left side",
    "must be",
    "right side",
    "judgement",
    "bound",
    "what it checks",
    "source of the bound",
    "if breached",
]
WIDTHS = [7, 11, 11, 9, 16, 12, 14, 7, 14, 10, 30, 40, 40, 16]
#: What a breach does, by the check's severity.
BREACH = {"warning": "a warning", "error": "the run refuses it"}
#: Where a bound without a stated origin comes from.
METHODOLOGY = "the methodology"


def checks_sheet(
    book: Book,
    result: Result,
    inputs: Mapping[CellKey, str],
    members: Mapping[AttributeKey, str],
) -> None:
    """One row per check, member and period the kernel judged (a member lacking a value a
    warning check uses, an unknown capacity, is not judged and has no row): the warning checks,
    and the error checks on parameters, which a written workbook meets but an edited one may
    not. No sheet for a methodology without such checks."""
    inputs_of = result.inputs
    periods = tuple((p.period, p.values) for p in inputs_of.periods)
    judged = judgements(
        result.methodology, inputs_of.fixed, inputs_of.members, inputs_of.attributes, periods
    )
    if not judged and not any(c.severity == "warning" for c in result.methodology.checks):
        return
    sheet = book.sheet(CHECKS, WIDTHS)
    sheet.title("Plausibility checks: each bound as formulas, OK or breach", "section")
    sheet.header(HEADER)
    for period, check, key, left, right in judged:
        row = sheet.rows + 1
        number = period.number if period else None

        def cell(symbol: Symbol, bindings: Mapping[str, str], number=number, row=row) -> str:
            if symbol.name == PERIOD_HOURS.name:
                return f"$D${row}"
            key = tuple(bindings[index] for index in symbol.index)
            return inputs.get((number, symbol.name, key)) or inputs[(None, symbol.name, key)]

        def attribute_cell(index: str, attribute: str, member: str) -> str:
            return members[(index, attribute, member)]

        bindings = dict(zip(check.index, key, strict=True))
        formula = FormulaText(cell, inputs_of.members, bindings, attribute_cell)
        relation = "<" if check.strict else "<="
        judgement = "OK" if check.holds(left, right) else "breach"
        sheet.append(
            [
                "all" if period is None else number,
                period.start if period else None,
                period.end if period else None,
                Formula(f"=(C{row}-B{row}+1)*{HOURS_PER_DAY}", hours(period)) if period else None,
                check.name,
                "/".join(key),
                Formula(f"={formula.visit(check.left)}", left),
                relation,
                Formula(f"={formula.visit(check.right)}", right),
                Formula(f'=IF(G{row}{relation}I{row},"OK","breach")', judgement),
                check.text,
                check.description,
                check.inferred or METHODOLOGY,
                BREACH[check.severity],
            ]
        )
    if not judged:
        sheet.append(
            [
                "",
                "",
                "",
                "",
                "no check applies to this project's values (a value it uses is not given)",
            ]
        )
