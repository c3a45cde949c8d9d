"""Tests of the waste heat recovery plugin: worked cases, examples, unit traps, plausibility."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc import api
from jcmcalc.authoring.testing import assert_worked_case, worked_cases
from jcmcalc.model.errors import EXIT_BAD_INPUT, InputError

ROOT = Path(__file__).resolve().parents[1]
CASES = worked_cases(ROOT / "worked_cases")
EXAMPLES = sorted((ROOT / "examples").glob("*/project.toml"))

HEAD = """
[project]
name = "unit trap"

[methodology]
id = "{id}"
version = "{version}"
"""

MYANMAR = """
[[systems]]
id = "WHR-1"
connection_case = "off-grid"
net_electricity = "{option}"
parameters = {{ "P_rated,i" = "{capacity}" }}

[[periods]]
start = 2022-01-01
end = 2022-01-31
values = {{ {values}, "D_p" = "{days}" }}
"""

FAMILY_FUEL = """
[[systems]]
id = "WHR-1"
connection_case = "off-grid"
net_electricity = "supplied"

[[fuels]]
id = "diesel"
fuel = "gas_diesel_oil"

[parameters]
{parameters}

[[periods]]
start = 2023-01-01
end = 2023-12-31
values = {{ "EG_sup,i,p" = "1000 MWh", "FC_j,p" = "{fuel}" }}
"""


def write(tmp_path: Path, text: str, name: str = "project.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def myanmar(tmp_path: Path, values: str, *, option="supplied", capacity="7.5 MW", days="31 day"):
    body = MYANMAR.format(option=option, capacity=capacity, values=values, days=days)
    return write(tmp_path, HEAD.format(id="MM_AM005", version="1.0") + body)


def family_fuel(tmp_path: Path, fuel: str, parameters: str = "") -> Path:
    body = FAMILY_FUEL.format(fuel=fuel, parameters=parameters)
    return write(tmp_path, HEAD.format(id="WHR_FAMILY", version="1.0") + body)


def test_there_are_enough_worked_cases():
    assert len(CASES) >= 3


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_worked_case(case: Path):
    assert_worked_case(case)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.parent.name for e in EXAMPLES])
def test_example_calculates(example: Path):
    result = jcmcalc.calculate(example)
    assert result.periods
    assert result.total_credits > 0
    assert not result.warnings


def test_jamali_example_uses_the_indonesian_grid_table():
    example = ROOT / "examples" / "jamali-cement-whr" / "project.toml"
    result = jcmcalc.calculate(example)
    factor = result.inputs.fixed["reference_emission_factor"][("WHR-30",)]
    assert factor.value == Fraction("0.619")
    assert factor.origin == "default"
    # Period 2 comes from a kWh CSV: 96,685,670 kWh gross, 7,859,357 kWh auxiliary.
    assert result.periods[1].reference == (Fraction("96685.67") - Fraction("7859.357")) * Fraction(
        "0.619"
    )


def test_methodologies_are_listed():
    found = {(m.id, m.version): m for m in jcmcalc.methodologies()}
    for key in (("MM_AM005", "1.0"), ("ID_AM001", "unknown"), ("WHR_FAMILY", "1.0")):
        assert key in found
        provider = api.registry().provider(found[key])
        assert provider.distribution == "jcmcalc-waste-heat-recovery"
        assert found[key].about.family == "waste-heat-recovery"
    family = found[("WHR_FAMILY", "1.0")]
    assert family.about.status == "family form, not an approved methodology"
    assert "NOT an approved methodology" in family.title
    assert str(family.about.confidence) == "inferred"
    assert found[("MM_AM005", "1.0")].about.approved == "2020-04-20"
    assert found[("ID_AM001", "unknown")].about.approved == ""


def test_inferred_parts_are_labelled():
    result = jcmcalc.calculate(ROOT / "worked_cases" / "myanmar-gross-minus-aux" / "project.toml")
    inferred = "\n".join(result.provenance["inferred"])
    assert "plausibility" in inferred
    assert "upper 95 %" in inferred
    assert "D_p" in inferred


@pytest.mark.parametrize(
    ("megawatt_hours", "kilowatt_hours"),
    [("3000 MWh", "3000000 kWh"), ("2954.321 MWh", "2954321 kWh"), ("0.001 MWh", "1 kWh")],
)
def test_kwh_and_mwh_give_identical_results(tmp_path, megawatt_hours, kilowatt_hours):
    one = jcmcalc.calculate(myanmar(tmp_path, f'"EG_sup,i,p" = "{megawatt_hours}"'))
    other_dir = tmp_path / "kwh"
    other_dir.mkdir()
    other = jcmcalc.calculate(myanmar(other_dir, f'"EG_sup,i,p" = "{kilowatt_hours}"'))
    assert one.periods == other.periods
    assert one.periods[0].reference == Fraction(megawatt_hours.split()[0]) * Fraction("0.533")


def test_kw_and_mw_capacity_give_identical_results(tmp_path):
    one = jcmcalc.calculate(myanmar(tmp_path, '"EG_sup,i,p" = "3000 MWh"', capacity="7.5 MW"))
    other_dir = tmp_path / "kw"
    other_dir.mkdir()
    other = myanmar(other_dir, '"EG_sup,i,p" = "3000 MWh"', capacity="7500 kW")
    assert jcmcalc.calculate(other).periods == one.periods


def test_kg_and_t_of_fuel_give_identical_results(tmp_path):
    tonnes = jcmcalc.calculate(family_fuel(tmp_path, "12.5 t"))
    other_dir = tmp_path / "kg"
    other_dir.mkdir()
    kilograms = jcmcalc.calculate(family_fuel(other_dir, "12500 kg"))
    assert tonnes.periods == kilograms.periods
    # 12.5 t x 43.3 GJ/t x 0.0748 t/GJ = 541.25 GJ x 0.0748 = 40.4855 tCO2
    assert tonnes.periods[0].project == Fraction("40.4855")


def test_gj_and_tj_calorific_values_give_identical_results(tmp_path):
    source = 'source = "fuel supplier certificate (test)", override = true'
    in_gj = f'"NCV_j" = {{ value = "42.9 GJ/t", {source} }}'
    in_tj = f'"NCV_j" = {{ value = "0.0429 TJ/t", {source} }}'
    one = jcmcalc.calculate(family_fuel(tmp_path, "10 t", in_gj))
    other_dir = tmp_path / "tj"
    other_dir.mkdir()
    other = jcmcalc.calculate(family_fuel(other_dir, "10 t", in_tj))
    assert one.periods == other.periods
    # 10 t x 42.9 GJ/t x 0.0748 t/GJ = 32.0892 tCO2
    assert one.periods[0].project == Fraction("32.0892")


def test_a_measured_ncv_needs_an_override_with_source(tmp_path):
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(family_fuel(tmp_path, "10 t", '"NCV_j" = "42.9 GJ/t"'))
    assert error.value.parameter == "NCV_j"
    assert "override" in str(error.value)


@pytest.mark.parametrize(
    ("values", "symbol"),
    [('"EG_sup,i,p" = "3000 t"', "EG_sup,i,p"), ('"EG_sup,i,p" = "3000 MW"', "EG_sup,i,p")],
)
def test_a_wrong_dimension_names_the_parameter(tmp_path, values, symbol):
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(myanmar(tmp_path, values))
    assert error.value.parameter == symbol
    assert symbol in str(error.value)
    assert error.value.exit_code == EXIT_BAD_INPUT


def test_a_wrong_dimension_of_fuel_names_the_parameter(tmp_path):
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(family_fuel(tmp_path, "12 MWh"))
    assert error.value.parameter == "FC_j,p"


def test_a_wrong_dimension_of_days_names_the_parameter(tmp_path):
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(myanmar(tmp_path, '"EG_sup,i,p" = "3000 MWh"', days="31 MWh"))
    assert error.value.parameter == "D_p"


def test_plausibility_breach_names_the_period(tmp_path):
    # 7.5 MW x 24 h x 31 d = 5,580 MWh; 5,580.001 MWh is one kWh too many.
    path = myanmar(tmp_path, '"EG_sup,i,p" = "5580001 kWh"')
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(path)
    message = str(error.value)
    assert "period 1 (2022-01-01 to 2022-01-31)" in message
    assert "WHR-1" in message
    assert error.value.exit_code == EXIT_BAD_INPUT


def test_plausibility_bound_itself_is_allowed(tmp_path):
    result = jcmcalc.calculate(myanmar(tmp_path, '"EG_sup,i,p" = "5580 MWh"'))
    assert result.periods[0].reference == Fraction(5580) * Fraction("0.533")


def test_plausibility_uses_net_electricity(tmp_path):
    # Gross 5,600 MWh exceeds 5,580, but net 5,600 - 40 = 5,560 MWh does not.
    values = '"EG_gross,i,p" = "5600 MWh", "EC_aux,i,p" = "40 MWh"'
    result = jcmcalc.calculate(myanmar(tmp_path, values, option="gross-minus-aux"))
    assert result.periods[0].reference == Fraction(5560) * Fraction("0.533")


@pytest.mark.parametrize(
    ("option", "net"),
    [("supplied", 3000), ("gross-minus-aux", 3200 - 150)],
)
def test_the_option_selects_the_net_electricity_terms(tmp_path, option, net):
    # Every value given: the system's net_electricity option selects which ones count.
    values = '"EG_sup,i,p" = "3000 MWh", "EG_gross,i,p" = "3200 MWh", "EC_aux,i,p" = "150 MWh"'
    result = jcmcalc.calculate(myanmar(tmp_path, values, option=option))
    assert result.periods[0].reference == Fraction(net) * Fraction("0.533")
    step = next(s for s in result.trace if s.symbol == "EG_net,i,p")
    assert step.expression == (
        "select(net_electricity[i]; supplied: EG_sup,i,p; "
        "gross-minus-aux: EG_gross,i,p - EC_aux,i,p)"
    )
    assert step.substituted == ("3000" if option == "supplied" else "(3200 - 150)")
    unused = ("EG_gross,i,p", "EC_aux,i,p") if option == "supplied" else ("EG_sup,i,p",)
    noted = [w for w in result.warnings if "is given but not used" in w]
    assert [w.split(" for ")[0] for w in noted] == list(unused)


@pytest.mark.parametrize(
    ("option", "values", "absent"),
    [
        ("supplied", '"EG_sup,i,p" = "3000 MWh"', ("EG_gross,i,p", "EC_aux,i,p")),
        ("gross-minus-aux", '"EG_gross,i,p" = "100 MWh", "EC_aux,i,p" = "1 MWh"', ("EG_sup,i,p",)),
    ],
)
def test_values_of_the_option_not_taken_are_not_needed(tmp_path, option, values, absent):
    result = jcmcalc.calculate(myanmar(tmp_path, values, option=option))
    rows = [r for r in result.to_dict()["inputs"] if r["symbol"] in absent]
    assert [(r["symbol"], r["value"], r["origin"]) for r in rows] == [
        (symbol, "0", "absent") for symbol in absent
    ]


@pytest.mark.parametrize(
    ("option", "values", "missing"),
    [
        ("supplied", '"EG_gross,i,p" = "0 MWh"', "EG_sup,i,p"),
        ("gross-minus-aux", '"EG_gross,i,p" = "100 MWh"', "EC_aux,i,p"),
        ("gross-minus-aux", '"EC_aux,i,p" = "10 MWh"', "EG_gross,i,p"),
    ],
)
def test_values_of_the_chosen_option_are_required(tmp_path, option, values, missing):
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(myanmar(tmp_path, values, option=option))
    assert f"parameter {missing}: missing monitored value" in str(error.value)
    assert "period 1" in str(error.value)


def test_auxiliary_consumption_above_gross_is_refused(tmp_path):
    values = '"EG_gross,i,p" = "100 MWh", "EC_aux,i,p" = "120 MWh"'
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(myanmar(tmp_path, values, option="gross-minus-aux"))
    assert "auxiliary" in str(error.value)


def test_no_fuels_means_no_project_emissions(tmp_path):
    result = jcmcalc.calculate(myanmar(tmp_path, '"EG_sup,i,p" = "3000 MWh"'))
    assert result.periods[0].project == 0


def test_a_declared_fuel_needs_its_consumption(tmp_path):
    path = family_fuel(tmp_path, "1 t")
    path.write_text(path.read_text().replace(', "FC_j,p" = "1 t"', ""), encoding="utf-8")
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(path)
    assert error.value.parameter == "FC_j,p"


def test_myanmar_grid_factor_must_come_with_its_source(tmp_path):
    path = myanmar(tmp_path, '"EG_sup,i,p" = "3000 MWh"')
    path.write_text(path.read_text().replace('"off-grid"', '"grid"'), encoding="utf-8")
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(path)
    assert error.value.parameter == "EF_RE,i"
