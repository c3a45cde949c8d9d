"""Entry point of the boiler plugin (group ``jcmcalc``)."""

from __future__ import annotations

from jcmcalc import hookimpl
from jcmcalc.methodology import Methodology
from jcmcalc_boilers.family import methodologies


@hookimpl
def jcmcalc_methodologies() -> list[Methodology]:
    return methodologies()
