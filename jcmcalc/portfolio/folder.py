"""A portfolio given as a folder of project files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jcmcalc.inputs.resolve import Inputs
from jcmcalc.model.errors import InputError, JcmcalcError
from jcmcalc.portfolio.rows import Row, failure


def resolve_folder(
    folder: Path, progress: Callable[[int], None]
) -> tuple[list[tuple[str, Inputs]], list[Row]]:
    """Every ``*.toml`` project file under ``folder`` resolved, named by its path in the folder;
    failures as rows."""
    from jcmcalc import api
    from jcmcalc.inputs.resolve import resolve
    from jcmcalc.run.expiry import expiry_warnings

    resolved, failed = [], []
    for path in sorted(folder.rglob("*.toml")):
        if path.name == "expected.toml":
            continue
        name = path.relative_to(folder).as_posix()
        try:
            parsed, methodology = api.load_project(path)
            inputs = resolve(methodology, parsed)
            expiry_warnings(inputs)  # an expired version is an error, as in calculate
            resolved.append((name, inputs))
        except JcmcalcError as exc:
            failed.append(failure(name, "", str(exc)))
        progress(1)
    if not resolved and not failed:
        raise InputError("no project files (*.toml) in this folder", file=folder)
    return resolved, failed
