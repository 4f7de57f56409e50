"""The sandbox's versions of the WASI preview 1 calls that cross the boundary.

wasmtime's own WASI implementation does the real work and is what confines the tool: a tool only
ever sees its preopened directories (read-only unless declared writable) and no sockets. These
wrappers, defined over it in the shared linker, add what the sandbox has to *see* and *count*:

* `fd_write` on fd 1 collects the result up to `max_output_bytes`, fd 2 keeps the first 64 KiB of
  stderr; writes to files (`fd_write`, `fd_pwrite`, `fd_filestat_set_size`, `fd_allocate`) share a
  budget of `max_output_bytes`;
* the `path_*` calls refuse the empty root preopen (a path outside the tool's preopens) and report
  the refusals wasmtime makes (a write below a read-only preopen, a `..` escape) as E402;
* `sock_*` are refused as E402.

A breach records a `ToolError` on the call's `CallState`, answers the guest with an errno, and stops
the tool: the store's epoch deadline is set to "now", so the guest traps at its next wasm function
entry, and a wrapped call made after the breach raises `Halted` (a trap). `WasmTool.run` reports
the recorded error whatever way the guest ended.
"""

from __future__ import annotations

import ctypes
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import wasmtime
from wasmtime import _ffi  # the C API types (wasmtime_memory_t)

from nexa_avm.wasm import capi
from nexa_avm.wasm.errors import ToolError, access_denied, limit_reached, trapped
from nexa_avm.wasm.limits import Preopen

WASI = "wasi_snapshot_preview1"

# WASI preview 1 errno values.
ERRNO_SUCCESS = 0
ERRNO_ACCES = 2
ERRNO_BADF = 8
ERRNO_FAULT = 21
ERRNO_FBIG = 22
ERRNO_IO = 29
ERRNO_PERM = 63
ERRNO_NOTCAPABLE = 76
REFUSALS = frozenset({ERRNO_ACCES, ERRNO_PERM, ERRNO_NOTCAPABLE})

OFLAGS_CREAT, OFLAGS_TRUNC = 1, 8
RIGHT_FD_WRITE = 1 << 6
FDFLAGS_APPEND = 1

STDERR_KEPT = 64 * 1024
ROOT_FD = 3  # the empty root preopen comes first; the tool's preopens follow from fd 4
SOCKET_CALLS = ("sock_accept", "sock_recv", "sock_send", "sock_shutdown")

# Every function of WASI preview 1 (the witx of wasi_snapshot_preview1).
PREVIEW1_FUNCTIONS = (
    "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get",
    "clock_time_get", "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get",
    "fd_fdstat_set_flags", "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size",
    "fd_filestat_set_times", "fd_pread", "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite",
    "fd_read", "fd_readdir", "fd_renumber", "fd_seek", "fd_sync", "fd_tell", "fd_write",
    "path_create_directory", "path_filestat_get", "path_filestat_set_times", "path_link",
    "path_open", "path_readlink", "path_remove_directory", "path_rename", "path_symlink",
    "path_unlink_file", "poll_oneoff", "proc_exit", "proc_raise", "sched_yield", "random_get",
    "sock_accept", "sock_recv", "sock_send", "sock_shutdown",
)  # fmt: skip


@dataclass(frozen=True)
class PathCall:
    """Where a `path_*` call keeps its directory fds and its (pointer, length) path arguments."""

    fds: tuple[int, ...]
    paths: tuple[tuple[int, int], ...]
    action: str  # read | write | open (decided by the flags)


PATH_CALLS = {
    "path_create_directory": PathCall((0,), ((1, 2),), "write"),
    "path_filestat_get": PathCall((0,), ((2, 3),), "read"),
    "path_filestat_set_times": PathCall((0,), ((2, 3),), "write"),
    "path_link": PathCall((0, 4), ((2, 3), (5, 6)), "write"),
    "path_open": PathCall((0,), ((2, 3),), "open"),
    "path_readlink": PathCall((0,), ((1, 2),), "read"),
    "path_remove_directory": PathCall((0,), ((1, 2),), "write"),
    "path_rename": PathCall((0, 3), ((1, 2), (4, 5)), "write"),
    "path_symlink": PathCall((2,), ((3, 4),), "write"),
    "path_unlink_file": PathCall((0,), ((1, 2),), "write"),
}


