"""Grid electricity: conservative grid factors by country, grid and connection case.

Connection cases: ``grid`` (grid only), ``grid+captive`` (grid plus a captive generator) and
``off-grid``. Where captive or off-grid diesel power is displaced, the factor is the best
diesel generator's 0.533 tCO2/MWh, or the lower of it and the grid factor.
"""

from __future__ import annotations

from jcmcalc.model.expressions import Term
from jcmcalc.model.parameters import Confidence, Default, DefaultTable
from jcmcalc.tools.data import table

CONNECTION_CASES = ("grid", "grid+captive", "off-grid")

BEST_DIESEL = Default(
    value="0.533 t_CO2/MWh",
    source=(
        "JCM best diesel generator factor, as quoted in IGES 'Additional information on "
        "calculating the conservative emission factor' (Mongolia; Indonesia)"
    ),
    confidence=Confidence.READ,
    note=(
        "value read; derivation 3.6 GJ/MWh / 0.49 x 72.6 tCO2/TJ / 1000 rounded to 3 decimals "
        "is inferred"
    ),
)

GRID_TABLE_NAME = "JCM grid emission factors"
GRID_TABLE_VERSION = "grid_emission_factors.csv of jcmcalc 0.1 (document editions not recorded)"


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
    rows.setdefault(("*", "off-grid"), BEST_DIESEL)
    return DefaultTable(
        name=f"{GRID_TABLE_NAME} ({country})",
        version=GRID_TABLE_VERSION,
        keys=("grid", "connection_case"),
        rows=rows,
        source="jcmcalc/data/grid_emission_factors.csv",
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
        rows={("off-grid",): BEST_DIESEL},
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
        version=GRID_TABLE_VERSION,
        keys=("country", "grid"),
        rows=rows,
        source="jcmcalc/data/grid_emission_factors.csv",
    )


def electricity_emissions(energy: Term, factor: Term) -> Term:
    """``E = EC [MWh] x EF [tCO2/MWh]``."""
    return energy * factor
