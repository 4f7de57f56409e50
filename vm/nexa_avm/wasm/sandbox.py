"""`WasmTool`: one WASI module run as a Nexa tool, in a wasmtime sandbox (S§5.2).

Each call gets a fresh `Store` and a fresh instance of the (cached, pre-linked) module: a WASI
command's `_start` runs once per instance, and a new store is what makes every call start from the
module's initial state with its own limits. No store or instance is ever used for two calls; the
instance's memory and table live in a slot of wasmtime's pooling allocator, which wasmtime resets
between instances (engine.py). The hot path calls the C API directly (capi.py). The steps of a call:

1. the store gets the limits: linear memory `max_memory_pages` × 64 KiB and `max_table_elements`
   (wasmtime's store limiter: `memory.grow`/`table.grow` fail past them, instantiation fails when a
   module starts larger), an epoch deadline of `max_cpu_time_ms` (engine.py), and WASI with the
   empty root preopen plus the tool's preopens, no environment, no arguments;
2. `_start` runs with the arguments as JSON on stdin; stdout is collected up to
   `max_output_bytes` (hostcalls.py);
3. the outcome: exit status 0 (or a return from `_start`) gives the stdout parsed as JSON (text
   when it is not JSON, S§5.4; `None` when empty); anything else gives a `ToolError` (errors.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import wasmtime

from nexa_avm.wasm import capi, hostcalls
from nexa_avm.wasm.cache import ModuleCache
from nexa_avm.wasm.engine import MAX_WASM_STACK, Runtime, on_demand_runtime, sandbox_runtime
from nexa_avm.wasm.errors import ToolError, failed, limit_reached, trapped
from nexa_avm.wasm.limits import WasmLimits

_caches: dict[tuple[int, Path | None], ModuleCache] = {}


def module_cache(runtime: Runtime, directory: Path | None = None) -> ModuleCache:
    """The process's cache for a directory (None: the default directory)."""
    key = (id(runtime), directory)
    if key not in _caches:
        _caches[key] = ModuleCache(runtime, directory)
    return _caches[key]


@dataclass(frozen=True)
class CallOutcome:
    """A call in full, for traces and the debugger: `value` or `error`, and what was measured."""

    value: Any
    error: ToolError | None
    stdout_bytes: int
    stderr: str
    exit_code: int | None
    elapsed_ms: float

    @property
    def result(self) -> Any:
        return self.error if self.error is not None else self.value


@dataclass(frozen=True)
class _Prepared:
    """A loaded module, linked for the runtime chosen for the tool's limits, and what every call
    of it passes to the store (computed once, not per call)."""

    stamp: tuple[int, int]
    limits: WasmLimits
    runtime: Runtime
    pre: wasmtime.InstancePre
    source: str
    start_results: int  # `_start` should return nothing; if it does, the values are dropped
    pre_address: int  # of `pre`, which this keeps alive
    wasi_preopens: tuple[tuple[bytes, bytes, bool], ...]  # (host, guest, writable); the root first
    deadline_ticks: int


