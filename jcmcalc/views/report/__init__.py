"""Monitoring reports of a Result: Markdown, self-contained HTML, workbook with live formulas.

>>> from jcmcalc.views.report import render
>>> render(result, "markdown")  # str; "html" gives str, "xlsx" gives bytes
"""

from __future__ import annotations

from importlib import import_module

from jcmcalc.run.result import Result

#: Report format -> module rendering it.
FORMATS = {"markdown": "markdown", "html": "html", "xlsx": "workbook.book"}


def render(
    result: Result,
    fmt: str,
    *,
    ex_ante: Result | None = None,
    command: str | None = None,
    timestamp: str | None = None,
) -> str | bytes:
    """The report of ``result`` in ``fmt``: text for markdown and html, bytes for xlsx.

    ``ex_ante`` is the project's estimate, compared with ``result`` per period and year;
    ``command`` is the command line that reproduces the run (default: ``jcmcalc calculate``
    on the project file); ``timestamp`` is printed only when given, so the same inputs give
    the same bytes.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; one of {', '.join(FORMATS)}")
    module = import_module(f"jcmcalc.views.report.{FORMATS[fmt]}")
    return module.render(result, ex_ante=ex_ante, command=command, timestamp=timestamp)
