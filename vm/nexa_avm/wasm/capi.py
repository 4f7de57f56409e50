"""The wasmtime C API calls of a warm tool call, bound directly instead of through wasmtime-py.

wasmtime-py wraps every step of a call in Python: `Store` and `WasiConfig` objects, typed ctypes
pointers for every argument, `Instance.exports` (which wraps *every* export), `Func.__call__`
(which asks for the function's type and converts each value through `Val`), a `Caller` object and a
`Val` per argument of a host call. Measured with callgrind, that layer ran about twenty times more
instructions per call than wasmtime itself, so the hot path binds the few C functions it needs
from the same library, with plain integer arguments (pointers as `int`), and one scratch structure
per call for the out-parameters. Everything else (compiling, linking, explaining a trap) keeps
using wasmtime-py: failures come back as its exceptions, and `Store`/`Caller` below have the
`_context()` its functions take, so they can be passed where wasmtime-py expects a store.

The signatures are those of wasmtime 50's C API (`wasmtime.h`, `wasi.h`), the version pyproject
pins.
"""

from __future__ import annotations

import ctypes
from ctypes import c_bool, c_char_p, c_int64, c_size_t, c_uint64, c_void_p

import wasmtime
from wasmtime import _ffi

_LIBRARY = _ffi.dll  # the library wasmtime-py loaded: same engine, same objects


def _bind(name: str, restype: type | None, *argtypes: type) -> ctypes._CFuncPtr:
    # A prototype makes a new function object: wasmtime-py's own (cached on the library) keep
    # their argument types. CFUNCTYPE functions release the GIL while they run.
    return ctypes.CFUNCTYPE(restype, *argtypes)((name, _LIBRARY))


_store_new = _bind("wasmtime_store_new", c_void_p, c_void_p, c_void_p, c_void_p)
_store_context = _bind("wasmtime_store_context", c_void_p, c_void_p)
_store_delete = _bind("wasmtime_store_delete", None, c_void_p)
_store_limiter = _bind("wasmtime_store_limiter", None, c_void_p, c_int64, c_int64, c_int64, c_int64, c_int64)
_set_epoch_deadline = _bind("wasmtime_context_set_epoch_deadline", None, c_void_p, c_uint64)
_wasi_config_new = _bind("wasi_config_new", c_void_p)
_wasi_config_delete = _bind("wasi_config_delete", None, c_void_p)
_wasi_preopen_dir = _bind("wasi_config_preopen_dir", c_bool, c_void_p, c_char_p, c_char_p, c_bool)
_byte_vec_new = _bind("wasm_byte_vec_new", None, c_void_p, c_size_t, c_char_p)
_wasi_stdin_bytes = _bind("wasi_config_set_stdin_bytes", None, c_void_p, c_void_p)
_set_wasi = _bind("wasmtime_context_set_wasi", c_void_p, c_void_p, c_void_p)
_pre_instantiate = _bind(
    "wasmtime_instance_pre_instantiate", c_void_p, c_void_p, c_void_p, c_void_p, c_void_p
)
_export_get = _bind("wasmtime_instance_export_get", c_bool, c_void_p, c_void_p, c_char_p, c_size_t, c_void_p)
_func_call = _bind(
    "wasmtime_func_call", c_void_p, c_void_p, c_void_p, c_void_p, c_size_t, c_void_p, c_size_t, c_void_p
)
_caller_context = _bind("wasmtime_caller_context", c_void_p, c_void_p)
_caller_export_get = _bind("wasmtime_caller_export_get", c_bool, c_void_p, c_char_p, c_size_t, c_void_p)
_memory_data = _bind("wasmtime_memory_data", c_void_p, c_void_p, c_void_p)
_memory_data_size = _bind("wasmtime_memory_data_size", c_size_t, c_void_p, c_void_p)
_trap_new = _bind("wasmtime_trap_new", c_void_p, c_char_p, c_size_t)

# env, caller, args_and_results, len -> trap or NULL (wasmtime_func_unchecked_callback_t)
HOST_CALLBACK = ctypes.CFUNCTYPE(c_void_p, c_void_p, c_void_p, c_void_p, c_size_t)
define_unchecked = _bind(
    "wasmtime_linker_define_func_unchecked",
    c_void_p,
    c_void_p,
    c_char_p,
    c_size_t,
    c_char_p,
    c_size_t,
    c_void_p,
    HOST_CALLBACK,
    c_void_p,
    c_void_p,
)

_EXTERN_FUNC = _ffi.WASMTIME_EXTERN_FUNC.value
_EXTERN_MEMORY = _ffi.WASMTIME_EXTERN_MEMORY.value


class _Scratch(ctypes.Structure):
    """The out-parameters of one call's C functions, in one allocation."""

    _fields_ = [
        ("instance", _ffi.wasmtime_instance_t),
        ("export", _ffi.wasmtime_extern_t),
        ("trap", c_void_p),
        ("stdin", _ffi.wasm_byte_vec_t),
    ]


_INSTANCE = _Scratch.instance.offset
_EXPORT = _Scratch.export.offset
_EXPORT_FUNC = _EXPORT + _ffi.wasmtime_extern_t.of.offset  # the union's func is at its start
_TRAP = _Scratch.trap.offset
_STDIN = _Scratch.stdin.offset
_NO_VALUES = (_ffi.wasmtime_val_t * 1)()  # never read or written: the calls here pass no parameters


def address(pointer: object) -> int:
    """The address a wasmtime-py object's ctypes pointer holds (an `Engine.ptr()`, …)."""
    return ctypes.cast(pointer, c_void_p).value or 0


