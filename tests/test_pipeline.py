"""The pipeline: ex ante and ex post resolve through the same steps."""

from __future__ import annotations

from pathlib import Path

import attrs

from jcmcalc import api
from jcmcalc.inputs.resolve import resolve
from jcmcalc.run.estimate import resolve_estimate
from jcmcalc.run.pipeline import load, prepare
from jcmcalc.run.result import Mode

ROOT = Path(__file__).resolve().parent.parent
THAI = ROOT / "methodologies/solar-pv/examples/thai-rooftop/project.toml"


def test_ex_ante_and_ex_post_both_run_the_methodology_notices() -> None:
    project, methodology = load(THAI, api.get_methodology)
    noticed = attrs.evolve(methodology, notices=(lambda inputs: [f"{len(inputs.periods)} seen"],))
    assert "2 seen" in resolve(noticed, project).warnings
    assert "10 seen" in resolve_estimate(noticed, project).warnings


def test_prepare_gives_eligibility_warnings_ex_ante_too(tmp_path: Path) -> None:
    text = THAI.read_text(encoding="utf-8").replace("C1 = true\n", "")
    (tmp_path / "project.toml").write_text(text, encoding="utf-8")
    inputs = prepare(tmp_path / "project.toml", api.get_methodology, mode=Mode.EX_ANTE)
    assert any(w.startswith("eligibility C1") for w in inputs.warnings)
    assert len(inputs.periods) == 10
