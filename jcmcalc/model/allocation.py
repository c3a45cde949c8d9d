"""How a project shares each period's issued credits between parties (``[allocation]``).

The record only says what the project stated; :func:`jcmcalc.model.kernel.allocate` does the
arithmetic, once, for every output.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

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
