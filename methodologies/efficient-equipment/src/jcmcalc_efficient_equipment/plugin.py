"""Entry point of the efficient-equipment plugin (group ``jcmcalc``): one data file per
methodology id (``*.methodology.toml``, versions as ``[[variant]]``), which include the
declarations they share (``efficient-equipment.toml`` and one ratio file: ``cop.toml``,
``efficacy.toml``, ``air.toml``, ``pump.toml``)."""

from jcmcalc.plugin.family import Family

plugin = Family("jcmcalc_efficient_equipment")
