"""The monitoring report as Markdown: the blocks of :mod:`document`, charts named only."""

from __future__ import annotations

from jcmcalc.run.result import Result
from jcmcalc.views.formatting import markdown_safe as _safe
from jcmcalc.views.formatting import markdown_table
from jcmcalc.views.report import document
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


def _block(block: Block) -> list[str]:
    match block:
        case Heading(level, text):
            return [f"{'#' * level} {_safe(text)}", ""]
        case Text(text):
            return [_safe(text), ""]
        case Items(items):
            return [*(f"- {_safe(item)}" for item in items), ""]
        case Table(rows):
            return [markdown_table([[_safe(cell) for cell in row] for row in rows]), ""]
        case Declared(title, _, text, where, inferred):
            lines = [f"#### {_safe(title)}", "", f"- equation: `{text}`"]
            lines += [f"- {_safe(line)}" for line in where]
            return [*lines, *([f"- INFERRED: {_safe(inferred)}"] if inferred else []), ""]
        case Step(title, substituted, result):
            return [f"- {_safe(title)}: `{substituted}` gives **{_safe(result)}**"]
        case Folded(summary):
            return [f"Not shown: {_safe(summary)}.", ""]  # the HTML report unfolds them
        case Chart(title, _, note, None):
            note = f" {note}" if note else ""
            return [f"(Chart in the HTML report: {_safe(title)}.{_safe(note)})", ""]
        case Chart(title, _, note, figures):
            lines = [f"{_safe(title)} (charted in the HTML report): {_safe(note)}", ""]
            return [*lines, *_block(figures)]
        case Code(text):
            return ["```sh", text, "```", ""]
    raise TypeError(f"unknown block {block!r}")


def render(
    result: Result,
    *,
    ex_ante: Result | None = None,
    command: str | None = None,
    timestamp: str | None = None,
) -> str:
    """The report of ``result``; ``command`` is how to reproduce it, ``timestamp`` optional."""
    lines: list[str] = []
    previous: Block | None = None
    for block in document.build(result, ex_ante=ex_ante, command=command, timestamp=timestamp):
        if isinstance(previous, Step) and not isinstance(block, Step):
            lines.append("")
        lines += _block(block)
        previous = block
    return "\n".join(lines).rstrip("\n") + "\n"
