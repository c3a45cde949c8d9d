"""Byte searches over a worksheet's XML done with numpy over every ``<`` and ``:`` at once: the
searches :func:`jcmcalc.inputs.readers.xlsx_parts._quick` makes, each exactly as its plain
Python definition (``mark in data``, ``re.findall``) but several times faster on a sheet of
100,000 rows. ``tests/test_xlsx_scan.py`` checks them against those definitions."""

from __future__ import annotations

import numpy as np

#: Bytes read after each ``<`` or ``:`` (the longest mark, ``<c r="`` and a reference).
_WINDOW = 6 + 3 + 7 + 1


class Scan:
    """The bytes ``data`` of a worksheet, with the places of its ``<`` and ``:`` found once."""

    def __init__(self, data: bytes) -> None:
        self.bytes = np.frombuffer(data + bytes(_WINDOW), dtype=np.uint8)  # NUL-padded
        body = self.bytes[: len(data)]
        self._starts = {
            b"<": np.flatnonzero(body == ord("<")),
            b":": np.flatnonzero(body == ord(":")),
        }

    def _where(self, mark: bytes) -> np.ndarray:
        """The places where ``mark`` (starting with ``<`` or ``:``, no NUL byte) begins."""
        assert mark[:1] in self._starts and b"\0" not in mark and len(mark) <= _WINDOW
        places = self._starts[mark[:1]]
        for offset, byte in enumerate(mark[1:], start=1):
            places = places[self.bytes[places + offset] == byte]
        return places

    def has(self, mark: bytes) -> bool:
        """``mark in data``, for a mark starting with ``<`` or ``:`` (and no NUL byte)."""
        return len(self._where(mark)) > 0

    def references(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The row and column numbers (``B7``: 7 and 2) of the cells whose tag starts
        ``<c r="LETTERS DIGITS"`` (1 to 3 capitals, 1 to 7 digits: what
        ``re.findall(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"', data)`` finds); None unless every
        ``<c `` in the bytes starts such a tag."""
        cells = self._where(b"<c ")
        if len(cells) != len(self._where(b'<c r="')):
            return None
        text = np.lib.stride_tricks.sliding_window_view(self.bytes, _WINDOW - 6)[cells + 6]
        capital = (text >= ord("A")) & (text <= ord("Z"))
        digit = (text >= ord("0")) & (text <= ord("9"))
        letters = np.argmin(capital, axis=1)  # the first place that is no capital
        after = np.arange(text.shape[1])[None, :] >= letters[:, None]
        ends = np.argmax(after & ~digit, axis=1)  # then the first that is no digit
        count = ends - letters
        whole = text[np.arange(len(text)), ends] == ord('"')
        if not np.all((letters >= 1) & (letters <= 3) & (count >= 1) & (count <= 7) & whole):
            return None
        numbers = np.zeros(len(text), dtype=np.int64)
        columns = np.zeros(len(text), dtype=np.int64)
        for place in range(10):  # Horner's rule, a place at a time (3 letters, 7 digits)
            code = text[:, place].astype(np.int64)
            columns = np.where(place < letters, columns * 26 + code - 64, columns)
            inside = (place >= letters) & (place < ends)
            numbers = np.where(inside, numbers * 10 + code - ord("0"), numbers)
        return numbers, columns
