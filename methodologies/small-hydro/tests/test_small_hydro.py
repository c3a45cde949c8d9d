"""The small hydro family: records, worked cases, the example, the rehabilitation rule (only the
increase over the historical output counts) and the plausibility checks."""

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
RECORDS = {"ID_AM019", "ID_AM021", "KE_AM001", "PH_AM001"}
REHABILITATION = ROOT / "worked_cases" / "indonesia-rehabilitation" / "project.toml"
KENYA = ROOT / "worked_cases" / "kenya-off-grid-micro-hydro" / "project.toml"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_worked_case(case: Path) -> None:
    assert_worked_case(case)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.parent.name for e in EXAMPLES])
def test_example_calculates_and_estimates(example: Path) -> None:
    assert_example(example)


def test_every_record_is_listed_with_version_and_has_a_worked_case() -> None:
    listed = {(m.id, m.version) for m in jcmcalc.methodologies() if m.about.family == "small-hydro"}
    assert listed == {(identifier, "1.0") for identifier in RECORDS}
    cased = {
        api.load_project(case / "project.toml", require_periods=False)[0].methodology_id
        for case in CASES
    }
    assert cased == RECORDS


def test_records_whose_text_was_not_read_are_labelled_inferred() -> None:
    for identifier in RECORDS:
        record = jcmcalc.get_methodology(identifier, "1.0")
        assert record.about.confidence.value == "inferred"
        assert all(e.inferred for e in record.equations if e.symbol in ("RE_p", "PE_p"))


def test_rehabilitation_counts_only_the_increase_over_the_historical_output(tmp_path) -> None:
    # with a historical output of zero the whole net output of period 1 would count
    path = edited(tmp_path, REHABILITATION, 'value = "18250 MWh"', 'value = "0 MWh"')
    assert jcmcalc.calculate(path).periods[0].reference == Fraction(12240) * Fraction("0.458")
    # the dry half-year, below the baseline, counts zero rather than a negative figure
    assert jcmcalc.calculate(REHABILITATION).periods[1].reference == 0


def test_rehabilitation_baseline_needs_its_source(tmp_path) -> None:
    path = edited(
        tmp_path,
        REHABILITATION,
        'historical_net_output = { value = "18250 MWh", source = "illustrative: average annual '
        "net output of the three years before the rehabilitation (plant records in a real "
        'project)" }',
        'historical_net_output = "18250 MWh"',
    )
    assert main(["calculate", str(path)]) == 2


def test_generation_in_kwh_under_mwh_is_named_and_strict_refuses(tmp_path) -> None:
    path = edited(tmp_path, KENYA, 'MH-1 = "96.4 MWh"', 'MH-1 = "96400 MWh"')
    [warning] = [w for w in jcmcalc.calculate(path).warnings if "rated capacity" in w]
    assert "MH-1" in warning and "kWh written as MWh?" in warning
    assert main(["calculate", str(path), "--strict"]) == 2
