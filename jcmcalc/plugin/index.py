"""The index of a plugin's methodology data files: each methodology's id, version, title,
country and confidence, listed without building it, so that a command builds only the
methodologies it uses and its start-up does not grow with the data files installed.

What a data file lists is kept in a user cache (``$XDG_CACHE_HOME/jcmcalc``, else
``~/.cache/jcmcalc``; ``JCMCALC_INDEX_CACHE`` names another folder, or ``0`` turns it off)
under the blake2b hash of the file's content and of the files it includes: a changed file is
read again, an unchanged one is not read as TOML at all. A cache that cannot be read or
written only costs that read; the data files stay the only source of what is listed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import attrs

from jcmcalc.model.deferred import declaration_failed
from jcmcalc.model.errors import MethodologyError
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.parameters import Confidence
from jcmcalc.plugin.datafile import files_in, identities, load_file

#: The layout of a cache entry and the rules of :func:`~jcmcalc.plugin.datafile.identities`;
#: a new layout or rule takes a new number, so that no older entry is read.
FORMAT = 1


@attrs.frozen(eq=False)
class Listed:
    """A methodology as an index lists it; :meth:`load` builds it (a data file's) or gives it
    (one built already, by a plugin written in Python)."""

    id: str
    version: str
    title: str
    source: DataFile | Methodology = attrs.field(repr=False)
    country: str = ""
    confidence: Confidence = Confidence.READ
    programme: str = "JCM"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.programme, self.id, self.version)

    @property
    def label(self) -> str:
        return f"{self.id} ver {self.version}"

    def load(self) -> Methodology:
        if isinstance(self.source, Methodology):
            return self.source
        return self.source.get(self.key)

    @classmethod
    def of(cls, methodology: Methodology) -> Listed:
        about = methodology.about
        return cls(
            methodology.id, methodology.version, methodology.title, methodology,
            about.country, about.confidence, methodology.programme,
        )  # fmt: skip


class DataFile:
    """The methodologies of one data file, built together when one of them is first used."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.built: dict[tuple[str, str, str], Methodology] | None = None

    def listed(self, identity: dict[str, str]) -> Listed:
        return Listed(
            identity["id"], identity["version"], identity["title"], self,
            identity["country"], Confidence(identity["confidence"]),
        )  # fmt: skip

    def get(self, key: tuple[str, str, str]) -> Methodology:
        if self.built is None:
            self.built = {m.key: m for m in load_file(self.path)}
        if key not in self.built:
            raise MethodologyError(f"{self.path.name}: changed while in use: {key[1]} is gone")
        return self.built[key]


def listings(folder: Path) -> list[Listed]:
    """The methodologies of the data files of ``folder``, listed from the cache where a
    file's content is unchanged, else from its identities (the cache is then rewritten)."""
    place = cache_file(folder)
    kept = _read_cache(place)
    entries: dict[str, Any] = {}
    found: list[Listed] = []
    for path in files_in(folder):
        digest = _digest(path.read_bytes())
        entry = kept.get(path.name)
        if not _unchanged(entry, digest, folder):
            try:
                entry = _entry(path, digest)
            except MethodologyError as exc:  # BROKEN alone where the registry collects it
                if not declaration_failed(str(exc)):
                    raise
                continue
        if isinstance(entry, list):  # built while listing: the file lists no identities
            found += [Listed.of(methodology) for methodology in entry]
            continue
        entries[path.name] = entry
        data = DataFile(path)
        found += [data.listed(identity) for identity in entry["methodologies"]]
    if place is not None and entries != kept:
        _write_cache(place, entries)
    return found


def _entry(path: Path, digest: str) -> dict[str, Any] | list[Methodology]:
    read = identities(path)
    if isinstance(read, list):
        return read
    found, included = read
    hashes = {name: _digest((path.parent / name).read_bytes()) for name in included}
    return {"hash": digest, "includes": hashes, "methodologies": found}


def _unchanged(entry: Any, digest: str, folder: Path) -> bool:
    """Whether ``entry`` lists the file of hash ``digest`` and the files it includes as they
    are now."""
    try:
        if entry["hash"] != digest:
            return False
        return all(
            _digest((folder / name).read_bytes()) == kept
            for name, kept in entry["includes"].items()
        )
    except (OSError, KeyError, TypeError, AttributeError):
        return False


def _digest(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def cache_folder() -> Path | None:
    """Where indices are kept (None: nowhere, ``JCMCALC_INDEX_CACHE=0``)."""
    setting = os.environ.get("JCMCALC_INDEX_CACHE", "")
    if setting in {"0", "off"}:
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "jcmcalc"


def cache_file(folder: Path) -> Path | None:
    """The cache file of the data files of ``folder`` (one per folder, named by its path)."""
    root = cache_folder()
    name = _digest(str(folder).encode("utf-8"))
    return None if root is None else root / f"index-{FORMAT}" / f"{name}.json"


def _read_cache(place: Path | None) -> dict[str, Any]:
    """The entries kept in ``place``, by file name (none if it cannot be read)."""
    if place is None:
        return {}
    try:
        kept = json.loads(place.read_bytes())
    except (OSError, ValueError):
        return {}
    return kept if isinstance(kept, dict) else {}


def _write_cache(place: Path, entries: dict[str, Any]) -> None:
    """Replace ``place`` by ``entries`` at once (a reader sees the old file or the new one); a
    folder that cannot be written keeps no cache."""
    try:
        place.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=place.parent, prefix=f".{place.name}.")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(entries, stream)
        os.replace(temporary, place)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
