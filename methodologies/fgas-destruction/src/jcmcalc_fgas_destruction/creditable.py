"""Which species a record credits: HFCs only, in every record.

The JCM fluorocarbon programme of Japan's environment ministry targets HFCs (alternative
fluorocarbons) [read: programme announcements, JCM_REFERENCE.md section 7]. CFCs and HCFCs are
controlled under the Montreal Protocol and lie outside the Paris Agreement basket that JCM
credits count toward. So:

- a record (``variants.toml``) may list only HFCs as creditable, or it does not build;
- a project may lower ``CR_k`` by an override, but a nonzero ``CR_k`` for a species that is no
  HFC is bad input (it would credit a CFC or HCFC), refused naming the species;
- a species destroyed but not credited still counts in ``PE_conv,p`` and ``PE_residual,p`` and
  is named in a warning per period, which reaches the CLI, the JSON and every report.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jcmcalc.inputs.resolve import Inputs
from jcmcalc.model.errors import InputError
from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.parameters import Confidence, Default, DefaultTable
from jcmcalc.tools.gwp import fgas_species, formula, formula_atoms, ozone_depleting
from jcmcalc_fgas_destruction.cylinders import MASS

#: The name of the ``CR_k`` parameter in the resolved inputs.
CREDITABLE = "creditable"


def is_hfc(species: str) -> bool:
    """Whether ``species`` is a hydrofluorocarbon: its formula has C, H and F and nothing else
    (so no CFC, HCFC, PFC or SF6), and it is no ozone-depleting substance."""
    return set(formula_atoms(formula(species))) == {"C", "H", "F"} and not ozone_depleting(species)


def creditable_table(variant: Mapping[str, Any]) -> DefaultTable:
    """``CR_k`` of a record: 1 for each species in its ``creditable`` list, 0 for the others.

    Raises ``ValueError`` for a listed species without data or one that is no HFC."""
    creditable = set(variant["creditable"])
    unknown = creditable - set(fgas_species())
    if unknown:
        raise ValueError(f"{variant['id']}: creditable species without data: {sorted(unknown)}")
    not_hfc = sorted(species for species in creditable if not is_hfc(species))
    if not_hfc:
        raise ValueError(
            f"{variant['id']}: only HFCs may be creditable in a JCM F-gas record, not {not_hfc}"
        )
    rows = {
        (species,): Default(
            value="1" if species in creditable else "0",
            source=f"{variant['id']} creditable species (variants.toml)",
            confidence=Confidence.INFERRED,
        )
        for species in fgas_species()
    }
    return DefaultTable(
        name=f"{variant['id']} creditable species",
        version=f"{variant['id']} ver {variant['version']}",
        keys=("species",),
        rows=rows,
        source="jcmcalc_fgas_destruction/variants.toml",
    )


def _reason(variant: Mapping[str, Any], species: str) -> str:
    if ozone_depleting(species):
        return f"{species} is {variant['excluded_because']}"
    if not is_hfc(species):
        return f"{species} is not an HFC; only HFCs are creditable"
    return f"{species} is not among the HFCs this record credits"


def hfcs_only(variant: Mapping[str, Any]):
    """A notice that refuses (``InputError``) a project crediting a species that is no HFC."""
    label = f"{variant['id']} ver {variant['version']}"

    def refuse_non_hfc_credit(inputs: Inputs) -> Iterator[str]:
        for key, value in inputs.fixed[CREDITABLE].items():
            if value.value and not is_hfc(key[0]):
                raise InputError(
                    f"CR_k = {decimal_text(value.value)} for {key[0]} ({value.source}) would "
                    f"credit it, but only HFCs are creditable under {label}: "
                    f"{_reason(variant, key[0])}",
                    file=inputs.project.path,
                    parameter="CR_k",
                )
        return iter(())

    return refuse_non_hfc_credit


def destroyed_not_credited(variant: Mapping[str, Any]):
    """A notice: each species destroyed but not credited in a period, as a warning."""
    label = f"{variant['id']} ver {variant['version']}"

    def notice(inputs: Inputs) -> Iterator[str]:
        creditable = inputs.fixed[CREDITABLE]
        for period in inputs.periods:
            for key, value in period.values.get(MASS, {}).items():
                if value.value and creditable[key].value == 0:
                    yield (
                        f"{period.period.label}: {decimal_text(value.value)} t of {key[0]} "
                        f"destroyed but not credited ({value.source}): not creditable under "
                        f"{label} ({_reason(variant, key[0])}); CR_k = 0 leaves it out of RE_p, "
                        "and it is counted in PE_p (PE_conv,p and PE_residual,p)"
                    )

    return notice
