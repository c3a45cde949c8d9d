"""Reading the core's sourced data tables (``jcmcalc/data/*.csv``)."""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files


@cache
def table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``jcmcalc/data/<name>.csv`` as dictionaries, in file order."""
    text = files("jcmcalc").joinpath("data", f"{name}.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines()))
