"""Entry point of the waste heat recovery plugin (group ``jcmcalc``): the family is its data
files, ``cement-kiln.methodology.toml`` (the approved records) and
``family-form.methodology.toml`` (the reconstructed family form)."""

from jcmcalc.plugin.family import Family

plugin = Family("jcmcalc_waste_heat_recovery")
