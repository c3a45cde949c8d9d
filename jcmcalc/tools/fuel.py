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

from jcmcalc.model.expressions.walkers import Term, total
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
    column, unit, title = _COLUMNS[quantity]
    rows = {
        (row["fuel"],): Default(
            value=f"{row[column.format(bound=bound)]} {unit}",
            source=f"{row['source']}, {title}, {bound} value",
            confidence=Confidence.STANDARD,
        )
        for row in table(IPCC_TABLE)
    }
    return DefaultTable(
        name=f"IPCC 2006 {title} ({bound})",
        version=IPCC_VERSION,
        keys=(key,),
        rows=rows,
        source="jcmcalc/data/ipcc2006_fuels.csv",
    )


def fuel_combustion(index: str, quantity: Term, ncv: Term, factor: Term) -> Term:
    """``sum_index FC x NCV x EF_CO2`` [t_CO2]."""
    return total(index, quantity * ncv * factor)
