"""A portfolio as one table (CSV or Parquet): a row per project, period and member.

Columns (``docs/portfolio.md``): ``project``, ``methodology`` (``ID`` or ``ID@VERSION``),
``start`` and ``end`` (the period, both dates inclusive), the member column of the
methodology's index (``system``; optional with one member per project), the members'
attributes (``connection_case``...), and ``SYMBOL [UNIT]`` for any parameter, with
``SYMBOL source`` and ``SYMBOL override`` where the project file would need them.

Monitored columns are read whole (exact scaled integers, one bounds check per column). Fixed
values are resolved by the same :class:`~jcmcalc.inputs.resolve.Resolver` as a project file,
once per distinct combination of attributes and given values: defaults, sources and overrides follow
the same rules. A bad row fails its project only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction

import attrs
import numpy as np

from jcmcalc.inputs import boundary, leaves
from jcmcalc.inputs.project import Period
from jcmcalc.inputs.readers import columns
from jcmcalc.inputs.readers.times import times
from jcmcalc.model.errors import InputError, JcmcalcError
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.parameters import Kind, Parameter
from jcmcalc.portfolio import vectorised
from jcmcalc.portfolio.frame import Frame, concat, empty, from_rows
from jcmcalc.portfolio.rows import Row, failure
from jcmcalc.portfolio.table import checks as table_checks
from jcmcalc.portfolio.table.allocation import allocated
from jcmcalc.portfolio.table.fixed import EXTRA, Given, Signatures
from jcmcalc.portfolio.table.members import needing
from jcmcalc.portfolio.table.order import lexsorted
from jcmcalc.portfolio.table.outcome import evaluated
from jcmcalc.portfolio.table.projects import (
    Judged,
    eligibility,
    expiry,
    project_columns,
    stated,
    under_two,
)
from jcmcalc.portfolio.table.values import Values, exact_values

REQUIRED = ("project", "methodology", "start", "end")
#: The date a bad date cell is read as once its project has failed (never computed).
_STANDIN = "2000-01-01"
_VALUE = re.compile(r"^\s*(?P<name>[^\[\]]+?)\s*\[(?P<unit>[^\]]*)\]\s*$")


@attrs.frozen
class Computed:
    """A table's computed rows as columns, and a failure row for each project that failed."""

    frame: Frame
    failures: list[Row]


def evaluate_table(
    table: columns.Table, get: Callable[[str, str | None], Methodology], progress=None
) -> list[Row]:
    """Rows of every project of ``table`` (:func:`evaluate_columns` as :class:`Row` objects)."""
    computed = evaluate_columns(table, get, progress)
    return computed.frame.rows() + computed.failures


def evaluate_columns(
    table: columns.Table, get: Callable[[str, str | None], Methodology], progress=None
) -> Computed:
    """The rows of every project of ``table``, batched by methodology and member count.

    A methodology reference is normalised first: ``ID``, ``ID@1.0`` and ``ID@ver01.0`` naming
    the same methodology are one, so a project listed under several of them is one project
    (what its rows say); a project listed under two different methodologies fails.
    """
    required(table)
    if not len(table):
        return Computed(empty(), [])
    table = normal_ids(table, "project")
    labels = columns.text_cells(table.cells["methodology"])
    projects = columns.text_cells(table.cells["project"])
    groups: dict[tuple[str, str, str], tuple[Methodology, list[str]]] = {}
    failures: list[Row] = []
    frames: list[Frame] = []
    for label in columns.encode(labels)[0].tolist():
        identifier, _, version = label.partition("@")
        try:
            methodology = get(identifier, version or None)
        except JcmcalcError as exc:
            named = np.unique(projects[labels == label]).tolist()
            failures += [failure(project, label, str(exc)) for project in named]
            continue
        groups.setdefault(methodology.key, (methodology, []))[1].append(label)
    members = [np.isin(labels, group_labels) for _, group_labels in groups.values()]
    twice, failed = under_two(table, projects, [m for m, _ in groups.values()], members)
    failures += failed
    for (methodology, _), selected in zip(groups.values(), members, strict=True):
        part = _subset(table, np.flatnonzero(selected & ~twice))
        coded = columns.encode(columns.text_cells(part.cells["project"]))
        try:
            given = stated(part, coded)
            eligible = eligibility(part, methodology, given)
            found, lost = (empty(), [])
            if len(part):
                found, lost = _Group(part, methodology, eligible, coded[1]).frame()
            shares = given.allocations()
            if methodology.about.expired or shares:  # judged on rows (a rare table)
                judged = expiry(found.rows() + lost, part, methodology, given, eligible)
                judged = allocated(judged, part, shares)
                found = from_rows([r for r in judged if r.status == "ok"])
                lost = [r for r in judged if r.status != "ok"]
            frames.append(found)
            failures += lost
        except Exception as exc:  # the library's own errors, and any other, fail this group
            label = f"{methodology.id}@{methodology.version}"
            text = str(exc) if isinstance(exc, JcmcalcError) else f"internal error: {exc!r}"
            failures += [failure(project, label, text) for project in coded[0].tolist()]
        if progress is not None:
            progress(len(coded[0]))
    return Computed(concat(frames), failures)


