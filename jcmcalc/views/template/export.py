"""``jcmcalc template``: a methodology's empty workbook, or an existing project exported to it
(``--from PROJECT.toml``) with the rows of its monitoring files, so that reading the workbook
back gives the project file's document."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jcmcalc.inputs.project import Project, load_document
from jcmcalc.inputs.readers import book_sheets as layout
from jcmcalc.inputs.readers import formats
from jcmcalc.inputs.sources import plugin_reader
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import Methodology
from jcmcalc.run import pipeline
from jcmcalc.views.template.content import Content, Row
from jcmcalc.views.template.monitoring import header
from jcmcalc.views.template.sheets import listed_indices
from jcmcalc.views.template.write import workbook_bytes

Finder = Callable[[str, str | None], Methodology]
_QUANTITY = re.compile(
    r"^\s*(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(?P<unit>.*?)\s*$"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$")
MAX_MEMBERS = 10_000


def command(args: argparse.Namespace, find: Finder) -> tuple[bytes, tuple[Path, ...]]:
    """The workbook ``jcmcalc template`` writes, and the inputs it must not overwrite."""
    if not 1 <= args.members <= MAX_MEMBERS:
        raise InputError(f"--members must be from 1 to {MAX_MEMBERS:,}")
    if args.output is None and sys.stdout.isatty():
        raise InputError("a workbook is binary: write it to a file with -o FILE.xlsx")
    if (args.source is None) == (args.methodology is None):
        raise InputError("give a methodology (ID@VERSION) or --from PROJECT.toml, one of them")
    if args.source is None:
        identifier, _, version = args.methodology.partition("@")
        return workbook_bytes(find(identifier, version or None), members=args.members), ()
    if args.source.suffix.lower() in formats.EXCEL:
        raise InputError(
            "is a workbook already: --from takes a project file (TOML)", file=args.source
        )
    project, methodology = pipeline.load(
        args.source, find, require_periods=False, allow_outside=args.allow_outside
    )
    content = exported(project, methodology)
    return workbook_bytes(methodology, content, members=args.members), project.input_files


def exported(project: Project, methodology: Methodology) -> Content:
    """The cells of ``project``'s workbook."""
    document = load_document(project.path)
    content = Content()
    content.fields += [(key.replace("_", " "), value) for key, value in project.metadata.items()]
    if project.monitoring:
        names = [_file(content, project, methodology, path) for path in project.monitoring]
        content.fields.append((layout.FILES, "; ".join(names)))
    content.answers = dict(project.eligibility)
    _allocation(content, document.get("allocation"), project.path)
    for index in listed_indices(methodology):
        content.members[index.key] = [
            _member(content, methodology, table) for table in project.tables.get(index.key, [])
        ]
    for name, raw in project.parameters.items():
        content.parameters += _value_rows(content, methodology, name, raw)
    for period in project.periods:
        row: Row = {"start": period.start, "end": period.end}
        label = next(
            (p.get("label") for n, p in enumerate(document["periods"], 1) if n == period.number),
            None,
        )
        row["label"] = label
        row["monitoring files"] = "; ".join(
            _file(content, project, methodology, path) for path in period.data
        )
        content.periods.append(row)
        for name, raw in period.values.items():
            parameter = methodology.parameter(name)
            rows = content.monitoring.setdefault(parameter.symbol, [])
            for keys, leaf in _leaves(raw):
                try:
                    row = _monitoring_row(
                        content, methodology, parameter, period.number, keys, leaf
                    )
                except InputError as exc:
                    raise exc.located(project.path) from None
                rows.append(row)
    estimate = dict(project.estimate)
    content.estimate = {k: estimate[k] for k in ("start", "years") if k in estimate}
    for name, raw in estimate.get("values", {}).items():
        content.estimate_rows += _value_rows(content, methodology, name, raw)
    return content


def _allocation(content: Content, allocation: Any, path: Path) -> None:
    if allocation is None:
        return
    if "amounts" in allocation:
        raise InputError(
            "[allocation] amounts are not written to a workbook (shares are): give shares, or "
            "keep the project file",
            file=path,
            at="allocation",
        )
    for party, share in allocation.get("shares", {}).items():
        content.fields.append((layout.ALLOCATION_SHARE + party, _plain(share)))
    if "remainder" in allocation:
        content.fields.append((layout.ALLOCATION_REMAINDER, allocation["remainder"]))


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) and _exact(str(value)) else value


