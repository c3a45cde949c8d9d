"""The mass of each species in a cylinder: one term, which the cylinder reader evaluates and
the workbook writes as a formula over the row's numbers."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from jcmcalc.model.expressions.terms import BinaryOp, Symbol
from jcmcalc.model.expressions.walkers import evaluate

#: The mass of one species in a cylinder, over the row's numbers ``gross``, ``tare`` and ``x``
#: (the species' mass fraction).
NET_TIMES_FRACTION = BinaryOp(
    "*",
    BinaryOp("-", Symbol("gross", "gross"), Symbol("tare", "tare")),
    Symbol("x", "x"),
)


def species_masses(
    gross: Fraction, tare: Fraction, shares: Mapping[str, Fraction]
) -> dict[str, Fraction]:
    """Each species' mass: :data:`NET_TIMES_FRACTION` on the cylinder's numbers."""
    found = {}
    for species, x in shares.items():
        numbers = {"gross": gross, "tare": tare, "x": x}
        found[species] = evaluate(NET_TIMES_FRACTION, lambda s, _, n=numbers: n[s.name], {}, {})
    return found
