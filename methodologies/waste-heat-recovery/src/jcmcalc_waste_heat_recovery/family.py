"""The waste heat recovery (WHR) power family: equations declared once, variants from data.

Each ``[[variant]]`` of ``variants.toml`` is built in one of two forms:

- ``approved`` (MM_AM005, ID_AM001, TH_AM007; :mod:`.approved`): the electricity supplied to
  the cement plant times the reference factor, no project emissions, co-firing fossil fuel
  refused by eligibility criterion C3, a plausibility bound from the number of days;
- ``family`` (``WHR_FAMILY``; :mod:`.reconstructed`): the family's reconstructed form, NOT an
  approved methodology, with the gross-minus-auxiliary option and co-fired fuel as project
  emissions, for indicative figures only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jcmcalc.model.methodology import Methodology
from jcmcalc_waste_heat_recovery import approved, reconstructed

FORMS = {"approved": approved.build, "family": reconstructed.build}


def build(variant: Mapping[str, Any]) -> Methodology:
    """The methodology record of one variant of ``variants.toml``."""
    notes = [
        f"unknown, required from the project file or reconstructed: {u}" for u in variant["unknown"]
    ]
    if variant["criteria_confidence"] != "read":
        notes.append(f"eligibility criteria: {variant['criteria_source']}")
    return FORMS[variant["form"]](variant, notes)
