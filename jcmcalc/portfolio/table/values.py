"""A portfolio table's value column read as exact numbers, every cell at once: decimals as
scaled integers in the column's unit (:func:`jcmcalc.inputs.cell_numbers.numbers`),
converted by the exact factor and checked against the parameter's bounds by the boundary's own rules
(:func:`jcmcalc.inputs.boundary.refused`, :func:`~jcmcalc.inputs.boundary.refusal`), as a
value in a project file is. A bad cell fails its own row."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import attrs
import numpy as np

from jcmcalc.inputs import boundary, cell_numbers
from jcmcalc.inputs.readers import columns
from jcmcalc.model.errors import InputError
from jcmcalc.model.parameters import Parameter
from jcmcalc.portfolio import vectorised
from jcmcalc.portfolio.scaled import of_decimals

Fail = Callable[[np.ndarray, str], None]


@attrs.frozen
class Values:
    """A column's cells as exact numbers: ``integers`` x 10^-``scale`` x ``factor`` in the
    parameter's canonical unit where ``present`` (an empty cell, or one that is no number, is
    not); ``refused``: the positions of values the parameter's bounds refuse."""

    integers: np.ndarray
    present: np.ndarray
    scale: int
    factor: Fraction
    refused: np.ndarray

    def column(self) -> vectorised.Column:
        """The values as a batch column (float64 and exact)."""
        integers, scale, factor = self.integers, self.scale, self.factor
        approx = integers.astype(np.float64) / 10.0**scale * float(factor)
        denominator = 10**scale

        def exact(position: tuple[int, ...]) -> Fraction:
            value = Fraction(int(integers[position]), denominator)
            return value if factor == 1 else value * factor

        scaled = of_decimals(integers, scale, factor)
        return vectorised.Column(approx, exact, attrs.evolve(scaled, present=self.present))


def exact_values(
    table: columns.Table, title: str, parameter: Parameter, unit: str, fail: Fail
) -> Values:
    """The cells of column ``title`` (in ``unit``) as exact values of ``parameter``; a cell that
    is no number, or a value the parameter refuses, fails its row (``fail``) and is absent."""
    cells = table.cells[title]
    while True:
        try:
            present, scaled = cell_numbers.numbers(cells, title=title, table=table, unit=unit)
            break
        except InputError as exc:
            position = columns.position(table.rows, exc.row)
            fail(np.array([position]), exc.message)
            text = columns.text_cells(cells).astype(object)
            text[position] = ""
            cells = text.astype(str)
    factor = boundary.factor(parameter, unit, file=table.path, row=1)
    integers = np.zeros(len(table), dtype=scaled.integers.dtype)
    integers[present] = scaled.integers
    refused = boundary.refused(parameter, scaled.integers, scaled.scale, factor)
    refused = np.flatnonzero(present)[refused]
    for position in refused.tolist():
        value = Fraction(int(integers[position]), 10**scaled.scale) * factor
        problem = boundary.refusal(parameter, value, parameter.canonical(unit))
        fail(np.array([position]), f"parameter {parameter.symbol}: {problem}")
    return Values(integers, present, scaled.scale, factor, refused)
