"""The worked cases, each computed by hand in its expected.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from jcmcalc.authoring.testing import assert_worked_case, run_worked_case, worked_cases
from jcmcalc.views.report import render

WORKED_CASES = Path(__file__).resolve().parent.parent / "worked_cases"

CASES = worked_cases(WORKED_CASES)


def test_there_are_worked_cases() -> None:
    names = {case.name for case in CASES}
    assert {"blend-r410a-ar5", "non-creditable-hcfc22-ar5", "hfc134a-hcfc22-ar5"} <= names


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


def _step(result, symbol: str):
    return next(step for step in result.trace if step.symbol == symbol)


def test_hfc_credited_and_hcfc_counted_in_project_emissions() -> None:
    """Issue 16: HFC-134a credited, HCFC-22 destroyed but not credited, both in PE."""
    result, _ = run_worked_case(WORKED_CASES / "hfc134a-hcfc22-ar5")
    notices = [w for w in result.warnings if "destroyed but not credited" in w]
    assert len(notices) == 1
    assert "0.2 t of HCFC-22" in notices[0] and "Montreal Protocol" in notices[0]
    assert "PE_conv,p and PE_residual,p" in notices[0]
    assert not [w for w in result.warnings if "HFC-134a" in w]
    reference = _step(result, "RE_p").substituted
    assert "0.15 × 1300 × 1" in reference and "0.2 × 1760 × 0" in reference
    conversion = _step(result, "PE_conv,p").substituted
    residual = _step(result, "PE_residual,p").substituted
    for counted in (conversion, residual):
        assert "0.15 ×" in counted and "0.2 ×" in counted


def test_the_notice_reaches_the_report() -> None:
    result, _ = run_worked_case(WORKED_CASES / "hfc134a-hcfc22-ar5")
    report = render(result, "markdown")
    assert "## Warnings" in report
    assert "HCFC-22 destroyed but not credited" in report
