"""What the cells of a project workbook hold besides the declaration: nothing for a template,
an existing project's values for ``template --from``. Rows are lists of cell values by column
title; the writer puts them under the titles the declaration gives."""

from __future__ import annotations

from typing import Any

import attrs

Row = dict[str, Any]


@attrs.define
class Content:
    """The values of a project, sheet by sheet (empty: a template)."""

    #: Project sheet rows besides the methodology: (field, value).
    fields: list[tuple[str, Any]] = attrs.field(factory=list)
    #: Eligibility answers by criterion id (True/False); a criterion left out is unanswered.
    answers: dict[str, bool] | None = None
    members: dict[str, list[Row]] = attrs.field(factory=dict)
    parameters: list[Row] = attrs.field(factory=list)
    periods: list[Row] = attrs.field(factory=list)
    monitoring: dict[str, list[Row]] = attrs.field(factory=dict)
    estimate: dict[str, Any] = attrs.field(factory=dict)
    estimate_rows: list[Row] = attrs.field(factory=list)
    #: Monitoring files as sheets: sheet name -> (titles, rows of cells).
    files: dict[str, tuple[tuple[str, ...], list[list[Any]]]] = attrs.field(factory=dict)
    #: Units written by the project besides the drop-down's choices, by parameter symbol.
    units: dict[str, set[str]] = attrs.field(factory=dict)

    def unit_seen(self, symbol: str, unit: str) -> None:
        if unit:
            self.units.setdefault(symbol, set()).add(unit)
