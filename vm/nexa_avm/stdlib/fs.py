"""`std.fs` — files (S§2.1). Class fs-read for reads, probes and listings; fs-write for the rest."""

from __future__ import annotations

import glob
import os

from . import Param, Registry, StdCall

registry = Registry("fs")
READ_LIMIT = 10 * 1024 * 1024


def _decode(call: StdCall, data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise call.bad_argument(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError:
        raise call.fail(f"'{path}' is not {encoding} text", path=path) from None


def _encode(call: StdCall, text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding)
    except LookupError:
        raise call.bad_argument(f"unknown encoding {encoding!r}") from None
    except UnicodeEncodeError:
        raise call.fail(f"the content cannot be encoded as {encoding}") from None


@registry.function(
    "fs-read", "Read a whole text file", Param("path", "str"), Param("encoding", "str", "utf-8")
)
def file_read(call: StdCall, path: str, encoding: str) -> str:
    full = call.readable(path)
    if os.path.isdir(full):
        raise call.fail(f"'{path}' is a directory", path=path)
    try:
        with open(full, "rb") as handle:
            data = handle.read(READ_LIMIT + 1)
    except FileNotFoundError:
        raise call.fail(f"no such file '{path}'", path=path) from None
    except OSError as error:
        raise call.fail(f"cannot read '{path}': {error.strerror or error}", path=path) from None
    if len(data) > READ_LIMIT:
        raise call.fail(f"'{path}' is larger than 10 MiB", path=path)
    return _decode(call, data, encoding, path)


def _write(call: StdCall, path: str, content: str, encoding: str, mode: str) -> dict[str, object]:
    full = call.writable(path)
    data = _encode(call, content, encoding)
    if os.path.isdir(full):
        raise call.fail(f"'{path}' is a directory", path=path)
    try:
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, mode) as handle:
            handle.write(data)
    except OSError as error:
        raise call.fail(f"cannot write '{path}': {error.strerror or error}", path=path) from None
    return {"path": path, "chars": len(content)}


@registry.function(
    "fs-write",
    "Write text to a file, replacing it; missing parent folders are created",
    Param("path", "str"),
    Param("content", "str"),
    Param("encoding", "str", "utf-8"),
)
def file_write(call: StdCall, path: str, content: str, encoding: str) -> dict[str, object]:
    return _write(call, path, content, encoding, "wb")


@registry.function(
    "fs-write",
    "Append text to a file, creating it if absent",
    Param("path", "str"),
    Param("content", "str"),
    Param("encoding", "str", "utf-8"),
)
def file_append(call: StdCall, path: str, content: str, encoding: str) -> dict[str, object]:
    return _write(call, path, content, encoding, "ab")


@registry.function("fs-read", "Whether a file or directory exists", Param("path", "str"))
def file_exists(call: StdCall, path: str) -> dict[str, object]:
    full = call.readable(path)
    return {"exists": os.path.exists(full), "path": path}


@registry.function(
    "fs-read",
    "List the files of a directory matching a glob pattern (** recurses)",
    Param("directory", "str"),
    Param("pattern", "str", "*"),
)
def file_list(call: StdCall, directory: str, pattern: str) -> dict[str, object]:
    full = call.readable(directory)
    if not os.path.isdir(full):
        raise call.fail(f"'{directory}' is not a directory", path=directory)
    names = [
        name for name in glob.glob(pattern, root_dir=full, recursive=True) if _listable(call, full, name)
    ]
    prefix = directory.rstrip("/") if directory not in ("", "/") else directory
    files = sorted(f"{prefix}/{name}" if prefix else name for name in names)
    return {"files": files, "count": len(files)}


def _listable(call: StdCall, root: str, name: str) -> bool:
    """A match is listed only when the directory holding it is readable: a pattern with `..` or a
    symbolic link must not reveal names outside the allow-lists (S§0.3, S§2.1)."""
    from ..sandbox import Denied

    try:
        call.sandbox.readable(os.path.dirname(os.path.join(root, name)), call.name)
    except Denied:
        return False
    return True


@registry.function("fs-write", "Delete a file", Param("path", "str"))
def file_delete(call: StdCall, path: str) -> dict[str, object]:
    full = call.writable(path)
    if os.path.isdir(full):
        raise call.fail(f"'{path}' is a directory", path=path)
    try:
        os.remove(full)
    except FileNotFoundError:
        raise call.fail(f"no such file '{path}'", path=path) from None
    except OSError as error:
        raise call.fail(f"cannot delete '{path}': {error.strerror or error}", path=path) from None
    return {"deleted": path}