class Store:
    """A store made and deleted through the C API; `close()` deletes it (call it once, always).

    Hot-path methods take the data as it is, without checks: the caller (sandbox.py) is the only
    user. `_context()` lets wasmtime-py's functions take it as a store on the rare paths."""

    __slots__ = ("pointer", "context", "instantiated", "_scratch", "_base")

    def __init__(self, engine: int) -> None:
        self.pointer = _store_new(engine, None, None)
        self.context = _store_context(self.pointer)
        self.instantiated = False
        self._scratch = _Scratch()
        self._base = ctypes.addressof(self._scratch)

    def close(self) -> None:
        if self.pointer:
            _store_delete(self.pointer)
            self.pointer = self.context = 0

    def _context(self) -> ctypes._Pointer:
        return ctypes.cast(self.context, ctypes.POINTER(_ffi.wasmtime_context_t))

    def set_wasi(self, preopens: tuple[tuple[bytes, bytes, bool], ...], stdin: bytes) -> None:
        """WASI with these preopens (host path, guest path, writable) and `stdin` as the standard
        input; no arguments, no environment, no inherited streams."""
        config = _wasi_config_new()
        for host, guest, writable in preopens:
            if not _wasi_preopen_dir(config, host, guest, writable):
                _wasi_config_delete(config)
                raise wasmtime.WasmtimeError(f"cannot preopen '{host.decode(errors='replace')}'")
        stdin_vector = self._base + _STDIN
        _byte_vec_new(stdin_vector, len(stdin), stdin)  # a copy, which the config takes over
        _wasi_stdin_bytes(config, stdin_vector)
        error = _set_wasi(self.context, config)  # the store owns the config now
        if error:
            check(error, None)

    def set_limits(self, memory_bytes: int, table_elements: int, deadline_ticks: int) -> None:
        """The store limiter (linear memory, table elements; instances, tables and memories are
        unlimited) and the epoch deadline."""
        _store_limiter(self.pointer, memory_bytes, table_elements, -1, -1, -1)
        _set_epoch_deadline(self.context, deadline_ticks)

    def instantiate(self, pre: int) -> None:
        """Instantiate the `InstancePre` at address `pre`; the instance is this store's `instance`."""
        base = self._base
        error = _pre_instantiate(pre, self.context, base + _INSTANCE, base + _TRAP)
        if error or self._scratch.trap:
            check(error, self._scratch.trap)
        self.instantiated = True

    @property
    def instance(self) -> wasmtime.Instance | None:
        """The instance as a wasmtime-py object (None before `instantiate` succeeded)."""
        return wasmtime.Instance._from_raw(self._scratch.instance) if self.instantiated else None

    def call_export(self, name: bytes, results: int = 0) -> None:
        """Call the instance's exported function `name`, which takes no parameters (wasmtime
        checks; a mismatch is a `WasmtimeError`); its `results` values are dropped."""
        base, scratch = self._base, self._scratch
        if not _export_get(self.context, base + _INSTANCE, name, len(name), base + _EXPORT):
            raise KeyError(name.decode())
        if scratch.export.kind != _EXTERN_FUNC:
            raise KeyError(name.decode())
        out = (_ffi.wasmtime_val_t * results)() if results else _NO_VALUES
        error = _func_call(self.context, base + _EXPORT_FUNC, _NO_VALUES, 0, out, results, base + _TRAP)
        if error or scratch.trap:
            check(error, scratch.trap)


def check(error: int | None, trap: int | None) -> None:
    """Raise what wasmtime-py would for a C function's error or trap (it takes ownership)."""
    if trap:
        raise wasmtime.Trap._from_ptr(ctypes.cast(trap, ctypes.POINTER(_ffi.wasm_trap_t)))
    if error:
        raise wasmtime.WasmtimeError._from_ptr(ctypes.cast(error, ctypes.POINTER(_ffi.wasmtime_error_t)))


class Caller:
    """The caller of a host function, valid during that call only (`invalidate()` after it).
    `_context()` makes it usable as a store by wasmtime-py (calling a `Func`, instantiating)."""

    __slots__ = ("pointer", "context")

    def __init__(self, pointer: int) -> None:
        self.pointer = pointer
        self.context = _caller_context(pointer)

    def invalidate(self) -> None:
        self.pointer = self.context = 0

    def _context(self) -> ctypes._Pointer:
        if not self.context:
            raise ValueError("the host call has returned")
        return ctypes.cast(self.context, ctypes.POINTER(_ffi.wasmtime_context_t))

    def export_memory(self, name: bytes = b"memory") -> _ffi.wasmtime_memory_t | None:
        item = _ffi.wasmtime_extern_t()
        if not _caller_export_get(self.pointer, name, len(name), ctypes.addressof(item)):
            return None
        return item.of.memory if item.kind == _EXTERN_MEMORY else None

    def memory_data(self, memory: _ffi.wasmtime_memory_t) -> tuple[int, int]:
        """The address and size of a memory now (it may grow and move between host calls)."""
        where = ctypes.addressof(memory)
        size = _memory_data_size(self.context, where)
        return (_memory_data(self.context, where) or 0, size) if size else (0, 0)

    def interrupt(self) -> None:
        """Make the store trap at its next epoch check: its deadline becomes the current epoch."""
        _set_epoch_deadline(self.context, 0)


def new_trap(message: str) -> int:
    """A trap for a host function to return (wasmtime takes ownership)."""
    data = message.encode()
    return _trap_new(data, len(data)) or 0
