"""``jcmcalc verify``: a submission against a recomputation, figure by figure and as a whole,
in time linear in the number of figures."""

from jcmcalc.views.verify.compare import (
    TOLERANCE,
    Comparison,
    Verification,
    compare,
    tolerance,
)
from jcmcalc.views.verify.figures import recomputed_figures
from jcmcalc.views.verify.text import report_text

__all__ = [
    "TOLERANCE",
    "Comparison",
    "Verification",
    "compare",
    "recomputed_figures",
    "report_text",
    "tolerance",
]
