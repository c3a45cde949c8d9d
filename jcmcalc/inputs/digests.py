"""SHA-256 of every input file, taken from the very bytes that were parsed.

:func:`jcmcalc.run.pipeline.prepare` reads a project inside :func:`recording`; each reader that
holds a file's bytes calls :func:`note` with them (the project file and CSV files through
:func:`jcmcalc.inputs.project.read_bytes`), so a file that changes during the run cannot be
credited under the hash of another version of it. A reader that does not hold the bytes (a
plugin's reader) leaves the file to :func:`digest_of`, which hashes it when the provenance is
written; a Parquet file read in blocks is hashed beside the reading and recorded if it did not
change meanwhile. Each digest is what ``sha256sum FILE`` prints.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path

import attrs

from jcmcalc.model.errors import InputError

_CHUNK = 1 << 20


@attrs.frozen
class Digest:
    """The SHA-256 (hex) and size in bytes of one input file."""

    sha256: str
    size: int


_recorded: ContextVar[dict[Path, Digest] | None] = ContextVar("recorded", default=None)


@contextlib.contextmanager
def recording() -> Iterator[dict[Path, Digest]]:
    """Within the block, the digests of the files read are collected in the dict yielded."""
    found: dict[Path, Digest] = {}
    token = _recorded.set(found)
    try:
        yield found
    finally:
        _recorded.reset(token)


def note(path: Path, data: bytes | Digest) -> None:
    """Record the digest of ``data``, the bytes of ``path`` a reader parsed (or their digest,
    from a reader that hashed them while streaming). The same file read again with other
    bytes changed during the run: bad input."""
    found = _recorded.get()
    if found is None:
        return
    if not isinstance(data, Digest):
        data = Digest(hashlib.sha256(data).hexdigest(), len(data))
    digest = data
    before = found.setdefault(path, digest)
    if before != digest:
        raise InputError("changed while jcmcalc was reading it: run again", file=path)


def digest_of(path: Path, recorded: Mapping[Path, Digest]) -> Digest:
    """The digest of ``path`` recorded when it was read, else of its bytes now."""
    if path in recorded:
        return recorded[path]
    if not path.is_file():
        what = "a directory, not a file" if path.is_dir() else "not found"
        raise InputError(f"input file {what}", file=path)
    found = hashed(path)
    assert found is not None  # never stopped
    return found


def hashed(path: Path, stop: threading.Event | None = None) -> Digest | None:
    """The digest of the bytes of ``path``, read a chunk at a time (None: ``stop`` was set
    before the end)."""
    digest, size = hashlib.sha256(), 0
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                if stop is not None and stop.is_set():
                    return None
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise InputError(f"cannot read it to hash it: {exc.strerror}", file=path) from None
    return Digest(digest.hexdigest(), size)


def combined(files: Mapping[str, Digest]) -> str:
    """The SHA-256 of the lines ``sha256sum`` prints for ``files`` (path -> digest) in order:
    ``sha256sum FILE... | sha256sum`` run in the project's folder gives the same."""
    lines = "".join(f"{digest.sha256}  {path}\n" for path, digest in files.items())
    return hashlib.sha256(lines.encode()).hexdigest()
