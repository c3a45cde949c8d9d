"""Discovery of methodology plugins through the ``jcmcalc`` entry-point group."""

from __future__ import annotations

import importlib.metadata
import traceback
from functools import cache
from typing import Any

import attrs
import pluggy

from jcmcalc.inputs.series.readings import Reader
from jcmcalc.model.declared import identity_key, normal_version
from jcmcalc.model.deferred import checks_deferred, failures_collected
from jcmcalc.model.errors import InputError, MethodologyError, PluginError, suggest
from jcmcalc.model.methodology import Methodology, check
from jcmcalc.model.parameters import Confidence, replaced_field
from jcmcalc.plugin import hookspecs
from jcmcalc.plugin.index import Listed


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
        self._identities: dict[tuple[str, tuple[int, ...]], Listed] = {}
        #: Every methodology as its plugin lists it, built when first used (:meth:`checked`).
        self._methodologies: dict[tuple[str, str, str], Listed] = {}
        self._readers: dict[str, tuple[Reader, PluginInfo]] = {}
        #: Methodologies checked so far: each is checked when first used (:meth:`checked`).
        self._checked: set[tuple[str, str, str]] = set()
        #: The records handed out, stamped with their plugin and readers (:meth:`checked`).
        self._served: dict[tuple[str, str, str], Methodology] = {}
        #: The file each methodology was declared in, where its plugin said (data files).
        self._places: dict[tuple[str, str, str], str] = {}

    def add(self, plugin: object, name: str, distribution: str, version: str) -> None:
        """Register ``plugin`` and collect its methodologies and readers (a name provided twice
        is an error)."""
        self.manager.register(plugin, name=name)
        try:
            self.manager.check_pending()
            with checks_deferred() as places, failures_collected() as failures:
                provided = [_listed(item) for item in self.call(plugin, "jcmcalc_methodologies")]
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
        seen: dict[tuple[str, tuple[int, ...]], Listed] = {}
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
        self._served.clear()  # a new reader may serve a methodology served before
        self._places.update(places)
        self.plugins.append(info)

    def call(self, plugin: object, hook: str) -> list[Any]:
        """Every item the hook ``hook`` of ``plugin`` returns (none when it does not implement
        it), called through the plugin manager."""
        others = [p for p in self.manager.get_plugins() if p is not plugin]
        caller = self.manager.subset_hook_caller(hook, remove_plugins=others)
        return [item for result in caller() for item in result]

    def provider(self, methodology: Methodology | Listed) -> PluginInfo | None:
        """The plugin providing ``methodology`` (None for a methodology it did not load)."""
        return self.providers.get(methodology.key)

    def readers(self, methodology: Methodology) -> tuple[Reader, ...]:
        """The plugin readers serving ``methodology``, by name."""
        return tuple(
            reader for _, (reader, _) in sorted(self._readers.items()) if reader.serves(methodology)
        )

    def checked(self, methodology: Methodology | Listed) -> Methodology:
        """``methodology`` (built first if listed), once :func:`~jcmcalc.model.methodology.check`
        found it consistent (a ``MethodologyError`` naming its plugin otherwise), stamped with
        the plugin providing it and the readers serving it: what every step below learns of
        the plugins."""
        if (served := self._served.get(methodology.key)) is not None:
            return served
        if isinstance(methodology, Listed):
            methodology = self._built(methodology)
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
        info = self.providers.get(methodology.key)
        with checks_deferred():  # checked above
            served = attrs.evolve(
                methodology, plugin=info.label if info else "", readers=self.readers(methodology)
            )
        self._served[methodology.key] = served
        return served

    def methodologies(self) -> list[Methodology]:
        """Every methodology, built (:meth:`complete`), that passes its check, sorted by id and
        version; those that fail are left out and recorded as BROKEN (:attr:`unusable`), never
        stopping the others."""
        self.complete()
        found = []
        for methodology in self._sorted():
            try:
                found.append(self.checked(methodology))
            except MethodologyError:
                continue
        return found

    def listed(self) -> list[Listed]:
        """Every methodology as the indices list it (none built), sorted by id and version."""
        return self._sorted()

    def complete(self, strict: bool = False) -> None:
        """Build every listed methodology now; one that fails is recorded as :meth:`_failed`
        says (with ``strict``, its error is raised instead)."""
        for listed in list(self._methodologies.values()):
            if listed.key not in self._methodologies:
                continue  # gone with its data file or its plugin
            try:
                self.build(listed)
            except Exception as exc:
                if strict:
                    raise
                self._failed(listed, exc)

    def build(self, listed: Listed) -> Methodology:
        """The methodology ``listed``, built unchecked (where it was declared is noted)."""
        with checks_deferred() as places:
            methodology = listed.load()
        self._places.update(places)
        return methodology

    def _built(self, listed: Listed) -> Methodology:
        """:meth:`build`; what fails to build is recorded (:meth:`_failed`), and the error
        says so."""
        try:
            return self.build(listed)
        except Exception as exc:
            info = self.providers[listed.key]
            broken = self._failed(listed, exc)
            if isinstance(broken, BrokenMethodology):
                raise broken.as_error() from None
            raise PluginError(
                f"methodology {listed.id!r} is in plugin {info.name!r} ({info.distribution}), "
                f"which failed to load: {broken.error}"
            ) from None

    def _failed(self, listed: Listed, exc: Exception) -> BrokenMethodology | BrokenPlugin:
        """Record that ``listed`` failed to build: a data file that fails its validation is
        BROKEN alone (its methodologies forgotten, the plugin's others usable); any other
        failure breaks the whole plugin."""
        info = self.providers[listed.key]
        if not isinstance(exc, MethodologyError):
            return self._drop(info, exc)
        for key in [k for k, m in self._methodologies.items() if m.source is listed.source]:
            gone = self._methodologies.pop(key)
            del self.providers[key]
            self._identities.pop(identity_key(gone.id, gone.version), None)
        name = str(exc).partition(":")[0]
        broken = self.unusable[name] = BrokenMethodology(name, info, str(exc))
        return broken

    def _drop(self, info: PluginInfo, exc: Exception) -> BrokenPlugin:
        """Forget the plugin ``info``, which raised ``exc``: it is now a broken plugin."""
        self.manager.unregister(name=info.name)
        self.plugins.remove(info)
        for key in [k for k, provider in self.providers.items() if provider is info]:
            listed = self._methodologies.pop(key)
            del self.providers[key]
            self._identities.pop(identity_key(listed.id, listed.version), None)
        self._readers = {k: item for k, item in self._readers.items() if item[1] is not info}
        self._served.clear()  # its readers may have served methodologies of other plugins
        trace = "".join(traceback.format_exception(exc))
        broken = BrokenPlugin(info.name, info.distribution, f"{type(exc).__name__}: {exc}", trace)
        self.broken.append(broken)
        return broken

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

    def described(self, methodologies: list[Listed] | list[Methodology]) -> str:
        """Each version with its confidence (read, or reconstructed) and the plugin providing
        it: ``1.0 (read; jcmcalc-solar-pv 1.2.0), 2.0 (reconstructed; ...)``."""
        return ", ".join(
            f"{m.version} ({'read' if _confidence(m) is Confidence.READ else 'reconstructed'}"
            f"; {info.label if (info := self.providers.get(m.key)) else 'no plugin'})"
            for m in methodologies
        )

    def mixed(self) -> dict[str, list[str]]:
        """The ids whose versions come from more than one distribution, with those."""
        found: dict[str, set[str]] = {}
        for key, info in self.providers.items():
            found.setdefault(key[1], set()).add(info.distribution)
        return {i: sorted(d) for i, d in sorted(found.items()) if len(d) > 1}

    def _sorted(self) -> list[Listed]:
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


