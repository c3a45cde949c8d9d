"""Declarations shared by every record of the waste heat recovery (WHR) family.

The systems index, the supplied electricity, the reference factor and the plausibility bound
EG <= P_rated x 24 h x D_p are the same in the approved records (MM_AM005, ID_AM001, TH_AM007)
and in the family's reconstructed form (``WHR_FAMILY``); what differs is assembled in
:mod:`jcmcalc_waste_heat_recovery.approved` and :mod:`jcmcalc_waste_heat_recovery.reconstructed`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jcmcalc.model.expressions import Constant, Term
from jcmcalc.model.methodology import About, Check, Index
from jcmcalc.model.parameters import POSITIVE, Confidence, Kind, Monitoring, Parameter, metered
from jcmcalc.tools.electricity import CONNECTION_CASES, grids, reference_factors

SECTORAL_SCOPE = "1: Energy industries (renewable / non-renewable sources)"
#: The source of the monitored supplied electricity, by whether a variant's text was read.
SUPPLY_READ = "read: methodology summary (MM_AM005) or validation report (ID_AM001)"


def systems(country: str, attributes: Mapping[str, tuple[str, ...]] | None = None) -> Index:
    """The WHR systems of a project (``[[systems]]``), with the grid where a table is shipped."""
    found: dict[str, tuple[str, ...]] = {"connection_case": CONNECTION_CASES, **(attributes or {})}
    if grids(country):
        found = {"grid": grids(country), **found}
    return Index("i", "systems", "WHR system", attributes=found)


def fuels(attributes: Mapping[str, tuple[str, ...]], title: str) -> Index:
    """The co-fired fuels of a project (``[[fuels]]``, optional: none by default)."""
    return Index("j", "fuels", title, attributes=dict(attributes), column="fuel_id", optional=True)


def supplied(inferred: str, option: str = "") -> Parameter:
    """EG_sup,i,p: the electricity a WHR system supplies to the cement plant (metered)."""
    where = f"; {option}" if option else ""
    return Parameter(
        "EG_sup,i,p",
        "electricity_supplied",
        "MWh",
        Kind.MONITORED,
        "Electricity supplied by WHR system i to the cement plant in period p (meter at the "
        f"supply point{where})",
        index=("i",),
        inferred=inferred,
        monitoring=metered(
            "electricity meter at the point where WHR system i supplies the plant "
            f"({'inferred' if inferred else SUPPLY_READ})"
        ),
    )


def reference_factor(country: str) -> Parameter:
    """EF_RE,i by the system's connection case, from the shipped tables where there are some."""
    return Parameter(
        "EF_RE,i",
        "reference_emission_factor",
        "t_CO2/MWh",
        Kind.METHODOLOGY,
        "Reference CO2 emission factor of WHR system i by its connection case: the "
        "conservative grid factor (grid only), min(grid factor, 0.533) (grid plus captive "
        "generator) or 0.533 (off-grid); where no table is shipped, the project file states "
        "it with its source",
        index=("i",),
        default=reference_factors(country),
    )


def plausibility(electricity: Term, days_inferred: str) -> tuple[list[Parameter], Check]:
    """P_rated,i and D_p, and the bound ``electricity <= P_rated,i x 24 h x D_p`` they serve.

    ``days_inferred`` is empty where the methodology is read to monitor the number of days.
    """
    capacity = Parameter(
        "P_rated,i",
        "rated_capacity",
        "MW",
        Kind.PROJECT,
        "Rated electrical output of WHR system i (nameplate)",
        index=("i",),
        bounds=POSITIVE,
        inferred="used only for the plausibility bound on the electricity of system i",
    )
    days = Parameter(
        "D_p",
        "days_in_period",
        "day",
        Kind.MONITORED,
        "Number of days in monitoring period p",
        bounds=POSITIVE,
        inferred="; ".join(filter(None, (days_inferred, "monitoring option not read (C assumed)"))),
        monitoring=Monitoring(
            ("C",),
            "counted from the start and end dates of the monitoring period (inferred)",
            "once per monitoring period (inferred)",
        ),
    )
    bound = Check(
        "capacity x days",
        electricity,
        capacity.ref * Constant(24, unit="h/day", label="24 h/d") * days.ref,
        "the electricity cannot exceed rated capacity x 24 h x days in the period "
        "[inferred plausibility bound]",
        index=("i",),
        inferred="the bound electricity <= P_rated,i x 24 h x D_p is our use of D_p",
    )
    return [capacity, days], bound


def about(variant: Mapping[str, Any]) -> About:
    """The identity and standing of a record of ``variants.toml``."""
    return About(
        family="waste-heat-recovery",
        sectoral_scope=SECTORAL_SCOPE,
        status=variant["status"],
        source=variant["source"],
        country=variant["country"],
        approved=variant["approved"],
        confidence=Confidence(variant["confidence"]),
    )
