"""Plugin faults: plugin code that raises or hands back what no calculation may use.

A methodology's own code (a monitoring reader, a notice) runs inside :func:`plugin_code`; what
it returns is checked before the engine sees it. A fault is a :class:`PluginError` (exit code
1) naming the plugin and the methodology, never a wrong number.

Which plugin provides a methodology is known to the plugin registry, not to the methodology
record; the registry of the installed plugins tells this module through :func:`name_providers`
(the model imports nothing above it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

from jcmcalc.model.errors import JcmcalcError, PluginError
from jcmcalc.model.methodology import Methodology

#: ``"distribution version"`` of the plugin providing a methodology key ("" when unknown).
Provider = Callable[[tuple[str, str, str]], str]
_providers: list[Provider] = []


def name_providers(lookup: Provider) -> None:
    """Name plugins in fault messages with ``lookup`` (the registry of the installed plugins)."""
    _providers[:] = [lookup]


def plugin_fault(methodology: Methodology, what: str) -> PluginError:
    """The error for a fault of ``methodology``'s plugin, naming both."""
    plugin = next((name for lookup in _providers if (name := lookup(methodology.key))), "")
    return PluginError(
        f"plugin fault in {plugin or 'unknown plugin'}, methodology {methodology.label}: {what}"
    )


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
