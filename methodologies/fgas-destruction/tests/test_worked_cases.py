"""The worked cases, each computed by hand in its expected.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from jcmcalc.authoring.testing import assert_worked_case, run_worked_case, worked_cases

WORKED_CASES = Path(__file__).resolve().parent.parent / "worked_cases"

CASES = worked_cases(WORKED_CASES)


def test_there_are_worked_cases() -> None:
    names = {case.name for case in CASES}
    assert {"blend-r410a-ar5", "non-creditable-hcfc22-ar5", "ods-credited-ar4"} <= names


@pytest.mark.parametrize("case", CASES, ids=lambda path: Path(path).name)
def test_worked_case(case: Path) -> None:
    assert_worked_case(case)


def test_non_creditable_species_is_reported_not_credited() -> None:
    result, _ = run_worked_case(WORKED_CASES / "non-creditable-hcfc22-ar5")
    notices = [w for w in result.warnings if "not creditable" in w]
    assert len(notices) == 1
    assert "HCFC-22" in notices[0] and "0.5 t" in notices[0]
    assert "FGAS_DESTRUCTION_AR5" in notices[0]
    reference = next(step for step in result.trace if step.symbol == "RE_p")
    assert "0.5 × 1760 × 0" in reference.substituted


def test_same_gas_is_credited_under_the_ar4_record() -> None:
    result, _ = run_worked_case(WORKED_CASES / "ods-credited-ar4")
    assert not [w for w in result.warnings if "not creditable" in w]
    tables = {table["name"] for table in result.provenance["default_tables"]}
    assert "GWP-100 IPCC AR4" in tables and "GWP-100 IPCC AR5" not in tables
