"""Methodologies built without their load-time check, checked when a command first uses them
(by the plugin registry), so that a command pays only for the methodologies it uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

#: Inside :func:`checks_deferred`: the places methodologies were declared in, by key.
_PLACES: ContextVar[dict[tuple[str, str, str], str] | None] = ContextVar(
    "jcmcalc_checks_deferred", default=None
)


@contextmanager
def checks_deferred() -> Iterator[dict[tuple[str, str, str], str]]:
    """Build methodologies unchecked inside; yields where each was declared (see
    :func:`declared_in`), for the message of its check."""
    places: dict[tuple[str, str, str], str] = {}
    token = _PLACES.set(places)
    try:
        yield places
    finally:
        _PLACES.reset(token)


def deferred() -> bool:
    """Whether a methodology built now waits for its check."""
    return _PLACES.get() is not None


def declared_in(methodology: Any, place: str) -> None:
    """Note that ``methodology`` was declared in ``place`` (a file), while its check waits."""
    places = _PLACES.get()
    if places is not None:
        places[methodology.key] = place


#: Inside :func:`failures_collected`: the data files that failed to load, with the reason.
_FAILURES: ContextVar[list[str] | None] = ContextVar("jcmcalc_failures", default=None)


@contextmanager
def failures_collected() -> Iterator[list[str]]:
    """Inside, a declaration that fails to load is recorded (:func:`declaration_failed`)
    rather than raised: the registry marks it BROKEN and loads the others."""
    failures: list[str] = []
    token = _FAILURES.set(failures)
    try:
        yield failures
    finally:
        _FAILURES.reset(token)


def declaration_failed(message: str) -> bool:
    """Record ``message`` of a declaration (a data file) that failed to load; False outside
    :func:`failures_collected` (the caller raises)."""
    failures = _FAILURES.get()
    if failures is None:
        return False
    failures.append(message)
    return True
