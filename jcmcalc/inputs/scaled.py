"""Exact decimals as scaled integers: a column of ``12.345`` becomes ``12345`` at scale 3.

A float64 carries the decimal it was written as exactly when that decimal has at most 15
significant digits (IEEE 754 DBL_DIG): such columns stay float64 whole numbers, summed with
numpy. Other values are Python ints in an object array (slow but exact): decimals with more
digits, and integers beyond 2**53 (a Parquet int64 column is read as integers, never through a
float). A float is read as the shortest decimal that gives it back (Python's ``repr``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import attrs
import numpy as np

from jcmcalc.model.errors import InputError

#: Largest |integer| a scaled decimal may reach: 15 significant digits (DBL_DIG of IEEE 754).
SIGNIFICANT = 10**15
#: Sums of scaled integers in float64 are exact while they stay below 2**53.
EXACT_FLOAT_SUM = 2.0**53


@attrs.frozen
class Scaled:
    """Exact decimals as ``integers / 10**scale``; ``integers`` is float64 (exact whole numbers
    below 10**15, or integers below 2**53 at scale 0) or an object array of Python ints."""

    integers: np.ndarray
    scale: int
    largest: float = 0.0


def finite(values: np.ndarray, row_of: Callable[[int], int], *, title: str, file: object) -> None:
    """An error naming the row (``row_of(position in values)``) of the first non-finite value."""
    if np.isfinite(values).all():
        return
    bad = int(np.flatnonzero(~np.isfinite(values))[0])
    raise InputError(
        f"column {title!r}: {values[bad]} is not a finite number", file=file, row=row_of(bad)
    )


def from_integers(values: np.ndarray) -> Scaled:
    """Integers (int64, uint64...) exactly: float64 below 2**53, Python ints beyond."""
    if not len(values):
        return Scaled(np.zeros(0), 0, 0.0)
    largest = max(abs(int(values.max())), abs(int(values.min())))
    if largest < EXACT_FLOAT_SUM:
        return Scaled(values.astype(np.float64), 0, float(largest))
    return Scaled(values.astype(object), 0, float(largest))


def from_floats(values: np.ndarray) -> Scaled:
    """Finite floats, each the shortest decimal that gives it back, exactly."""
    found = float_scaled(values)
    if found is None:  # more than 15 significant digits somewhere
        found = from_fractions([Fraction(repr(float(v))) for v in values])
    return found


#: Columns this short are scaled value by value in Python (:func:`_few_scaled`).
FEW = 32


def float_scaled(values: np.ndarray) -> Scaled | None:
    """Float64 scaled integers that reproduce every float exactly, or None (too many digits)."""
    if not len(values):
        return Scaled(values, 0, 0.0)
    if len(values) <= FEW:
        return _few_scaled(values)
    sample = values[:4096]
    start = next((d for d in range(16) if fits(sample, d) is not None), None)
    if start is None:
        return None
    for scale in range(start, 16):
        integers = fits(values, scale)
        if integers is not None:
            return Scaled(integers, scale, float(max(integers.max(), -integers.min())))
    return None


def _few_scaled(values: np.ndarray) -> Scaled | None:
    """:func:`float_scaled` of a short column, each scale tried value by value with the float
    operations of :func:`fits` (multiply, round half to even with its sign, divide back):
    numpy's cost per call, not per value, is what a few values would take."""
    floats = values.tolist()
    for scale in range(16):
        power, integers = 10.0**scale, []
        for value in floats:
            whole = value * power
            if math.isfinite(whole):
                whole = math.copysign(float(round(whole)), whole)
            if not abs(whole) < SIGNIFICANT or whole / power != value:
                break
            integers.append(whole)
        else:
            largest = max(map(abs, integers))
            return Scaled(np.array(integers, dtype=np.float64), scale, largest)
    return None


def fits(values: np.ndarray, scale: int, out: np.ndarray | None = None) -> np.ndarray | None:
    """``values * 10**scale`` as whole numbers, if they give back every value exactly (written
    into the start of ``out`` when given)."""
    power = 10.0**scale
    with np.errstate(over="ignore"):  # an overflow is a value too large: None below
        integers = np.multiply(values, power, out=None if out is None else out[: len(values)])
    np.rint(integers, out=integers)
    if max(integers.max(), -integers.min()) >= SIGNIFICANT:
        return None
    block = 1 << 20
    for start in range(0, len(values), block):
        part = slice(start, start + block)
        if not np.array_equal(integers[part] / power, values[part]):
            return None
    return integers


def from_fractions(values: list[Fraction]) -> Scaled:
    """Exact decimals (Fractions with a power-of-ten denominator) as Python ints."""
    scale = 0
    for value in values:
        while (value * 10**scale).denominator != 1:
            scale += 1
    integers = np.empty(len(values), dtype=object)
    integers[:] = [int(value * 10**scale) for value in values]
    largest = max((abs(v) for v in integers), default=0)
    return Scaled(integers, scale, float(largest) if largest < 2**1000 else math.inf)


def sums(scaled: Scaled, starts: np.ndarray) -> list[int]:
    """Exact integer sums of the runs of ``scaled.integers`` beginning at ``starts``."""
    integers = scaled.integers
    if not len(starts):
        return []
    if integers.dtype == np.float64 and scaled.largest * len(integers) < EXACT_FLOAT_SUM:
        return [int(v) for v in np.add.reduceat(integers, starts)]
    exact = integers if integers.dtype == object else integers.astype(np.int64).astype(object)
    return [int(v) for v in np.add.reduceat(exact, starts)]
