"""Variants of a methodology data file: the declarations of one ``[[variant]]``, with the files
it includes, those it removes, and its changes and additions (docs/authors/data-files.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jcmcalc.model.errors import suggest
from jcmcalc.plugin.declarations import fail, known_keys

#: The declarations a ``[[variant]]`` may change, add or remove, by key (lists by the key
#: named).
LISTED = {"checks": "name", "criteria": "id"}
CHANGEABLE = ("indices", "parameters", "equations", *LISTED)
#: The key that makes a variant's declaration not declared by the file an addition (a whole
#: declaration), not a change of a misspelled one.
WHOLE = {"indices": "key", "parameters": "kind", "equations": "formula", "checks": "formula"}
WHOLE["criteria"] = "text"


def declared(
    document: Mapping[str, Any],
    identity: dict[str, Any],
    path: Path,
    where: str,
    read: Callable[[Path], dict[str, Any]],
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The declarations of one variant by table, and the notes its included files add: the
    file's, with those of the files the variant ``include``s (adding or replacing), without
    those it ``remove``s (``"parameters.eta_PJ"``), then with its changes and additions."""
    tables = {table: keyed(document, table) for table in CHANGEABLE}
    notes: list[str] = []
    for name in identity.pop("include", ()):
        part = read(path.parent / name)
        known_keys(part, set(CHANGEABLE) | {"methodology"}, f"{where}, include {name}")
        known_keys(part.get("methodology", {}), {"notes"}, f"{where}, include {name}")
        notes += part.get("methodology", {}).get("notes", [])
        for table in CHANGEABLE:
            tables[table].update(keyed(part, table))
    for item in identity.pop("remove", ()):
        table, _, key = str(item).partition(".")
        if key not in tables.get(table, {}):
            raise fail(where, f"remove {item!r}: no such declaration{suggest_in(tables, item)}")
        del tables[table][key]
    changed = {
        table: overridden(tables[table], identity.pop(table, {}), where, table)
        for table in CHANGEABLE
    }
    return changed, notes


def suggest_in(tables: Mapping[str, Mapping[str, Any]], item: str) -> str:
    return suggest(item, [f"{table}.{key}" for table, keys in tables.items() for key in keys])


def keyed(document: Mapping[str, Any], table: str) -> dict[str, Any]:
    """The declarations of ``table`` by the key a variant changes them by (a check by its
    ``name``, a criterion by its ``id``)."""
    found = document.get(table, {})
    if table not in LISTED:
        return dict(found)
    return {spec.get(LISTED[table], f"#{number}"): spec for number, spec in enumerate(found)}


def overridden(
    specs: Mapping[str, Any], changes: Mapping[str, Any], where: str, table: str = "parameters"
) -> dict[str, Any]:
    """The declarations with a variant's ``changes`` (keys replaced, inner tables merged; a
    whole declaration the file does not declare is added: :data:`WHOLE`)."""
    merged = dict(specs)
    if not isinstance(changes, dict):
        raise fail(where, f"a variant's {table}: write {table}.<name>.<key> = value")
    for key, change in changes.items():
        if not isinstance(change, dict):
            raise fail(where, f"the variant's {table}.{key}: write {table}.{key}.<key> = value")
        if key not in specs and WHOLE[table] in change:
            merged[key] = dict(change)
            continue
        if key not in specs:
            raise fail(where, f"the variant changes {key!r}, not declared in {table}")
        merged[key] = {**specs[key]}
        for field, value in change.items():
            inner = isinstance(value, dict) and isinstance(specs[key].get(field), dict)
            merged[key][field] = {**specs[key][field], **value} if inner else value
    return merged
