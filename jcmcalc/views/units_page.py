"""The unit vocabulary page of the docs site, generated from the one unit registry."""

from __future__ import annotations

from fractions import Fraction

from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.units import (
    DEFINITIONS,
    conversion_factor,
    dimensionality,
    parse_unit,
    same_dimension,
    unit_text,
)

#: Units methodologies write, with what they are; each row's name, dimension and exact size
#: come from the registry when the page is built.
COMMON = (
    ("MWh", "megawatt hour"),
    ("kWh", "kilowatt hour"),
    ("GJ", "gigajoule"),
    ("TJ", "terajoule"),
    ("toe", "tonne of oil equivalent: 10^10 international-table calories (pint)"),
    ("kcal", "kilocalorie: the thermochemical calorie, 4.184 J (pint's cal)"),
    ("kcal_it", "kilocalorie, international table (4.1868 J)"),
    ("Btu", "British thermal unit, ISO (1055.056 J; pint's Btu)"),
    ("USRt", "US refrigeration ton, 12,000 Btu/h (`RT` would read as ronnatesla)"),
    ("kW", "kilowatt"),
    ("kWp", "kilowatt peak (rated PV capacity; a kilowatt)"),
    ("t", "tonne"),
    ("kL", "kilolitre"),
    ("m**3", "cubic metre (`m3` is not a unit: write `m**3`)"),
    ("Nm3", "normal cubic metre: gas at 0 degC and 101.325 kPa (converts to m3 one to one)"),
    ("t_CO2", "tonne of CO2: its own dimension, never a tonne of fuel"),
    ("kg_CO2", "kilogram of CO2"),
    ("t_CO2e", "tonne of CO2 equivalent"),
    ("h", "hour"),
    ("year", "year (365.25 days)"),
    ("%", "percent of a dimensionless fraction"),
)
#: The units sizes are given in, one per dimension.
REFERENCE = ("J", "W", "kg", "m**3", "t_CO2", "s", "dimensionless")


def _size(unit: str) -> str:
    """``1 unit`` in the reference unit of its dimension, exact where the decimal ends."""
    reference = next((r for r in REFERENCE if same_dimension(unit, r)), None)
    if reference is None:
        return ""
    factor = conversion_factor(unit, reference)
    text = decimal_text(factor, 12)
    exact = Fraction(text) == factor
    shown = "" if reference == "dimensionless" else f" {reference}"
    return f"{'' if exact else '≈ '}{text}{shown}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def units_page() -> str:
    """The page: the units jcmcalc defines, the common ones, and how to add a unit."""
    lines = [
        "# Unit vocabulary",
        "",
        "Every unit in a declaration, a default, a project file or a monitoring column is parsed "
        "by jcmcalc's one [pint](https://pint.readthedocs.io) registry, in exact rationals. This "
        "page is generated from that registry when the site is built. A unit it does not know "
        "stops a methodology loading, naming the parameter.",
        "",
        "## Units jcmcalc adds to pint's",
        "",
        "Definitions in pint's syntax (`jcmcalc.model.units.DEFINITIONS`):",
        "",
        *(f"- `{line}`" for line in DEFINITIONS),
        "",
        "## Common units of methodologies",
        "",
        _row(["write", "what it is", "pint reads", "dimension", "1 of it is"]),
        _row(["---"] * 5),
    ]
    for text, meaning in COMMON:
        name = unit_text(parse_unit(text))
        lines.append(
            _row([f"`{text}`", meaning, f"`{name}`", f"`{dimensionality(text)}`", _size(text)])
        )
    lines += [
        "",
        "Products and quotients combine them: `t_CO2/MWh`, `GJ/t`, `MWh/kWp/year`, `USRt*h`. "
        'In an equation, `to(x, "MWh")` converts a term exactly, with the factor the registry '
        "computes (the unit of `x` follows from its parameters).",
        "",
        "## Adding a unit",
        "",
        "A unit pint lacks is a line of `DEFINITIONS` in `jcmcalc/model/units.py`, in pint's "
        "definition syntax: `name = definition = symbol = alias` for a new unit "
        "(`normal_cubic_meter = meter ** 3 = Nm3`), or `@alias existing_name = new_alias` for "
        "another spelling (`@alias refrigeration_ton = USRt`). State its source or convention "
        "in a comment, add a row above, and test an exact conversion "
        '(`conversion_factor("USRt*h", "MWh")`). Plugins cannot add units of their own: '
        "every plugin shares one registry, so a unit belongs in the core.",
        "",
    ]
    return "\n".join(lines)
