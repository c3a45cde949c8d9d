"""Entry point of the grid losses plugin (group ``jcmcalc``): the family is its data files,
``transformers.methodology.toml`` (VN_AM005, LA_AM003), ``transmission-line.methodology.toml``
(MN_AM001) and ``voltage-var.methodology.toml`` (TH_AM017)."""

from jcmcalc.plugin.family import Family

plugin = Family("jcmcalc_grid_losses")
