"""Parameter declarations: symbol, unit, kind, monitoring option, bounds, default and source."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from fractions import Fraction

import attrs

from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.units import dimensionality, same_dimension


class Kind(enum.StrEnum):
    """Who fixes a parameter's value."""

    METHODOLOGY = "fixed ex ante by the methodology"
    PROJECT = "fixed ex ante per project"
    MONITORED = "monitored ex post"


class Confidence(enum.StrEnum):
    """How well a figure or a rule is sourced (the labels of the domain reference)."""

    READ = "read"
    STANDARD = "standard"
    INFERRED = "inferred"


@attrs.frozen
class Bounds:
    """Allowed range of a parameter in its canonical unit."""

    lower: Fraction | None = None
    lower_inclusive: bool = True
    upper: Fraction | None = None
    upper_inclusive: bool = True

    def describe(self) -> str:
        """``>= 0``, ``in (0, 1]`` and the like."""
        if self.lower is not None and self.upper is not None:
            left = "[" if self.lower_inclusive else "("
            right = "]" if self.upper_inclusive else ")"
            return f"in {left}{decimal_text(self.lower)}, {decimal_text(self.upper)}{right}"
        if self.lower is not None:
            return f"{'>=' if self.lower_inclusive else '>'} {decimal_text(self.lower)}"
        if self.upper is not None:
            return f"{'<=' if self.upper_inclusive else '<'} {decimal_text(self.upper)}"
        return "any"

    def contains(self, value: Fraction) -> bool:
        """Whether ``value`` lies within the bounds."""
        if self.lower is not None and (
            value < self.lower or (value == self.lower and not self.lower_inclusive)
        ):
            return False
        return not (
            self.upper is not None
            and (value > self.upper or (value == self.upper and not self.upper_inclusive))
        )


NON_NEGATIVE = Bounds(lower=Fraction(0))
POSITIVE = Bounds(lower=Fraction(0), lower_inclusive=False)
FRACTION = Bounds(lower=Fraction(0), lower_inclusive=False, upper=Fraction(1))

#: Monitoring frequency of a metered quantity where the methodology text was not read.
CONTINUOUS = (
    "continuous metering, totalled for the monitoring period "
    "(inferred: typical JCM monitoring plan; the methodology's frequency was not read)"
)


class WhenAbsent(enum.StrEnum):
    """What a value the project does not give counts as."""

    ERROR = "error"
    ZERO = "zero"  # a term the methodology lets a project omit
    UNKNOWN = "unknown"  # a value only warning checks use: absent, they are not judged


#: The fields of a jcmcalc 0.1 ``Parameter`` that 0.2 removed, and what replaced each: for the
#: message a plugin written for 0.1 gets (:func:`replaced_field`) and the migration page.
REPLACED_FIELDS = {
    "options": "monitoring=Monitoring(options, measurement, frequency), or metered(measurement)",
    "measurement": "monitoring=Monitoring(options, measurement, frequency)",
    "frequency": "monitoring=Monitoring(options, measurement, frequency)",
    "alternatives": "unit=(canonical, *alternatives): a tuple of units, one per basis",
    "basis": "nothing: the n-th unit of a parameter's unit tuple is its n-th basis of measurement",
    "required_when": "select() in the equations: a member needs a value where its case uses it",
    "expected_above": "a check of the methodology: checks=(expectation(parameter, above, text),)",
}


def replaced_field(error: BaseException) -> str:
    """What replaced the field a 0.1-style declaration passed, for ``error`` (a TypeError of an
    unexpected keyword argument); empty when it is no such error."""
    found = re.search(r"unexpected keyword argument '(\w+)'", str(error))
    if not isinstance(error, TypeError) or found is None or found[1] not in REPLACED_FIELDS:
        return ""
    return (
        f"; written for jcmcalc 0.1? Parameter({found[1]}=...) is gone since 0.2, use "
        f"{REPLACED_FIELDS[found[1]]} (docs: authors/migration)"
    )


@attrs.frozen
class Monitoring:
    """How a monitored parameter is monitored, for the Monitoring Report Sheet.

    ``options`` are the monitoring options (A, B, C) it may use; ``measurement`` the method and
    equipment, ``frequency`` how often. A part not read in the methodology text says so in the
    text (``"(inferred: ...)"``).
    """

    options: tuple[str, ...]
    measurement: str = ""
    frequency: str = ""


