"""Compiled modules, kept between calls (in memory) and between runs (on disk).

Compiling with Cranelift is the expensive part of a cold start; a compiled module is serialized
with `Module.serialize()` into `<cache dir>/<key>.cwasm`, where the key is the SHA-256 of the
module's bytes, wasmtime's version and the engine configuration (`Runtime.fingerprint`). A later
run deserializes it instead of compiling. Entries are written to a temporary name and renamed, so a
reader never sees half a file; an entry that fails to deserialize (damaged, or from an engine that
no longer matches) is compiled again and replaced.

The directory is the VM's state directory (`.nexa_cache/wasm/` under the working directory, S§0.3
class `state`) unless `NEXA_WASM_CACHE` or the caller names another. Deserializing trusts the file:
the directory must be writable by the user only, as the VM's state directory is.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import wasmtime

from nexa_avm.wasm.engine import Runtime

DEFAULT_DIRECTORY = Path(".nexa_cache") / "wasm"


def default_directory() -> Path:
    return Path(os.environ.get("NEXA_WASM_CACHE") or DEFAULT_DIRECTORY)


@dataclass(frozen=True)
class CompiledModule:
    key: str
    module: wasmtime.Module
    source: str  # "memory" | "disk" | "compiled": where this load found it


class ModuleCache:
    def __init__(self, runtime: Runtime, directory: Path | None = None) -> None:
        self.runtime = runtime
        self.directory = directory if directory is not None else default_directory()
        self._loaded: dict[str, wasmtime.Module] = {}
        self._lock = threading.Lock()

    def key(self, wasm: bytes) -> str:
        digest = hashlib.sha256(wasm)
        digest.update(b"\0" + self.runtime.fingerprint.encode())
        return digest.hexdigest()

    def load(self, wasm: bytes) -> CompiledModule:
        """The compiled module for these bytes (text format accepted too); raises WasmtimeError when
        the bytes are not a valid module."""
        key = self.key(wasm)
        with self._lock:
            module = self._loaded.get(key)
        if module is not None:
            return CompiledModule(key, module, "memory")
        module, source = self._from_disk(key), "disk"
        if module is None:
            module, source = wasmtime.Module(self.runtime.engine, wasm), "compiled"
            self._store(key, module)
        with self._lock:
            self._loaded[key] = module
        return CompiledModule(key, module, source)

    def entry(self, key: str) -> Path:
        return self.directory / f"{key}.cwasm"

    def _from_disk(self, key: str) -> wasmtime.Module | None:
        path = self.entry(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            return wasmtime.Module.deserialize(self.runtime.engine, data)
        except wasmtime.WasmtimeError:
            return None  # stale or damaged: compiled again and overwritten

    def _store(self, key: str, module: wasmtime.Module) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary = self.directory / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
            temporary.write_bytes(bytes(module.serialize()))
            os.replace(temporary, self.entry(key))
        except OSError:
            pass  # a read-only or full disk only costs the next run a compile

    def forget(self) -> None:
        """Drop the in-memory modules (the disk entries stay): the next load reads the disk."""
        with self._lock:
            self._loaded.clear()