@dataclass
class CallState:
    """What one tool call has read, written and broken so far."""

    tool: str
    max_output_bytes: int
    preopens: dict[int, Preopen]
    plain_wasi: wasmtime.Linker
    bridge: Bridge
    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    file_bytes: int = 0
    stop: ToolError | None = None
    originals: dict[str, wasmtime.Func] = field(default_factory=dict)
    memory: _ffi.wasmtime_memory_t | None = None  # the tool's "memory" export, looked up once

    def halt(self, caller: capi.Caller, error: ToolError) -> None:
        """Record the first breach and make the guest trap at its next epoch check."""
        if self.stop is None:
            self.stop = error
        interrupt(caller)

    def original(self, caller: capi.Caller, name: str) -> wasmtime.Func:
        """wasmtime's own `name`, callable from a wrapper (through the bridge, made on first use).
        `caller` stands in for a store here: wasmtime-py only asks it for its `_context()`."""
        if not self.originals:
            memory = self.memory or caller.export_memory()
            if memory is None:
                raise RuntimeError("the module exports no memory named 'memory'")
            store: Any = caller
            imports: list[wasmtime.AsExtern] = [wasmtime.Memory._from_raw(memory)]
            imports += [self.plain_wasi.get(store, WASI, name) for name in self.bridge.names]
            exports = wasmtime.Instance(store, self.bridge.module, imports).exports(store)
            for forwarded in self.bridge.names:
                func = exports[forwarded]
                assert isinstance(func, wasmtime.Func)
                self.originals[forwarded] = func
        return self.originals[name]

    def output_limit(self, stream: str) -> ToolError:
        return limit_reached(self.tool, "output", f"{self.max_output_bytes} bytes", stream=stream)


class Halted(Exception):
    """Raised by a wrapper called *after* its call was stopped: the guest ignored the error it was
    given (a loop that only calls WASI never reaches an epoch check that reloads its deadline), so
    the call ends with a trap now.

    Through `define` (the C API's unchecked functions) it becomes a trap of its own call."""

    def __init__(self, state: CallState) -> None:
        super().__init__(state.tool)
        self.state = state


_current = threading.local()


def current() -> CallState | None:
    return getattr(_current, "state", None)


def activate(state: CallState | None) -> None:
    _current.state = state


def interrupt(caller: capi.Caller) -> None:
    """Make the caller's store trap at its next wasm function entry: its epoch deadline becomes the
    current epoch. (Compiled code keeps the deadline it read at function entry, so a loop that only
    calls host functions goes on; the next wrapped call then raises `Halted`.)"""
    caller.interrupt()


class GuestMemory:
    """The tool's linear memory at one moment (it may grow and move when the tool runs again).
    A plain class, not a frozen dataclass: one is made per host call."""

    __slots__ = ("base", "size")

    def __init__(self, base: int, size: int) -> None:
        self.base = base
        self.size = size

    def read(self, address: int, length: int) -> bytes:
        if address + length > self.size:
            raise ValueError("outside the tool's memory")
        return ctypes.string_at(self.base + address, length)

    def store_u32(self, address: int, value: int) -> None:
        if address + 4 > self.size:
            raise ValueError("outside the tool's memory")
        ctypes.c_uint32.from_address(self.base + address).value = value


def _memory(caller: capi.Caller, state: CallState) -> GuestMemory | None:
    memory = state.memory
    if memory is None:
        memory = state.memory = caller.export_memory()
        if memory is None:
            return None
    return GuestMemory(*caller.memory_data(memory))


