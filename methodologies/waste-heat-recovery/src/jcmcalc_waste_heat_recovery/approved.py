"""The approved WHR records (MM_AM005, ID_AM001, TH_AM007): supplied electricity, no PE.

RE_p = sum_i EG_sup,i,p x EF_RE,i, with EG_sup,i,p the electricity a WHR system supplies to
the cement plant (metered). PE_p = 0: "project emissions are not considered as the WHR system
does not utilize any fossil fuel" [read: MM_AM005 summary]; ID_AM001's criterion C3 (the WHR
system uses only waste heat and no fossil fuel) [read: validation report of ID013]. Co-firing
fossil fuel is therefore an eligibility failure, not a project-emissions term: a project that
gives a co-fired fuel quantity above zero is refused with a message naming the criterion (the
check ``C3 no fossil fuel``); a project answering ``C3 = false`` in ``[eligibility]`` gets the
core's unmet-criterion warning (an error under ``--strict``). The number of days D_p serves a
plausibility bound EG_sup,i,p <= P_rated,i x 24 h x D_p [inferred use].
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jcmcalc.model.expressions import Constant, total
from jcmcalc.model.methodology import PROJECT, REFERENCE, Check, Equation, Methodology
from jcmcalc.model.parameters import Confidence, Kind, Parameter
from jcmcalc.tools.electricity import electricity_emissions
from jcmcalc.tools.fuel import FUEL_MONITORING, QUANTITY_UNITS
from jcmcalc_waste_heat_recovery import parts
from jcmcalc_waste_heat_recovery.criteria import NO_FOSSIL_FUEL, criteria, criterion_text

FAMILY_NOTE = (
    "WHR_FAMILY, the family's reconstructed form and not an approved methodology, counts "
    "co-fired fuel as project emissions for indicative figures"
)


def _co_firing(variant: Mapping[str, Any]) -> tuple[Parameter, Check]:
    """FC_j,p, declared only to refuse co-firing, and the check that refuses it by criterion."""
    label = f"{variant['id']} ver {variant['version']}"
    text = criterion_text(variant["criteria"], NO_FOSSIL_FUEL).rstrip(".")
    text = text[0].lower() + text[1:]
    fuel = Parameter(
        "FC_j,p",
        "fuel_co_fired",
        QUANTITY_UNITS,
        Kind.MONITORED,
        "Fossil fuel j co-fired in the WHR system in period p: must be zero, co-firing fails "
        f"eligibility criterion {NO_FOSSIL_FUEL} (no project emissions are computed from it)",
        index=("j",),
        monitoring=FUEL_MONITORING,
    )
    refusal = Check(
        f"{NO_FOSSIL_FUEL} no fossil fuel",
        fuel.ref,
        Constant(0, unit="t"),
        f"eligibility criterion {NO_FOSSIL_FUEL} of {label} ({text}) is not met: a project "
        f"co-firing fossil fuel in the WHR system cannot apply {variant['id']} ({FAMILY_NOTE})",
        index=("j",),
    )
    return fuel, refusal


def _emissions(variant: Mapping[str, Any], electricity: Parameter, factor: Parameter):
    """RE_p from the supplied electricity; PE_p = 0 (no fossil fuel, criterion C3)."""
    read = bool(variant["equations_read"])
    reference = Equation(
        "RE_p",
        REFERENCE,
        total("i", electricity_emissions(electricity.ref, factor.ref)),
        "t_CO2",
        "Reference emissions in period p: the electricity supplied to the plant, which "
        "replaces grid and/or captive electricity, times its reference factor",
        inferred="" if read else "equation taken from the WHR family: the text was not read",
    )
    project = Equation(
        "PE_p",
        PROJECT,
        Constant(0, unit="t_CO2"),
        "t_CO2",
        "Project emissions in period p: not considered, the WHR system uses no fossil fuel "
        f"(co-firing fails criterion {NO_FOSSIL_FUEL})",
        inferred=""
        if read
        else f"PE_p = 0 follows from criterion {NO_FOSSIL_FUEL}; the equation was not read",
    )
    return reference, project


def build(variant: Mapping[str, Any], notes: list[str]) -> Methodology:
    """The record of one approved variant of ``variants.toml`` (``form = "approved"``)."""
    country = variant["country"]
    supply_inferred = "" if variant["supplied_read"] else "supplied electricity not read"
    electricity = parts.supplied(supply_inferred)
    factor = parts.reference_factor(country)
    fuel, refusal = _co_firing(variant)
    days_inferred = "" if variant["days_read"] else "the number of days was not read"
    added, bound = parts.plausibility(electricity.ref, days_inferred)
    confidence = Confidence(variant["criteria_confidence"])
    return Methodology(
        id=variant["id"],
        version=variant["version"],
        title=variant["title"],
        about=parts.about(variant),
        indices=(
            parts.systems(country),
            parts.fuels({"fuel": ()}, f"co-fired fossil fuel (refused: {NO_FOSSIL_FUEL})"),
        ),
        parameters=(electricity, factor, fuel, *added),
        equations=_emissions(variant, electricity, factor),
        criteria=criteria(variant["criteria"], confidence),
        notes=(
            *notes,
            f"co-firing: a co-fired fuel quantity above zero is refused by criterion "
            f"{NO_FOSSIL_FUEL}; {FAMILY_NOTE}",
            "plausibility: EG_sup,i,p <= P_rated,i x 24 h x D_p, a breach is an input error "
            "[inferred use of the number of days D_p]",
        ),
        checks=(bound, refusal),
    )
