"""Reading the core's sourced data tables (``jcmcalc/data/*.csv``)."""

from __future__ import annotations

import csv
import tomllib
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``jcmcalc/data/<name>.csv`` as dictionaries, in file order."""
    text = files("jcmcalc").joinpath("data", f"{name}.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines()))


def variant_records(package: str, name: str = "variants.toml") -> tuple[dict[str, Any], ...]:
    """The ``[[variant]]`` records of a plugin's data file (``package/variants.toml``).

    A methodology family keeps what differs between its variants (id, version, country,
    source, factor table...) as data next to its code; this reads it.
    """
    text = files(package).joinpath(name).read_text(encoding="utf-8")
    return tuple(tomllib.loads(text)["variant"])