def _iovecs(memory: GuestMemory, iovs: int, count: int) -> list[tuple[int, int]]:
    """The (address, length) pairs of an iovec array; ValueError when any lies outside memory."""
    flat = struct.unpack(f"<{2 * count}I", memory.read(iovs, 8 * count))
    pairs = list(zip(flat[::2], flat[1::2], strict=True))
    for address, length in pairs:
        if address + length > memory.size:
            raise ValueError("iovec outside memory")
    return pairs


def _path(memory: GuestMemory, pointer: int, length: int) -> str:
    try:
        return memory.read(pointer, length).decode("utf-8", "replace")
    except ValueError:
        return "?"


# ------------------------------------------------------------------------------ the wrappers


def fd_write(caller: capi.Caller, fd: int, iovs: int, iovs_len: int, nwritten: int) -> int:
    state = current()
    if state is None:
        return ERRNO_IO
    guest = _memory(caller, state)
    if guest is None:
        return ERRNO_FAULT
    try:
        pairs = _iovecs(guest, iovs, iovs_len)
        if fd not in (1, 2):
            if not _charge_file(caller, state, sum(length for _, length in pairs)):
                return ERRNO_FBIG
            return state.original(caller, "fd_write")(caller, fd, iovs, iovs_len, nwritten)
        data = guest.read(*pairs[0]) if iovs_len == 1 else b"".join(guest.read(*pair) for pair in pairs)
        if fd == 2:
            state.stderr += data[: max(0, STDERR_KEPT - len(state.stderr))]
            guest.store_u32(nwritten, len(data))
            return ERRNO_SUCCESS
        room = state.max_output_bytes - len(state.stdout)
        if len(data) > room:
            state.stdout += data[:room]
            guest.store_u32(nwritten, room)
            state.halt(caller, state.output_limit("stdout"))
            return ERRNO_FBIG
        state.stdout += data
        guest.store_u32(nwritten, len(data))
    except (struct.error, ValueError):
        return ERRNO_FAULT
    return ERRNO_SUCCESS


def _charge_file(caller: capi.Caller, state: CallState, size: int) -> bool:
    """Count `size` bytes written to files; False (and the call stops) past `max_output_bytes`."""
    if state.file_bytes + size > state.max_output_bytes:
        state.halt(caller, state.output_limit("file"))
        return False
    state.file_bytes += size
    return True


def fd_pwrite(caller: capi.Caller, fd: int, iovs: int, iovs_len: int, offset: int, nwritten: int) -> int:
    state = current()
    if state is None:
        return ERRNO_IO
    guest = _memory(caller, state)
    if guest is None:
        return ERRNO_FAULT
    try:
        size = sum(length for _, length in _iovecs(guest, iovs, iovs_len))
    except (struct.error, ValueError):
        return ERRNO_FAULT
    if not _charge_file(caller, state, size):
        return ERRNO_FBIG
    return state.original(caller, "fd_pwrite")(caller, fd, iovs, iovs_len, offset, nwritten)


def _file_size_call(name: str) -> Callable[..., int]:
    """`fd_filestat_set_size(fd, size)` and `fd_allocate(fd, offset, len)`: a file may not be made
    larger than `max_output_bytes`."""

    def wrapper(caller: capi.Caller, fd: int, *sizes: int) -> int:
        state = current()
        if state is None:
            return ERRNO_IO
        if sum(sizes) > state.max_output_bytes:
            state.halt(caller, state.output_limit("file"))
            return ERRNO_FBIG
        return state.original(caller, name)(caller, fd, *sizes)

    return wrapper


def _path_call(name: str, spec: PathCall) -> Callable[..., int]:
    def wrapper(caller: capi.Caller, *args: int) -> int:
        state = current()
        if state is None:
            return ERRNO_ACCES
        action = spec.action
        if action == "open":
            oflags, rights, fdflags = args[4], args[5], args[7]
            is_write = oflags & (OFLAGS_CREAT | OFLAGS_TRUNC) or rights & RIGHT_FD_WRITE
            action = "write" if is_write or fdflags & FDFLAGS_APPEND else "read"
        for position, index in enumerate(spec.fds):
            if args[index] == ROOT_FD:
                refuse(caller, state, action, args[index], _pointer_and_length(args, spec.paths[position]))
                return ERRNO_NOTCAPABLE
        errno = state.original(caller, name)(caller, *args)
        if errno in REFUSALS:
            refuse(caller, state, action, args[spec.fds[0]], _pointer_and_length(args, spec.paths[0]))
        return errno

    return wrapper


