"""Monitoring reports: content of the MRS, escaping of input text, byte-identical output."""

from __future__ import annotations

import pytest

import jcmcalc
from jcmcalc.model.parameters import CONTINUOUS, Kind
from jcmcalc.views.report import render
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
def test_markdown_report_of_every_example_follows_the_mrs(example) -> None:
    result = jcmcalc.calculate(example)
    text = render(result, "markdown")
    assert "## Parameters fixed ex ante" in text
    for period in result.periods:
        assert f"## Period {period.number}: {period.start} to {period.end}" in text
    assert "| monitoring point | symbol | description | value | unit | monitoring option |" in text
    for step in result.trace:
        assert f"- substituted: `{step.symbol} = {step.substituted}`" in text
    assert result.table_rows()[-1][-1] == str(result.total_credits)
    assert f"| {result.total_credits} |" in text
    assert result.provenance["inputs_sha256"] in text
    assert "## How to reproduce" in text and "jcmcalc calculate" in text
    for note in result.provenance["inferred"]:
        assert note.replace("<", "&lt;") in text


def test_fixed_values_show_default_or_project_with_source() -> None:
    text = render(jcmcalc.calculate(THAI), "markdown")
    assert "| EF_RE,i | i = CNX-03 |" in text
    assert "methodology default [inferred] | JCM best diesel generator factor" in text
    assert "given by the project | illustrative example value, not read from TH_AM001" in text


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
    row = next(line for line in text.splitlines() if line.startswith("| i = CNX-03 | EG_i,p |"))
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
