"""Entry point of the gas cogeneration plugin (group ``jcmcalc``): the family is its data files,
``cogeneration.methodology.toml`` (TH_AM009, ID_AM016) and ``absorption-chiller.methodology.toml``
(ID_AM023), which include the declarations they share (``cgs.toml``)."""

from jcmcalc.plugin.family import Family

plugin = Family("jcmcalc_gas_cogeneration")
