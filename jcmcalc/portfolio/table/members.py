"""The members of a portfolio table's rows: which rows need a value of a monitored parameter.

The rule is the kernel's (:func:`jcmcalc.model.uses.required`), the same a project file
follows: a value is needed unless every use of the parameter lies in ``select`` cases the
row's member, with its attributes, does not take.
"""

from __future__ import annotations

import numpy as np

from jcmcalc.inputs.readers import columns
from jcmcalc.model.methodology import Index, Methodology
from jcmcalc.model.parameters import Parameter, WhenAbsent
from jcmcalc.model.uses import required


def needing(
    methodology: Methodology,
    index: Index | None,
    table: columns.Table,
    parameter: Parameter,
    positions: np.ndarray,
) -> np.ndarray:
    """The ``positions`` (rows of ``table``) whose member needs a value of ``parameter``."""
    if parameter.when_absent is WhenAbsent.ZERO or not len(positions):
        return positions[:0]
    if index is None:
        return positions if required(methodology, parameter, (), {}) else positions[:0]
    names = [a for a in index.attributes if a in table.titles]
    cells = {a: columns.text_cells(table.cells[a]) for a in names}
    verdicts: dict[tuple[str, ...], bool] = {}
    keep = []
    for position in positions.tolist():
        values = tuple(str(cells[a][position]) for a in names)
        if values not in verdicts:
            attributes = {index.symbol: {"member": dict(zip(names, values, strict=True))}}
            key = ("member",) if parameter.index else ()
            verdicts[values] = required(methodology, parameter, key, attributes)
        keep.append(verdicts[values])
    return positions[np.array(keep, dtype=bool)]