def required(table: columns.Table) -> None:
    """Refuse a table without the columns every portfolio table has."""
    for name in REQUIRED:
        if name not in table.titles:
            raise InputError(f"a portfolio table needs a {name!r} column", file=table.path, row=1)


def project_chunks(table: columns.Table, size: int) -> Iterator[columns.Table]:
    """The rows of ``table`` (project ids normalised, :func:`normal_ids`) in parts of whole
    projects, about ``size`` rows each, in the order of the projects: each part can be
    evaluated and written on its own. A part is taken from the table when it is asked for."""
    table = normal_ids(table, "project")
    if len(table) <= size:
        yield table
        return
    cells = columns.text_cells(table.cells["project"])
    names, code = columns.encode(cells)
    known = columns.remember(cells, names, code)
    table = attrs.evolve(table, cells={**table.cells, "project": known})
    order = np.argsort(code, kind="stable")
    cuts = np.searchsorted(code[order], code[order][size::size])  # at a project's first row
    for rows in np.split(order, np.unique(cuts[cuts > 0])):
        yield _subset(table, np.sort(rows))  # its project ids' codes stay known


def unfit(methodology: Methodology) -> str:
    """Why a portfolio table cannot hold projects of ``methodology`` ("" when it can)."""
    indices = methodology.indices
    if len(indices) > 1 or any(index.members for index in indices):
        symbols = ", ".join(index.symbol for index in indices)
        return f"has the indices {symbols}: a table holds methodologies with one member index"
    if any(p.alternatives for p in methodology.parameters):
        return "has parameters on several bases of measurement"
    if methodology.notices:
        return "has notices, which read each project's resolved inputs"
    return ""


def _subset(table: columns.Table, selected: np.ndarray) -> columns.Table:
    """The rows ``selected`` (ascending) of ``table``; a run of rows as views, not copies."""
    if len(selected) == len(table):  # every row, in order: no copy
        return table
    if len(selected) and int(selected[-1]) - int(selected[0]) + 1 == len(selected):
        selected = slice(int(selected[0]), int(selected[-1]) + 1)  # type: ignore[assignment]
    cells = {title: columns.taken(table.cells[title], selected) for title in table.titles}
    return attrs.evolve(table, cells=cells, rows=table.rows[selected])


def normal_ids(table: columns.Table, title: str) -> columns.Table:
    """``table`` with the ids of column ``title`` (projects, members) as a project file's are
    compared: NFC-normalised (:func:`~jcmcalc.inputs.leaves.normal_ids`)."""
    ids = leaves.normal_ids(columns.text_cells(table.cells[title]))
    return attrs.evolve(table, cells={**table.cells, title: ids})


