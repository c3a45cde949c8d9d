"""The gas cogeneration family: TH_AM009 (summary read), ID_AM016 and ID_AM023 (texts not read):
records, worked cases, the example, the sourced reference boiler and chiller, and the checks."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc import api
from jcmcalc.authoring.testing import assert_example, assert_worked_case, edited, worked_cases
from jcmcalc.cli import main

ROOT = Path(__file__).resolve().parents[1]
CASES = worked_cases(ROOT / "worked_cases")
EXAMPLES = sorted((ROOT / "examples").glob("*/project.toml"))
RECORDS = {("TH_AM009", "1.0"), ("ID_AM016", "1.0"), ("ID_AM023", "1.0"), ("ID_AM023", "1.1")}
THAI = ROOT / "worked_cases" / "thai-cgs-factory" / "project.toml"
CHILLER = ROOT / "worked_cases" / "indonesia-cgs-absorption-chiller" / "project.toml"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_worked_case(case: Path) -> None:
    assert_worked_case(case)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.parent.name for e in EXAMPLES])
def test_example_calculates_and_estimates(example: Path) -> None:
    assert_example(example)


def test_every_record_is_listed_with_its_versions_and_has_a_worked_case() -> None:
    family = [m for m in jcmcalc.methodologies() if m.about.family == "gas-cogeneration"]
    assert {(m.id, m.version) for m in family} == RECORDS
    cased = set()
    for case in CASES:
        project = api.load_project(case / "project.toml", require_periods=False)[0]
        cased.add((project.methodology_id, project.methodology_version))
    assert cased == RECORDS


def test_read_summary_keeps_its_reconstructed_equations_labelled() -> None:
    record = jcmcalc.get_methodology("TH_AM009", "1.0")
    assert record.about.confidence.value == "read"
    assert record.about.source.endswith("th-jp/methodologies/90")
    assert all(e.inferred for e in record.equations)
    assert all(e.inferred for e in record.estimate.equations)
    assert jcmcalc.get_methodology("ID_AM016", "1.0").about.confidence.value == "inferred"


def test_absorption_cooling_counts_as_a_reference_electric_chiller(tmp_path) -> None:
    without = edited(tmp_path, CHILLER, '"C_r,p" = "19800 GJ"', '"C_r,p" = "0 GJ"')
    cooling = jcmcalc.calculate(CHILLER).periods[0].reference
    assert cooling - jcmcalc.calculate(without).periods[0].reference == Fraction(1000) * Fraction(
        "0.619"
    )


def test_reference_boiler_efficiency_needs_its_source(tmp_path) -> None:
    old = (
        'reference_boiler_efficiency = { value = "0.9", source = "illustrative value for this '
        'worked case, not read from TH_AM009" }'
    )
    path = edited(tmp_path, THAI, old, 'reference_boiler_efficiency = "0.9"')
    assert main(["calculate", str(path)]) == 2


def test_electricity_in_kwh_under_mwh_is_named_and_strict_refuses(tmp_path) -> None:
    path = edited(tmp_path, THAI, '"EC_r,p" = "7800 MWh"', '"EC_r,p" = "7800000 MWh"')
    warnings = [w for w in jcmcalc.calculate(path).warnings if "kWh written as MWh?" in w]
    assert warnings and any("rated output" in w or "gas" in w for w in warnings)
    assert main(["calculate", str(path), "--strict"]) == 2
