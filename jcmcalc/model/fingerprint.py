"""Fingerprints of declarations: the SHA-256 of a canonical serialisation.

The serialisation is JSON (sorted keys, no spaces, UTF-8) of the record as plain data: an
attrs record becomes an object of its fields and its class name, a mapping a list of
``[key, value]`` pairs sorted by the key's serialisation, a tuple or list a list, a number an
exact string (``3/10``), an enum its value, an expression term the same, a function its
module and qualified name. Any change to a declaration (an equation, a bound, a default table's
row or source) changes its fingerprint; the same declaration gives the same one on every run.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import attrs


def plain(value: Any) -> Any:
    """``value`` as JSON-serialisable data, canonically (see the module's docstring)."""
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, int | Fraction):
        return f"{value.numerator}/{value.denominator}" if isinstance(value, Fraction) else value
    if attrs.has(type(value)):
        fields = {
            f.name: plain(getattr(value, f.name))
            for f in attrs.fields(type(value))
            if f.metadata.get("declared", True)
        }
        return {"@": type(value).__qualname__, **fields}
    if isinstance(value, Mapping):
        pairs = [[plain(k), plain(v)] for k, v in value.items()]
        return sorted(pairs, key=lambda pair: json.dumps(pair[0], sort_keys=True))
    if isinstance(value, tuple | list | frozenset | set):
        items = [plain(item) for item in value]
        return sorted(items, key=json.dumps) if isinstance(value, frozenset | set) else items
    if isinstance(value, Callable):
        return f"{value.__module__}.{getattr(value, '__qualname__', repr(value))}"
    return repr(value)


def fingerprint(value: Any) -> str:
    """The SHA-256 (hex) of the canonical serialisation of ``value``."""
    text = json.dumps(plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
