"""What a monitoring report says, in reading order, as :mod:`blocks` built from a Result.

A summary first (its warnings before its figures, credits per period and in total, their
allocation, ER by calendar year, coverage of the monitoring data), then the eligibility
checklist, the symbols (each described once), the monitoring plan, the values fixed ex ante,
the equations (each declared once), each period's monitored values and calculation, provenance.
Rows and steps whose value is zero are folded. Nothing here recomputes what the engine did.
"""

from __future__ import annotations

from jcmcalc.model.expressions.walkers import symbols, to_latex
from jcmcalc.model.kernel import equations_of
from jcmcalc.model.parameters import Kind
from jcmcalc.run.result import Mode, Result
from jcmcalc.views.report import content
from jcmcalc.views.report.blocks import (
    Block,
    Chart,
    Code,
    Declared,
    Folded,
    Heading,
    Items,
    Step,
    Table,
    Text,
)
from jcmcalc.views.report.charts import bar_chart
from jcmcalc.views.report.comparison import compared

EX_ANTE_TITLE = (
    "Summary: expected reductions per year of the crediting period (ex ante, the monitoring "
    "plan's estimate; each period is a year of the estimate)"
)
COVERAGE = "Coverage of the monitoring data"
#: A month without readings in a table of monthly figures.
GAP = "no readings"
ROUNDING_NOTE = (
    "Credits are ER rounded down to whole tCO2 per period (zero when ER is negative), exactly. "
    "A value ending in … is rounded for display; every other value is exact."
)


def _rows(rows: list[list[str]]) -> Table:
    return Table(tuple(tuple(row) for row in rows))


def summary(result: Result) -> list[Block]:
    """The warnings, then credits per period and in total, their allocation, ER per calendar
    year and the coverage of the dated monitoring series."""
    table = _rows(result.table_rows(content.value_text))
    title = "Summary" if result.mode is Mode.EX_POST else EX_ANTE_TITLE
    blocks: list[Block] = [Heading(2, title)]
    if result.warnings:  # read before the figures they qualify
        blocks += [Heading(3, "Warnings"), Items(tuple(result.warnings), "warnings")]
    blocks += [table, Text(ROUNDING_NOTE)]
    allocation = result.inputs.project.allocation
    if result.parties and allocation is not None:
        blocks.append(Text(f"Allocation of credits: {allocation.rule()}."))
    labels = [f"period {p.number}" for p in result.periods]
    series = [("credits", [p.credits for p in result.periods])]
    series += [
        (f"to {party}", [dict(p.allocation)[party] for p in result.periods])
        for party in result.parties
    ]
    blocks.append(
        Chart("Credits per period", bar_chart("Credits per period", labels, series, "t_CO2"))
    )
    blocks += [
        Heading(3, "Emission reductions by calendar year"),
        Text(result.calendar_note),
        _rows(result.calendar_rows(content.value_text)),
    ]
    if len(coverage := result.coverage_rows()) > 1:
        blocks += [Heading(3, COVERAGE), _rows(coverage)]
    return blocks


def eligibility(result: Result) -> list[Block]:
    rows = content.eligibility_rows(result)
    if len(rows) == 1:
        return [Heading(2, "Eligibility"), Text("The methodology declares no criteria.")]
    return [Heading(2, "Eligibility checklist"), _rows(rows)]


def plan(result: Result) -> list[Block]:
    """One row per monitored parameter with its points, option, method and frequency, then
    charts of the monitored values per period and, from dated readings, per month for each
    parameter."""
    points = content.monitoring_points(result)
    rows = [["symbol", "monitoring points", "unit", "option", "method", "frequency"]]
    blocks: list[Block] = [Heading(2, "Monitoring plan")]
    charts: list[Block] = []
    for parameter in result.methodology.parameters:
        mine = [(key, point) for (name, key), point in points.items() if name == parameter.name]
        if not mine:
            continue
        options, method, frequency = content.plan_of(parameter)
        where = "; ".join(f"{point} {'/'.join(key) or 'project'}" for key, point in mine)
        rows.append(
            [
                parameter.symbol,
                where,
                parameter.unit,
                options,
                method,
                frequency,
            ]
        )
        charts += _monitored_chart(result, parameter.name, parameter.symbol, parameter.unit, mine)
        charts += _monthly_chart(result, parameter.name, parameter.symbol, parameter.unit, mine)
    return [*blocks, _rows(rows), *structure(result), *charts]


