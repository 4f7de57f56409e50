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
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import math
import tempfile
import threading
import time

import wasmtime

from nexa_avm.wasm import capi, hostcalls

TICK_SECONDS = 0.005
MAX_WASM_STACK = 512 * 1024  # wasmtime's default, named in the E401 message for a stack overflow


class EpochTicker:
    """Advances the engine's epoch every tick while calls are running; sleeps when none does."""

    def __init__(self, engine: wasmtime.Engine, tick_seconds: float = TICK_SECONDS) -> None:
        self.engine = engine
        self.tick_seconds = tick_seconds
        self._active = 0
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def deadline_ticks(self, milliseconds: int) -> int:
        return math.ceil(milliseconds / 1000 / self.tick_seconds) + 1

    def enter(self) -> None:
        with self._wake:
            self._active += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="nexa-wasm-epoch", daemon=True)
                self._thread.start()
            self._wake.notify()

    def leave(self) -> None:
        with self._wake:
            self._active -= 1

    def _run(self) -> None:
        # Ticks follow the monotonic clock, not the number of wake-ups: a wake-up that comes late
        # (this thread waits for the GIL while a tool hammers Python host calls) catches up.
        ticks_done, origin = 0, time.monotonic()
        while True:
            with self._wake:
                if self._active == 0:
                    while self._active == 0:
                        self._wake.wait()
                    ticks_done, origin = 0, time.monotonic()
            time.sleep(self.tick_seconds)
            due = int((time.monotonic() - origin) / self.tick_seconds)
            for _ in range(due - ticks_done):
                self.engine.increment_epoch()
            ticks_done = max(due, ticks_done)


class Runtime:
    """Engine, linkers and ticker shared by every `WasmTool` of the process."""

    def __init__(self) -> None:
        config = wasmtime.Config()
        config.epoch_interruption = True
        config.max_wasm_stack = MAX_WASM_STACK
        # wasmtime's own cache stays off (its default); cache.py keys entries by this configuration
        self.config_text = f"epoch_interruption=1;max_wasm_stack={MAX_WASM_STACK};cranelift"
        self.engine = wasmtime.Engine(config)
        self.engine_address = capi.address(self.engine.ptr())  # for capi.Store
        self.wasmtime_version = importlib.metadata.version("wasmtime")
        self.ticker = EpochTicker(self.engine)
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
    def fingerprint(self) -> str:
        """What compiled code depends on: wasmtime's version and the engine configuration."""
        text = f"wasmtime {self.wasmtime_version}; {self.config_text}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@functools.cache
def sandbox_runtime() -> Runtime:
    return Runtime()
