"""Entry point of the F-gas destruction plugin (group ``jcmcalc``)."""

from __future__ import annotations

from pathlib import Path

from jcmcalc import hookimpl
from jcmcalc.inputs.readings import Reader
from jcmcalc.model.methodology import Methodology
from jcmcalc.plugin.samples import shipped
from jcmcalc_fgas_destruction.cylinders import accepts, read_cylinders
from jcmcalc_fgas_destruction.family import methodologies, variants


@hookimpl
def jcmcalc_methodologies() -> list[Methodology]:
    return methodologies()


@hookimpl
def jcmcalc_readers() -> list[Reader]:
    """The cylinder-list reader, for the cylinder lists of every variant (other files of these
    methodologies go to the core's reader)."""
    served = tuple(sorted({variant["id"] for variant in variants()}))
    return [Reader("fgas-cylinder-list", served, accepts, read_cylinders)]


@hookimpl
def jcmcalc_examples() -> list[Path]:
    """The family's ``examples/`` and ``worked_cases/`` (in the source tree)."""
    return shipped(Path(__file__).resolve().parents[2])
