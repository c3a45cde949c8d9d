"""Exact numbers: decimal text in, rational arithmetic, whole-tonne rounding, decimal text out."""

from __future__ import annotations

import decimal
import math
import re
from fractions import Fraction

from jcmcalc.model.errors import quoted

#: Decimal places shown for a value whose decimal expansion does not terminate.
DISPLAY_PLACES = 6

#: Decimal places a trace or report shows of a value; beyond them it is rounded, marked "…".
SHOWN_PLACES = 10

#: Largest magnitude of any value in its parameter's canonical unit (MWh, t, GJ/t...). A guard
#: against typing errors, chosen by jcmcalc, not a physical bound: 10^15 of any canonical unit
#: lies far beyond a single project.
MAX_MAGNITUDE = 10**15
#: Largest decimal exponent written in an input (``1e30``). Expanding ``1e999999999`` exactly
#: would take hours; anything beyond this is refused before it is expanded.
MAX_EXPONENT = 30

#: Most decimal places of a value written in an input. Exact products of inputs with
#: thousands of places would exceed what Python converts to text (4,300 digits), so the output
#: could not be written; no measurement has that many. Chosen by jcmcalc, not a standard.
MAX_PLACES = 60
#: Most digits of a number written in an input (a 400-digit integer is still read, and refused
#: as absurdly large with its magnitude).
MAX_DIGITS = 1000


_EXPONENT = re.compile(r"[eE]([+-]?\d+)\s*$")
#: A decimal without exponent or white space, which :func:`decimal_fraction` reads directly.
_PLAIN = re.compile(r"([+-]?)([0-9]+)(?:\.([0-9]+))?")


def decimal_fraction(text: str) -> Fraction:
    """Exact value of decimal text (``"1.5e3"``); ``ValueError`` if it is none. An exponent
    beyond :data:`MAX_EXPONENT`, more than :data:`MAX_DIGITS` digits or more than
    :data:`MAX_PLACES` decimal places raise ``OverflowError`` (a typing error, surely)."""
    plain = _PLAIN.fullmatch(text) if len(text) <= MAX_DIGITS else None
    if plain is not None:  # digits and a point, as most values are written: read directly
        sign, whole, part = plain.groups()
        value = Fraction(int(sign + whole + (part or "")), 10 ** len(part or ""))
    else:
        exponent = _EXPONENT.search(text)
        if exponent and abs(int(exponent.group(1))) > MAX_EXPONENT:
            raise OverflowError(
                f"{quoted(text.strip())} is absurdly large or small (exponent beyond "
                f"+-{MAX_EXPONENT})"
            )
        digits = sum(character.isdigit() for character in text) if len(text) > MAX_DIGITS else 0
        if digits > MAX_DIGITS:  # (no text of fewer characters has more digits)
            raise OverflowError(f"{quoted(text.strip())} has {digits:,} digits")
        value = Fraction(text)
    if value.denominator > 10**MAX_PLACES:
        raise OverflowError(
            f"{quoted(text.strip())} has more than {MAX_PLACES} digits after the point"
        )
    return value


def absurd(value: Fraction) -> bool:
    """Whether ``value`` lies beyond :data:`MAX_MAGNITUDE` (a typing error, surely)."""
    return abs(value) > MAX_MAGNITUDE


def magnitude_text(value: Fraction) -> str:
    """``about 10^N`` for a value too large to print in full (Python refuses > 4300 digits)."""
    exponent = math.log10(abs(value.numerator)) - math.log10(value.denominator)
    return f"about {'-' if value < 0 else ''}10^{math.floor(exponent)}"


def _decimal_places(value: Fraction) -> int | None:
    """Digits after the point of a finite decimal expansion; None when it does not end."""
    denominator, twos, fives = value.denominator, 0, 0
    while denominator % 2 == 0:
        denominator, twos = denominator // 2, twos + 1
    while denominator % 5 == 0:
        denominator, fives = denominator // 5, fives + 1
    return max(twos, fives) if denominator == 1 else None


def terminates(value: Fraction) -> bool:
    """Whether the decimal expansion of ``value`` is finite."""
    return _decimal_places(value) is not None


def exact_text(value: Fraction) -> str:
    """The exact value: its full decimal expansion when finite, else ``p/q``."""
    if not terminates(value):
        return f"{value.numerator}/{value.denominator}"
    return decimal_text(value, places=None)


def decimal_text(value: Fraction, places: int | None = DISPLAY_PLACES) -> str:
    """Decimal text of ``value`` rounded half-even to ``places`` (None: exact when finite).

    Trailing zeros are dropped: ``Fraction(18437798, 1000)`` gives ``18437.798``.
    """
    if places is None:
        places = _decimal_places(value)
        if places is None:
            places = DISPLAY_PLACES
    scaled = round(value * 10**places)
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled)).rjust(places + 1, "0")
    whole, fraction = digits[: len(digits) - places], digits[len(digits) - places :]
    fraction = fraction.rstrip("0")
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


class Exact(Fraction):
    """The one number type of the Python API: exact (a :class:`~fractions.Fraction`), shown
    as a decimal (``756.67``, or rounded to :data:`DISPLAY_PLACES` places with ``...`` when
    its decimals do not end; never as a 40-digit fraction). ``float(x)``, ``str(x)`` and
    :meth:`to_decimal` convert it; arithmetic on it gives plain Fractions."""

    def __repr__(self) -> str:
        return decimal_text(self, places=None) + ("" if terminates(self) else "...")

    __str__ = __repr__

    def __reduce__(self) -> tuple[type, tuple[int, int]]:  # the text above is no input
        return (type(self), (self.numerator, self.denominator))

    def to_decimal(self) -> decimal.Decimal:
        """The exact :class:`~decimal.Decimal` when its decimals end, else rounded to the
        current decimal context's precision (28 significant digits by default)."""
        if terminates(self):
            return decimal.Decimal(decimal_text(self, places=None))
        return decimal.Decimal(self.numerator) / decimal.Decimal(self.denominator)


def shown_text(value: Fraction) -> str:
    """The exact decimal when it has at most :data:`SHOWN_PLACES` decimals, so a value shown
    reproduces what is computed from it; else rounded to them and marked ``…``."""
    places = _decimal_places(value)
    if places is not None and places <= SHOWN_PLACES:
        return decimal_text(value, places=None)
    return decimal_text(value, SHOWN_PLACES) + "…"