class _Group:
    """The rows of one methodology: validated, resolved and evaluated."""

    def __init__(
        self,
        table: columns.Table,
        methodology: Methodology,
        eligible: Judged,
        code: np.ndarray,
    ) -> None:
        self.table = table
        self.methodology = methodology
        self.label = f"{methodology.id}@{methodology.version}"
        reason = unfit(methodology)
        if reason:
            raise InputError(
                f"{self.label} {reason}: give these projects as a folder of project files",
                file=table.path,
            )
        self.index = methodology.indices[0] if methodology.indices else None
        if self.index is not None and self.index.csv_column in table.titles:
            self.table = table = normal_ids(table, self.index.csv_column)
        self.failed: dict[str, str] = dict(eligible.failed)
        self.eligible = eligible
        self.projects = columns.text_cells(table.cells["project"])
        self.code = code  # each row's project, by its place among the distinct projects
        self.given = self._given()

    def _fail(self, positions: np.ndarray, message: str) -> None:
        """Fail the projects of the rows at ``positions``, naming the first row of each."""
        for position in positions:
            project = str(self.projects[position])
            row = self.table.rows[int(position)]
            self.failed.setdefault(project, f"{self.table.path.name}, row {row}: {message}")

    def _given(self) -> list[Given]:
        known = {*REQUIRED, *project_columns(self.table.titles)}
        if self.index is not None:
            known |= {self.index.csv_column, *self.index.attributes}
        given = []
        for title in self.table.titles:
            if title in known or EXTRA.match(title):
                continue
            if not columns.anything(self.table.cells[title]):
                continue  # a column of another methodology of the table
            match = _VALUE.match(title)
            if not match:
                raise InputError(
                    f"column {title!r} is neither a value ('SYMBOL [unit]') nor one of "
                    f"{', '.join(sorted(known))}",
                    file=self.table.path,
                    row=1,
                )
            try:
                parameter = self.methodology.parameter(match["name"])
            except InputError as exc:
                raise InputError(exc.message, file=self.table.path, row=1) from None
            given.append(Given(title, parameter, match["unit"].strip()))
        return given

    def frame(self) -> tuple[Frame, list[Row]]:
        """The computed rows of the group, and a failure row for each project that failed."""
        table = self.table
        starts, ends = self._dates("start"), self._dates("end")
        member = (
            columns.text_cells(table.cells[self.index.csv_column])
            if self.index is not None and self.index.csv_column in table.titles
            else np.full(len(table), "1")
        )
        project_codes = self.code
        member_codes = columns.encode(member)[1]
        order = lexsorted((member_codes, starts, project_codes))
        element = np.concatenate(
            (
                [0],
                np.cumsum(
                    (np.diff(project_codes[order]) != 0)
                    | (np.diff(starts[order].view(np.int64)) != 0)
                ),
            )
        )
        self._check_periods(starts, ends, project_codes)
        same = np.diff(element) == 0
        duplicate = order[1:][same & (np.diff(member_codes[order]) == 0)]
        title = self.index.title if self.index is not None else "member"
        for position in duplicate:
            self._fail(
                np.array([position]), boundary.duplicate_member(title, str(member[position]))
            )
        values = self._monitored(order)
        resolved = Signatures(table, self.methodology, self.index, self.given)
        fixed = resolved.resolve(self.code, member, self._fail)
        first = np.concatenate(([0], np.flatnonzero(np.diff(element)) + 1))
        sizes = np.diff(np.append(first, len(order)))
        project_of = project_codes[order[first]]  # by code: no text copied or compared
        new_project = np.concatenate(([True], project_of[1:] != project_of[:-1]))
        counter = np.arange(len(first))
        number = counter - np.maximum.accumulate(np.where(new_project, counter, 0)) + 1
        batches, checked = [], table_checks.Judged()
        for size in np.unique(sizes).tolist():
            chosen = np.flatnonzero(sizes == size)
            if self.failed:
                failed = np.searchsorted(self.eligible.names, list(self.failed))
                chosen = chosen[~np.isin(project_of[chosen], failed)]
            if not len(chosen):
                continue
            positions = order[first[chosen][:, None] + np.arange(size)[None, :]]
            batch = self._batch(positions, values, fixed.values, size)
            periods = table_checks.Periods(
                positions, member, self.projects, starts, ends, number[chosen]
            )
            table_checks.judge(batch, periods, checked)
            batches.append((chosen, positions, batch))
        self.failed = {**checked.failed, **self.failed}
        notes, texts = self.eligible.codes(
            self.code, (fixed.warned, fixed.texts), checked.merged({})
        )
        frames = []
        for chosen, positions, batch in batches:
            firsts = positions[:, 0]
            found, failed = evaluated(
                batch,
                self.label,
                (
                    self.projects[firsts],
                    *(d[firsts].astype("datetime64[D]") for d in (starts, ends)),
                ),
                number[chosen],
                (notes[firsts], texts),
            )
            self.failed.update(failed)
            frames.append(found)
        found = concat(frames)
        if self.failed:
            found = found.take(np.flatnonzero(~np.isin(found.project, list(self.failed))))
        return found, [failure(p, self.label, m) for p, m in sorted(self.failed.items())]

    def _dates(self, title: str) -> np.ndarray:
        """A date column; a cell that is no date fails its own project only (and is read as
        :data:`_STANDIN`, so that the other projects go on)."""
        cells = self.table.cells[title]
        while True:
            try:
                return times(cells, title=title, table=self.table, zone=None)
            except InputError as exc:
                if exc.row is None:
                    raise
                position = columns.position(self.table.rows, exc.row)
                self._fail(np.array([position]), exc.message)
                text = columns.text_cells(cells).astype(object)
                text[position] = _STANDIN
                cells = text.astype(str)

    def _check_periods(self, starts: np.ndarray, ends: np.ndarray, projects: np.ndarray) -> None:
        """Periods that end before they start, or overlap another period of their project, fail
        their project with the message a project file gets for the same mistake."""
        day = "datetime64[D]"
        for position in np.flatnonzero(ends < starts).tolist():
            start, end = (d[position].astype(day).item() for d in (starts, ends))
            self._fail(np.array([position]), boundary.reversed_period(start, end))
        order = lexsorted((ends, starts, projects))
        keys = (projects[order], starts[order].view(np.int64), ends[order].view(np.int64))
        new = np.concatenate(([True], np.any([np.diff(k) != 0 for k in keys], axis=0)))
        distinct = order[new]
        clash, numbers = boundary.overlapping(projects[distinct], starts[distinct], ends[distinct])
        for i in clash.tolist():
            pair = [
                Period(
                    int(numbers[j]),
                    starts[p].astype(day).item(),
                    ends[p].astype(day).item(),
                    {},
                    (),
                )
                for j, p in ((i, distinct[i]), (i + 1, distinct[i + 1]))
            ]
            found = boundary.period_clash(pair)
            if found is not None:
                self._fail(np.array([distinct[i + 1]]), found[1])

    def _monitored(self, order: np.ndarray) -> dict[str, vectorised.Column]:
        """Each monitored column as exact scaled integers; bad cells fail their project."""
        table = self.table
        found: dict[str, Values] = {}
        for given in self.given:
            parameter = given.parameter
            if parameter.kind is not Kind.MONITORED:
                continue
            values = exact_values(table, given.column, parameter, given.unit, self._fail)
            missing = needing(
                self.methodology, self.index, table, parameter, np.flatnonzero(~values.present)
            )
            self._fail(missing, f"missing monitored value {parameter.symbol}")
            found[parameter.name] = values
        for parameter in self.methodology.parameters:
            if parameter.kind is Kind.MONITORED and parameter.name not in found:
                everywhere = np.arange(len(table))
                if not len(needing(self.methodology, self.index, table, parameter, everywhere)):
                    continue
                raise InputError(
                    f"no column for the monitored parameter {parameter.symbol} "
                    f"('{parameter.symbol} [{parameter.unit}]')",
                    file=table.path,
                    row=1,
                )
        return {name: values.column() for name, values in found.items()}

    def _batch(
        self,
        positions: np.ndarray,
        monitored: Mapping[str, vectorised.Column],
        fixed: Mapping[str, vectorised.Column],
        size: int,
    ) -> vectorised.Batch:
        """A batch of elements (rows of ``positions``: one table row per member)."""
        symbols = [self.index.symbol] if self.index is not None else []
        sizes = {s: size for s in symbols}
        values = {
            name: _gathered(column, positions, self.methodology.parameter(name))
            for name, column in {**monitored, **fixed}.items()
        }
        attributes = {
            (self.index.symbol, name): columns.text_cells(self.table.cells[name])[positions]
            for name in (self.index.attributes if self.index is not None else ())
            if name in self.table.titles
        }
        return vectorised.Batch(self.methodology, sizes, values, len(positions), attributes)


def _gathered(
    column: vectorised.Column, positions: np.ndarray, parameter: Parameter
) -> vectorised.Column:
    """A per-row column laid out as (element, member), or (element, 1) without an index."""
    taken = positions if parameter.index else positions[:, :1]

    def exact(position: tuple[int, ...]) -> Fraction:
        return column.exact((int(taken[position]),))

    scaled = None if column.scaled is None else column.scaled.take(taken)
    return vectorised.Column(column.approx[taken], exact, scaled)
