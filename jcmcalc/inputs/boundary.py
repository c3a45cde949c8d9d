"""The input boundary: the checks every value crosses on its way into a calculation.

A value from a project file, a CSV or Parquet column, a portfolio table, a submitted file or a
plugin's reader is checked by the same rules, in a scalar form (one exact value) and a column
form (exact scaled integers, see :mod:`jcmcalc.inputs.scaled`) that agree value for value:

- numbers are read exactly: decimal text as written, an exponent beyond
  :data:`~jcmcalc.model.numbers.MAX_EXPONENT` refused before it is expanded; a float (Parquet,
  pandas) stands for the shortest decimal that gives it back (Python's ``repr``); an integer
  column is read as integers, beyond 2**53 too;
- the unit is parsed and converted exactly to the parameter's canonical unit (a bare number
  only for a dimensionless parameter);
- a value beyond :data:`~jcmcalc.model.numbers.MAX_MAGNITUDE` in its canonical unit is refused
  as a typing error, whatever unit it was written in (``1 YWh``);
- a value outside its parameter's bounds is refused.

Monitoring periods (overlapping or repeated) and index members (given twice) are checked here
too, once for project files and portfolio tables alike. :func:`file_errors` is the one place
where the ways the operating system, a parser or Arrow refuse a file become an
:class:`~jcmcalc.model.errors.InputError` naming that file.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import math
import operator
import re
import sys
from collections.abc import Hashable, Iterable, Iterator
from fractions import Fraction
from typing import Any, Protocol

import numpy as np

from jcmcalc.model.errors import InputError, quoted
from jcmcalc.model.numbers import (
    MAX_MAGNITUDE,
    absurd,
    decimal_fraction,
    decimal_text,
    magnitude_text,
)
from jcmcalc.model.parameters import Parameter
from jcmcalc.model.units import (
    conversion_factor,
    dimensionality,
    parse_unit,
    same_dimension,
    split_quantity,
)

_DECIMAL = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


def decimal(text: str) -> Fraction:
    """Exact value of decimal text; ``ValueError`` when it is none (``1/3``, ``nan``, ``1 kWh``),
    ``OverflowError`` for an exponent beyond the guard."""
    if not _DECIMAL.match(text):
        raise ValueError(f"{quoted(text)} is not a decimal number")
    return decimal_fraction(text)


_OS_PROBLEMS = {
    errno.EACCES: "permission denied: the file or its folder cannot be read or written",
    errno.EPERM: "operation not permitted on this file",
    errno.ELOOP: "a loop of symbolic links: the name never reaches a file",
    errno.ENAMETOOLONG: "the file name is too long for the file system",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "no space left on the device",
    errno.EISDIR: "is a directory, not a file",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENOENT: "not found",
}


@contextlib.contextmanager
def file_errors(file: object) -> Iterator[None]:
    """Turn every way the OS, a parser or Arrow refuses ``file`` into an :class:`InputError`
    naming it (the file the OS names, when it names one): exit 2, never an internal error."""
    try:
        yield
    except InputError:
        raise
    except RecursionError:
        raise InputError(
            "nested too deeply to read (tables or lists within each other hundreds of levels "
            "deep): a damaged file?",
            file=file,
        ) from None
    except OSError as exc:
        problem = _OS_PROBLEMS.get(exc.errno or 0, exc.strerror or str(exc))
        raise InputError(problem, file=exc.filename or file) from None
    except Exception as exc:
        problem = _parser_problem(exc)
        if problem is None:
            raise
        raise InputError(problem, file=file) from None


def _parser_problem(exc: Exception) -> str | None:
    """What a parser's or Arrow's exception says about an input, None for any other exception
    (a fault of jcmcalc, reported as an internal error)."""
    text = str(exc)
    if isinstance(exc, ValueError) and "null byte" in text:
        return "a file name holds a NUL character"
    if isinstance(exc, RuntimeError) and text.startswith("Symlink loop"):
        return _OS_PROBLEMS[errno.ELOOP]
    if isinstance(exc, ValueError) and "integer string conversion" in text:
        return f"a number with more digits than can be read or written ({text})"
    arrow = sys.modules.get("pyarrow")
    if arrow is not None and isinstance(exc, arrow.lib.ArrowException):
        return f"cannot be read as data jcmcalc takes: {type(exc).__name__}: {text}"
    return None


def quantity(
    parameter: Parameter, text: str, *, file: object = None, row: int | None = None, at: str = ""
) -> Fraction:
    """Parse ``text`` (``"1234.5 kWh"``), convert it to the canonical unit and check it.

    A bare number is accepted only for a dimensionless parameter.
    """
    return quantity_units(parameter, text, file=file, row=row, at=at)[0]


def quantity_units(
    parameter: Parameter, text: str, *, file: object = None, row: int | None = None, at: str = ""
) -> tuple[Fraction, dict[str, str]]:
    """:func:`quantity` and :func:`units_of` of ``text``, its number parsed once."""
    where: dict[str, Any] = {"file": file, "row": row, "at": at or None}
    try:
        magnitude, unit = split_quantity(text)
    except OverflowError as exc:
        raise InputError(f"{exc}: a typing error?", **where, parameter=parameter.symbol) from None
    except ValueError:
        kind = "a finite number" if text.strip().lower()[:3] in {"nan", "inf"} else "a number"
        raise InputError(
            f"{quoted(text)} is not {kind} with a unit (expected e.g. '1 {parameter.unit}')",
            **where,
            parameter=parameter.symbol,
        ) from None
    if not unit and not parameter.dimensionless:
        raise InputError(
            f"{quoted(text)} has no unit; expected a unit of {dimensionality(parameter.unit)} "
            f"such as {parameter.unit}",
            **where,
            parameter=parameter.symbol,
        )
    value = converted(parameter, magnitude, unit or "dimensionless", **where)
    return value, dict(kept(_UNITS, parameter, unit, lambda: _units_of(parameter, unit)))


#: Per (parameter, unit): the factor into its canonical unit (:func:`factor`), and the units
#: a value keeps (:func:`units_of`), worked out once per process (the units written for a
#: parameter are few). Each entry keeps its parameter (its ``id`` is not reused while cached);
#: bounded, as unit texts come from input files.
_FACTORS: dict[tuple[int, str], tuple[Parameter, Fraction]] = {}
_UNITS: dict[tuple[int, str], tuple[Parameter, dict[str, str]]] = {}
_KEPT = 4096


def kept(
    cache: dict[tuple[int, Hashable], Any], parameter: Parameter, text: Hashable, make: Any
) -> Any:
    """``make()``, kept in ``cache`` for ``parameter`` and ``text`` (an error is not kept):
    a ``cache`` of what depends on a parameter and a text alone, not on a project."""
    entry = cache.get((id(parameter), text))
    if entry is None or entry[0] is not parameter:
        if len(cache) >= _KEPT:
            cache.clear()
        entry = cache[(id(parameter), text)] = (parameter, make())
    return entry[1]


def factor(
    parameter: Parameter, unit: str, *, file: object = None, row: int | None = None, at: str = ""
) -> Fraction:
    """The exact factor from ``unit`` into the parameter's canonical unit of that basis."""
    entry = _FACTORS.get((id(parameter), unit))
    if entry is not None and entry[0] is parameter:
        return entry[1]
    where: dict[str, Any] = {"file": file, "row": row, "at": at or None}
    return kept(_FACTORS, parameter, unit, lambda: _factor(parameter, unit, where))


