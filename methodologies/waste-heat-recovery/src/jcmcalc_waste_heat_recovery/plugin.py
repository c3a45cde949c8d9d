"""Entry point of the waste heat recovery plugin (group ``jcmcalc``)."""

from __future__ import annotations

from jcmcalc import hookimpl
from jcmcalc.methodology import Methodology
from jcmcalc_waste_heat_recovery.family import methodologies


@hookimpl
def jcmcalc_methodologies() -> list[Methodology]:
    return methodologies()
