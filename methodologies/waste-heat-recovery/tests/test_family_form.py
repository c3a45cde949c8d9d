"""Tests of WHR_FAMILY, the family's reconstructed form (NOT an approved methodology): the
net-electricity options (supplied, gross minus auxiliary) and co-fired fuel as PE."""

from __future__ import annotations

from fractions import Fraction

import pytest

import jcmcalc
from jcmcalc.model.errors import InputError

DIESEL = '\n[[fuels]]\nid = "diesel"\nfuel = "gas_diesel_oil"\n'
SUPPLY = '"EG_sup,i,p" = "1000 MWh"'


def fuelled(family_project, fuel: str, parameters: str = ""):
    values = f'{SUPPLY}, "FC_j,p" = "{fuel}"'
    return family_project(values, fuels=DIESEL, parameters=parameters)


def test_the_options_are_labelled_as_the_family_form():
    family = jcmcalc.get_methodology("WHR_FAMILY", "1.0")
    assert family.index("i").attributes["net_electricity"] == ("supplied", "gross-minus-aux")
    for symbol in ("EG_gross,i,p", "EC_aux,i,p", "FC_j,p"):
        assert family.parameter(symbol).inferred
    assert "family form only" in family.equation("project_emissions").inferred


def test_co_fired_fuel_counts_with_the_upper_bounds(family_project):
    result = jcmcalc.calculate(fuelled(family_project, "12.5 t"))
    # 12.5 t x 43.3 GJ/t x 0.0748 t/GJ = 541.25 GJ x 0.0748 = 40.4855 tCO2
    assert result.periods[0].project == Fraction("40.4855")
    assert "upper 95 %" in "\n".join(result.provenance["inferred"])


def test_kg_and_t_of_fuel_give_identical_results(family_project):
    tonnes = jcmcalc.calculate(fuelled(family_project, "12.5 t"))
    kilograms = jcmcalc.calculate(fuelled(family_project, "12500 kg"))
    assert tonnes.periods == kilograms.periods


def test_gj_and_tj_calorific_values_give_identical_results(family_project):
    source = 'source = "fuel supplier certificate (test)", override = true'
    one = jcmcalc.calculate(
        fuelled(family_project, "10 t", f'"NCV_j" = {{ value = "42.9 GJ/t", {source} }}')
    )
    other = jcmcalc.calculate(
        fuelled(family_project, "10 t", f'"NCV_j" = {{ value = "0.0429 TJ/t", {source} }}')
    )
    assert one.periods == other.periods
    # 10 t x 42.9 GJ/t x 0.0748 t/GJ = 32.0892 tCO2
    assert one.periods[0].project == Fraction("32.0892")


def test_a_measured_ncv_needs_an_override_with_source(family_project):
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(fuelled(family_project, "10 t", '"NCV_j" = "42.9 GJ/t"'))
    assert error.value.parameter == "NCV_j"
    assert "override" in str(error.value)


def test_a_wrong_dimension_of_fuel_names_the_parameter(family_project):
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(fuelled(family_project, "12 MWh"))
    assert error.value.parameter == "FC_j,p"


def test_a_declared_fuel_needs_its_consumption(family_project):
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(family_project(SUPPLY, fuels=DIESEL))
    assert error.value.parameter == "FC_j,p"


@pytest.mark.parametrize(("option", "net"), [("supplied", 3000), ("gross-minus-aux", 3200 - 150)])
def test_the_option_selects_the_net_electricity_terms(family_project, option, net):
    # Every value given: the system's net_electricity option selects which ones count.
    values = '"EG_sup,i,p" = "3000 MWh", "EG_gross,i,p" = "3200 MWh", "EC_aux,i,p" = "150 MWh"'
    result = jcmcalc.calculate(family_project(values, option=option))
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
def test_values_of_the_option_not_taken_are_not_needed(family_project, option, values, absent):
    result = jcmcalc.calculate(family_project(values, option=option))
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
def test_values_of_the_chosen_option_are_required(family_project, option, values, missing):
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(family_project(values, option=option))
    assert f"parameter {missing}: missing monitored value" in str(error.value)
    assert "period 1" in str(error.value)


def test_auxiliary_consumption_above_gross_is_refused(family_project):
    values = '"EG_gross,i,p" = "100 MWh", "EC_aux,i,p" = "120 MWh"'
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(family_project(values, option="gross-minus-aux"))
    assert "auxiliary" in str(error.value)


def test_co_fired_wood_counts_no_co2_and_says_why(family_project):
    wood = '\n[[fuels]]\nid = "diesel"\nfuel = "wood_wood_waste"\n'
    result = jcmcalc.calculate(
        family_project(f'{SUPPLY}, "FC_j,p" = "12.5 t"', fuels=wood, parameters="")
    )
    assert result.periods[0].project == 0
    assert any("biomass" in w and "IPCC 2006" in w for w in result.warnings)


GROSS_ESTIMATE = """
[methodology]
id = "WHR_FAMILY"
version = "1.0"

[[systems]]
id = "WHR-1"
connection_case = "off-grid"
net_electricity = "gross-minus-aux"
parameters = { "P_rated,i" = "10 MW", "H_op,i" = "7500 h/year" }

[estimate]
start = 2026-01-01
years = 1
values = { "EC_aux,i,p" = "6000 MWh" }
"""


def test_the_family_form_estimates_gross_output_less_the_stated_auxiliaries(tmp_path):
    path = tmp_path / "project.toml"
    path.write_text(GROSS_ESTIMATE, encoding="utf-8")
    [year] = jcmcalc.estimate(path).periods
    # EG_gross = 10 MW x 7,500 h = 75,000 MWh; net = 75,000 - 6,000 = 69,000 MWh;
    # RE = 69,000 x 0.533 (off-grid, best diesel) = 36,777 tCO2
    assert year.reference == Fraction(36777)
