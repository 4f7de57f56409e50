"""`--check --watch`: check again whenever a checked file (or a configuration file) changes.

Polling, twice a second: it needs no platform file-watching API, and a stat of each file costs
little next to a check. Ctrl-C ends the watch with exit code 0.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from nexa_lsp.sources import discover

POLL_SECONDS = 0.5
CONFIG_NAMES = ("nexa.toml", "pyproject.toml")


def snapshot(arguments: list[str], extra: list[Path]) -> dict[str, tuple[int, int]]:
    """(modification time, size) of every file the arguments name now, and of `extra` files."""
    sources, _ = discover([a for a in arguments if a != "-"])
    state: dict[str, tuple[int, int]] = {}
    for path in [s.path for s in sources if s.path is not None] + extra:
        try:
            info = os.stat(path)
        except OSError:
            continue
        state[str(path)] = (info.st_mtime_ns, info.st_size)
    return state


def watch(
    arguments: list[str], check_once: Callable[[], object], config_files: Callable[[], list[Path]]
) -> int:
    """Run `check_once` now and after every change, until interrupted."""
    # Ctrl-C is how a watch ends, even when the shell that started us ignores SIGINT (a command
    # started with `&` in a script does): Python then leaves SIGINT ignored unless told otherwise.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        # The state is taken before each check, so that a change made while checking is seen by the
        # next poll (a fix written by the check itself costs one more, quiet, check).
        state = snapshot(arguments, config_files())
        check_once()
        while True:
            time.sleep(POLL_SECONDS)
            current = snapshot(arguments, config_files())
            if current != state:
                state = current
                check_once()
    except KeyboardInterrupt:
        return 0
