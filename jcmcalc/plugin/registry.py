"""Discovery of methodology plugins through the ``jcmcalc`` entry-point group."""

from __future__ import annotations

import importlib.metadata
import traceback
from functools import cache
from typing import Any

import attrs
import pluggy

from jcmcalc.inputs import sources
from jcmcalc.inputs.series.readings import Reader
from jcmcalc.model import faults
from jcmcalc.model.declared import identity_key, normal_version
from jcmcalc.model.deferred import checks_deferred, failures_collected
from jcmcalc.model.errors import InputError, MethodologyError, PluginError, suggest
from jcmcalc.model.methodology import Methodology, check
from jcmcalc.model.parameters import Confidence
from jcmcalc.plugin import hookspecs


class DuplicateError(PluginError):
    """Two plugins provide the same methodology or the same reader name."""


class DuplicateMethodologyError(DuplicateError):
    """Two plugins provide the same (programme, id, version)."""


@attrs.frozen
class PluginInfo:
    """An installed plugin: its entry-point name, distribution and version."""

    name: str
    distribution: str
    version: str
    methodologies: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.distribution} {self.version}"


@attrs.frozen
class BrokenPlugin:
    """A plugin that failed to load, with the error it raised and its traceback."""

    name: str
    distribution: str
    error: str
    trace: str = ""

    @property
    def message(self) -> str:
        return f"plugin {self.name!r} ({self.distribution}) failed to load: {self.error}"


@attrs.frozen
class BrokenMethodology:
    """A methodology (or a data file) of a loaded plugin that failed its validation: it is
    listed as BROKEN with the reason, the plugin's other methodologies stay usable."""

    name: str
    plugin: PluginInfo
    error: str

    @property
    def message(self) -> str:
        return (
            f"plugin {self.plugin.name!r} ({self.plugin.distribution}) failed to load "
            f"{self.name}: {self.error}"
        )

    #: No traceback: the error names the file and the declaration.
    trace = ""

    def as_error(self) -> MethodologyError:
        return MethodologyError(f"{self.error} (plugin {self.plugin.name!r}, {self.plugin.label})")


