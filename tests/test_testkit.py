"""The methodology authors' test kit: quantity assertions, fixtures, conformance."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import attrs
import pytest

from jcmcalc import hookimpl
from jcmcalc.api import get_methodology
from jcmcalc.authoring.conformance import declaration_problems
from jcmcalc.authoring.testing import assert_quantity, edited, unlabelled
from jcmcalc.model.parameters import Confidence, Default
from jcmcalc.model.units import registry
from jcmcalc.plugin import registry as plugins
from tests.conftest import ROOT

SOLAR_PV = ROOT / "methodologies" / "solar-pv"


def test_assert_quantity_is_exact_across_units() -> None:
    assert_quantity("1234.5 MWh", "1234500 kWh")
    with pytest.raises(AssertionError, match="differs from 1234501 kWh"):
        assert_quantity("1234.5 MWh", "1234501 kWh")


def test_assert_quantity_with_tolerances() -> None:
    assert_quantity("18437.7985 t_CO2", "18437.798 t_CO2", tolerance="0.001 t_CO2")
    assert_quantity("18437.7985 t_CO2", "18437.798 t_CO2", tolerance="1e-7")
    with pytest.raises(AssertionError):
        assert_quantity("18437.7985 t_CO2", "18437.798 t_CO2", tolerance="1e-9")


def test_assert_quantity_rejects_another_dimension() -> None:
    with pytest.raises(AssertionError, match="not comparable"):
        assert_quantity("1 MWh", "1 t_CO2")


def test_assert_quantity_takes_trace_steps_and_pint_quantities(jcmcalc_worked_case) -> None:
    result, _ = jcmcalc_worked_case(SOLAR_PV / "worked_cases" / "mongolia-grid")
    reference = next(step for step in result.trace if step.symbol == "RE_p")
    assert_quantity(reference, "18437.798 t_CO2")
    assert_quantity(registry().Quantity(Fraction(3, 2), "MWh"), "1500 kWh")


def test_fresh_manager_takes_a_test_plugin(jcmcalc_manager, jcmcalc_registry) -> None:
    methodology = jcmcalc_registry.get("MN_AM003", "2.0")

    class Plugin:
        @hookimpl
        def jcmcalc_methodologies(self):
            return [methodology]

    registry = plugins.Registry(jcmcalc_manager)
    registry.add(Plugin(), "test", "jcmcalc-test", "0.0")
    assert [m.label for m in registry.methodologies()] == ["MN_AM003 ver 2.0"]


def test_declaration_problems_name_the_missing_unit_and_source(jcmcalc_registry) -> None:
    methodology = jcmcalc_registry.get("TH_AM001", "1.0")
    assert declaration_problems(methodology) == []
    estimate = methodology.estimate
    degradation = next(p for p in estimate.parameters if p.unit == "dimensionless")
    mutated = attrs.evolve(
        methodology,
        estimate=attrs.evolve(
            estimate,
            parameters=tuple(
                attrs.evolve(p, unit="") if p is degradation else p for p in estimate.parameters
            ),
        ),
        parameters=(
            *methodology.parameters,
            attrs.evolve(
                methodology.parameters[0],
                symbol="X_test",
                name="extra",
                description="",
                default=Default("1 MWh", source=""),
            ),
        ),
    )
    found = declaration_problems(mutated)
    assert found == [
        "TH_AM001 ver 1.0: parameter X_test has no description",
        "TH_AM001 ver 1.0: parameter X_test default '1 MWh' has no source",
        f"TH_AM001 ver 1.0: parameter {degradation.symbol} has no unit "
        '(write "dimensionless" for a pure number)',
    ]


def _conformance_run(source: Path) -> subprocess.CompletedProcess[str]:
    """The project's conformance test over the solar PV family imported from ``source``."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(ROOT / "tests" / "test_conformance.py"),
            "-k",
            "test_methodology_conforms",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(source)},  # shadows the installed family
    )


@pytest.fixture
def solar_pv_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "solar-pv"
    shutil.copytree(SOLAR_PV, copy, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return copy


def _mutate(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_copy_of_a_built_in_family_conforms(solar_pv_copy: Path) -> None:
    run = _conformance_run(solar_pv_copy / "src")
    assert run.returncode == 0, run.stdout[-3000:]


def test_removing_a_unit_or_a_source_in_a_family_copy_fails_conformance(
    solar_pv_copy: Path,
) -> None:
    family = solar_pv_copy / "src" / "jcmcalc_solar_pv"
    _mutate(family / "estimate.toml", 'unit = "dimensionless"', 'unit = ""')
    category = family / "category-of-day.methodology.toml"
    described = next(
        line
        for line in category.read_text(encoding="utf-8").splitlines()
        if line.startswith('description = "Reference emission factor of category of day c')
    )
    _mutate(category, described, 'description = ""')
    run = _conformance_run(solar_pv_copy / "src")
    assert run.returncode == 1, run.stdout[-3000:]
    assert "parameter r_deg,i has no unit" in run.stdout
    assert "parameter EF_RE,c has no description" in run.stdout


def test_unlabelled_names_what_a_record_not_read_states_without_a_label() -> None:
    chiller = get_methodology("BD_AM001", "1.0")  # a record whose text was not read
    assert chiller.about.confidence is not Confidence.READ and unlabelled(chiller) == []
    equation, check = chiller.equations[0], chiller.checks[0]
    stripped = attrs.evolve(
        chiller,
        equations=(attrs.evolve(equation, inferred=""), *chiller.equations[1:]),
        checks=(attrs.evolve(check, inferred=""), *chiller.checks[1:]),
    )
    assert unlabelled(stripped) == [f"equation {equation.symbol}", f"check {check.name!r}"]
    read = attrs.evolve(stripped, about=attrs.evolve(stripped.about, confidence=Confidence.READ))
    assert unlabelled(read) == [f"check {check.name!r}"]  # a check is never read in a text


def test_edited_refuses_a_text_the_project_does_not_hold(tmp_path: Path) -> None:
    project = SOLAR_PV / "examples" / "thai-rooftop" / "project.toml"
    changed = edited(tmp_path, project, "years = 10", "years = 3")
    assert "years = 3" in changed.read_text(encoding="utf-8")
    with pytest.raises(AssertionError, match="does not hold 'years = 99'"):
        edited(tmp_path, project, "years = 99", "years = 3")