def _factor(parameter: Parameter, unit: str, where: dict[str, Any]) -> Fraction:
    expected = " or ".join(parameter.units)
    try:
        return conversion_factor(unit, parameter.canonical(unit))
    except ValueError as exc:
        raise InputError(
            f"{exc} (expected {expected})", **where, parameter=parameter.symbol
        ) from None
    except Exception:
        raise InputError(
            f"unit {quoted(unit)} ({dimensionality(unit)}) cannot be converted to {expected} "
            f"({' or '.join(dimensionality(u) for u in parameter.units)})",
            **where,
            parameter=parameter.symbol,
        ) from None


def converted(
    parameter: Parameter,
    magnitude: Fraction,
    unit: str,
    *,
    file: object = None,
    row: int | None = None,
    at: str | None = None,
) -> Fraction:
    """An exact magnitude given in ``unit``, in the canonical unit and checked."""
    found = factor(parameter, unit, file=file, row=row, at=at or "")
    value = magnitude if found == 1 else magnitude * found
    problem = refusal(parameter, value, parameter.canonical(unit))
    if problem:
        raise InputError(problem, file=file, row=row, at=at, parameter=parameter.symbol)
    return value


def written(parameter: Parameter, unit: str) -> str:
    """The canonical unit of ``unit``'s basis named as the project wrote it, so that a view can
    show a value as written: ``unit`` itself where it converts with factor one (Nm3 for kL),
    else the canonical unit with the names of ``unit`` that mean the same (GJ/Nm3 for GJ/kL
    where ``MJ/Nm3`` is written); "" where nothing differs."""
    canonical = parameter.canonical(unit)
    if not unit or unit == canonical:
        return ""
    if conversion_factor(unit, canonical) == 1:
        return unit
    named, shown = parse_unit(unit), parse_unit(canonical)
    for name, power in parse_unit(canonical)._units.items():
        for own in named._units:
            if own != name and same_dimension(own, name) and conversion_factor(own, name) == 1:
                shown = shown / parse_unit(name) ** power * parse_unit(own) ** power
    text = f"{shown:~C}"
    return text if shown != parse_unit(canonical) else ""


