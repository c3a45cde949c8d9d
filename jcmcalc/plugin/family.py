"""The shared plugin of a methodology family: a plugin's whole entry point in one line.

::

    # jcmcalc_chiller/__init__.py
    from jcmcalc.plugin.family import Family

    plugin = Family(__name__)

    # pyproject.toml
    [project.entry-points.jcmcalc]
    chiller = "jcmcalc_chiller:plugin"

The family provides every ``*.methodology.toml`` data file of its package
(:mod:`jcmcalc.plugin.datafile`), the methodologies ``build()`` returns (a family written in
Python), and the ``examples/`` and ``worked_cases/`` of its source tree (the folder holding
``src/``), each a folder with a ``project.toml``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.resources import files
from pathlib import Path

from jcmcalc.model.methodology import Methodology
from jcmcalc.plugin.datafile import files_in, load_file
from jcmcalc.plugin.hookspecs import hookimpl
from jcmcalc.plugin.samples import shipped


class Family:
    """The ``jcmcalc`` hooks of the package ``package`` (its ``__name__``)."""

    def __init__(
        self, package: str, build: Callable[[], Iterable[Methodology]] | None = None
    ) -> None:
        self.package, self.build = package, build

    @property
    def folder(self) -> Path:
        """The package's folder (where its data files lie)."""
        return Path(str(files(self.package)))

    @property
    def root(self) -> Path:
        """The plugin's source tree: the folder holding ``src/<package>``."""
        return self.folder.parents[1]

    def methodologies(self) -> list[Methodology]:
        """The data files' methodologies, then those ``build()`` returns."""
        found = [m for path in files_in(self.folder) for m in load_file(path)]
        return found + list(self.build() if self.build else ())

    @hookimpl
    def jcmcalc_methodologies(self) -> list[Methodology]:
        return self.methodologies()

    @hookimpl
    def jcmcalc_examples(self) -> list[Path]:
        """The family's ``examples/`` and ``worked_cases/`` (in the source tree)."""
        return shipped(self.root)
