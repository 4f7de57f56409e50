"""The sandbox of the Agent VM (S§0.3): which files, hosts, processes and host code a run may touch.

One `Sandbox` per run, built from the `[sandbox]` section of the configuration and the `nexa run`
flags (`--allow-read PATH`, `--allow-write PATH`, `--allow-net HOST`, `--allow-shell`,
`--allow-python`, `--approve-all`, and the editor's `--allow ENTRY` with ENTRY one of `python`,
`shell`, `approve-all`, `read:PATH`, `write:PATH`, `net:HOST`). Flags add to the lists of the file.

Every check either returns what was allowed (a resolved path, a host) or raises `Denied`, which the
callers turn into E402 (`ToolError` for std and tool calls, `RuntimeError` for `python!`). The
message is diagnostics.md's: `{action} denied: {reason}; allow it with {flag} or [sandbox] {key}`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any


class Denied(Exception):
    """A refusal by the sandbox or an approval (E402); `message` is the full diagnostic text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _denied(action: str, reason: str, flag: str, key: str) -> Denied:
    return Denied(f"{action} denied: {reason}; allow it with {flag} or [sandbox] {key}")


class SandboxConfig:
    """Plain data (picklable, kept in the bytecode cache): allow-list entries already absolute."""

    def __init__(
        self,
        fs_read: list[str] | None = None,
        fs_write: list[str] | None = None,
        net: list[str] | None = None,
        shell: bool = False,
        python: bool = False,
        auto_approve: bool = False,
    ) -> None:
        self.fs_read = fs_read if fs_read is not None else []
        self.fs_write = fs_write if fs_write is not None else []
        self.net = net if net is not None else []
        self.shell = shell
        self.python = python
        self.auto_approve = auto_approve

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SandboxConfig) and vars(self) == vars(other)

    def __repr__(self) -> str:
        return f"SandboxConfig({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


def config_from_settings(settings: Any) -> SandboxConfig:
    """The `[sandbox]` section of nexa_lang's `Settings`; paths made absolute against the file's folder."""
    section = settings.sandbox
    root = str(settings.root) if settings.root is not None else os.getcwd()
    return SandboxConfig(
        fs_read=[_absolute(p, root) for p in section.fs_read],
        fs_write=[_absolute(p, root) for p in section.fs_write],
        net=list(section.net),
        shell=section.shell,
        python=section.python,
        auto_approve=section.auto_approve,
    )


def _absolute(path: str, base: str) -> str:
    return os.path.normpath(os.path.join(base, os.path.expanduser(path)))


class FlagError(ValueError):
    pass


def apply_flags(
    config: SandboxConfig,
    *,
    read: Sequence[str] = (),
    write: Sequence[str] = (),
    net: Sequence[str] = (),
    allow: Sequence[str] = (),
    shell: bool = False,
    python: bool = False,
    approve_all: bool = False,
) -> SandboxConfig:
    """Add the command-line flags to a configuration; CLI paths are relative to the working directory."""
    cwd = os.getcwd()
    result = SandboxConfig(
        list(config.fs_read),
        list(config.fs_write),
        list(config.net),
        config.shell or shell,
        config.python or python,
        config.auto_approve or approve_all,
    )
    reads, writes, hosts = list(read), list(write), list(net)
    for entry in allow:
        if entry == "python":
            result.python = True
        elif entry == "shell":
            result.shell = True
        elif entry == "approve-all":
            result.auto_approve = True
        elif entry.startswith("read:") and len(entry) > 5:
            reads.append(entry[5:])
        elif entry.startswith("write:") and len(entry) > 6:
            writes.append(entry[6:])
        elif entry.startswith("net:") and len(entry) > 4:
            hosts.append(entry[4:])
        else:
            raise FlagError(
                "invalid configuration value for '--allow': expected python, shell, approve-all,"
                f" read:PATH, write:PATH or net:HOST, found '{entry}'"
            )
    result.fs_read += [_absolute(p, cwd) for p in reads]
    result.fs_write += [_absolute(p, cwd) for p in writes]
    result.net += hosts
    return result


