"""The monitoring report as one self-contained HTML file, equations typeset by KaTeX.

KaTeX (vendored in ``jcmcalc/assets/katex``) is inlined with its woff2 fonts as data: URIs,
so the file renders offline. Only the equations' LaTeX, generated from the declarations, is
typeset (``katex.render`` on marked elements): text from inputs is HTML-escaped and never
parsed as math.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from html import escape
from importlib.resources import files

from jcmcalc.run.result import Result
from jcmcalc.views.report import content

KATEX = files("jcmcalc") / "assets" / "katex"
_FONT_SOURCE = re.compile(r"src:url\(fonts/([\w-]+)\.woff2\) format\(\"woff2\"\)[^;}]*")
_TYPESET = """
document.querySelectorAll(".tex").forEach(function (node) {
  katex.render(node.textContent, node, {displayMode: true, throwOnError: false});
});
"""
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 80em; padding: 0 1em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
code, pre { background: #f4f4f4; padding: 0.1em 0.3em; }
.inferred { color: #a04000; }
section.equation { border-left: 3px solid #ccc; padding-left: 1em; margin: 1em 0; }
"""


def _font(match: re.Match[str]) -> str:
    data = (KATEX / "fonts" / f"{match.group(1)}.woff2").read_bytes()
    encoded = base64.b64encode(data).decode("ascii")
    return f'src:url(data:font/woff2;base64,{encoded}) format("woff2")'


@cache
def katex_assets() -> tuple[str, str]:
    """KaTeX's CSS with the woff2 fonts inlined (woff and ttf fallbacks dropped), and its JS."""
    css = _FONT_SOURCE.sub(_font, (KATEX / "katex.min.css").read_text(encoding="utf-8"))
    if "url(fonts/" in css:
        raise RuntimeError("katex.min.css refers to a font that is not inlined")
    script = (KATEX / "katex.min.js").read_text(encoding="utf-8")
    if "</script" in script.lower():
        raise RuntimeError("katex.min.js cannot be inlined: it contains </script")
    return css, script


def _table(rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows[1:]
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _list(items: list[str], css: str = "") -> str:
    attribute = f' class="{css}"' if css else ""
    return f"<ul{attribute}>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"


def _equation(item: content.EquationStep) -> str:
    step = item.step
    symbols = [f"{symbol}: {description} [{unit}]" for symbol, description, unit in item.symbols]
    inferred = f'<p class="inferred">INFERRED: {escape(step.inferred)}</p>' if step.inferred else ""
    return (
        f'<section class="equation"><h4>{escape(item.title)} [{escape(step.unit)}]</h4>'
        f'<div class="tex">{escape(item.latex)}</div>'
        f"<p>where</p>{_list(symbols)}"
        f"<p>substituted: <code>{escape(f'{step.symbol} = {step.substituted}')}</code></p>"
        f"<p>result: <strong>{escape(content.value_text(step.value))} "
        f"{escape(step.unit)}</strong></p>{inferred}</section>"
    )


def render(result: Result, *, command: str | None = None, timestamp: str | None = None) -> str:
    """The report of ``result`` as a single HTML document."""
    css, script = katex_assets()
    title = escape(content.heading(result))
    parts = [f"<h1>{title}</h1>"]
    if timestamp:
        parts.append(f"<p>Generated {escape(timestamp)}.</p>")
    if result.warnings:
        parts += ["<h2>Warnings</h2>", _list(list(result.warnings))]
    if len(coverage := result.coverage_rows()) > 1:
        parts += ["<h2>Coverage of the monitoring data</h2>", _table(coverage)]
    parts += ["<h2>Parameters fixed ex ante</h2>", _table(content.fixed_rows(result))]
    for period in result.periods:
        parts += [
            f"<h2>Period {period.number}: {period.start} to {period.end}</h2>",
            "<h3>Monitored parameters</h3>",
            _table(content.monitored_rows(result, period.number)),
            "<h3>Equations</h3>",
            *(_equation(item) for item in content.equation_steps(result, period.number)),
        ]
    parts += [
        "<h2>Emission reductions and credits</h2>",
        _table(result.table_rows()),
        "<p>Credits are ER rounded down to whole tCO2 per period (zero when ER is negative), "
        "exactly.</p>",
    ]
    inferred = list(result.provenance["inferred"])
    if inferred:
        parts += ["<h2>Inferred (reconstructed, not read)</h2>", _list(inferred, "inferred")]
    parts += [
        "<h2>Provenance</h2>",
        _list(content.provenance_lines(result)),
        "<h2>How to reproduce</h2>",
        "<p>Install the versions above, then run:</p>",
        f"<pre>{escape(content.reproduce_command(result, command))}</pre>",
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{css}</style><style>{_STYLE}</style></head>\n"
        f"<body>\n{chr(10).join(parts)}\n<script>{script}</script><script>{_TYPESET}</script>"
        "\n</body></html>\n"
    )
