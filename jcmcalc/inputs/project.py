"""Project files (TOML): parsing and structural checks, before any methodology knowledge.

See ``docs/project-files.md`` for the format. Numbers are parsed as ``Decimal`` so no float
ever enters a calculation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from jcmcalc.inputs import digests
from jcmcalc.inputs.allocation import parse_allocation
from jcmcalc.inputs.boundary import file_errors, period_clash, reversed_period
from jcmcalc.inputs.identity import Identity, misplaced_project_keys, parse_identity
from jcmcalc.model.allocation import Allocation
from jcmcalc.model.errors import InputError, quoted, suggest

TOP_LEVEL = (
    "project",
    "methodology",
    "parameters",
    "eligibility",
    "periods",
    "monitoring",
    "estimate",
    "allocation",
)
PERIOD_KEYS = ("start", "end", "values", "data", "label")

#: The years a date may lie in: a guard against typing errors (``9999-01-01``), chosen by
#: jcmcalc, not a rule of the JCM (whose first projects were registered in 2014).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: Largest file jcmcalc reads; a larger one is refused before it is read.
MAX_FILE_BYTES = 512 * 1024 * 1024


def period_label(number: int, start: object, end: object) -> str:
    """How messages name a period: ``period 2 (2024-07-01 to 2024-12-31)``."""
    return f"period {number} ({start} to {end})"


@attrs.frozen
class Period:
    """A monitoring period (both dates inclusive) and what the project file gives for it."""

    number: int
    start: dt.date
    end: dt.date
    values: Mapping[str, Any]
    data: tuple[Path, ...]

    @property
    def label(self) -> str:
        return period_label(self.number, self.start, self.end)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@attrs.frozen
class Project:
    """A parsed project file. Index tables (``[[systems]]``...) stay raw until resolved."""

    path: Path
    name: str
    metadata: Mapping[str, Any]
    methodology_id: str
    methodology_version: str | None
    parameters: Mapping[str, Any]
    eligibility: Mapping[str, Any]
    periods: tuple[Period, ...]
    monitoring: tuple[Path, ...]
    estimate: Mapping[str, Any]
    tables: Mapping[str, Any]
    input_files: tuple[Path, ...]
    #: How data files are read (``separator``, ``decimal``, ``sheet``, ``columns``), by path.
    file_options: Mapping[Path, Mapping[str, Any]] = attrs.field(factory=dict)
    #: A project built in Python: its DataFrames of monitoring data by pseudo path, and the
    #: bytes hashed in place of the inputs not on disk (see :mod:`jcmcalc.inputs.memory`).
    frames: Mapping[Path, Any] = attrs.field(factory=dict)
    memory: Mapping[Path, bytes] = attrs.field(factory=dict)
    allocation: Allocation | None = None
    #: Reference number, participants, monitoring structure and meters (``[project]``).
    identity: Identity = attrs.Factory(Identity)
    #: A project workbook: the sheet and cell of each place of the document (``periods[1].end``)
    #: and the sheet of each monitoring table (:mod:`jcmcalc.inputs.readers.project_book`).
    places: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def directory(self) -> Path:
        return self.path.parent

    @property
    def reference_number(self) -> str:
        """The project's reference number (``[project] reference_number``; "" if none)."""
        return self.identity.reference_number


def read_bytes(path: Path, *, what: str = "file") -> bytes:
    """Read a whole input file, with clear errors for the usual ways this goes wrong."""
    size = existing(path, what=what).st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"{what} is {size / 2**20:.0f} MiB, larger than the {MAX_FILE_BYTES // 2**20} MiB "
            "that jcmcalc reads",
            file=path,
        )
    if size == 0:
        raise InputError(f"{what} is empty", file=path)
    with file_errors(path):
        data = path.read_bytes()
    digests.note(path, data)
    return data


def existing(path: Path, *, what: str) -> os.stat_result:
    """The status of an input file that exists and is no directory, else an error naming it
    (a loop of symbolic links, a name too long... as :func:`file_errors` says)."""
    with file_errors(path):
        try:
            status = path.stat()
        except FileNotFoundError:
            raise InputError(f"{what} not found", file=path) from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError(f"{what} is a directory, not a file", file=path)
    return status


def inside(
    directory: Path, reference: str, *, file: Path, at: str, allow_outside: bool = False
) -> Path:
    """Resolve ``reference`` against ``directory``; it may not leave that directory (symbolic
    links resolved) unless ``allow_outside``."""
    if "\0" in reference:
        raise InputError(
            f"the file name {quoted(reference)} holds a NUL character", file=file, at=at
        )
    target = directory / reference
    if _plain_name(reference) and not os.path.islink(target):
        return target  # a name in the directory, no link: it resolves to one there
    with file_errors(target):
        outside = not target.resolve().is_relative_to(directory.resolve())
    if outside and not allow_outside:
        raise InputError(
            f"{reference!r} lies outside the project directory {directory} (move it in, or "
            "pass --allow-outside)",
            file=file,
            at=at,
        )
    return target