def _pointer_and_length(args: tuple[int, ...], where: tuple[int, int]) -> tuple[int, int]:
    return args[where[0]], args[where[1]]


def refuse(caller: capi.Caller, state: CallState, action: str, fd: int, path: tuple[int, int]) -> None:
    guest = _memory(caller, state)
    relative = _path(guest, path[0], path[1]) if guest is not None else "?"
    preopen = state.preopens.get(fd)
    base = preopen.guest if preopen is not None else ""
    target = relative if relative.startswith("/") else f"{base.rstrip('/')}/{relative}"
    if preopen is not None and action == "write" and not preopen.is_writable and ".." not in relative:
        reason = f"'{preopen.guest}' is read-only for tool '{state.tool}'"
        allow = "writable_paths in the tool declaration (and --allow-write or [sandbox] fs_write)"
    else:
        reason = f"outside the paths tool '{state.tool}' may open"
        key = "writable_paths" if action == "write" else "allowed_paths"
        flag = "--allow-write or [sandbox] fs_write"
        if action != "write":
            flag = "--allow-read or [sandbox] fs_read"
        allow = f"{key} in the tool declaration (and {flag})"
    state.halt(caller, access_denied(state.tool, action, target, reason, allow))


def _socket_call(name: str) -> Callable[..., int]:
    def wrapper(caller: capi.Caller, fd: int, *_: int) -> int:
        state = current()
        if state is not None:
            state.halt(
                caller,
                ToolError(
                    "E402",
                    f"network access denied: tool '{state.tool}' called {name} on fd {fd}, and WASM "
                    "tools have no network (WASI preview 1 has no sockets; `network: true` is E010)",
                    state.tool,
                    {"action": "network", "call": name},
                ),
            )
        return ERRNO_NOTCAPABLE

    return wrapper


def _guarded(name: str, function: Callable[..., int]) -> Callable[..., int]:
    """A bug in a wrapper stops the call with E401 naming the wrapper, never the process."""

    def wrapper(caller: capi.Caller, *args: Any) -> int:
        state = current()
        if state is not None and state.stop is not None:
            raise Halted(state)
        try:
            return function(caller, *args)
        except Exception as exc:  # noqa: BLE001 - reported as the call's error
            state = current()
            if state is not None:
                state.halt(caller, trapped(state.tool, f"{name}: {_cause(exc)}"))
            return ERRNO_IO

    return wrapper


# ------------------------------------------------------------------------------ defining them

# wasmtime-py's `Linker.define_func` converts every argument and result through `Val` objects and
# hands exceptions back through one process-wide variable; these hot, all-integer functions use the
# C API's unchecked form instead (raw values in, a real trap out: `Halted` becomes a trap owned by
# its own call), through one ctypes callback that gets plain integers (capi.HOST_CALLBACK).
_RAW_FUNCTIONS: list[tuple[Callable[..., int], struct.Struct]] = []
_SLOT_I32, _SLOT_I64 = "I12x", "Q8x"  # a 16-byte `wasmtime_val_raw_t` read as unsigned i32 / i64


def _raw_dispatch(env: int | None, caller_pointer: int, values: int, count: int) -> int:
    function, layout = _RAW_FUNCTIONS[env or 0]
    caller = capi.Caller(caller_pointer)
    try:
        # all the arguments in one read: cheaper than a ctypes union object per argument
        result = function(caller, *layout.unpack(ctypes.string_at(values, layout.size)))
        ctypes.c_int32.from_address(values).value = result
        return 0
    except BaseException as exc:  # noqa: BLE001 - becomes the guest's trap
        return capi.new_trap(f"nexa sandbox: {exc}")
    finally:
        caller.invalidate()


