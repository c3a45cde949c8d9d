"""Portfolios: many projects of one methodology evaluated together (see ``docs/portfolio.md``).

Projects come from a folder of project files (each resolved exactly, as ``calculate`` does) or
from one table with a row per project, period and member (see
:mod:`jcmcalc.portfolio.table.evaluate`).
Project-periods with the same methodology and the same number of members per index form one
:class:`~jcmcalc.portfolio.vectorised.Batch`; a failing project is reported and the others go on.
"""

from jcmcalc.portfolio.compute import calculate
from jcmcalc.portfolio.rows import Row, to_csv, to_json, write_parquet

__all__ = ["Row", "calculate", "to_csv", "to_json", "write_parquet"]
