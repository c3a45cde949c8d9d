"""Discovery of methodology plugins through the ``jcmcalc`` entry-point group."""

from __future__ import annotations

import importlib.metadata

import attrs
import pluggy

from jcmcalc.model.errors import InputError, PluginError, suggest
from jcmcalc.model.methodology import Methodology
from jcmcalc.plugin import hookspecs


class DuplicateMethodologyError(PluginError):
    """Two plugins provide the same (programme, id, version)."""


@attrs.frozen
class PluginInfo:
    """An installed plugin: its entry-point name, distribution and version."""

    name: str
    distribution: str
    version: str
    methodologies: tuple[str, ...] = ()


@attrs.frozen
class BrokenPlugin:
    """A plugin that failed to load, with the error it raised."""

    name: str
    distribution: str
    error: str


class Registry:
    """The methodologies of every loaded plugin, by (programme, id, version)."""

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self.manager = manager
        self.plugins: list[PluginInfo] = []
        self.broken: list[BrokenPlugin] = []
        self._methodologies: dict[tuple[str, str, str], Methodology] = {}

    def add(self, plugin: object, name: str, distribution: str, version: str) -> None:
        """Register ``plugin`` and collect its methodologies (duplicates are an error)."""
        self.manager.register(plugin, name=name)
        try:
            self.manager.check_pending()
            hook = getattr(plugin, "jcmcalc_methodologies", None)
            provided = list(hook()) if hook else []
        except Exception:
            self.manager.unregister(plugin)
            raise
        added = []
        for methodology in provided:
            methodology = attrs.evolve(methodology, plugin=distribution, plugin_version=version)
            existing = self._methodologies.get(methodology.key)
            if existing is not None:
                raise DuplicateMethodologyError(
                    f"methodology {methodology.label} is provided twice: by plugin "
                    f"{existing.plugin!r} and by plugin {distribution!r}"
                )
            self._methodologies[methodology.key] = methodology
            added.append(methodology.label)
        self.plugins.append(PluginInfo(name, distribution, version, tuple(added)))

    def methodologies(self) -> list[Methodology]:
        """Every methodology, sorted by id and version."""
        return sorted(self._methodologies.values(), key=lambda m: (m.id, _version_key(m)))

    def get(self, methodology_id: str, version: str | None = None) -> Methodology:
        """The methodology ``methodology_id`` at ``version`` (the latest when None)."""
        candidates = [m for m in self.methodologies() if m.id == methodology_id]
        if not candidates:
            ids = sorted({m.id for m in self._methodologies.values()})
            for broken in self.broken:
                if methodology_id in broken.error:
                    raise PluginError(
                        f"methodology {methodology_id!r} is in plugin {broken.name!r} "
                        f"({broken.distribution}), which failed to load: {broken.error}"
                    )
            raise InputError(
                f"unknown methodology {methodology_id!r}{suggest(methodology_id, ids)}; "
                "`jcmcalc methodologies` lists the installed ones",
                parameter="methodology.id",
            )
        if version is None:
            return candidates[-1]
        for methodology in candidates:
            if _normal_version(methodology.version) == _normal_version(version):
                return methodology
        known = ", ".join(m.version for m in candidates)
        raise InputError(
            f"{methodology_id} has no version {version!r} (installed: {known})",
            parameter="methodology.version",
        )


def _normal_version(version: str) -> tuple[int, ...]:
    """``"ver02.0"``, ``"Ver2"`` and ``"2.0"`` are the same version."""
    text = version.lower().removeprefix("ver").strip(" .")
    try:
        parts = [int(part) for part in text.split(".")]
    except ValueError:
        return (-1,)
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _version_key(methodology: Methodology) -> tuple[int, ...]:
    return _normal_version(methodology.version)


def new_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    return manager


def load(strict: bool = False) -> Registry:
    """Load every plugin of the ``jcmcalc`` entry-point group.

    A plugin that fails to import or to register is recorded in ``Registry.broken`` and
    skipped; with ``strict`` it raises :class:`PluginError` instead.
    """
    registry = Registry(new_manager())
    entry_points = importlib.metadata.entry_points(group=hookspecs.ENTRY_POINT_GROUP)
    for entry_point in sorted(entry_points, key=lambda ep: ep.name):
        distribution = entry_point.dist.name if entry_point.dist else "?"
        version = entry_point.dist.version if entry_point.dist else "?"
        try:
            plugin = entry_point.load()
            registry.add(plugin, entry_point.name, distribution, version)
        except DuplicateMethodologyError:
            raise
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            if strict:
                raise PluginError(
                    f"plugin {entry_point.name!r} ({distribution}) failed to load: {message}"
                ) from exc
            registry.broken.append(BrokenPlugin(entry_point.name, distribution, message))
    return registry
