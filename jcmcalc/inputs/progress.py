"""Progress bars on a terminal (tqdm, a core dependency): shown only when stderr is a terminal
and the work lasts longer than a second, never in files, pipes or tests."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any


@contextlib.contextmanager
def bar(
    total: int | Callable[[], int] | None, *, unit: str, what: str, show: bool = True
) -> Iterator[Any]:
    """A tqdm bar over ``total`` ``unit`` on a terminal (unless not ``show``); elsewhere an
    object whose ``update`` does nothing. A callable ``total`` is counted only for a bar."""
    if not (show and sys.stderr.isatty()):
        yield _Silent()
        return
    from tqdm import tqdm

    with tqdm(
        total=total() if callable(total) else total,
        unit=unit,
        unit_scale=unit == "B",
        desc=what,
        file=sys.stderr,
        mininterval=0.5,
        delay=1.0,
        leave=False,
    ) as shown:
        yield shown


class _Silent:
    def update(self, count: int = 1) -> None:
        """Nothing to show."""

    def set_description_str(self, text: str) -> None:
        """Nothing to show."""
