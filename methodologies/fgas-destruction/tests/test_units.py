"""Units: exact conversions, and inputs of the wrong dimension named by their parameter."""

from __future__ import annotations

from fractions import Fraction

import pytest

import jcmcalc
from jcmcalc.model.errors import InputError

MASSES = '"W_k,p" = { "HFC-134a" = "250 kg" }, "FC_j,p" = { LPG = "0.15 t" }'


def test_kwh_and_mwh_give_the_same_result(fgas_project) -> None:
    in_kwh = fgas_project(values=f'{MASSES}, "EC_p" = "12345.6 kWh"', folder="kwh")
    in_mwh = fgas_project(values=f'{MASSES}, "EC_p" = "12.3456 MWh"', folder="mwh")
    a, b = jcmcalc.calculate(in_kwh), jcmcalc.calculate(in_mwh)
    assert a.periods == b.periods
    energy = next(step for step in a.trace if step.symbol == "PE_energy,p")
    # 12.3456 MWh x 0.5 + 0.15 t x 52.2 GJ/t x 0.0656 t/GJ = 6.1728 + 0.513648
    assert energy.value == Fraction("6.686448")


def test_kg_and_t_in_the_project_file_give_the_same_result(fgas_project) -> None:
    in_kg = fgas_project(
        values='"W_k,p" = { "HFC-32" = "1234.5 kg" }, "EC_p" = "1 MWh", '
        '"FC_j,p" = { LPG = "150 kg" }',
        folder="kg",
    )
    in_t = fgas_project(
        values='"W_k,p" = { "HFC-32" = "1.2345 t" }, "EC_p" = "1 MWh", '
        '"FC_j,p" = { LPG = "0.15 t" }',
        folder="t",
    )
    assert jcmcalc.calculate(in_kg).periods == jcmcalc.calculate(in_t).periods


@pytest.mark.parametrize(
    ("values", "parameter"),
    [
        (f'{MASSES}, "EC_p" = "12 t"', "EC_p"),
        ('"W_k,p" = { "HFC-32" = "5 MWh" }, "EC_p" = "1 MWh", "FC_j,p" = { LPG = "0 t" }', "W_k,p"),
        ('"EC_p" = "1 MWh", "FC_j,p" = { LPG = "2 kL" }', "FC_j,p"),
        (
            '"W_k,p" = { "HFC-32" = "5 t_CO2" }, "EC_p" = "1 MWh", "FC_j,p" = { LPG = "0 t" }',
            "W_k,p",
        ),
        (f'{MASSES}, "EC_p" = "12"', "EC_p"),
    ],
)
def test_wrong_dimension_names_the_parameter(fgas_project, values: str, parameter: str) -> None:
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(fgas_project(values=values))
    assert error.value.parameter == parameter


def test_unknown_species_in_the_project_file(fgas_project) -> None:
    values = '"W_k,p" = { "R-22" = "5 t" }, "EC_p" = "1 MWh", "FC_j,p" = { LPG = "0 t" }'
    with pytest.raises(InputError, match="unknown species 'R-22'") as error:
        jcmcalc.calculate(fgas_project(values=values))
    assert error.value.parameter == "W_k,p"


def test_gwp_set_is_the_records_and_an_override_is_visible(fgas_project, tmp_path) -> None:
    path = fgas_project(values=f'{MASSES}, "EC_p" = "1 MWh"')
    text = path.read_text(encoding="utf-8").replace(
        "[parameters]\n",
        '[parameters]\nGWP_k = { "HFC-134a" = { value = "1430 t_CO2e/t", override = true, '
        'source = "AR4 value" } }\n',
    )
    path.write_text(text, encoding="utf-8")
    result = jcmcalc.calculate(path)
    assert any("GWP_k" in w and "override" in w and "1300" in w for w in result.warnings)
    silent = path.read_text(encoding="utf-8").replace(", override = true", "")
    path.write_text(silent, encoding="utf-8")
    with pytest.raises(InputError, match="differs from the methodology default"):
        jcmcalc.calculate(path)


def test_destruction_efficiency_default_and_bounds(fgas_project) -> None:
    path = fgas_project(values=f'{MASSES}, "EC_p" = "1 MWh"')
    result = jcmcalc.calculate(path)
    residual = next(step for step in result.trace if step.symbol == "PE_residual,p")
    # 0.25 t HFC-134a x (1 - 0.9999) x 1300 = 0.0325
    assert residual.value == Fraction("0.0325")
    text = path.read_text(encoding="utf-8").replace(
        "[parameters]\n", '[parameters]\nDE = { value = "1.2", override = true, source = "x" }\n'
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(path)
    assert error.value.parameter == "DE"


def test_wood_fired_in_the_facility_counts_no_co2_and_says_why(fgas_project) -> None:
    path = fgas_project(
        values='"W_k,p" = { "HFC-134a" = "250 kg" }, "EC_p" = "0 MWh", '
        '"FC_j,p" = { LPG = "0.15 t" }'
    )
    path.write_text(path.read_text().replace("liquefied_petroleum_gases", "wood_wood_waste"))
    result = jcmcalc.calculate(path)
    energy = next(step for step in result.trace if step.symbol == "PE_energy,p")
    assert energy.value == 0
    assert any("biomass" in w and "IPCC 2006" in w for w in result.warnings)