def units_of(parameter: Parameter, text: str) -> dict[str, str]:
    """The alternative canonical unit a value written as ``text`` is in ("" if none declared),
    and its unit as written where that names the canonical one (:func:`written`); nothing for
    a text that is no quantity (refused where its value is read)."""
    try:
        unit = split_quantity(text)[1]
    except ValueError:
        return {"unit": "", "written": ""}
    return dict(kept(_UNITS, parameter, unit, lambda: _units_of(parameter, unit)))


def _units_of(parameter: Parameter, unit: str) -> dict[str, str]:
    basis = parameter.canonical(unit) if parameter.alternatives else ""
    return {"unit": basis, "written": written(parameter, unit)}


def refusal(parameter: Parameter, value: Fraction, unit: str) -> str:
    """Why ``value`` (in the canonical ``unit``) may not enter a calculation; empty if it may."""
    if absurd(value):
        return (
            f"value {magnitude_text(value)} {unit} is absurdly large (beyond "
            f"{decimal_text(Fraction(MAX_MAGNITUDE))} in any unit): a typing error?"
        )
    if not parameter.bounds.contains(value):
        return (
            f"value {decimal_text(value)} {unit} is out of range: must be "
            f"{parameter.bounds.describe()}"
        )
    return ""


def refused(parameter: Parameter, integers: np.ndarray, scale: int, factor: Fraction) -> np.ndarray:
    """Which values ``integers / 10**scale * factor`` :func:`refusal` refuses, compared exactly
    without a Fraction per value (``integers`` whole float64 below 2**53, or Python ints)."""
    number = int if integers.dtype == object else _float
    found = kept(_LIMITS, parameter, (scale, factor), lambda: _limits(parameter, scale, factor))
    largest, comparisons = found
    bad = np.asarray(integers > number(largest), dtype=bool)  # no |integers| copy of a column
    bad |= np.asarray(integers < -number(largest), dtype=bool)
    for compare, threshold in comparisons:
        bad |= np.asarray(compare(integers, number(threshold)), dtype=bool)
    return bad


