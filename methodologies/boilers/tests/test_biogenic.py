"""Biogenic carbon: CO2 from biomass counted as zero through the fuel table's own flag, stated
in the output; a methodology that allows no biomass refuses it naming the criterion (issue 28
item 3)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc.model.errors import InputError

WOOD = """
[project]
name = "wood boiler (test)"

[methodology]
id = "{methodology}"
version = "1.0"

[eligibility]
{eligibility}

[[boilers]]
id = "B1"
{reference}
parameters = {{ "eta_PJ,k" = "0.85", "eta_RE,k" = {{ value = "0.70", source = "test" }} }}

[[fuels]]
id = "wood"
fuel = "wood_wood_waste"

[[periods]]
start = 2024-01-01
end = 2024-12-31
values = {{ "FC_k,j,p" = "1000 t" }}
"""


def _write(tmp_path: Path, methodology: str, reference: str = "", criteria: int = 2) -> Path:
    eligibility = "\n".join(f"C{n} = true" for n in range(1, criteria + 1))
    path = tmp_path / "project.toml"
    text = WOOD.format(methodology=methodology, reference=reference, eligibility=eligibility)
    path.write_text(text, encoding="utf-8")
    return path


def _stated(result: jcmcalc.api.Result) -> list[str]:
    return [w for w in result.warnings if "biomass" in w and "wood" in w]


def test_a_same_fuel_wood_boiler_earns_nothing_and_says_why(tmp_path: Path) -> None:
    result = jcmcalc.calculate(_write(tmp_path, "BOILER_FAMILY_FUEL"))
    period = result.periods[0]
    assert (period.reference, period.project, period.credits) == (0, 0, 0)
    [stated] = _stated(result)
    assert "IPCC 2006" in stated and "not counted" in stated


def test_a_coal_to_wood_switch_earns_the_coal_it_replaces(tmp_path: Path) -> None:
    reference = 'reference_fuel = "other_bituminous_coal"'
    result = jcmcalc.calculate(_write(tmp_path, "BOILER_FAMILY_SWITCH", reference))
    period = result.periods[0]
    # By hand: Q = 1000 t x 7.9 GJ/t (IPCC lower NCV of wood) x 0.85 = 6,715 GJ;
    # RE = 6,715 / 0.70 x 0.0946 t CO2/GJ (IPCC default, other bituminous coal) = 907.484...;
    # PE = 1000 x 7.9 x 0 (biogenic CO2 not counted) = 0.
    assert period.reference == Fraction(6715) / Fraction(7, 10) * Fraction(946, 10000)
    assert period.project == 0
    assert period.credits == 907
    assert _stated(result)


def test_mn_am002_refuses_wood_naming_its_criterion(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        jcmcalc.calculate(_write(tmp_path, "MN_AM002", criteria=5))
    assert "wood_wood_waste" in str(raised.value) and "criterion C1" in str(raised.value)
