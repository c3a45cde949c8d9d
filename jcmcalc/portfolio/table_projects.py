"""What a portfolio table says of each project as a whole, checked as a project file's is.

A table may hold ``registered`` (the project's registration date) and ``eligibility ID``
columns (the answer to the methodology's criterion ``ID``), like ``[project] registered`` and
``[eligibility]`` of a project file. A project's rows must agree on them (or leave the cell
empty after the first). The answers and the version's expiry are then judged by the same
functions as ``calculate`` uses, so a project gets the same warnings or the same refusal.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import attrs
import numpy as np

from jcmcalc.inputs import columns
from jcmcalc.inputs.project import Period
from jcmcalc.model.errors import JcmcalcError
from jcmcalc.model.methodology import Methodology
from jcmcalc.portfolio.rows import Row, failure
from jcmcalc.run.eligibility import assess
from jcmcalc.run.expiry import version_expiry

REGISTERED = "registered"
_ELIGIBILITY = re.compile(r"^\s*eligibility\s+(?P<criterion>\S+)\s*$")


def project_columns(titles: Sequence[str]) -> list[str]:
    """The titles of the project-level columns of a table."""
    return [t for t in titles if t == REGISTERED or _ELIGIBILITY.match(t)]


def _cells(table: columns.Table, project: str, title: str) -> str:
    """The one value a project's rows give in ``title`` (empty if none)."""
    mine = columns.text_cells(table.cells["project"]) == project
    found = columns.text_cells(table.cells[title])[mine]
    given = sorted({cell.strip() for cell in found.tolist() if cell.strip()})
    if len(given) > 1:
        row = table.rows[int(np.flatnonzero(mine)[0])]
        raise JcmcalcError(
            f"{table.path.name}, row {row}: project {project!r} has different "
            f"{title!r} cells ({', '.join(given)}): a project has one"
        )
    return given[0] if given else ""


def _periods(rows: Sequence[Row]) -> list[Period]:
    return [
        Period(r.period, dt.date.fromisoformat(r.start), dt.date.fromisoformat(r.end), {}, ())
        for r in rows
        if r.period is not None
    ]


def judged(rows: list[Row], table: columns.Table, methodology: Methodology) -> list[Row]:
    """``rows`` of one methodology with each project's eligibility and expiry judged: warnings
    added before the row's own, or the project failed with the message ``calculate`` gives."""
    titles = project_columns(table.titles)
    by_project: dict[str, list[Row]] = {}
    for row in rows:
        by_project.setdefault(row.project, []).append(row)
    judged_rows: list[Row] = []
    for project, mine in by_project.items():
        if mine[0].status != "ok":
            judged_rows += mine
            continue
        try:
            cells = {title: _cells(table, project, title) for title in titles}
            answers = {
                match["criterion"]: cells[title]
                for title in titles
                if (match := _ELIGIBILITY.match(title)) and cells[title]
            }
            warnings = assess(methodology, answers, table.path)
            warnings += version_expiry(
                methodology,
                _periods(mine),
                cells.get(REGISTERED) or None,
                file=table.path,
                at=REGISTERED,
            )
        except JcmcalcError as exc:
            judged_rows.append(failure(project, mine[0].methodology, str(exc)))
            continue
        judged_rows += [attrs.evolve(r, warnings=(*warnings, *r.warnings)) for r in mine]
    return judged_rows
