"""The solar PV family: equations declared once, each approved variant built from data.

RE_p = sum_i EG_i,p x EF_RE,i and PE_p = 0 [read: methodology summaries]. The variants differ
in what EG means (VN_AM007), in a category of day choosing the factor (KH_AM002, use
inferred), and in a storage battery (ID_AM017, equation inferred).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from jcmcalc.model.expressions import Constant, total
from jcmcalc.model.methodology import (
    PROJECT,
    REFERENCE,
    About,
    Criterion,
    Equation,
    Estimate,
    Index,
    Methodology,
)
from jcmcalc.model.parameters import (
    FRACTION,
    NON_NEGATIVE,
    Bounds,
    Confidence,
    DefaultTable,
    Kind,
    Monitoring,
    Parameter,
    metered,
)
from jcmcalc.run.estimate import YEAR_NUMBER
from jcmcalc.tools.data import variant_records
from jcmcalc.tools.electricity import (
    BEST_DIESEL,
    CONNECTION_CASES,
    electricity_emissions,
    factor_table,
    grids,
)

CRITERIA_NOTE = (
    "criteria text of the approved methodology was not available: typical JCM solar PV "
    "criteria, reconstructed"
)
CATEGORIES = ("grid", "off-grid")


def _criteria(form: str) -> tuple[Criterion, ...]:
    criteria = [
        Criterion("C1", "The project installs solar PV system(s).", Confidence.INFERRED),
        Criterion(
            "C2",
            "PV modules are certified for design qualification (IEC 61215 or IEC 61646) and "
            "safety (IEC 61730-1 and -2).",
            Confidence.INFERRED,
        ),
        Criterion(
            "C3",
            "Equipment to monitor the output power of the PV system is installed.",
            Confidence.INFERRED,
        ),
    ]
    if form == "battery":
        criteria.append(
            Criterion(
                "C4", "The storage battery is charged by the PV system only.", Confidence.INFERRED
            )
        )
    return tuple(criteria)


def _systems(country: str, with_grid: bool) -> Index:
    attributes: dict[str, tuple[str, ...]] = {"connection_case": CONNECTION_CASES}
    if with_grid:
        attributes = {"grid": grids(country), **attributes}
    return Index("i", "systems", "PV system", attributes=attributes)


def _factor(country: str, index: tuple[str, ...], table: DefaultTable) -> Parameter:
    return Parameter(
        symbol="EF_RE," + ",".join(index),
        name="reference_emission_factor",
        unit="t_CO2/MWh",
        kind=Kind.METHODOLOGY,
        description=(
            "Reference CO2 emission factor, chosen by the system's connection case: the "
            "conservative grid factor (grid only), min(grid factor, 0.533) (grid plus captive "
            "generator) or 0.533 (off-grid)"
        ),
        index=index,
        default=table,
    )


def _estimate(target: Parameter) -> Estimate:
    capacity = Parameter(
        "P_rated,i",
        "rated_capacity",
        "kWp",
        Kind.PROJECT,
        "Rated capacity of PV system i (ex-ante estimate only)",
        index=("i",),
    )
    yield_ = Parameter(
        "SY_i",
        "specific_yield",
        "MWh/kWp/year",
        Kind.PROJECT,
        "Specific annual yield of PV system i (ex-ante estimate only)",
        index=("i",),
    )
    degradation = Parameter(
        "r_deg,i",
        "degradation_rate",
        "dimensionless",
        Kind.PROJECT,
        "Annual output degradation of PV system i (ex-ante estimate only)",
        index=("i",),
        bounds=Bounds(lower=NON_NEGATIVE.lower, upper=FRACTION.upper, upper_inclusive=False),
    )
    one_year = Constant(1, unit="year", label="1 yr")
    expression = (
        capacity.ref
        * yield_.ref
        * one_year
        * (Constant(1) - degradation.ref) ** (YEAR_NUMBER.ref - Constant(1))
    )
    equation = Equation(
        target.symbol,
        target.name,
        expression,
        "MWh",
        "Expected electricity in year n_y of the crediting period (standard engineering practice)",
        index=("i",),
    )
    return Estimate((capacity, yield_, degradation, YEAR_NUMBER), (equation,))


#: The summaries read: reference emissions "on the basis of the AC output of the solar PV
#: system(s)" (KE_AM002, KH_AM002).
AC_METER = "electricity meter at the AC output of PV system i (read: methodology summaries)"
BATTERY_METER = (
    "charge and discharge meter of the storage battery system of PV system i "
    "(inferred: the summary names the quantities, not the meters)"
)


def build(variant: Mapping[str, Any]) -> Methodology:
    """The methodology record of one variant of ``variants.toml``."""
    country, form = variant["country"], variant["form"]
    with_grid = bool(grids(country))
    notes = [
        f"unknown, required from the project file or reconstructed: {u}" for u in variant["unknown"]
    ]
    notes.append(f"eligibility: {CRITERIA_NOTE}")
    indices = [_systems(country, with_grid)]
    table = factor_table(country)
    if not with_grid:
        table = DefaultTable(
            name="best diesel generator",
            version=table.version,
            keys=("connection_case",),
            rows={("off-grid",): BEST_DIESEL},
            source="jcmcalc.tools.electricity.BEST_DIESEL",
        )
    eg_description = "Electricity generated by PV system i in period p (AC output meter)"
    eg_meter = AC_METER
    if form == "consumed-or-sold":
        eg_description = (
            "Electricity from PV system i consumed on site or sold to the utility in period p"
        )
        eg_meter = (
            "electricity meters on the supply to the on-site consumers and to the utility "
            "(inferred: the summary names the quantity, not the meters)"
        )
    generated = Parameter(
        "EG_i,p",
        "electricity_generated",
        "MWh",
        Kind.MONITORED,
        eg_description,
        index=("i",),
        monitoring=metered(eg_meter),
    )
    parameters: list[Parameter] = []
    equations: list[Equation] = []
    if form == "category-of-day":
        indices = [Index("i", "systems", "PV system")]  # the day's category sets the factor
        indices.append(
            Index("c", "categories", "category of day", members=CATEGORIES, column="category")
        )
        generated = Parameter(
            "EG_i,c,p",
            "electricity_generated",
            "MWh",
            Kind.MONITORED,
            "Electricity generated by PV system i on days of category c in period p "
            "(daily data, summed by the category of each day)",
            index=("i", "c"),
            inferred="daily data are summed per category of day, each category with its factor",
            monitoring=Monitoring(
                ("C",),
                f"{AC_METER}; each day's reading counts under that day's category (inferred)",
                "daily readings, summed per category of day for the monitoring period "
                "(inferred: the category of day d is monitored per day)",
            ),
        )
        factor = _factor(
            country,
            ("c",),
            DefaultTable(
                name="category-of-day factors",
                version=table.version,
                keys=("category",),
                rows={("off-grid",): BEST_DIESEL},
                source="jcmcalc.tools.electricity.BEST_DIESEL",
            ),
        )
        factor = Parameter(
            factor.symbol,
            factor.name,
            factor.unit,
            factor.kind,
            "Reference emission factor of category of day c: the grid factor on days the grid "
            "supplies, 0.533 on days an off-grid diesel generator would",
            index=("c",),
            default=factor.default,
            inferred="category of day chooses the factor",
        )
        parameters += [generated, factor]
        energy = total("c", electricity_emissions(generated.ref, factor.ref))
        reference = total("i", energy)
    elif form == "battery":
        pv = Parameter(
            "EG_PV,i,p",
            "pv_output",
            "MWh",
            Kind.MONITORED,
            "Electricity generated by PV system i at its AC output in period p",
            index=("i",),
            monitoring=metered(AC_METER),
        )
        charge = Parameter(
            "EC_charge,i,p",
            "battery_charge",
            "MWh",
            Kind.MONITORED,
            "Electricity charged into the storage battery from PV system i "
            "(give 0 when the option meters delivered output directly)",
            index=("i",),
            monitoring=metered(BATTERY_METER),
        )
        discharge = Parameter(
            "EG_discharge,i,p",
            "battery_discharge",
            "MWh",
            Kind.MONITORED,
            "Electricity discharged from the storage battery of PV system i "
            "(give 0 when the option meters delivered output directly)",
            index=("i",),
            monitoring=metered(BATTERY_METER),
        )
        factor = _factor(country, ("i",), table)
        parameters += [pv, charge, discharge, factor]
        delivered = Equation(
            "EG_i,p",
            "electricity_delivered",
            pv.ref - charge.ref + discharge.ref,
            "MWh",
            "Electricity delivered by PV system i and its battery",
            index=("i",),
            inferred="delivered = PV output - battery charge + battery discharge (battery "
            "charged from PV only)",
        )
        equations.append(delivered)
        reference = total("i", electricity_emissions(delivered.ref, factor.ref))
        generated = pv
    else:
        factor = _factor(country, ("i",), table)
        parameters += [generated, factor]
        reference = total("i", electricity_emissions(generated.ref, factor.ref))
    equations += [
        Equation("RE_p", REFERENCE, reference, "t_CO2", "Reference emissions in period p"),
        Equation(
            "PE_p",
            PROJECT,
            Constant(0, unit="t_CO2"),
            "t_CO2",
            "Project emissions in period p: a PV system emits nothing in operation",
        ),
    ]
    return Methodology(
        id=variant["id"],
        version=variant["version"],
        title=variant["title"],
        about=About(
            family="solar-pv",
            sectoral_scope="1: Energy industries (renewable / non-renewable sources)",
            status="approved",
            source=variant["source"],
            country=country,
            approved=variant["approved"],
        ),
        indices=tuple(indices),
        parameters=tuple(parameters),
        equations=tuple(equations),
        criteria=_criteria(form),
        estimate=None if form == "category-of-day" else _estimate(generated),
        notes=tuple(notes),
    )


@cache
def variants() -> tuple[dict[str, Any], ...]:
    """The variant records of ``variants.toml``."""
    return variant_records(__package__)


def methodologies() -> list[Methodology]:
    return [build(variant) for variant in variants()]
