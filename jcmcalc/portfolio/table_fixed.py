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

from jcmcalc.inputs import columns
from jcmcalc.inputs.consistency import evaluate_warning_checks
from jcmcalc.inputs.project import Project
from jcmcalc.inputs.resolve import Resolver
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import Index, Methodology
from jcmcalc.model.parameters import Kind, Parameter
from jcmcalc.portfolio import vectorised

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
    """The fixed values of every row, and each project's warnings from resolving them."""

    values: dict[str, vectorised.Column]
    warnings: dict[str, tuple[str, ...]]


@attrs.frozen
class Signatures:
    """The fixed values of a methodology's rows, resolved per signature."""

    table: columns.Table
    methodology: Methodology
    index: Index | None
    given: list[Given]

    def resolve(
        self, projects: np.ndarray, member: np.ndarray, fail: Callable[[np.ndarray, str], None]
    ) -> Fixed:
        """Fixed values per row; a signature that fails to resolve fails its rows (``fail``)."""
        names, code, signatures = self._signatures()
        values: dict[str, list[Fraction | None]] = {}
        warnings: dict[str, list[str]] = {}
        # the rows of each signature (rows of one signature are adjacent in ``by_code``)
        by_code = np.argsort(code, kind="stable")
        ends = np.cumsum(np.bincount(code, minlength=len(signatures)))
        for number, signature in enumerate(signatures):
            cells = dict(zip(names, signature.tolist(), strict=True))
            rows = by_code[ends[number - 1] if number else 0 : ends[number]]
            try:
                resolved, notes = self._resolve(cells, "1")
            except InputError as exc:
                subject = f"parameter {exc.parameter}: " if exc.parameter else ""
                fail(rows, f"{subject}{exc.message}")
                continue
            for name, value in resolved.items():
                if name not in values:
                    values[name] = [None] * len(signatures)
                values[name][number] = value
            for position in rows.tolist() if notes else ():
                found = warnings.setdefault(str(projects[position]), [])
                mine = self._resolve(cells, str(member[position]))[1]
                found += [note for note in mine if note not in found]
        resolved = {n: _signature_column(v, code) for n, v in values.items()}
        return Fixed(resolved, {project: tuple(found) for project, found in warnings.items()})

    def _signatures(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        table = self.table
        keys = [g.column for g in self.given if g.parameter.kind is not Kind.MONITORED]
        extras = [t for t in table.titles if EXTRA.match(t)]
        attributes = list(self.index.attributes) if self.index is not None else []
        names = attributes + keys + extras
        if not names:
            return names, np.zeros(len(table), dtype=int), np.zeros((1, 0), dtype=str)
        stacked = np.stack([columns.text_cells(table.cells[name]) for name in names], axis=1)
        signatures, code = np.unique(stacked, axis=0, return_inverse=True)
        return names, code.ravel(), signatures

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


def _signature_column(values: list[Fraction | None], code: np.ndarray) -> vectorised.Column:
    """A per-row column of the values of each row's signature (None: its resolution failed)."""
    approx = np.array([np.nan if v is None else float(v) for v in values])[code]

    def exact(position: tuple[int, ...]) -> Fraction:
        value = values[code[position]]
        assert value is not None, "a row whose values failed to resolve is never evaluated"
        return value

    return vectorised.Column(approx, exact)
