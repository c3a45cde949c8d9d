"""Grid electricity: conservative grid factors by country, grid and connection case.

Connection cases: ``grid`` (grid only), ``grid+captive`` (grid plus a captive generator) and
``off-grid``. Where captive or off-grid diesel power is displaced, the factor is the best
diesel generator's 0.533 tCO2/MWh, or the lower of it and the grid factor.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from jcmcalc.model.expressions.walkers import Term
from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.parameters import Confidence, Default, DefaultTable
from jcmcalc.tools.data import table

CONNECTION_CASES = ("grid", "grid+captive", "off-grid")

#: Efficiency of the best diesel generator in the JCM's factor (inferred: see the note).
DIESEL_EFFICIENCY = Fraction("0.49")
#: The diesel CO2 factor of the derivation: IPCC 2006 gas/diesel oil, lower bound of Table 1.4.
DIESEL_FUEL = "gas_diesel_oil"


def _diesel_co2_t_per_tj() -> Fraction:
    """72.6 tCO2/TJ, read from the shipped IPCC 2006 fuel table (not a second constant)."""
    row = next(r for r in table("ipcc2006_fuels") if r["fuel"] == DIESEL_FUEL)
    return Fraction(row["ef_co2_lower_kg_per_TJ"]) / 1000


def best_diesel_derived() -> Fraction:
    """3.6 GJ/MWh / efficiency x the diesel CO2 factor, in tCO2/MWh (0.5334 before rounding)."""
    return Fraction("3.6") / DIESEL_EFFICIENCY * _diesel_co2_t_per_tj() / 1000


BEST_DIESEL = Default(
    value="0.533 t_CO2/MWh",
    source=(
        "JCM best diesel generator factor, as quoted in IGES 'Additional information on "
        "calculating the conservative emission factor' (Mongolia; Indonesia)"
    ),
    confidence=Confidence.READ,
    note=(
        "value read; its derivation, 3.6 GJ/MWh / 0.49 x "
        f"{decimal_text(_diesel_co2_t_per_tj())} tCO2/TJ (IPCC 2006 {DIESEL_FUEL}, lower bound, "
        "from the shipped fuel table) / 1000 rounded to 3 decimals, is inferred"
    ),
)

GRID_TABLE_NAME = "JCM grid emission factors"


def grid_document(country: str) -> dict[str, str]:
    """The document a country's grid factors come from: title, edition, original address and
    what the table covers (``jcmcalc/data/grid_tables.csv``); empty for a country without one."""
    return next((row for row in table("grid_tables") if row["country"] == country), {})


def _version(country: str) -> str:
    """The table's edition as the provenance of a result shows it."""
    document = grid_document(country)
    if not document:
        return "grid_emission_factors.csv of jcmcalc (no document for this country)"
    return (
        f"grid_emission_factors.csv of jcmcalc: {document['document']}, edition "
        f"{document['edition']}, address {document['original_address']}; covers "
        f"{document['coverage']}"
    )


def grid_countries() -> tuple[str, ...]:
    """Countries whose conservative grid factors ship with jcmcalc."""
    return tuple(sorted({row["country"] for row in table("grid_emission_factors")}))


def grids(country: str) -> tuple[str, ...]:
    """The grid ids of ``country`` in the shipped table (``*`` rows excluded)."""
    seen = dict.fromkeys(
        row["grid"]
        for row in table("grid_emission_factors")
        if row["country"] == country and row["grid"] != "*"
    )
    return tuple(seen)


def factor_table(country: str) -> DefaultTable:
    """Factors by (grid, connection case) for ``country``; off-grid falls back to best diesel.

    For a country without a shipped table, only the off-grid row exists: the grid factor
    must come from the project file with its source.
    """
    rows: dict[tuple[str, ...], Default] = {}
    for row in table("grid_emission_factors"):
        if row["country"] != country:
            continue
        verified = row["verified"] == "yes"
        rows[(row["grid"], row["connection_case"])] = Default(
            value=f"{row['ef_tco2_per_mwh']} t_CO2/MWh",
            source=f"{row['source']}: {row['grid_name']}, {row['case_as_written']}",
            confidence=Confidence.READ if verified else Confidence.INFERRED,
            note=row["basis"],
        )
    rows.setdefault(("*", "off-grid"), off_grid_by_analogy(country))
    return DefaultTable(
        name=f"{GRID_TABLE_NAME} ({country})",
        version=_version(country),
        keys=("grid", "connection_case"),
        rows=rows,
        source="jcmcalc/data/grid_emission_factors.csv",
    )


def off_grid_by_analogy(country: str) -> Default:
    """The best diesel factor for an off-grid system where the country's document defines no
    off-grid case: the value is read, its use for this country is inferred."""
    return attrs.evolve(
        BEST_DIESEL,
        confidence=Confidence.INFERRED,
        note=f"{BEST_DIESEL.note}; the document for {country} defines no off-grid case: "
        "applied by analogy (inferred)",
    )


def reference_factors(country: str) -> DefaultTable:
    """:func:`factor_table` of a country with a shipped table; otherwise the best diesel
    factor for the off-grid case alone, so that a grid factor comes from the project file."""
    table = factor_table(country)
    if grids(country):
        return table
    return DefaultTable(
        name="best diesel generator",
        version=table.version,
        keys=("connection_case",),
        rows={("off-grid",): off_grid_by_analogy(country)},
        source="jcmcalc.tools.electricity.BEST_DIESEL",
    )


def grid_only_factors(use: str) -> DefaultTable:
    """The grid-only factors of every shipped country by (country, grid), for ``use``."""
    rows = {
        (country, grid): default
        for country in grid_countries()
        for (grid, case), default in factor_table(country).rows.items()
        if case == "grid" and grid != "*"
    }
    return DefaultTable(
        name=f"{GRID_TABLE_NAME}, grid-only case ({use})",
        version="; ".join(_version(country) for country in grid_countries()),
        keys=("country", "grid"),
        rows=rows,
        source="jcmcalc/data/grid_emission_factors.csv",
    )


def electricity_emissions(energy: Term, factor: Term) -> Term:
    """``E = EC [MWh] x EF [tCO2/MWh]``."""
    return energy * factor
