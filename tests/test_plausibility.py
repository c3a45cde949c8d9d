"""Plausibility bounds the methodologies declare (warning checks) and their unit-slip hints."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc.model.errors import InputError

ROOT = Path(__file__).parents[1] / "methodologies"


def copy(tmp_path: Path, example: str) -> Path:
    target = tmp_path / "example"
    shutil.copytree(ROOT / example, target)
    return target / "project.toml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_pv_capacity_is_an_ordinary_parameter_of_estimate_and_calculate() -> None:
    methodology = jcmcalc.get_methodology("TH_AM001", "1.0")
    assert "rated_capacity" in {p.name for p in methodology.parameters}
    assert "rated_capacity" not in {p.name for p in methodology.estimate.parameters}
    result = jcmcalc.calculate(ROOT / "solar-pv/examples/thai-rooftop/project.toml")
    assert result.inputs.fixed["rated_capacity"][("AYA-02",)].value == 1200  # 1.2 MWp in kWp


def test_pv_without_capacity_skips_the_bound(tmp_path: Path) -> None:
    project = copy(tmp_path, "solar-pv/examples/thai-rooftop")
    edit(project, 'rated_capacity = "120 kWp", ', "")
    monthly = project.parent / "monthly-2024H1.csv"
    edit(monthly, "[kWh]", "[MWh]")
    with pytest.raises(InputError, match=r"specific_yield|rated_capacity|P_rated"):
        jcmcalc.estimate(project)  # the estimate needs it
    flagged = [w for w in jcmcalc.calculate(project).warnings if "capacity factor" in w]
    assert len(flagged) == 2 and not [w for w in flagged if "CNX-03" in w]


def test_fgas_mass_above_the_feed_capacity_names_kg_written_as_t(tmp_path: Path) -> None:
    project = copy(tmp_path, "fgas-destruction/examples/vietnam-furnace")
    edit(project, "[parameters]\n", '[parameters]\nfeed_capacity = "5 kg/h"\n')
    assert not [w for w in jcmcalc.calculate(project).warnings if "feed capacity" in w]
    for name in ("cylinders-2025H1.csv", "cylinders-2025H2.csv"):
        edit(project.parent / name, "gross [kg],tare [kg]", "gross [t],tare [t]")
    flagged = [w for w in jcmcalc.calculate(project).warnings if "feed capacity" in w]
    assert len(flagged) == 2 and all("kg written as t?" in w for w in flagged)
    assert flagged[0].startswith("period 1 (2025-01-01 to 2025-06-30): ")


def test_whr_output_beyond_capacity_names_a_unit_slip(tmp_path: Path) -> None:
    project = copy(tmp_path, "waste-heat-recovery/examples/myanmar-cement-whr")
    edit(project, '"EG_sup,i,p" = "27304.6 MWh"', '"EG_sup,i,p" = "27304600 MWh"')
    with pytest.raises(InputError, match=r"capacity x days.*x: kWh written as MWh\?"):
        jcmcalc.calculate(project)


def test_boilers_declare_their_efficiency_expectation() -> None:
    from jcmcalc.model.checks import Severity

    for identifier, version in (("MN_AM002", None), ("ID_AM015", None)):
        methodology = jcmcalc.get_methodology(identifier, version)
        assert any(c.severity is Severity.WARNING for c in methodology.checks)
