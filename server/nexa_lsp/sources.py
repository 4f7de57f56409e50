"""The files `nexa-lsp --check` reads: finding them, reading them safely, writing fixes back.

Bad input is never a traceback: a path that cannot be checked becomes a `SourceProblem` with one
line saying why, and the run goes on with the other files.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nexa_lang.positions import LineIndex, Unit

SOURCE_SUFFIXES = (".nx", ".nxlib")
STDIN = "-"
STDIN_NAME = "<stdin>"
MAX_FILE_BYTES = 10 * 1024 * 1024  # a 10 MB Nexa program is already far beyond any real one
SKIPPED_DIRECTORIES = {"node_modules", "__pycache__"}  # and every directory starting with "."


@dataclass(frozen=True)
class SourcePath:
    """A file to check: `shown` is the name as the user wrote it (output uses it), `path` the file
    on disk (None for standard input)."""

    shown: str
    path: Path | None

    @property
    def is_stdin(self) -> bool:
        return self.path is None


@dataclass(frozen=True)
class SourceProblem:
    shown: str
    reason: str
    at: tuple[int, int] | None = None  # line and column the reason is about, when it has one

    def line(self) -> str:
        where = f"{self.shown}:{self.at[0]}:{self.at[1]}" if self.at else self.shown
        return f"nexa-lsp: {where}: {self.reason}"


def discover(arguments: list[str]) -> tuple[list[SourcePath], list[SourceProblem]]:
    """The files named by `arguments` (files, folders searched recursively for .nx/.nxlib, `-`)."""
    found: list[SourcePath] = []
    problems: list[SourceProblem] = []
    seen: set[str] = set()
    for argument in arguments:
        if argument == STDIN:
            found.append(SourcePath(STDIN_NAME, None))
            continue
        path = Path(argument)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            problems.append(SourceProblem(argument, "no such file or directory"))
            continue
        except OSError as error:
            problems.append(SourceProblem(argument, _reason(error)))
            continue
        if stat.S_ISDIR(mode):
            for file in _walk(path, problems, argument):
                relative = os.path.relpath(file, path)
                shown = (
                    relative if os.path.normpath(argument) == os.curdir else os.path.join(argument, relative)
                )
                _add(found, seen, SourcePath(shown, file))
        else:
            _add(found, seen, SourcePath(argument, path))
    return found, problems


def _add(found: list[SourcePath], seen: set[str], source: SourcePath) -> None:
    key = os.path.realpath(source.path) if source.path else source.shown
    if key not in seen:
        seen.add(key)
        found.append(source)


def _walk(root: Path, problems: list[SourceProblem], shown_root: str) -> Iterator[Path]:
    def on_error(error: OSError) -> None:
        shown = (
            os.path.join(shown_root, os.path.relpath(error.filename, root)) if error.filename else shown_root
        )
        problems.append(SourceProblem(shown, _reason(error)))

    for directory, subdirectories, files in os.walk(root, onerror=on_error):
        subdirectories[:] = sorted(
            d for d in subdirectories if not d.startswith(".") and d not in SKIPPED_DIRECTORIES
        )
        for name in sorted(files):
            if name.endswith(SOURCE_SUFFIXES):
                yield Path(directory) / name


def _reason(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    return error.strerror.lower() if error.strerror else str(error)


@dataclass(frozen=True)
class SourceText:
    source: SourcePath
    data: bytes  # exactly as read (fixes are written back to these bytes)
    text: str


def read_source(source: SourcePath, max_bytes: int = MAX_FILE_BYTES) -> SourceText | SourceProblem:
    """The decoded text of `source`, or the one-line reason it cannot be checked."""
    try:
        if source.path is None:
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            if source.path.is_dir():
                return SourceProblem(source.shown, "is a directory")
            size = source.path.stat().st_size
            if size > max_bytes:
                return SourceProblem(source.shown, _too_large(size, max_bytes))
            with source.path.open("rb") as handle:
                data = handle.read(max_bytes + 1)
    except OSError as error:
        return SourceProblem(source.shown, _reason(error))
    return decode_source(source, data, max_bytes)


def decode_source(
    source: SourcePath, data: bytes, max_bytes: int = MAX_FILE_BYTES
) -> SourceText | SourceProblem:
    if len(data) > max_bytes:
        return SourceProblem(source.shown, _too_large(len(data), max_bytes))
    if not data.strip():
        return SourceProblem(source.shown, "empty file; nothing to check")
    if b"\0" in data:
        return SourceProblem(source.shown, "not a text file (it contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = LineIndex(data).position(error.start, Unit.CODEPOINT, line_base=1, column_base=1)
        byte = data[error.start]
        return SourceProblem(
            source.shown,
            f"not valid UTF-8 (byte 0x{byte:02x} at line {line}, column {column}); Nexa source is UTF-8",
        )
    return SourceText(source, data, text)


def _too_large(size: int, limit: int) -> str:
    return f"file too large to check ({size / 1048576:.1f} MB; the limit is {limit / 1048576:.0f} MB)"


def write_atomically(path: Path, text: str, expected: bytes, what: str = "fixes") -> str | None:
    """Replace `path`'s contents with `text` if the file still holds `expected`; None on success,
    else the reason, which names `what` is written (`--fix`'s fixes, `--format`'s text). The new
    text goes to a temporary file beside it that replaces the original in one step, so a crash
    never leaves a half-written file and a concurrent edit is never lost."""
    path = path.resolve()  # through a symbolic link: replace the file, not the link
    try:
        if path.read_bytes() != expected:
            return f"the file changed while it was being read; {what} not written"
        mode = stat.S_IMODE(path.stat().st_mode)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(text.encode("utf-8"))
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, mode)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        return f"cannot write {what} ({_reason(error)})"
    return None
