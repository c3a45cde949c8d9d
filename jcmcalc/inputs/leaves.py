"""The values of a project file as written: leaves of its value tables keyed by member ids,
and the members of each index (the ``[[systems]]`` tables)."""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs.boundary import duplicate_member
from jcmcalc.inputs.project import Project
from jcmcalc.model.errors import InputError, suggest
from jcmcalc.model.methodology import Index, Methodology
from jcmcalc.model.parameters import Parameter
from jcmcalc.model.uses import deciding

Key = tuple[str, ...]
MEMBER_KEYS = ("id", "description", "parameters")
LEAF_KEYS = ("value", "source", "override")


@attrs.frozen
class Leaf:
    """A value as written in the project file."""

    text: str
    at: str
    source: str = ""
    override: bool = False


def members_of(
    index: Index, project: Project
) -> tuple[tuple[str, ...], dict[str, dict[str, str]], dict[str, Mapping[str, Any]]]:
    if index.members:
        return index.members, {m: {index.csv_column: m} for m in index.members}, {}
    raw = project.tables.get(index.key)
    if raw is None and index.optional:
        return (), {}, {}
    at = f"[[{index.key}]]"
    if not isinstance(raw, list) or not raw:
        raise InputError(
            f"no [[{index.key}]]: the methodology needs at least one {index.title} "
            f"(index {index.symbol})",
            file=project.path,
        )
    ids: dict[str, None] = {}  # ordered, and a member is found in constant time
    attributes: dict[str, dict[str, str]] = {}
    parameters: dict[str, Mapping[str, Any]] = {}
    allowed = MEMBER_KEYS + tuple(index.attributes)
    known = set(allowed)
    for number, table in enumerate(raw, start=1):
        place = f"{index.key}[{number}]"
        if not isinstance(table, Mapping) or "id" not in table:
            raise InputError(f"each {at} entry needs an 'id'", file=project.path, at=place)
        member = member_id(table["id"], file=project.path, at=f"{place}.id")
        if member in ids:
            raise InputError(duplicate_member(index.title, member), file=project.path, at=place)
        unknown = [key for key in table if key not in known]
        if unknown:
            key = unknown[0]
            raise InputError(
                f"unknown key {key!r}{suggest(key, allowed)}; allowed: {', '.join(allowed)}",
                file=project.path,
                at=place,
            )
        found = _attributes(index, table, member, file=project.path, at=place)
        ids[member] = None
        attributes[member] = found
        parameters[member] = table.get("parameters", {})
    return tuple(ids), attributes, parameters


def _attributes(
    index: Index, table: Mapping[str, Any], member: str, *, file: Path, at: str
) -> dict[str, str]:
    """The attributes of one member's table: each given, defaulted (``index.defaults``) or not
    needed (``index.unless``); ``true``/``false`` are written in lower case."""
    read = (*index.attributes, *(other for other, _ in index.unless.values()))
    written = {  # (only the keys read: not a member's table of parameters written out)
        name: ("true" if value else "false") if isinstance(value, bool) else str(value)
        for name, value in table.items()
        if name in read
    }
    found = {}
    for name, choices in index.attributes.items():
        if name not in written:
            other, case = index.unless.get(name, ("", None))
            if name in index.defaults:
                written[name] = index.defaults[name]
            elif case is not None and written.get(other) == case:
                found[name] = ""
                continue
            else:
                hint = f" (one of: {', '.join(choices)})" if choices else ""
                raise InputError(f"{index.title} {member!r} needs {name!r}{hint}", file=file, at=at)
        value = written[name]
        if choices and value not in choices:
            raise InputError(
                f"{name} {value!r} is not allowed here{_because(index, name)}"
                f"{suggest(value, choices)}; allowed: {', '.join(choices)}",
                file=file,
                at=f"{at}.{name}",
            )
        found[name] = value
    return found


def _because(index: Index, name: str) -> str:
    return f" ({index.because[name]})" if name in index.because else ""


def defaulted(index: Index, project: Project, member: str) -> list[str]:
    """The attributes of ``index.defaults`` that ``member``'s table leaves out."""
    tables = project.tables.get(index.key)
    table = next(
        (t for t in tables or () if isinstance(t, Mapping) and str(t.get("id")) == member), {}
    )
    return [name for name in index.defaults if name not in table]


def undeclared(
    methodology: Methodology, project: Project, parameter: Parameter, key: Key, *, at: str | None
) -> None:
    """A value given for a member that leaves out the attribute (``battery``) that would use
    it is an error: a project file of the time before the attribute gave such values."""
    choosing = deciding(methodology, parameter)
    for symbol, member in zip(parameter.index, key, strict=True):
        index = methodology.index(symbol)
        for name in defaulted(index, project, member):
            if (symbol, name) not in choosing:
                continue
            others = [c for c in index.attributes[name] if c != index.defaults[name]]
            raise InputError(
                f"given for {index.title} {member!r}, which does not say {name} = "
                f"{' or '.join(others)} (without it, {name} = {index.defaults[name]}: the "
                f"value would not be used): add {name} = {others[0] if others else '...'} "
                f"to its [[{index.key}]] table, or remove the value",
                file=project.path,
                parameter=parameter.symbol,
                at=at,
            )


