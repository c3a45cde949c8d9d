"""The specific-energy family: its records, their labels and worked cases, and the unit slips of
a monthly production report that its plausibility checks name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc.authoring.testing import assert_worked_case, unlabelled

PLUGIN = Path(__file__).resolve().parent.parent
EXAMPLE = PLUGIN / "examples" / "surabaya-occ-line"
WORKED = sorted(p.parent for p in PLUGIN.glob("worked_cases/*/project.toml"))
#: Issue 30 item 3 ids recorded here, with the versions the registry's project list names.
RECORDED = {
    "ID_AM006@2.0",
    "ID_AM012@1.0",
    "ID_AM028@1.0",
    "VN_AM009@1.1",
    "VN_AM014@1.0",
    "LA_AM001@1.0",
}

#: Records the family lists (a plugin that fails to load lists none).
LISTED = len(RECORDED)


def _family() -> dict[str, object]:
    return {
        f"{m.id}@{m.version}": m
        for m in jcmcalc.methodologies()
        if m.about.family == "specific-energy"
    }


def test_the_recorded_versions_are_listed() -> None:
    assert set(_family()) == RECORDED


def test_a_record_whose_text_was_not_read_labels_its_equations() -> None:
    family = _family()
    assert len(family) >= LISTED
    for key, methodology in family.items():
        assert not unlabelled(methodology), (key, unlabelled(methodology))
        for criterion in methodology.criteria:  # no criteria text was read
            assert criterion.confidence.value == "inferred", (key, criterion.id)


@pytest.mark.parametrize("case", WORKED, ids=lambda p: p.name)
def test_worked_case(case: Path) -> None:
    assert_worked_case(case)


def test_one_worked_case_per_version() -> None:
    named = {p.name for p in WORKED}
    for key in _family():
        identifier, version = key.split("@")
        assert f"{identifier.lower()}-v{version.replace('.', '-')}" in named, key


def _example(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "example"
    shutil.copytree(EXAMPLE, folder)
    report = folder / "production-2024.csv"
    text = report.read_text(encoding="utf-8")
    assert old in text
    report.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder / "project.toml"


def _warned(project: Path, text: str) -> list[str]:
    return [w for w in jcmcalc.calculate(project).warnings if text in w]


def test_the_example_has_no_warning_of_plausibility() -> None:
    result = jcmcalc.calculate(EXAMPLE / "project.toml")
    assert not [w for w in result.warnings if "as expected" in w]
    assert result.total_credits == 1809


def test_output_in_kg_under_a_tonne_header_is_named(tmp_path) -> None:
    project = _example(tmp_path, '"Q_PJ,k,p [t]"', '"Q_PJ,k,p [kg]"')
    assert len(_warned(project, "the project line uses no more electricity")) == 4
    project = _example(tmp_path / "2", "[kWh]", "[kWh]")
    report = project.parent / "production-2024.csv"
    lines = report.read_text(encoding="utf-8").splitlines()
    body = []
    for line in lines[1:]:
        date, member, tonnes, kwh = line.split(",")
        body.append(f"{date},{member},{float(tonnes) * 1000:.0f},{kwh}")
    report.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
    slips = _warned(project, "the reference electricity for the output is at most 10 times")
    assert len(slips) == 4 and all("a factor of 1,000)" in w for w in slips)
    capacity = _warned(project, "cannot produce more than its rated output")
    assert len(capacity) == 4 and all("kg written as t?" in w for w in capacity)


def test_electricity_in_kwh_under_a_mwh_header_is_named(tmp_path) -> None:
    project = _example(tmp_path, "[kWh]", "[MWh]")
    slips = _warned(project, "cannot consume more than its rated power")
    assert len(slips) == 4 and all("kWh written as MWh?" in w for w in slips)