def structure(result: Result) -> list[Block]:
    """The project's identity and monitoring structure, and each meter's QA/QC, where the
    project file gives them."""
    blocks: list[Block] = []
    if lines := content.identity_lines(result):
        blocks += [Heading(3, "Project and monitoring structure"), Items(tuple(lines))]
    if len(meters := content.meter_rows(result)) > 1:
        blocks += [Heading(3, "Meters (QA/QC)"), _rows(meters)]
    return blocks


def _monitored_chart(result: Result, name: str, symbol: str, unit: str, mine) -> list[Block]:
    """Values of one monitored parameter per period, one series per point (all-zero points
    left out and named)."""
    periods = result.inputs.periods
    series, zeros = [], []
    for key, point in mine:
        found = [p.values.get(name, {}).get(key) for p in periods]
        values = [None if v is None else v.value for v in found]
        if any(values):
            series.append((f"{point} {'/'.join(key) or symbol}", values))
        else:
            zeros.append(point)
    if not series:
        return []
    title = f"{symbol} per period"
    labels = [f"period {p.period.number}" for p in periods]
    note = f"Zero or not given in every period: {', '.join(zeros)}." if zeros else ""
    return [Chart(title, bar_chart(title, labels, series, unit), note)]


def _monthly_chart(result: Result, name: str, symbol: str, unit: str, mine) -> list[Block]:
    """Values of one monitored parameter per calendar month from dated readings, one series
    per point; a month without readings is a gap."""
    labels, values = content.monthly(result, name, [key for key, _ in mine])
    if not labels:
        return []
    series = [
        (f"{point} {'/'.join(key) or symbol}", found)
        for (key, point), found in zip(mine, values, strict=True)
        if any(found)
    ]
    if not series:
        return []
    title = f"{symbol} per month"
    rows = [["month", *(f"{name} [{unit}]" for name, _ in series)]]
    for at, label in enumerate(labels):
        cells = [found[at] for _, found in series]
        rows.append([label, *(GAP if v is None else content.value_text(v) for v in cells)])
    svg = bar_chart(title, labels, series, unit)
    return [Chart(title, svg, content.MONTHLY_NOTE, _rows(rows))]


def fixed(result: Result) -> list[Block]:
    rows = [["symbol", "member", "value", "unit", "origin", "source"]]
    for name, values in result.inputs.fixed.items():
        parameter = result.methodology.parameter(name)
        for key, value in values.items():
            rows.append(
                [
                    parameter.symbol,
                    "/".join(key),
                    content.value_text(value.value),
                    value.shown_unit(parameter.unit),
                    content.origin(value),
                    value.source,
                ]
            )
    return [Heading(2, "Values fixed ex ante"), _rows(rows)]


def glossary(result: Result) -> list[Block]:
    """Every symbol with its description, once."""
    rows = [["symbol", "unit", "description", "kind"]]
    for parameter in result.methodology.all_parameters:
        kind = "monitored" if parameter.kind is Kind.MONITORED else str(parameter.kind)
        rows.append([parameter.symbol, parameter.unit, content.description(parameter), kind])
    for equation in equations_of(result.methodology):
        rows.append([equation.symbol, equation.unit, equation.description, "computed"])
    return [Heading(2, "Symbols"), _rows(rows)]


def equations(result: Result) -> list[Block]:
    """Each equation of the trace, declared once: LaTeX, text and the symbols it uses."""
    declared = {e.symbol: e for e in equations_of(result.methodology)}
    meaning = {p.symbol: p.description for p in result.methodology.all_parameters}
    meaning |= {e.symbol: e.description for e in declared.values()}
    blocks: list[Block] = [Heading(2, "Equations")]
    for symbol in dict.fromkeys(step.symbol for step in result.trace):
        equation = declared[symbol]
        where = tuple(
            f"{s.symbol}: {meaning.get(s.symbol, '')}"
            for s in dict.fromkeys(symbols(equation.expression))
        )
        latex = f"{to_latex(equation.ref)} = {to_latex(equation.expression)}"
        blocks.append(
            Declared(f"{symbol} [{equation.unit}]", latex, equation.text, where, equation.inferred)
        )
    return blocks


