"""The shared unit registry: exact conversions, CO2 as its own dimension, the cache."""

from __future__ import annotations

import os
import subprocess
import sys
from fractions import Fraction

import pytest

from jcmcalc import calculate
from jcmcalc.model.units import (
    conversion_factor,
    dimensionality,
    parse_unit,
    registry,
    split_quantity,
)
from tests.conftest import MONGOLIA


@pytest.mark.parametrize(
    ("source", "target", "factor"),
    [
        ("kWh", "MWh", Fraction(1, 1000)),
        ("kg", "t", Fraction(1, 1000)),
        ("GJ", "TJ", Fraction(1, 1000)),
        ("kL", "m**3", Fraction(1)),
        ("Nm3", "m**3", Fraction(1)),
        ("MWh", "GJ", Fraction(36, 10)),
        ("kg_CO2/TJ", "t_CO2/GJ", Fraction(1, 10**6)),
        ("t_CO2e", "t_CO2", Fraction(1)),
        ("%", "dimensionless", Fraction(1, 100)),
        ("TJ/Gg", "GJ/t", Fraction(1)),
    ],
)
def test_conversion_factors_are_exact(source: str, target: str, factor: Fraction) -> None:
    assert conversion_factor(source, target) == factor


def test_co2_mass_is_not_fuel_mass() -> None:
    assert dimensionality("t_CO2") != dimensionality("t")
    with pytest.raises(Exception):  # noqa: B017 - pint's DimensionalityError
        conversion_factor("t", "t_CO2")


def test_split_quantity_keeps_decimal_digits() -> None:
    assert split_quantity("0.1 MWh") == (Fraction(1, 10), "MWh")
    assert split_quantity("1e3 kWh") == (Fraction(1000), "kWh")


def test_one_registry_per_process() -> None:
    assert registry() is registry()


def test_kwh_equals_mwh_divided_by_1000_to_the_last_digit(project) -> None:
    in_mwh = calculate(project(MONGOLIA.format(energy="23.134567891 MWh")))
    in_kwh = calculate(project(MONGOLIA.format(energy="23134.567891 kWh")))
    assert in_kwh.periods[0].reference == in_mwh.periods[0].reference
    assert in_kwh.periods[0].reference == Fraction("23.134567891") * Fraction("0.797")


def test_cached_registry_converts_like_a_fresh_one(tmp_path) -> None:
    """The pint definition cache must not change any conversion (run both ways, compare)."""
    script = (
        "from jcmcalc.model.units import conversion_factor as f;"
        "print([str(f(a, b)) for a, b in [('kWh','MWh'),('GJ/t','TJ/Gg'),('kg_CO2/TJ','t_CO2/GJ'),"
        "('Nm3','m**3'),('kWp','W'),('MWh','GJ')]])"
    )
    outputs = []
    for setting in ("0", str(tmp_path / "cache"), str(tmp_path / "cache")):
        environment = {**os.environ, "JCMCALC_UNIT_CACHE": setting}
        run = subprocess.run(
            [sys.executable, "-c", script],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert any((tmp_path / "cache").iterdir())


@pytest.mark.parametrize(
    "text", ["1e999999999 kWh", "kWh**999999999", "m^1000", "m**13", "1234567890123 kWh"]
)
def test_absurd_numbers_in_a_unit_are_refused_before_pint_expands_them(text) -> None:
    with pytest.raises(ValueError, match=r"out of bounds|is absurd"):
        parse_unit(text)


def test_the_registry_does_not_import_dask_and_dask_stays_importable() -> None:
    code = (
        "import sys; from jcmcalc.model import units; units.registry()\n"
        "print('dask' in sys.modules)\n"
        "import dask; print(dask.__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "dask"]
