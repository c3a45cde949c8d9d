"""F-gas recovery and destruction: equations declared once, each record built from data.

RECONSTRUCTED from the common structure of destruction protocols (no approved JCM text was
available; JCM_REFERENCE.md section 7)::

    W_k,p         = sum over cylinders (gross - tare) x x_k                  [t]
    RE_p          = sum_k W_k,p x GWP_k x CR_k                               [t_CO2e]
    PE_energy,p   = EC_p x EF_elec + sum_j FC_j,p x NCV_j x EF_CO2,j         [t_CO2]
    PE_conv,p     = sum_k W_k,p x n_C,k x M_CO2 / M_k                        [t_CO2]
    PE_residual,p = sum_k W_k,p x (1 - DE) x GWP_k                           [t_CO2e]
    PE_p          = PE_energy,p + PE_conv,p + PE_residual,p
    ER_p          = RE_p - PE_p

``CR_k`` is 1 for a species the record credits and 0 otherwise (methodology data). Only HFCs
may be credited, in every record: the JCM fluorocarbon programme of Japan's environment ministry
targets HFCs, and CFCs and HCFCs (Montreal Protocol) are outside the Paris Agreement basket that
JCM credits count toward. Project emissions count every species destroyed, creditable or not:
the facility burns them all. A species destroyed but not credited is named in a notice.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from jcmcalc.model.expressions.walkers import Constant, total
from jcmcalc.model.methodology import (
    PERIOD_HOURS,
    PROJECT,
    REFERENCE,
    About,
    Check,
    Criterion,
    Equation,
    Index,
    Methodology,
    Severity,
)
from jcmcalc.model.parameters import (
    FRACTION,
    POSITIVE,
    Bounds,
    Confidence,
    Default,
    Kind,
    Monitoring,
    Parameter,
    WhenAbsent,
    metered,
)
from jcmcalc.tools.electricity import electricity_emissions
from jcmcalc.tools.fuel import (
    FUEL_MONITORING,
    biogenic_carbon,
    fuel_combustion,
    ipcc_default,
    ipcc_fuels,
)
from jcmcalc.tools.gwp import (
    CO2_MOLAR_MASS_DEFAULT,
    carbon_atoms_table,
    fgas_species,
    gwp_table,
    molar_mass_table,
)
from jcmcalc_fgas_destruction.creditable import (
    creditable_table,
    destroyed_not_credited,
    hfcs_only,
)
from jcmcalc_fgas_destruction.cylinders import MASS, SPECIES_INDEX

ABOUT = About(
    family="fgas-destruction",
    sectoral_scope="11: Fugitive emissions from production and consumption of halocarbons and SF6",
    status="reconstructed",
    source="reconstructed from destruction-protocol practice (jcmcalc JCM_REFERENCE.md "
    "section 7); no approved JCM methodology text was available",
    confidence=Confidence.INFERRED,
)
RECONSTRUCTED_NOTE = (
    "RECONSTRUCTED methodology (status 'reconstructed'): no approved JCM text for fluorocarbon "
    "destruction was available; equations, parameters, defaults and eligibility criteria follow "
    "the common structure of destruction protocols and are not those of an approved methodology"
)
DESTRUCTION_EFFICIENCY = Default(
    value="0.9999",
    source=(
        "99.99 % destruction and removal efficiency, the performance that the UNEP TEAP Task "
        "Force on Destruction Technologies (2002) asks of destruction of concentrated ODS sources"
    ),
    confidence=Confidence.INFERRED,
    note="used as the default DE of the facility; a stack test may replace it (override)",
)


#: Eligibility criteria C1, C2, C3: reconstructed, inferred.
CRITERIA = tuple(
    Criterion(f"C{number}", text, Confidence.INFERRED)
    for number, text in enumerate(
        (
            "The project recovers fluorocarbons from end-of-life equipment and destroys them in "
            "a facility whose destruction efficiency is at least DE.",
            "Every cylinder is weighed full and empty on a calibrated scale, and the composition "
            "of its content is analysed (or its blend designation confirmed) before destruction.",
            "No law or regulation requires the destruction of the recovered fluorocarbons.",
        ),
        start=1,
    )
)


MASS_DESTROYED = Parameter(
    "W_k,p",
    MASS,
    "t",
    Kind.MONITORED,
    "Mass of species k destroyed in period p: sum over the cylinders emptied into the "
    "destruction unit of (gross - tare) x analysed mass fraction of k",
    index=(SPECIES_INDEX,),
    when_absent=WhenAbsent.ZERO,
    monitoring=Monitoring(
        ("C",),
        "each cylinder weighed full (gross) and empty (tare) on a calibrated scale; a sample "
        "of its content analysed for the mass fractions (inferred: standard structure of "
        "destruction protocols)",
        "every cylinder fed to the destruction unit, totalled for the monitoring period (inferred)",
    ),
)
#: The destruction unit's rated feed capacity: where the project states it, the mass destroyed in
#: a period is checked against it.
FEED_CAPACITY = Parameter(
    "Q_feed",
    "feed_capacity",
    "kg/h",
    Kind.PROJECT,
    "Rated feed capacity of the destruction unit (not given: the plausibility check on the "
    "mass destroyed is skipped)",
    bounds=POSITIVE,
    when_absent=WhenAbsent.UNKNOWN,
    inferred="used only for the plausibility bound on the mass destroyed",
)
#: The mass destroyed cannot exceed what the unit can take in the period at its rated feed.
FEED_BOUND = Check(
    "feed capacity",
    total(SPECIES_INDEX, MASS_DESTROYED.ref),
    FEED_CAPACITY.ref * PERIOD_HOURS.ref * Constant(Fraction(1, 1000), "t/kg", "1 t/1000 kg"),
    "the gas destroyed in a period cannot exceed the destruction unit's rated feed capacity "
    "x the hours in the period [plausibility bound of jcmcalc, not of the methodology]",
    inferred="the bound sum_k W_k,p <= Q_feed x H_p is our use of the rated feed capacity",
    severity=Severity.WARNING,
)
MOLAR_MASS_CO2 = Parameter(
    "M_CO2",
    "molar_mass_co2",
    "kg_CO2/kmol",
    Kind.METHODOLOGY,
    "Molar mass of CO2 (kg/kmol = g/mol), from the same atomic weights",
    bounds=POSITIVE,
    default=CO2_MOLAR_MASS_DEFAULT,
)
EFFICIENCY = Parameter(
    "DE",
    "destruction_efficiency",
    "dimensionless",
    Kind.PROJECT,
    "Destruction efficiency of the facility: the mass fraction of the fed gas destroyed",
    bounds=FRACTION,
    default=DESTRUCTION_EFFICIENCY,
    inferred="default 0.9999 from TEAP practice; replace it by a stack-test value with "
    "override = true and its source",
)
ELECTRICITY_CONSUMED = Parameter(
    "EC_p",
    "electricity_consumed",
    "MWh",
    Kind.MONITORED,
    "Electricity consumed by the destruction facility in period p (its meter)",
    monitoring=metered("electricity meter of the destruction facility (inferred)"),
)
ELECTRICITY_FACTOR = Parameter(
    "EF_elec",
    "electricity_emission_factor",
    "t_CO2/MWh",
    Kind.PROJECT,
    "CO2 emission factor of the electricity the facility consumes (the country's grid "
    "factor, stated with its source; a higher factor is the conservative choice)",
    inferred="no shipped default: the project states the grid factor and its source",
)
FUEL_CONSUMED = Parameter(
    "FC_j,p",
    "fuel_consumed",
    "t",
    Kind.MONITORED,
    "Mass of fuel j fired by the destruction facility in period p (give 0 t for a fuel "
    "not fired in the period)",
    index=("j",),
    monitoring=FUEL_MONITORING,
)


def _species_parameters(
    variant: Mapping[str, Any],
) -> tuple[Parameter, Parameter, Parameter, Parameter]:
    """GWP_k of the record's GWP set, CR_k, n_C,k and M_k: the methodology data per species."""
    gwp_set = variant["gwp_set"]
    gwp = Parameter(
        "GWP_k",
        "gwp",
        "t_CO2e/t",
        Kind.METHODOLOGY,
        f"100-year global warming potential of species k, IPCC {gwp_set} (fixed by this "
        "methodology record)",
        index=(SPECIES_INDEX,),
        default=gwp_table(gwp_set),
    )
    creditable = Parameter(
        "CR_k",
        "creditable",
        "dimensionless",
        Kind.METHODOLOGY,
        "1 where the destruction of species k earns credits under this record, 0 otherwise",
        index=(SPECIES_INDEX,),
        bounds=Bounds(lower=Fraction(0), upper=Fraction(1)),
        default=creditable_table(variant),
        inferred="HFCs only, as the JCM fluorocarbon programme of Japan's environment ministry "
        "targets HFCs [read: programme announcements, JCM_REFERENCE.md section 7]; which HFCs "
        "an approved JCM methodology would list is a reconstructed choice per record",
    )
    carbon = Parameter(
        "n_C,k",
        "carbon_atoms",
        "dimensionless",
        Kind.METHODOLOGY,
        "Carbon atoms per molecule of species k, from its formula",
        index=(SPECIES_INDEX,),
        default=carbon_atoms_table(),
    )
    molar = Parameter(
        "M_k",
        "molar_mass",
        "kg/kmol",
        Kind.METHODOLOGY,
        "Molar mass of species k (kg/kmol = g/mol), from its formula and IUPAC atomic weights",
        index=(SPECIES_INDEX,),
        bounds=POSITIVE,
        default=molar_mass_table(),
    )
    return gwp, creditable, carbon, molar