class Registry:
    """The methodologies and readers of every loaded plugin, and which plugin provides each.

    Hooks are called through the plugin manager, one plugin at a time as it is added, so that
    what a plugin provides is known to come from it.
    """

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self.manager = manager
        self.plugins: list[PluginInfo] = []
        self.broken: list[BrokenPlugin] = []
        #: Methodologies and data files of loaded plugins that failed validation, by name.
        self.unusable: dict[str, BrokenMethodology] = {}
        #: The plugin providing each methodology, by (programme, id, version).
        self.providers: dict[tuple[str, str, str], PluginInfo] = {}
        #: The methodology of each identity (id without case, normalised version).
        self._identities: dict[tuple[str, tuple[int, ...]], Methodology] = {}
        self._methodologies: dict[tuple[str, str, str], Methodology] = {}
        self._readers: dict[str, tuple[Reader, PluginInfo]] = {}
        #: Methodologies checked so far: each is checked when first used (:meth:`checked`).
        self._checked: set[tuple[str, str, str]] = set()
        #: The file each methodology was declared in, where its plugin said (data files).
        self._places: dict[tuple[str, str, str], str] = {}

    def add(self, plugin: object, name: str, distribution: str, version: str) -> None:
        """Register ``plugin`` and collect its methodologies and readers (a name provided twice
        is an error)."""
        self.manager.register(plugin, name=name)
        try:
            self.manager.check_pending()
            with checks_deferred() as places, failures_collected() as failures:
                provided = self.call(plugin, "jcmcalc_methodologies")
            readers = self.call(plugin, "jcmcalc_readers")
            for item in readers:
                if not isinstance(item, Reader):
                    raise PluginError(f"jcmcalc_readers returned {item!r}, not a Reader")
        except Exception:
            self.manager.unregister(plugin)
            raise
        info = PluginInfo(name, distribution, version, tuple(m.label for m in provided))
        for failure in failures:
            file = failure.partition(":")[0]
            self.unusable[file] = BrokenMethodology(file, info, failure)
        seen: dict[tuple[str, tuple[int, ...]], Methodology] = {}
        for methodology in provided:
            identity = identity_key(methodology.id, methodology.version)
            other = self._identities.get(identity) or seen.get(identity)
            seen[identity] = methodology
            if other is not None:
                existing = self.providers.get(other.key, info)
                raise DuplicateMethodologyError(
                    f"methodology {methodology.label} is provided twice: by plugin "
                    f"{existing.distribution!r} (as {other.label}) and by plugin "
                    f"{distribution!r} (as {methodology.label}); ids are compared without "
                    "regard to case and versions as numbers"
                )
        for reader in readers:
            if reader.name in self._readers:
                raise DuplicateError(
                    f"monitoring reader {reader.name!r} is provided twice: by plugin "
                    f"{self._readers[reader.name][1].distribution!r} and by plugin "
                    f"{distribution!r}"
                )
        for methodology in provided:
            self._methodologies[methodology.key] = methodology
            self.providers[methodology.key] = info
        self._identities |= seen
        self._readers.update({reader.name: (reader, info) for reader in readers})
        self._places.update(places)
        self.plugins.append(info)

    def call(self, plugin: object, hook: str) -> list[Any]:
        """Every item the hook ``hook`` of ``plugin`` returns (none when it does not implement
        it), called through the plugin manager."""
        others = [p for p in self.manager.get_plugins() if p is not plugin]
        caller = self.manager.subset_hook_caller(hook, remove_plugins=others)
        return [item for result in caller() for item in result]

    def provider(self, methodology: Methodology) -> PluginInfo | None:
        """The plugin providing ``methodology`` (None for a methodology it did not load)."""
        return self.providers.get(methodology.key)

    def readers(self, methodology: Methodology) -> tuple[Reader, ...]:
        """The plugin readers serving ``methodology``, by name."""
        return tuple(
            reader for _, (reader, _) in sorted(self._readers.items()) if reader.serves(methodology)
        )

    def checked(self, methodology: Methodology) -> Methodology:
        """``methodology``, once :func:`~jcmcalc.model.methodology.check` found it consistent
        (a ``MethodologyError`` naming its plugin otherwise)."""
        if methodology.key not in self._checked:
            try:
                check(methodology)
            except MethodologyError as exc:
                info = self.providers.get(methodology.key)
                plugin = f" (plugin {info.name!r}, {info.label})" if info else ""
                place = self._places.get(methodology.key)
                message = f"{place}: {exc}{plugin}" if place else f"{exc}{plugin}"
                if info is not None:
                    self.unusable[methodology.label] = BrokenMethodology(
                        methodology.label, info, f"{place}: {exc}" if place else str(exc)
                    )
                raise MethodologyError(message) from None
            self._checked.add(methodology.key)
        return methodology

    def methodologies(self) -> list[Methodology]:
        """Every methodology that passes its check, sorted by id and version; those that fail
        are left out and recorded as BROKEN (:attr:`unusable`), never stopping the others."""
        found = []
        for methodology in self._sorted():
            try:
                found.append(self.checked(methodology))
            except MethodologyError:
                continue
        return found

    def versions(self, methodology_id: str) -> list[str]:
        """The installed versions of ``methodology_id``, oldest first (none checked)."""
        wanted = methodology_id.casefold()
        return [m.version for m in self._sorted() if m.id.casefold() == wanted]

    def latest(self, methodology_id: str) -> Methodology:
        """The latest installed version of ``methodology_id``, checked (what ``show`` shows
        when no version is named; a project must name one where several are installed)."""
        wanted = methodology_id.casefold()
        candidates = [m for m in self._sorted() if m.id.casefold() == wanted]
        return self.get(methodology_id, candidates[-1].version if candidates else None)

    def described(self, methodologies: list[Methodology]) -> str:
        """Each version with its confidence (read, or reconstructed) and the plugin providing
        it: ``1.0 (read; jcmcalc-solar-pv 1.2.0), 2.0 (reconstructed; ...)``."""
        return ", ".join(
            f"{m.version} ({'read' if m.about.confidence is Confidence.READ else 'reconstructed'}"
            f"; {info.label if (info := self.providers.get(m.key)) else 'no plugin'})"
            for m in methodologies
        )

    def mixed(self) -> dict[str, list[str]]:
        """The ids whose versions come from more than one distribution, with those."""
        found: dict[str, set[str]] = {}
        for key, info in self.providers.items():
            found.setdefault(key[1], set()).add(info.distribution)
        return {i: sorted(d) for i, d in sorted(found.items()) if len(d) > 1}

    def _sorted(self) -> list[Methodology]:
        return sorted(self._methodologies.values(), key=lambda m: (m.id, _version_key(m)))

    def get(self, methodology_id: str, version: str | None = None) -> Methodology:
        """The methodology ``methodology_id`` at ``version``, checked; with no version, the one
        installed (several: an :class:`InputError` listing them, never the latest by default)."""
        wanted = methodology_id.casefold()
        candidates = [m for m in self._sorted() if m.id.casefold() == wanted]
        if not candidates:
            ids = sorted({m.id for m in self._methodologies.values()})
            for unusable in self.unusable.values():
                if methodology_id.casefold() in unusable.error.casefold():
                    raise unusable.as_error()
            for broken in self.broken:
                if methodology_id in broken.error:
                    raise PluginError(
                        f"methodology {methodology_id!r} is in plugin {broken.name!r} "
                        f"({broken.distribution}), which failed to load: {broken.error}"
                    )
            broken = "".join(f"; {b.message}" for b in self.broken)
            raise InputError(
                f"unknown methodology {methodology_id!r}{suggest(methodology_id, ids)}; "
                f"`jcmcalc methodologies` lists the installed ones{broken}",
                parameter="methodology.id",
            )
        if version is None:
            if len(candidates) > 1:
                raise InputError(
                    f"{methodology_id}: no version named, and {len(candidates)} are installed: "
                    f'{self.described(candidates)}; name one (version = "..." under '
                    f"[methodology] of a project file, {methodology_id}@VERSION in a table's "
                    "methodology column): a version is never chosen for you",
                    parameter="methodology.version",
                )
            return self.checked(candidates[0])
        for methodology in candidates:
            if normal_version(methodology.version) == normal_version(version):
                return self.checked(methodology)
        known = ", ".join(m.version for m in candidates)
        raise InputError(
            f"{methodology_id} has no version {version!r} (installed: {known})",
            parameter="methodology.version",
        )


