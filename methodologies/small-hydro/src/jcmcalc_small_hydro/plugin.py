"""Entry point of the small hydro plugin (group ``jcmcalc``): the family is its data files,
``run-of-river.methodology.toml`` (new plants) and ``rehabilitation.methodology.toml`` (the
increase over a historical output), which include the declarations they share (``hydro.toml``)."""

from jcmcalc.plugin.family import Family

plugin = Family("jcmcalc_small_hydro")
