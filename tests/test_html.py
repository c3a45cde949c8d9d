"""The HTML report: self-contained, escaped, equations typeset by KaTeX in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc.views.report import render
from tests.conftest import chromium
from tests.test_report import EXAMPLES, HOSTILE, THAI


def dump_dom(path: Path, *options: str) -> str:
    """The DOM of ``path`` after its scripts ran, from headless Chromium."""
    completed = chromium(*options, "--dump-dom", path.as_uri())
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_html_is_self_contained() -> None:
    text = render(jcmcalc.calculate(THAI), "html")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)
    assert "url(fonts/" not in text and ".woff)" not in text and ".ttf)" not in text
    assert text.count("data:font/woff2;base64,") == 20
    assert text.count('<div class="tex">') == len(_declared(jcmcalc.calculate(THAI)))
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in text


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


def _declared(result: jcmcalc.Result) -> set[str]:
    """The equations of a result's trace, each typeset once."""
    return {step.symbol for step in result.trace}


#: Width in CSS pixels of an A4 page less the print stylesheet's margins (210 mm - 2 x 10 mm).
A4_PRINTABLE = round((210 - 20) / 25.4 * 96)
#: Appended to a copy of a report: after KaTeX ran, measure what would not fit (KaTeX's MathML
#: copy, clipped to nothing for screen readers, aside) and the charts.
MEASURE = """<script>
const width = document.documentElement.clientWidth;
const wide = [...document.querySelectorAll("body *")].filter(
  (node) => node.getBoundingClientRect().right > width + 0.5 && !node.closest(".katex-mathml"));
const charts = [...document.querySelectorAll("svg.chart")];
document.body.dataset.width = width;
document.body.dataset.overflow = wide.map((node) => node.tagName + ":" +
  node.textContent.slice(0, 40)).join(" | ");
document.body.dataset.charts = charts.length;
const drawn = charts.filter((svg) => svg.getBBox().width > 100 &&
  svg.querySelectorAll("rect").length > 0);
document.body.dataset.drawn = drawn.length;
document.body.dataset.monthly = drawn.filter(
  (svg) => svg.getAttribute("aria-label").endsWith(" per month")).length;
document.body.dataset.gaps = [...document.querySelectorAll("svg.chart rect.gap")].filter(
  (rect) => rect.getBBox().height > 100).length;
</script></body>"""


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parts[-4]}/{p.parent.name}")
def test_chromium_typesets_equations_and_draws_charts(example, tmp_path) -> None:
    result = jcmcalc.calculate(example)
    path = tmp_path / "report.html"
    path.write_text(render(result, "html").replace("</body>", MEASURE), encoding="utf-8")
    dom = dump_dom(path)
    assert dom.count('<span class="katex">') == len(_declared(result))
    assert '<span class="katex-error"' not in dom
    assert "katex-mathml" in dom
    charts = int(re.search(r'data-charts="(\d+)"', dom).group(1))
    assert charts >= 2 and re.search(rf'data-drawn="{charts}"', dom)
    dated = {
        name
        for period in result.inputs.periods
        for name, values in period.values.items()
        if any(value.months and value.value for value in values.values())
    }
    assert re.search(rf'data-monthly="{len(dated)}"', dom)  # one monthly chart per quantity
    if example == THAI:  # its quarterly register differences are shared among their months
        assert int(re.search(r'data-gaps="(\d+)"', dom).group(1)) == 0


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parts[-4]}/{p.parent.name}")
def test_printed_report_fits_the_width_of_an_a4_page(example, tmp_path) -> None:
    """Laid out with the print stylesheet at the printable width of A4, nothing sticks out
    (a table column cut off in the PDF would); then Chromium prints it to an A4 PDF."""
    text = render(jcmcalc.calculate(example), "html")
    assert '<style media="print">' in text
    path = tmp_path / "print.html"
    path.write_text(
        text.replace('<style media="print">', "<style>").replace("</body>", MEASURE),
        encoding="utf-8",
    )
    dom = dump_dom(path, f"--window-size={A4_PRINTABLE},1000", "--hide-scrollbars")
    assert f'data-width="{A4_PRINTABLE}"' in dom
    assert 'data-overflow=""' in dom, re.search(r'data-overflow="([^"]*)"', dom).group(1)
    report = tmp_path / "report.html"
    report.write_text(text, encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    completed = chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri())
    assert completed.returncode == 0, completed.stderr
    boxes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf.read_bytes()))
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}  # A4 in pt


def test_chromium_draws_a_month_without_readings_as_a_gap(tmp_path) -> None:
    """December without readings (flow values of November and January) is drawn as a gap:
    'no value' in its slot (one point: no grey band), never a zero bar."""
    from tests.test_months import PROJECT

    (tmp_path / "project.toml").write_text(PROJECT.format(zone=""), encoding="utf-8")
    rows = ["2023-11-30,PV-1,1.25", "2024-01-31,PV-1,2.5", "2024-02-29,PV-1,0.125"]
    text = "\n".join(['date,system,"EG_i,p [MWh]"', *rows]) + "\n"
    (tmp_path / "eg.csv").write_text(text, encoding="utf-8")
    result = jcmcalc.calculate(tmp_path / "project.toml")
    path = tmp_path / "report.html"
    path.write_text(render(result, "html").replace("</body>", MEASURE), encoding="utf-8")
    dom = dump_dom(path)
    gap = r'<text class="gap" x="[\d.]+" y="[\d.]+"[^>]*>no value</text><text[^>]*>2023-12<'
    assert re.search(gap, dom)
    assert "<title>2023-12" not in dom  # no bar for December
