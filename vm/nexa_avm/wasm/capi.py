"""The wasmtime C API calls a warm tool call makes, without wasmtime-py's object layer.

wasmtime-py wraps every step of a call in Python objects: `WasiConfig`, `Instance.exports` (which
wraps *every* export), `Func.__call__` (which asks for the function's type and converts each value
through `Val`), a context manager per entry into wasm. For a trivial tool that layer cost more than
wasmtime itself (bench/wasm.py), so the hot path calls the C functions through `wasmtime._ffi`
directly. Failures come back as the exceptions wasmtime-py raises (`WasmtimeError`, `ExitTrap`,
`Trap`), so callers handle both paths alike; the store stays a `wasmtime.Store`, so the rare paths
(explaining a trap, measuring memory) keep using the public API.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterable

import wasmtime
from wasmtime import _ffi, _func

_BYTES = ctypes.POINTER(ctypes.c_uint8)
_NO_VALUES = (_ffi.wasmtime_val_t * 0)()  # wasmtime-py passes an empty array, never NULL
_EXTERN_FUNC = _ffi.WASMTIME_EXTERN_FUNC.value


def new_wasi(preopens: Iterable[tuple[bytes, bytes, bool]], stdin: bytes) -> ctypes._Pointer:
    """A WASI configuration (no arguments, no environment, no inherited streams) with these
    preopens (host path, guest path, writable) and `stdin` as the tool's standard input.
    Owned by the caller until `set_wasi` hands it to a store."""
    config = _ffi.wasi_config_new()
    for host, guest, writable in preopens:
        if not _ffi.wasi_config_preopen_dir(config, host, guest, writable):
            _ffi.wasi_config_delete(config)
            raise wasmtime.WasmtimeError(f"cannot preopen '{host.decode(errors='replace')}'")
    # the C API copies nothing: the config takes over a byte vector it will free
    vector = _ffi.wasm_byte_vec_t()
    _ffi.wasm_byte_vec_new(ctypes.byref(vector), len(stdin), ctypes.cast(stdin, _BYTES))
    _ffi.wasi_config_set_stdin_bytes(config, ctypes.byref(vector))
    return config


def set_wasi(context: ctypes._Pointer, config: ctypes._Pointer) -> None:
    """Give the store its WASI context; the store owns `config` from here on."""
    error = _ffi.wasmtime_context_set_wasi(context, config)
    if error:
        raise wasmtime.WasmtimeError._from_ptr(error)


def set_limits(store: wasmtime.Store, memory_bytes: int, table_elements: int) -> None:
    """The store limiter: linear memory and table elements (instances, tables, memories: unlimited)."""
    _ffi.wasmtime_store_limiter(store.ptr(), memory_bytes, table_elements, -1, -1, -1)


def instantiate(pre: wasmtime.InstancePre, context: ctypes._Pointer) -> _ffi.wasmtime_instance_t:
    instance = _ffi.wasmtime_instance_t()
    trap = ctypes.POINTER(_ffi.wasm_trap_t)()
    error = _ffi.wasmtime_instance_pre_instantiate(
        pre.ptr(), context, ctypes.byref(instance), ctypes.byref(trap)
    )
    _raise_failure(error, trap)
    return instance


def export_func(
    context: ctypes._Pointer, instance: _ffi.wasmtime_instance_t, name: bytes
) -> _ffi.wasmtime_func_t:
    """The exported function `name` of `instance`; KeyError when there is none."""
    item = _ffi.wasmtime_extern_t()
    found = _ffi.wasmtime_instance_export_get(
        context, ctypes.byref(instance), name, len(name), ctypes.byref(item)
    )
    if not found or item.kind != _EXTERN_FUNC:
        raise KeyError(name.decode())
    return item.of.func


def call(context: ctypes._Pointer, func: _ffi.wasmtime_func_t, results: int = 0) -> None:
    """Call a function that takes no parameters; its `results` values are dropped. wasmtime checks
    the signature (a mismatch is a `WasmtimeError`)."""
    out = (_ffi.wasmtime_val_t * results)() if results else _NO_VALUES
    trap = ctypes.POINTER(_ffi.wasm_trap_t)()
    error = _ffi.wasmtime_func_call(
        context, ctypes.byref(func), _NO_VALUES, 0, out, results, ctypes.byref(trap)
    )
    _raise_failure(error, trap)


def _raise_failure(error: ctypes._Pointer, trap: ctypes._Pointer) -> None:
    # As wasmtime-py's `enter_wasm`: an exception a `define_func` host function raised (the
    # fallback of hostcalls.define) is kept aside by wasmtime-py and wins over the trap.
    if trap:
        failure: Exception = wasmtime.Trap._from_ptr(trap)
    elif error:
        failure = wasmtime.WasmtimeError._from_ptr(error)
    else:
        return
    _func.maybe_raise_last_exn()
    raise failure
