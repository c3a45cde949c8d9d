"""The fixed values of a portfolio table's rows, resolved by the project file's rules.

Rows with the same attributes and the same given values (a signature) share their fixed
values, so each signature is resolved once, by the same :class:`~jcmcalc.inputs.resolve.Resolver`
as a project file: defaults, sources and overrides follow the same rules. Where a signature's
resolution warns (an override, a warning check), it is resolved again for each member of its
rows, so each project gets the warnings ``calculate`` gives it, naming its own member.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs import boundary
from jcmcalc.inputs.consistency import evaluate_warning_checks
from jcmcalc.inputs.project import Project
from jcmcalc.inputs.readers import columns
from jcmcalc.inputs.resolve import Resolver
from jcmcalc.model.errors import InputError
from jcmcalc.model.expressions.walkers import symbols
from jcmcalc.model.kernel import warning_checks
from jcmcalc.model.methodology import Index, Methodology
from jcmcalc.model.parameters import Kind, Parameter
from jcmcalc.portfolio import scaled, vectorised
from jcmcalc.portfolio.table.order import lexsorted
from jcmcalc.portfolio.table.values import Fail, Values, exact_values

#: ``SYMBOL source`` and ``SYMBOL override`` columns.
EXTRA = re.compile(r"^\s*(?P<name>.+?)\s+(?P<what>source|override)\s*$")


@attrs.frozen
class Given:
    """A value column of a table: its title, its parameter and the unit of its cells."""

    column: str
    parameter: Parameter
    unit: str


@attrs.frozen
class Fixed:
    """The fixed values of every row, and each project's warnings from resolving them: by
    project (its code among the table's distinct projects) a position in ``texts`` (-1: none)."""

    values: dict[str, vectorised.Column]
    warned: np.ndarray
    texts: tuple[tuple[str, ...], ...]


@attrs.frozen
class Signatures:
    """The fixed values of a methodology's rows, resolved per signature."""

    table: columns.Table
    methodology: Methodology
    index: Index | None
    given: list[Given]

    def resolve(
        self, project: np.ndarray, member: np.ndarray, fail: Callable[[np.ndarray, str], None]
    ) -> Fixed:
        """Fixed values per row (``project``: each row's project code, ``member``: its member
        id); a signature that fails to resolve fails its rows (``fail``)."""
        plain = self._plain(fail)
        names, code, signatures = self._signatures(plain)
        values: dict[str, list[Fraction | None]] = {}
        warns = np.zeros(len(signatures), dtype=bool)
        # the rows of each signature (rows of one signature are adjacent in ``by_code``)
        by_code = np.argsort(code, kind="stable")
        ends = np.cumsum(np.bincount(code, minlength=len(signatures)))
        for number, signature in enumerate(signatures):
            cells = dict(zip(names, signature.tolist(), strict=True))
            try:
                resolved, notes = self._resolve(cells, "1")
            except InputError as exc:
                rows = by_code[ends[number - 1] if number else 0 : ends[number]]
                self._failed(cells, rows, member, exc, fail)
                continue
            warns[number] = bool(notes)
            for name, value in resolved.items():
                if name not in values:
                    values[name] = [None] * len(signatures)
                values[name][number] = value
        for given, _ in plain.values():  # (no signature may have resolved it)
            values.setdefault(given.parameter.name, [None] * len(signatures))
        resolved = {n: _signature_column(v, code) for n, v in values.items()}
        for given, read in plain.values():
            resolved[given.parameter.name] = _per_row(read, resolved[given.parameter.name])
        warned, texts = self._warnings(
            (names, signatures, code), np.flatnonzero(warns[code]), project, member
        )
        return Fixed(resolved, warned, texts)

    def _failed(
        self,
        cells: dict[str, str],
        rows: np.ndarray,
        member: np.ndarray,
        error: InputError,
        fail: Callable[[np.ndarray, str], None],
    ) -> None:
        """Fail ``rows`` of a signature that does not resolve (``error``), each with the message
        naming its own member (resolved again once per member id)."""
        for named in np.unique(member[rows]).tolist():
            try:
                self._resolve(cells, str(named))
                exc = error  # (resolving does not depend on the id: the same error stands)
            except InputError as own:
                exc = own
            subject = f"parameter {exc.parameter}: " if exc.parameter else ""
            fail(rows[member[rows] == named], f"{subject}{exc.message}")

    def _warnings(
        self,
        coded: tuple[list[str], np.ndarray, np.ndarray],
        rows: np.ndarray,
        project: np.ndarray,
        member: np.ndarray,
    ) -> tuple[np.ndarray, tuple[tuple[str, ...], ...]]:
        """Each project's warnings from resolving the values of its ``rows`` whose signature
        warns: resolved again once per distinct signature and member id (so each names its own
        member), a project's in the order of its signatures, then rows, each said once."""
        names, signatures, code = coded
        count = int(project.max(initial=-1)) + 1
        warned = np.full(count, -1, dtype=np.int64)
        if not len(rows):
            return warned, ()
        order = lexsorted((rows, code[rows], project[rows]))
        rows = rows[order]
        ids, id_code = columns.encode(columns.taken(member, rows))  # (its codes kept)
        digits, pair = columns.encode_rows([code[rows], id_code], [len(signatures), len(ids)])
        texts = [
            self._resolve(dict(zip(names, signatures[number].tolist(), strict=True)), str(i))[1]
            for number, i in zip(digits[0].tolist(), ids[digits[1]].tolist(), strict=True)
        ]
        owner = project[rows]
        first = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
        warned[owner[first]] = pair[first]
        mixed = np.unique(owner[pair != warned[owner]])
        known: dict[tuple[str, ...], int] = {}
        for start, end in zip(
            np.searchsorted(owner, mixed).tolist(),
            np.searchsorted(owner, mixed, side="right").tolist(),
            strict=True,
        ):
            found: list[str] = []
            for mine in (texts[p] for p in pair[start:end].tolist()):
                found += [note for note in mine if note not in found]
            warned[owner[start]] = known.setdefault(tuple(found), len(texts) + len(known))
        return warned, (*map(tuple, texts), *known)

    def _plain(self, fail: Fail) -> dict[str, tuple[Given, Values]]:
        """The value columns read row by row as exact numbers (:func:`exact_values`), not per
        signature: of a project parameter with no default, source or override, which the
        resolver takes as given, and that no warning check on fixed values uses. A column with
        a cell that is no number, or in a unit that does not convert, is left to the resolver
        (its messages, row by row); a value out of bounds fails its row with the resolver's
        message."""
        checks = warning_checks(self.methodology, period=False)
        checked = {s.name for c in checks for t in (c.left, c.right) for s in symbols(t)}
        sourced = {m["name"] for m in map(EXTRA.match, self.table.titles) if m}
        found = {}
        for given in self.given:
            parameter = given.parameter
            if (
                parameter.kind is not Kind.PROJECT
                or parameter.default is not None
                or parameter.source_required
                or parameter.name in checked
                or parameter.symbol in sourced
            ):
                continue
            try:
                boundary.factor(parameter, given.unit)
            except InputError:  # a unit it cannot take: the resolver says so at each row
                continue
            problems: list[tuple[np.ndarray, str]] = []
            read = exact_values(
                self.table,
                given.column,
                parameter,
                given.unit,
                lambda rows, message, into=problems: into.append((rows, message)),
            )
            if len(problems) == len(read.refused):  # every cell a number
                for rows, message in problems:
                    fail(rows, message)
                found[given.column] = (given, read)
        return found

    def _signatures(
        self, plain: Mapping[str, tuple[Given, Values]]
    ) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The distinct signatures, each row's, and the columns they are made of; a column of
        ``plain`` counts as empty or not, with one of its values for the resolver."""
        table = self.table
        keys = [g.column for g in self.given if g.parameter.kind is not Kind.MONITORED]
        extras = [t for t in table.titles if EXTRA.match(t)]
        attributes = list(self.index.attributes) if self.index is not None else []
        names = attributes + keys + extras
        if not names:
            return names, np.zeros(len(table), dtype=int), np.zeros((1, 0), dtype=str)
        coded = [
            _stand_in(table, name, plain[name][1])
            if name in plain
            else columns.encode(columns.text_cells(table.cells[name]))
            for name in names
        ]
        digits, code = columns.encode_rows([c for _, c in coded], [len(v) for v, _ in coded])
        signatures = [values[digit] for (values, _), digit in zip(coded, digits, strict=True)]
        return names, code, np.stack(signatures, axis=1)

    def _resolve(self, cells: Mapping[str, str], member_id: str) -> tuple[dict, list[str]]:
        """Fixed values of the member ``member_id`` with these attributes and given values,
        and the warnings of resolving them."""
        member: dict[str, Any] = {"id": member_id}
        project: dict[str, Any] = {}
        for given in self.given:
            parameter = given.parameter
            if parameter.kind is Kind.MONITORED or not cells[given.column]:
                continue
            text = f"{cells[given.column]} {given.unit}".strip()
            source = cells.get(f"{parameter.symbol} source", "")
            override = cells.get(f"{parameter.symbol} override", "").lower() in ("true", "1")
            leaf: Any = {"value": text, "source": source} if source else text
            if override:
                leaf = {"value": text, "source": source, "override": True}
            if parameter.index:
                member.setdefault("parameters", {})[parameter.name] = leaf
            else:
                project[parameter.name] = leaf
        if self.index is not None:
            member.update({a: cells[a] for a in self.index.attributes if a in cells})
        resolver = Resolver(self.methodology, self._project(project, member))
        fixed = resolver.fixed(self.methodology.parameters)
        notes = resolver.warnings
        notes += evaluate_warning_checks(
            self.methodology, fixed, resolver.members, resolver.attributes
        )
        values = {name: next(iter(found.values())).value for name, found in fixed.items() if found}
        return values, notes

    def _project(self, parameters: dict[str, Any], member: dict[str, Any]) -> Project:
        """A project holding one member's given values, for the resolver."""
        return Project(
            path=self.table.path,
            name="portfolio",
            metadata={},
            methodology_id=self.methodology.id,
            methodology_version=self.methodology.version,
            parameters=parameters,
            eligibility={},
            periods=(),
            monitoring=(),
            estimate={},
            tables={self.index.key: [member]} if self.index is not None else {},
            input_files=(self.table.path,),
        )


def _stand_in(table: columns.Table, title: str, read: Values) -> tuple[np.ndarray, np.ndarray]:
    """A row-by-row value column in a signature: empty, or one of its values in bounds (the
    resolver sees that one; each row gets its own, :func:`_per_row`)."""
    kept = read.present.copy()
    kept[read.refused] = False
    kept = np.flatnonzero(kept)
    if not len(kept):
        return np.array([""]), np.zeros(len(read.present), dtype=np.int64)
    shown = str(columns.text_cells(columns.taken(table.cells[title], kept[:1]))[0])
    return np.array(["", shown]), read.present.astype(np.int64)


def _per_row(read: Values, signature: vectorised.Column) -> vectorised.Column:
    """Each row's own value where it gives one, else its signature's (a default, say)."""
    given, present = read.column(), read.present
    approx = np.where(present, given.approx, signature.approx)

    def exact(position: tuple[int, ...]) -> Fraction:
        return (given if present[position[0]] else signature).exact(position)

    return vectorised.Column(approx, exact, scaled.either(present, given.scaled, signature.scaled))


def _signature_column(values: list[Fraction | None], code: np.ndarray) -> vectorised.Column:
    """A per-row column of the values of each row's signature (None: its resolution failed)."""
    approx = np.array([np.nan if v is None else float(v) for v in values])[code]

    def exact(position: tuple[int, ...]) -> Fraction:
        value = values[code[position]]
        assert value is not None, "a row whose values failed to resolve is never evaluated"
        return value

    return vectorised.Column(approx, exact, scaled.of_signatures(values, code))
