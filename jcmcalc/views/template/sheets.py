"""The input sheets of a project workbook: Project, Members, Parameters, Periods, Estimate;
every title, drop-down and rule taken from the methodology's declaration."""

from __future__ import annotations

import itertools
from typing import Any

from jcmcalc.inputs.readers import book_sheets as layout
from jcmcalc.model.methodology import Index, Methodology
from jcmcalc.model.parameters import YEAR_NUMBER, Kind, Parameter
from jcmcalc.model.units import same_dimension
from jcmcalc.views.template.book import TABLE_ROWS, Writer
from jcmcalc.views.template.content import Content, Row
from jcmcalc.views.units_page import COMMON

#: Project fields offered besides the methodology (free metadata but ``registered`` and
#: ``time zone``, which a run reads), with what each is.
FIELDS = (
    ("name", "the project's name"),
    ("reference number", "the JCM reference number of the project"),
    ("participants", "the project participants"),
    ("country", "the partner country (ISO code)"),
    ("registered", "registration date: keeps a methodology version that expired later"),
    ("time zone", "IANA name (Asia/Bangkok) for timestamps with a UTC offset"),
    (layout.FILES, "monitoring files beside the workbook, or File sheets, separated by ;"),
)


def unit_choices(parameter: Parameter, seen: set[str] = frozenset()) -> list[str]:
    """The units the drop-down offers: each canonical unit and the common units of its
    dimension (numerator and denominator alike), then units the project wrote."""
    found: list[str] = []
    for canonical in parameter.units:
        if canonical == "dimensionless":
            found += ["%"]
            continue
        top, _, bottom = canonical.partition("/")
        if bottom and "/" not in bottom:
            found += [canonical, *(f"{a}/{b}" for a in _alike(top) for b in _alike(bottom))]
        else:
            found += [canonical, *_alike(canonical)]
    return list(dict.fromkeys([*found, *sorted(seen)]))


def _alike(unit: str) -> list[str]:
    found = [unit]
    for candidate, _ in COMMON:
        try:
            if candidate != "%" and same_dimension(candidate, unit):
                found.append(candidate)
        except ValueError:
            continue
    return list(dict.fromkeys(found))


def unit_cell(parameter: Parameter) -> str:
    return "" if parameter.unit == "dimensionless" else parameter.unit


def fixed(methodology: Methodology) -> list[Parameter]:
    """The parameters a project may give ex ante (the year number is supplied)."""
    return [
        p
        for p in methodology.all_parameters
        if p.kind is not Kind.MONITORED and p.name != YEAR_NUMBER.name
    ]


def listed_indices(methodology: Methodology) -> list[Index]:
    return [index for index in methodology.indices if not index.members]


def per_member(methodology: Methodology, index: Index) -> list[Parameter]:
    return [p for p in fixed(methodology) if p.index == (index.symbol,)]


def about(parameter: Parameter) -> str:
    """A parameter in one line: what it is, its unit and bounds, its default and source."""
    default = parameter.default
    text = f"{parameter.symbol} ({parameter.name}): {parameter.description}. {parameter.kind}"
    text += f"; unit {', '.join(parameter.units)}; {parameter.bounds.describe()}"
    if default is not None and hasattr(default, "value"):
        text += f"; default {default.value} ({default.source}) [{default.confidence}]"
    elif default is not None:
        text += f"; default from the table {default.name} {default.version} ({default.source})"
    return text


def project_sheet(w: Writer, methodology: Methodology, content: Content) -> None:
    sheet = w.sheet(layout.PROJECT)
    sheet.activate()
    w.table(sheet, layout.FORM, (22, 40, 90))
    sheet.set_column(0, 0, 22, w.locked)
    sheet.set_column(2, 2, 90, w.locked)
    rows: list[tuple[str, Any, str, bool]] = [
        (layout.METHODOLOGY, methodology.id, methodology.title, True),
        (
            layout.VERSION,
            methodology.version,
            "locked: the version this workbook is made for",
            True,
        ),
    ]
    given = dict(content.fields)
    rows += [(field, given.pop(field, None), what, False) for field, what in FIELDS]
    rows += [(field, value, "", False) for field, value in given.items()]
    answers = content.answers
    for criterion in methodology.criteria:
        if answers is None or criterion.id in answers:
            answer = None if answers is None else answers[criterion.id]
            rows.append((layout.CRITERION + criterion.id, answer, criterion.text, False))
    for row, (field, value, what, locked) in enumerate(rows, start=1):
        sheet.write_string(row, 0, field, w.locked)
        sheet.write_blank(row, 1, None, w.locked if locked else w.input)
        w.cell(sheet, row, 1, value, locked=locked)
        sheet.write_string(row, 2, what, w.locked)
        if field.startswith(layout.CRITERION):
            w.listed(sheet, (row, row), 1, (layout.YES, layout.NO))
        elif field == "registered":
            w.dates(sheet, (row, row), 1)
    w.protect(sheet)


def members_sheet(
    w: Writer, methodology: Methodology, index: Index, content: Content, count: int
) -> None:
    sheet = w.sheet(layout.members_sheet(index.key))
    parameters = per_member(methodology, index)
    titles = ["id", "description", *index.attributes]
    for p in parameters:
        titles += [p.symbol, f"{p.symbol} unit", f"{p.symbol} source"]
        titles += [f"{p.symbol} override"] if p.default is not None else []
    w.table(sheet, titles, [14, 30, *([16] * (len(titles) - 2))])
    rows = content.members.get(index.key, [])
    last = max(count, len(rows), 1)
    span = (1, last + TABLE_ROWS)
    for column, title in enumerate(titles):
        if title in index.attributes:
            w.listed(sheet, span, column, index.attributes[title])
    for p in parameters:
        column = titles.index(p.symbol)
        w.numbers(sheet, span, column, p.bounds)
        w.listed(sheet, span, column + 1, unit_choices(p, content.units.get(p.symbol, set())))
        if p.default is not None:
            w.listed(sheet, span, column + 3, (layout.YES, layout.NO))
        sheet.write_comment(0, column, about(p), {"x_scale": 3, "y_scale": 2})
    offered = [{f"{p.symbol} unit": unit_cell(p) for p in parameters}] * count
    filled = offered if content.answers is None else rows
    _rows(w, sheet, titles, filled)
    w.protect(sheet)