def normal_id(text: str) -> str:
    """An id as ids are compared: Unicode NFC normalised (``é`` typed as one code point or as
    two is one id)."""
    return unicodedata.normalize("NFC", text)


def normal_ids(cells: np.ndarray) -> np.ndarray:
    """A column of ids (text) as :func:`normal_id` gives them; at numpy speed when no
    character lies at or above U+0300, where NFC leaves text as it is (every combining mark and
    every character that normalises to another lies there)."""
    cells = np.ascontiguousarray(cells, dtype=str)
    if not cells.size or int(cells.view(np.uint32).max(initial=0)) < 0x300:
        return cells
    distinct, codes = np.unique(cells, return_inverse=True)
    return np.array([normal_id(str(text)) for text in distinct], dtype=str)[codes.ravel()]


def member_id(raw: Any, *, file: Path, at: str) -> str:
    """A member's id as written, or an error: ids are exact text, compared as written after
    Unicode NFC normalisation (``é`` typed as one or as two code points is one id); an empty id,
    or one with spaces around it, is refused (a monitoring file's cells are read stripped, so
    such an id could never be matched)."""
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise InputError(f'{raw!r} is not an id (write a text such as "PV-1")', file=file, at=at)
    member = normal_id(str(raw))
    if not member.strip():
        raise InputError(f"the id {member!r} is empty: give each member a name", file=file, at=at)
    if member != member.strip():
        raise InputError(
            f"the id {member!r} has spaces around it: write it without them", file=file, at=at
        )
    return member


def as_leaf(raw: Any, *, path: Path, at: str) -> Leaf:
    if isinstance(raw, str):
        return Leaf(raw, at)
    if isinstance(raw, Decimal | int) and not isinstance(raw, bool):
        return Leaf(str(raw), at)
    if isinstance(raw, Mapping) and "value" in raw:
        for key in raw:
            if key not in LEAF_KEYS:
                raise InputError(f"unknown key {key!r}{suggest(key, LEAF_KEYS)}", file=path, at=at)
        inner = as_leaf(raw["value"], path=path, at=at)
        return Leaf(inner.text, at, str(raw.get("source", "")), raw.get("override") is True)
    raise InputError(f'{raw!r} is not a value (write e.g. "12.5 MWh")', file=path, at=at)


def flatten(
    raw: Any,
    parameter: Parameter,
    members: Mapping[str, tuple[str, ...]],
    methodology: Methodology,
    *,
    path: Path,
    at: str,
    prefix: Key = (),
) -> dict[Key, Leaf]:
    """Leaves of a value tree keyed by member ids, one level per index of ``parameter``."""
    depth = len(prefix)
    if depth == len(parameter.index):
        return {prefix: as_leaf(raw, path=path, at=at)}
    symbol = parameter.index[depth]
    choices = members[symbol]
    known = set(choices)
    is_leaf = not isinstance(raw, Mapping) or "value" in raw
    if is_leaf and len(choices) == 1:
        return flatten(
            raw, parameter, members, methodology, path=path, at=at, prefix=(*prefix, choices[0])
        )
    if is_leaf:
        title = methodology.index(symbol).title
        raise InputError(
            f"{parameter.symbol} is per {title}: give a table keyed by "
            f"{title} id ({', '.join(choices)})",
            file=path,
            at=at,
            parameter=parameter.symbol,
        )
    leaves: dict[Key, Leaf] = {}
    for written, value in raw.items():
        member = normal_id(written)
        if member not in known:
            title = methodology.index(symbol).title
            raise InputError(
                f"unknown {title} {member!r}{suggest(member, choices)}",
                file=path,
                at=f"{at}.{member}",
                parameter=parameter.symbol,
            )
        leaves.update(
            flatten(
                value,
                parameter,
                members,
                methodology,
                path=path,
                at=f"{at}.{member}",
                prefix=(*prefix, member),
            )
        )
    return leaves


def member_keys(parameter: Parameter, members: Mapping[str, tuple[str, ...]]) -> list[Key]:
    return list(itertools.product(*(members[s] for s in parameter.index)))


def attributes_of(
    parameter: Parameter, key: Key, attributes: Mapping[str, Mapping[str, Mapping[str, str]]]
) -> dict[str, str]:
    found: dict[str, str] = {}
    for symbol, member in zip(parameter.index, key, strict=True):
        found.update(attributes[symbol].get(member, {}))
    return found


def coincide(a: Parameter, key_a: Key, b: Parameter, key_b: Key) -> bool:
    """Whether two keys agree on every index their parameters share."""
    members = dict(zip(a.index, key_a, strict=True))
    return all(members.get(s, m) == m for s, m in zip(b.index, key_b, strict=True))


def describe_key(parameter: Parameter, key: Key, methodology: Methodology) -> str:
    if not key:
        return ""
    parts = [
        f"{methodology.index(s).title} {m!r}" for s, m in zip(parameter.index, key, strict=True)
    ]
    return " for " + ", ".join(parts)
