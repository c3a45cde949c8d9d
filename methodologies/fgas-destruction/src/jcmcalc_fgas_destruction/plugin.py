"""Entry point of the F-gas destruction plugin (group ``jcmcalc``): the family is its data file,
``fgas-destruction.methodology.toml``, with the cylinder-list reader."""

from jcmcalc.inputs.series.readings import Reader
from jcmcalc.plugin.family import Family
from jcmcalc_fgas_destruction.cylinder_rows import cylinder_rows
from jcmcalc_fgas_destruction.cylinders import accepts, read_cylinders


def _readers() -> list[Reader]:
    """The cylinder-list reader, for the cylinder lists of every methodology of the family
    (other files of these methodologies go to the core's reader)."""
    served = tuple(sorted({methodology.id for methodology in plugin.methodologies()}))
    return [Reader("fgas-cylinder-list", served, accepts, read_cylinders, cylinder_rows)]


plugin = Family("jcmcalc_fgas_destruction", readers=_readers)
