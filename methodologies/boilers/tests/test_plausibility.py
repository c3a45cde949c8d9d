"""Boiler plausibility: fuel energy within rated heat input x hours, heat output within the
fuel energy, each breach a named warning with the likely unit slip (issue 28 item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

import jcmcalc
from jcmcalc.cli import main

ONCE_THROUGH = """
[project]
name = "Once-through boiler (plausibility test)"
country = "ID"

[methodology]
id = "ID_AM015"
version = "1.0"

[eligibility]
C1 = true
C2 = true

[[boilers]]
id = "OTB-1"
[boilers.parameters]
"eta_PJ,k" = "0.95"
"eta_RE,k" = {{ value = "0.80", source = "test" }}
"HI_rated,k" = "5 MW"

[[fuels]]
id = "F"
fuel = "{fuel}"

[[periods]]
start = 2025-07-01
end = 2025-09-30
data = "fuel.csv"
"""
#: Monthly fuel of a 5 MW boiler at about 60 % load, as written in each test's [t] column.
MONTHS = ("2025-07-31", "2025-08-31", "2025-09-30")


def _project(tmp_path: Path, fuel: str, readings: tuple[str, str, str]) -> Path:
    (tmp_path / "project.toml").write_text(ONCE_THROUGH.format(fuel=fuel), encoding="utf-8")
    rows = [f"{day},OTB-1,F,{value}" for day, value in zip(MONTHS, readings, strict=True)]
    text = "\n".join(["date,boiler,fuel,fuel_consumption [t]", *rows]) + "\n"
    (tmp_path / "fuel.csv").write_text(text, encoding="utf-8")
    return tmp_path / "project.toml"


def _capacity_warnings(result: jcmcalc.api.Result) -> list[str]:
    return [w for w in result.warnings if "rated heat input" in w]


def test_fuel_within_rated_heat_input_gives_no_warning(tmp_path: Path) -> None:
    path = _project(tmp_path, "residual_fuel_oil", ("200", "205", "195"))
    assert not _capacity_warnings(jcmcalc.calculate(path))


def test_kg_under_a_t_header_is_named_with_its_factor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _project(tmp_path, "residual_fuel_oil", ("200000", "205000", "195000"))
    result = jcmcalc.calculate(path)
    [warning] = _capacity_warnings(result)
    assert "OTB-1" in warning and "x: " in warning
    assert "kg written as t" in warning and "1,000x" in warning
    assert main(["calculate", str(path)]) == 0
    assert "rated heat input" in capsys.readouterr().err


def test_nm3_under_a_t_header_names_the_heating_value_basis(tmp_path: Path) -> None:
    path = _project(tmp_path, "natural_gas", ("300000", "310000", "290000"))
    [warning] = _capacity_warnings(jcmcalc.calculate(path))
    assert "Nm3" in warning and "per tonne" in warning


def test_without_a_rated_heat_input_the_check_asks_for_it(tmp_path: Path) -> None:
    path = _project(tmp_path, "residual_fuel_oil", ("200000", "205000", "195000"))
    path.write_text(path.read_text().replace('"HI_rated,k" = "5 MW"', ""))
    (warning,) = _capacity_warnings(jcmcalc.calculate(path))
    assert "HI_rated,k for boiler 'OTB-1' (rated heat input) is not given" in warning
    assert "'rated heat input' cannot be judged" in warning


HEAT_METERED = """
[methodology]
id = "BOILER_FAMILY_HEAT"
version = "1.0"

[eligibility]
C1 = true
C2 = true
C3 = true

[[boilers]]
id = "B1"
reference_fuel = "natural_gas"
parameters = {{ "eta_RE,k" = {{ value = "0.80", source = "test" }} }}

[[fuels]]
id = "F"
fuel = "natural_gas"

[[periods]]
start = 2025-01-01
end = 2025-12-31
values = {{ "FC_k,j,p" = "1000 t", "Q_HM,k,p" = "{heat}" }}
"""


def test_heat_output_above_the_fuel_energy_warns(tmp_path: Path) -> None:
    path = tmp_path / "project.toml"
    path.write_text(HEAT_METERED.format(heat="40000 GJ"), encoding="utf-8")
    assert not [w for w in jcmcalc.calculate(path).warnings if "fuel energy" in w]
    path.write_text(HEAT_METERED.format(heat="40000000 GJ"), encoding="utf-8")
    [warning] = [w for w in jcmcalc.calculate(path).warnings if "fuel energy" in w]
    assert "B1" in warning and "MJ written as GJ" in warning


def test_heat_output_far_below_the_fuel_energy_warns(tmp_path: Path) -> None:
    path = tmp_path / "project.toml"
    path.write_text(HEAT_METERED.format(heat="40 GJ"), encoding="utf-8")
    [warning] = [w for w in jcmcalc.calculate(path).warnings if "lowest plausible" in w]
    assert "B1" in warning and "GJ written as MJ" in warning
    path.write_text(HEAT_METERED.format(heat="0 GJ").replace('"1000 t"', '"0 t"'), "utf-8")
    assert not [w for w in jcmcalc.calculate(path).warnings if "lowest plausible" in w]