def _fuel_factors() -> tuple[Parameter, Parameter]:
    """NCV_j and EF_CO2,j of the facility's fuels: IPCC 2006 upper bounds (conservative)."""
    ncv = Parameter(
        "NCV_j",
        "net_calorific_value",
        "GJ/t",
        Kind.METHODOLOGY,
        "Net calorific value of fuel j (IPCC 2006 upper bound: conservative for PE)",
        index=("j",),
        bounds=POSITIVE,
        default=ipcc_default("ncv", "upper"),
        inferred="the IPCC 2006 upper bound, the conservative choice for a project emission",
    )
    fuel_factor = Parameter(
        "EF_CO2,j",
        "fuel_emission_factor",
        "t_CO2/GJ",
        Kind.METHODOLOGY,
        "CO2 emission factor of fuel j (IPCC 2006 upper bound: conservative for PE)",
        index=("j",),
        default=ipcc_default("ef", "upper"),
        inferred="the IPCC 2006 upper bound, the conservative choice for a project emission",
    )
    return ncv, fuel_factor


def _project_equations(
    gwp: Parameter, carbon: Parameter, molar: Parameter, ncv: Parameter, fuel_factor: Parameter
) -> tuple[Equation, Equation, Equation, Equation]:
    """PE_energy,p, PE_conv,p, PE_residual,p and their sum PE_p."""
    k = SPECIES_INDEX
    energy = Equation(
        "PE_energy,p",
        "energy_emissions",
        electricity_emissions(ELECTRICITY_CONSUMED.ref, ELECTRICITY_FACTOR.ref)
        + fuel_combustion("j", FUEL_CONSUMED.ref, ncv.ref, fuel_factor.ref),
        "t_CO2",
        "Emissions from the electricity and fuel the destruction facility uses",
    )
    conversion = Equation(
        "PE_conv,p",
        "conversion_emissions",
        total(k, MASS_DESTROYED.ref * carbon.ref * MOLAR_MASS_CO2.ref / molar.ref),
        "t_CO2",
        "CO2 from the oxidation of the carbon in the destroyed gas",
        inferred="all carbon of every species destroyed is oxidised to CO2",
    )
    residual = Equation(
        "PE_residual,p",
        "residual_emissions",
        total(k, MASS_DESTROYED.ref * (Constant(1) - EFFICIENCY.ref) * gwp.ref),
        "t_CO2e",
        "Gas fed to the facility but not destroyed",
        inferred="every species destroyed counts, creditable or not (conservative)",
    )
    project = Equation(
        "PE_p",
        PROJECT,
        energy.ref + conversion.ref + residual.ref,
        "t_CO2e",
        "Project emissions in period p",
    )
    return energy, conversion, residual, project