def _plain_name(reference: str) -> bool:
    """Whether ``reference`` names an entry of a directory itself (no folder, not ``..``)."""
    return reference not in ("", ".", "..") and Path(reference).name == reference


def parse_date(value: Any, *, file: Path, at: str) -> dt.date:
    """A date of the project file: a TOML date, a local date-time at midnight or the text
    ``YYYY-MM-DD``, in the years :data:`EARLIEST_YEAR` to :data:`LATEST_YEAR`. A time of day or
    a UTC offset is refused, not dropped: periods are whole days of the project's calendar."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None or value.time() != dt.time():
            raise InputError(
                f"{value.isoformat()} is a date and time (its time or UTC offset would be "
                "dropped): periods are whole days, write the date alone (2024-01-31)",
                file=file,
                at=at,
            )
        value = value.date()
    elif isinstance(value, str) and _ISO_DATE.match(value):
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value)
    if not isinstance(value, dt.date):
        raise InputError(f"{quoted(value)} is not a date (write 2024-01-31)", file=file, at=at)
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise InputError(
            f"{value} lies outside the years {EARLIEST_YEAR} to {LATEST_YEAR} that jcmcalc "
            "takes: a typing error?",
            file=file,
            at=at,
        )
    return value


def _check_keys(table: Mapping[str, Any], allowed: tuple[str, ...], *, file: Path, at: str):
    for key in table:
        if key not in allowed:
            raise InputError(
                f"unknown key {key!r}{suggest(key, allowed)}; allowed: {', '.join(allowed)}",
                file=file,
                at=at,
            )


def _misplaced(
    document: Mapping[str, Any], known: tuple[str, ...], index_keys: tuple[str, ...], *, file: Path
) -> None:
    """A top-level key written inside a table (below ``[estimate]``, say) is an error naming
    where it belongs: TOML puts every key after a table header into that table."""
    for name, value in document.items():
        entries = value if isinstance(value, list) else [value]
        for number, entry in enumerate(entries, start=1):
            if not isinstance(entry, Mapping):
                continue
            for key in entry:
                if key not in known or (name in index_keys and key == "parameters"):
                    continue
                table = f"[[{name}]] entry {number}" if isinstance(value, list) else f"[{name}]"
                raise InputError(
                    f"{key!r} is written inside {table}, but it belongs at the top level of the "
                    "project file: TOML puts every key after a [table] header into that table, "
                    f"so move {key!r} above the first [table] header",
                    file=file,
                    at=f"{name}.{key}" if not isinstance(value, list) else f"{name}[{number}]",
                )


def _table(document: Mapping[str, Any], key: str, *, file: Path) -> Mapping[str, Any]:
    value = document.get(key, {})
    if not isinstance(value, Mapping):
        raise InputError(f"[{key}] must be a table", file=file, at=key)
    return value


#: How a data file may be read, given as ``{ file = "...", separator = ";", ... }``.
FILE_OPTIONS = {
    "separator": (",", ";", "\t", "|"),
    "decimal": (".", ","),
    "sheet": (),
    "columns": (),
}


def _files(
    value: Any,
    directory: Path,
    *,
    file: Path,
    at: str,
    allow_outside: bool,
    options: dict[Path, Mapping[str, Any]],
) -> tuple[Path, ...]:
    """The data files named at ``at``: names, or tables ``{ file = NAME, OPTION = ... }`` whose
    reading options (:data:`FILE_OPTIONS`) go into ``options``."""
    entries = value if isinstance(value, list) else [value]
    found = []
    for entry in entries:
        given = dict(entry) if isinstance(entry, Mapping) else {"file": entry}
        name = given.pop("file", None)
        if not isinstance(name, str):
            raise InputError(
                'expected a file name, a table { file = "name.csv", separator = ";", decimal = '
                '"," }, or a list of them',
                file=file,
                at=at,
            )
        _check_keys(given, tuple(FILE_OPTIONS), file=file, at=at)
        for key, choice in given.items():
            allowed = FILE_OPTIONS[key]
            if key == "columns":
                if not isinstance(choice, Mapping) or not all(
                    isinstance(v, str) for v in choice.values()
                ):
                    raise InputError(
                        'columns = { "file header" = "SYMBOL [unit] @ MEMBER", ... } expected',
                        file=file,
                        at=at,
                    )
            elif not isinstance(choice, str) or (allowed and choice not in allowed):
                shown = ", ".join(repr(a) for a in allowed) or "a sheet name"
                raise InputError(f"{key} = {choice!r}: expected {shown}", file=file, at=at)
        path = inside(directory, name, file=file, at=at, allow_outside=allow_outside)
        if given:
            options[path] = given
        found.append(path)
    return tuple(found)


#: The most parts of a dotted key (``a.b.c`` has 3) read: Python's TOML reader takes time
#: growing with the square of their number (20,000 parts: about 14 s).
MAX_KEY_PARTS = 100
_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\\\n]*"|'[^'\n]*')[ \t]*\.[ \t]*"""
_DOTTED = re.compile(f"(?:{_PART}){{{MAX_KEY_PARTS},}}")


