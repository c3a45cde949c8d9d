"""The example projects and worked cases that plugins ship (hook ``jcmcalc_examples``)."""

from __future__ import annotations

from pathlib import Path

import attrs

from jcmcalc.inputs.project import load_document, methodology_reference
from jcmcalc.model.methodology import Methodology
from jcmcalc.plugin.registry import Registry

FOLDERS = ("examples", "worked_cases")


@attrs.frozen
class Sample:
    """An example project or a worked case of one methodology, shipped by ``plugin``."""

    folder: Path
    plugin: str
    methodology: Methodology

    @property
    def project(self) -> Path:
        return self.folder / "project.toml"

    @property
    def example(self) -> bool:
        """An example project (under ``examples/``); with an ``expected.toml`` it is a worked
        case as well, so its data need not be copied into one."""
        return self.folder.parent.name == "examples"

    @property
    def worked(self) -> bool:
        """A worked case: ``expected.toml`` holds figures computed by hand."""
        return (self.folder / "expected.toml").is_file()


def shipped(root: str | Path) -> list[Path]:
    """The folders ``examples/*`` and ``worked_cases/*`` below ``root`` holding a project file.

    A plugin's ``jcmcalc_examples`` hook returns this for its own folder.
    """
    root = Path(root)
    return sorted(
        path.parent for folder in FOLDERS for path in root.glob(f"{folder}/*/project.toml")
    )


def samples(registry: Registry) -> list[Sample]:
    """Every example and worked case of every plugin of ``registry``, with its methodology."""
    found = []
    for info in registry.plugins:
        for folder in registry.call(registry.manager.get_plugin(info.name), "jcmcalc_examples"):
            folder = Path(folder)
            path = folder / "project.toml"
            methodology = registry.get(*methodology_reference(load_document(path), path))
            found.append(Sample(folder, info.distribution, methodology))
    return found


def samples_of(methodology: Methodology, registry: Registry) -> list[Sample]:
    """The examples and worked cases whose project names ``methodology``."""
    return [s for s in samples(registry) if s.methodology.key == methodology.key]
