"""An example third-party plugin: its methodology is the data file beside this module."""

from jcmcalc.plugin.family import Family

plugin = Family(__name__)
