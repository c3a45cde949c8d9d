"""Which F-gas species a destruction methodology credits: HFCs only, in every record.

The JCM fluorocarbon programme of Japan's environment ministry targets HFCs (alternative
fluorocarbons) [read: programme announcements, JCM_REFERENCE.md section 7]. CFCs and HCFCs are
controlled under the Montreal Protocol and lie outside the Paris Agreement basket that JCM
credits count toward. So:

- a record's table of creditable species (:func:`creditable_table`, ``CR_k``) may list HFCs
  only, or the record does not load;
- a project may lower ``CR_k`` by an override, but a nonzero ``CR_k`` for a species that is no
  HFC is bad input (:func:`hfcs_only`, a notice that refuses);
- a species destroyed but not credited still counts in project emissions and is named in a
  warning per period (:func:`destroyed_not_credited`).

The notices read the resolved inputs (``jcmcalc.inputs.resolve.Inputs``, a layer above this
one) by the parameter names :data:`MASS` and :data:`CREDITABLE`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jcmcalc.model.errors import InputError
from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.parameters import Confidence, Default, DefaultTable
from jcmcalc.tools.gwp import fgas_species, formula, formula_atoms, ozone_depleting

#: The names of the mass destroyed per species and period (``W_k,p``) and of ``CR_k``.
MASS = "mass_destroyed"
CREDITABLE = "creditable"
#: Why an ozone-depleting species destroyed is not credited.
EXCLUDED_BECAUSE = (
    "an ozone-depleting substance controlled under the Montreal Protocol, outside the Paris "
    "Agreement basket that JCM credits count toward; the JCM fluorocarbon programme targets HFCs"
)


def is_hfc(species: str) -> bool:
    """Whether ``species`` is a hydrofluorocarbon: its formula has C, H and F and nothing else
    (so no CFC, HCFC, PFC or SF6), and it is no ozone-depleting substance."""
    return set(formula_atoms(formula(species))) == {"C", "H", "F"} and not ozone_depleting(species)


def creditable_table(species: str, record: str) -> DefaultTable:
    """``CR_k`` of the methodology ``record`` (``"FGAS_DESTRUCTION_AR5 ver 1.0"``): 1 for each
    of ``species`` (space-separated), 0 for the others. Raises ``ValueError`` for a listed
    species without data or one that is no HFC."""
    creditable = set(species.split())
    unknown = creditable - set(fgas_species())
    if unknown:
        raise ValueError(f"{record}: creditable species without data: {sorted(unknown)}")
    not_hfc = sorted(name for name in creditable if not is_hfc(name))
    if not_hfc:
        raise ValueError(
            f"{record}: only HFCs may be creditable in a JCM F-gas record, not {not_hfc}"
        )
    rows = {
        (name,): Default(
            value="1" if name in creditable else "0",
            source=f"{record} creditable species (its data file)",
            confidence=Confidence.INFERRED,
        )
        for name in fgas_species()
    }
    return DefaultTable(
        name=f"{record} creditable species",
        version=record,
        keys=("species",),
        rows=rows,
        source="jcmcalc.tools.fgas.creditable_table, from the record's data file",
    )


def _reason(species: str) -> str:
    if ozone_depleting(species):
        return f"{species} is {EXCLUDED_BECAUSE}"
    if not is_hfc(species):
        return f"{species} is not an HFC; only HFCs are creditable"
    return f"{species} is not among the HFCs this record credits"


def hfcs_only(inputs: Any) -> Iterator[str]:
    """A notice that refuses (``InputError``) a project crediting a species that is no HFC."""
    for key, value in inputs.fixed[CREDITABLE].items():
        if value.value and not is_hfc(key[0]):
            raise InputError(
                f"CR_k = {decimal_text(value.value)} for {key[0]} ({value.source}) would "
                f"credit it, but only HFCs are creditable under {inputs.methodology.label}: "
                f"{_reason(key[0])}",
                file=inputs.project.path,
                parameter="CR_k",
            )
    return iter(())


def destroyed_not_credited(inputs: Any) -> Iterator[str]:
    """A notice: each species destroyed but not credited in a period, as a warning."""
    creditable = inputs.fixed[CREDITABLE]
    for period in inputs.periods:
        for key, value in period.values.get(MASS, {}).items():
            if value.value and creditable[key].value == 0:
                yield (
                    f"{period.period.label}: {decimal_text(value.value)} t of {key[0]} "
                    f"destroyed but not credited ({value.source}): not creditable under "
                    f"{inputs.methodology.label} ({_reason(key[0])}); CR_k = 0 leaves it out "
                    "of RE_p, and it is counted in PE_p (PE_conv,p and PE_residual,p)"
                )
