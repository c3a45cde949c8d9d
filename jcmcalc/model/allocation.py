"""How a project shares each period's issued credits between parties (``[allocation]``).

The record says what the project stated; :func:`allocate` does the arithmetic, once, for every
output.
"""

from __future__ import annotations

import math
from fractions import Fraction

import attrs

from jcmcalc.model.errors import InputError
from jcmcalc.model.numbers import decimal_text

#: How the shares are rounded (the one rule): down to whole credits, so the remainder party's
#: credits are never negative.
ROUNDING = "down"


@attrs.frozen
class Allocation:
    """Shares per party (fractions adding up to one) with the party that takes the remainder
    after the other shares are rounded, or the amounts given per period (in period order)."""

    parties: tuple[str, ...]
    shares: tuple[Fraction, ...] = ()
    remainder: str = ""
    amounts: tuple[tuple[int, ...], ...] = ()
    source: str = ""

    def rule(self) -> str:
        """The rule in words, as every output states it."""
        if self.amounts:
            return "amounts given per period by the project"
        others = [p for p in self.parties if p != self.remainder]
        shares = ", ".join(
            f"{party} {decimal_text(share * 100)} %"
            for party, share in zip(self.parties, self.shares, strict=True)
        )
        return (
            f"shares {shares}; the share of {', '.join(others)} rounded {ROUNDING} to whole "
            f"credits, the remainder to {self.remainder}"
        )


def allocate(credits: int, allocation: Allocation, period: int) -> tuple[tuple[str, int], ...]:
    """Whole credits per party for one period (``period`` counts from 1); they add up to
    ``credits`` exactly. Given amounts that do not add up are an error of the project."""
    if allocation.amounts:
        amounts = allocation.amounts[period - 1]
        if sum(amounts) != credits:
            raise InputError(
                f"amounts of period {period} add up to {sum(amounts)}, not to its {credits} "
                "credits",
                file=allocation.source or None,
                at=f"allocation.amounts[{period}]",
            )
        return tuple(zip(allocation.parties, amounts, strict=True))
    split = {}
    for party, share in zip(allocation.parties, allocation.shares, strict=True):
        if party != allocation.remainder:
            split[party] = math.floor(credits * share)
    split[allocation.remainder] = credits - sum(split.values())
    return tuple((party, split[party]) for party in allocation.parties)
