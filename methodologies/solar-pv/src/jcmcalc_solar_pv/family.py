"""The solar PV family: equations declared once, each approved variant built from data.

RE_p = sum_i EG_i,p x EF_RE,i and PE_p = 0 [read: methodology summaries]. The variants differ
in what EG means (VN_AM007), in a category of day choosing the factor (KH_AM002, use
inferred), and in a storage battery (ID_AM017, equation inferred).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from functools import cache
from typing import Any

import attrs

from jcmcalc.model.expressions import Constant, Term, select, total
from jcmcalc.model.methodology import (
    PERIOD_HOURS,
    PROJECT,
    REFERENCE,
    About,
    Check,
    Criterion,
    Equation,
    Estimate,
    Index,
    Methodology,
    Severity,
)
from jcmcalc.model.parameters import (
    FRACTION,
    NON_NEGATIVE,
    POSITIVE,
    Bounds,
    Confidence,
    DefaultTable,
    Kind,
    Monitoring,
    Parameter,
    WhenAbsent,
    metered,
)
from jcmcalc.run.estimate import YEAR_NUMBER
from jcmcalc.tools.data import variant_records
from jcmcalc.tools.electricity import (
    BEST_DIESEL,
    CONNECTION_CASES,
    electricity_emissions,
    grids,
    reference_factors,
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


def _systems(country: str, with_grid: bool, battery: bool) -> Index:
    """The PV systems: an off-grid system names no grid; with ``battery`` (ID_AM017), a system
    says ``battery = true`` when it has one (without it, none: its terms are zero)."""
    attributes: dict[str, tuple[str, ...]] = {"connection_case": CONNECTION_CASES}
    if with_grid:
        attributes = {"grid": grids(country), **attributes}
    defaults = {}
    if battery:
        attributes["battery"] = ("true", "false")
        defaults["battery"] = "false"
    return Index(
        "i",
        "systems",
        "PV system",
        attributes=attributes,
        defaults=defaults,
        unless={"grid": ("connection_case", "off-grid")},
    )


def _factor(table: DefaultTable) -> Parameter:
    return Parameter(
        "EF_RE,i",
        "reference_emission_factor",
        "t_CO2/MWh",
        Kind.METHODOLOGY,
        "Reference CO2 emission factor, chosen by the system's connection case: the "
        "conservative grid factor (grid only), min(grid factor, 0.533) (grid plus captive "
        "generator) or 0.533 (off-grid)",
        index=("i",),
        default=table,
    )


#: Rated (DC, peak) capacity of a PV system: an ordinary fixed parameter of the project, used
#: by the ex-ante estimate and by the plausibility bound of the monitored output.
CAPACITY = Parameter(
    "P_rated,i",
    "rated_capacity",
    "kWp",
    Kind.PROJECT,
    "Rated (peak) capacity of PV system i: the ex-ante estimate uses it, and the monitored "
    "output is checked against it (not given: the check is skipped)",
    index=("i",),
    bounds=POSITIVE,
    when_absent=WhenAbsent.UNKNOWN,
)
#: The largest plausible capacity factor of a PV system in any period, against its peak
#: rating. jcmcalc's own bound, NOT from a methodology: at the rating's 1,000 W/m2 it means
#: 12 full-load hours every day, about twice what the sunniest sites yield in a year.
MAX_CAPACITY_FACTOR = Constant(Fraction(1, 2), label="CF_max")
MWH_PER_KWH = Constant(Fraction(1, 1000), unit="MWh/kWh", label="1/1000 MWh/kWh")


def _plausible(generated: Parameter) -> Check:
    """A warning: the metered output of a system above CF_max x P_rated,i x H_p."""
    return Check(
        "capacity factor",
        generated.ref,
        MAX_CAPACITY_FACTOR * CAPACITY.ref * PERIOD_HOURS.ref * MWH_PER_KWH,
        "a PV system's output cannot plausibly exceed a capacity factor of 50% (CF_max, "
        "12 full-load hours a day) of its rated capacity over the period",
        index=("i",),
        inferred="plausibility bound of jcmcalc, not of the methodology: CF_max = 0.5 is our "
        "labelled upper limit, not a sourced figure",
        severity=Severity.WARNING,
    )


def _estimate(target: Parameter) -> Estimate:
    capacity = CAPACITY
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
    return Estimate((yield_, degradation, YEAR_NUMBER), (equation,))


#: The summaries read: reference emissions "on the basis of the AC output of the solar PV
#: system(s)" (KE_AM002, KH_AM002).
AC_METER = "electricity meter at the AC output of PV system i (read: methodology summaries)"
BATTERY_METER = (
    "charge and discharge meter of the storage battery system of PV system i "
    "(inferred: the summary names the quantities, not the meters)"
)

#: Category of day (KH_AM002): the day's category, not the system, sets the factor.
CATEGORY_INDICES = (
    Index("i", "systems", "PV system"),
    Index("c", "categories", "category of day", members=CATEGORIES, column="category"),
)
GENERATED_BY_CATEGORY = Parameter(
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

#: Storage battery (ID_AM017).
PV_OUTPUT = Parameter(
    "EG_PV,i,p",
    "pv_output",
    "MWh",
    Kind.MONITORED,
    "Electricity generated by PV system i at its AC output in period p",
    index=("i",),
    monitoring=metered(AC_METER),
)
BATTERY_CHARGE = Parameter(
    "EC_charge,i,p",
    "battery_charge",
    "MWh",
    Kind.MONITORED,
    "Electricity charged into the storage battery from PV system i "
    "(a system without a battery gives none)",
    index=("i",),
    monitoring=metered(BATTERY_METER),
)
BATTERY_DISCHARGE = Parameter(
    "EG_discharge,i,p",
    "battery_discharge",
    "MWh",
    Kind.MONITORED,
    "Electricity discharged from the storage battery of PV system i "
    "(a system without a battery gives none)",
    index=("i",),
    monitoring=metered(BATTERY_METER),
)
DELIVERED = Equation(
    "EG_i,p",
    "electricity_delivered",
    select(
        "battery",
        {
            "true": PV_OUTPUT.ref - BATTERY_CHARGE.ref + BATTERY_DISCHARGE.ref,
            "false": PV_OUTPUT.ref,
        },
    ),
    "MWh",
    "Electricity delivered by PV system i and its battery (battery = true), or its PV output "
    "alone (a system without a battery: battery = false or not given)",
    index=("i",),
    inferred="delivered = PV output - battery charge + battery discharge (battery "
    "charged from PV only)",
)

NO_PROJECT_EMISSIONS = Equation(
    "PE_p",
    PROJECT,
    Constant(0, unit="t_CO2"),
    "t_CO2",
    "Project emissions in period p: a PV system emits nothing in operation",
)


def _reference_emissions(reference: Term) -> Equation:
    return Equation("RE_p", REFERENCE, reference, "t_CO2", "Reference emissions in period p")


def _generated(form: str) -> Parameter:
    """EG_i,p, metered at the AC output or, for VN_AM007, as consumed on site or sold."""
    description = "Electricity generated by PV system i in period p (AC output meter)"
    meter = AC_METER
    if form == "consumed-or-sold":
        description = (
            "Electricity from PV system i consumed on site or sold to the utility in period p"
        )
        meter = (
            "electricity meters on the supply to the on-site consumers and to the utility "
            "(inferred: the summary names the quantity, not the meters)"
        )
    return Parameter(
        "EG_i,p",
        "electricity_generated",
        "MWh",
        Kind.MONITORED,
        description,
        index=("i",),
        monitoring=metered(meter),
    )


def _category_of_day(table: DefaultTable) -> tuple[list[Parameter], list[Equation]]:
    """EG_i,c,p with the factor EF_RE,c of each category of day, and RE_p."""
    factor = Parameter(
        "EF_RE,c",
        "reference_emission_factor",
        "t_CO2/MWh",
        Kind.METHODOLOGY,
        "Reference emission factor of category of day c: the grid factor on days the grid "
        "supplies, 0.533 on days an off-grid diesel generator would",
        index=("c",),
        default=DefaultTable(
            name="category-of-day factors",
            version=table.version,
            keys=("category",),
            rows={("off-grid",): BEST_DIESEL},
            source="jcmcalc.tools.electricity.BEST_DIESEL",
        ),
        inferred="category of day chooses the factor",
    )
    energy = total("c", electricity_emissions(GENERATED_BY_CATEGORY.ref, factor.ref))
    return [GENERATED_BY_CATEGORY, factor], [_reference_emissions(total("i", energy))]


def _battery(table: DefaultTable) -> tuple[list[Parameter], list[Equation]]:
    """PV output, battery charge and discharge, the electricity delivered, and RE_p."""
    factor = _factor(table)
    reference = total("i", electricity_emissions(DELIVERED.ref, factor.ref))
    parameters = [PV_OUTPUT, BATTERY_CHARGE, BATTERY_DISCHARGE, factor]
    return parameters, [DELIVERED, _reference_emissions(reference)]


def _metered_output(form: str, table: DefaultTable) -> tuple[list[Parameter], list[Equation]]:
    """EG_i,p with the factor EF_RE,i of each system, and RE_p."""
    generated = _generated(form)
    factor = _factor(table)
    reference = total("i", electricity_emissions(generated.ref, factor.ref))
    return [generated, factor], [_reference_emissions(reference)]


def _unread_revision(
    variant: Mapping[str, Any], parameters: list[Parameter], equations: list[Equation]
) -> tuple[list[Parameter], list[Equation], list[str]]:
    """A version whose text was not read: every equation and the factor labelled as taken
    from the version it ``revises``, and the notes saying so (nothing for a version read)."""
    earlier = variant.get("revises", "")
    if not earlier:
        return parameters, equations, []
    taken = f"taken from ver {earlier}: the text of ver {variant['version']} was not read"
    equations = [
        attrs.evolve(e, inferred=f"{e.inferred}; {taken}" if e.inferred else taken)
        for e in equations
    ]
    parameters = [
        attrs.evolve(p, inferred=f"factor table {taken}") if p.symbol.startswith("EF_RE") else p
        for p in parameters
    ]
    notes = [
        f"what differs from ver {earlier} is unknown: the text of ver {variant['version']} was "
        f"not read, so this record takes the family's equations, criteria and default tables "
        f"of ver {earlier} (inferred)",
        *variant.get("notes", ()),
    ]
    return parameters, equations, notes


def _status(variant: Mapping[str, Any]) -> str:
    if variant.get("revises"):
        return f"approved; text not read (equations of ver {variant['revises']} assumed)"
    return "approved"


def build(variant: Mapping[str, Any]) -> Methodology:
    """The methodology record of one variant of ``variants.toml``."""
    country, form = variant["country"], variant["form"]
    notes = [
        f"unknown, required from the project file or reconstructed: {u}" for u in variant["unknown"]
    ]
    notes.append(f"eligibility: {CRITERIA_NOTE}")
    table = reference_factors(country)
    if form == "category-of-day":
        indices = CATEGORY_INDICES
        parameters, equations = _category_of_day(table)
    else:
        indices = (_systems(country, bool(grids(country)), form == "battery"),)
        if form == "battery":
            parameters, equations = _battery(table)
        else:
            parameters, equations = _metered_output(form, table)
    # the estimate predicts the metered output, the first parameter (EG_i,p or EG_PV,i,p),
    # which the capacity also bounds
    estimate = checks = None
    if form != "category-of-day":
        estimate, checks = _estimate(parameters[0]), (_plausible(parameters[0]),)
        parameters = [*parameters, CAPACITY]
    parameters, equations, revision = _unread_revision(
        variant, parameters, [*equations, NO_PROJECT_EMISSIONS]
    )
    return Methodology(
        id=variant["id"],
        version=variant["version"],
        title=variant["title"],
        about=About(
            family="solar-pv",
            sectoral_scope="1: Energy industries (renewable / non-renewable sources)",
            status=_status(variant),
            source=variant["source"],
            country=country,
            approved=variant["approved"],
            confidence=Confidence.INFERRED if revision else Confidence.READ,
        ),
        indices=indices,
        parameters=tuple(parameters),
        equations=tuple(equations),
        criteria=_criteria(form),
        checks=checks or (),
        estimate=estimate,
        notes=(*revision, *notes),
    )


@cache
def variants() -> tuple[dict[str, Any], ...]:
    """The variant records of ``variants.toml``."""
    return variant_records(__package__)


def methodologies() -> list[Methodology]:
    return [build(variant) for variant in variants()]
