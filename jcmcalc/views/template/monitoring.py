"""The monitoring sheets of a project workbook (one per monitored parameter), the sheets of
monitoring files (``template --from``) and the Instructions sheet, from the declaration."""

from __future__ import annotations

from typing import Any

from jcmcalc.inputs.readers import book_sheets as layout
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.parameters import DefaultTable, Kind, Parameter
from jcmcalc.views.template.book import TABLE_ROWS, Writer
from jcmcalc.views.template.content import Content
from jcmcalc.views.template.sheets import about, fixed, unit_cell, unit_choices


def header(parameter: Parameter, unit: str | None = None) -> str:
    """The value column's title: ``SYMBOL [UNIT]``."""
    return f"{parameter.symbol} [{unit_cell(parameter) if unit is None else unit}]"


def monitored(methodology: Methodology) -> list[Parameter]:
    return [p for p in methodology.parameters if p.kind is Kind.MONITORED]


def monitoring_sheet(
    w: Writer, methodology: Methodology, parameter: Parameter, content: Content
) -> None:
    """``period | date | member columns | SYMBOL [UNIT] | source``: a dated row is a reading, an
    undated one (with its period) a period total; the header's unit is a drop-down."""
    sheet = w.sheet(layout.monitoring_sheet(parameter.symbol))
    indices = [methodology.index(s) for s in parameter.index]
    value = header(parameter)
    titles = ["period", "date", *(index.csv_column for index in indices), value, "source"]
    w.table(sheet, titles, [8, 12, *([14] * len(indices)), 18, 40])
    rows = content.monitoring.get(parameter.symbol, [])
    span = (1, len(rows) + TABLE_ROWS)
    sheet.set_column(1, 1, 12, w.input_date)
    w.dates(sheet, span, 1)
    sheet.data_validation(
        span[0], 0, span[1], 0, {"validate": "integer", "criteria": ">=", "value": 1}
    )
    for column, index in enumerate(indices, start=2):
        if index.members:
            w.listed(sheet, span, column, index.members)
        else:
            ids = f"'{layout.members_sheet(index.key)}'!$A$2:$A${TABLE_ROWS + 1}"
            sheet.data_validation(
                span[0], column, span[1], column, {"validate": "list", "source": f"={ids}"}
            )
    column = titles.index(value)
    w.numbers(sheet, span, column, parameter.bounds)
    seen = content.units.get(parameter.symbol, set())
    variants = [
        header(parameter, u)
        for u in dict.fromkeys([unit_cell(parameter), *unit_choices(parameter, seen)])
    ]
    sheet.write_string(
        0, column, rows[0]["header"] if rows and "header" in rows[0] else value, w.input
    )
    w.listed(sheet, (0, 0), column, variants)
    sheet.write_comment(
        0, column, about(parameter) + _monitoring(parameter), {"x_scale": 3, "y_scale": 2}
    )
    for number, row in enumerate(rows, start=1):
        for position, title in enumerate(titles):
            w.cell(sheet, number, position, row.get(value if title == value else title))
    w.protect(sheet)


def _monitoring(parameter: Parameter) -> str:
    plan = parameter.monitoring
    if plan is None:
        return ""
    return (
        f". Monitoring option {', '.join(plan.options)}; {plan.measurement}; "
        f"frequency: {plan.frequency}"
    )


def file_sheet(w: Writer, name: str, titles: tuple[str, ...], rows: list[list[Any]]) -> None:
    """A monitoring file's rows under its headers, as the monitoring reader reads a sheet."""
    sheet = w.sheet(name)
    w.table(sheet, titles, [16] * len(titles))
    for number, cells in enumerate(rows, start=1):
        for column, value in enumerate(cells):
            w.cell(sheet, number, column, value)
    w.protect(sheet)


GUIDE = (
    "Yellow cells are inputs; every other cell is protected (no password: Review > Unprotect "
    "sheet). Choose from the drop-down lists where a cell has one.",
    "Project: name the project and answer every eligibility criterion yes or no (a blank "
    "answer is refused; delete the row to leave a criterion unanswered, which is a warning).",
    "Members: one row per member (id, attributes, fixed values with their unit and source).",
    "Parameters: fixed values not given per member. Blank values take the methodology default.",
    "Periods: number the monitoring periods 1, 2, 3... with their first and last day "
    "(both inclusive); monitoring files may be named instead of monitoring rows.",
    "Monitoring sheets: a row with a date is a reading (placed in its period by its date; "
    "the period, when given, must hold it); a row with a period and no date is that "
    "period's total. The unit is chosen in the header.",
    "Estimate: the crediting period and the design values of the ex-ante estimate.",
    "Numbers may be typed as text with a unit ('12.3 MWh'); dates must be dates; cells "
    "computed by formulas are read by their computed value.",
    "Run: jcmcalc calculate THIS.xlsx (or estimate, report, verify).",
)


def instructions_sheet(w: Writer, methodology: Methodology) -> None:
    """The declaration in words: the methodology, how to fill the sheets, every parameter
    (description, unit, bounds, monitoring, default with its source), the criteria."""
    sheet = w.sheet(layout.INSTRUCTIONS)
    sheet.set_column(0, 0, 18, w.locked)
    sheet.set_column(1, 9, 28, w.locked)
    info = methodology.about
    lines: list[list[str]] = [
        [f"{methodology.label}: {methodology.title}"],
        ["source", info.source, f"status {info.status}", f"confidence {info.confidence}"],
        ["approved", info.approved or "unknown", "expired", info.expired or "no"],
        [],
        *(["how to fill", line] for line in GUIDE),
        [],
        ["parameter", "name", "kind", "unit", "bounds", "default", "default source",
         "monitoring", "description", "inferred"],
    ]  # fmt: skip
    for p in (*fixed(methodology), *monitored(methodology)):
        default = p.default
        value, source = "", ""
        if isinstance(default, DefaultTable):
            value = f"table {default.name} {default.version}"
            source = default.source
        elif default is not None:
            value, source = default.value, f"{default.source} [{default.confidence}]"
        lines.append(
            [p.symbol, p.name, str(p.kind), ", ".join(p.units), p.bounds.describe(), value,
             source, _monitoring(p).lstrip(". "), p.description, p.inferred]
        )  # fmt: skip
    lines += [[], ["criterion", "text", "confidence"]]
    lines += [[c.id, c.text, str(c.confidence)] for c in methodology.criteria]
    for p in fixed(methodology):
        if isinstance(p.default, DefaultTable):
            lines += [[], [f"table {p.default.name}", p.default.version, p.default.source]]
            lines += [[*key, d.value, d.source] for key, d in p.default.rows.items()]
    lines += [[], *(["note", note] for note in methodology.notes)]
    for row, cells in enumerate(lines):
        for column, text in enumerate(cells):
            sheet.write_string(row, column, str(text), w.title if row == 0 else w.locked)
    w.protect(sheet)
