"""The HTML report: self-contained, escaped, equations typeset by KaTeX in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc.views.report import render
from tests.conftest import chromium
from tests.test_report import EXAMPLES, HOSTILE, THAI


def dump_dom(path: Path) -> str:
    """The DOM of ``path`` after its scripts ran, from headless Chromium."""
    completed = chromium("--dump-dom", path.as_uri())
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_html_is_self_contained() -> None:
    text = render(jcmcalc.calculate(THAI), "html")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)
    assert "url(fonts/" not in text and ".woff)" not in text and ".ttf)" not in text
    assert text.count("data:font/woff2;base64,") == 20
    assert text.count('<div class="tex">') == len(jcmcalc.calculate(THAI).trace)


def test_html_escapes_input_text(project) -> None:
    text = render(jcmcalc.calculate(project(HOSTILE)), "html")
    assert "<script>alert(1)</script>" not in text and "<b>bold</b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in text


def test_html_is_byte_identical_across_runs(cli, tmp_path) -> None:
    outputs = []
    for run in ("a", "b"):
        target = tmp_path / f"{run}.html"
        assert cli("report", THAI, "--format", "html", "-o", target)[0] == 0
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parts[-4]}/{p.parent.name}")
def test_chromium_typesets_every_equation(example, tmp_path) -> None:
    result = jcmcalc.calculate(example)
    path = tmp_path / "report.html"
    path.write_text(render(result, "html"), encoding="utf-8")
    dom = dump_dom(path)
    assert dom.count('<span class="katex">') == len(result.trace)
    assert '<span class="katex-error"' not in dom
    assert "katex-mathml" in dom
