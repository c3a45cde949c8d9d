"""Entry point of the solar PV plugin (group ``jcmcalc``): its data file and the forms built
in Python."""

from jcmcalc.plugin.family import Family
from jcmcalc_solar_pv.family import build

plugin = Family("jcmcalc_solar_pv", build)
