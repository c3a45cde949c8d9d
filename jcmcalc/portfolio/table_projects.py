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
from collections.abc import Callable, Sequence

import attrs
import numpy as np

from jcmcalc.inputs import columns
from jcmcalc.inputs.project import Period
from jcmcalc.model.errors import JcmcalcError
from jcmcalc.model.methodology import Methodology
from jcmcalc.portfolio.rows import Row, failure
from jcmcalc.portfolio.table_allocation import allocation_column
from jcmcalc.run.eligibility import assess
from jcmcalc.run.expiry import version_expiry
from jcmcalc.run.pipeline import latest_version

REGISTERED = "registered"
_ELIGIBILITY = re.compile(r"^\s*eligibility\s+(?P<criterion>\S+)\s*$")


def project_columns(titles: Sequence[str]) -> list[str]:
    """The titles of the project-level columns of a table."""
    return [t for t in titles if t == REGISTERED or _ELIGIBILITY.match(t) or allocation_column(t)]


@attrs.frozen
class Stated:
    """What a table states of its projects: the cells of the project-level columns of the
    projects that fill any, and the projects whose rows disagree (with the message)."""

    cells: dict[str, dict[str, str]]
    conflicts: dict[str, str]
    #: The projects with a row naming its methodology without a version (``ID``).
    unversioned: frozenset[str] = frozenset()


def stated(table: columns.Table) -> Stated:
    """Each project's one value of every project-level column (columns read once each)."""
    projects = columns.text_cells(table.cells["project"])
    labels = columns.text_cells(table.cells["methodology"]).astype(str)
    unversioned = frozenset(projects[np.char.find(labels, "@") < 0].tolist())
    cells: dict[str, dict[str, str]] = {}
    conflicts: dict[str, str] = {}
    for title in project_columns(table.titles):
        text = np.char.strip(columns.text_cells(table.cells[title]).astype(str))
        for position in np.flatnonzero(text != "").tolist():
            project, value = str(projects[position]), str(text[position])
            found = cells.setdefault(project, {}).setdefault(title, value)
            if found != value and project not in conflicts:
                row = table.rows[int(position)]
                conflicts[project] = (
                    f"{table.path.name}, row {row}: project {project!r} has different "
                    f"{title!r} cells ({found}, {value}): a project has one"
                )
    return Stated(cells, conflicts, unversioned)


@attrs.frozen
class Judged:
    """The eligibility verdicts of a table's projects: the warnings of a project that answers
    nothing (``unanswered``), those of each project that answers, the projects refused."""

    unanswered: tuple[str, ...]
    warnings: dict[str, tuple[str, ...]]
    failed: dict[str, str]
    #: Said first for the projects that name no version (:func:`latest_version`).
    unversioned: frozenset[str] = frozenset()
    latest: tuple[str, ...] = ()

    def of(self, project: str) -> tuple[str, ...]:
        first = self.latest if project in self.unversioned else ()
        return first + self.warnings.get(project, self.unanswered)

    def with_warnings(self, more: dict[str, tuple[str, ...]]) -> Callable[[str], tuple[str, ...]]:
        """A project's warnings of the methodology reference and eligibility, then its ``more``
        warnings (one shared tuple for the many projects that have the same)."""
        combined = {p: self.of(p) + found for p, found in more.items()}
        combined.update((p, self.of(p)) for p in self.warnings if p not in combined)
        unversioned = self.latest + self.unanswered

        def warnings(project: str) -> tuple[str, ...]:
            found = combined.get(project)
            if found is not None:
                return found
            return unversioned if project in self.unversioned else self.unanswered

        return warnings


def eligibility(table: columns.Table, methodology: Methodology, given: Stated) -> Judged:
    """Each project's eligibility warnings, and the projects refused (with the message), by
    the rule of a project file's ``[eligibility]`` (judged once per distinct set of answers)."""
    verdicts: dict[tuple[tuple[str, str], ...], tuple[str, ...] | str] = {}

    def verdict(answers: tuple[tuple[str, str], ...]) -> tuple[str, ...] | str:
        if answers not in verdicts:
            try:
                verdicts[answers] = tuple(assess(methodology, dict(answers), table.path))
            except JcmcalcError as exc:
                verdicts[answers] = str(exc)
        return verdicts[answers]

    unanswered = verdict(())
    assert not isinstance(unanswered, str), "no answer is never an error without --strict"
    latest = (latest_version(methodology),) if given.unversioned else ()
    judged = Judged(unanswered, {}, dict(given.conflicts), given.unversioned, latest)
    for project, cells in given.cells.items():
        if project in judged.failed:
            continue
        found = verdict(
            tuple(
                (match["criterion"], value)
                for title, value in cells.items()
                if (match := _ELIGIBILITY.match(title))
            )
        )
        if isinstance(found, str):
            judged.failed[project] = found
        else:
            judged.warnings[project] = found
    return judged


def expiry(
    rows: list[Row],
    table: columns.Table,
    methodology: Methodology,
    given: Stated,
    eligible: Judged,
) -> list[Row]:
    """``rows`` with the rule of expired methodology versions applied to each project: its
    warning put after the eligibility warnings (``eligible``), as ``calculate`` orders them,
    or the project failed with the message ``calculate`` gives."""
    if not methodology.about.expired:
        return rows
    by_project: dict[str, list[Row]] = {}
    for row in rows:
        by_project.setdefault(row.project, []).append(row)
    judged: list[Row] = []
    for project, mine in by_project.items():
        if mine[0].status != "ok":
            judged += mine
            continue
        periods = [
            Period(r.period, dt.date.fromisoformat(r.start), dt.date.fromisoformat(r.end), {}, ())
            for r in mine
            if r.period is not None
        ]
        registered = given.cells.get(project, {}).get(REGISTERED) or None
        try:
            notes = version_expiry(methodology, periods, registered, file=table.path, at=REGISTERED)
        except JcmcalcError as exc:
            judged.append(failure(project, mine[0].methodology, str(exc)))
            continue
        first = len(eligible.of(project))
        judged += [
            attrs.evolve(r, warnings=(*r.warnings[:first], *notes, *r.warnings[first:]))
            for r in mine
        ]
    return judged


def under_two(
    table: columns.Table,
    projects: np.ndarray,
    methodologies: list[Methodology],
    members: list[np.ndarray],
) -> tuple[np.ndarray, list[Row]]:
    """Rows of projects listed under two methodologies, and one failure row for each."""
    twice = np.zeros(len(projects), dtype=bool)
    if len(members) < 2:
        return twice, []
    group = np.full(len(projects), -1)
    for number, selected in enumerate(members):
        group[selected] = number
    named, code = np.unique(projects, return_inverse=True)
    listed = group >= 0
    pairs = np.unique(np.stack((code[listed], group[listed])), axis=1)
    failed = []
    for conflict in np.flatnonzero(np.bincount(pairs[0], minlength=len(named)) > 1).tolist():
        mine, project = code == conflict, str(named[conflict])
        twice |= mine
        first, second = np.unique(group[mine & listed])[:2].tolist()
        row = table.rows[int(np.flatnonzero(mine & (group == second))[0])]
        message = (
            f"project {project!r} is listed under {methodologies[first].label} and "
            f"{methodologies[second].label}: a project has one methodology"
        )
        failed.append(failure(project, "", f"{table.path.name}, row {row}: {message}"))
    return twice, failed
