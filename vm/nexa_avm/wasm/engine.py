"""The process-wide wasmtime engine of the sandbox, and the clock that enforces `max_cpu_time_ms`.

One `Engine` (compiled code is tied to it), one `Linker` that offers WASI preview 1 with the
sandbox's own versions of the calls that move data across the boundary (`hostcalls.py`), and one
`EpochTicker`. CPU time is enforced by *epoch interruption*: the ticker thread advances the engine's
epoch every `TICK_SECONDS` while at least one call runs, and each store gets a deadline of
`ceil(ms / tick) + 1` ticks, so a tool may run between its limit and one tick more.

Epoch or fuel: `bench/wasm.py` runs the same tight loop under both; on the 2-core CI machine fuel
cost less (about +80% over no check, against about +180% for epochs, wasmtime 50). Epochs are used
anyway because the limit is a time in milliseconds: fuel counts instructions, so a fuel budget
would need a per-machine calibration, and it does not count time spent in host calls.

Instances come from wasmtime's *pooling allocator*. With the default on-demand allocator every
call mapped a fresh 4 GiB reservation for the linear memory and unmapped it afterwards, and every
page the tool touched was a new page fault: on the CI virtual machine that was a third of a trivial
tool's call (7 faults a call for word_count). A pool keeps `POOL_SLOTS` memory and table slots
reserved; when a store is deleted wasmtime resets its slots (the first `KEEP_RESIDENT_BYTES`
zeroed in place, the rest returned to the kernel) and the next instance is initialised from the
module as on demand, so a call never sees another call's state (tests/wasm/test_pool.py). Each
store is still new and gets its own limits; only the address space is reused. A slot is sized for
the largest limits (4 GiB of memory, `POOL_TABLE_ELEMENTS` table elements, one memory and one
table): a module with more, or a tool whose `max_table_elements` is above that, runs on
`on_demand_runtime()` instead, and a call waits for a free slot rather than fail (`EpochTicker`).
The pool reserves about 4 GiB of address space a slot (nothing is committed until used); where that
is refused (`_can_reserve`), the sandbox uses the on-demand allocator.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import math
import mmap
import tempfile
import threading
import time

import wasmtime
from wasmtime import _ffi  # the pooling allocator's configuration (not wrapped by wasmtime-py)

from nexa_avm.wasm import capi, hostcalls
from nexa_avm.wasm.limits import PAGE_BYTES, WasmLimits

TICK_SECONDS = 0.005
MAX_WASM_STACK = 512 * 1024  # wasmtime's default, named in the E401 message for a stack overflow

POOL_SLOTS = 32  # calls at once on pooled instances; more wait for a slot
POOL_MEMORY_BYTES = 65_536 * PAGE_BYTES  # a slot holds the largest `max_memory_pages` (4 GiB)
POOL_TABLE_ELEMENTS = 100_000
KEEP_RESIDENT_BYTES = 1 << 20  # per slot: zeroed with memset and kept, not returned to the kernel


class EpochTicker:
    """Advances the engine's epoch every tick while calls are running; sleeps when none does.

    It also counts the running calls against `capacity` (the pool's slots, None: no limit): a
    call enters before its store is made and leaves once it is deleted, and waits in `enter`
    while `capacity` calls are running. One lock a call does both jobs."""

    def __init__(
        self, engine: wasmtime.Engine, tick_seconds: float = TICK_SECONDS, capacity: int | None = None
    ) -> None:
        self.engine = engine
        self.tick_seconds = tick_seconds
        self.capacity = capacity
        self._active = 0
        self._waiting = 0
        self._idle = False  # the ticker thread waits for a call (notify it then, only then)
        lock = threading.Lock()  # not the default RLock: cheaper
        self._wake = threading.Condition(lock)  # the ticker thread waits here while no call runs
        self._free = threading.Condition(lock)  # calls wait here for a slot
        self._thread: threading.Thread | None = None

    def deadline_ticks(self, milliseconds: int) -> int:
        return math.ceil(milliseconds / 1000 / self.tick_seconds) + 1

    def enter(self) -> None:
        with self._wake:
            if self.capacity is not None:
                while self._active >= self.capacity:
                    self._waiting += 1
                    try:
                        self._free.wait()
                    finally:
                        self._waiting -= 1
            self._active += 1
            if self._idle:
                self._wake.notify()
            elif self._thread is None:
                self._thread = threading.Thread(target=self._run, name="nexa-wasm-epoch", daemon=True)
                self._thread.start()

    def leave(self) -> None:
        with self._wake:
            self._active -= 1
            if self._waiting:
                self._free.notify()

    def _run(self) -> None:
        # Ticks follow the monotonic clock, not the number of wake-ups: a wake-up that comes late
        # (this thread waits for the GIL while a tool hammers Python host calls) catches up.
        ticks_done, origin = 0, time.monotonic()
        while True:
            with self._wake:
                if self._active == 0:
                    self._idle = True
                    while self._active == 0:
                        self._wake.wait()
                    self._idle = False
                    ticks_done, origin = 0, time.monotonic()
            time.sleep(self.tick_seconds)
            due = int((time.monotonic() - origin) / self.tick_seconds)
            for _ in range(due - ticks_done):
                self.engine.increment_epoch()
            ticks_done = max(due, ticks_done)


class Runtime:
    """Engine, linkers and ticker shared by every `WasmTool` of the process.

    `pool_slots`: serve instances from wasmtime's pooling allocator, for that many calls at once
    (see the module docstring); None, or a machine that refuses the pool's address space, gives
    the on-demand allocator."""

    def __init__(self, *, pool_slots: int | None = POOL_SLOTS) -> None:
        self.engine, self.pool_slots = _engine(pool_slots)
        self.engine_address = capi.address(self.engine.ptr())  # for capi.Store
        # wasmtime's own cache stays off (its default); cache.py keys entries by this configuration
        self.config_text = f"epoch_interruption=1;max_wasm_stack={MAX_WASM_STACK};cranelift"
        if self.pool_slots:
            self.config_text += f";pooling={self.pool_slots}x{POOL_MEMORY_BYTES}"
        self.wasmtime_version = importlib.metadata.version("wasmtime")
        # a call holds its place from store creation to deletion: the pool never runs out of slots
        self.ticker = EpochTicker(self.engine, capacity=self.pool_slots)
        # An empty read-only directory preopened as "/": absolute paths outside the tool's own
        # preopens reach the host (and are refused there, E402) instead of failing inside libc.
        self.root_directory = tempfile.mkdtemp(prefix="nexa-wasm-root-")
        self.plain_wasi = wasmtime.Linker(self.engine)
        self.plain_wasi.define_wasi()
        self.linker = wasmtime.Linker(self.engine)
        self.linker.define_wasi()
        self.linker.allow_shadowing = True
        installed = hostcalls.install(self.linker, self.plain_wasi, self.engine)
        self.wasi_functions = installed.offered
        self.bridge = installed.bridge

    @property
    def pooled(self) -> bool:
        return self.pool_slots is not None

    def fits(self, limits: WasmLimits) -> bool:
        """Whether a pool slot holds everything these limits allow (else: `on_demand_runtime`)."""
        return not self.pooled or limits.max_table_elements <= POOL_TABLE_ELEMENTS

    @property
    def fingerprint(self) -> str:
        """What compiled code depends on: wasmtime's version and the engine configuration."""
        text = f"wasmtime {self.wasmtime_version}; {self.config_text}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _config(pool_slots: int | None) -> wasmtime.Config:
    config = wasmtime.Config()
    config.epoch_interruption = True
    config.max_wasm_stack = MAX_WASM_STACK
    if pool_slots:
        # wasmtime-py does not wrap the pooling allocator's configuration; the C API does
        pool = _ffi.wasmtime_pooling_allocation_config_new()
        try:
            _ffi.wasmtime_pooling_allocation_config_total_memories_set(pool, pool_slots)
            _ffi.wasmtime_pooling_allocation_config_total_tables_set(pool, pool_slots)
            # the tool and, once it forwards a call to WASI, the bridge (hostcalls.Bridge)
            _ffi.wasmtime_pooling_allocation_config_total_core_instances_set(pool, 2 * pool_slots)
            _ffi.wasmtime_pooling_allocation_config_max_memory_size_set(pool, POOL_MEMORY_BYTES)
            _ffi.wasmtime_pooling_allocation_config_table_elements_set(pool, POOL_TABLE_ELEMENTS)
            _ffi.wasmtime_pooling_allocation_config_linear_memory_keep_resident_set(pool, KEEP_RESIDENT_BYTES)
            _ffi.wasmtime_pooling_allocation_config_table_keep_resident_set(pool, KEEP_RESIDENT_BYTES)
            _ffi.wasmtime_pooling_allocation_strategy_set(config.ptr(), pool)  # copied
        finally:
            _ffi.wasmtime_pooling_allocation_config_delete(pool)
    return config


def _engine(pool_slots: int | None) -> tuple[wasmtime.Engine, int | None]:
    if pool_slots and _can_reserve(pool_slots * (POOL_MEMORY_BYTES + _POOL_SLOT_OVERHEAD)):
        return wasmtime.Engine(_config(pool_slots)), pool_slots
    return wasmtime.Engine(_config(None)), None


_POOL_SLOT_OVERHEAD = 256 << 20  # more than a slot's guard pages, table and instance: a margin


def _can_reserve(size: int) -> bool:
    """Whether `size` bytes of address space can be mapped (inaccessible, so nothing is committed).
    wasmtime's C API aborts the process when it cannot map its pool (a panic in
    `wasm_engine_new_with_config`), so a limit on address space (`ulimit -v`, valgrind, sanitizers)
    is found out here first."""
    try:
        probe = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, prot=0)
    except (OSError, OverflowError, ValueError):
        return False
    probe.close()
    return True


@functools.cache
def sandbox_runtime() -> Runtime:
    return Runtime()


@functools.cache
def on_demand_runtime() -> Runtime:
    """For the tools a pool slot cannot hold: a module with more memories or tables than a slot,
    or a table limit above `POOL_TABLE_ELEMENTS`."""
    return Runtime(pool_slots=None)
