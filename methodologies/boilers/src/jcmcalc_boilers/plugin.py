"""Entry point of the boiler plugin (group ``jcmcalc``): each variant with and without
auxiliary electricity."""

from jcmcalc.plugin.family import Family
from jcmcalc_boilers.family import build

plugin = Family("jcmcalc_boilers", lambda variant: [build(variant, aux) for aux in variant["aux"]])
