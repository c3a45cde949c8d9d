"""The fuel parameters of the boiler family and its rule for CO2 factors.

One CO2 factor per fuel (issue 16): a fuel has the same factor on the reference side and on
the project side, so with the same fuel before and after ``RE_p / PE_p = eta_PJ / eta_RE``
exactly [standard: JCM_REFERENCE.md section 6]. The factor is the IPCC 2006 default value
(Vol. 2, Ch. 1, Table 1.4, the central value, not a 95 % confidence bound) unless the
methodology or the project states another value with its source; in a fuel switch each fuel
takes its own factor by the same rule. Mixing the lower bound on one side with the upper bound
on the other, as the family did before jcmcalc-boilers 0.2.0, has no source.
"""

from __future__ import annotations

from collections.abc import Iterator

from jcmcalc.inputs.resolve import Inputs
from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.parameters import POSITIVE, Kind, Parameter
from jcmcalc.tools.fuel import (
    FUEL_MONITORING,
    NCV_UNITS,
    QUANTITY_UNITS,
    ipcc_default,
)

#: The IPCC 2006 column every CO2 factor takes by default: the default (central) value.
FACTOR_VALUE = "default"
#: Which IPCC 2006 NCV bound each form takes [inferred]: in the fuel-based forms NCV_j scales
#: RE and PE alike, so ER too (ER > 0): the lower bound; in the heat-output forms, where it
#: enters PE only, the upper bound.
BOUND_NCV_FUEL_BASED = "lower"
BOUND_NCV_PE_ONLY = "upper"

FACTOR_RULE = (
    f"IPCC 2006 {FACTOR_VALUE} value by default (Vol. 2, Ch. 1, Table 1.4; not a 95 % bound), "
    "one value per fuel on both the reference and the project side; the project may state "
    "another value with its source (override)"
)
FACTOR_NOTE = (
    "inferred: one CO2 factor per fuel on both sides (standard for same-fuel efficiency "
    f"methodologies, JCM_REFERENCE.md section 6), the {FACTOR_RULE}; the approved boiler "
    "texts were not read, so a factor they fix would replace it. Before jcmcalc-boilers 0.2.0 "
    "the reference side used the IPCC lower bound and the project side the upper bound even "
    "for the same fuel, which no source supports (issue 16)"
)
NCV_NOTE = (
    "inferred: NCV_j is one value per fuel shared by RE and PE (the heat Q depends on it); in "
    "the fuel-based options it uses the IPCC lower bound (ER grows with it), in the heat-output "
    "options, where it enters PE only, the upper bound"
)


def fuel_parameters(ncv_bound: str) -> tuple[Parameter, Parameter, Parameter]:
    """FC_k,j,p, NCV_j and the one CO2 factor per fuel EF_CO2,j."""
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
    factor = Parameter(
        "EF_CO2,j",
        "emission_factor",
        "t_CO2/GJ",
        Kind.METHODOLOGY,
        "CO2 emission factor of fuel j, one value per fuel used wherever fuel j is burnt "
        "(project boilers, and the reference boilers where they fire the same fuel): the "
        "IPCC 2006 default value unless the project states another with its source",
        index=("j",),
        default=ipcc_default("ef", FACTOR_VALUE),
        inferred=FACTOR_RULE,
    )
    return consumption, ncv, factor


def reference_factor() -> Parameter:
    """EF_RE,k: the factor of the fuel the reference boiler of boiler k would fire."""
    return Parameter(
        "EF_RE,k",
        "reference_emission_factor",
        "t_CO2/GJ",
        Kind.METHODOLOGY,
        "CO2 emission factor of the reference fuel of boiler k (the fuel the reference boiler "
        "would fire, from the boiler's reference_fuel), by the same rule as EF_CO2,j: the IPCC "
        "2006 default value of that fuel unless the project states another with its source; "
        "where the reference fuel is also fired as fuel j, both take the same value",
        index=("k",),
        default=ipcc_default("ef", FACTOR_VALUE, key="reference_fuel"),
        inferred=FACTOR_RULE,
    )


def same_fuel_same_factor(inputs: Inputs) -> Iterator[str]:
    """A notice: a boiler's reference fuel fired as a fuel j with a different factor."""
    reference = inputs.fixed.get("reference_emission_factor", {})
    fired = inputs.fixed.get("emission_factor", {})
    boilers = inputs.attributes.get("k", {})
    fuels = inputs.attributes.get("j", {})
    for (boiler,), value in reference.items():
        fuel = boilers.get(boiler, {}).get("reference_fuel")
        for member, attributes in fuels.items():
            other = fired.get((member,))
            if attributes.get("fuel") != fuel or other is None or other.value == value.value:
                continue
            yield (
                f"EF_RE,k for boiler {boiler!r} = {decimal_text(value.value)} t_CO2/GJ "
                f"({value.source}) differs from EF_CO2,j for fuel {member!r} = "
                f"{decimal_text(other.value)} t_CO2/GJ ({other.source}), the same fuel "
                f"{fuel}: one CO2 factor per fuel applies to both sides, look again"
            )