def _version_key(methodology: Methodology) -> tuple[int, ...]:
    return normal_version(methodology.version)


@cache
def installed(strict: bool = False) -> Registry:
    """The plugins installed in this environment, loaded once (see :func:`load`). Fault
    messages name the plugins of this registry, and its readers read monitoring files."""
    registry = load(strict=strict)
    faults.name_providers(lambda key: info.label if (info := registry.providers.get(key)) else "")
    sources.use_readers(registry.readers)
    return registry


def provider_of(methodology: Methodology, registry: Registry | None = None) -> PluginInfo | None:
    """The plugin providing ``methodology`` in ``registry`` (the installed plugins if None)."""
    return (registry or installed()).provider(methodology)


def provider_label(methodology: Methodology, registry: Registry | None = None) -> str:
    """``"distribution version"`` of the plugin providing ``methodology`` ("" if none does)."""
    info = provider_of(methodology, registry)
    return info.label if info else ""


def new_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    return manager


def load(strict: bool = False) -> Registry:
    """Load every plugin of the ``jcmcalc`` entry-point group.

    A plugin that fails to import or to register is recorded in ``Registry.broken`` and
    skipped; with ``strict`` it raises :class:`PluginError` instead, and every methodology is
    checked now (otherwise each is checked when a command first uses it).
    """
    registry = Registry(new_manager())
    entry_points = importlib.metadata.entry_points(group=hookspecs.ENTRY_POINT_GROUP)
    for entry_point in sorted(entry_points, key=lambda ep: ep.name):
        distribution = entry_point.dist.name if entry_point.dist else "?"
        version = entry_point.dist.version if entry_point.dist else "?"
        try:
            plugin = entry_point.load()
            registry.add(plugin, entry_point.name, distribution, version)
            if strict:
                for methodology in registry._sorted():
                    registry.checked(methodology)
                if registry.unusable:
                    raise next(iter(registry.unusable.values())).as_error()
        except DuplicateError:
            raise
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            if strict:
                raise PluginError(
                    f"plugin {entry_point.name!r} ({distribution}) failed to load: {message}"
                ) from exc
            trace = "".join(traceback.format_exception(exc))
            registry.broken.append(BrokenPlugin(entry_point.name, distribution, message, trace))
    return registry
