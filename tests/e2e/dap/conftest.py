"""A small DAP client of our own, driving the real `nexa-dap` over stdio.

`DapClient` frames messages with Content-Length, numbers requests, and keeps every event it
receives; `request` waits for the matching response, `event` for the next event of a kind (after
those already consumed), with bounded waits everywhere.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

NEXA_DAP = str(Path(sys.executable).with_name("nexa-dap"))
TIMEOUT = 30.0

Message = dict[str, Any]


class DapClient:
    def __init__(self, command: list[str], cwd: Path) -> None:
        env = dict(os.environ)
        env.pop("NEXA_PROVIDER", None)
        env.pop("NEXA_TRACE", None)
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
        )
        self.seq = itertools.count(1)
        self.responses: dict[int, Message] = {}
        self.events: list[Message] = []
        self.consumed: dict[str, int] = {}
        self.condition = threading.Condition()
        self.closed = False
        self.stderr_lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    # --- wire ----------------------------------------------------------------------------------

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        try:
            while True:
                length = None
                while True:
                    line = stream.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.partition(b":")
                    if name.lower() == b"content-length":
                        length = int(value)
                assert length is not None
                body = stream.read(length)
                message = json.loads(body)
                with self.condition:
                    if message.get("type") == "response":
                        self.responses[message["request_seq"]] = message
                    else:
                        self.events.append(message)
                    self.condition.notify_all()
        finally:
            with self.condition:
                self.closed = True
                self.condition.notify_all()

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr_lines.append(line.decode("utf-8", "replace"))

    def send_raw(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, command: str, arguments: Message | None = None) -> int:
        seq = next(self.seq)
        message: Message = {"seq": seq, "type": "request", "command": command}
        if arguments is not None:
            message["arguments"] = arguments
        body = json.dumps(message).encode("utf-8")
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        return seq

    def response(self, seq: int, timeout: float = TIMEOUT) -> Message:
        deadline = time.monotonic() + timeout
        with self.condition:
            while seq not in self.responses:
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    raise AssertionError(
                        f"no response to request {seq}; stderr:\n{''.join(self.stderr_lines)}"
                    )
                self.condition.wait(left)
            return self.responses.pop(seq)

    def request(self, command: str, arguments: Message | None = None, timeout: float = TIMEOUT) -> Message:
        """The response's body; fails when the response is not a success."""
        response = self.response(self.send(command, arguments), timeout)
        assert response["success"], f"{command} failed: {response.get('message')}"
        assert response["command"] == command
        return response.get("body") or {}

    def failing(self, command: str, arguments: Message | None = None) -> Message:
        response = self.response(self.send(command, arguments))
        assert not response["success"], f"{command} unexpectedly succeeded"
        return response

    def event(
        self, name: str, accept: Callable[[Message], bool] = lambda _: True, timeout: float = TIMEOUT
    ) -> Message:
        """The next event called `name` (events are consumed in order, per name) that `accept` likes."""
        deadline = time.monotonic() + timeout
        with self.condition:
            while True:
                start = self.consumed.get(name, 0)
                for index in range(start, len(self.events)):
                    event = self.events[index]
                    if event.get("event") != name:
                        continue
                    self.consumed[name] = index + 1
                    if accept(event):
                        return event.get("body") or {}
                self.consumed[name] = len(self.events)
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    seen = [e.get("event") for e in self.events]
                    raise AssertionError(
                        f"no '{name}' event (saw {seen}); stderr:\n{''.join(self.stderr_lines)}"
                    )
                self.condition.wait(left)

    def output(self, category: str | None = None) -> str:
        with self.condition:
            return "".join(
                e["body"]["output"]
                for e in self.events
                if e.get("event") == "output" and (category is None or e["body"].get("category") == category)
            )

    def wait_output(self, text: str, timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output():
            if time.monotonic() > deadline:
                raise AssertionError(f"output never contained {text!r}: {self.output()!r}")
            time.sleep(0.01)

    # --- sessions ------------------------------------------------------------------------------

    def initialize(self, **arguments: Any) -> Message:
        return self.request(
            "initialize", {"adapterID": "nexa", "linesStartAt1": True, "columnsStartAt1": True, **arguments}
        )

    def launch(
        self, program: Path | str, *, breakpoints: dict[int, Message] | None = None, **attributes: Any
    ) -> None:
        """initialize, launch, set line breakpoints in `program` (line -> extra fields), configurationDone."""
        self.initialize()
        self.request("launch", {"program": str(program), **attributes})
        self.event("initialized")
        if breakpoints:
            self.set_breakpoints(program, breakpoints)
        self.request("configurationDone")

    def set_breakpoints(self, program: Path | str, breakpoints: dict[int, Message]) -> list[Message]:
        body = self.request(
            "setBreakpoints",
            {
                "source": {"path": str(program)},
                "breakpoints": [{"line": line, **extra} for line, extra in breakpoints.items()],
            },
        )
        return body["breakpoints"]

    def stopped(self, reason: str | None = None, timeout: float = TIMEOUT) -> Message:
        body = self.event("stopped", timeout=timeout)
        if reason is not None:
            assert body["reason"] == reason, body
        return body

    def top(self, thread_id: int) -> Message:
        return self.request("stackTrace", {"threadId": thread_id})["stackFrames"][0]

    def where(self, stopped: Message) -> tuple[str, int]:
        frame = self.top(stopped["threadId"])
        return frame["name"], frame["line"]

    def locals(self, thread_id: int, scope: str = "Locals") -> dict[str, str]:
        frame = self.top(thread_id)
        scopes = self.request("scopes", {"frameId": frame["id"]})["scopes"]
        ref = next(s["variablesReference"] for s in scopes if s["name"] == scope)
        return {
            v["name"]: v["value"] for v in self.request("variables", {"variablesReference": ref})["variables"]
        }

    def evaluate(self, thread_id: int, expression: str, context: str = "watch") -> Message:
        frame = self.top(thread_id)
        return self.request(
            "evaluate", {"expression": expression, "frameId": frame["id"], "context": context}
        )

    def finish(self) -> int | None:
        """Wait for terminated; the exit code of the exited event, if any."""
        self.event("terminated")
        with self.condition:
            exited = [e for e in self.events if e.get("event") == "exited"]
        return exited[-1]["body"]["exitCode"] if exited else None

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.response(self.send("disconnect", {}), timeout=5)
            except (AssertionError, OSError):
                pass
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@pytest.fixture
def dap(tmp_path: Path) -> Iterator[Callable[..., DapClient]]:
    """`dap()` starts `nexa-dap` (stdio) in tmp_path; every client is closed after the test."""
    clients: list[DapClient] = []

    def start(*extra: str, cwd: Path | None = None) -> DapClient:
        client = DapClient([NEXA_DAP, *extra], cwd or tmp_path)
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.close()


@pytest.fixture
def program(tmp_path: Path) -> Callable[..., Path]:
    """`program(source, name="main.nx")` writes a Nexa file into tmp_path and returns its path."""

    def write(source: str, name: str = "main.nx") -> Path:
        path = tmp_path / name
        path.write_text(source, encoding="utf-8")
        return path

    return write


@pytest.fixture
def line_of() -> Callable[[Path, str], int]:
    """`line_of(path, marker)`: the 1-based line of the first line of `path` containing `marker`."""

    def find(path: Path, marker: str) -> int:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if marker in text:
                return number
        raise AssertionError(f"{marker!r} not in {path}")

    return find


@pytest.fixture
def nexa_dap() -> str:
    """The `nexa-dap` command of this environment."""
    return NEXA_DAP
