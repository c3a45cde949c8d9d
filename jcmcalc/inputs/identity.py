"""What a monitoring report holds beside the figures, from the project file's ``[project]``
table: the reference number, the developer and participants, the monitoring structure (who
reads, who checks, who approves) and each meter's QA/QC (serial number, accuracy class, last
and next calibration). Every key is optional; each is checked, and an unknown key of
``[project]`` is refused with a suggestion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from jcmcalc.model.errors import InputError, quoted, suggest

#: The keys of ``[project]``: what the project is, and when (``registered``, ``time_zone``).
PROJECT_KEYS = (
    "name",
    "country",
    "developer",
    "description",
    "registered",
    "time_zone",
    "reference_number",
    "participants",
    "roles",
    "meters",
)
#: The monitoring structure: who takes the readings, who checks them, who approves the report.
ROLES = ("reads", "checks", "approves")
#: How the project file reads a date: ``parse_date(value, file=..., at=...)``.
DateParser = Callable[..., dt.date]
METER_KEYS = ("id", "member", "serial", "accuracy_class", "last_calibration", "next_calibration")


@attrs.frozen
class Meter:
    """A meter's QA/QC: ``member`` the member it measures ("" for the project)."""

    id: str
    serial: str
    accuracy_class: str
    member: str = ""
    last_calibration: dt.date | None = None
    next_calibration: dt.date | None = None


@attrs.frozen
class Identity:
    reference_number: str = ""
    developer: str = ""
    participants: tuple[str, ...] = ()
    roles: tuple[tuple[str, str], ...] = ()
    meters: tuple[Meter, ...] = ()


def _text(value: Any, *, file: Path, at: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{quoted(value)} is not a text: write it in quotes", file=file, at=at)
    return value.strip()


def _keys(table: Any, allowed: tuple[str, ...], *, file: Path, at: str) -> Mapping[str, Any]:
    if not isinstance(table, Mapping):
        raise InputError("must be a table", file=file, at=at)
    for key in table:
        if key not in allowed:
            hint = suggest(key, allowed)
            raise InputError(
                f"unknown key {key!r}{hint}; allowed: {', '.join(allowed)}", file=file, at=at
            )
    return table


def _meter(entry: Any, parse_date: DateParser, *, file: Path, at: str) -> Meter:
    table = _keys(entry, METER_KEYS, file=file, at=at)
    for key in ("id", "serial", "accuracy_class"):
        if key not in table:
            raise InputError(f"missing {key!r} of the meter", file=file, at=at)
    texts = {
        k: _text(table[k], file=file, at=f"{at}.{k}")
        for k in ("id", "serial", "member")
        if k in table
    }
    accuracy = table["accuracy_class"]
    if isinstance(accuracy, bool) or not isinstance(accuracy, str | int | float):
        raise InputError(f"{quoted(accuracy)} is not an accuracy class", file=file, at=at)
    dates = {
        k: parse_date(table[k], file=file, at=f"{at}.{k}")
        for k in ("last_calibration", "next_calibration")
        if k in table
    }
    last, due = dates.get("last_calibration"), dates.get("next_calibration")
    if last is not None and due is not None and due < last:
        raise InputError(
            f"next_calibration {due} is before last_calibration {last}", file=file, at=at
        )
    return Meter(
        texts["id"],
        texts["serial"],
        str(accuracy).strip(),
        texts.get("member", ""),
        last,
        due,
    )


def misplaced_project_keys(document: Mapping[str, Any], known: tuple[str, ...], *, file: Path):
    """A key of ``[project]`` written at the top level is refused naming where it belongs."""
    for key in document:
        if key in PROJECT_KEYS and key not in known:
            raise InputError(
                f"unknown top-level key {key!r}: it belongs in [project] (write it below the "
                "[project] header)",
                file=file,
                at="top level",
            )


def parse_identity(meta: Mapping[str, Any], parse_date: DateParser, *, file: Path) -> Identity:
    """The identity keys of ``[project]``, checked (unknown keys refused); dates read by
    ``parse_date`` (the project file's rule)."""
    _keys(meta, PROJECT_KEYS, file=file, at="project")
    reference = meta.get("reference_number")
    if reference is not None and (
        isinstance(reference, bool) or not isinstance(reference, str | int)
    ):
        raise InputError(
            f"{quoted(reference)} is not a reference number",
            file=file,
            at="project.reference_number",
        )
    participants = meta.get("participants", [])
    if not isinstance(participants, list):
        raise InputError("a list of names expected", file=file, at="project.participants")
    roles = _keys(meta.get("roles", {}), ROLES, file=file, at="project.roles")
    meters = meta.get("meters", [])
    if not isinstance(meters, list):
        raise InputError("[[project.meters]] entries expected", file=file, at="project.meters")
    found = tuple(
        _meter(entry, parse_date, file=file, at=f"project.meters[{n}]")
        for n, entry in enumerate(meters, 1)
    )
    ids = [m.id for m in found]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise InputError(f"meter id {twice[0]!r} given twice", file=file, at="project.meters")
    return Identity(
        "" if reference is None else str(reference).strip(),
        ""
        if "developer" not in meta
        else _text(meta["developer"], file=file, at="project.developer"),
        tuple(
            _text(p, file=file, at=f"project.participants[{n}]")
            for n, p in enumerate(participants, 1)
        ),
        tuple(
            (role, _text(roles[role], file=file, at=f"project.roles.{role}"))
            for role in ROLES
            if role in roles
        ),
        found,
    )
