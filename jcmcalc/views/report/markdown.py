"""The monitoring report as Markdown."""

from __future__ import annotations

import html

from jcmcalc.run.result import Result
from jcmcalc.views.formatting import markdown_table
from jcmcalc.views.report import content


def _safe(text: str) -> str:
    """Text from inputs, inert in Markdown: no raw HTML, no line breaks."""
    return html.escape(text, quote=False).replace("\n", " ").replace("`", "'")


def _table(rows: list[list[str]]) -> str:
    return markdown_table([[_safe(cell) for cell in row] for row in rows])


def render(result: Result, *, command: str | None = None, timestamp: str | None = None) -> str:
    """The report of ``result``; ``command`` is how to reproduce it, ``timestamp`` optional."""
    parts = [f"# {_safe(content.heading(result))}", ""]
    if timestamp:
        parts += [f"Generated {_safe(timestamp)}.", ""]
    if result.warnings:
        parts += ["## Warnings", "", *(f"- {_safe(w)}" for w in result.warnings), ""]
    if len(coverage := result.coverage_rows()) > 1:
        parts += ["## Coverage of the monitoring data", "", _table(coverage), ""]
    parts += ["## Parameters fixed ex ante", "", _table(content.fixed_rows(result)), ""]
    for period in result.periods:
        parts += [
            f"## Period {period.number}: {period.start} to {period.end}",
            "",
            "### Monitored parameters",
            "",
            _table(content.monitored_rows(result, period.number)),
            "",
            "### Equations",
            "",
        ]
        for item in content.equation_steps(result, period.number):
            step = item.step
            parts += [
                f"#### {_safe(item.title)} [{_safe(step.unit)}]",
                "",
                f"- equation: `{step.symbol} = {step.expression}`",
                *(
                    f"- {_safe(symbol)}: {_safe(description)} [{_safe(unit)}]"
                    for symbol, description, unit in item.symbols
                ),
                f"- substituted: `{step.symbol} = {step.substituted}`",
                f"- result: **{content.value_text(step.value)} {_safe(step.unit)}**",
            ]
            if step.inferred:
                parts.append(f"- INFERRED: {_safe(step.inferred)}")
            parts.append("")
    parts += [
        "## Emission reductions and credits",
        "",
        _table(result.table_rows()),
        "",
        "Credits are ER rounded down to whole tCO2 per period (zero when ER is negative), exactly.",
        "",
    ]
    inferred = result.provenance["inferred"]
    if inferred:
        parts += ["## Inferred (reconstructed, not read)", ""]
        parts += [f"- {_safe(note)}" for note in inferred] + [""]
    parts += ["## Provenance", ""]
    parts += [f"- {_safe(line)}" for line in content.provenance_lines(result)]
    parts += [
        "",
        "## How to reproduce",
        "",
        "Install the versions above, then run:",
        "",
        "```sh",
        content.reproduce_command(result, command),
        "```",
        "",
        f"The same inputs give the same inputs sha256 ({result.provenance['inputs_sha256']}) and "
        "byte-identical output.",
    ]
    return "\n".join(parts) + "\n"
