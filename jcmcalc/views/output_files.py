"""What a command writes: printed, or written to a file atomically, never over an input."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from jcmcalc.model.errors import InputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def checked_output(output: Path, inputs: Iterable[Path]) -> None:
    """Refuse an output that is not a regular file or a new path in an existing folder, or
    that is one of the run's ``inputs`` (no output ever overwrites an input)."""
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"the folder {str(folder)!r} of the output does not exist", file=output)
    if not (output.exists() or output.is_symlink()):
        return
    if not output.is_file():
        raise InputError(
            "is not a regular file (a directory, device, pipe or broken link): write the output "
            "to a new path or over a regular file",
            file=output,
        )
    written = os.stat(output)
    for path in inputs.like(written) if isinstance(inputs, FilesUnder) else inputs:
        try:
            same = os.path.samestat(written, os.stat(path))
        except OSError:
            continue
        if same:
            raise InputError(
                f"is an input of this run ({path.name}): write the output elsewhere", file=output
            )


class FilesUnder:
    """Every file under ``folder`` (linked folders not entered, as ``Path.rglob``), listed
    only when iterated: a run's inputs, which only an output that exists is compared with."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __iter__(self) -> Iterator[Path]:
        return (Path(entry.path) for entry in self._entries(self.folder))

    def like(self, status: os.stat_result) -> Iterator[Path]:
        """Those that may be the file of ``status``: of its inode number (read with the
        listing, no status call a file), or links."""
        for entry in self._entries(self.folder):
            if entry.inode() == status.st_ino or entry.is_symlink():
                yield Path(entry.path)

    def _entries(self, folder: str | Path) -> Iterator[os.DirEntry[str]]:
        """The entries under ``folder`` but folders, top down (a folder that cannot be listed
        is skipped, as ``os.walk`` skips it)."""
        try:
            with os.scandir(folder) as listed:
                entries = list(listed)
        except OSError:
            return
        below = []
        for entry in entries:
            try:
                inside = entry.is_dir(follow_symlinks=False)
            except OSError:
                inside = False
            if inside:
                below.append(entry.path)
            else:
                yield entry
        for path in below:
            yield from self._entries(path)


Content = str | bytes | Iterator[bytes | memoryview]


def write_output(content: Content, output: Path | None, inputs: Iterable[Path] = ()) -> None:
    """Print, or write ``output`` atomically: a failed run leaves no half-written file, and no
    output replaces a device or one of the run's ``inputs`` (:func:`checked_output`). Bytes
    may come part by part (an iterator), each written as it comes."""
    if output is None:
        if not isinstance(content, str):
            sys.stdout.flush()
            for part in [content] if isinstance(content, bytes) else content:
                sys.stdout.buffer.write(part)
        else:
            sys.stdout.write(content)
        return
    import tempfile

    from jcmcalc.inputs.boundary import file_errors

    with file_errors(output):
        checked_output(output, inputs)
        directory = output.parent if str(output.parent) else Path(".")
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.")
        _replace(handle, temporary, content, output)


def _replace(handle: int, temporary: str, content: Content, output: Path) -> None:
    """Write ``content`` to the new ``temporary`` file, then move it over ``output``."""
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # as an ordinary new file, not mkstemp's 0600
        if not isinstance(content, str):
            with os.fdopen(handle, "wb") as stream:
                for part in [content] if isinstance(content, bytes) else content:
                    stream.write(part)
        else:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(content)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