def _confidence(methodology: Listed | Methodology) -> Confidence:
    """How much of ``methodology`` was read, as its index lists it or its record says."""
    if isinstance(methodology, Listed):
        return methodology.confidence
    return methodology.about.confidence


def _version_key(methodology: Listed) -> tuple[int, ...]:
    return normal_version(methodology.version)


def _listed(item: Listed | Methodology) -> Listed:
    """What a plugin's ``jcmcalc_methodologies`` returned, as listed: a data file's methodology
    as its index lists it, a methodology built already as it is."""
    return item if isinstance(item, Listed) else Listed.of(item)


@cache
def installed(strict: bool = False) -> Registry:
    """The plugins installed in this environment, loaded once (see :func:`load`)."""
    return load(strict=strict)


def provider_of(
    methodology: Methodology | Listed, registry: Registry | None = None
) -> PluginInfo | None:
    """The plugin providing ``methodology`` in ``registry`` (the installed plugins if None)."""
    return (registry or installed()).provider(methodology)


def provider_label(methodology: Methodology | Listed, registry: Registry | None = None) -> str:
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
    built and checked now (otherwise each data file's methodologies are listed by their index,
    and each is built and checked when a command first uses it; a data file that fails to build
    then makes its plugin broken, and :meth:`Registry.complete` builds them all).
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
                registry.complete(strict=True)
                for methodology in registry._sorted():
                    registry.checked(methodology)
                if registry.unusable:
                    raise next(iter(registry.unusable.values())).as_error()
        except DuplicateError:
            raise
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}{replaced_field(exc)}"
            if strict:
                raise PluginError(
                    f"plugin {entry_point.name!r} ({distribution}) failed to load: {message}"
                ) from exc
            trace = "".join(traceback.format_exception(exc))
            registry.broken.append(BrokenPlugin(entry_point.name, distribution, message, trace))
    return registry
