"""Plausibility checks of a methodology: bounds between parameters and equation results,
tested per period after the equations, and the unit slips a breach names."""

from __future__ import annotations

import enum
from fractions import Fraction

import attrs

from jcmcalc.model.expressions.terms import Term
from jcmcalc.model.expressions.walkers import to_text
from jcmcalc.model.parameters import Parameter


class Severity(enum.StrEnum):
    """What the breach of a :class:`Check` is: bad input, or a warning on the result."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Slip:
    """A unit slip a failed check names when one side is ``low`` to ``high`` times the other."""

    low: Fraction
    high: Fraction
    text: str


@attrs.frozen
class Check:
    """A plausibility bound ``left <= right`` (``<`` if ``strict``), tested per period (and per
    ``index`` member) after the equations, on parameters and equation results. A breach of an
    error check is bad input; a warning check (on parameters, fixed or monitored, and the
    period's hours :data:`PERIOD_HOURS`) adds a warning naming a likely unit slip (``slips``)."""

    name: str
    left: Term
    right: Term
    description: str
    index: tuple[str, ...] = ()
    inferred: str = ""
    severity: Severity = Severity.ERROR
    strict: bool = False
    slips: tuple[Slip, ...] = ()

    @property
    def text(self) -> str:
        return f"{to_text(self.left)} {'<' if self.strict else '<='} {to_text(self.right)}"

    def holds(self, left: Fraction, right: Fraction) -> bool:
        """Whether the values ``left`` and ``right`` of the two sides satisfy the bound."""
        return left < right if self.strict else left <= right


#: A comparison as ``(swap the sides, strict)`` of the bound ``left <= right``.
RELATIONS = {"<": (False, True), "<=": (False, False), ">": (True, True), ">=": (True, False)}


def bound(name: str, left: Term, relation: str, right: Term, description: str, **extra) -> Check:
    """The check ``left relation right`` for ``relation`` one of ``<``, ``<=``, ``>``, ``>=``
    (``a > b`` is kept as ``b < a``)."""
    if relation not in RELATIONS:
        raise ValueError(f"check {name!r}: {relation!r} is not one of {', '.join(RELATIONS)}")
    swap, strict = RELATIONS[relation]
    left, right = (right, left) if swap else (left, right)
    return Check(name, left, right, description, strict=strict, **extra)


def expectation(parameter: Parameter, above: Parameter, description: str) -> Check:
    """A warning check: ``parameter`` should exceed ``above`` where their members coincide."""
    return Check(
        f"{parameter.symbol} above {above.symbol}",
        above.ref,
        parameter.ref,
        description,
        index=tuple(dict.fromkeys(parameter.index + above.index)),
        severity=Severity.WARNING,
        strict=True,
    )
