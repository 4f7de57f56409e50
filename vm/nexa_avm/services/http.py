"""A small HTTP/1.1 server on asyncio streams (standard library only).

It reads one request at a time per connection (keep-alive unless the client says `close`), with
limits on the request line, the headers and the body, and hands a parsed `HttpRequest` to an async
`handle` function that returns a `Response`. Chunked request bodies are answered with 411.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from .responses import REASONS, Response

MAX_LINE = 8192
MAX_HEADERS = 100
MAX_BODY = 10 * 1024 * 1024
IDLE_TIMEOUT = 15.0


@dataclass
class HttpRequest:
    method: str
    target: str
    version: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    peer: Any = None

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


class BadRequest(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


Handler = Callable[[HttpRequest], Awaitable[Response]]


class HttpServer:
    def __init__(self, handle: Handler, on_error: Callable[[BaseException], None] | None = None) -> None:
        self.handle = handle
        self.on_error = on_error
        self.server: asyncio.base_events.Server | None = None
        self.connections: set[asyncio.Task[Any]] = set()
        self.busy: set[asyncio.Task[Any]] = set()
        self.closing = False

    async def start(self, host: str, port: int) -> int:
        self.server = await asyncio.start_server(self._connection, host, port, reuse_address=True)
        return int(self.server.sockets[0].getsockname()[1])

    async def close(self, grace: float = 10.0) -> None:
        """Stop accepting, let requests in progress finish (up to `grace` seconds), close the rest."""
        self.closing = True
        if self.server is not None:
            self.server.close()
        if self.busy:
            await asyncio.wait(list(self.busy), timeout=grace)
        for task in list(self.connections):
            task.cancel()
        if self.connections:
            await asyncio.gather(*self.connections, return_exceptions=True)
        if self.server is not None:
            await self.server.wait_closed()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.connections.add(task)
        try:
            while not self.closing:
                try:
                    request = await asyncio.wait_for(self._read(reader), timeout=IDLE_TIMEOUT)
                except BadRequest as bad:
                    await self._send(writer, _plain(bad.status, str(bad)), "HTTP/1.1", head=False, close=True)
                    break
                except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
                    break
                if request is None:
                    break
                request.peer = writer.get_extra_info("peername")
                close = _wants_close(request) or self.closing
                self.busy.add(task)
                try:
                    try:
                        response = await self.handle(request)
                    except asyncio.CancelledError:
                        raise
                    except Exception as failure:  # a bug in a handler path: 500, logged
                        if self.on_error is not None:
                            self.on_error(failure)
                        response = _plain(500, "internal server error")
                    await self._send(
                        writer, response, request.version, head=request.method == "HEAD", close=close
                    )
                finally:
                    self.busy.discard(task)
                if close:
                    break
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.connections.discard(task)
            try:
                writer.close()
            except Exception:  # the socket may already be gone
                pass

    async def _read(self, reader: asyncio.StreamReader) -> HttpRequest | None:
        line = await _line(reader)
        while line == b"":  # tolerate empty lines before a request (RFC 9112 §2.2)
            line = await _line(reader)
            if line is None:
                return None
        if line is None:
            return None
        parts = line.decode("latin-1").split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise BadRequest(400, "malformed request line")
        method, target, version = parts
        headers: list[tuple[str, str]] = []
        while True:
            header = await _line(reader)
            if header is None:
                raise asyncio.IncompleteReadError(b"", None)
            if header == b"":
                break
            if len(headers) >= MAX_HEADERS:
                raise BadRequest(431, "too many header fields")
            name, sep, value = header.decode("latin-1").partition(":")
            if not sep or not name or name != name.strip():
                raise BadRequest(400, "malformed header field")
            headers.append((name, value.strip()))
        request = HttpRequest(method.upper(), target, version, headers)
        if (request.header("transfer-encoding") or "").lower() not in ("", "identity"):
            raise BadRequest(411, "chunked request bodies are not supported; send Content-Length")
        length_text = request.header("content-length")
        if length_text:
            if not length_text.isdigit():
                raise BadRequest(400, "malformed Content-Length")
            length = int(length_text)
            if length > MAX_BODY:
                raise BadRequest(413, "request body too large")
            request.body = await reader.readexactly(length)
        return request

    async def _send(
        self, writer: asyncio.StreamWriter, response: Response, version: str, *, head: bool, close: bool
    ) -> None:
        reason = REASONS.get(response.status, "Status")
        lines = [f"HTTP/1.1 {response.status} {reason}"]
        has_type = False
        for name, value in response.headers:
            if name.lower() in ("content-length", "connection"):
                continue
            has_type = has_type or name.lower() == "content-type"
            lines.append(f"{name}: {_clean(value)}")
        body = b"" if response.status in (204, 304) else response.body
        if body and not has_type:
            lines.append("Content-Type: application/octet-stream")
        if response.status not in (204, 304):
            lines.append(f"Content-Length: {len(body)}")
        if close:
            lines.append("Connection: close")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        writer.write(data if head else data + body)
        await writer.drain()


async def _line(reader: asyncio.StreamReader) -> bytes | None:
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError as partial:
        if not partial.partial:
            return None
        raise
    except asyncio.LimitOverrunError:
        raise BadRequest(431, "request line or header too long") from None
    if len(line) > MAX_LINE:
        raise BadRequest(431, "request line or header too long")
    return line.rstrip(b"\r\n")


def _wants_close(request: HttpRequest) -> bool:
    connection = (request.header("connection") or "").lower()
    if request.version == "HTTP/1.0":
        return connection != "keep-alive"
    return connection == "close"


def _clean(value: str) -> str:
    return value.replace("\r", " ").replace("\n", " ")


def _plain(status: int, text: str) -> Response:
    return Response(status, text.encode(), "text/plain; charset=utf-8")