#: :func:`_limits` by parameter, scale and factor (:func:`kept`).
_LIMITS: dict[tuple[int, Hashable], tuple[Parameter, Any]] = {}


def _limits(parameter: Parameter, scale: int, factor: Fraction) -> tuple[int, list[Any]]:
    """The integers beyond which :func:`refused` refuses a value at ``scale`` and ``factor``:
    the largest magnitude, and each bound as a comparison with its threshold."""
    power = 10**scale
    largest = math.floor(Fraction(MAX_MAGNITUDE) * power / factor)
    comparisons: list[Any] = []
    bounds = parameter.bounds
    for limit, inclusive, below in (
        (bounds.lower, bounds.lower_inclusive, True),
        (bounds.upper, bounds.upper_inclusive, False),
    ):
        if limit is None:
            continue
        threshold = limit * power / factor
        if below:
            comparisons.append((operator.lt, math.ceil(threshold)))
        else:
            comparisons.append((operator.gt, math.floor(threshold)))
        if not inclusive and threshold.denominator == 1:
            comparisons.append((operator.eq, threshold))
    return largest, comparisons


def check_column(
    parameter: Parameter,
    integers: np.ndarray,
    scale: int,
    factor: Fraction,
    unit: str,
    rows: Any,
    file: object,
) -> None:
    """:func:`refusal` of the first refused value of a column, naming its row."""
    if not len(integers):
        return
    extremes = np.array([integers.min(), integers.max()], dtype=integers.dtype)
    if not refused(parameter, extremes, scale, factor).any():  # the bounds are thresholds
        return
    bad = np.flatnonzero(refused(parameter, integers, scale, factor))
    if len(bad):
        first = int(bad[0])
        value = Fraction(int(integers[first]), 10**scale) * factor
        raise InputError(
            refusal(parameter, value, parameter.canonical(unit)),
            file=file,
            row=int(rows[first]),
            parameter=parameter.symbol,
        )


def _float(value: int | Fraction) -> float:
    """``value`` as a float threshold: beyond the float range, an infinity of its sign."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


class Span(Protocol):
    """A monitoring period as far as the period checks need it."""

    @property
    def number(self) -> int: ...
    @property
    def label(self) -> str: ...
    @property
    def start(self) -> Any: ...
    @property
    def end(self) -> Any: ...


def period_clash(periods: Iterable[Span]) -> tuple[Span, str] | None:
    """The first period that repeats or overlaps another (ordered by start), and why."""
    ordered = sorted(periods, key=lambda p: p.start)
    for before, after in itertools.pairwise(ordered):
        if (after.start, after.end) == (before.start, before.end):
            return after, f"{after.label} repeats period {before.number}: each period is given once"
        if after.start <= before.end:
            return after, (
                f"{after.label} overlaps {before.label}: monitoring periods must not overlap"
            )
    return None


def reversed_period(start: object, end: object) -> str:
    """The message for a period whose end date comes before its start date."""
    return f"period ends ({end}) before it starts ({start})"


def overlapping(
    groups: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The column form of :func:`period_clash` for distinct (group, start, end) periods sorted
    by group, start and end: positions ``i`` where period ``i + 1`` overlaps period ``i`` of the
    same group, and each period's number within its group (1, 2... by start)."""
    same = groups[1:] == groups[:-1]
    clash = np.flatnonzero(same & (starts[1:] <= ends[:-1]))
    new = np.concatenate(([True], ~same))
    counter = np.arange(len(groups))
    numbers = counter - np.maximum.accumulate(np.where(new, counter, 0)) + 1
    return clash, numbers


def duplicate_member(title: str, member: str) -> str:
    """The message for a member given twice (a project file's tables or a table's rows)."""
    return f"duplicate {title} id {quoted(member)}"
