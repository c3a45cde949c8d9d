"""Text for a terminal, neutralised: control characters written as escapes.

A project name, a methodology title or a submitted member id may hold an escape sequence
(``S1\\x1b[8A\\x1b[J`` moves the cursor up and erases the lines above) or a bidirectional
override that reorders what a reader sees. Everything the command line writes as text, to
standard output and standard error, goes through :func:`escaped`: C0 controls but the tab and
the line feed, DEL, C1 controls and the bidirectional controls are written as Python escapes
(``\\x1b``, ``\\r``, ``\\u202e``). A file written with ``-o`` keeps the exact text; binary
output (a workbook) is not text and passes unchanged.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escaped(text: str) -> str:
    """``text`` with every control character of the module's docstring as its escape."""
    return _CONTROLS.sub(lambda found: ascii(found.group())[1:-1], text)


def one_line(text: str) -> str:
    """User text inside a line: its line breaks as escapes too (no forged line)."""
    return escaped(text).replace("\n", "\\n")


class _Escaping:
    """A text stream that writes through :func:`escaped`; everything else is the stream's."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escaped(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def neutralised() -> Iterator[None]:
    """Standard output and standard error written through :func:`escaped` meanwhile."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Escaping(out), _Escaping(err)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
