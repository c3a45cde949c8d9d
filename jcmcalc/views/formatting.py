"""Text views for the terminal: tables, results, methodology descriptions."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable, Sequence

from jcmcalc.model.kernel import equations_of
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.parameters import Default, DefaultTable, Parameter, WhenAbsent
from jcmcalc.plugin.registry import provider_label
from jcmcalc.run.estimate import YEAR_NUMBER
from jcmcalc.run.result import Result
from jcmcalc.views.terminal import one_line

#: The width of text output on a terminal (``--wide``: none); a narrower column wraps.
WIDTH = 100
#: The narrowest a column is made to fit :data:`WIDTH`.
NARROWEST = 10


def text_table(rows: Sequence[Sequence[str]], width: int | None = None) -> str:
    """Rows as aligned columns, the first row a header underlined with dashes; within
    ``width`` characters where it can, the widest columns wrapped (None: as wide as it is)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    room = None if width is None else width - 2 * (len(widths) - 1)
    while room is not None and sum(widths) > room and max(widths) > NARROWEST:
        widths[widths.index(max(widths))] -= 1
    lines = []
    for number, row in enumerate(rows):
        cells = [
            textwrap.wrap(cell, size, break_on_hyphens=False) if len(cell) > size else [cell]
            for cell, size in zip(row, widths, strict=True)
        ]
        for n in range(max(len(cell) for cell in cells)):
            parts = [
                (c[n] if n < len(c) else "").ljust(s) for c, s in zip(cells, widths, strict=True)
            ]
            lines.append("  ".join(parts).rstrip())
        if number == 0:
            lines.append("  ".join("-" * size for size in widths))
    return "\n".join(lines)


def folded(text: str, width: int | None) -> str:
    """``text`` with each line longer than ``width`` wrapped at spaces, under its own indent
    (a bullet's text under the text); None: unchanged."""
    if width is None:
        return text
    lines = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        hanging = indent + ("  " if line.lstrip().startswith("- ") else "")
        lines += textwrap.wrap(
            line, width, subsequent_indent=hanging, break_on_hyphens=False, break_long_words=False
        )
    return "\n".join(lines)


def markdown_table(rows: Sequence[Sequence[str]]) -> str:
    """Rows as a Markdown table (pipes in cells escaped)."""

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"

    return "\n".join([line(rows[0]), line(["---"] * len(rows[0])), *map(line, rows[1:])])


def markdown_safe(text: str) -> str:
    """Text from inputs, inert in Markdown: no raw HTML, no line breaks, no code spans."""
    return html.escape(text, quote=False).replace("\n", " ").replace("`", "'")


def result_text(result: Result, *, markdown: bool = False, width: int | None = WIDTH) -> str:
    """A result as a table with its warnings and provenance (text from inputs made inert:
    :func:`markdown_safe`, or on one line each for the terminal); text lines within ``width``
    characters (None: as long as they are)."""
    safe = markdown_safe if markdown else one_line
    width = None if markdown else width

    def table(rows: Sequence[Sequence[str]]) -> str:
        cells = [[safe(str(cell)) for cell in row] for row in rows]
        return markdown_table(cells) if markdown else text_table(cells, width)

    methodology = result.methodology
    heading = safe(
        f"{result.project_name}: {methodology.label} ({methodology.title}), {result.mode}"
    )
    parts = [f"# {heading}" if markdown else heading]
    if result.warnings:  # read before the figures they qualify
        count = len(result.warnings)
        parts += ["", "## Warnings" if markdown else "Warnings:"]
        parts += [f"{count} warning{'s' * (count > 1)}: read before the figures below."]
        parts += [f"- {safe(warning)}" for warning in result.warnings]
    parts += ["", table(result.table_rows())]
    if result.periods and not _one_year_each(result):
        title = "Emission reductions by calendar year"
        parts += ["", f"## {title}\n" if markdown else f"{title}:", result.calendar_note, ""]
        parts += [table(result.calendar_rows())]
    if result.eligibility.answers:
        verdict = "creditable" if result.creditable else "NOT CREDITABLE"
        parts += ["", f"## Eligibility: {verdict}" if markdown else f"Eligibility: {verdict}"]
        parts += ["", table(result.eligibility.rows())]
    coverage = result.coverage_rows()
    if len(coverage) > 1:
        parts += ["", "## Coverage of the monitoring data" if markdown else "Coverage:"]
        parts += [table(coverage)]
    parts += _given_values(result, markdown, safe)
    return folded("\n".join(parts + _provenance(result, markdown, safe)), width) + "\n"


def _given_values(result: Result, markdown: bool, safe: Callable[[str], str]) -> list[str]:
    given = [
        row
        for row in result.input_rows()
        if row["origin"] in ("project", "override") and row["period"] is None
    ]
    if not given:
        return []
    title = "Fixed values given by the project"
    return [
        "",
        f"## {title}" if markdown else f"{title}:",
        *(
            safe(
                f"- {row['symbol']} {'/'.join(row['member'])} = {row['value']} {row['unit']} "
                f"({row['origin']}; source: {row['source']})"
            )
            for row in given
        ),
    ]


