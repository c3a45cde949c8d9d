"""Which reader reads which monitoring file of a project.

A plugin reader (:class:`~jcmcalc.inputs.series.readings.Reader`) reads the files it accepts, for
the methodologies it serves; every other file goes to the core's CSV/Parquet reader, so Parquet
files and time zones work for every methodology. Each value may come from one file only.

The plugin readers are those the registry stamped on the methodology record it handed out
(:attr:`~jcmcalc.model.methodology.Methodology.readers`), unless a caller names others: every
path to a figure, and a report that reads the files again, reads them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from jcmcalc.inputs.boundary import file_errors
from jcmcalc.inputs.progress import bar
from jcmcalc.inputs.project import Period, Project
from jcmcalc.inputs.series.monitoring import read_monitoring
from jcmcalc.inputs.series.readings import (
    HEAD_BYTES,
    ReadContext,
    Reader,
    Reading,
    Slot,
    check_readings,
)
from jcmcalc.model.errors import InputError
from jcmcalc.model.faults import plugin_code, plugin_fault
from jcmcalc.model.methodology import Methodology


def read_files(
    methodology: Methodology,
    project: Project,
    members: Mapping[str, tuple[str, ...]],
    readers: Sequence[Reader],
) -> dict[Slot, Reading]:
    """The readings of every monitoring file of ``project`` (``readers``: the plugin readers
    that may read them)."""
    sources = monitoring_files(project)
    found: dict[Slot, Reading] = {}
    sizes: list[int] = []  # (the files' sizes, looked at only for a bar a terminal shows)

    def total() -> int:
        sizes[:] = [_size(path) for path, _ in sources]
        return sum(sizes)

    with bar(total, unit="B", what="reading monitoring files") as shown:
        for number, (path, period) in enumerate(sources):
            shown.set_description_str(f"reading {path.name}")
            _read_into(found, path, period, methodology, project, members, readers)
            shown.update(sizes[number] if sizes else 0)
    return found


def monitoring_files(project: Project) -> list[tuple[Path, Period | None]]:
    """Every monitoring file of ``project`` with the period it is listed under (None: under
    ``[monitoring]``), in the order they are read."""
    sources: list[tuple[Path, Period | None]] = [(path, None) for path in project.monitoring]
    return sources + [(path, period) for period in project.periods for path in period.data]


def context_of(
    path: Path,
    period: Period | None,
    methodology: Methodology,
    project: Project,
    members: Mapping[str, tuple[str, ...]],
) -> ReadContext:
    """What the reader of one monitoring file knows of its project."""
    zone = project.metadata.get("time_zone")
    return ReadContext(
        methodology,
        project.periods,
        members,
        period,
        None if zone is None else str(zone),
        project.file_options.get(path, {}),
        project.frames.get(path),
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # a frame of a project built in Python, or a missing file (an error later)
        return 0


def _read_into(
    found: dict[Slot, Reading],
    path: Path,
    period: Period | None,
    methodology: Methodology,
    project: Project,
    members: Mapping[str, tuple[str, ...]],
    readers: Sequence[Reader],
) -> None:
    """The readings of one file, added to ``found``; a value given twice is an error."""
    context = context_of(path, period, methodology, project, members)
    for slot, reading in read_file(path, context, readers).items():
        if slot in found:
            raise InputError(
                f"{slot[1]} for period {slot[0]} {'/'.join(slot[2])} is also in "
                f"{found[slot].origin}: each value may come from one file only",
                file=path,
                row=reading.rows[0],
            )
        found[slot] = reading


def read_file(path: Path, context: ReadContext, readers: Sequence[Reader] = ()) -> Mapping:
    """The readings of one file, by the one plugin reader that accepts it or by the core."""
    methodology = context.methodology
    reader = plugin_reader(path, methodology, readers)
    if reader is None:
        with file_errors(path):
            return read_monitoring(path, context)
    what = f"its monitoring reader {reader.name!r} (reading {path.name})"
    with plugin_code(methodology, what):
        readings = reader.read(path, context)
    checked = check_readings(readings, what, context)
    if not checked:
        raise plugin_fault(
            methodology,
            f"{what} returned no readings: a reader that accepts a file reads its values or "
            "raises an InputError saying why it cannot",
        )
    return checked


def plugin_reader(
    path: Path, methodology: Methodology, readers: Sequence[Reader] = ()
) -> Reader | None:
    """The one plugin reader that accepts a file, or None: the core reads it."""
    serving = [reader for reader in readers if reader.serves(methodology)]
    accepting = []
    if serving:
        head = _head(path)
        for reader in serving:
            with plugin_code(methodology, f"its monitoring reader {reader.name!r} ({path.name})"):
                if reader.accepts(path, head):
                    accepting.append(reader)
    if len(accepting) > 1:
        names = " and ".join(repr(reader.name) for reader in accepting)
        raise plugin_fault(methodology, f"the monitoring readers {names} both accept {path.name}")
    return accepting[0] if accepting else None


def _head(path: Path) -> bytes:
    """The first bytes of a file; none when it cannot be read (the core's reader says why)."""
    try:
        with path.open("rb") as stream:
            return stream.read(HEAD_BYTES)
    except OSError:
        return b""
