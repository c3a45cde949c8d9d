"""The monitoring report as an xlsx workbook whose calculation sheet is live formulas.

Sheet ``input`` holds every value in its canonical unit with its origin and source; sheet
``calc_process`` holds every equation of the trace as a formula over input cells (and earlier
results), written from the same Term trees the engine evaluates (ER and credits among them,
as the kernel declares them), then the totals; sheet ``members`` holds the members'
attributes when a ``select`` chooses a term by one; sheet ``about`` holds provenance and how to
reproduce the run.
Text from inputs is always written as a text cell, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping

from jcmcalc.inputs.resolve import Key
from jcmcalc.inputs.submitted import SHEETS, TOTAL_CREDITS, TOTAL_ER
from jcmcalc.model.errors import require_openpyxl
from jcmcalc.model.expressions import Select, Symbol
from jcmcalc.model.kernel import CREDITS, ER, equations_of
from jcmcalc.run.result import Result
from jcmcalc.views.report import content
from jcmcalc.views.report.formulas import Formula

INPUT, CALC = SHEETS
INPUT_HEADER = ["period", "quantity", "member", "value", "unit", "origin", "source", "name"]
CALC_HEADER = ["period", "quantity", "member", "value", "unit", "equation"]
#: Sheet of the members' attributes, written when an equation selects a term by one.
MEMBERS = "members"
MEMBERS_HEADER = ["index", "member", "attribute", "value"]
VALUE_COLUMN = "D"
#: Document dates when no timestamp is asked for (the zip format's earliest date).
FIXED_DATE = dt.datetime(1980, 1, 1)

CellKey = tuple[int | None, str, Key]  # period (None: fixed ex ante), name, member
AttributeKey = tuple[str, str, str]  # index, attribute, member


def _selects(result: Result) -> bool:
    """Whether an equation chooses a term by a member's attribute (needs the members sheet)."""
    return any(
        isinstance(node, Select)
        for equation in equations_of(result.methodology)
        for node in equation.expression.walk()
    )


class FormulaText(str):
    """Formula text (``=SUM(D2,D5)``): the only strings written as formulas."""


def _append(sheet, values: list[object]) -> int:
    """Append a row and return its number; text stays text even when it starts with =+-@."""
    sheet.append(values)
    row = sheet.max_row
    for cell, value in zip(sheet[row], values, strict=False):
        if isinstance(value, str):
            cell.data_type = "f" if isinstance(value, FormulaText) else "s"
    return row


def _inputs(sheet, result: Result) -> dict[CellKey, str]:
    """Write every input value; returns the cell of each (period, name, member)."""
    cells: dict[CellKey, str] = {}
    _append(sheet, INPUT_HEADER)
    methodology = result.methodology
    groups = [(None, result.inputs.fixed)]
    groups += [(p.period.number, p.values) for p in result.inputs.periods]
    for number, values in groups:
        for name, by_key in values.items():
            parameter = methodology.parameter(name)
            for key, value in by_key.items():
                row = _append(
                    sheet,
                    [
                        number,
                        parameter.symbol,
                        "/".join(key),
                        float(value.value),
                        value.unit or parameter.unit,
                        value.origin + (f" [{value.confidence}]" if value.confidence else ""),
                        value.source,
                        name,
                    ],
                )
                cells[(number, name, key)] = f"{INPUT}!${VALUE_COLUMN}${row}"
    return cells


def _members(sheet, result: Result) -> dict[tuple[str, str, str], str]:
    """Write every member's attributes; returns the cell of each (index, attribute, member)."""
    cells: dict[tuple[str, str, str], str] = {}
    _append(sheet, MEMBERS_HEADER)
    for index, members in result.inputs.attributes.items():
        for member, attributes in members.items():
            for attribute, value in attributes.items():
                row = _append(sheet, [index, member, attribute, value])
                cells[(index, attribute, member)] = f"{MEMBERS}!${VALUE_COLUMN}${row}"
    return cells


def _calculation(
    sheet, result: Result, inputs: Mapping[CellKey, str], members: Mapping[AttributeKey, str]
) -> None:
    """Write every trace step (ER and credits among them) as a formula, then the totals."""
    _append(sheet, CALC_HEADER)
    results: dict[CellKey, str] = {}
    period_values = {p.period.number: p.values for p in result.inputs.periods}
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

    totals: dict[str, list[int]] = {ER.symbol: [], CREDITS.symbol: []}
    for step in result.trace:
        equation = equations[step.symbol]
        bindings = dict(zip(equation.index, step.member, strict=True))
        text = Formula(cell_of(step.period), result.inputs.members, bindings, attribute_cell).visit(
            equation.expression
        )
        row = _append(
            sheet,
            [
                step.period,
                step.symbol,
                "/".join(step.member),
                FormulaText(f"={text}"),
                step.unit,
                f"{step.symbol} = {step.expression}",
            ],
        )
        results[(step.period, equation.name, step.member)] = f"${VALUE_COLUMN}${row}"
        totals.get(step.symbol, []).append(row)
    for quantity, symbol in ((TOTAL_ER, ER.symbol), (TOTAL_CREDITS, CREDITS.symbol)):
        cells = ",".join(f"{VALUE_COLUMN}{row}" for row in totals[symbol])
        _append(
            sheet,
            ["total", quantity, "", FormulaText(f"=SUM({cells})"), "t_CO2", "sum over periods"],
        )


def _about(sheet, result: Result, command: str | None, timestamp: str | None) -> None:
    _append(sheet, [content.heading(result)])
    if timestamp:
        _append(sheet, [f"Generated {timestamp}"])
    _append(sheet, ["Provenance"])
    for line in content.provenance_lines(result):
        _append(sheet, [line])
    _append(sheet, ["Inferred (reconstructed, not read)"])
    for note in result.provenance["inferred"]:
        _append(sheet, [note])
    _append(sheet, ["How to reproduce"])
    _append(sheet, [content.reproduce_command(result, command)])
    _append(sheet, ["Warnings"])
    for warning in result.warnings:
        _append(sheet, [warning])
    if len(coverage := result.coverage_rows()) > 1:
        _append(sheet, ["Coverage of the monitoring data"])
        for row in coverage:
            _append(sheet, list(row))


def _deterministic_zip(data: bytes) -> bytes:
    """The same archive with every entry dated :data:`FIXED_DATE`, in the same order."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=FIXED_DATE.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry))
    return output.getvalue()


def render(result: Result, *, command: str | None = None, timestamp: str | None = None) -> bytes:
    """The workbook as bytes; byte-identical for the same inputs unless ``timestamp``."""
    openpyxl = require_openpyxl()
    from openpyxl.writer.excel import ExcelWriter

    workbook = openpyxl.Workbook()
    inputs_sheet = workbook.active
    inputs_sheet.title = INPUT
    cells = _inputs(inputs_sheet, result)
    calculation = workbook.create_sheet(CALC)
    members = _members(workbook.create_sheet(MEMBERS), result) if _selects(result) else {}
    _calculation(calculation, result, cells, members)
    _about(workbook.create_sheet("about"), result, command, timestamp)
    when = dt.datetime.fromisoformat(timestamp).replace(tzinfo=None) if timestamp else FIXED_DATE
    workbook.properties.created = workbook.properties.modified = when
    workbook.properties.creator = "jcmcalc"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return _deterministic_zip(buffer.getvalue())
