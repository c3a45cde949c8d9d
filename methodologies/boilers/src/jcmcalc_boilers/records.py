"""What each boiler record is: identity, sectoral scope, criteria and notes, from variants.toml.

Two kinds of record share the family's equations:

- the ``BOILER_FAMILY_*`` forms, reconstructed: not approved JCM methodologies;
- approved methodologies whose identity was read (MN_AM002, ID_AM015, TH_AM010) but whose
  equations were not: the family's equations apply to them, labelled inferred as in the forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jcmcalc.model.methodology import About, Criterion
from jcmcalc.model.parameters import Confidence
from jcmcalc_boilers.factors import FACTOR_NOTE, NCV_NOTE

RECONSTRUCTED = "reconstructed"
FAMILY_SOURCE = (
    "no approved JCM boiler methodology text available: standard structure of "
    "shared/domain/JCM_REFERENCE.md section 6, specifics inferred"
)
FAMILY_SCOPE = (
    "3: Energy demand (inferred: this reconstructed form states none; MN_AM002 is scope 1)"
)
DRAFT = "read from the draft methodology (gec.jp jcm2013ds02); the approved text was not read"
COMMON_NOTES = (
    FACTOR_NOTE,
    NCV_NOTE,
    "inferred: the IPCC NCVs are on the mass basis; a fuel measured by volume (kL, m3, Nm3 at "
    "0 degC and 101.325 kPa) needs its NCV per volume from the project file with its source",
    "inferred: eta_RE,k is fixed by the methodology, but no value table is shipped: the "
    "project file gives it per boiler with its source (the highest efficiency of the "
    "conventional technology)",
)
AUX_FACTOR_NOTE = (
    "inferred: the shipped JCM grid factors are built to be conservative for reference "
    "emissions; as a project emission factor they may be low: override with a higher "
    "sourced factor where the project's validator requires it"
)


def approved(variant: Mapping[str, Any]) -> bool:
    return variant.get("status", RECONSTRUCTED) != RECONSTRUCTED


def about(variant: Mapping[str, Any]) -> About:
    """The record's identity: a reconstructed form, or an approved methodology not read."""
    if not approved(variant):
        return About(
            family="boilers",
            sectoral_scope=FAMILY_SCOPE,
            status=RECONSTRUCTED,
            source=FAMILY_SOURCE,
            country="any",
            confidence=Confidence.INFERRED,
        )
    return About(
        family="boilers",
        sectoral_scope=variant["sectoral_scope"],
        status=variant["status"],
        source=variant["source"],
        country=variant["country"],
        approved=variant["approved"],
        # identity read; the equations were not, so the record as a whole is inferred
        confidence=Confidence.INFERRED,
    )


def _family_criteria(form: str) -> list[Criterion]:
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
    return criteria


def criteria(variant: Mapping[str, Any]) -> tuple[Criterion, ...]:
    """The variant's own criteria (``read = "draft"``: read from a draft) or the family's."""
    given = variant.get("criteria")
    if not given:
        return tuple(_family_criteria(variant["form"]))
    return tuple(
        Criterion(c["id"], f"{c['text']} ({DRAFT})", Confidence.READ)
        if c["read"] == "draft"
        else Criterion(c["id"], f"{c['text']} (reconstructed)", Confidence.INFERRED)
        for c in given
    )


def notes(variant: Mapping[str, Any], aux: bool) -> tuple[str, ...]:
    """What the record's reader must know: what it is, what is unknown, what is inferred."""
    if approved(variant):
        first = [
            f"approved JCM methodology {variant['id']} ver {variant['version']} "
            f"({variant['country']}): identity read ({variant['source']}); its text was not "
            f"read, so the family's {variant['form']!r} equations apply, every specific inferred",
            *(
                f"unknown, required from the project file or reconstructed: {u}"
                for u in variant["unknown"]
            ),
        ]
        if variant.get("fuels"):
            fuels = ", ".join(variant["fuels"])
            first.append(f"coal-fired (criterion C1): fuels j limited to {fuels}")
    else:
        first = [
            "not an approved JCM methodology: a reconstructed form of the boiler family; the "
            "equation structure is standard (JCM_REFERENCE.md section 6), its specifics are "
            "inferred",
            "eligibility: criteria text of an approved methodology was not available; typical "
            "criteria, reconstructed",
        ]
    return (*first, *COMMON_NOTES, *((AUX_FACTOR_NOTE,) if aux else ()))
