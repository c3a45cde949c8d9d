"""``jcmcalc new-methodology NAME``: a new, installable methodology plugin from templates.

The templates (``jcmcalc/authoring/templates/plugin``) give the shape of the built-in plugins:
a pyproject with the ``jcmcalc`` entry point, the package with its one-line entry point
(:class:`jcmcalc.plugin.family.Family`), the methodology as a data file with a CSV table of
defaults with their sources, ``examples/`` (an example that is also a worked case) and
``worked_cases/`` in the source tree, and tests using the test kit.
"""

from __future__ import annotations

import re
import shutil
import string
import tempfile
from importlib.resources import as_file, files
from pathlib import Path

from jcmcalc.model.errors import InputError

NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
ID = re.compile(r"[A-Z][A-Z0-9_]*")
SUFFIX = ".tmpl"


def fields(name: str, methodology_id: str | None = None) -> dict[str, str]:
    """The values substituted into the templates for plugin ``name`` (``rice-husk-power``)."""
    if not NAME.fullmatch(name):
        raise InputError(
            f"plugin name {name!r} must be lower-case letters and digits joined by '-' "
            "(e.g. rice-husk-power)",
            parameter="NAME",
        )
    snake = name.replace("-", "_")
    methodology_id = methodology_id or snake.upper()
    if not ID.fullmatch(methodology_id):
        raise InputError(
            f"methodology id {methodology_id!r} must be upper-case letters, digits and '_'",
            parameter="--id",
        )
    from jcmcalc.run.result import jcmcalc_version

    version = ".".join(jcmcalc_version().split(".")[:2])
    return {
        "name": name,
        "name_snake": snake,
        "distribution": f"jcmcalc-{name}",
        "package": f"jcmcalc_{snake}",
        "methodology_id": methodology_id,
        "title": name.replace("-", " ").capitalize(),
        "jcmcalc_version": version,
    }


def create(name: str, parent: str | Path = ".", methodology_id: str | None = None) -> Path:
    """Write the plugin ``jcmcalc-NAME`` into ``parent``; returns its folder.

    Written into a temporary folder beside the target and renamed at the end: a failure
    leaves nothing behind, and an existing folder is never touched.
    """
    values = fields(name, methodology_id)
    parent = Path(parent)
    target = parent / values["distribution"]
    if target.exists():
        raise InputError("exists already; choose another NAME or folder", file=target)
    if not parent.is_dir():
        raise InputError("the output folder does not exist", file=parent)
    building = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}."))
    try:
        with as_file(files("jcmcalc.authoring").joinpath("templates", "plugin")) as templates:
            for template in sorted(Path(templates).rglob(f"*{SUFFIX}")):
                relative = template.relative_to(templates).as_posix().removesuffix(SUFFIX)
                relative = relative.replace("__package__", values["package"])
                path = building / relative.replace("__name__", values["name"])
                path.parent.mkdir(parents=True, exist_ok=True)
                text = string.Template(template.read_text(encoding="utf-8"))
                path.write_text(text.substitute(values), encoding="utf-8")
        building.rename(target)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return target
