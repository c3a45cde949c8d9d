"""Entry point of the boiler plugin (group ``jcmcalc``): the family is its data files,
``*.methodology.toml`` (one per form: fuel, switch, heat, steam), which include the declarations
they share (``boilers.toml``) and, in each ``_AUX`` variant, the auxiliary electricity
(``aux.toml``)."""

from jcmcalc.plugin.family import Family

plugin = Family("jcmcalc_boilers")
