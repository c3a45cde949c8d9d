"""What the Dask engine checks before it connects or reads: the scheduler's address, and a
table's text (the refusals of the numpy engine, before the workers read it)."""

from __future__ import annotations

import codecs
import socket
from pathlib import Path
from urllib.parse import urlsplit

from jcmcalc.model.errors import InputError

#: The protocols of Dask's comms that reach another machine (``inproc`` is in-process only).
SCHEMES = ("tcp", "tls", "ucx", "ws", "wss")
#: How long a connection to a scheduler may take before it is given up, in seconds.
SECONDS = 10
CONNECT_TIMEOUT = f"{SECONDS}s"
_EXAMPLE = "give the scheduler's address, such as tcp://host:8786"


def scheduler_address(text: str) -> str:
    """``text`` as a Dask address ``scheme://host:port`` (``host:port`` is ``tcp://``), or an
    :class:`InputError` saying what is wrong with it, before anything connects."""
    if not text.strip():
        raise InputError(f"--scheduler {text!r}: {_EXAMPLE}")
    written = text.strip() if "://" in text else f"tcp://{text.strip()}"
    try:
        parts = urlsplit(written)
        port = parts.port
    except ValueError as exc:
        raise InputError(f"--scheduler {text!r}: {exc}; {_EXAMPLE}") from None
    if parts.scheme not in SCHEMES:
        hint = " (that is a web address, such as the dashboard's)" if "http" in parts.scheme else ""
        raise InputError(
            f"--scheduler {text!r}: the protocol {parts.scheme!r}{hint} is not one of Dask's "
            f"({', '.join(SCHEMES)}); {_EXAMPLE}"
        )
    if not parts.hostname:
        raise InputError(f"--scheduler {text!r}: no host; {_EXAMPLE}")
    if port is None or port == 0:
        raise InputError(f"--scheduler {text!r}: no port; {_EXAMPLE}")
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise InputError(f"--scheduler {text!r}: an address has no path; {_EXAMPLE}")
    return written


def answers(address: str) -> None:
    """Refuse a ``tcp://`` address where nothing answers as a Dask scheduler does within
    :data:`SECONDS`: a scheduler speaks first (its handshake: a frame count of 8 bytes), a web
    server waits for a request, an unroutable address does not connect. (Dask's own timeout
    covers the connection, not a peer that accepts and stays silent.)"""
    parts = urlsplit(address)
    if parts.scheme != "tcp":
        return
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=SECONDS) as peer:
            first = peer.recv(8)
    except TimeoutError:
        first = None
    except OSError as exc:
        raise InputError(f"cannot reach the Dask scheduler {address!r}: {exc}") from None
    if not first:
        raise InputError(
            f"cannot reach the Dask scheduler {address!r}: nothing answered there within "
            f"{CONNECT_TIMEOUT} as a Dask scheduler does"
        )
    if first.startswith(b"HTTP") or int.from_bytes(first.ljust(8, b"\0"), "little") > 1 << 32:
        raise InputError(
            f"cannot reach the Dask scheduler {address!r}: what answers there is no Dask "
            f"scheduler (it began {first!r})"
        )


def utf8_text(path: Path) -> None:
    """Refuse a CSV table that is not UTF-8, as the numpy engine does (row and byte named),
    reading it in blocks."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    offset = rows = 0
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"not UTF-8 text (byte {offset + exc.start}): save the file as UTF-8",
                    file=path,
                    row=rows + block.count(b"\n", 0, max(exc.start, 0)) + 1,
                ) from None
            offset, rows = offset + len(block), rows + block.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise InputError(
                f"not UTF-8 text (byte {offset}): save the file as UTF-8", file=path, row=rows + 1
            ) from None
