"""Entry point of the specific-energy plugin (group ``jcmcalc``): one data file per methodology
id (``*.methodology.toml``), which include the declarations they share (``specific-energy.toml``
and ``electricity.toml`` and/or ``fuel.toml``)."""

from jcmcalc.plugin.family import Family

plugin = Family("jcmcalc_specific_energy")