def metered(measurement: str, frequency: str = CONTINUOUS) -> Monitoring:
    """Option C (a meter): ``measurement`` names the meter."""
    return Monitoring(("C",), measurement, frequency)


@attrs.frozen
class Default:
    """A default value as text with its unit (``"0.533 t_CO2/MWh"``) and where it comes from."""

    value: str
    source: str
    confidence: Confidence = Confidence.READ
    note: str = ""


@attrs.frozen
class DefaultTable:
    """Defaults chosen by attributes of an index member (a system's grid and connection case).

    ``rows`` maps a tuple of attribute values, in the order of ``keys``, to a default; a
    ``"*"`` in a row's key matches any value of that attribute.
    """

    name: str
    version: str
    keys: tuple[str, ...]
    rows: Mapping[tuple[str, ...], Default]
    source: str

    def lookup(self, attributes: Mapping[str, object]) -> Default | None:
        """The row matching ``attributes``, or None when the table has no such row."""
        key = tuple(str(attributes.get(name, "")) for name in self.keys)
        if key in self.rows:
            return self.rows[key]
        for row_key, default in self.rows.items():
            if all(part in ("*", wanted) for part, wanted in zip(row_key, key, strict=True)):
                return default
        return None


def _unit_choices(unit: str | tuple[str, ...]) -> tuple[str, ...]:
    return (unit,) if isinstance(unit, str) else tuple(unit)


@attrs.frozen
class Parameter:
    """One parameter of a methodology, declared once and used by every view.

    ``unit`` is the canonical unit, or a tuple of canonical units, one per basis of measurement
    (``("t", "kL")`` for a fuel quantity): a value converts to the first of them of its
    dimension, never across bases. The n-th unit of every parameter with unit choices is the
    n-th basis, so values of such parameters must be on the same basis wherever their members
    coincide (a fuel quantity in kL needs its NCV in GJ/kL); resolving a project checks this.
    ``index`` names the indices besides the monitoring period (``("i",)`` for per system).
    ``when_absent=WhenAbsent.ZERO``: a term the methodology lets a project omit; a monitored
    value is not needed either where every use of the parameter lies in ``select`` cases the
    member does not take (:func:`jcmcalc.model.uses.required`).
    ``inferred`` explains a part of its use that is reconstructed, not read in the text.
    ``monitoring`` describes how a monitored parameter is monitored.
    ``source_required``: a value the project file fixes must carry its source (a catalogue,
    a performance test), as a value the methodology fixes always must.
    """

    symbol: str
    name: str
    units: tuple[str, ...] = attrs.field(alias="unit", converter=_unit_choices)
    kind: Kind
    description: str
    index: tuple[str, ...] = ()
    bounds: Bounds = NON_NEGATIVE
    default: Default | DefaultTable | None = None
    when_absent: WhenAbsent = WhenAbsent.ERROR
    inferred: str = ""
    monitoring: Monitoring | None = None
    source_required: bool = False

    @property
    def ref(self):  # -> equations.Symbol, imported lazily to keep the modules acyclic
        """This parameter as a term of an equation."""
        from jcmcalc.model.expressions.walkers import Symbol

        return Symbol(self.name, self.symbol, self.index)

    @property
    def dimensionless(self) -> bool:
        return dimensionality(self.unit) == "dimensionless"

    @property
    def unit(self) -> str:
        """The canonical unit (of the first basis of measurement)."""
        return self.units[0]

    @property
    def alternatives(self) -> tuple[str, ...]:
        """The canonical units of the further bases of measurement."""
        return self.units[1:]

    @property
    def options(self) -> tuple[str, ...]:
        """The monitoring options (A, B, C) of a monitored parameter."""
        return self.monitoring.options if self.monitoring else ()

    def canonical(self, unit: str) -> str:
        """The canonical unit a value given in ``unit`` converts to (:attr:`unit` if none fits)."""
        for candidate in self.alternatives:
            try:
                if same_dimension(unit or "dimensionless", candidate):
                    return candidate
            except ValueError:
                break
        return self.unit


#: Year of the crediting period (1 for the first), supplied by the estimate to its equations.
YEAR_NUMBER = Parameter(
    "n_y",
    "year_number",
    "dimensionless",
    Kind.PROJECT,
    "Year of the crediting period, 1 for the first (supplied by jcmcalc estimate)",
    bounds=POSITIVE,
)
