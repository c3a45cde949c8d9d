"""Entry point of the F-gas destruction plugin (group ``jcmcalc``)."""

from __future__ import annotations

from jcmcalc import hookimpl
from jcmcalc.methodology import Methodology
from jcmcalc_fgas_destruction.family import methodologies


@hookimpl
def jcmcalc_methodologies() -> list[Methodology]:
    return methodologies()
