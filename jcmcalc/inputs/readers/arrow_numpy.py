"""Arrow arrays of numbers and times as numpy arrays, read from their buffers.

pyarrow's own ``to_numpy`` imports pandas (about 0.2 s) the first time it runs, even for an
array of float64 without an empty cell; these read the same values without it. A type they do
not know goes to pyarrow's ``to_numpy``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def values(array: Any) -> np.ndarray:
    """The values of an arrow array, a chunked array or a Parquet column of integers, floats,
    timestamps or dates, as a numpy array of the same type (a date as ``datetime64[D]``; a
    timestamp's zone left out: its UTC instant). An empty cell holds whatever the buffer holds:
    take it out through :func:`valid`."""
    import pyarrow as pa

    if not isinstance(array, pa.Array):
        parts = [values(chunk) for chunk in chunks(array)]
        return np.concatenate(parts) if parts else array.to_numpy()
    kind = array.type
    start = array.offset
    if pa.types.is_boolean(kind):
        return _bits(array.buffers()[1], start, len(array))
    dtype = _dtype(kind)
    if dtype is None:
        return array.to_numpy(zero_copy_only=False)
    found = np.frombuffer(array.buffers()[1], dtype[0], start + len(array))[start:]
    if pa.types.is_date32(kind):
        return found.astype(np.int64).view("datetime64[D]")
    return found.view(dtype[1]) if dtype[1] else found


def unscaled(array: Any) -> np.ndarray | None:
    """The unscaled integers of a ``decimal128`` array or chunked array as int64 (``1.50`` of
    scale 2 is 150), each value's low 64 bits; None when a value does not fit them (arrow's CSV
    reader can rescale a value beyond its type's precision). An empty cell holds whatever the
    buffer holds: take it out through :func:`valid`."""
    import pyarrow as pa

    if not isinstance(array, pa.Array):
        parts = [unscaled(chunk) for chunk in chunks(array)]
        if any(part is None for part in parts):
            return None
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    assert pa.types.is_decimal128(array.type)
    words = np.frombuffer(array.buffers()[1], "<i8", 2 * (array.offset + len(array)))
    low, high = words[2 * array.offset :: 2], words[2 * array.offset + 1 :: 2]
    fits = high == (low >> 63)  # the high word only extends the low word's sign
    if not fits.all() and not fits[valid(array)].all():
        return None
    return low


def taken(array: Any, positions: np.ndarray) -> Any:
    """``array.take(positions)`` with the positions handed over as an arrow array made from
    their buffer (arrow makes one of a numpy array through pandas, importing it)."""
    import pyarrow as pa

    positions = np.ascontiguousarray(positions, dtype=np.int64)
    return array.take(
        pa.Array.from_buffers(pa.int64(), len(positions), [None, pa.py_buffer(positions)])
    )


def valid(array: Any) -> np.ndarray:
    """Which cells of an arrow array or chunked array hold a value."""
    import pyarrow as pa

    if not isinstance(array, pa.Array):
        return np.concatenate([valid(chunk) for chunk in chunks(array)] or [np.zeros(0, bool)])
    if not array.null_count:
        return np.ones(len(array), dtype=bool)
    return _bits(array.buffers()[0], array.offset, len(array))


def _bits(buffer: Any, start: int, count: int) -> np.ndarray:
    """``count`` bits of an arrow bitmap from bit ``start``, as booleans."""
    bits = np.unpackbits(np.frombuffer(buffer, np.uint8), bitorder="little")
    return bits[start : start + count].astype(bool)


def chunks(column: Any) -> Any:
    """The arrays of a chunked array, or of a Parquet column read one row group at a time."""
    pieces = getattr(column, "pieces", None)
    return pieces() if callable(pieces) else column.chunks


def _dtype(kind: Any) -> tuple[str, str] | None:
    """The numpy type of an arrow type's data buffer, and the view to take of it ("": none)."""
    import pyarrow as pa

    width = kind.bit_width // 8 if hasattr(kind, "bit_width") else 0
    if pa.types.is_floating(kind):
        return f"<f{width}", ""
    if pa.types.is_signed_integer(kind):
        return f"<i{width}", ""
    if pa.types.is_unsigned_integer(kind):
        return f"<u{width}", ""
    if pa.types.is_timestamp(kind):
        return "<i8", f"datetime64[{kind.unit}]"
    if pa.types.is_date32(kind):
        return "<i4", ""  # days (made dates in :func:`values`)
    if pa.types.is_date64(kind):
        return "<i8", "datetime64[ms]"
    return None