def _named(names: list[tuple[str, str]]) -> str:
    """``W_k,p: CFC-11, CFC-12; EC_p`` from (symbol, member) pairs."""
    grouped: dict[str, list[str]] = {}
    for symbol, member in names:
        grouped.setdefault(symbol, []).extend([member] if member else [])
    return "; ".join(f"{s}: {', '.join(m)}" if m else s for s, m in grouped.items())


def _folded(what: str, zero: list[Block], names: list[tuple[str, str]]) -> list[Block]:
    """The blocks of ``names`` (values equal to zero) folded under one line naming them."""
    if not names:
        return []
    return [Folded(f"{len(names)} {what} equal to zero ({_named(names)})", tuple(zero))]


def period(result: Result, number: int) -> list[Block]:
    """Monitored values and the calculation of one period; zero rows and steps folded."""
    inputs = next(p for p in result.inputs.periods if p.period.number == number)
    points = content.monitoring_points(result)
    header = ("monitoring point", "symbol", "member", "value", "unit", "source")
    rows, zeros, zero_names = [header], [header], []
    for name, values in inputs.values.items():
        parameter = result.methodology.parameter(name)
        for key, value in values.items():
            row = (
                points.get((name, key), ""),
                parameter.symbol,
                "/".join(key) or "project",
                content.value_text(value.value),
                value.shown_unit(parameter.unit),
                f"{value.source} ({content.origin(value)})",
            )
            (zeros if value.value == 0 else rows).append(row)
            if value.value == 0:
                zero_names.append((parameter.symbol, "/".join(key)))
    found = inputs.period
    blocks: list[Block] = [
        Heading(2, f"Period {number}: {found.start} to {found.end}"),
        Heading(3, "Monitored values"),
        Table(tuple(rows)),
    ]
    blocks += _folded("monitored values", [Table(tuple(zeros))], zero_names)
    steps, zero_steps, zero_titles = [], [], []
    for step in (s for s in result.trace if s.period == number):
        member = f" [{'/'.join(step.member)}]" if step.member else ""
        block = Step(
            f"{step.symbol}{member} [{step.unit}]",
            f"{step.symbol} = {step.substituted}",
            f"{content.value_text(step.value)} {step.unit}",
        )
        if step.value == 0 and step.member:
            zero_steps.append(block)
            zero_titles.append((step.symbol, "/".join(step.member)))
        else:
            steps.append(block)
    blocks += [Heading(3, "Calculation"), *steps]
    blocks += _folded("results", zero_steps, zero_titles)
    return blocks


def closing(result: Result, command: str | None) -> list[Block]:
    blocks: list[Block] = []
    inferred = tuple(result.provenance["inferred"])
    if inferred:
        blocks += [Heading(2, "Inferred (reconstructed, not read)"), Items(inferred, "inferred")]
    blocks += [
        Heading(2, "Provenance"),
        Items(tuple(content.provenance_lines(result))),
        Heading(2, "How to reproduce"),
        Text("Install the versions above, then run:"),
        Code(content.reproduce_command(result, command)),
        Text(
            f"The same inputs give the same inputs sha256 ({result.provenance['inputs_sha256']}) "
            "and byte-identical output."
        ),
    ]
    return blocks


def build(
    result: Result, *, ex_ante: Result | None, command: str | None, timestamp: str | None
) -> list[Block]:
    """The whole report, in reading order; ``ex_ante`` is compared with ``result``."""
    blocks: list[Block] = [Heading(1, content.heading(result))]
    if timestamp:
        blocks.append(Text(f"Generated {timestamp}."))
    blocks += summary(result)
    if ex_ante is not None:
        blocks += compared(result, ex_ante)
    blocks += eligibility(result)
    blocks += glossary(result)
    blocks += plan(result)
    blocks += fixed(result)
    blocks += equations(result)
    for found in result.periods:
        blocks += period(result, found.number)
    blocks += closing(result, command)
    return blocks
