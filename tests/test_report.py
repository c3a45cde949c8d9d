"""Monitoring reports: content of the MRS, escaping of input text, byte-identical output."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest

import jcmcalc
from jcmcalc.model.expressions.walkers import symbols
from jcmcalc.model.kernel import equations_of
from jcmcalc.model.parameters import CONTINUOUS, Kind
from jcmcalc.views.report import render
from jcmcalc.views.report.content import value_text
from tests.conftest import ROOT

EXAMPLES = sorted(ROOT.glob("methodologies/*/examples/*/project.toml"))
THAI = ROOT / "methodologies" / "solar-pv" / "examples" / "thai-rooftop" / "project.toml"

#: A project whose texts try to become HTML, Markdown or spreadsheet formulas.
HOSTILE = """
[project]
name = "<b>bold</b> & co"

[methodology]
id = "MN_AM003"
version = "2.0"

[[systems]]
id = "PV-1"
description = "=HYPERLINK(\\"http://x\\")"
grid = "national"
connection_case = "grid"

[systems.parameters."EF_RE,i"]
value = "0.9 t_CO2/MWh"
override = true
source = "=cmd|' /C calc'!A0 <script>alert(1)</script>"

[[periods]]
start = 2023-01-01
end = 2023-12-31
values = { "EG_i,p" = "1000.5 MWh" }
"""


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parts[-4]}/{p.parent.name}")
def test_markdown_report_of_every_example_reads_summary_first(example) -> None:
    result = jcmcalc.calculate(example)
    text = render(result, "markdown")
    order = ["## Summary", "## Eligibility", "## Symbols", "## Monitoring plan"]
    order += ["## Values fixed ex ante", "## Equations"]
    order += [f"## Period {p.number}: {p.start} to {p.end}" for p in result.periods]
    order += ["## Provenance", "## How to reproduce"]
    assert [text.index(heading) for heading in order] == sorted(text.index(h) for h in order)
    summary = text[text.index("## Summary") : text.index("## Eligibility")]
    assert f"| total |  |  |  |  | {value_text(result.total_reductions)} | " in summary
    assert f"| {result.total_credits} |" in summary
    assert "| monitoring point | symbol | member | value | unit | source |" in text
    for step in result.trace:
        member = "/".join(step.member)
        shown = f"`{step.symbol} = {step.substituted}` gives **{value_text(step.value)} "
        folded = step.value == 0 and step.member and f"{step.symbol}: " in text and member in text
        assert shown in text or folded, step
    assert result.provenance["inputs_sha256"] in text
    assert "jcmcalc calculate" in text
    for note in result.provenance["inferred"]:
        assert note.replace("<", "&lt;") in text
    equations = [e for e in equations_of(result.methodology) if e.symbol in text]
    for parameter in result.methodology.all_parameters:
        # Described once in the symbols table, and beside each equation that uses it.
        uses = sum(parameter.symbol in {s.symbol for s in symbols(e.expression)} for e in equations)
        assert text.count(parameter.description.replace("<", "&lt;")) <= 1 + uses


def _reproduced(step) -> Fraction | None:
    """The result computed from the substituted text as shown (None: a value is marked rounded)."""
    if "…" in step.substituted:
        return None
    text = step.substituted.replace("×", "*").replace(" [override]", "")
    text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)", r"Fraction('\1')", text).replace(
        "floor(", "floor_("
    )
    return eval(text, {"Fraction": Fraction, "floor_": math.floor, "max": max, "min": min})


def test_substituted_values_reproduce_each_result_or_are_marked_rounded() -> None:
    steps = [step for example in EXAMPLES for step in jcmcalc.calculate(example).trace]
    reproduced = [_reproduced(step) for step in steps]
    assert all(found in (None, step.value) for found, step in zip(reproduced, steps, strict=True))
    assert sum(found is not None for found in reproduced) > len(steps) * 3 // 4


BUILT_IN = {"solar-pv", "waste-heat-recovery", "boilers", "fgas-destruction"}


@pytest.mark.parametrize(
    "methodology",
    [m for m in jcmcalc.methodologies() if m.about.family in BUILT_IN],
    ids=lambda m: f"{m.id}@{m.version}",
)
def test_every_monitored_parameter_declares_method_and_frequency_with_its_label(
    methodology,
) -> None:
    monitored = [p for p in methodology.parameters if p.kind is Kind.MONITORED]
    assert monitored
    for parameter in monitored:
        for text in (parameter.monitoring.measurement, parameter.monitoring.frequency):
            assert "(read: " in text or "inferred" in text, (parameter.symbol, text)


def test_report_shows_declared_measurement_method_and_frequency() -> None:
    text = render(jcmcalc.calculate(THAI), "markdown")
    row = next(line for line in text.splitlines() if line.startswith("| EG_i,p | (1) BKK-01; "))
    method, frequency = [cell.strip() for cell in row.split(" | ")[-2:]]
    assert method == (
        "electricity meter at the AC output of PV system i (read: methodology summaries); "
        "option C: own measurement with a meter"
    )
    assert frequency.rstrip(" |") == CONTINUOUS
    assert "not declared by the methodology plugin" not in text


def test_source_given_with_a_monitored_value_reaches_the_report(project) -> None:
    path = project(
        HOSTILE.replace(
            '"1000.5 MWh"', '{ value = "1000.5 MWh", source = "meter M-7, monthly log sheets" }'
        )
    )
    result = jcmcalc.calculate(path)
    (value,) = result.inputs.periods[0].values["electricity_generated"].values()
    assert value.source == "meter M-7, monthly log sheets (project.toml periods[1].values.EG_i,p)"
    assert f"| {value.source} (monitored) |" in render(result, "markdown")


def test_markdown_escapes_input_text(project) -> None:
    text = render(jcmcalc.calculate(project(HOSTILE)), "markdown")
    assert "<script>" not in text and "<b>" not in text
    assert "&lt;script&gt;" in text and "&lt;b&gt;bold&lt;/b&gt; &amp; co" in text


def test_report_cli_is_byte_identical_across_runs(cli, tmp_path) -> None:
    outputs = []
    for run in ("a", "b"):
        target = tmp_path / f"{run}.md"
        code, _, err = cli("report", THAI, "--format", "markdown", "-o", target)
        assert code == 0, err
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert b"Generated " not in outputs[0]
    code, out, _ = cli("report", THAI, "--timestamp")
    assert code == 0 and "Generated 20" in out
    assert f"jcmcalc report {THAI.as_posix()} --format markdown" in outputs[0].decode()


def test_report_of_bad_project_exits_2_and_writes_nothing(cli, tmp_path) -> None:
    target = tmp_path / "report.md"
    code, _, err = cli("report", tmp_path / "missing.toml", "-o", target)
    assert code == 2 and "missing.toml" in err
    assert list(tmp_path.iterdir()) == []


def _thai_copy(tmp_path, text: str):
    for name in ("monthly-2024H1.csv", "registers-2024H2.csv"):
        (tmp_path / name).write_bytes((THAI.parent / name).read_bytes())
    path = tmp_path / "project.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_report_of_a_project_with_only_an_estimate_is_the_plan_view(cli, tmp_path) -> None:
    text = THAI.read_text(encoding="utf-8")
    path = _thai_copy(tmp_path, text[: text.index("[[periods]]")])
    code, out, err = cli("report", path)
    assert code == 0, err
    assert "## Summary: expected reductions per year of the crediting period (ex ante" in out
    assert "## Monitoring plan" in out and "| 10 | 2034-01-01 | 2034-12-31 |" in out
    estimate = jcmcalc.estimate(path)
    assert f"| {estimate.total_credits} |" in out


def test_report_sets_ex_post_beside_the_estimate_per_year_and_period(cli, tmp_path) -> None:
    text = THAI.read_text(encoding="utf-8").replace("start = 2025-01-01", "start = 2024-01-01")
    path = _thai_copy(tmp_path, text)
    result, estimate = jcmcalc.calculate(path), jcmcalc.estimate(path)
    code, out, err = cli("report", path)
    assert code == 0, err
    section = out[out.index("## Ex post against the ex-ante estimate") : out.index("## Elig")]
    first = estimate.periods[0]
    # Both periods lie in the estimate's first year (2024, 366 days): all of ER falls in it.
    difference = value_text(result.total_reductions - first.reductions)
    assert (
        f"| 1 | 2024-01-01 | 2024-12-31 | 366 of 366 | {value_text(first.reductions)} | "
        f"{value_text(result.total_reductions)} | {difference} |"
    ) in section
    expected = first.reductions * 182 / 366  # period 1 holds 182 of the year's 366 days
    assert f"| 1 | 2024-01-01 | 2024-06-30 | {value_text(expected)} | " in section
    html = render(result, "html", ex_ante=estimate)
    assert "Emission reductions, ex ante and ex post, per year of the estimate" in html
