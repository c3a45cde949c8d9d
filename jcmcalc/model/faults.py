"""Plugin faults: plugin code that raises or hands back what no calculation may use.

A methodology's own code (a monitoring reader, a notice) runs inside :func:`plugin_code`; what
it returns is checked before the engine sees it. A fault is a :class:`PluginError` (exit code
1) naming the plugin and the methodology, never a wrong number.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

from jcmcalc.model.errors import JcmcalcError, PluginError
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.parameters import Kind


def plugin_fault(methodology: Methodology, what: str) -> PluginError:
    """The error for a fault of ``methodology``'s plugin, naming both."""
    plugin = f"{methodology.plugin} {methodology.plugin_version}".strip() or "unknown plugin"
    return PluginError(f"plugin fault in {plugin}, methodology {methodology.label}: {what}")


@contextmanager
def plugin_code(methodology: Methodology, what: str) -> Iterator[None]:
    """Run plugin code: its own jcmcalc errors (bad input it found) pass through, any other
    exception becomes a :func:`plugin_fault`."""
    try:
        yield
    except JcmcalcError:
        raise
    except Exception as exc:
        raise plugin_fault(methodology, f"{what} raised {type(exc).__name__}: {exc}") from exc


def exact(value: Any) -> bool:
    """Whether ``value`` is an exact rational (a float, even a finite one, is not)."""
    return isinstance(value, Fraction | int) and not isinstance(value, bool)


def check_readings(
    methodology: Methodology,
    readings: Any,
    what: str,
    periods: Collection[int],
    members: Mapping[str, tuple[str, ...]],
) -> Mapping:
    """``readings`` from a plugin's monitoring reader, checked slot by slot: a known period,
    a monitored parameter, members that exist, an exact value in one of its canonical units."""
    if not isinstance(readings, Mapping):
        raise plugin_fault(methodology, f"{what} returned {type(readings).__name__}, not a mapping")
    monitored = {p.name: p for p in methodology.parameters if p.kind is Kind.MONITORED}
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
                member in members[index]
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
    return readings