_RAW_CALLBACK = capi.HOST_CALLBACK(_raw_dispatch)  # one for all functions: `env` says which


def define(linker: wasmtime.Linker, name: str, ty: wasmtime.FuncType, function: Callable[..., int]) -> None:
    slots = "".join(_SLOT_I64 if str(p) == "i64" else _SLOT_I32 for p in ty.params)
    _RAW_FUNCTIONS.append((function, struct.Struct("<" + slots)))
    module, field_name = WASI.encode(), name.encode()
    error = capi.define_unchecked(
        capi.address(linker.ptr()),
        module,
        len(module),
        field_name,
        len(field_name),
        capi.address(ty.ptr()),
        _RAW_CALLBACK,
        len(_RAW_FUNCTIONS) - 1,
        None,
    )
    capi.check(error, None)


@dataclass(frozen=True)
class Bridge:
    """A small module that lets the wrappers call wasmtime's own WASI functions.

    A WASI function finds the memory it reads and writes through its *caller's* export "memory", so
    it cannot be called from Python directly. The bridge imports the tool's memory (`env.memory`)
    and the original functions, re-exports the memory and exports one forwarding function per
    original; it is instantiated in the call's store the first time a wrapper forwards a call."""

    module: wasmtime.Module
    names: tuple[str, ...]


def _bridge(engine: wasmtime.Engine, types: dict[str, wasmtime.FuncType]) -> Bridge:
    def signature(ty: wasmtime.FuncType) -> str:
        params = " ".join(str(p) for p in ty.params)
        results = " ".join(str(r) for r in ty.results)
        return (f"(param {params})" if params else "") + (f" (result {results})" if results else "")

    lines = ["(module", '  (import "env" "memory" (memory 0))']
    for name, ty in types.items():
        lines.append(f'  (import "{WASI}" "{name}" (func ${name} {signature(ty)}))')
    lines.append('  (export "memory" (memory 0))')
    for name, ty in types.items():
        forwarded = " ".join(f"(local.get {i})" for i in range(len(ty.params)))
        lines.append(f'  (func (export "{name}") {signature(ty)} (call ${name} {forwarded}))')
    lines.append(")")
    return Bridge(wasmtime.Module(engine, "\n".join(lines)), tuple(types))


@dataclass(frozen=True)
class Installed:
    offered: frozenset[str]  # the WASI functions a tool may import
    bridge: Bridge


def _cause(exc: Exception) -> str:
    """The last line of an error: wasmtime's WASI traps end with the cause ("Pointer not aligned…")."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1].removeprefix("1: ") if lines else type(exc).__name__


def install(linker: wasmtime.Linker, plain_wasi: wasmtime.Linker, engine: wasmtime.Engine) -> Installed:
    """Define the wrappers over WASI in `linker` (shadowing on)."""
    wrappers: dict[str, Callable[..., int]] = {
        "fd_write": fd_write,
        "fd_pwrite": fd_pwrite,
        "fd_filestat_set_size": _file_size_call("fd_filestat_set_size"),
        "fd_allocate": _file_size_call("fd_allocate"),
    }
    wrappers |= {name: _path_call(name, spec) for name, spec in PATH_CALLS.items()}
    sockets = {name: _socket_call(name) for name in SOCKET_CALLS}
    probe = wasmtime.Store(engine)
    probe.set_wasi(wasmtime.WasiConfig())
    offered = set()
    forwarded: dict[str, wasmtime.FuncType] = {}
    for name in PREVIEW1_FUNCTIONS:
        try:
            original = plain_wasi.get(probe, WASI, name)
        except wasmtime.WasmtimeError:
            continue
        offered.add(name)
        wrapper = wrappers.get(name) or sockets.get(name)
        if wrapper is not None and isinstance(original, wasmtime.Func):
            ty = original.type(probe)
            define(linker, name, ty, _guarded(name, wrapper))
            if name in wrappers:
                forwarded[name] = ty
    return Installed(frozenset(offered), _bridge(engine, forwarded))
