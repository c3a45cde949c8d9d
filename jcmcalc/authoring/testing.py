"""Test kit for methodology authors: worked cases as fixtures, quantities compared exactly.

A worked case is a folder holding ``project.toml`` (a project file) and ``expected.toml``::

    # every figure computed by hand in these comments, not by running jcmcalc
    description = "23,134 MWh at 0.797 tCO2/MWh"
    mode = "ex post"            # or "ex ante" for jcmcalc estimate
    tolerance = "0"             # absolute, tCO2; credits always match exactly

    [[periods]]
    reference_emissions_tco2 = "18437.798"
    project_emissions_tco2 = "0"
    emission_reductions_tco2 = "18437.798"
    credits = 18437

    [totals]
    credits = 18437
"""

from __future__ import annotations

import tomllib
from fractions import Fraction
from pathlib import Path

from jcmcalc.api import calculate, estimate
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.parameters import Confidence
from jcmcalc.model.units import conversion_factor, dimensionality, split_quantity
from jcmcalc.plugin.samples import Sample
from jcmcalc.run.result import Mode, Result

QUANTITIES = ("reference_emissions_tco2", "project_emissions_tco2", "emission_reductions_tco2")


def worked_cases(folder: str | Path) -> list[Path]:
    """Every worked-case folder below ``folder`` (those holding an ``expected.toml``)."""
    return sorted(path.parent for path in Path(folder).glob("*/expected.toml"))


def run_worked_case(case: str | Path) -> tuple[Result, dict]:
    """Calculate a worked case; returns the result and the parsed expectations."""
    case = Path(case)
    expected = tomllib.loads((case / "expected.toml").read_text(encoding="utf-8"))
    run = estimate if Mode(expected.get("mode", Mode.EX_POST)) is Mode.EX_ANTE else calculate
    return run(case / "project.toml"), expected


def run_sample(sample: Sample) -> tuple[Result, dict]:
    """Calculate a shipped example or worked case: the result and the expectations (none for an
    example)."""
    if sample.worked:
        return run_worked_case(sample.folder)
    return calculate(sample.project), {}


def assert_worked_case(case: str | Path) -> None:
    """Fail with a readable message where the result differs from ``expected.toml``."""
    result, expected = run_worked_case(case)
    tolerance = Fraction(expected.get("tolerance", "0"))
    periods = expected.get("periods", [])
    assert len(periods) == len(result.periods), (
        f"{case}: {len(result.periods)} periods, expected {len(periods)}"
    )
    for number, (want, got) in enumerate(zip(periods, result.periods, strict=True), start=1):
        values = {
            "reference_emissions_tco2": got.reference,
            "project_emissions_tco2": got.project,
            "emission_reductions_tco2": got.reductions,
        }
        for quantity in QUANTITIES:
            if quantity in want:
                difference = abs(values[quantity] - Fraction(want[quantity]))
                assert difference <= tolerance, (
                    f"{case}: period {number} {quantity} is {decimal_text(values[quantity], 9)}, "
                    f"expected {want[quantity]}"
                )
        assert got.credits == want["credits"], (
            f"{case}: period {number} credits {got.credits}, expected {want['credits']}"
        )
    totals = expected.get("totals", {})
    if "credits" in totals:
        assert result.total_credits == totals["credits"], (
            f"{case}: total credits {result.total_credits}, expected {totals['credits']}"
        )


def _magnitude_and_unit(quantity: object) -> tuple[Fraction, str]:
    """``"1.5 MWh"``, a pint quantity, or an object with ``value`` and ``unit`` (a trace step)."""
    if isinstance(quantity, str):
        return split_quantity(quantity)
    if hasattr(quantity, "magnitude") and hasattr(quantity, "units"):
        return Fraction(str(quantity.magnitude)), str(quantity.units)
    return Fraction(quantity.value), str(quantity.unit)  # type: ignore[attr-defined]


def assert_quantity(actual: object, expected: str, *, tolerance: str = "0") -> None:
    """Assert that ``actual`` equals ``expected`` (``"18437.798 t_CO2"``) in any unit of the
    same dimension: exactly by default; within ``tolerance``, absolute when it has a unit
    (``"0.001 t_CO2"``), relative when it is a bare number (``"1e-9"``).
    """
    value, unit = _magnitude_and_unit(actual)
    want, want_unit = split_quantity(expected)
    try:
        value *= conversion_factor(unit or "dimensionless", want_unit or "dimensionless")
    except Exception:
        raise AssertionError(
            f"{actual!r} ({dimensionality(unit or 'dimensionless')}) is not comparable with "
            f"{expected} ({dimensionality(want_unit or 'dimensionless')})"
        ) from None
    limit, limit_unit = split_quantity(tolerance)
    if limit_unit:
        limit *= conversion_factor(limit_unit, want_unit or "dimensionless")
    else:
        limit *= abs(want)
    assert abs(value - want) <= limit, (
        f"{decimal_text(value, 9)} {want_unit} (from {actual!r}) differs from {expected} "
        f"by more than {tolerance}"
    )


def assert_example(project: str | Path) -> None:
    """A shipped example earns credits with no warning, and its ``[estimate]`` estimates some."""
    result = calculate(project)
    assert result.total_credits > 0 and not result.warnings, result.warnings
    assert estimate(project).total_credits > 0


def unlabelled(methodology: Methodology) -> list[str]:
    """What a methodology of jcmcalc's own making states without its label: the equations of a
    record whose text was not read, and every check and estimate equation (none is read in a
    methodology text) not marked inferred; empty when each is labelled."""
    read = methodology.about.confidence is Confidence.READ
    estimate_equations = methodology.estimate.equations if methodology.estimate else ()
    found = [f"equation {e.symbol}" for e in methodology.equations if not (read or e.inferred)]
    found += [f"check {c.name!r}" for c in methodology.checks if not c.inferred]
    return found + [f"estimate {e.symbol}" for e in estimate_equations if not e.inferred]


def edited(folder: Path, project: Path, old: str, new: str) -> Path:
    """``project`` written to ``folder`` with the text ``old`` (which it must hold) replaced."""
    text = project.read_text(encoding="utf-8")
    assert old in text, f"{project} does not hold {old!r}"
    path = folder / "project.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path