def _provenance(result: Result, markdown: bool, safe: Callable[[str], str]) -> list[str]:
    methodology = result.methodology
    parts: list[str] = []
    inferred = result.provenance["inferred"]
    if inferred:
        parts += ["", "## Inferred (reconstructed, not read)" if markdown else "Inferred:"]
        parts += [f"- {note}" for note in inferred]
    provenance = result.provenance
    parts += [
        "",
        "## Provenance" if markdown else "Provenance:",
        f"- methodology {methodology.programme} {methodology.id} ver {methodology.version} "
        f"({methodology.about.source}), declaration sha256 {provenance['methodology']['sha256']}",
        f"- plugin {provenance['plugin']['distribution']} {provenance['plugin']['version']}, "
        f"jcmcalc {provenance['jcmcalc_version']}, pint {provenance['pint_version']}, "
        f"Python {provenance['python_version']}",
        *(
            f"- table {t['name']}: {t['version']}, sha256 {t['sha256']}"
            for t in provenance["default_tables"]
        ),
        *(f"- {f['path']}: sha256 {f['sha256']}" for f in provenance["files"]),
        f"- inputs sha256 {provenance['inputs_sha256']} (of the lines sha256sum prints for them)",
    ]
    return [line if line.startswith("#") or not line else safe(line) for line in parts]


def _one_year_each(result: Result) -> bool:
    """Whether each period lies in a calendar year of its own (the yearly periods of an
    estimate): then the calendar-year table would repeat the periods' table."""
    years = [{year for year, _ in period.calendar_years} for period in result.periods]
    return all(len(each) == 1 for each in years) and len(set.union(*years)) == len(years)


def _default_text(default: Default | DefaultTable | None) -> list[str]:
    if default is None:
        return ["none: the project file gives it"]
    if isinstance(default, Default):
        note = f"; {default.note}" if default.note else ""
        return [f"{default.value} [{default.confidence}] ({default.source}{note})"]
    lines = [f"table {default.name!r} by {', '.join(default.keys)} ({default.version}):"]
    sources = {row.source for row in default.rows.values()}
    shared = sources.pop() if len(sources) == 1 else None
    if shared is not None:  # said once, not on every row
        lines.append(f"    source of every row: {shared}")
    for key, row in default.rows.items():
        source = "" if shared is not None else f" ({row.source})"
        lines.append(f"    {' / '.join(key)}: {row.value} [{row.confidence}]{source}")
    return lines


def _parameter_text(parameter: Parameter) -> list[str]:
    index = f" per {', '.join(parameter.index)}" if parameter.index else ""
    options = f"; monitoring option {'/'.join(parameter.options)}" if parameter.options else ""
    lines = [
        f"  {parameter.symbol} ({parameter.name}) [{parameter.unit}]{index}: {parameter.kind}"
        f"{options}; {parameter.bounds.describe()}",
        f"    {parameter.description}",
    ]
    if parameter.inferred:
        lines.append(f"    INFERRED: {parameter.inferred}")
    monitoring = parameter.monitoring
    if monitoring and monitoring.measurement:
        lines.append(f"    measured: {monitoring.measurement}")
    if monitoring and monitoring.frequency:
        lines.append(f"    frequency: {monitoring.frequency}")
    if parameter.when_absent is WhenAbsent.ZERO:
        lines.append("    when not given: zero")
    if parameter.source_required:
        lines.append("    source required: the project file gives the value with its source")
    if parameter.when_absent is WhenAbsent.UNKNOWN:
        lines.append("    when not given: unknown, the plausibility checks using it are skipped")
    if parameter.name == YEAR_NUMBER.name:
        lines.append("    value: supplied by jcmcalc estimate for each year")
        return lines
    default = _default_text(parameter.default)
    lines.append(f"    default: {default[0]}")
    lines += [f"  {line}" for line in default[1:]]
    return lines


def methodology_text(m: Methodology, width: int | None = WIDTH) -> str:
    """Everything ``jcmcalc show`` prints about a methodology, lines within ``width``
    characters (None: as long as they are)."""
    about = m.about
    lines = [
        f"{m.programme} {m.id} ver {m.version}: {m.title}",
        f"  country {about.country}; family {about.family}; sectoral scope {about.sectoral_scope}",
        f"  status {about.status}; approved {about.approved or 'unknown'}; "
        f"confidence {about.confidence}",
        f"  source {about.source}",
        f"  plugin {provider_label(m)}",
    ]
    if m.notes:
        lines += ["", "Notes (unknown or inferred):", *(f"  - {note}" for note in m.notes)]
    lines += ["", "Indices:"]
    for index in m.indices:
        where = f"members {', '.join(index.members)}" if index.members else f"[[{index.key}]]"
        attributes = "; ".join(
            f"{name}: {' | '.join(choices) if choices else 'any'}"
            for name, choices in index.attributes.items()
        )
        lines.append(
            f"  {index.symbol}: {index.title} ({where}){'; ' + attributes if attributes else ''}"
        )
    lines += ["", "Parameters:"]
    for parameter in m.parameters:
        lines += _parameter_text(parameter)
    lines += ["", "Equations (per monitoring period p):"]
    for equation in equations_of(m):
        lines.append(f"  {equation.text}   [{equation.unit}]")
        if equation.inferred:
            lines.append(f"    INFERRED: {equation.inferred}")
    if m.checks:
        lines += ["", "Checks (an error check refuses the input; a warning check warns):"]
        for check in m.checks:
            lines.append(f"  {check.name} [{check.severity}]: {check.text}: {check.description}")
            if check.inferred:
                lines.append(f"    INFERRED: {check.inferred}")
    if m.criteria:
        lines += ["", "Eligibility criteria:"]
        lines += [f"  {c.id} [{c.confidence}]: {c.text}" for c in m.criteria]
    if m.estimate:
        lines += ["", "Ex-ante estimate (jcmcalc estimate):"]
        for parameter in m.estimate.parameters:
            lines += _parameter_text(parameter)
        lines += [f"  {equation.text}   [{equation.unit}]" for equation in m.estimate.equations]
    return folded("\n".join(lines), width) + "\n"
