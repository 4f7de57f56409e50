"""Attaching: `nexa run --debug-port N` serves DAP for its own run on 127.0.0.1:N, and `nexa-dap`'s
`attach {host, port}` connects to it and forwards the session.

The program side waits for one debugger before it runs (stderr says where), runs under it, and goes
on without hooks if the debugger disconnects. Output goes to the process's own streams and, as
`output` events, to the debugger.

The adapter side answers `initialize` itself, then, on `attach`, sends the target the client's
`initialize` (its response is dropped) and the `attach` request, and from then on forwards every
message both ways unchanged (outgoing sequence numbers are given by the adapter's connection).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import threading
from typing import TYPE_CHECKING, TextIO

from .protocol import Connection, Message, ProtocolError, encode_message, read_message

if TYPE_CHECKING:
    from ..interpreter import Interpreter
    from .session import Session


class Proxy:
    def __init__(self, session: Session, sock: socket.socket) -> None:
        self.session = session
        self.sock = sock
        self.reader = sock.makefile("rb")
        self.writer = sock.makefile("wb")
        self.lock = threading.Lock()
        self.dropped_seq: int | None = None
        self.terminated = False

    @classmethod
    async def connect(cls, session: Session, host: str, port: int, wait: float = 5.0) -> Proxy:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            try:
                sock = await loop.run_in_executor(
                    None, lambda: socket.create_connection((host, port), timeout=2)
                )
                sock.settimeout(None)
                return cls(session, sock)
            except OSError:
                if loop.time() >= deadline:
                    raise
                await asyncio.sleep(0.1)

    def start(self, initialize: Message | None, attach: Message) -> None:
        first = dict(initialize or {"type": "request", "command": "initialize", "arguments": {}})
        first["seq"] = -1
        self.dropped_seq = -1
        self._write(first)
        self._write(attach)
        threading.Thread(target=self._pump, name="nexa-dap-attach", daemon=True).start()

    def _write(self, message: Message) -> None:
        with self.lock:
            try:
                self.writer.write(encode_message(message))
                self.writer.flush()
            except OSError:
                pass

    def to_target(self, message: Message) -> None:
        self._write(message)

    def _pump(self) -> None:
        conn = self.session.conn
        try:
            while True:
                try:
                    message = read_message(self.reader)
                except (ProtocolError, OSError, ValueError):
                    break
                if message is None:
                    break
                if message.get("type") == "response" and message.get("request_seq") == self.dropped_seq:
                    continue
                if message.get("type") == "event" and message.get("event") == "terminated":
                    self.terminated = True
                message.pop("seq", None)
                conn.send(message)
        finally:
            if not self.terminated:
                conn.send_event("terminated")
            self.session.loop.call_soon_threadsafe(self.session.finished.set)


def serve_run(vm: Interpreter, args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """`nexa run --debug-port N`: wait for one debugger on 127.0.0.1:N, run under it, return the
    exit code of the run (L§7.2)."""
    from .session import serve

    port = int(args.debug_port)
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        server.bind(("127.0.0.1", port))
    except OSError as error:
        stderr.write(f"nexa: cannot listen on 127.0.0.1:{port}: {error.strerror or error}\n")
        return 2
    server.listen(1)
    stderr.write(f"nexa: waiting for a debugger on 127.0.0.1:{server.getsockname()[1]}\n")
    stderr.flush()
    client, _ = server.accept()
    server.close()
    conn = Connection(client.makefile("rb"), client.makefile("wb"))

    async def main() -> int:
        session = await serve(conn, attached_vm=vm, attached_options=args, tee=(stdout, stderr))
        if session.run_task is not None:
            try:
                await session.run_task
            except asyncio.CancelledError:
                return 1
            return session.exit_code if session.exit_code is not None else 1
        # The debugger left before the run started: run without it.
        from ..cli import run_program

        vm.step_hook = None
        vm.error_hook = None
        return await run_program(vm, args, stdout, stderr)

    try:
        return asyncio.run(main())
    finally:
        conn.close()
        client.close()
        sys.stdout.flush()
