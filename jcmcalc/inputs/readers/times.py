"""Time columns of monitoring files.

Naive times are the project's local time, the frame its period dates are written in. Times
with a UTC offset (or a Parquet column with a time zone) need the project's ``time_zone`` and
are kept as absolute instants (naive UTC), so that they are ordered and told apart by the
instant they name: the repeated hour of a daylight-saving fall-back is no duplicate. Periods
are then placed by the instants of their local midnights (:func:`midnights`).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zoneinfo
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs.readers import arrow_numpy, parquet
from jcmcalc.inputs.readers.columns import Table, coded, first_of, is_arrow, text_cells
from jcmcalc.model.errors import InputError, quoted

_OFFSET = re.compile(r"(Z|[+-]\d\d:?\d\d)$")
NO_ZONE = (
    'but the project declares no time zone for its period dates: add time_zone = "Area/City" '
    '(or "UTC") under [project]'
)


def times(column: Any, *, title: str, table: Table, zone: str | None) -> np.ndarray:
    """The times of a column as ``datetime64[us]`` (see :func:`instants`)."""
    return instants(column, title=title, table=table, zone=zone)[0]


def instants(column: Any, *, title: str, table: Table, zone: str | None) -> tuple[np.ndarray, bool]:
    """The times of a column as ``datetime64[us]``, and whether they are absolute (UTC, from
    times with offsets or a zone-aware column) rather than the project's wall-clock times."""
    if is_arrow(column) and _temporal(column):
        return _arrow_times(column, title=title, table=table, zone=zone)
    if not is_arrow(column) and column.dtype.kind == "M":
        return column.astype("datetime64[us]"), False
    cells = text_cells(column)
    known = coded(cells)
    if known is not None and len(known[0]) < len(cells):  # each distinct cell read once,
        values, codes = known  # in the order of the rows, so the same cell is found wrong first
        first = first_of(codes, len(values))
        order = np.argsort(first)
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        found, absolute = instants(
            values[order],
            title=title,
            table=attrs.evolve(table, rows=table.rows[first[order]]),
            zone=zone,
        )
        return found[rank[codes]], absolute
    lengths = np.char.str_len(cells)
    empty = np.flatnonzero(lengths == 0)
    if len(empty):
        raise InputError(f"column {title!r} is empty here", file=table.path, row=table.row(empty))
    serial = np.flatnonzero(np.char.isdigit(np.char.replace(cells[:1], ".", "")))
    if len(serial):
        raise InputError(
            f"column {title!r}: {str(cells[0])!r} looks like an Excel serial date (days since "
            "1899-12-30), not an ISO date: format the column as yyyy-mm-dd (hh:mm) text before "
            "saving as CSV, or read the .xlsx workbook itself",
            file=table.path,
            row=table.row(serial),
        )
    short = np.flatnonzero(lengths < len("2024-01-31"))
    if len(short):  # numpy would read 2024 as 2024-01-01, and "today" or "now" as the run's day
        raise InputError(
            f"column {title!r}: {quoted(cells[short[0]])} is not a whole date (write 2024-01-31, "
            "or 2024-01-31T00:15 for a time)",
            file=table.path,
            row=table.row(short),
        )
    if len(cells) and not _OFFSET.search(str(cells[0])):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                return cells.astype("datetime64[us]"), False
        except (ValueError, DeprecationWarning, UserWarning):
            pass
    return _python_times(cells, title=title, table=table, zone=zone)


def midnights(days: np.ndarray, zone: str | None) -> np.ndarray:
    """The instants (``datetime64[us]``) at which the local ``days`` (``datetime64[D]``)
    begin: wall-clock midnights, or their UTC instants in ``zone`` (for absolute times)."""
    found = days.astype("datetime64[us]")
    if zone is None:
        return found
    target = zoneinfo.ZoneInfo(zone)
    return np.array(
        [
            np.datetime64(
                dt.datetime.fromisoformat(str(day))
                .replace(tzinfo=target)
                .astimezone(dt.UTC)
                .replace(tzinfo=None),
                "us",
            )
            for day in days.tolist()
        ],
        dtype="datetime64[us]",
    ).reshape(found.shape)