class WasmTool:
    """A WASM tool. `call(arguments)` returns the tool's result or a `ToolError`; it never raises
    for anything the module does, and the next call starts afresh."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        limits: WasmLimits | None = None,
        *,
        name: str | None = None,
        cache: ModuleCache | None = None,
    ) -> None:
        self.path = Path(path)
        self.limits = limits or WasmLimits()
        self.name = name or self.path.stem
        self.runtime = cache.runtime if cache is not None else sandbox_runtime()
        self.cache = cache or module_cache(self.runtime)
        self._prepared: _Prepared | None = None

    # -------------------------------------------------------------------------- loading

    def load(self) -> str | ToolError:
        """Compile (or fetch from the cache) and link the module; where it came from:
        "memory", "disk" or "compiled". Calls load on their own; this is for warming up."""
        prepared = self._prepare()
        return prepared if isinstance(prepared, ToolError) else prepared.source

    def _prepare(self) -> _Prepared | ToolError:
        try:
            status = os.stat(self.path)
        except OSError:
            return failed(self.name, f"no such module '{self.path}'", path=str(self.path))
        stamp = (status.st_mtime_ns, status.st_size)
        prepared = self._prepared
        if prepared is not None and prepared.stamp == stamp and prepared.limits is self.limits:
            return prepared
        limits, runtime, cache = self.limits, self.runtime, self.cache
        if not runtime.fits(limits):
            runtime = on_demand_runtime()
            cache = module_cache(runtime, self.cache.directory)
        try:
            wasm = self.path.read_bytes()
            try:
                compiled = cache.load(wasm)
            except wasmtime.WasmtimeError as exc:
                if not runtime.pooled or _POOL_REFUSAL not in str(exc):
                    raise
                runtime = on_demand_runtime()  # more memories or tables than a pool slot has
                cache = module_cache(runtime, self.cache.directory)
                compiled = cache.load(wasm)
        except OSError as exc:
            return failed(self.name, f"cannot read module '{self.path}': {exc.strerror}")
        except wasmtime.WasmtimeError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid module"
            return failed(self.name, f"'{self.path}' is not a valid WebAssembly module: {first}")
        problem = self._link_problem(compiled.module, runtime)
        if problem is not None:
            return problem
        try:
            pre = runtime.linker.instantiate_pre(compiled.module)
        except wasmtime.WasmtimeError as exc:
            return failed(self.name, f"cannot link module '{self.path}': {_first_line(exc)}")
        start = next(e.type for e in compiled.module.exports if e.name == "_start")
        assert isinstance(start, wasmtime.FuncType)  # checked by _link_problem
        root = (runtime.root_directory.encode(), b"/", False)  # fd 3; the tool's preopens follow
        self._prepared = _Prepared(
            stamp,
            limits,
            runtime,
            pre,
            compiled.source,
            len(start.results),
            capi.address(pre.ptr()),
            (root, *((str(p.host).encode(), p.guest.encode(), p.is_writable) for p in limits.preopens)),
            runtime.ticker.deadline_ticks(limits.max_cpu_time_ms),
        )
        return self._prepared

    def _link_problem(self, module: wasmtime.Module, runtime: Runtime) -> ToolError | None:
        for imported in module.imports:
            offered = imported.module == hostcalls.WASI and imported.name in runtime.wasi_functions
            if not offered or not isinstance(imported.type, wasmtime.FuncType):
                return failed(
                    self.name,
                    f"module imports host function '{imported.module}.{imported.name}', which the "
                    f"sandbox does not provide (tools may import only {hostcalls.WASI} functions)",
                    path=str(self.path),
                    missing_import=f"{imported.module}.{imported.name}",
                )
        if not any(e.name == "_start" and isinstance(e.type, wasmtime.FuncType) for e in module.exports):
            return failed(self.name, "module exports no _start function (a WASI command is required)")
        return None

    # -------------------------------------------------------------------------- calling

    def call(self, arguments: dict[str, Any]) -> Any:
        """The tool's result (parsed JSON, text or None), or a `ToolError`."""
        return self.run(arguments).result

    async def call_async(self, arguments: dict[str, Any]) -> Any:
        """`call` on a worker thread: wasmtime releases the GIL while the module runs."""
        return await asyncio.to_thread(self.call, arguments)

    def run(self, arguments: dict[str, Any]) -> CallOutcome:
        started = time.perf_counter()
        prepared = self._prepare()
        if isinstance(prepared, ToolError):
            return CallOutcome(None, prepared, 0, "", None, _ms_since(started))
        stdin = _ARGUMENTS.encode(arguments).encode()
        limits, runtime = prepared.limits, prepared.runtime
        preopens = {}
        for fd, preopen in enumerate(limits.preopens, start=hostcalls.ROOT_FD + 1):
            if not preopen.host.is_dir():
                reason = f"allowed path '{preopen.guest}' is not a directory ({preopen.host})"
                error = failed(self.name, reason)
                return CallOutcome(None, error, 0, "", None, _ms_since(started))
            preopens[fd] = preopen
        state = hostcalls.CallState(
            self.name, limits.max_output_bytes, preopens, runtime.plain_wasi, runtime.bridge
        )
        ticker = runtime.ticker
        ticker.enter()  # the epoch ticks; waits for a pool slot (the instance's and the bridge's)
        store = capi.Store(runtime.engine_address)
        try:
            store.set_wasi(prepared.wasi_preopens, stdin)
            store.set_limits(limits.max_memory_bytes, limits.max_table_elements, prepared.deadline_ticks)
            exit_code, error = self._start(store, prepared, state)
            return self._outcome(store, state, exit_code, error, started)
        finally:
            store.close()  # everything about the instance has been read: _outcome is done
            ticker.leave()

    def _start(
        self, store: capi.Store, prepared: _Prepared, state: hostcalls.CallState
    ) -> tuple[int | None, ToolError | None]:
        """Instantiate and run `_start`: (exit status, None), or (None, the error)."""
        hostcalls.activate(state)
        try:
            store.instantiate(prepared.pre_address)
            store.call_export(b"_start", prepared.start_results)
            return 0, None
        except wasmtime.ExitTrap as exit_trap:
            return exit_trap.code, None
        except wasmtime.Trap as trap:
            return None, self._explain_trap(trap, store)
        except wasmtime.WasmtimeError as exc:  # instantiation refused: a limit, mostly
            return None, self._explain_refusal(exc)
        finally:
            hostcalls.activate(None)

    def _outcome(
        self,
        store: capi.Store,
        state: hostcalls.CallState,
        exit_code: int | None,
        error: ToolError | None,
        started: float,
    ) -> CallOutcome:
        if state.stop is not None:
            error = state.stop
        elif error is None and exit_code != 0:
            error = self._at_a_limit(store) or failed(
                self.name, f"exited with status {exit_code}{_stderr_tail(state.stderr)}", exit_code=exit_code
            )
        stderr = state.stderr.decode("utf-8", "replace") if state.stderr else ""
        if error is None:
            value = self._parse(state.stdout)
            if not isinstance(value, ToolError):
                return CallOutcome(value, None, len(state.stdout), stderr, exit_code, _ms_since(started))
            error = value
        return CallOutcome(None, error, len(state.stdout), stderr, exit_code, _ms_since(started))

    # -------------------------------------------------------------------------- outcomes

    def _explain_trap(self, trap: wasmtime.Trap, store: capi.Store) -> ToolError:
        code = trap.trap_code
        if code in (wasmtime.TrapCode.INTERRUPT, wasmtime.TrapCode.OUT_OF_FUEL):
            return limit_reached(self.name, "CPU time", f"{self.limits.max_cpu_time_ms} ms")
        if code == wasmtime.TrapCode.STACK_OVERFLOW:
            return limit_reached(self.name, "stack", f"{MAX_WASM_STACK // 1024} KiB")
        return self._at_a_limit(store) or trapped(self.name, _trap_text(trap.message))

    def _at_a_limit(self, store: capi.Store) -> ToolError | None:
        """A tool that failed with its memory or a table grown close to the limit failed because of
        it: `memory.grow` and `table.grow` answer -1 past the limit and the module then gives up.
        wasmtime does not tell which grow failed, so "close" is within an eighth of the limit (at
        least 16 pages or 64 elements) - a guess that errs towards naming the limit."""
        instance = store.instance
        if instance is None:
            return None
        pages, elements = self.limits.max_memory_pages, self.limits.max_table_elements
        as_store: Any = store  # wasmtime-py only asks a store for its `_context()`
        for item in instance.exports(as_store).by_index:
            if isinstance(item, wasmtime.Memory) and pages - item.size(as_store) <= max(pages // 8, 16):
                return self._memory_limit()
            if isinstance(item, wasmtime.Table) and elements - item.size(as_store) <= max(elements // 8, 64):
                return self._table_limit()
        return None

    def _memory_limit(self) -> ToolError:
        return limit_reached(self.name, "memory", f"{self.limits.max_memory_pages} pages")

    def _table_limit(self) -> ToolError:
        return limit_reached(self.name, "table", f"{self.limits.max_table_elements} elements")

    def _explain_refusal(self, exc: wasmtime.WasmtimeError) -> ToolError:
        text = str(exc)
        if "memory" in text and ("limit" in text or "exceed" in text):
            return self._memory_limit()
        if "table" in text and ("limit" in text or "exceed" in text):
            return self._table_limit()
        return failed(self.name, f"cannot instantiate module: {_first_line(exc)}")

    def _parse(self, output: bytes | bytearray) -> Any:
        try:
            text = output.decode("utf-8")
        except UnicodeDecodeError as exc:
            return trapped(self.name, f"output is not UTF-8 text (byte {exc.start})")
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except ValueError:  # not JSON, or a number longer than Python parses (int_max_str_digits)
            return text


_POOL_REFUSAL = "does not fit in pooling allocator requirements"  # wasmtime's compile error
_ARGUMENTS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # `json.dumps` builds one a call


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _first_line(exc: BaseException | str) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _trap_text(message: str) -> str:
    """The cause of a trap ("wasm `unreachable` instruction executed"), without the backtrace."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if not lines:
        return "unknown trap"
    cause = lines[-1]
    return cause.removeprefix("wasm trap: ")


def _stderr_tail(stderr: bytearray) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    if not text:
        return ""
    last = text.splitlines()[-1]
    return ": " + (last if len(last) <= 300 else last[:300] + "…")
