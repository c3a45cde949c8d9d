"""Resolved projects grouped into batches of one methodology and member counts, evaluated
together."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs
import numpy as np

from jcmcalc.inputs.resolve import Inputs
from jcmcalc.inputs.series.coverage import summary
from jcmcalc.model.allocation import Allocation, allocate
from jcmcalc.model.errors import JcmcalcError
from jcmcalc.model.methodology import Methodology
from jcmcalc.portfolio import vectorised
from jcmcalc.portfolio.rows import Row, failure


@attrs.frozen
class Element:
    """One project-period of a batch: whose, which period, its dates, its project's warnings,
    the coverage of its monitoring data (:func:`jcmcalc.inputs.series.coverage.summary`) and how its
    project shares credits (``[allocation]``)."""

    project: str
    period: int
    start: str
    end: str
    warnings: tuple[str, ...] = ()
    coverage: str = ""
    allocation: Allocation | None = None


def batch_from_inputs(
    methodology: Methodology, projects: Sequence[tuple[str, Inputs]]
) -> tuple[vectorised.Batch, list[Element]]:
    """One batch of every period of the named ``projects`` (same methodology and member
    counts)."""
    symbols = [index.symbol for index in methodology.indices]
    sizes = {s: len(projects[0][1].members[s]) for s in symbols}
    elements = [
        Element(
            name,
            p.period.number,
            str(p.period.start),
            str(p.period.end),
            inputs.warnings,
            summary(inputs.coverage, p.period.number),
            inputs.project.allocation,
        )
        for name, inputs in projects
        for p in inputs.periods
    ]
    values: dict[str, np.ndarray] = {}
    count = len(elements)
    position = 0
    axes: dict[str, list[int | None]] = {}  # per parameter: where each index lies in its keys
    for _, inputs in projects:
        places = {s: {m: n for n, m in enumerate(inputs.members[s])} for s in symbols}
        for period in inputs.periods:
            for source in (inputs.fixed, period.values):
                for name, found in source.items():
                    if name not in values:
                        index = methodology.parameter(name).index
                        shape = (count, *(sizes[s] if s in index else 1 for s in symbols))
                        values[name] = np.zeros(shape, dtype=object)
                        axes[name] = [index.index(s) if s in index else None for s in symbols]
                    array, axis = values[name], axes[name]
                    for key, value in found.items():
                        at = (
                            0 if k is None else places[s][key[k]]
                            for s, k in zip(symbols, axis, strict=True)
                        )
                        array[(position, *at)] = value.value
            position += 1
    columns = {name: vectorised.fraction_column(array) for name, array in values.items()}
    attributes = _attributes(methodology, projects, sizes)
    return vectorised.Batch(methodology, sizes, columns, count, attributes), elements


def _attributes(
    methodology: Methodology, projects: Sequence[tuple[str, Inputs]], sizes: Mapping[str, int]
) -> dict[tuple[str, str], np.ndarray]:
    """The members' attributes of every period, by (index, attribute): text arrays laid out
    like the values."""
    found: dict[tuple[str, str], np.ndarray] = {}
    symbols = [index.symbol for index in methodology.indices]
    for axis, index in enumerate(methodology.indices, start=1):
        for attribute in index.attributes:
            rows = [
                [
                    inputs.attributes[index.symbol][m].get(attribute, "")
                    for m in inputs.members[index.symbol]
                ]
                for _, inputs in projects
                for _ in inputs.periods
            ]
            shape = [len(rows)] + [1] * len(symbols)
            shape[axis] = sizes[index.symbol]
            found[(index.symbol, attribute)] = np.array(rows, dtype=str).reshape(shape)
    return found


def shape_key(inputs: Inputs) -> tuple[str, str, tuple[int, ...]]:
    methodology = inputs.methodology
    counts = tuple(len(inputs.members[index.symbol]) for index in methodology.indices)
    return methodology.id, methodology.version, counts


def rows_of(
    batch: vectorised.Batch, elements: Sequence[Element], label: str
) -> tuple[list[Row], dict[str, str]]:
    """Rows of one evaluated batch; the errors by project name."""
    outcome, failed = vectorised.run_named(
        batch, [e.project for e in elements], [e.period for e in elements]
    )
    shares = {}
    for n, element in enumerate(elements):
        if element.allocation is not None and element.project not in failed:
            try:
                shares[n] = allocate(int(outcome.credits[n]), element.allocation, element.period)
            except JcmcalcError as exc:  # given amounts that do not add up: as calculate says
                failed[element.project] = str(exc)
    method = outcome.method(label)
    values = [outcome.values(n) for n in range(len(elements))]
    negative = {
        n: outcome.negative_warnings(n, elements[n].period, elements[n].start, elements[n].end)
        for n in outcome.negative()
    }
    rows = [
        Row(
            project=element.project,
            methodology=label,
            period=element.period,
            start=element.start,
            end=element.end,
            reference=values[n][0],
            project_emissions=values[n][1],
            reductions=values[n][2],
            credits=int(outcome.credits[n]),
            warnings=element.warnings + method + negative.get(n, ()),
            coverage=element.coverage,
            allocation=shares.get(n, ()),
        )
        for n, element in enumerate(elements)
        if element.project not in failed
    ]
    return rows, failed


def evaluate_inputs(
    projects: Iterable[tuple[str, Inputs]], progress: Callable[[int], None] = lambda n: None
) -> list[Row]:
    """Rows of named, resolved projects, batched by methodology and member counts."""
    groups: dict[tuple[str, str, tuple[int, ...]], list[tuple[str, Inputs]]] = defaultdict(list)
    for name, inputs in projects:
        groups[shape_key(inputs)].append((name, inputs))
    rows: list[Row] = []
    for (identifier, version, _), members in groups.items():
        batch, elements = batch_from_inputs(members[0][1].methodology, members)
        found, failed = rows_of(batch, elements, f"{identifier}@{version}")
        rows += found
        rows += [failure(name, f"{identifier}@{version}", text) for name, text in failed.items()]
        progress(len(members))
    return rows
