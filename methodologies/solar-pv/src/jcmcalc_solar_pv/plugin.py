"""Entry point of the solar PV plugin (group ``jcmcalc``): the family is its data files,
``*.methodology.toml``, which include the declarations they share (``solar-pv.toml``,
``estimate.toml``)."""

from jcmcalc.plugin.family import Family

plugin = Family("jcmcalc_solar_pv")
