"""Likely causes of a differing figure, where one is obvious: a factor of 1,000 (a unit), a
reversed sign, another period's or member's figure (swapped), credits rounded the wrong way."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

from jcmcalc.inputs.submission import CREDITS, ER, TOTAL, TOTAL_ER, Figure

Key = tuple[str, str, str]

_FACTORS = {
    1000: "a factor of 1,000: a unit (kWh given as MWh, kg as t)?",
    Fraction(1, 1000): "a factor of 1/1,000: a unit (MWh given as kWh, t as kg)?",
    10**6: "a factor of 1,000,000: a unit (Wh given as MWh, g as t)?",
    Fraction(1, 10**6): "a factor of 1/1,000,000: a unit (MWh given as Wh, t as g)?",
    -1: "the sign is reversed?",
}


def close(a: Fraction, b: Fraction, tolerance: Fraction) -> bool:
    """``a`` within the relative ``tolerance`` of ``b``."""
    return abs(a - b) <= tolerance * max(abs(b), Fraction(1))


class Causes:
    """The recomputed figures indexed once by quantity and member, and by period and
    quantity, so that each differing figure is explained in constant time."""

    def __init__(self, recomputed: Mapping[Key, Fraction], tolerance: Fraction) -> None:
        self.recomputed = recomputed
        self.tolerance = tolerance
        self.periods: dict[tuple[str, str, Fraction], str] = {}
        self.members: dict[tuple[str, str, Fraction], str] = {}
        for (period, quantity, member), value in recomputed.items():
            if period not in ("", TOTAL):
                self.periods.setdefault((quantity, member, value), period)
            self.members.setdefault((period, quantity, value), member)

    def of(self, figure: Figure, recomputed: Fraction) -> str:
        """The likely cause of ``figure`` differing from ``recomputed`` ("" if none is obvious)."""
        submitted = figure.value
        if recomputed:
            ratio = submitted / recomputed
            for factor, cause in _FACTORS.items():
                if close(ratio, Fraction(factor), self.tolerance):
                    return cause
        other = self.periods.get((figure.quantity, figure.member, submitted))
        if other is not None and other != figure.period:
            return f"equals the figure of period {other}: periods swapped?"
        member = self.members.get((figure.period, figure.quantity, submitted))
        if member is not None and member != figure.member:
            return f"equals the figure of {member or '(no member)'}: members swapped?"
        return self._rounding(figure, submitted)

    def _rounding(self, figure: Figure, submitted: Fraction) -> str:
        if figure.quantity != CREDITS:
            return ""
        if figure.period == TOTAL:
            reductions = self.recomputed.get((TOTAL, TOTAL_ER, ""))
            if reductions is not None and submitted == max(0, math.floor(reductions)):
                return "the total ER rounded down once: credits are rounded per period"
            return ""
        reductions = self.recomputed.get((figure.period, ER, ""))
        if reductions is not None and submitted == round(reductions):
            return "ER_p rounded to the nearest tonne: credits are ER_p rounded down"
        return ""
