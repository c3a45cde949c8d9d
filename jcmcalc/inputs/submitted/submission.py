"""What a submission states: its figures, and what it says about itself (period dates,
methodology, mode, input hashes), each with the place it was read.

Every figure is keyed by ``(period, quantity, member)``: ``period`` is the period number as
text, ``""`` for a value fixed ex ante, ``"total"`` for the totals; ``quantity`` is a parameter
or equation symbol, ``ER_p`` or ``credits`` (``ER`` and ``credits`` for the totals);
``member`` the index members joined by ``/``; for ``allocation`` the party, for ``ER_year``
the calendar year. A figure given with a unit is converted exactly
to the unit its quantity is computed in.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from jcmcalc.inputs import boundary
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import REFERENCE, Methodology
from jcmcalc.model.units import conversion_factor, dimensionality

ER, CREDITS = "ER_p", "credits"
TOTAL_ER, TOTAL_CREDITS = "ER", "credits"
TOTAL = "total"
#: Quantities of the split of credits between parties (member: the party) and of each
#: period's ER by calendar year (member: the year).
ALLOCATION, ER_YEAR = "allocation", "ER_year"


@attrs.frozen
class Figure:
    """One submitted figure and where it was read (file and row or place)."""

    period: str
    quantity: str
    member: str
    value: Fraction
    place: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.period, self.quantity, self.member)


@attrs.frozen
class Finding:
    """A difference found in the submission, or between it and the recomputation: what
    (``period``, ``quantity``, ``member``), where it was read, what differs and, where one is
    obvious, its likely cause."""

    period: str
    quantity: str
    member: str
    place: str
    message: str
    cause: str = ""


@attrs.frozen
class Stated:
    """Something a submission says about itself (a period's dates, its methodology...)."""

    value: str
    place: str


#: Sheet -> cell (``"G4"``) -> (formula text or None, value as stored).
Cells = dict[str, dict[str, tuple[str | None, Any]]]


@attrs.frozen
class Submission:
    """Everything read from a submitted file. Absent statements are None or empty: a CSV states
    only figures; the JSON of ``calculate`` states everything."""

    figures: tuple[Figure, ...]
    findings: tuple[Finding, ...] = ()
    #: Period number -> (start, end) as ISO dates.
    periods: dict[str, tuple[Stated, Stated]] = attrs.field(factory=dict)
    methodology_id: Stated | None = None
    methodology_version: Stated | None = None
    mode: Stated | None = None
    creditable: Stated | None = None
    #: Input file (relative path) -> its sha256; and the combined hash of them all.
    files: dict[str, Stated] = attrs.field(factory=dict)
    inputs_sha256: Stated | None = None
    #: The sha256 of the methodology's declaration and the version of its plugin.
    methodology_sha256: Stated | None = None
    plugin_version: Stated | None = None
    #: The project's name and reference number as the submission states them.
    project: Stated | None = None
    reference_number: Stated | None = None
    #: Whether the submission lists its periods (the JSON's ``periods``): every period of
    #: its figures must then be listed, with every figure a period has.
    complete: bool = False
    #: A workbook's cells, sheet by sheet: the formula (or None) and value of each.
    cells: Cells | None = None


def number(text: Any, *, file: Path, where: str) -> Fraction:
    """A submitted number, exactly: an int, a float, decimal text or exact text ``p/q``."""
    if isinstance(text, bool):
        raise InputError(f"{text!r} is not a number", file=file, at=where)
    try:
        if isinstance(text, int | float):
            return Fraction(text)
        numerator, _, denominator = str(text).strip().partition("/")  # exact text: p/q
        value = boundary.decimal(numerator)
        return value / boundary.decimal(denominator) if denominator else value
    except OverflowError as exc:  # an exponent too long to expand, or an infinite float
        raise InputError(f"{text!r} is not a usable number: {exc}", file=file, at=where) from None
    except (ValueError, ZeroDivisionError):
        raise InputError(f"{text!r} is not a number", file=file, at=where) from None


def period_text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _computed_unit(quantity: str, methodology: Methodology) -> str | None:
    """The unit equation result ``quantity`` is recomputed in (None: not a result)."""
    for equation in methodology.equations:
        if equation.symbol == quantity:
            return equation.unit
    if quantity in (ER, CREDITS, TOTAL_ER, TOTAL_CREDITS):
        return methodology.equation(REFERENCE).unit
    return None


def converted(
    value: Fraction,
    unit: str,
    quantity: str,
    methodology: Methodology,
    *,
    file: Path,
    row: int | None = None,
    at: str = "",
) -> Fraction:
    """``value`` given in ``unit`` in the unit its quantity is recomputed in, exactly."""
    if not unit:
        return value
    parameter = next((p for p in methodology.all_parameters if p.symbol == quantity), None)
    if parameter is not None:  # converted as an input value is, with the same words
        factor = boundary.factor(parameter, unit, file=file, row=row, at=at)
        return value if factor == 1 else value * factor
    target = _computed_unit(quantity, methodology)
    if target is None:  # an unknown quantity is reported when it is compared
        return value
    try:
        return value * conversion_factor(unit, target)
    except ValueError as exc:
        message = f"{exc} (expected a unit of {dimensionality(target)} such as {target})"
    except Exception:
        message = (
            f"unit {unit!r} ({dimensionality(unit)}) cannot be converted to {target} "
            f"({dimensionality(target)})"
        )
    raise InputError(message, file=file, row=row, at=at or None, parameter=quantity)
