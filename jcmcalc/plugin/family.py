"""The shared plugin of a methodology family: a plugin's whole entry point in one line.

::

    # jcmcalc_chiller/__init__.py
    from jcmcalc.plugin.family import Family

    plugin = Family(__name__)

    # pyproject.toml
    [project.entry-points.jcmcalc]
    chiller = "jcmcalc_chiller:plugin"

The family provides every ``*.methodology.toml`` data file of its package
(:mod:`jcmcalc.plugin.datafile`), listed by its index (:mod:`jcmcalc.plugin.index`) and built
when a command uses it; for a family written in Python, what ``build(variant)``
returns for each ``[[variant]]`` of the package's ``variants.toml`` (one methodology or
several); the monitoring readers ``readers()`` returns; and the ``examples/`` and
``worked_cases/`` of its source tree (the folder holding ``src/``), each a folder with a
``project.toml``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from importlib.resources import files
from pathlib import Path
from typing import Any

from jcmcalc.inputs.series.readings import Reader
from jcmcalc.model.knowledge import labelled
from jcmcalc.model.methodology import Methodology
from jcmcalc.plugin.hookspecs import hookimpl
from jcmcalc.plugin.index import Listed, listings
from jcmcalc.plugin.samples import shipped
from jcmcalc.tools.data import variant_records


class Family:
    """The ``jcmcalc`` hooks of the package ``package`` (its ``__name__``)."""

    def __init__(
        self,
        package: str,
        build: Callable[[Mapping[str, Any]], Methodology | Iterable[Methodology]] | None = None,
        readers: Callable[[], Iterable[Reader]] | None = None,
    ) -> None:
        self.package, self.build, self.make_readers = package, build, readers

    @property
    def folder(self) -> Path:
        """The package's folder (where its data files lie)."""
        return Path(str(files(self.package)))

    @property
    def root(self) -> Path:
        """The plugin's source tree: the folder holding ``src/<package>``."""
        return self.folder.parents[1]

    @cached_property
    def variants(self) -> tuple[dict[str, Any], ...]:
        """The ``[[variant]]`` records of the package's ``variants.toml`` (none without it)."""
        if not (self.folder / "variants.toml").is_file():
            return ()
        return variant_records(self.package)

    def methodologies(self) -> list[Listed | Methodology]:
        """The data files' methodologies as their index lists them (each built when a command
        uses it; a data file that fails to build is BROKEN alone), then those ``build`` makes
        of each variant."""
        found: list[Listed | Methodology] = [*listings(self.folder)]
        for variant in self.variants if self.build else ():
            built = self.build(variant)  # type: ignore[misc]
            found += [labelled(m) for m in ([built] if isinstance(built, Methodology) else built)]
        return found

    @hookimpl
    def jcmcalc_methodologies(self) -> list[Listed | Methodology]:
        return self.methodologies()

    @hookimpl
    def jcmcalc_readers(self) -> list[Reader]:
        return list(self.make_readers()) if self.make_readers else []

    @hookimpl
    def jcmcalc_examples(self) -> list[Path]:
        """The family's ``examples/`` and ``worked_cases/`` (in the source tree)."""
        return shipped(self.root)
