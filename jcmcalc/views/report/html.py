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
from jcmcalc.views.report import content, document
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
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top;
  overflow-wrap: break-word; }
th { background: #eee; }
code, pre { background: #f4f4f4; padding: 0.1em 0.3em; white-space: pre-wrap;
  overflow-wrap: anywhere; }
.inferred { color: #a04000; }
.warnings li { color: #8a1c00; }
section.equation { border-left: 3px solid #ccc; padding-left: 1em; margin: 1em 0; }
p.step { margin: 0.3em 0; }
p.step code { white-space: normal; }
figure { margin: 1em 0; }
svg.chart { width: 100%; max-width: 640px; height: auto; font: 11px system-ui, sans-serif; }
details > summary { cursor: pointer; color: #444; }
.katex-display { overflow-x: auto; overflow-y: hidden; }
"""
#: The print stylesheet: A4, every column within the page's width, folded parts left folded.
_PRINT = """
@page { size: A4; margin: 12mm 10mm; }
body { margin: 0; max-width: none; padding: 0; font-size: 9pt; }
table { width: 100%; font-size: 7.5pt; table-layout: auto; }
th, td { padding: 0.1em 0.25em; }
code { padding: 0; }
h1 { font-size: 14pt; } h2 { font-size: 12pt; break-after: avoid; }
h3, h4 { break-after: avoid; }
tr, figure, section.equation { break-inside: avoid; }
.katex-display { overflow: visible; }
.katex-display > .katex { white-space: normal; font-size: 1em; }
svg.chart { max-width: 16cm; }
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


def _table(rows: tuple[tuple[str, ...], ...]) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows[1:]
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _items(items: tuple[str, ...], css: str = "") -> str:
    attribute = f' class="{css}"' if css else ""
    return f"<ul{attribute}>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"


def _block(block: Block) -> str:
    match block:
        case Heading(level, text):
            return f"<h{level}>{escape(text)}</h{level}>"
        case Text(text, css):
            return f'<p class="{css}">{escape(text)}</p>' if css else f"<p>{escape(text)}</p>"
        case Items(items, css):
            return _items(items, css)
        case Table(rows):
            return _table(rows)
        case Declared(title, latex, _, where, inferred):
            note = f'<p class="inferred">INFERRED: {escape(inferred)}</p>' if inferred else ""
            return (
                f'<section class="equation"><h4>{escape(title)}</h4>'
                f'<div class="tex">{escape(latex)}</div><p>where</p>{_items(where)}{note}</section>'
            )
        case Step(title, substituted, result):
            return (
                f'<p class="step">{escape(title)}: <code>{escape(substituted)}</code> gives '
                f"<strong>{escape(result)}</strong></p>"
            )
        case Folded(summary, blocks):
            inner = "".join(_block(b) for b in blocks)
            return f"<details><summary>{escape(summary)}</summary>{inner}</details>"
        case Chart(_, svg, note):
            caption = f"<figcaption>{escape(note)}</figcaption>" if note else ""
            return f"<figure>{svg}{caption}</figure>"
        case Code(text):
            return f"<pre>{escape(text)}</pre>"
    raise TypeError(f"unknown block {block!r}")


def render(
    result: Result,
    *,
    ex_ante: Result | None = None,
    command: str | None = None,
    timestamp: str | None = None,
) -> str:
    """The report of ``result`` as a single HTML document."""
    css, script = katex_assets()
    title = escape(content.heading(result))
    blocks = document.build(result, ex_ante=ex_ante, command=command, timestamp=timestamp)
    body = "\n".join(_block(block) for block in blocks)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{css}</style><style>{_STYLE}</style>"
        f'<style media="print">{_PRINT}</style></head>\n'
        f"<body>\n{body}\n<script>{script}</script><script>{_TYPESET}</script>"
        "\n</body></html>\n"
    )
