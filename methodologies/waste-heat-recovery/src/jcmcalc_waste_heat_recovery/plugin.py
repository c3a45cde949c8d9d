"""Entry point of the waste heat recovery plugin (group ``jcmcalc``)."""

from jcmcalc.plugin.family import Family
from jcmcalc_waste_heat_recovery.family import build

plugin = Family("jcmcalc_waste_heat_recovery", build)
