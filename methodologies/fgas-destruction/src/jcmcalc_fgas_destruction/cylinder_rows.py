"""A cylinder list row by row, for a report: each species' mass of each cylinder as
``(gross - tare) x x_k`` over the row's numbers (the plugin reader's ``rows``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from jcmcalc.inputs.series.readings import ReadContext, Worked
from jcmcalc_fgas_destruction.cylinders import MASS, cylinders
from jcmcalc_fgas_destruction.masses import NET_TIMES_FRACTION, species_masses


def cylinder_rows(path: Path, context: ReadContext) -> Iterator[Worked]:
    """The mass of each species in each cylinder of the list, with the numbers it comes from."""
    parameter = context.methodology.parameter(MASS)
    unit = parameter.unit
    for row in cylinders(path, context):
        kind = "analysed" if row.analysed else f"nominal for {row.content}"
        found = species_masses(row.gross, row.tare, row.shares)
        for species, share in row.shares.items():
            yield Worked(
                (row.period, parameter.name, (species,)),
                row.row,
                row.when,
                (("gross", row.gross, unit), ("tare", row.tare, unit), ("x", share, "1")),
                NET_TIMES_FRACTION,
                found[species],
                f"cylinder {row.cylinder}, {row.content}: mass fraction of {species} {kind}",
            )
