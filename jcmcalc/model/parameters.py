"""Parameter declarations: symbol, unit, kind, monitoring option, bounds, default and source."""

from __future__ import annotations

import enum
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
UNBOUNDED = Bounds()

#: Monitoring frequency of a metered quantity where the methodology text was not read.
CONTINUOUS = (
    "continuous metering, totalled for the monitoring period "
    "(inferred: typical JCM monitoring plan; the methodology's frequency was not read)"
)


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


@attrs.frozen
class Parameter:
    """One parameter of a methodology, declared once and used by every view.

    ``index`` names the indices besides the monitoring period (``("i",)`` for per system).
    ``options`` lists the monitoring options (A, B, C) a monitored parameter may use.
    ``when_absent`` is ``"error"`` or ``"zero"`` (a term the methodology lets a project omit);
    a monitored value is not needed either where every use of the parameter lies in ``select``
    cases the member does not take (:func:`jcmcalc.model.kernel.required`).
    ``inferred`` explains a part of its use that is reconstructed, not read in the text.
    ``alternatives`` are further canonical units, one per other basis of measurement (``kL``
    beside ``t`` for a fuel quantity): a value converts to the first of :attr:`units` of its
    dimension, never across bases. Parameters sharing a ``basis`` name must use the same
    position of their :attr:`units` wherever their members coincide (a fuel quantity in kL
    needs its NCV in GJ/kL); resolving a project checks this.
    ``expected_above`` names a fixed parameter this one should exceed wherever their members
    coincide (a project efficiency above the reference one); resolving warns where it does not.
    ``measurement`` (method and equipment, where measured) and ``frequency`` describe how a
    monitored parameter is monitored, for the Monitoring Report Sheet; a part not read in the
    methodology text says so in the text (``"(inferred: ...)"``).
    """

    symbol: str
    name: str
    unit: str
    kind: Kind
    description: str
    index: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    bounds: Bounds = NON_NEGATIVE
    default: Default | DefaultTable | None = None
    when_absent: str = "error"
    inferred: str = ""
    alternatives: tuple[str, ...] = ()
    basis: str = ""
    expected_above: str = ""
    measurement: str = ""
    frequency: str = ""

    @property
    def ref(self):  # -> equations.Symbol, imported lazily to keep the modules acyclic
        """This parameter as a term of an equation."""
        from jcmcalc.model.expressions import Symbol

        return Symbol(self.name, self.symbol, self.index)

    @property
    def dimensionless(self) -> bool:
        return dimensionality(self.unit) == "dimensionless"

    @property
    def units(self) -> tuple[str, ...]:
        """The canonical unit and its alternatives, one per basis of measurement."""
        return (self.unit, *self.alternatives)

    def canonical(self, unit: str) -> str:
        """The canonical unit a value given in ``unit`` converts to (:attr:`unit` if none fits)."""
        for candidate in self.alternatives:
            try:
                if same_dimension(unit or "dimensionless", candidate):
                    return candidate
            except ValueError:
                break
        return self.unit
