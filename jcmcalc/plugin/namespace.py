"""One namespace per data file, and the files a data file reads kept inside its package.

Formulas call parameters, constants, equations, indices and the estimate's design values by
their keys, and jcmcalc supplies ``H_p`` (a period's hours) and ``n_y`` (an estimate's year):
a key declared twice across these tables, or a reserved one, is a load error naming both
places. (An included file's declaration that the including file declares in the same table
is replaced by it: that is how a file adapts what it includes.) Values are keyed by the
``name`` of parameters and equations: a name given twice, or a reserved one, likewise.

``include`` and ``default_table`` name files in the data file's own folder (the plugin's
package) or below it: one resolving outside it (``../..``, an absolute path, a symbolic link
leading out) is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jcmcalc.model.errors import MethodologyError
from jcmcalc.model.methodology import PERIOD_HOURS
from jcmcalc.model.parameters import YEAR_NUMBER

#: The tables whose keys formulas call, in the order a file declares them.
TABLES = ("indices", "parameters", "constants", "equations", "estimate.parameters")
RESERVED = {
    PERIOD_HOURS.symbol: "reserved by jcmcalc for a period's hours",
    YEAR_NUMBER.symbol: "reserved by jcmcalc for an estimate's year number",
}
RESERVED_NAMES = {
    PERIOD_HOURS.name: "reserved by jcmcalc for a period's hours",
    YEAR_NUMBER.name: "reserved by jcmcalc for an estimate's year number",
}
#: Where each declaration comes from: ``(table, key) -> file name`` (for an included one).
Origins = dict[tuple[str, str], str]


def table(document: Mapping[str, Any], name: str, where: str) -> Mapping[str, Any]:
    """The table ``name`` (``estimate.parameters``: inside ``[estimate]``), a mapping or none."""
    found: Any = document
    for part in name.split("."):
        found = found.get(part, {}) if isinstance(found, Mapping) else None
        if not isinstance(found, Mapping):
            raise fail(where, f"{name} must be a table ([{name}.<key>]), not {found!r}")
    return found


def one_namespace(document: Mapping[str, Any], origins: Origins, file: str) -> None:
    """Refuse a formula name declared in two tables, or a reserved one."""
    seen = dict(RESERVED)
    for name in TABLES:
        for key in table(document, name, file):
            place = f"{name}.{key} in {origins.get((name, key), file)}"
            if key in seen:
                raise fail(file, f"the name {key!r} is declared twice: {seen[key]}, and {place}")
            seen[key] = place


def distinct_names(declared: Iterable[tuple[str, str]], where: str) -> None:
    """Refuse a value name (``name = "..."`` of a parameter or equation) given twice."""
    seen = dict(RESERVED_NAMES)
    for name, place in declared:
        if name in seen:
            raise fail(where, f"the name {name!r} is given twice: {seen[name]}, and {place}")
        seen[name] = place


def included_names(include: Any, where: str) -> list[str]:
    """The files ``include`` names: a list of names, or one name."""
    names = [include] if isinstance(include, str) else include
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise fail(where, f'include: a list of file names (["common.toml"]), not {include!r}')
    return names


def packaged(folder: Path, name: Any, where: str) -> Path:
    """The file ``name`` in ``folder`` (the plugin's package) or below it, never outside."""
    if not isinstance(name, str) or not name.strip():
        raise fail(where, f"{name!r} is not a file name")
    path = folder / name
    try:
        inside = not Path(name).is_absolute() and path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):  # a loop of links, a NUL in the name
        inside = False
    if not inside:
        raise fail(
            where,
            f"{name!r} is outside the plugin's package ({folder.name}): a data file reads "
            "files in its own folder or below it only",
        )
    return path


def fail(where: str, message: str) -> MethodologyError:
    return MethodologyError(f"{where}: {message}")
