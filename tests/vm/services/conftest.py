"""Fixtures for the service tests: `served(file, *options)` starts the real `nexa serve` in its own
process on 127.0.0.1 with a free port and yields a client; the server is stopped with SIGTERM."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Served:
    process: subprocess.Popen[str]
    port: int
    log: list[str] = field(default_factory=list)

    def request(
        self, method: str, path: str, body: str | bytes | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read().decode("utf-8")
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            connection.close()

    def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        return self.request("GET", path, headers=headers)

    def stop(self) -> tuple[int, str]:
        """SIGTERM, then the exit code and everything the server wrote to stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        return code, "".join(self.log)


ServeFixture = Callable[..., Any]


@contextmanager
def start_server(cwd: Path, file: str, *options: str, command: str = "serve") -> Iterator[Served]:
    """The installed `nexa` command serving `file` from `cwd` on a free port; killed on exit if
    the test did not stop it."""
    executable = Path(sys.executable).with_name("nexa")
    env = {k: v for k, v in os.environ.items() if k not in ("NEXA_PROVIDER", "NEXA_TRACE", "NEXA_PORT")}
    process = subprocess.Popen(
        [str(executable), command, file, "--port", "0", *options],
        cwd=cwd,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        env=env,
    )
    try:
        assert process.stderr is not None
        log: list[str] = []
        port = None
        for line in process.stderr:
            log.append(line)
            if line.startswith("nexa: serving http://127.0.0.1:"):
                port = int(line.split(":")[3].split("/")[0])
                break
        if port is None:
            process.wait(timeout=30)
            raise AssertionError("the server did not start:\n" + "".join(log))
        stream = process.stderr
        reader = threading.Thread(target=lambda: log.extend(stream), daemon=True)
        reader.start()
        yield Served(process, port, log)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


@pytest.fixture
def served(tmp_path: Path) -> ServeFixture:
    """`with served("app.nx", *options, command="serve") as server:` in the test's folder."""

    def serve(file: str, *options: str, command: str = "serve") -> Any:
        return start_server(tmp_path, file, *options, command=command)

    return serve


@pytest.fixture(scope="session")
def server_starter() -> Callable[..., Any]:
    """`start_server` for fixtures of a wider scope than `served`."""
    return start_server
