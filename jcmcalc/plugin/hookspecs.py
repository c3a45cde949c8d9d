"""The hooks a jcmcalc plugin implements.

A plugin is a module or object registered under the entry-point group ``jcmcalc``; it marks
its implementations with :data:`hookimpl`::

    from jcmcalc import hookimpl

    @hookimpl
    def jcmcalc_methodologies():
        return [MY_METHODOLOGY]
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pluggy

if TYPE_CHECKING:
    from jcmcalc.inputs.series.readings import Reader
    from jcmcalc.model.methodology import Methodology
    from jcmcalc.plugin.index import Listed

PROJECT_NAME = "jcmcalc"
ENTRY_POINT_GROUP = "jcmcalc"

F = TypeVar("F")
_hookspec = pluggy.HookspecMarker(PROJECT_NAME)
_hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


def hookimpl(function: F) -> F:
    """Mark ``function`` as the implementation of the jcmcalc hook of the same name."""
    return cast(F, _hookimpl(cast(Any, function)))


@_hookspec
def jcmcalc_methodologies() -> Sequence[Methodology | Listed]:
    """Return the methodologies this plugin provides, each a :class:`Methodology` record, or a
    :class:`jcmcalc.plugin.index.Listed` entry that the registry builds when a command first
    uses it (a :class:`jcmcalc.plugin.family.Family` lists its data files so).

    Every (programme, id, version) must be unique across all installed plugins.
    """
    raise NotImplementedError


@_hookspec
def jcmcalc_examples() -> Sequence[Path]:
    """Return the folders of the example projects and worked cases this plugin ships.

    Each folder holds a ``project.toml`` naming one of the plugin's methodologies; a worked
    case also holds an ``expected.toml`` with figures computed by hand (see
    :mod:`jcmcalc.authoring.testing`). The docs show them on the methodology's page, and the
    conformance check (:mod:`jcmcalc.authoring.conformance`) calculates every one. Optional.
    """
    raise NotImplementedError


@_hookspec
def jcmcalc_readers() -> Sequence[Reader]:
    """Return readers of monitoring files of a shape the core does not know (a cylinder list).

    Each is a :class:`jcmcalc.inputs.series.readings.Reader` record: its name (unique across all
    installed plugins), the ids of the methodologies it serves, ``accepts(path, head)`` deciding
    from a file's path and first bytes whether it reads the file, and ``read(path, context)``
    returning the readings. The core gives a reader only the files it accepts; every other file
    goes to the core's CSV/Parquet reader. Readings out of their parameter's bounds are a fault
    of the plugin. Optional.
    """
    raise NotImplementedError
