"""The one pint registry of jcmcalc, and exact parsing of quantities.

Every plugin uses :data:`ureg` (through :func:`registry`). Magnitudes are parsed from their
decimal text into :class:`fractions.Fraction` and converted with exact rational factors, so a
kWh input equals the same MWh input divided by 1000 to the last digit.
"""

from __future__ import annotations

import os
import re
from fractions import Fraction
from functools import cache
from typing import TYPE_CHECKING

from jcmcalc.model.errors import quoted
from jcmcalc.model.numbers import decimal_fraction

if TYPE_CHECKING:
    import pint

#: Units that the methodologies use beyond pint's defaults. CO2 mass is its own dimension
#: (as in openscm-units), so a tonne of fuel can never be mistaken for a tonne of CO2.
#: ``Nm3`` is a cubic metre of gas at the normal reference conditions 0 degC and 101.325 kPa;
#: pint has no notion of state, so a Nm3 converts to m3 one to one and the reference
#: conditions live in its name and docs.
DEFINITIONS = (
    "tonne_CO2 = [mass_CO2] = tCO2 = t_CO2",
    "tonne_CO2e = tonne_CO2 = tCO2e = t_CO2e",
    "kilogram_CO2 = tonne_CO2 / 1000 = kgCO2 = kg_CO2",
    "normal_cubic_meter = meter ** 3 = Nm3",
    "kilowatt_peak = kilowatt = kWp",
    "megawatt_peak = megawatt = MWp",
    # pint's refrigeration_ton (12,000 Btu/h); "RT" would parse as ronnatesla.
    "@alias refrigeration_ton = USRt",
)

#: A number inside a unit expression (``1e3 kWh``, ``m**2``): pint expands it exactly, so its
#: size is bounded before pint sees it (``1e999999999`` or ``m**999999999`` would never end).
_NUMBER_IN_UNIT = re.compile(r"(\d[\d.]*(?:[eE][+-]?\d+)?)")
MAX_NUMBER_IN_UNIT = 12  # characters
MAX_POWER_IN_UNIT = 12
_NUMBER = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")


def _cache_folder() -> str | None:
    """Where pint caches its parsed definitions; ``JCMCALC_UNIT_CACHE=0`` turns it off."""
    setting = os.environ.get("JCMCALC_UNIT_CACHE", ":auto:")
    return None if setting in {"", "0", "off"} else setting


@cache
def registry() -> pint.UnitRegistry:
    """Return the shared unit registry, built once per process.

    The registry works in exact rationals (``non_int_type=Fraction``). pint's definition cache
    cuts its build from about 0.22 s to 0.03 s; a cache that cannot be read or written falls
    back to a fresh parse.
    """
    import pint

    try:
        reg = pint.UnitRegistry(non_int_type=Fraction, cache_folder=_cache_folder())
    except Exception:  # a broken or read-only cache must never stop a calculation
        reg = pint.UnitRegistry(non_int_type=Fraction)
    for line in DEFINITIONS:
        reg.define(line)
    return reg


def parse_unit(text: str) -> pint.Unit:
    """Parse a unit expression such as ``t_CO2/MWh`` (``ValueError`` if unknown)."""
    reg = registry()
    for number in _NUMBER_IN_UNIT.findall(text):
        exponent = number.lower().partition("e")[2]
        if len(number) > MAX_NUMBER_IN_UNIT or abs(int(exponent or 0)) > MAX_POWER_IN_UNIT:
            raise ValueError(f"unit {quoted(text.strip())}: the number {number} is out of bounds")
    for power in re.findall(r"(?:\*\*|\^)\s*[-+(]*\s*(\d+)", text):
        if len(power) > 3 or int(power) > MAX_POWER_IN_UNIT:
            raise ValueError(
                f"unit {quoted(text.strip())}: a power beyond {MAX_POWER_IN_UNIT} is absurd"
            )
    try:
        unit = reg.parse_units(text.strip()) if text.strip() else reg.dimensionless
    except Exception as exc:
        raise ValueError(f"unknown unit {quoted(text.strip())}") from exc
    return unit


def split_quantity(text: str) -> tuple[Fraction, str]:
    """Split ``"1234.5 MWh"`` into its exact magnitude and its unit text."""
    match = _NUMBER.match(text)
    if not match:
        raise ValueError(f"{quoted(text)} is not a number followed by a unit")
    return decimal_fraction(match.group(1)), match.group(2)


@cache
def conversion_factor(from_unit: str, to_unit: str) -> Fraction:
    """Exact factor that converts a magnitude in ``from_unit`` into ``to_unit``.

    Raises ``pint.DimensionalityError`` when the two units measure different things.
    """
    reg = registry()
    source, target = parse_unit(from_unit), parse_unit(to_unit)
    if source == target:
        return Fraction(1)
    return Fraction(reg.Quantity(Fraction(1), source).to(target).magnitude)


def _product_text(powers: object) -> str:
    # pint cannot format Fraction exponents, so units are written here.
    parts = []
    for name, power in sorted(powers.items()):  # type: ignore[attr-defined]
        parts.append(name if power == 1 else f"{name}^{power}")
    return " * ".join(parts) or "dimensionless"


def unit_text(unit: pint.Unit) -> str:
    """Text of a unit, such as ``megawatt_hour * tonne_CO2 / megawatt_hour``."""
    return _product_text(unit._units)


def dimensionality(unit: str | pint.Unit) -> str:
    """Human-readable dimensionality of a unit, for error messages (``[energy]``)."""
    parsed = parse_unit(unit) if isinstance(unit, str) else unit
    return _product_text(parsed.dimensionality)


def factor_is_one(unit: pint.Unit, target: pint.Unit | str) -> bool:
    """Whether a magnitude in ``unit`` is already a magnitude in ``target``."""
    try:
        return Fraction(registry().Quantity(Fraction(1), unit).to(target).magnitude) == 1
    except Exception:
        return False


def same_dimension(unit_a: str, unit_b: str) -> bool:
    """Whether two units measure the same kind of quantity."""
    return parse_unit(unit_a).dimensionality == parse_unit(unit_b).dimensionality
