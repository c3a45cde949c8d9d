"""The monitoring report as an xlsx workbook whose calculation sheet is live formulas.

Sheet ``input`` holds every value in its canonical unit with its origin and source; sheet
``calc_process`` holds every equation of the trace as a formula over input cells (and earlier
results), written from the same Term trees the engine evaluates, then ER, credits
(``ROUNDDOWN``) and totals; sheet ``about`` holds provenance and how to reproduce the run.
Text from inputs is always written as a text cell, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping

from jcmcalc.inputs.resolve import Key
from jcmcalc.inputs.submitted import CREDITS, ER, SHEETS, TOTAL_CREDITS, TOTAL_ER
from jcmcalc.model.errors import require_openpyxl
from jcmcalc.model.expressions import Symbol
from jcmcalc.model.methodology import PROJECT, REFERENCE
from jcmcalc.run.result import Result
from jcmcalc.views.report import content
from jcmcalc.views.report.formulas import formula

INPUT, CALC = SHEETS
INPUT_HEADER = ["period", "quantity", "member", "value", "unit", "origin", "source", "name"]
CALC_HEADER = ["period", "quantity", "member", "value", "unit", "equation"]
VALUE_COLUMN = "D"
#: Document dates when no timestamp is asked for (the zip format's earliest date).
FIXED_DATE = dt.datetime(1980, 1, 1)

CellKey = tuple[int | None, str, Key]  # period (None: fixed ex ante), name, member


class Formula(str):
    """Formula text (``=SUM(D2,D5)``): the only strings written as formulas."""


def _append(sheet, values: list[object]) -> int:
    """Append a row and return its number; text stays text even when it starts with =+-@."""
    sheet.append(values)
    row = sheet.max_row
    for cell, value in zip(sheet[row], values, strict=False):
        if isinstance(value, str):
            cell.data_type = "f" if isinstance(value, Formula) else "s"
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


def _calculation(sheet, result: Result, inputs: Mapping[CellKey, str]) -> None:
    """Write every trace step as a formula, then ER, credits and the totals."""
    _append(sheet, CALC_HEADER)
    methodology = result.methodology
    members = result.inputs.members
    results: dict[CellKey, str] = {}
    period_values = {p.period.number: p.values for p in result.inputs.periods}
    names = {e.symbol: e.name for e in methodology.equations}

    def cell_of(number: int):
        def cell(symbol: Symbol, bindings: Mapping[str, str]) -> str:
            key = tuple(bindings[index] for index in symbol.index)
            if (number, symbol.name, key) in results:
                return results[(number, symbol.name, key)]
            period = number if symbol.name in period_values[number] else None
            return inputs[(period, symbol.name, key)]

        return cell

    er_rows, credit_rows = [], []
    for period in result.periods:
        number = period.number
        for step in (s for s in result.trace if s.period == number):
            equation = methodology.equation(names[step.symbol])
            bindings = dict(zip(equation.index, step.member, strict=True))
            text = formula(equation.expression, cell_of(number), members, bindings)
            row = _append(
                sheet,
                [
                    number,
                    step.symbol,
                    "/".join(step.member),
                    Formula(f"={text}"),
                    step.unit,
                    f"{step.symbol} = {step.expression}",
                ],
            )
            results[(number, equation.name, step.member)] = f"${VALUE_COLUMN}${row}"
        reference = results[(number, REFERENCE, ())]
        project = results[(number, PROJECT, ())]
        er_rows.append(
            _append(
                sheet,
                [number, ER, "", Formula(f"={reference}-{project}"), "t_CO2", "ER_p = RE_p - PE_p"],
            )
        )
        credit_rows.append(
            _append(
                sheet,
                [
                    number,
                    CREDITS,
                    "",
                    Formula(f"=MAX(0,ROUNDDOWN({VALUE_COLUMN}{er_rows[-1]},0))"),
                    "t_CO2",
                    "credits = ROUNDDOWN(ER_p), zero when negative",
                ],
            )
        )
    for quantity, rows in ((TOTAL_ER, er_rows), (TOTAL_CREDITS, credit_rows)):
        cells = ",".join(f"{VALUE_COLUMN}{row}" for row in rows)
        _append(
            sheet, ["total", quantity, "", Formula(f"=SUM({cells})"), "t_CO2", "sum over periods"]
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
    _calculation(workbook.create_sheet(CALC), result, cells)
    _about(workbook.create_sheet("about"), result, command, timestamp)
    when = dt.datetime.fromisoformat(timestamp).replace(tzinfo=None) if timestamp else FIXED_DATE
    workbook.properties.created = workbook.properties.modified = when
    workbook.properties.creator = "jcmcalc"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return _deterministic_zip(buffer.getvalue())
