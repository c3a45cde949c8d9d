"""A portfolio given as a folder of project files, each prepared as ``calculate`` prepares it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from jcmcalc.inputs.resolve import Inputs
from jcmcalc.model.errors import InputError, JcmcalcError
from jcmcalc.portfolio.rows import Row, failure
from jcmcalc.run.pipeline import Finder, no_cycle_collection, prepare


def prepare_folder(
    folder: Path, find: Finder, progress: Callable[[int], None]
) -> tuple[list[tuple[str, Inputs]], list[Row]]:
    """Every ``*.toml`` project file under ``folder`` prepared, named by its path in the folder;
    failures as rows. Each methodology is found once (``find`` looked up again for a refusal)."""
    find = functools.cache(find)
    prepared, failed = [], []
    with no_cycle_collection():
        for path in sorted(folder.rglob("*.toml")):
            if path.name == "expected.toml":
                continue
            name = path.relative_to(folder).as_posix()
            try:
                prepared.append((name, prepare(path, find)))
            except JcmcalcError as exc:
                failed.append(failure(name, "", str(exc)))
            except Exception as exc:  # a fault of jcmcalc or a plugin: this project fails alone
                failed.append(failure(name, "", f"internal error: {type(exc).__name__}: {exc}"))
            progress(1)
    if not prepared and not failed:
        raise InputError("no project files (*.toml) in this folder", file=folder)
    return prepared, failed
