"""Likely causes of a differing figure, named only for patterns the tests pin: a factor of
1,000 (a unit), a reversed sign, two periods' or members' figures exchanged (each equals the
other's), credits rounded the wrong way from a right ER, a figure rounded to N decimals."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from jcmcalc.inputs.submitted.submission import ALLOCATION, CREDITS, ER, TOTAL, TOTAL_ER, Figure
from jcmcalc.model.kernel import credits_of

Key = tuple[str, str, str]

_FACTORS = {
    1000: "a factor of 1,000: a unit (kWh given as MWh, kg as t)?",
    Fraction(1, 1000): "a factor of 1/1,000: a unit (MWh given as kWh, t as kg)?",
    10**6: "a factor of 1,000,000: a unit (Wh given as MWh, g as t)?",
    Fraction(1, 10**6): "a factor of 1/1,000,000: a unit (MWh given as Wh, t as g)?",
    -1: "the sign is reversed?",
}
#: Most decimals a rounded figure is recognised with.
DECIMALS = 12
#: Each factor as a float with its margin scale, to sift candidates without exact arithmetic.
_SIFT = [(float(f), max(abs(float(f)), 1.0), f) for f in _FACTORS]


def close(a: Fraction, b: Fraction, tolerance: Fraction) -> bool:
    """``a`` within the relative ``tolerance`` of ``b``."""
    return a == b or abs(a - b) <= tolerance * max(abs(b), Fraction(1))


class Causes:
    """The recomputed figures indexed once by quantity and member, and by period and
    quantity, so that each differing figure is explained in constant time."""

    def __init__(
        self,
        recomputed: Mapping[Key, Fraction],
        tolerance: Fraction,
        submitted: Mapping[Key, Figure],
    ) -> None:
        self.recomputed = recomputed
        self.tolerance = tolerance
        self.submitted = submitted
        self._periods: dict[tuple[str, str, Fraction], str] | None = None
        self._members: dict[tuple[str, str, Fraction], str] = {}

    def _index(self) -> dict[tuple[str, str, Fraction], str]:
        """Which period, and which member, has each recomputed value (built when needed)."""
        if self._periods is None:
            self._periods = {}
            for (period, quantity, member), value in self.recomputed.items():
                if period not in ("", TOTAL):
                    self._periods.setdefault((quantity, member, value), period)
                self._members.setdefault((period, quantity, value), member)
        return self._periods

    def of(self, figure: Figure, recomputed: Fraction) -> str:
        """The likely cause of ``figure`` differing from ``recomputed`` ("" if none is obvious)."""
        submitted = figure.value
        for factor in self._factors(submitted, recomputed):
            if close(submitted / recomputed, Fraction(factor), self.tolerance):
                return _FACTORS[factor]
        other = self._index().get((figure.quantity, figure.member, submitted))
        if other is not None and self._exchanged((other, figure.quantity, figure.member), figure):
            return f"equals the figure of period {other}, and it equals this: periods swapped?"
        member = self._members.get((figure.period, figure.quantity, submitted))
        if member is not None and self._exchanged((figure.period, figure.quantity, member), figure):
            return (
                f"equals the figure of {member or '(no member)'}, and it equals this: "
                "members swapped?"
            )
        return self._rounding(figure, submitted) or self._decimals(figure, recomputed)

    def _exchanged(self, other: Key, figure: Figure) -> bool:
        """Whether the figure submitted at ``other`` (another key) is the recomputed value of
        ``figure``'s key: the two were exchanged (not one dropped, nor one copied)."""
        given = self.submitted.get(other)
        return (
            other != figure.key
            and given is not None
            and given.value == self.recomputed.get(figure.key)
        )

    def _decimals(self, figure: Figure, recomputed: Fraction) -> str:
        """A figure of N decimals within half a unit of its last decimal of the recomputed."""
        if figure.quantity in (CREDITS, ALLOCATION):
            return ""
        value = figure.value
        for decimals in range(DECIMALS + 1):
            if (value * 10**decimals).denominator == 1:
                break
        else:
            return ""
        if abs(value - recomputed) * 2 * 10**decimals > 1:
            return ""
        return (
            f"rounded to {decimals} decimal{'' if decimals == 1 else 's'}: the recomputation "
            "keeps every digit (--tolerance sets how close a figure must be)"
        )

    def _factors(self, submitted: Fraction, recomputed: Fraction) -> list[Fraction | int]:
        """The factors the ratio of the two values may be within the tolerance of (sifted in
        floating point, so that only these are checked exactly)."""
        try:
            approx = float(submitted) / float(recomputed)
        except (ZeroDivisionError, OverflowError):
            return []
        margin = float(self.tolerance) + 1e-12
        return [f for value, scale, f in _SIFT if abs(approx - value) <= margin * scale]

    def _rounding(self, figure: Figure, submitted: Fraction) -> str:
        if figure.quantity != CREDITS:
            return ""
        if figure.period == TOTAL:
            reductions = self.recomputed.get((TOTAL, TOTAL_ER, ""))
            if reductions is not None and submitted == credits_of(reductions):
                return "the total ER rounded down once: credits are rounded per period"
            return ""
        reductions = self.recomputed.get((figure.period, ER, ""))
        given = self.submitted.get((figure.period, ER, ""))
        right = (
            given is not None
            and reductions is not None
            and close(given.value, reductions, self.tolerance)
        )
        if right and submitted == round(reductions):  # the ER submitted is the right one
            return "ER_p rounded to the nearest tonne: credits are ER_p rounded down"
        return ""
