"""DAP base protocol: `Content-Length` framed JSON messages over a byte stream.

A `Connection` reads on a thread of its own (so that a request such as `pause` is seen while the VM
is busy, and so that a blocking `input()` can be answered, see `session.ConsoleInput`) and hands
each message to the event loop; writes may come from either thread and are serialized by a lock.
Sequence numbers of outgoing messages are given here, once.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any, BinaryIO

Message = dict[str, Any]


class ProtocolError(Exception):
    """The byte stream is not a sequence of DAP messages."""


def read_message(stream: BinaryIO) -> Message | None:
    """The next message, or None at the end of the stream."""
    length: int | None = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.rstrip(b"\r\n")
        if not line:
            if length is None:
                continue  # stray blank line between messages
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                length = int(value.strip())
            except ValueError:
                raise ProtocolError(f"bad Content-Length header: {line!r}") from None
    body = b""
    while len(body) < length:
        chunk = stream.read(length - len(body))
        if not chunk:
            return None
        body += chunk
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ProtocolError(f"a message body is not JSON: {error}") from None
    if not isinstance(message, dict):
        raise ProtocolError("a message is not a JSON object")
    return message


def encode_message(message: Message) -> bytes:
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class Connection:
    """One client: `send_*` from any thread; `start(on_message, on_close)` runs the reader thread."""

    def __init__(self, reader: BinaryIO, writer: BinaryIO) -> None:
        self.reader = reader
        self.writer = writer
        self._lock = threading.Lock()
        self._seq = 0
        self.closed = False

    def send(self, message: Message) -> None:
        with self._lock:
            if self.closed:
                return
            self._seq += 1
            message["seq"] = self._seq
            try:
                self.writer.write(encode_message(message))
                self.writer.flush()
            except (OSError, ValueError):
                self.closed = True

    def send_event(self, event: str, body: Message | None = None) -> None:
        message: Message = {"type": "event", "event": event}
        if body is not None:
            message["body"] = body
        self.send(message)

    def send_response(
        self, request: Message, body: Message | None = None, *, error: str | None = None
    ) -> None:
        response: Message = {
            "type": "response",
            "request_seq": request.get("seq", 0),
            "command": request.get("command", ""),
            "success": error is None,
        }
        if error is not None:
            response["message"] = error
            response["body"] = {"error": {"id": 1, "format": error, "showUser": True}}
        elif body is not None:
            response["body"] = body
        self.send(response)

    def start(
        self,
        on_message: Callable[[Message], None],
        on_close: Callable[[], None],
        on_bad_input: Callable[[str], None],
    ) -> threading.Thread:
        def loop() -> None:
            try:
                while True:
                    try:
                        message = read_message(self.reader)
                    except ProtocolError as error:
                        on_bad_input(str(error))
                        continue
                    except (OSError, ValueError):
                        break
                    if message is None:
                        break
                    on_message(message)
            finally:
                on_close()

        thread = threading.Thread(target=loop, name="nexa-dap-reader", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        with self._lock:
            self.closed = True
