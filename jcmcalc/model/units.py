"""The one pint registry of jcmcalc, and exact parsing of quantities.

Every plugin uses :data:`ureg` (through :func:`registry`). Magnitudes are parsed from their
decimal text into :class:`fractions.Fraction` and converted with exact rational factors, so a
kWh input equals the same MWh input divided by 1000 to the last digit.
"""

from __future__ import annotations

import os
import re
import sys
from fractions import Fraction
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

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
    pint = _import_pint()
    try:
        reg = pint.UnitRegistry(non_int_type=Fraction, cache_folder=_cache_folder())
    except Exception:  # a broken or read-only cache must never stop a calculation
        reg = pint.UnitRegistry(non_int_type=Fraction)
    for line in DEFINITIONS:
        reg.define(line)
    return reg


def _import_pint() -> Any:
    """``import pint`` without the Dask that ``pint.compat`` imports whenever Dask is
    installed (about 70 ms of every command): jcmcalc never puts a Dask array in a pint
    quantity. Dask is hidden only while pint is first imported (``importlib.util.find_spec``
    answers None for a module whose ``sys.modules`` entry is None) and importable after it;
    a process that imported Dask or pint before keeps them as they are.
    """
    hide = "dask" not in sys.modules and "pint" not in sys.modules
    if hide:
        sys.modules["dask"] = None  # type: ignore[assignment]
    try:
        import pint
    finally:
        if hide and sys.modules.get("dask", False) is None:
            del sys.modules["dask"]
    return pint


def parse_unit(text: str) -> pint.Unit:
    """Parse a unit expression such as ``t_CO2/MWh`` (``ValueError`` if unknown).

    Parsed once per text and process: methodologies and inputs name few distinct units.
    """
    return _parsed(text.strip())


@lru_cache(maxsize=4096)  # bounded: unit texts can come from input files
def _parsed(text: str) -> pint.Unit:
    reg = registry()
    for number in _NUMBER_IN_UNIT.findall(text):
        exponent = number.lower().partition("e")[2]
        if len(number) > MAX_NUMBER_IN_UNIT or abs(int(exponent or 0)) > MAX_POWER_IN_UNIT:
            raise ValueError(f"unit {quoted(text)}: the number {number} is out of bounds")
    for power in re.findall(r"(?:\*\*|\^)\s*[-+(]*\s*(\d+)", text):
        if len(power) > 3 or int(power) > MAX_POWER_IN_UNIT:
            raise ValueError(f"unit {quoted(text)}: a power beyond {MAX_POWER_IN_UNIT} is absurd")
    try:
        return reg.parse_units(text) if text else reg.dimensionless
    except Exception as exc:
        raise ValueError(f"unknown unit {quoted(text)}") from exc


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


#: A side of a failed bound at least this many times the other suggests a unit slip.
UNIT_SLIP = 2
#: Units a value may have been written in instead of its parameter's, by dimension.
COMMON_UNITS = (
    "Wh", "kWh", "MWh", "GWh", "kJ", "MJ", "GJ", "TJ",
    "g", "kg", "t", "kt", "kg_CO2", "t_CO2", "W", "kW", "MW", "L", "m3",
)  # fmt: skip
#: Factors of a unit slip between units of no known name (a bound on no one parameter).
PLAIN_FACTORS = (Fraction(36, 10), Fraction(10000, 36), Fraction(1000))


def factor_text(factor: Fraction) -> str:
    """``1,000``, ``3.6``, ``1,000/3.6``: a factor as a unit-slip hint names it."""
    if factor.denominator == 1:
        return f"{factor.numerator:,}"
    tenths = factor * Fraction(36, 10)
    if tenths.denominator == 1:
        return f"{tenths.numerator:,}/3.6"
    return f"{float(factor):,.4g}"


def _smaller_units(unit: str) -> list[tuple[Fraction, str]]:
    """The common units smaller than ``unit`` of its dimension, with how many make one."""
    found = []
    for other in COMMON_UNITS:
        try:
            if not same_dimension(unit, other):
                continue
            factor = conversion_factor(unit, other)
        except Exception:  # a unit pint cannot compare: no hint from it
            continue
        if 1 < factor <= 10**7:
            found.append((factor, other))
    return sorted(found)


def slip_hint(ratio: Fraction, unit: str, too_large: bool) -> str:
    """The unit slip a value ``ratio`` times beyond its bound suggests, for a parameter in
    ``unit`` (``""``: unknown): a value in a smaller unit under its header (kWh as MWh) is too
    large by the factor between them, one in the larger unit under a smaller one's header too
    small; the smallest factor that explains the breach is named, (1,000, 3.6, 1,000/3.6, ...),
    so ``1/1,000`` is named as ``1,000x`` is. ``""`` below :data:`UNIT_SLIP`."""
    if ratio < UNIT_SLIP:
        return ""
    shown = f"{float(ratio):,.0f}x" if too_large else f"1/{float(ratio):,.0f}"
    for factor, other in _smaller_units(unit) if unit else []:
        if factor >= ratio:
            written = f"{other} written as {unit}" if too_large else f"{unit} written as {other}"
            return f" ({shown}: {written}? a factor of {factor_text(factor)})"
    for factor in PLAIN_FACTORS:
        if factor >= ratio:
            return f" ({shown}: a unit slip by a factor of {factor_text(factor)}?)"
    return f" ({shown})"