def _resolved(path: str) -> str:
    return os.path.realpath(path)


def _is_below(path: str, entry: str) -> bool:
    """Whole-component comparison: `/a/out` allows `/a/out/x`, not `/a/outbox`."""
    if path == entry:
        return True
    return path.startswith(entry.rstrip(os.sep) + os.sep)


class Sandbox:
    """The checks of one run."""

    def __init__(self, config: SandboxConfig | None = None, program_dir: str | None = None) -> None:
        self.config = config or SandboxConfig()
        self.read_entries = [_resolved(p) for p in self.config.fs_read + self.config.fs_write]
        self.write_entries = [_resolved(p) for p in self.config.fs_write]
        self.program_dir = _resolved(program_dir) if program_dir else None

    @property
    def allows_python(self) -> bool:
        return self.config.python

    @property
    def allows_shell(self) -> bool:
        return self.config.shell

    @property
    def auto_approve(self) -> bool:
        return self.config.auto_approve

    # --- files -------------------------------------------------------------------------------

    def readable(self, path: str, action: str) -> str:
        """The resolved absolute path, if `path` may be read (fs-read)."""
        full = _resolved(os.path.join(os.getcwd(), os.path.expanduser(path)))
        if any(_is_below(full, entry) for entry in self.read_entries):
            return full
        raise _denied(action, f"{full} is outside the read allow-list", "--allow-read", "fs_read")

    def writable(self, path: str, action: str) -> str:
        full = _resolved(os.path.join(os.getcwd(), os.path.expanduser(path)))
        if any(_is_below(full, entry) for entry in self.write_entries):
            return full
        raise _denied(action, f"{full} is outside the write allow-list", "--allow-write", "fs_write")

    def asset(self, path: str, action: str) -> str:
        """asset-read: inside the program directory, else as fs-read."""
        full = _resolved(path)
        if self.program_dir is not None and _is_below(full, self.program_dir):
            return full
        return self.readable(full, action)

    # --- network -----------------------------------------------------------------------------

    def check_url(self, url: str, action: str) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise Denied(f"{action} denied: only http:// and https:// URLs may be fetched, not {url!r}")
        host = (parts.hostname or "").lower()
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise Denied(f"{action} denied: malformed URL {url!r}") from None
        if host and host_allowed(host, port, self.config.net):
            return
        shown = f"{host}:{port}" if parts.port else host
        raise _denied(action, f"host {shown} is not in the net allow-list", "--allow-net", "net")

    # --- processes and host code --------------------------------------------------------------

    def check_shell(self, action: str) -> None:
        if not self.config.shell:
            raise _denied(action, "starting processes is off", "--allow-shell", "shell")

    def check_python(self, action: str) -> None:
        if not self.config.python:
            raise _denied(action, "running host Python code is off", "--allow-python", "python")


def host_allowed(host: str, port: int, entries: Iterable[str]) -> bool:
    """S§0.3's host rule: exact host, or `*.suffix` (one or more labels before it); `:port` pins the port."""
    for raw in entries:
        entry = raw.strip().lower()
        entry_port: int | None = None
        if entry.startswith("[") and "]" in entry:  # [v6]:port
            inner, _, rest = entry[1:].partition("]")
            entry = inner
            if rest.startswith(":") and rest[1:].isdigit():
                entry_port = int(rest[1:])
        elif entry.count(":") == 1:
            name, _, number = entry.partition(":")
            if number.isdigit():
                entry, entry_port = name, int(number)
        if entry_port is not None and entry_port != port:
            continue
        entry = _idna(entry[2:], "*.") if entry.startswith("*.") else _idna(entry, "")
        if entry.startswith("*."):
            suffix = entry[1:]
            if host.endswith(suffix) and len(host) > len(suffix):
                return True
        elif host == entry:
            return True
    return False


def _idna(name: str, prefix: str) -> str:
    try:
        return prefix + name.encode("idna").decode("ascii")
    except UnicodeError:
        return prefix + name