def _member(content: Content, methodology: Methodology, table: Mapping[str, Any]) -> Row:
    row: Row = {}
    for key, value in table.items():
        if key == "parameters":
            for name, raw in value.items():
                parameter = methodology.parameter(name)
                cell, unit, source, override = _split(raw)
                content.unit_seen(parameter.symbol, unit)
                row.update(
                    {
                        parameter.symbol: cell,
                        f"{parameter.symbol} unit": unit,
                        f"{parameter.symbol} source": source,
                        f"{parameter.symbol} override": override or None,
                    }
                )
        else:
            row[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return row


def _leaves(raw: Any, keys: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """The leaves of a value tree with the member keys leading to each."""
    if isinstance(raw, Mapping) and "value" not in raw:
        for key, value in raw.items():
            yield from _leaves(value, (*keys, str(key)))
    else:
        yield keys, raw


def _value_rows(content: Content, methodology: Methodology, name: str, raw: Any) -> list[Row]:
    parameter = methodology.parameter(name)
    rows = []
    for keys, leaf in _leaves(raw):
        cell, unit, source, override = _split(leaf)
        content.unit_seen(parameter.symbol, unit)
        row: Row = {"parameter": parameter.symbol, "value": cell, "unit": unit, "source": source}
        row["override"] = override or None
        row.update({("member" if n == 0 else f"member {n + 1}"): k for n, k in enumerate(keys)})
        rows.append(row)
    return rows


def _monitoring_row(
    content: Content, methodology: Methodology, parameter: Any, number: int, keys: tuple, leaf: Any
) -> Row:
    """An inline value of a period as an undated row of its monitoring sheet."""
    cell, unit, source, _ = _split(leaf)
    title = header(parameter)
    stated = title[title.index("[") + 1 : -1]
    written = str(leaf.get("value") if isinstance(leaf, Mapping) else leaf)
    if stated and not unit:  # a monitoring sheet would give it the header's unit
        raise InputError(
            f"{'/'.join(keys) or 'the value'}: {written!r} has no unit, which a workbook "
            f"would read as {stated}: write its unit in the project file first",
            at=f"periods[{number}].values",
            parameter=parameter.symbol,
        )
    if unit != stated and isinstance(cell, float | str):
        cell = f"{cell!r} {unit}" if isinstance(cell, float) else f"{cell} {unit}".strip()
        content.unit_seen(parameter.symbol, unit)
    columns = [methodology.index(s).csv_column for s in parameter.index]
    row: Row = {"period": number, title: cell, "source": source or None}
    row.update(dict(zip(columns, keys, strict=False)))
    return row


def _split(raw: Any) -> tuple[Any, str, str, bool]:
    """A value as its cells: number (a float where exact, else text), unit, source, override."""
    source, override = "", False
    if isinstance(raw, Mapping):
        source, override = str(raw.get("source", "")), raw.get("override") is True
        raw = raw.get("value")
    if isinstance(raw, bool):
        return str(raw).lower(), "", source, override
    match = _QUANTITY.match(str(raw)) if isinstance(raw, str | Decimal | int) else None
    if match is None:
        return raw, "", source, override
    number = match["number"]
    return (float(number) if _exact(number) else number), match["unit"], source, override


def _exact(number: str) -> bool:
    """Whether a float cell carries ``number`` exactly (its shortest decimal is ``number``)."""
    try:
        return Decimal(repr(float(number))) == Decimal(number)
    except (InvalidOperation, ValueError, OverflowError):
        return False


def _file(content: Content, project: Project, methodology: Methodology, path: Path) -> str:
    """A monitoring file as a File sheet, or (read by a plugin, or with a CSV dialect) its
    name beside the project, which the workbook then names."""
    options = project.file_options.get(path, {})
    if plugin_reader(path, methodology, methodology.readers) or set(options) - {"sheet", "columns"}:
        return Path(os.path.relpath(path, project.directory)).as_posix()
    table = formats.load(path, options, stream=False)
    name = layout.sheet_name(layout.FILE, path.name)
    while name in content.files:
        name = layout.sheet_name(layout.FILE, f"{len(content.files)} {path.name}")
    columns = [_cells(table.cells[title], title) for title in table.titles]
    content.files[name] = (table.titles, [list(row) for row in zip(*columns, strict=True)])
    return name


def _cells(column: Any, title: str) -> list[Any]:
    """A column's cells as the workbook writes them: numbers, dates and text."""
    if hasattr(column, "to_pylist"):
        values = column.to_pylist()
    elif getattr(column, "dtype", None) is not None and column.dtype.kind == "M":
        values = column.astype("datetime64[us]").tolist()
    else:
        values = column.tolist()
    return [_cell(value, title) for value in values]


def _cell(value: Any, title: str) -> Any:
    if isinstance(value, Decimal):  # a CSV reading parsed typed: as its decimal text
        value = format(value.normalize(), "f")
    if isinstance(value, float):
        return None if value != value else value
    if not isinstance(value, str):
        return value
    if title in ("date", "timestamp") and _DATE.match(value):
        return dt.date.fromisoformat(value)
    if title in ("date", "timestamp") and _MOMENT.match(value):
        return dt.datetime.fromisoformat(value)
    if (
        _QUANTITY.match(value)
        and not _QUANTITY.match(value)["unit"]
        and _exact(value)
        and "[" in title
    ):
        return float(value)
    return value
