"""Fuel combustion: ``E = FC x NCV x EF_CO2`` and the IPCC 2006 fuel defaults.

Canonical units: fuel quantity in t, NCV in GJ/t, EF in t_CO2/GJ, so the product is t_CO2
with factor one. The IPCC table (NCV in TJ/Gg, EF in kg CO2/TJ) is converted exactly.
A fuel measured by volume (kL, m3, Nm3 at 0 degC and 101.325 kPa) uses the volume basis: the
quantity in kL with the NCV in GJ/kL. Declare both parameters with the unit choices
:data:`QUANTITY_UNITS` and :data:`NCV_UNITS` (mass basis first, volume second): a volume
quantity with a mass NCV is then an input error, never a silent conversion. The IPCC NCVs are
on the mass basis.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jcmcalc.model.expressions.walkers import Term, total
from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.parameters import Confidence, Default, DefaultTable, Monitoring
from jcmcalc.tools.data import table

IPCC_TABLE = "ipcc2006_fuels"
IPCC_VERSION = "IPCC 2006 Guidelines, Vol. 2, Ch. 1, Tables 1.2 and 1.4"
BOUNDS = ("default", "lower", "upper")
#: Canonical units of a fuel quantity and of its NCV, basis by basis (mass, volume).
QUANTITY_UNITS = ("t", "kL")
NCV_UNITS = ("GJ/t", "GJ/kL")
#: How a fired fuel quantity is monitored (options B and C); not read in a methodology text.
FUEL_MONITORING = Monitoring(
    ("B", "C"),
    measurement="fuel flow meter or weighing at the point of use, or fuel delivery invoices "
    "(inferred: typical JCM monitoring plan)",
    frequency="continuous metering or each delivery, totalled for the monitoring period "
    "(inferred: typical JCM monitoring plan)",
)
_COLUMNS = {
    "ncv": ("ncv_{bound}_TJ_per_Gg", "TJ/Gg", "net calorific value"),
    "ef": ("ef_co2_{bound}_kg_per_TJ", "kg_CO2/TJ", "CO2 emission factor"),
}


#: Why a biomass fuel's CO2 factor is zero [standard]: the rule the shipped table's
#: ``biogenic`` flag applies, with its source.
BIOGENIC_RULE = (
    "CO2 from biomass fuels is reported but not counted (IPCC 2006 Guidelines, Vol. 2, Ch. 1: "
    "the carbon released is accounted for where the biomass grew, not as an energy emission)"
)


def biogenic_fuels() -> frozenset[str]:
    """The fuels the shipped IPCC table flags as biomass (column ``biogenic``)."""
    return frozenset(row["fuel"] for row in table(IPCC_TABLE) if row["biogenic"] == "true")


def ipcc_fuels() -> tuple[str, ...]:
    """Fuel ids of the shipped IPCC 2006 table (``natural_gas``, ``gas_diesel_oil``...)."""
    return tuple(row["fuel"] for row in table(IPCC_TABLE))


def ipcc_default(quantity: str, bound: str, *, key: str = "fuel") -> DefaultTable:
    """IPCC 2006 ``quantity`` (``ncv`` or ``ef``) per fuel at ``bound`` (default/lower/upper).

    The table is keyed by the member attribute ``key`` naming the fuel; the trace and
    provenance show which bound a term uses.
    """
    if bound not in BOUNDS or quantity not in _COLUMNS:
        raise ValueError(f"no IPCC column for {quantity!r} at {bound!r}")
    title = _COLUMNS[quantity][2]
    rows = {(row["fuel"],): _row(row, quantity, bound) for row in table(IPCC_TABLE)}
    return DefaultTable(
        name=f"IPCC 2006 {title} ({bound})",
        version=IPCC_VERSION,
        keys=(key,),
        rows=rows,
        source="jcmcalc/data/ipcc2006_fuels.csv",
    )


def _row(row: dict[str, str], quantity: str, bound: str) -> Default:
    """One fuel's value; a biomass fuel's CO2 factor is zero (:data:`BIOGENIC_RULE`)."""
    column, unit, title = _COLUMNS[quantity]
    value = row[column.format(bound=bound)]
    if quantity == "ef" and row["biogenic"] == "true":
        return Default(
            value=f"0 {unit}",
            source=f"{row['source']}, {title}: {BIOGENIC_RULE}",
            confidence=Confidence.STANDARD,
            note=f"biogenic CO2 counted as zero; the table's {bound} value is {value} {unit}",
        )
    return Default(
        value=f"{value} {unit}",
        source=f"{row['source']}, {title}, {bound} value",
        confidence=Confidence.STANDARD,
    )


def biogenic_carbon(inputs: Any) -> Iterator[str]:
    """A notice on the resolved inputs (``jcmcalc.inputs.resolve.Inputs``, above this layer):
    each member naming a biomass fuel (attribute ``fuel`` or ``reference_fuel``), whose CO2
    the IPCC factors count as zero; no methodology here counts CH4 or N2O."""
    biomass = biogenic_fuels()
    for symbol, members in inputs.attributes.items():
        title = inputs.methodology.index(symbol).title
        for member, attributes in members.items():
            for name, fuel in attributes.items():
                if name in ("fuel", "reference_fuel") and fuel in biomass:
                    yield (
                        f"{title} {member!r}: {name} {fuel} is biomass: its CO2 is counted "
                        f"as zero by default ({BIOGENIC_RULE}); its CH4 and N2O are not "
                        f"counted, as {inputs.methodology.id} counts no CH4 or N2O"
                    )


def same_fuel_same_factor(inputs: Any) -> Iterator[str]:
    """A notice on the resolved inputs: a member's reference fuel (``EF_RE`` by its attribute
    ``reference_fuel``) fired as a fuel j (``EF_CO2``) with a different factor."""
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


def fuel_combustion(index: str, quantity: Term, ncv: Term, factor: Term) -> Term:
    """``sum_index FC x NCV x EF_CO2`` [t_CO2]."""
    return total(index, quantity * ncv * factor)
