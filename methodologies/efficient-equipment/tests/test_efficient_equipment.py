"""The efficient-equipment family: every registry id and version it names is listed, each record
labels what it did not read, and the plausibility checks name the unit slips of a meter export."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc.authoring.testing import assert_worked_case, unlabelled
from jcmcalc.model.errors import InputError

PLUGIN = Path(__file__).resolve().parent.parent
EXAMPLE = PLUGIN / "examples" / "jakarta-mall-chillers"
WORKED = sorted(p.parent for p in PLUGIN.glob("worked_cases/*/project.toml"))
#: Issue 30 item 2, with the versions the registry's project list names.
REGISTRY = {
    "ID_AM002": {"1.0", "2.0"},
    "ID_AM003": {"1.0"},
    "ID_AM004": {"2.0"},
    "ID_AM008": {"2.0"},
    "ID_AM010": {"1.0"},
    "ID_AM022": {"1.0"},
    "TH_AM003": {"1.0"},
    "TH_AM005": {"2.0", "3.0"},
    "TH_AM006": {"1.0"},
    "TH_AM008": {"1.0"},
    "TH_AM011": {"1.0"},
    "TH_AM013": {"1.0"},
    "BD_AM001": {"1.0", "2.0"},
    "KH_AM003": {"1.0"},
    "CR_AM002": {"1.0"},
    "MM_AM002": {"1.0"},
    "VN_AM002": {"1.0"},
    "VN_AM006": {"1.0"},
    "ID_AM005": {"2.0"},
    "ID_AM018": {"1.0"},
    "ID_AM020": {"1.0"},
    "KH_AM001": {"1.0"},
    "TH_AM016": {"1.0"},
    "VN_AM008": {"1.0"},
    "ID_AM011": {"1.0"},
    "TH_AM004": {"1.0"},
    "BD_AM003": {"1.0"},
    "KH_AM005": {"1.0"},
    "VN_AM013": {"1.0"},
    "TH_AM002": {"2.0"},
    "CR_AM003": {"1.0"},
    # issue 30 item 3 ids whose read summary is an efficiency ratio
    "SA_AM001": {"1.0"},
    "ID_AM009": {"1.0", "3.0"},
    "VN_AM003": {"1.0"},
}

#: Records the family lists (a plugin that fails to load lists none).
LISTED = 38


def _family() -> dict[str, object]:
    return {
        f"{m.id}@{m.version}": m
        for m in jcmcalc.methodologies()
        if m.about.family == "efficient-equipment"
    }


def test_every_registry_version_is_listed() -> None:
    listed = _family()
    wanted = {f"{i}@{v}" for i, versions in REGISTRY.items() for v in versions}
    assert wanted <= set(listed), sorted(wanted - set(listed))


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
    meters = folder / "meters-2024.csv"
    text = meters.read_text(encoding="utf-8")
    assert old in text
    meters.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder / "project.toml"


def test_kwh_exported_under_a_mwh_header_is_named(tmp_path) -> None:
    result = jcmcalc.calculate(_example(tmp_path, "[kWh]", "[MWh]"))
    slips = [w for w in result.warnings if "cannot consume more than its rated power" in w]
    assert len(slips) == 6  # three chillers, two periods
    assert all("kWh written as MWh?" in w for w in slips)


def test_mwh_exported_under_a_kwh_header_is_named(tmp_path) -> None:
    project = _example(tmp_path, "[kWh]", "[MWh]")
    meters = project.parent / "meters-2024.csv"
    lines = meters.read_text(encoding="utf-8").splitlines()
    rows = [line.rsplit(",", 1) for line in lines[1:]]
    body = [f"{head},{float(value) / 1000:.4f}" for head, value in rows]
    meters.write_text("\n".join([lines[0].replace("[MWh]", "[kWh]"), *body]) + "\n")
    result = jcmcalc.calculate(project)
    slips = [w for w in result.warnings if "more than 0.1 % of its rated power" in w]
    assert len(slips) == 6


def test_the_example_has_no_warning_of_plausibility() -> None:
    result = jcmcalc.calculate(EXAMPLE / "project.toml")
    assert not [w for w in result.warnings if "check" in w and "fails" in w]
    assert result.total_credits == 599


def test_a_cop_in_kw_per_rt_is_named(tmp_path) -> None:
    project = _example(tmp_path, "[kWh]", "[kWh]")
    text = project.read_text(encoding="utf-8").replace('value = "6.3"', 'value = "0.56"', 1)
    project.write_text(text, encoding="utf-8")
    result = jcmcalc.calculate(project)
    assert any("below 1.5 (COP_min)" in w and "CH-1" in w for w in result.warnings)


def test_a_reference_cop_without_its_source_is_refused(tmp_path) -> None:
    project = _example(tmp_path, "[kWh]", "[kWh]")
    text = project.read_text(encoding="utf-8")
    old = (
        'reference_cop = { value = "5.2", '
        'source = "illustrative reference COP, not read from ID_AM002\'s table" }'
    )
    assert old in text
    project.write_text(text.replace(old, 'reference_cop = "5.2"', 1), encoding="utf-8")
    with pytest.raises(InputError, match="source"):
        jcmcalc.calculate(project)
