"""Cylinder lists: aggregation to W_k,p and the errors that name file and row."""

from __future__ import annotations

from fractions import Fraction

import pytest

import jcmcalc
from jcmcalc.model.errors import InputError

HEADER = "cylinder,content,gross [kg],tare [kg],x:HCFC-22 [%],x:HFC-32 [%],x:HFC-125 [%]\n"


def masses(result) -> dict[str, Fraction]:
    values = result.inputs.periods[0].values["mass_destroyed"]
    return {key[0]: value.value for key, value in values.items() if value.value}


def test_blend_split_from_data(fgas_project) -> None:
    path = fgas_project(cylinders=HEADER + "A,R-410A,60,15,,,\nB,R-404A,35,15,,,\n")
    found = masses(jcmcalc.calculate(path))
    # 45 kg R-410A: 22.5 HFC-32 + 22.5 HFC-125; 20 kg R-404A: 44 % HFC-125, 52 % HFC-143a,
    # 4 % HFC-134a = 8.8 + 10.4 + 0.8 kg
    assert found == {
        "HFC-32": Fraction("0.0225"),
        "HFC-125": Fraction("0.0225") + Fraction("0.0088"),
        "HFC-143a": Fraction("0.0104"),
        "HFC-134a": Fraction("0.0008"),
    }


def test_analysed_fractions_prevail_over_the_nominal_split(fgas_project) -> None:
    path = fgas_project(cylinders=HEADER + "A,R-410A,115,15,,60,40\n")
    assert masses(jcmcalc.calculate(path)) == {
        "HFC-32": Fraction("0.06"),
        "HFC-125": Fraction("0.04"),
    }


def test_sum_slightly_above_one_is_scaled_down(fgas_project) -> None:
    path = fgas_project(cylinders=HEADER + "A,mixture,115,15,,50.05,50.05\n")
    found = masses(jcmcalc.calculate(path))
    assert found == {"HFC-32": Fraction("0.05"), "HFC-125": Fraction("0.05")}


def test_sum_slightly_below_one_is_used_as_given(fgas_project) -> None:
    path = fgas_project(cylinders=HEADER + "A,HCFC-22,115,15,99.95,,\n")
    assert masses(jcmcalc.calculate(path)) == {"HCFC-22": Fraction("0.09995")}


def test_fractions_not_summing_to_one(fgas_project) -> None:
    path = fgas_project(cylinders=HEADER + "A,R-410A,60,15,,,\nB,HCFC-22,70,15,99.8,,\n")
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(path)
    assert error.value.row == 3
    assert error.value.file.endswith("cylinders.csv")
    assert "sum to 0.998" in error.value.message and "0.001" in error.value.message


def test_tare_above_gross(fgas_project) -> None:
    path = fgas_project(cylinders=HEADER + "A,R-410A,60,15,,,\nB,R-410A,14.9,15,,,\n")
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(path)
    assert error.value.row == 3 and error.value.file.endswith("cylinders.csv")
    assert "tare" in error.value.message and "'B'" in error.value.message


def test_unknown_species_in_content(fgas_project) -> None:
    path = fgas_project(cylinders=HEADER + "A,R-22,60,15,,,\n")
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(path)
    assert error.value.row == 2 and error.value.file.endswith("cylinders.csv")
    assert "unknown content 'R-22'" in error.value.message


def test_unknown_species_in_a_fraction_column(fgas_project) -> None:
    cylinders = "cylinder,content,gross [kg],tare [kg],x:HFC-1234yf [%]\nA,mixture,60,15,100\n"
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(fgas_project(cylinders=cylinders))
    assert error.value.row == 1 and "unknown species 'HFC-1234yf'" in error.value.message


def test_mixture_needs_an_analysis(fgas_project) -> None:
    with pytest.raises(InputError, match="needs the analysed mass fractions") as error:
        jcmcalc.calculate(fgas_project(cylinders=HEADER + "A,mixture,60,15,,,\n"))
    assert error.value.row == 2


def test_wrong_dimension_in_a_mass_column_names_the_parameter(fgas_project) -> None:
    cylinders = "cylinder,content,gross [kWh],tare [kg]\nA,R-410A,60,15\n"
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(fgas_project(cylinders=cylinders))
    assert error.value.parameter == "W_k,p"
    assert "gross [kWh]" in error.value.message


def test_unit_in_a_cell_is_refused(fgas_project) -> None:
    with pytest.raises(InputError, match="belongs in the header") as error:
        jcmcalc.calculate(fgas_project(cylinders=HEADER + "A,R-410A,60 kg,15,,,\n"))
    assert error.value.row == 2


def test_duplicate_cylinder(fgas_project) -> None:
    with pytest.raises(InputError, match="listed twice") as error:
        jcmcalc.calculate(fgas_project(cylinders=HEADER + "A,R-410A,60,15,,,\nA,R-410A,60,15,,,\n"))
    assert error.value.row == 3


def test_dated_row_outside_its_period(fgas_project) -> None:
    cylinders = "date,cylinder,content,gross [kg],tare [kg]\n2025-07-02,A,R-410A,60,15\n"
    with pytest.raises(InputError, match="outside period 1") as error:
        jcmcalc.calculate(fgas_project(cylinders=cylinders))
    assert error.value.row == 2


def test_kg_and_t_give_the_same_result(fgas_project) -> None:
    in_kg = fgas_project(
        cylinders=HEADER + "A,R-410A,61.35,14.8,,,\nB,HCFC-22,70.02,15.31,99.6,0.4,\n",
        folder="kg",
    )
    in_t = fgas_project(
        cylinders=HEADER.replace("[kg]", "[t]")
        + "A,R-410A,0.06135,0.0148,,,\nB,HCFC-22,0.07002,0.01531,99.6,0.4,\n",
        folder="t",
    )
    a, b = jcmcalc.calculate(in_kg), jcmcalc.calculate(in_t)
    assert masses(a) == masses(b)
    assert a.periods == b.periods
