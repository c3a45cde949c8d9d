"""The trace's substituted text is written when an output reads it, not for a table: complete
in the JSON, the Markdown report and the trace DataFrame, never written by the table output."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from jcmcalc import api
from jcmcalc.model.expressions.trace import Deferred
from jcmcalc.views import formatting
from jcmcalc.views.report import render

SYSTEMS = 300


def many(tmp_path: Path) -> Path:
    """A TH_AM001 project of ``SYSTEMS`` off-grid systems, each with its own output."""
    systems = "".join(
        f'[[systems]]\nid = "PV-{n:03}"\nconnection_case = "off-grid"\n\n' for n in range(SYSTEMS)
    )
    project = tmp_path / "project.toml"
    project.write_text(
        '[methodology]\nid = "TH_AM001"\nversion = "3.0"\n\n'
        "[eligibility]\nC1 = true\nC2 = true\nC3 = true\n\n"
        '[[periods]]\nstart = 2024-01-01\nend = 2024-12-31\ndata = "output.csv"\n\n' + systems,
        encoding="utf-8",
    )
    rows = "".join(f"PV-{n:03},{1000 + n}.25\n" for n in range(SYSTEMS))
    (tmp_path / "output.csv").write_text('system,"EG_i,p [MWh]"\n' + rows, encoding="utf-8")
    return project


def reference_step(result):
    return next(step for step in result.trace if step.symbol == "RE_p")


def test_a_table_output_writes_no_trace_text(tmp_path: Path) -> None:
    result = api.calculate(many(tmp_path))
    formatting.result_text(result)
    assert all(isinstance(step.text, Deferred) for step in result.trace)
    assert all(step.text._make is not None for step in result.trace), "written for a table"


def test_the_trace_text_is_complete_when_asked_for(tmp_path: Path) -> None:
    result = api.calculate(many(tmp_path))
    text = reference_step(result).substituted
    assert text.count("0.533") == SYSTEMS
    assert all(f"{1000 + n}.25" in text for n in range(SYSTEMS))
    written = json.loads(result.to_json())["trace"]
    assert next(s for s in written if s["symbol"] == "RE_p")["substituted"] == text
    assert f"RE_p = {text}" in render(result, "markdown")
    frame = result.to_dataframe("trace")
    assert frame.loc[frame["symbol"] == "RE_p", "substituted"].iloc[0] == text


def test_a_deferred_text_is_its_text(tmp_path: Path) -> None:
    result = api.calculate(many(tmp_path))
    step = reference_step(result)
    again = reference_step(api.calculate(tmp_path / "project.toml"))
    assert step == again and step.text == step.substituted and hash(step.text) == hash(again.text)
    assert pickle.loads(pickle.dumps(step)).substituted == step.substituted
