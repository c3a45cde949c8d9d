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

from jcmcalc.inputs.project import Period
from jcmcalc.inputs.readers import columns
from jcmcalc.model.errors import JcmcalcError
from jcmcalc.model.methodology import Methodology
from jcmcalc.portfolio.rows import Row, failure
from jcmcalc.portfolio.table.allocation import allocation_column
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
    """What a table states of its projects (``names``, sorted): for each project-level column,
    each project's value as a code into the column's distinct values (-1: none); the projects
    whose rows disagree (with the message); which projects name no version (``ID``)."""

    names: np.ndarray
    columns: dict[str, tuple[np.ndarray, np.ndarray]]
    conflicts: dict[str, str]
    unversioned: np.ndarray

    def cell(self, project: str, title: str) -> str | None:
        """The value ``project`` gives in column ``title`` (None: none)."""
        if title not in self.columns:
            return None
        codes, values = self.columns[title]
        code = codes[int(np.searchsorted(self.names, project))]
        return str(values[code]) if code >= 0 else None

    def allocations(self) -> dict[str, dict[str, str]]:
        """The allocation cells of each project that fills any (by title)."""
        found: dict[str, dict[str, str]] = {}
        for title, (codes, values) in self.columns.items():
            if allocation_column(title):
                for n in np.flatnonzero(codes >= 0).tolist():
                    found.setdefault(str(self.names[n]), {})[title] = str(values[codes[n]])
        return found


def stated(table: columns.Table, coded: tuple[np.ndarray, np.ndarray]) -> Stated:
    """Each project's one value of every project-level column (columns read once each);
    ``coded``: the distinct projects and each row's among them (:func:`columns.encode`)."""
    projects = columns.text_cells(table.cells["project"])
    labels, label = columns.encode(columns.text_cells(table.cells["methodology"]))
    names, code = coded
    unversioned = np.zeros(len(names), dtype=bool)
    bare = np.array(["@" not in str(cell) for cell in labels.tolist()], dtype=bool)
    unversioned[code[bare[label]]] = True
    found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    conflicts: dict[str, str] = {}
    for title in project_columns(table.titles):
        text = columns.text_cells(table.cells[title])
        values, value_code = columns.encode(text)  # known for a dictionary-encoded column
        if len(values) and values[0] == "":  # an empty cell (sorted first) states nothing
            filled = np.flatnonzero(value_code != 0)
            values, value_code = values[1:], value_code[filled] - 1
        else:
            filled = np.arange(len(text))
        owner = code[filled]
        first = columns.first_of(np.append(owner, np.arange(len(names))), len(names))
        per = np.full(len(names), -1, dtype=np.int64)
        given = first < len(owner)  # (the appended codes: projects that fill no cell)
        per[given] = value_code[first[given]]
        found[title] = (per, values)
        for position in filled[value_code != per[owner]].tolist():
            project, value = str(projects[position]), str(text[position])
            if project not in conflicts:
                row = table.rows[int(position)]
                conflicts[project] = (
                    f"{table.path.name}, row {row}: project {project!r} has different "
                    f"{title!r} cells ({values[per[code[position]]]}, {value}): a project has one"
                )
    return Stated(names, found, conflicts, unversioned)


@attrs.frozen
class Judged:
    """The eligibility verdicts of a table's projects (``names``, sorted): each project's
    verdict as a code into ``verdicts`` (its warnings), the projects refused (with the
    message), and the warning said first for the projects that name no version
    (:func:`latest_version`)."""

    names: np.ndarray
    verdict: np.ndarray
    verdicts: tuple[tuple[str, ...], ...]
    failed: dict[str, str]
    unversioned: np.ndarray
    latest: tuple[str, ...] = ()

    def of(self, project: str) -> tuple[str, ...]:
        n = int(np.searchsorted(self.names, project))
        first = self.latest if self.unversioned[n] else ()
        return first + self.verdicts[self.verdict[n]]

    def codes(
        self,
        code: np.ndarray,
        fixed: tuple[np.ndarray, tuple[tuple[str, ...], ...]],
        more: dict[str, tuple[str, ...]],
    ) -> tuple[np.ndarray, tuple[tuple[str, ...], ...]]:
        """The warnings of each row (of the project at ``code`` among :attr:`names`): those of
        the methodology reference and eligibility, then those of resolving its fixed values
        (``fixed``: by project a position in the tuples given, -1: none), then its ``more``
        warnings (by project name), as codes into the distinct tuples returned."""
        warned, notes = fixed
        key = (self.verdict * 2 + self.unversioned) * (len(notes) + 1) + warned + 1
        special = np.searchsorted(self.names, list(more)) if more else np.zeros(0, np.int64)
        offset = 2 * len(self.verdicts) * (len(notes) + 1)
        key[special] = offset + np.arange(len(special))
        distinct, codes = np.unique(key, return_inverse=True)
        texts = []
        for value in distinct.tolist():
            if value >= offset:
                n = int(special[value - offset])
                first = notes[warned[n]] if warned[n] >= 0 else ()
                texts.append(self.of(str(self.names[n])) + first + more[str(self.names[n])])
                continue
            judged, note = divmod(value, len(notes) + 1)
            first = (self.latest if judged % 2 else ()) + self.verdicts[judged // 2]
            texts.append(first + (notes[note - 1] if note else ()))
        return codes.ravel()[code], tuple(texts)


def eligibility(table: columns.Table, methodology: Methodology, given: Stated) -> Judged:
    """Each project's eligibility warnings, and the projects refused (with the message), by
    the rule of a project file's ``[eligibility]`` (judged once per distinct set of answers)."""
    titles = [t for t in given.columns if _ELIGIBILITY.match(t)]
    count = len(given.names)
    matrix = np.stack([given.columns[t][0] for t in titles], axis=1) if titles else None
    if matrix is None:
        signatures, which = np.full((1, 0), -1), np.zeros(count, dtype=np.int64)
    else:  # each project's answers (codes + 1: 0 is none) as the digits of one number
        radix = [len(given.columns[t][1]) + 1 for t in titles]
        digits, which = columns.encode_rows([column + 1 for column in matrix.T], radix)
        signatures = np.stack([digit - 1 for digit in digits], axis=1)
    verdicts: list[tuple[str, ...]] = []
    refused: dict[int, str] = {}
    for number, signature in enumerate(signatures.tolist()):
        answers = {
            match["criterion"]: str(given.columns[title][1][code])
            for title, code in zip(titles, signature, strict=True)
            if code >= 0 and (match := _ELIGIBILITY.match(title))
        }
        try:
            verdicts.append(tuple(assess(methodology, answers, table.path)))
        except JcmcalcError as exc:
            verdicts.append(())
            refused[number] = str(exc)
    assert not (signatures.shape[1] == 0 and refused), "no answer is never an error"
    latest = (latest_version(methodology),) if given.unversioned.any() else ()
    failed = dict(given.conflicts)
    which = which.ravel()
    for position in np.flatnonzero(np.isin(which, list(refused))).tolist():
        failed.setdefault(str(given.names[position]), refused[int(which[position])])
    return Judged(given.names, which, tuple(verdicts), failed, given.unversioned, latest)


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
        registered = given.cell(project, REGISTERED) or None
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
