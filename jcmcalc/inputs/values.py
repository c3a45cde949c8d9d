"""A resolved value: an exact magnitude in its canonical unit, and where it came from."""

from __future__ import annotations

import enum
from fractions import Fraction

import attrs


class Origin(enum.StrEnum):
    """Where a resolved value came from."""

    PROJECT = "project"  # the project file, for a fixed parameter
    MONITORED = "monitored"  # the project file or a monitoring file, for a monitored one
    DEFAULT = "default"  # the methodology's default
    OVERRIDE = "override"  # the project's sourced value replacing the default
    ABSENT = "absent"  # not given, counted as zero (``WhenAbsent.ZERO``)
    ESTIMATE = "estimate"  # computed by the ex-ante estimate


@attrs.frozen
class Value:
    """A resolved value, its origin and its source text. ``unit`` is set only for a parameter
    with unit choices: the one of :attr:`Parameter.units` the value is in. ``months``: a
    monitored value's exact total per calendar month, from dated readings
    (:attr:`jcmcalc.inputs.series.readings.Reading.months`; empty otherwise). ``written``: the
    unit the project wrote where it names the canonical unit with another name (Nm3 for kL), so
    that views show the value as written."""

    value: Fraction
    origin: Origin
    source: str
    confidence: str = ""
    unit: str = ""
    months: tuple[tuple[str, Fraction], ...] = ()
    written: str = ""

    def shown_unit(self, canonical: str) -> str:
        """The unit to show the value in: as written, else its basis's, else ``canonical``."""
        return self.written or self.unit or canonical