def shown(moment: np.datetime64, zone: str | None) -> str:
    """``moment`` as text: a wall-clock time, or an absolute one in ``zone`` with its offset."""
    instant = moment.astype("datetime64[us]").astype(dt.datetime)
    if zone is None:
        return instant.isoformat().removesuffix("T00:00:00")
    return instant.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo(zone)).isoformat()


def local(moment: dt.datetime, target: dt.tzinfo | None, *, what: str) -> dt.datetime:
    """``moment`` as a naive wall-clock time of the project: converted into ``target`` when it
    has a UTC offset (an error naming ``what`` when the project has no time zone)."""
    if moment.tzinfo is None:
        return moment
    if target is None:
        raise ValueError(f"{what} has a UTC offset, {NO_ZONE}")
    return moment.astimezone(target).replace(tzinfo=None)


def _python_times(
    cells: np.ndarray, *, title: str, table: Table, zone: str | None
) -> tuple[np.ndarray, bool]:
    """The slow path: one ``fromisoformat`` per cell, for times with UTC offsets (kept as
    their UTC instants, checked against the project's zone)."""
    target = project_zone(zone, table.path) if zone else None
    found = np.empty(len(cells), dtype="datetime64[us]")
    kinds = set()
    for position, cell in enumerate(cells):
        row = int(table.rows[position])
        try:
            moment = dt.datetime.fromisoformat(str(cell))
        except ValueError:
            shown = "/" in str(cell) or "." in str(cell)
            hint = " (a date as a spreadsheet shows it: write ISO 8601, 2025-01-31T13:00)"
            raise InputError(
                f"column {title!r}: {str(cell)!r} is not an ISO date or timestamp"
                + (hint if shown else ""),
                file=table.path,
                row=row,
            ) from None
        kinds.add(moment.tzinfo is not None)
        if len(kinds) > 1:
            raise InputError(
                f"column {title!r}: times with and without a UTC offset are mixed",
                file=table.path,
                row=row,
            )
        if moment.tzinfo is not None:
            if target is None:
                what = f"column {title!r}: {str(cell)!r}"
                raise InputError(f"{what} has a UTC offset, {NO_ZONE}", file=table.path, row=row)
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        found[position] = np.datetime64(moment, "us")
    return found, True in kinds


def project_zone(name: str, file: object) -> dt.tzinfo:
    """The project's ``time_zone`` (an IANA name), or an error naming ``file``."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone {name!r} under [project] time_zone (an IANA name such as "
            "'Asia/Bangkok', or 'UTC')",
            file=file,
        ) from None


def _temporal(column: Any) -> bool:
    import pyarrow as pa

    return pa.types.is_timestamp(column.type) or pa.types.is_date(column.type)


def _arrow_times(
    column: Any, *, title: str, table: Table, zone: str | None
) -> tuple[np.ndarray, bool]:
    import pyarrow as pa

    if column.null_count:
        nulls = np.flatnonzero(~arrow_numpy.valid(column))
        raise InputError(f"column {title!r} is empty here", file=table.path, row=table.row(nulls))
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        if zone is None:
            raise InputError(
                f"column {title!r} has the time zone {kind.tz}, {NO_ZONE}", file=table.path
            )
        project_zone(zone, table.path)
    if isinstance(column, pa.ChunkedArray) and column.num_chunks == 1:  # a block: no copy
        return _naive(column.chunk(0)), pa.types.is_timestamp(kind) and kind.tz is not None
    found = np.empty(len(column), dtype="datetime64[us]")
    offset = 0
    for piece in parquet.pieces(column):
        found[offset : offset + len(piece)] = _naive(piece)
        offset += len(piece)
    return found, pa.types.is_timestamp(kind) and kind.tz is not None


def _naive(column: Any) -> np.ndarray:
    """Arrow dates or timestamps as naive ``datetime64[us]`` (UTC for a zone-aware column)."""
    import pyarrow as pa

    if pa.types.is_timestamp(column.type) and column.type.tz is not None:
        column = column.cast(pa.timestamp(column.type.unit))
    if not pa.types.is_timestamp(column.type) or column.type.unit != "us":
        column = column.cast(pa.timestamp("us"))
    return arrow_numpy.values(column).astype("datetime64[us]", copy=False)
