"""Property tests (hypothesis) of the exact arithmetic, through real project files.

- credits are the floor of the exact rational ER, computed here from the decimal inputs;
- results do not change when an input is given in another unit (kWh/MWh, kg/t, GJ/TJ);
- ER moves with each monitored quantity in the direction its equation says;
- per-period rounding: splitting a period never gains a credit and loses at most one.
"""

from __future__ import annotations

import math
import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jcmcalc import api
from jcmcalc.run.result import Result
from tests.conftest import MONGOLIA

PROPERTY = settings(
    max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
#: Decimal inputs as a meter or an invoice writes them.
decimals = st.decimals(min_value=0, max_value=10**7, places=4, allow_nan=False)
positive = st.decimals(min_value=Decimal("0.001"), max_value=10**6, places=3, allow_nan=False)

WHR = """
[methodology]
id = "WHR_FAMILY"
[[systems]]
id = "W"
connection_case = "grid+captive"
net_electricity = "gross-minus-aux"
[systems.parameters]
"EF_RE,i" = {{ value = "0.533 t_CO2/MWh", source = "test" }}
[[periods]]
start = 2022-01-01
end = 2022-06-30
values = {{ "EG_gross,i,p" = "{gross}", "EC_aux,i,p" = "{aux}" }}
"""
HEAT = """
[methodology]
id = "BOILER_FAMILY_HEAT"
[[boilers]]
id = "H1"
reference_fuel = "other_bituminous_coal"
parameters = {{ "eta_RE,k" = {{ value = "0.50", source = "test" }} }}
[[fuels]]
id = "coal"
fuel = "other_bituminous_coal"
[[periods]]
start = 2023-10-01
end = 2024-04-30
values = {{ "Q_HM,k,p" = {{ H1 = "{heat}" }}, "FC_k,j,p" = {{ H1 = "{fuel}" }} }}
"""
FGAS = """
[methodology]
id = "FGAS_DESTRUCTION_AR5"
[parameters]
EF_elec = {{ value = "0.5 t_CO2/MWh", source = "test" }}
[[fuels]]
id = "LPG"
fuel = "liquefied_petroleum_gases"
[[periods]]
start = 2025-01-01
end = 2025-12-31
[periods.values]
"W_k,p" = {{ "HFC-134a" = "{mass}" }}
"EC_p" = "{electricity}"
"FC_j,p" = {{ LPG = "0 t" }}
"""
PV_CSV = """
[methodology]
id = "TH_AM001"
version = "1.0"
[[systems]]
id = "A"
connection_case = "off-grid"
[[periods]]
start = 2024-01-01
end = 2024-03-31
data = "eg.csv"
"""


def _calculate(text: str, **files: str) -> Result:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        (folder / "project.toml").write_text(text, encoding="utf-8")
        for name, content in files.items():
            (folder / name).write_text(content, encoding="utf-8")
        return api.calculate(folder / "project.toml")


def _numbers(result: Result) -> list[tuple[Fraction, Fraction, Fraction, int]]:
    return [(p.reference, p.project, p.reductions, p.credits) for p in result.periods]


def _scaled(value: Decimal, factor: int) -> str:
    """``value * factor`` as exact decimal text."""
    return str(value * factor)


@PROPERTY
@given(decimals)
def test_credits_are_the_floor_of_the_exact_er(energy) -> None:
    result = _calculate(MONGOLIA.format(energy=f"{energy} MWh"))
    [factor] = result.inputs.fixed["reference_emission_factor"].values()
    exact = Fraction(energy) * factor.value  # RE = EG x EF_RE, PE = 0
    [period] = result.periods
    assert period.reductions == exact
    assert period.credits == math.floor(exact)


@PROPERTY
@given(decimals)
def test_mwh_and_kwh_give_the_same_result(energy) -> None:
    in_mwh = _calculate(MONGOLIA.format(energy=f"{energy} MWh"))
    in_kwh = _calculate(MONGOLIA.format(energy=f"{_scaled(energy, 1000)} kWh"))
    assert _numbers(in_mwh) == _numbers(in_kwh)


@PROPERTY
@given(decimals)
def test_csv_header_units_kwh_and_mwh_give_the_same_result(energy) -> None:
    in_mwh = _calculate(PV_CSV, **{"eg.csv": f'system,"EG_i,p [MWh]"\nA,{energy}\n'})
    in_kwh = _calculate(PV_CSV, **{"eg.csv": f'system,"EG_i,p [kWh]"\nA,{energy * 1000}\n'})
    assert _numbers(in_mwh) == _numbers(in_kwh)


@PROPERTY
@given(positive, positive)
def test_tonnes_and_kilograms_gj_and_tj_give_the_same_result(heat, fuel) -> None:
    base = _calculate(HEAT.format(heat=f"{heat} TJ", fuel=f"{fuel} t"))
    other = _calculate(HEAT.format(heat=f"{heat * 1000} GJ", fuel=f"{fuel * 1000} kg"))
    assert _numbers(base) == _numbers(other)


def _er(text: str) -> Fraction:
    [period] = _calculate(text).periods
    return period.reductions


@PROPERTY
@given(decimals, decimals)
def test_er_grows_with_generated_electricity(a, b) -> None:
    low, high = sorted((a, b))
    assert _er(MONGOLIA.format(energy=f"{low} MWh")) <= _er(MONGOLIA.format(energy=f"{high} MWh"))


@PROPERTY
@given(positive, positive)
def test_er_falls_with_auxiliary_consumption(a, b) -> None:
    low, high = sorted((a, b))
    gross = "4000000 MWh"  # above any auxiliary drawn here (WHR_FAMILY: the gross option)
    at_low = _er(WHR.format(gross=gross, aux=f"{low} MWh"))
    at_high = _er(WHR.format(gross=gross, aux=f"{high} MWh"))
    assert at_high <= at_low
    assert (at_high < at_low) == (high > low)


@PROPERTY
@given(positive, positive, positive)
def test_er_grows_with_heat_and_falls_with_fuel(a, b, fuel) -> None:
    low, high = sorted((a, b))
    assert _er(HEAT.format(heat=f"{low} GJ", fuel=f"{fuel} t")) <= _er(
        HEAT.format(heat=f"{high} GJ", fuel=f"{fuel} t")
    )
    assert _er(HEAT.format(heat=f"{fuel} GJ", fuel=f"{high} t")) <= _er(
        HEAT.format(heat=f"{fuel} GJ", fuel=f"{low} t")
    )


@PROPERTY
@given(positive, positive, positive)
def test_er_grows_with_hfc_destroyed_and_falls_with_electricity(a, b, other) -> None:
    low, high = sorted((a, b))
    assert _er(FGAS.format(mass=f"{low} kg", electricity=f"{other} kWh")) <= _er(
        FGAS.format(mass=f"{high} kg", electricity=f"{other} kWh")
    )
    assert _er(FGAS.format(mass=f"{other} kg", electricity=f"{high} kWh")) <= _er(
        FGAS.format(mass=f"{other} kg", electricity=f"{low} kWh")
    )


SPLIT = """
[methodology]
id = "MN_AM003"
version = "2.0"
[[systems]]
id = "PV-1"
grid = "national"
connection_case = "grid"
[[periods]]
start = 2023-01-01
end = 2023-06-30
values = {{ "EG_i,p" = "{first} MWh" }}
[[periods]]
start = 2023-07-01
end = 2023-12-31
values = {{ "EG_i,p" = "{second} MWh" }}
"""


@PROPERTY
@given(decimals, decimals)
def test_splitting_a_period_never_gains_a_credit(first, second) -> None:
    whole = _calculate(MONGOLIA.format(energy=f"{first + second} MWh"))
    split = _calculate(SPLIT.format(first=first, second=second))
    # per-period rounding (docs/project-files.md): each period's ER is rounded down on its own
    assert split.total_credits == sum(math.floor(p.reductions) for p in split.periods)
    assert sum(p.reductions for p in split.periods) == whole.periods[0].reductions
    assert whole.total_credits - 1 <= split.total_credits <= whole.total_credits


@settings(max_examples=200, deadline=None, database=None)
@given(st.fractions(), st.fractions())
def test_floor_of_parts_never_exceeds_floor_of_sum(a, b) -> None:
    assert math.floor(a) + math.floor(b) <= math.floor(a + b) <= math.floor(a) + math.floor(b) + 1
