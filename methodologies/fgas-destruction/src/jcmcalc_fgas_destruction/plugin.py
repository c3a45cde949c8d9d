"""Entry point of the F-gas destruction plugin (group ``jcmcalc``), with its cylinder-list
reader."""

from jcmcalc.inputs.series.readings import Reader
from jcmcalc.plugin.family import Family
from jcmcalc_fgas_destruction.cylinder_rows import cylinder_rows
from jcmcalc_fgas_destruction.cylinders import accepts, read_cylinders
from jcmcalc_fgas_destruction.family import build


def _readers() -> list[Reader]:
    """The cylinder-list reader, for the cylinder lists of every variant (other files of these
    methodologies go to the core's reader)."""
    served = tuple(sorted({variant["id"] for variant in plugin.variants}))
    return [Reader("fgas-cylinder-list", served, accepts, read_cylinders, cylinder_rows)]


plugin = Family("jcmcalc_fgas_destruction", build, readers=_readers)
