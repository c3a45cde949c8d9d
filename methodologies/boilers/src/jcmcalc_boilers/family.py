"""The high-efficiency boiler family: equations declared once, each option built from data.

Structure [standard] (JCM_REFERENCE.md section 6): the project boilers deliver the heat that the
replaced, less efficient boilers would have delivered, so the reference fuel follows from the
efficiency ratio::

    Q_k,p  = sum_j FC_k,j,p x NCV_j x eta_PJ,k         heat delivered by boiler k [GJ]
    RE_p   = sum_k Q_k,p / eta_RE,k x EF_RE             [t_CO2]
    PE_p   = sum_k sum_j FC_k,j,p x NCV_j x EF_PJ,j     (+ sum_e EC_aux,e,p x EF_elec,e)
    ER_p   = RE_p - PE_p

No approved JCM boiler methodology text ships with jcmcalc: every specific below (which IPCC
bound each factor uses, the split of the factors, monitoring options, the heat-output and
auxiliary-electricity forms) is [inferred] and labelled so in the methodology record.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from jcmcalc.model.expressions import Term, total
from jcmcalc.model.methodology import (
    PROJECT,
    REFERENCE,
    About,
    Check,
    Criterion,
    Equation,
    Index,
    Methodology,
    expectation,
)
from jcmcalc.model.parameters import (
    FRACTION,
    POSITIVE,
    Confidence,
    Kind,
    Parameter,
    metered,
)
from jcmcalc.tools.data import variant_records
from jcmcalc.tools.electricity import electricity_emissions, grid_only_factors
from jcmcalc.tools.fuel import (
    FUEL_MONITORING,
    NCV_UNITS,
    QUANTITY_UNITS,
    fuel_combustion,
    ipcc_default,
    ipcc_fuels,
)

ABOUT = About(
    family="boilers",
    sectoral_scope="3: Energy demand",
    status="reconstructed",
    source="no approved JCM boiler methodology text available: standard structure of "
    "shared/domain/JCM_REFERENCE.md section 6, specifics inferred",
    country="any",
    confidence=Confidence.INFERRED,
)
FORMS = ("fuel", "switch", "heat", "steam")
NEGATIVE_ER = "emission reductions may be negative"

#: Which IPCC 2006 bound each factor takes [inferred]: the conservative one for its term.
BOUND_REFERENCE_EF = "lower"  # EF_RE only raises RE
BOUND_PROJECT_EF = "upper"  # EF_PJ,j only raises PE
BOUND_NCV_FUEL_BASED = "lower"  # NCV_j scales both RE and PE, so ER too (ER > 0): lower
BOUND_NCV_PE_ONLY = "upper"  # heat-output options: NCV_j appears in PE only

NOTES = (
    "status reconstructed: no approved JCM boiler methodology text is shipped; the equation "
    "structure is standard (JCM_REFERENCE.md section 6), its specifics are inferred",
    "inferred: EF_RE (reference fuel) uses the IPCC 2006 lower bound, EF_PJ,j (project fuel) "
    "the upper bound, also when both are the same fuel",
    "inferred: NCV_j is one value per fuel shared by RE and PE (the heat Q depends on it); in "
    "the fuel-based options it uses the IPCC lower bound (ER grows with it), in the heat-output "
    "options, where it enters PE only, the upper bound",
    "inferred: the IPCC NCVs are on the mass basis; a fuel measured by volume (kL, m3, Nm3 at "
    "0 degC and 101.325 kPa) needs its NCV per volume from the project file with its source",
    "inferred: eta_RE,k is fixed by the methodology, but no value table is shipped: the "
    "project file gives it per boiler with its source (the highest efficiency of the "
    "conventional technology)",
    "eligibility: criteria text of an approved methodology was not available; typical "
    "criteria, reconstructed",
)


def _criteria(form: str) -> tuple[Criterion, ...]:
    criteria = [
        Criterion(
            "C1",
            "The project installs high-efficiency boiler(s) (e.g. once-through or heat-only "
            "boilers) replacing or displacing conventional fossil-fuel boilers.",
            Confidence.INFERRED,
        ),
        Criterion(
            "C2",
            "The efficiency of each project boiler is certified by the manufacturer's catalogue "
            "or a performance test.",
            Confidence.INFERRED,
        ),
    ]
    if form in ("heat", "steam"):
        criteria.append(
            Criterion(
                "C3",
                "The heat output of each project boiler is measured (heat meter, or steam flow "
                "meter with pressure and temperature).",
                Confidence.INFERRED,
            )
        )
    return tuple(criteria)


def _fuel_parameters(ncv_bound: str) -> tuple[Parameter, Parameter, Parameter]:
    consumption = Parameter(
        "FC_k,j,p",
        "fuel_consumption",
        QUANTITY_UNITS,
        Kind.MONITORED,
        "Fuel j fired in project boiler k in period p (mass, or volume of a liquid or a gas "
        "at 0 degC and 101.325 kPa); give 0 for a fuel a boiler does not fire",
        index=("k", "j"),
        inferred="monitoring options B (invoices) or C (fuel meter)",
        monitoring=FUEL_MONITORING,
    )
    ncv = Parameter(
        "NCV_j",
        "net_calorific_value",
        NCV_UNITS,
        Kind.PROJECT,
        "Net calorific value of fuel j, on the basis of its quantity (GJ/t, GJ/kL, GJ/Nm3)",
        index=("j",),
        bounds=POSITIVE,
        default=ipcc_default("ncv", ncv_bound),
        inferred=f"IPCC 2006 {ncv_bound} bound by default; supplier data may override",
    )
    project_ef = Parameter(
        "EF_PJ,j",
        "project_emission_factor",
        "t_CO2/GJ",
        Kind.METHODOLOGY,
        "CO2 emission factor of fuel j fired in the project boilers",
        index=("j",),
        default=ipcc_default("ef", BOUND_PROJECT_EF),
        inferred=f"IPCC 2006 {BOUND_PROJECT_EF} bound (conservative for project emissions)",
    )
    return consumption, ncv, project_ef


def _efficiency(symbol: str, name: str, kind: Kind, description: str, **extra: Any) -> Parameter:
    return Parameter(
        symbol, name, "dimensionless", kind, description, index=("k",), bounds=FRACTION, **extra
    )


REFERENCE_EFFICIENCY = _efficiency(
    "eta_RE,k",
    "reference_efficiency",
    Kind.METHODOLOGY,
    "Efficiency of the reference boiler for project boiler k: the highest efficiency of "
    "the conventional technology (conservative)",
    inferred="no value table shipped: the project file gives it with its source",
)
PROJECT_EFFICIENCY = _efficiency(
    "eta_PJ,k",
    "project_efficiency",
    Kind.PROJECT,
    "Efficiency of project boiler k (catalogue or performance test, fixed ex ante)",
)
HEAT_METERED = Parameter(
    "Q_HM,k,p",
    "heat_metered",
    "GJ",
    Kind.MONITORED,
    "Heat delivered by project boiler k in period p, by heat meter",
    index=("k",),
    monitoring=metered("heat meter on the output of project boiler k (inferred)"),
)
STEAM_GENERATED = Parameter(
    "SG_k,p",
    "steam_generated",
    "t",
    Kind.MONITORED,
    "Steam generated by project boiler k in period p (steam flow meter)",
    index=("k",),
    monitoring=metered("steam flow meter at the outlet of project boiler k (inferred)"),
)
ENTHALPY_RISE = Parameter(
    "Delta_h,k",
    "enthalpy_rise",
    "GJ/t",
    Kind.PROJECT,
    "Specific enthalpy of the steam less that of the feed water for boiler k, from "
    "steam tables at the design pressure and temperatures (e.g. 2.4 GJ/t = 2400 kJ/kg)",
    index=("k",),
    inferred="enthalpy rise fixed ex ante per boiler from its design conditions",
)
AUX_FACTOR_NOTE = (
    "inferred: the shipped JCM grid factors are built to be conservative for reference "
    "emissions; as a project emission factor they may be low: override with a higher "
    "sourced factor where the project's validator requires it"
)


def _indices(form: str) -> list[Index]:
    """The boilers k (with their reference fuel unless the fuel stays the same) and fuels j."""
    fuels = Index("j", "fuels", "fuel", attributes={"fuel": ipcc_fuels()})
    boiler_attributes: dict[str, tuple[str, ...]] = {}
    if form != "fuel":
        boiler_attributes["reference_fuel"] = ipcc_fuels()
    boilers = Index("k", "boilers", "boiler", attributes=boiler_attributes)
    return [boilers, fuels]


def _reference_factor(form: str) -> Parameter:
    """EF_RE: per fuel j when the fuel stays the same, else per boiler k by its reference fuel."""
    inferred = f"IPCC 2006 {BOUND_REFERENCE_EF} bound (conservative for reference emissions)"
    if form == "fuel":
        return Parameter(
            "EF_RE,j",
            "reference_emission_factor",
            "t_CO2/GJ",
            Kind.METHODOLOGY,
            "CO2 emission factor of fuel j as the fuel of the reference boilers (same fuel)",
            index=("j",),
            default=ipcc_default("ef", BOUND_REFERENCE_EF),
            inferred=inferred,
        )
    return Parameter(
        "EF_RE,k",
        "reference_emission_factor",
        "t_CO2/GJ",
        Kind.METHODOLOGY,
        "CO2 emission factor of the reference fuel of boiler k (the fuel the reference "
        "boiler would fire, from the boiler's reference_fuel)",
        index=("k",),
        default=ipcc_default("ef", BOUND_REFERENCE_EF, key="reference_fuel"),
        inferred=inferred,
    )


def _heat_delivered(
    form: str, consumption: Parameter, ncv: Parameter
) -> tuple[list[Parameter], Equation]:
    """Q_k,p with the parameters it adds: from the fuel (switch) or measured (heat, steam)."""
    if form == "switch":
        heat = Equation(
            "Q_k,p",
            "heat_delivered",
            total("j", consumption.ref * ncv.ref) * PROJECT_EFFICIENCY.ref,
            "GJ",
            "Heat delivered by project boiler k in period p (fuel energy x efficiency)",
            index=("k",),
        )
        return [], heat
    if form == "heat":
        added = [HEAT_METERED]
        heat_term: Term = HEAT_METERED.ref
        inferred = "heat measured directly by a heat meter"
    else:
        added = [STEAM_GENERATED, ENTHALPY_RISE]
        heat_term = STEAM_GENERATED.ref * ENTHALPY_RISE.ref
        inferred = "heat = steam mass x enthalpy rise (feed water to steam)"
    heat = Equation(
        "Q_k,p",
        "heat_delivered",
        heat_term,
        "GJ",
        "Heat delivered by project boiler k in period p",
        index=("k",),
        inferred=inferred,
    )
    return added, heat


def _boilers(form: str) -> tuple[list[Parameter], list[Equation], tuple[Check, ...]]:
    """Parameters, equations up to RE_k,p and PE_k,p (the last two), and checks of one form."""
    fuel_based = form in ("fuel", "switch")
    ncv_bound = BOUND_NCV_FUEL_BASED if fuel_based else BOUND_NCV_PE_ONLY
    consumption, ncv, project_ef = _fuel_parameters(ncv_bound)
    reference_ef = _reference_factor(form)
    parameters = [consumption, ncv, project_ef, REFERENCE_EFFICIENCY, reference_ef]
    equations: list[Equation] = []
    checks: tuple[Check, ...] = ()
    if fuel_based:
        parameters.append(PROJECT_EFFICIENCY)
        checks = (expectation(PROJECT_EFFICIENCY, REFERENCE_EFFICIENCY, NEGATIVE_ER),)
    if form == "fuel":
        boiler_reference = (
            fuel_combustion("j", consumption.ref, ncv.ref, reference_ef.ref)
            * PROJECT_EFFICIENCY.ref
            / REFERENCE_EFFICIENCY.ref
        )
    else:
        added, heat = _heat_delivered(form, consumption, ncv)
        parameters += added
        equations.append(heat)
        boiler_reference = heat.ref / REFERENCE_EFFICIENCY.ref * reference_ef.ref
    equations.append(
        Equation(
            "RE_k,p",
            "reference_emissions_boiler",
            boiler_reference,
            "t_CO2",
            "Reference emissions for the heat of project boiler k in period p",
            index=("k",),
        )
    )
    equations.append(
        Equation(
            "PE_k,p",
            "project_emissions_boiler",
            fuel_combustion("j", consumption.ref, ncv.ref, project_ef.ref),
            "t_CO2",
            "Project emissions of the fuels fired in project boiler k in period p",
            index=("k",),
        )
    )
    return parameters, equations, checks


def _auxiliary_electricity() -> tuple[Index, list[Parameter], Equation]:
    """The supplies e of the boilers' auxiliary electricity, its parameters and PE_aux,p."""
    supplies = Index(
        "e",
        "electricity",
        "auxiliary electricity supply",
        attributes={"country": (), "grid": ()},
        column="supply",
    )
    consumed = Parameter(
        "EC_aux,e,p",
        "auxiliary_electricity",
        "MWh",
        Kind.MONITORED,
        "Electricity consumed by the auxiliaries of the project boilers (pumps, fans, "
        "feed-water treatment) from supply e in period p",
        index=("e",),
        monitoring=metered("electricity meter on the boiler auxiliaries, per supply e (inferred)"),
    )
    factor = Parameter(
        "EF_elec,e",
        "electricity_emission_factor",
        "t_CO2/MWh",
        Kind.METHODOLOGY,
        "CO2 emission factor of electricity supply e",
        index=("e",),
        default=grid_only_factors("auxiliary electricity"),
        inferred="the JCM grid factor (grid-only case) by country and grid; captive "
        "supply or another country: a sourced value from the project file",
    )
    aux_pe = Equation(
        "PE_aux,p",
        "project_emissions_auxiliary",
        total("e", electricity_emissions(consumed.ref, factor.ref)),
        "t_CO2",
        "Project emissions of the boilers' auxiliary electricity in period p",
        inferred="auxiliary electricity counted in project emissions",
    )
    return supplies, [consumed, factor], aux_pe


