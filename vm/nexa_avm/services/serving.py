"""Serving a program's `server` declarations (L§7.2 step 5, `nexa serve`) until SIGINT/SIGTERM.

Each server listens on its number; a named server on `NEXA_PORT`, else 8080 (D20). `--port`
replaces the first server's port (0 picks a free one). The address of each listening server is
written to stderr as `nexa: serving http://HOST:PORT/ (server NAME)`. On a signal the servers stop
accepting, finish the requests in progress, and the run shuts down as usual (L§7.2 step 6)."""

from __future__ import annotations

import asyncio
import os
import signal
import traceback
from typing import TYPE_CHECKING, TextIO

from .http import HttpServer
from .server import ServerApp

if TYPE_CHECKING:
    from ..interpreter import Interpreter


def port_of(spec_port: int | None) -> int:
    if spec_port is not None:
        return spec_port
    text = os.environ.get("NEXA_PORT", "")
    return int(text) if text.isdigit() else 8080


async def serve(
    vm: Interpreter, *, port: int | None, host: str, stderr: TextIO, stop: asyncio.Event | None = None
) -> int:
    stop = stop or asyncio.Event()
    services = vm.services
    started: list[HttpServer] = []

    def log_failure(failure: BaseException) -> None:
        stderr.write(f"nexa: internal error while answering a request: {type(failure).__name__}: {failure}\n")
        if vm.log_internal:
            traceback.print_exception(failure, file=stderr)

    try:
        for index, spec in enumerate(vm.program.servers):
            app = ServerApp(vm, services, spec)
            http = HttpServer(app.handle, log_failure)
            wanted = port if (port is not None and index == 0) else port_of(spec.port)
            try:
                actual = await http.start(host, wanted)
            except OSError as error:
                stderr.write(f"nexa: cannot listen on {host}:{wanted}: {error.strerror or error}\n")
                return 1
            started.append(http)
            name = spec.name or str(spec.port)
            shown = f"[{host}]" if ":" in host else host
            stderr.write(f"nexa: serving http://{shown}:{actual}/ (server {name})\n")
        stderr.flush()
        loop = asyncio.get_running_loop()
        installed = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, stop.set)
                installed.append(signum)
            except (NotImplementedError, RuntimeError, ValueError):
                pass
        try:
            await stop.wait()
        finally:
            for signum in installed:
                loop.remove_signal_handler(signum)
        stderr.write("nexa: stopping the servers\n")
        stderr.flush()
    finally:
        for http in started:
            await http.close()
    return 0
