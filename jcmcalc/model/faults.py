"""Plugin faults: plugin code that raises or hands back what no calculation may use.

A methodology's own code (a monitoring reader, a notice) runs inside :func:`plugin_code`; what
it returns is checked before the engine sees it. A fault is a :class:`PluginError` (exit code
1) naming the plugin and the methodology, never a wrong number.

The plugin is the one the registry stamped on the methodology record when it loaded it
(:attr:`~jcmcalc.model.methodology.Methodology.plugin`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

from jcmcalc.model.errors import JcmcalcError, PluginError
from jcmcalc.model.methodology import Methodology


def plugin_fault(methodology: Methodology, what: str) -> PluginError:
    """The error for a fault of ``methodology``'s plugin, naming both."""
    plugin = methodology.plugin or "unknown plugin"
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