def _rows(w: Writer, sheet: Any, titles: list[str], rows: list[Row], start: int = 1) -> None:
    for number, row in enumerate(rows, start=start):
        for column, title in enumerate(titles):
            w.cell(sheet, number, column, row.get(title))


def value_titles(methodology: Methodology) -> list[str]:
    depth = max((len(p.index) for p in methodology.all_parameters), default=1)
    members = ["member", *(f"member {n}" for n in range(2, depth + 1))]
    return ["parameter", *members, *layout.VALUE_COLUMNS, "about"]


def value_table(
    w: Writer, sheet: Any, methodology: Methodology, rows: list[Row], start: int, names: list[str]
) -> None:
    """A table ``parameter | member... | value | unit | source | override | about`` at row
    ``start``."""
    titles = value_titles(methodology)
    for column, title in enumerate(titles):
        sheet.set_column(column, column, 44 if title == "about" else 16, w.input)
        sheet.write_string(start, column, title, w.header)
    span = (start + 1, start + len(rows) + TABLE_ROWS)
    w.listed(sheet, span, 0, names)
    w.listed(
        sheet,
        span,
        titles.index("unit"),
        sorted({u for n in names for u in _units(methodology, n)}),
    )
    w.listed(sheet, span, titles.index("override"), (layout.YES, layout.NO))
    _rows(w, sheet, titles, rows, start + 1)
    for number, row in enumerate(rows, start=start + 1):
        if row.get("about"):
            sheet.write_string(number, len(titles) - 1, row["about"], w.locked)


def _units(methodology: Methodology, name: str) -> list[str]:
    return unit_choices(methodology.parameter(name))


def parameters_sheet(w: Writer, methodology: Methodology, content: Content) -> None:
    sheet = w.sheet(layout.PARAMETERS)
    listed = {index.symbol for index in listed_indices(methodology)}
    design = {p.name for p in methodology.estimate.parameters} if methodology.estimate else set()
    offered = [
        p
        for p in fixed(methodology)
        if p.name not in design and not (len(p.index) == 1 and p.index[0] in listed)
    ]
    rows = content.parameters or [row for p in offered for row in _offered(methodology, p)]
    value_table(w, sheet, methodology, rows, 0, [p.symbol for p in fixed(methodology)])
    sheet.freeze_panes(1, 0)
    w.protect(sheet)


def _offered(methodology: Methodology, parameter: Parameter) -> list[Row]:
    """Template rows of a parameter: one per combination of fixed members, else one."""
    indices = [methodology.index(s) for s in parameter.index]
    fixed_members = [index.members or ("",) for index in indices]
    rows = []
    for key in itertools.product(*fixed_members) if indices else [()]:
        row: Row = {"parameter": parameter.symbol, "unit": unit_cell(parameter)}
        row.update({("member" if n == 0 else f"member {n + 1}"): m for n, m in enumerate(key)})
        row["about"] = about(parameter)
        rows.append(row)
    return rows


def periods_sheet(w: Writer, content: Content, count: int = 12) -> None:
    sheet = w.sheet(layout.PERIODS)
    w.table(sheet, layout.PERIOD_COLUMNS, (8, 12, 12, 24, 40))
    sheet.set_column(0, 0, 8, w.locked)
    rows = content.periods
    last = max(len(rows), count)
    for row in range(1, last + 1):
        sheet.write_number(row, 0, row, w.locked)
    for column in (1, 2):
        sheet.set_column(column, column, 12, w.input_date)
        w.dates(sheet, (1, last + TABLE_ROWS), column)
    _rows(w, sheet, list(layout.PERIOD_COLUMNS), rows)
    w.protect(sheet)


def estimate_sheet(w: Writer, methodology: Methodology, content: Content) -> None:
    """Start and years of the crediting period, then the design values and yearly values."""
    if methodology.estimate is None:
        return
    sheet = w.sheet(layout.ESTIMATE)
    w.table(sheet, layout.FORM, (22, 16, 60))
    spec = (("start", "first day of the crediting period"), ("years", "its length in years"))
    for row, (field, what) in enumerate(spec, start=1):
        sheet.write_string(row, 0, field, w.locked)
        w.cell(sheet, row, 1, content.estimate.get(field))
        sheet.write_string(row, 2, what, w.locked)
    w.dates(sheet, (1, 1), 1)
    sheet.data_validation(
        2, 1, 2, 1, {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 100}
    )
    listed = {index.symbol for index in listed_indices(methodology)}
    estimated = {e.name for e in methodology.estimate.equations}
    design = [p for p in methodology.estimate.parameters if p.name != YEAR_NUMBER.name]
    yearly = [
        p for p in methodology.parameters if p.kind is Kind.MONITORED and p.name not in estimated
    ]
    offered = [p for p in design if not (len(p.index) == 1 and p.index[0] in listed)] + yearly
    rows = content.estimate_rows or [row for p in offered for row in _offered(methodology, p)]
    names = [p.symbol for p in (*design, *yearly)]
    value_table(w, sheet, methodology, rows, 4, names)
    sheet.write_string(
        3, 0, "design values (per member ones are on the members sheet) and yearly values", w.title
    )
    w.protect(sheet)