def build(variant: Mapping[str, Any], aux: bool) -> Methodology:
    """The methodology record of one option of ``variants.toml``, with or without aux power."""
    form = variant["form"]
    if form not in FORMS:
        raise ValueError(f"unknown boiler form {form!r}")
    indices = _indices(form)
    parameters, equations, checks = _boilers(form)
    boiler_re, boiler_pe = equations[-2:]
    project_emissions: Term = total("k", boiler_pe.ref)
    notes = NOTES
    if aux:
        supplies, aux_parameters, aux_pe = _auxiliary_electricity()
        indices.append(supplies)
        parameters += aux_parameters
        equations.append(aux_pe)
        project_emissions = project_emissions + aux_pe.ref
        notes = (*NOTES, AUX_FACTOR_NOTE)
    equations += [
        Equation(
            "RE_p",
            REFERENCE,
            total("k", boiler_re.ref),
            "t_CO2",
            "Reference emissions in period p",
        ),
        Equation("PE_p", PROJECT, project_emissions, "t_CO2", "Project emissions in period p"),
    ]
    return Methodology(
        id=variant["id"] + ("_AUX" if aux else ""),
        version=variant["version"],
        title=variant["title"] + (", with auxiliary electricity" if aux else ""),
        about=ABOUT,
        indices=tuple(indices),
        parameters=tuple(parameters),
        equations=tuple(equations),
        criteria=_criteria(form),
        checks=checks,
        notes=notes,
    )


@cache
def variants() -> tuple[dict[str, Any], ...]:
    """The variant records of ``variants.toml``."""
    return variant_records(__package__)


def methodologies() -> list[Methodology]:
    return [build(variant, aux) for variant in variants() for aux in (False, True)]
