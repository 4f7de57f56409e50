"""A small HTTP/1.1 client over asyncio streams: one POST, its status, headers and body.

Why not http.client: its blocking reads cannot be cancelled when an agent's `timeout` fires, and a
streamed reply would need a thread per request. One connection per request (`Connection: close`)
keeps the client small; a model call lasts seconds, so a saved handshake would not matter.
Bodies may come with Content-Length, chunked transfer coding, or run until the server closes.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

READ_SIZE = 65536
MAX_ERROR_BODY = 1 << 20  # enough for any error document; a larger one is cut


class TransportError(Exception):
    """The exchange failed below HTTP: no connection, a broken or truncated response."""


@dataclass
class HttpResponse:
    status: int
    reason: str
    headers: Mapping[str, str]  # names lower-cased
    _reader: asyncio.StreamReader = field(repr=False)
    _writer: asyncio.StreamWriter = field(repr=False)

    async def body_chunks(self) -> AsyncIterator[bytes]:
        """The body's bytes as they arrive, with the transfer coding removed."""
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            async for piece in self._chunked():
                yield piece
            return
        length = self.headers.get("content-length")
        if length is not None and length.strip().isdigit():
            remaining = int(length)
            while remaining > 0:
                piece = await self._reader.read(min(READ_SIZE, remaining))
                if not piece:
                    raise TransportError("the connection closed before the end of the body")
                remaining -= len(piece)
                yield piece
            return
        while piece := await self._reader.read(READ_SIZE):
            yield piece

    async def _chunked(self) -> AsyncIterator[bytes]:
        while True:
            size_line = await self._read_line()
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise TransportError(f"bad chunk size {size_line[:40]!r}") from None
            if size == 0:
                while await self._read_line():  # trailer fields, up to the blank line
                    pass
                return
            try:
                piece = await self._reader.readexactly(size)
            except asyncio.IncompleteReadError:
                raise TransportError("the connection closed inside a chunk") from None
            await self._read_line()
            yield piece

    async def _read_line(self) -> bytes:
        line = await self._reader.readline()
        if not line.endswith(b"\n"):
            raise TransportError("the connection closed in the middle of the response")
        return line.rstrip(b"\r\n")

    async def read_body(self, limit: int = 64 << 20) -> bytes:
        collected = bytearray()
        async for piece in self.body_chunks():
            collected += piece
            if len(collected) > limit:
                break
        return bytes(collected[:limit])

    async def close(self) -> None:
        self._writer.close()
        with suppress(OSError, ssl.SSLError, asyncio.CancelledError):
            await self._writer.wait_closed()


async def post(url: str, body: bytes, headers: Mapping[str, str]) -> HttpResponse:
    """Send `body` to `url` and return once the status line and headers have arrived."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise TransportError(f"'{url}' is not an http:// or https:// URL")
    is_tls = parts.scheme == "https"
    host = parts.hostname
    port = parts.port or (443 if is_tls else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = f"[{host}]" if ":" in host else host
    if parts.port:
        host_header += f":{parts.port}"

    try:
        reader, writer = await asyncio.open_connection(
            host, port, ssl=ssl.create_default_context() if is_tls else None
        )
    except (OSError, ssl.SSLError) as error:
        raise TransportError(f"cannot connect to {host}:{port}: {_describe(error)}") from None

    lines = [
        f"POST {target} HTTP/1.1",
        f"Host: {host_header}",
        f"Content-Length: {len(body)}",
        "Connection: close",
        "Accept-Encoding: identity",  # no decompression needed on our side
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    try:
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        status, reason, response_headers = await _read_head(reader)
    except (OSError, ssl.SSLError, asyncio.IncompleteReadError) as error:
        writer.close()
        raise TransportError(f"the connection to {host}:{port} failed: {_describe(error)}") from None
    except BaseException:
        writer.close()
        raise
    return HttpResponse(status, reason, response_headers, reader, writer)


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, str, dict[str, str]]:
    while True:
        status_line = await reader.readline()
        if not status_line:
            raise TransportError("the server closed the connection without answering")
        pieces = status_line.decode("latin-1").strip().split(" ", 2)
        if len(pieces) < 2 or not pieces[0].startswith("HTTP/") or not pieces[1].isdigit():
            raise TransportError(f"not an HTTP response: {status_line[:60]!r}")
        headers: dict[str, str] = {}
        while True:
            line = await reader.readline()
            if not line.endswith(b"\n"):
                raise TransportError("the connection closed inside the response headers")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        status = int(pieces[1])
        if status >= 200:
            return status, pieces[2] if len(pieces) > 2 else "", headers
        # 1xx interim responses (100 Continue) are followed by the real one.


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__
