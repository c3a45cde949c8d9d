"""Entry point of the solar PV plugin (group ``jcmcalc``)."""

from __future__ import annotations

from pathlib import Path

from jcmcalc import hookimpl
from jcmcalc.model.methodology import Methodology
from jcmcalc.plugin.samples import shipped
from jcmcalc_solar_pv.family import methodologies


@hookimpl
def jcmcalc_methodologies() -> list[Methodology]:
    return methodologies()


@hookimpl
def jcmcalc_examples() -> list[Path]:
    """The family's ``examples/`` and ``worked_cases/`` (in the source tree)."""
    return shipped(Path(__file__).resolve().parents[2])
