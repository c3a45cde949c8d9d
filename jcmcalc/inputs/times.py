"""Time columns of monitoring files as wall-clock times in the project's zone.

Naive times are the project's local time, the frame its period dates are written in. Times
with a UTC offset (or a Parquet column with a time zone) need the project's ``time_zone``,
into which they are converted.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zoneinfo
from typing import Any

import numpy as np

from jcmcalc.inputs import parquet
from jcmcalc.inputs.columns import Table, is_arrow, text_cells
from jcmcalc.model.errors import InputError

_OFFSET = re.compile(r"(Z|[+-]\d\d:?\d\d)$")
NO_ZONE = (
    'but the project declares no time zone for its period dates: add time_zone = "Area/City" '
    '(or "UTC") under [project]'
)


def times(column: Any, *, title: str, table: Table, zone: str | None) -> np.ndarray:
    """Wall-clock times of a column in the project's zone as ``datetime64[us]``."""
    if is_arrow(column) and _temporal(column):
        return _arrow_times(column, title=title, table=table, zone=zone)
    if not is_arrow(column) and column.dtype.kind == "M":
        return column.astype("datetime64[us]")
    cells = text_cells(column)
    empty = np.flatnonzero(np.char.str_len(cells) == 0)
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
    if len(cells) and not _OFFSET.search(str(cells[0])):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                return cells.astype("datetime64[us]")
        except (ValueError, DeprecationWarning, UserWarning):
            pass
    return _python_times(cells, title=title, table=table, zone=zone)


def local(moment: dt.datetime, target: dt.tzinfo | None, *, what: str) -> dt.datetime:
    """``moment`` as a naive wall-clock time of the project: converted into ``target`` when it
    has a UTC offset (an error naming ``what`` when the project has no time zone)."""
    if moment.tzinfo is None:
        return moment
    if target is None:
        raise ValueError(f"{what} has a UTC offset, {NO_ZONE}")
    return moment.astimezone(target).replace(tzinfo=None)


def _python_times(cells: np.ndarray, *, title: str, table: Table, zone: str | None) -> np.ndarray:
    """The slow path: one ``fromisoformat`` per cell, for times with UTC offsets."""
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
        try:
            moment = local(moment, target, what=f"column {title!r}: {str(cell)!r}")
        except ValueError as exc:
            raise InputError(str(exc), file=table.path, row=row) from None
        found[position] = np.datetime64(moment, "us")
    return found


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


def _arrow_times(column: Any, *, title: str, table: Table, zone: str | None) -> np.ndarray:
    import pyarrow as pa

    if column.null_count:
        nulls = np.flatnonzero(column.is_null().to_numpy(zero_copy_only=False))
        raise InputError(f"column {title!r} is empty here", file=table.path, row=table.row(nulls))
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        if zone is None:
            raise InputError(
                f"column {title!r} has the time zone {kind.tz}, {NO_ZONE}", file=table.path
            )
        project_zone(zone, table.path)
        whole = column.whole() if isinstance(column, parquet.ParquetColumn) else column
        return _local(whole, zone)
    found = np.empty(len(column), dtype="datetime64[us]")
    offset = 0
    for piece in parquet.pieces(column):
        found[offset : offset + len(piece)] = _local(piece, None)
        offset += len(piece)
    return found


def _local(column: Any, zone: str | None) -> np.ndarray:
    """Arrow dates or timestamps as naive ``datetime64[us]``, in ``zone`` when given."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if zone is not None:
        column = pc.local_timestamp(column.cast(pa.timestamp(column.type.unit, tz=zone)))
    if not pa.types.is_timestamp(column.type) or column.type.unit != "us":
        column = column.cast(pa.timestamp("us"))
    return column.to_numpy(zero_copy_only=False).astype("datetime64[us]", copy=False)
