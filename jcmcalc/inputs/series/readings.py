"""Readings of monitoring files, and the readers plugins add for files of their own shape.

A plugin's hook ``jcmcalc_readers`` returns :class:`Reader` records. The core decides which
reader reads a file: a plugin reader gets only the files it accepts, for the methodologies it
serves; every other file goes to the core's CSV/Parquet reader
(:func:`jcmcalc.inputs.series.monitoring.read_monitoring`). What a plugin reader returns crosses the
input boundary like any other value; a reading the boundary refuses is the plugin's fault.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from jcmcalc.inputs import boundary
from jcmcalc.inputs.project import Period
from jcmcalc.inputs.series.coverage import Coverage
from jcmcalc.inputs.series.months import Month
from jcmcalc.model.expressions.terms import Term
from jcmcalc.model.faults import exact, plugin_fault
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.parameters import Kind

Key = tuple[str, ...]
#: Where a reading goes: (period number, parameter name, member key).
Slot = tuple[int, str, Key]
#: Bytes of a file's start that a reader's ``accepts`` sees.
HEAD_BYTES = 4096
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@attrs.frozen
class Reading:
    """A monitored value summed from file rows: the first and last row it came from.

    ``unit`` is the canonical unit of a parameter with alternative units (its basis).
    ``coverage``: what part of the period the readings of its member cover, from a dated
    series (:mod:`jcmcalc.inputs.series.coverage`). ``months``: the exact total of each calendar
    month with readings, ``("YYYY-MM", value)`` in calendar order, adding up exactly to ``value``
    (:mod:`jcmcalc.inputs.series.months`; empty for an undated file). Readings of
    one slot from several blocks add up value by value and month by month
    (:func:`jcmcalc.inputs.series.months.summed`).
    """

    value: Fraction
    file: Path
    rows: tuple[int, ...]
    unit: str = ""
    coverage: tuple[Coverage, ...] = ()
    #: How many rows were summed (0: not counted); fewer than the span says rows lie between.
    count: int = 0
    months: tuple[Month, ...] = ()
    #: The unit of the file's column where it names the canonical one otherwise (Nm3 for kL).
    written: str = ""

    @property
    def origin(self) -> str:
        first, last = min(self.rows), max(self.rows)
        if first == last:
            rows = f"row {first}"
        elif self.count and self.count < last - first + 1:
            rows = f"{self.count} rows from row {first} to row {last}, not contiguous"
        else:
            rows = f"rows {first}-{last}"
        return f"{self.file.name} {rows}"


@attrs.frozen
class ReadContext:
    """What a reader knows of the project: its periods and members, the period a file is listed
    under (``only``; None for a file under ``[monitoring]``), its ``time_zone`` and the file's
    reading ``options`` from the project file (``separator``, ``decimal``, ``sheet``,
    ``columns``); ``frame`` is the DataFrame a project built in Python gives in place of the
    file."""

    methodology: Methodology
    periods: tuple[Period, ...]
    members: Mapping[str, tuple[str, ...]]
    only: Period | None = None
    time_zone: str | None = None
    options: Mapping[str, Any] = attrs.field(factory=dict)
    frame: Any = None


@attrs.frozen
class Worked:
    """A reading a plugin reader works out from one file row, for a report to show: its slot
    (period number, parameter name, member key), the file row and its time (text), the row's
    ``numbers`` (name, exact value, unit) and the ``term`` over them (symbols named as the
    numbers) whose exact value is ``value``; ``note`` says what else the row decided."""

    slot: Slot
    row: int
    time: str
    numbers: tuple[tuple[str, Fraction, str], ...]
    term: Term
    value: Fraction
    note: str = ""


@attrs.frozen
class Reader:
    """A monitoring-file reader a plugin provides (hook ``jcmcalc_readers``).

    ``methodologies``: the ids of the methodologies it serves (every version). ``accepts``:
    whether it reads a file, given the file's path and its first :data:`HEAD_BYTES` bytes.
    ``read``: the readings of an accepted file, by (period number, parameter name, member key).
    ``rows`` (optional): the file's readings row by row (:class:`Worked`), which a report
    shows and sums; they must add up to what ``read`` gives.
    """

    name: str
    methodologies: tuple[str, ...]
    accepts: Callable[[Path, bytes], bool]
    read: Callable[[Path, ReadContext], Mapping[Slot, Reading]]
    rows: Callable[[Path, ReadContext], Sequence[Worked]] | None = None

    def serves(self, methodology: Methodology) -> bool:
        return methodology.id in self.methodologies


def check_readings(readings: Any, what: str, context: ReadContext) -> Mapping[Slot, Reading]:
    """``readings`` from a plugin's reader, checked slot by slot: a known period, a monitored
    parameter, members that exist, an exact value in one of its canonical units that the input
    boundary accepts (bounds, absurd values), and so is each monthly total (a month of the
    period). Anything else is a fault of the plugin."""
    methodology = context.methodology
    if not isinstance(readings, Mapping):
        raise plugin_fault(methodology, f"{what} returned {type(readings).__name__}, not a mapping")
    monitored = {p.name: p for p in methodology.parameters if p.kind is Kind.MONITORED}
    periods = {period.number for period in context.periods}
    for slot, reading in readings.items():
        name = slot[1] if isinstance(slot, tuple) and len(slot) == 3 else None
        parameter = monitored.get(name)
        if parameter is None:
            raise plugin_fault(methodology, f"{what} returned {slot!r}: no monitored parameter")
        number, _, key = slot
        known = (
            isinstance(key, tuple)
            and len(key) == len(parameter.index)
            and all(
                member in context.members[index]
                for index, member in zip(parameter.index, key, strict=False)
            )
        )
        if number not in periods or not known:
            raise plugin_fault(methodology, f"{what} returned {slot!r}: no such period or member")
        value = getattr(reading, "value", None)
        if not exact(value):
            raise plugin_fault(
                methodology,
                f"{what} returned {value!r} for {parameter.symbol}: not an exact number",
            )
        unit = getattr(reading, "unit", "")
        if unit and unit not in parameter.units:
            raise plugin_fault(
                methodology,
                f"{what} returned {parameter.symbol} in {unit!r}: not one of its canonical units "
                f"{', '.join(parameter.units)}",
            )
        problem = boundary.refusal(parameter, Fraction(value), unit or parameter.unit)
        if problem:
            raise plugin_fault(
                methodology, f"{what} returned {parameter.symbol} {slot[2]!r}: {problem}"
            )
        months = getattr(reading, "months", ())
        if months and not _months_add_up(months, Fraction(value)):
            raise plugin_fault(
                methodology,
                f"{what} returned {parameter.symbol} {slot[2]!r} with months {months!r}: not "
                "('YYYY-MM', exact number) pairs in calendar order adding up to its value",
            )
        period = next(p for p in context.periods if p.number == number)
        for label, part in months:  # each month's total is a value too: it splits the ER
            problem = boundary.refusal(parameter, Fraction(part), unit or parameter.unit)
            if not f"{period.start:%Y-%m}" <= label <= f"{period.end:%Y-%m}":
                problem = f"the month lies outside {period.label}"
            if problem:
                raise plugin_fault(
                    methodology,
                    f"{what} returned {parameter.symbol} {slot[2]!r} for {label}: {problem}",
                )
    return readings


def _months_add_up(months: Any, value: Fraction) -> bool:
    """Whether ``months`` are ("YYYY-MM", exact number) pairs, in order, summing to ``value``."""
    try:
        labels = [label for label, _ in months]
        parts = [part for _, part in months]
    except (TypeError, ValueError):
        return False
    return (
        all(isinstance(label, str) and _MONTH.fullmatch(label) for label in labels)
        and labels == sorted(set(labels))
        and all(exact(part) for part in parts)
        and sum(parts, Fraction(0)) == value
    )
