"""jcmcalc: Joint Crediting Mechanism emission reductions, exact and traceable.

The names below are imported on first use, so that ``jcmcalc --help`` and plugins importing
``hookimpl`` do not load the engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jcmcalc.api import calculate, estimate, get_methodology, methodologies
    from jcmcalc.model.errors import (
        InputError,
        JcmcalcError,
        JcmcalcWarning,
        MethodologyError,
        PluginError,
    )
    from jcmcalc.plugin.hookspecs import hookimpl

__all__ = [
    "InputError",
    "JcmcalcError",
    "JcmcalcWarning",
    "MethodologyError",
    "PluginError",
    "calculate",
    "estimate",
    "get_methodology",
    "hookimpl",
    "methodologies",
]
#: Where each public name lives (the API's functions unless listed).
_HOMES = {
    "hookimpl": "jcmcalc.plugin.hookspecs",
    **dict.fromkeys(
        ("InputError", "JcmcalcError", "JcmcalcWarning", "MethodologyError", "PluginError"),
        "jcmcalc.model.errors",
    ),
}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'jcmcalc' has no attribute {name!r}")
    value = getattr(import_module(_HOMES.get(name, "jcmcalc.api")), name)
    globals()[name] = value
    return value
