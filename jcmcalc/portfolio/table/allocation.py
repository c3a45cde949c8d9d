"""``[allocation]`` in a portfolio table: how each project shares its credits between parties.

A table states shares, as a project file's ``[allocation] shares`` and ``remainder`` do, in
project-level columns: ``allocation share PARTY`` (the party's share in %, e.g. ``20`` or
``20 %``) and ``allocation remainder`` (the party that takes what is left after the others'
shares are rounded down). A project's rows agree on them like on ``registered``; a project
that fills none has no allocation. They are checked by the project file's rules
(:func:`~jcmcalc.inputs.allocation.parse_allocation`), and each period's credits are split by
:func:`~jcmcalc.model.allocation.allocate`, as for every other output. Amounts given per period
need a project file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from jcmcalc.inputs.allocation import parse_allocation
from jcmcalc.inputs.readers import columns
from jcmcalc.model.allocation import Allocation, allocate
from jcmcalc.model.errors import InputError
from jcmcalc.portfolio.rows import Row, failure

REMAINDER = "allocation remainder"
_SHARE = re.compile(r"^\s*allocation\s+share\s+(?P<party>\S(?:.*\S)?)\s*$")


def allocation_column(title: str) -> bool:
    """Whether ``title`` is a column of a project's allocation."""
    return title.strip() == REMAINDER or _SHARE.match(title) is not None


def allocated(
    rows: list[Row], table: columns.Table, cells: Mapping[str, Mapping[str, str]]
) -> list[Row]:
    """``rows`` with the split of each computed period of a project that states shares in its
    project-level ``cells``; a project whose allocation is refused fails with the message a
    project file gets, naming the column."""
    found = {
        project: _allocation(stated, table)
        for project, stated in cells.items()
        if any(allocation_column(title) for title in stated)
    }
    if not found:
        return rows
    kept: list[Row] = []
    refused: set[str] = set()
    for row in rows:
        allocation = found.get(row.project)
        if row.status != "ok" or row.credits is None or allocation is None:
            kept.append(row)  # a project failed for another reason keeps its own message
        elif isinstance(allocation, str):
            if row.project not in refused:
                refused.add(row.project)
                kept.append(failure(row.project, row.methodology, allocation))
        else:
            split = allocate(row.credits, allocation, row.period or 1)
            kept.append(attrs.evolve(row, allocation=split))
    return kept


def _allocation(stated: Mapping[str, str], table: columns.Table) -> Allocation | str:
    """A project's allocation from its project-level cells, or why it is refused."""
    shares = {m["party"]: value for title, value in stated.items() if (m := _SHARE.match(title))}
    raw: dict[str, object] = {"shares": shares}
    for title, value in stated.items():
        if title.strip() == REMAINDER:
            raw["remainder"] = value
    try:
        return parse_allocation(raw, 0, file=table.path)
    except InputError as exc:
        return f"{table.path.name}, {_column(exc.at)}: {exc.message}"


def _column(at: str | None) -> str:
    """The table column(s) of a place in ``[allocation]`` (``allocation.shares.A``)."""
    if at and at.startswith("allocation.shares."):
        return f"column 'allocation share {at.removeprefix('allocation.shares.')}'"
    return f"column {REMAINDER!r}" if at == "allocation.remainder" else "'allocation share' columns"