def _notes(variant: Mapping[str, Any]) -> tuple[str, ...]:
    creditable_list = ", ".join(variant["creditable"])
    return (
        RECONSTRUCTED_NOTE,
        f"GWP set IPCC {variant['gwp_set']}, fixed by this record ({variant['id']}); a project "
        "cannot choose another set except by a visible override with its source",
        f"creditable species (methodology data, inferred): {creditable_list}. Only HFCs are "
        "creditable: the JCM fluorocarbon programme of Japan's environment ministry targets HFCs; "
        "CFCs and HCFCs are controlled under the Montreal Protocol, outside the Paris Agreement "
        "basket that JCM credits count toward. A CFC or HCFC destroyed is counted in PE_p "
        "(PE_conv,p and PE_residual,p) and reported as destroyed but not credited",
        "eligibility criteria reconstructed, not read",
        f"M_CO2 = 12.011 + 2 x 15.999 = {CO2_MOLAR_MASS_DEFAULT.value} from the atomic weights "
        "of the species' molar masses",
    )


def build(variant: Mapping[str, Any]) -> Methodology:
    """The methodology record of one entry of ``variants.toml``."""
    species = Index(
        SPECIES_INDEX,
        "species",
        "species",
        members=fgas_species(),
        column="species",
    )
    fuels = Index("j", "fuels", "fuel", attributes={"fuel": ipcc_fuels()})
    gwp, creditable, carbon, molar = _species_parameters(variant)
    ncv, fuel_factor = _fuel_factors()
    reference = Equation(
        "RE_p",
        REFERENCE,
        total(SPECIES_INDEX, MASS_DESTROYED.ref * gwp.ref * creditable.ref),
        "t_CO2e",
        "Reference emissions: the creditable gas destroyed would otherwise have been released",
    )
    return Methodology(
        id=variant["id"],
        version=variant["version"],
        title=variant["title"],
        about=ABOUT,
        indices=(species, fuels),
        parameters=(
            MASS_DESTROYED,
            gwp,
            creditable,
            carbon,
            molar,
            MOLAR_MASS_CO2,
            EFFICIENCY,
            ELECTRICITY_CONSUMED,
            ELECTRICITY_FACTOR,
            FUEL_CONSUMED,
            ncv,
            fuel_factor,
            FEED_CAPACITY,
        ),
        equations=(reference, *_project_equations(gwp, carbon, molar, ncv, fuel_factor)),
        checks=(FEED_BOUND,),
        criteria=CRITERIA,
        notes=_notes(variant),
        notices=(hfcs_only(variant), destroyed_not_credited(variant), biogenic_carbon),
    )
