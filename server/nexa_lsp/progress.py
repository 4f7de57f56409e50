"""A progress bar for long `--check` runs, drawn on stderr only when stderr is a terminal."""

from __future__ import annotations

import shutil
from typing import TextIO

MIN_FILES = 10  # fewer files finish before a bar would be worth reading


class Progress:
    def __init__(self, total: int, stream: TextIO, *, enabled: bool | None = None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.enabled = enabled if enabled is not None else (total >= MIN_FILES and _is_terminal(stream))

    def advance(self) -> None:
        self.done += 1
        if not self.enabled:
            return
        width = max(10, min(40, shutil.get_terminal_size().columns - 30))
        filled = width * self.done // max(self.total, 1)
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} files")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")  # erase the bar: the report follows on a clean line
            self.stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