def load_document(path: Path) -> dict[str, Any]:
    """Read and parse a project file's TOML (floats as ``Decimal``)."""
    text = decode(read_bytes(path, what="project file"), path)
    dotted = text.count(".") >= MAX_KEY_PARTS  # (each part ends in a dot: else none is long)
    if dotted and (long := _DOTTED.search(text)) is not None:
        raise InputError(
            f"a dotted key of more than {MAX_KEY_PARTS} parts ({long.group()[:40]}...)",
            file=path,
            row=text.count("\n", 0, long.start()) + 1,
        )
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except (tomllib.TOMLDecodeError, ValueError) as exc:  # ValueError: an integer too long
        raise InputError(f"malformed TOML: {exc}", file=path) from None
    except ArithmeticError:  # decimal.InvalidOperation: a float's exponent out of range
        raise InputError("malformed TOML: a number's exponent is out of range", file=path) from None


def methodology_reference(document: Mapping[str, Any], path: Path) -> tuple[str, str | None]:
    """The methodology id and version a project document names."""
    methodology = _table(document, "methodology", file=path)
    if "id" not in methodology:
        raise InputError("missing [methodology] id", file=path, at="methodology")
    _check_keys(methodology, ("id", "version"), file=path, at="methodology")
    version = methodology.get("version")
    return str(methodology["id"]), None if version is None else str(version)


def parse_project(
    document: Mapping[str, Any],
    path: Path,
    index_keys: tuple[str, ...] = (),
    *,
    require_periods: bool = True,
    allow_outside: bool = False,
) -> Project:
    """Check a parsed project ``document`` read from ``path`` and build the :class:`Project`.

    ``index_keys`` are the member tables the methodology declares (``systems``...); any other
    unknown top-level key is an error with a suggestion. Data files must lie in the project's
    directory unless ``allow_outside``.
    """
    misplaced_project_keys(document, TOP_LEVEL + index_keys, file=path)
    _check_keys(document, TOP_LEVEL + index_keys, file=path, at="top level")
    _misplaced(document, TOP_LEVEL + index_keys, index_keys, file=path)
    methodology_id, methodology_version = methodology_reference(document, path)
    directory = path.parent
    periods = []
    options: dict[Path, Mapping[str, Any]] = {}
    raw_periods = document.get("periods", [])
    if not isinstance(raw_periods, list) or (require_periods and not raw_periods):
        raise InputError("no [[periods]]: give at least one monitoring period", file=path)
    for number, raw in enumerate(raw_periods, start=1):
        at = f"periods[{number}]"
        if not isinstance(raw, Mapping):
            raise InputError("each [[periods]] entry must be a table", file=path, at=at)
        _check_keys(raw, PERIOD_KEYS, file=path, at=at)
        for key in ("start", "end"):
            if key not in raw:
                raise InputError(f"missing {key!r} date", file=path, at=at)
        start = parse_date(raw["start"], file=path, at=f"{at}.start")
        end = parse_date(raw["end"], file=path, at=f"{at}.end")
        if end < start:
            raise InputError(reversed_period(start, end), file=path, at=at)
        values = raw.get("values", {})
        if not isinstance(values, Mapping):
            raise InputError("values must be a table", file=path, at=f"{at}.values")
        data = _files(
            raw.get("data", []),
            directory,
            file=path,
            at=f"{at}.data",
            allow_outside=allow_outside,
            options=options,
        )
        periods.append(Period(number, start, end, values, data))
    clash = period_clash(periods)
    if clash is not None:
        after, message = clash
        raise InputError(message, file=path, at=f"periods[{after.number}]")
    monitoring = _files(
        document.get("monitoring", []),
        directory,
        file=path,
        at="monitoring",
        allow_outside=allow_outside,
        options=options,
    )
    data_files = {p for period in periods for p in period.data} | set(monitoring)
    meta = _table(document, "project", file=path)
    return Project(
        path=path,
        name=str(meta.get("name", path.stem)),
        metadata=meta,
        methodology_id=methodology_id,
        methodology_version=methodology_version,
        parameters=_table(document, "parameters", file=path),
        eligibility=_table(document, "eligibility", file=path),
        periods=tuple(periods),
        monitoring=monitoring,
        estimate=_table(document, "estimate", file=path),
        tables={key: document[key] for key in index_keys if key in document},
        input_files=(path, *sorted(data_files)),
        file_options=options,
        allocation=parse_allocation(document.get("allocation"), len(periods), file=path),
        identity=parse_identity(meta, parse_date, file=path),
    )


def decode(data: bytes, path: Path) -> str:
    """Text of a UTF-8 input file (a byte-order mark is allowed), with universal newlines: a
    lone carriage return ends a line, as when Python opens a text file."""
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text (byte {exc.start}): save the file as UTF-8",
            file=path,
            row=data.count(b"\n", 0, exc.start) + 1,
        ) from None
