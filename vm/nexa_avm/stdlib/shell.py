"""`std.shell` — processes (S§2.9). Class process: off unless `shell = true` / `--allow-shell`."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
from typing import Any

from . import Param, Registry, StdCall

registry = Registry("shell")
OUTPUT_LIMIT = 1024 * 1024
_KEPT_ENVIRONMENT = ("PATH", "HOME", "LANG", "LC_ALL", "TERM")


def _cut(data: bytes) -> str:
    return data[:OUTPUT_LIMIT].decode("utf-8", errors="replace")


def _run(command: str, timeout: float) -> dict[str, Any]:
    environment = {k: os.environ[k] for k in _KEPT_ENVIRONMENT if k in os.environ}
    process = subprocess.Popen(
        ["/bin/sh", "-c", command],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = process.communicate()
        err = _cut(err)
        # the note goes on its own line, after whatever the command wrote to stderr
        separator = "\n" if err and not err.endswith("\n") else ""
        note = f"{separator}[nexa] the command was killed after {timeout:g} s"
        return {"stdout": _cut(out), "stderr": err + note, "returncode": -1, "success": False}
    return {
        "stdout": _cut(out),
        "stderr": _cut(err),
        "returncode": process.returncode,
        "success": process.returncode == 0,
    }


@registry.function("process", "Run a shell command", Param("command", "str"), Param("timeout", "number", 30))
async def shell_exec(call: StdCall, command: str, timeout: float) -> dict[str, Any]:
    call.check_shell()
    if timeout <= 0:
        raise call.bad_argument("timeout must be > 0")
    try:
        return await asyncio.to_thread(_run, command, float(timeout))
    except OSError as error:
        raise call.fail(f"cannot start /bin/sh: {error.strerror or error}") from None


@registry.function("process", "Find a command on PATH", Param("command", "str"))
def shell_which(call: StdCall, command: str) -> dict[str, Any]:
    call.check_shell()
    path = shutil.which(command)
    return {"command": command, "path": path, "found": path is not None}
