"""jcmcalc: Joint Crediting Mechanism emission reductions, exact and traceable."""

from jcmcalc.api import calculate, estimate, get_methodology, methodologies
from jcmcalc.plugin.hookspecs import hookimpl

__all__ = ["calculate", "estimate", "get_methodology", "hookimpl", "methodologies"]
