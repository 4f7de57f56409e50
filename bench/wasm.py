"""Cost of a WASM tool call in the sandbox (nexa_avm.wasm).

Measures:
  - cold start: compile + link + instantiate + first call, with an empty module cache, for a trivial
    tool (tests/wasm/modules/echo.wat, a few hundred bytes) and for the C example word_count (35 KB);
  - cold start from the disk cache (`…_from_disk`): a new process's first call when the compiled
    module is on disk (deserialize instead of compile);
  - warm call: the per-call overhead of the trivial tool (fresh store + WASI context + instance,
    `_start`, arguments in, JSON out), and word_count's warm call; target: under 200 µs. All of
    a call's work is done by the calling thread, within `WasmTool.call`: nothing is prepared ahead
    or cleaned up later by another thread (the instance's pool slot is reset when its store is
    deleted, inside the call). Three figures: wall-clock µs per call, the calling thread's CPU µs
    (`cpu_…`: on a busy machine the wall clock also counts waiting for a CPU) and the whole
    process's CPU µs (`process_cpu_…`: the calling thread plus the epoch ticker and anything else);
  - the CPU limit's mechanism: a 20M-iteration loop under no interruption, epoch interruption (what
    the sandbox uses) and fuel, to show what each costs.
Times are medians (and minima) of several runs, wall-clock. Prints one line per figure
(`name: value unit`), then the machine and the git commit.

    .venv/bin/python bench/wasm.py [--calls N] [--runs N]
"""

import argparse
import gc
import os
import platform
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import wasmtime

from nexa_avm.wasm import WasmTool
from nexa_avm.wasm.cache import ModuleCache
from nexa_avm.wasm.engine import TICK_SECONDS, sandbox_runtime

REPO_ROOT = Path(__file__).resolve().parent.parent
ECHO_WAT = REPO_ROOT / "tests" / "wasm" / "modules" / "echo.wat"
WORD_COUNT = REPO_ROOT / "sdk" / "wasm" / "examples" / "word_count.wasm"

LOOP_WAT = """(module
  (func (export "run") (param $n i32) (result i32)
    (local $acc i32)
    (loop $again
      (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $n) (i32.const 7))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $again (local.get $n)))
    (local.get $acc)))"""
LOOP_ITERATIONS = 20_000_000


def median_and_min(samples: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(samples), 1), "min": round(min(samples), 1)}


def cold_start_ms(path: Path, runs: int, *, from_disk: bool) -> dict[str, float]:
    """Load + first call with a cache that has never seen the module (or only has it on disk)."""
    samples = []
    with tempfile.TemporaryDirectory() as directory:
        if from_disk:
            WasmTool(path, cache=ModuleCache(sandbox_runtime(), Path(directory))).load()
        for _ in range(runs):
            cache = ModuleCache(sandbox_runtime(), Path(directory) if from_disk else None)
            if not from_disk:
                cache.directory = Path(tempfile.mkdtemp(dir=directory))
            start = time.perf_counter()
            tool = WasmTool(path, cache=cache)
            result = tool.call({"text": "one two three"})
            samples.append((time.perf_counter() - start) * 1000)
            assert not hasattr(result, "code"), result
    return median_and_min(samples)


def warm_call_us(tool: WasmTool, arguments: dict, calls: int, runs: int) -> dict[str, float]:
    """Wall-clock µs per call, the calling thread's CPU µs per call (`cpu_…`: on a shared, busy
    machine the wall clock also counts time spent waiting for a CPU), and the process's CPU µs
    per call (`process_cpu_…`: every thread's work, so none can hide on another thread)."""
    tool.call(arguments)
    per_call, cpu_per_call, process_per_call = [], [], []
    gc.disable()
    try:
        for _ in range(runs):
            start, cpu_start, process_start = time.perf_counter(), time.thread_time(), time.process_time()
            for _ in range(calls):
                tool.call(arguments)
            per_call.append((time.perf_counter() - start) / calls * 1e6)
            cpu_per_call.append((time.thread_time() - cpu_start) / calls * 1e6)
            process_per_call.append((time.process_time() - process_start) / calls * 1e6)
    finally:
        gc.enable()
    wall, cpu, process = (
        median_and_min(per_call),
        median_and_min(cpu_per_call),
        median_and_min(process_per_call),
    )
    return {
        **wall,
        **{f"cpu_{kind}": value for kind, value in cpu.items()},
        **{f"process_cpu_{kind}": value for kind, value in process.items()},
    }


def loop_ms(
    configure: Callable[[wasmtime.Config], None], prepare: Callable[[wasmtime.Store], None], runs: int
) -> dict[str, float]:
    config = wasmtime.Config()
    configure(config)
    engine = wasmtime.Engine(config)
    module = wasmtime.Module(engine, LOOP_WAT)
    samples = []
    for _ in range(runs):
        store = wasmtime.Store(engine)
        prepare(store)
        run = wasmtime.Instance(store, module, []).exports(store)["run"]
        start = time.perf_counter()
        run(store, LOOP_ITERATIONS)
        samples.append((time.perf_counter() - start) * 1000)
    return median_and_min(samples)


def git_commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--calls", type=int, default=500, help="warm calls per run")
    options.add_argument("--runs", type=int, default=7, help="runs per figure; the median is printed")
    arguments = options.parse_args()
    calls, runs = arguments.calls, arguments.runs
    load_before = os.getloadavg()[0]

    with tempfile.TemporaryDirectory() as directory:
        echo_path = Path(directory) / "echo.wasm"
        echo_path.write_bytes(bytes(wasmtime.wat2wasm(ECHO_WAT.read_text())))
        cold_echo = cold_start_ms(echo_path, runs, from_disk=False)
        cold_word = cold_start_ms(WORD_COUNT, runs, from_disk=False)
        disk_word = cold_start_ms(WORD_COUNT, runs, from_disk=True)
        cache = ModuleCache(sandbox_runtime(), Path(directory) / "cache")
        echo = WasmTool(echo_path, cache=cache)
        word_count = WasmTool(WORD_COUNT, cache=cache)
        warm_echo = warm_call_us(echo, {"text": "hello"}, calls, runs)
        warm_word = warm_call_us(word_count, {"text": "one two three"}, calls, runs)

    no_interruption = loop_ms(lambda c: None, lambda s: None, runs)
    epoch = loop_ms(
        lambda c: setattr(c, "epoch_interruption", True), lambda s: s.set_epoch_deadline(1 << 40), runs
    )
    fuel = loop_ms(lambda c: setattr(c, "consume_fuel", True), lambda s: s.set_fuel(1 << 60), runs)

    figures = [
        *((f"cold_start_trivial_tool_{kind}", value, "ms") for kind, value in cold_echo.items()),
        *((f"cold_start_word_count_{kind}", value, "ms") for kind, value in cold_word.items()),
        *((f"cold_start_word_count_from_disk_{kind}", value, "ms") for kind, value in disk_word.items()),
        *((f"warm_call_trivial_tool_{kind}", value, "us") for kind, value in warm_echo.items()),
        *((f"warm_call_word_count_{kind}", value, "us") for kind, value in warm_word.items()),
        ("warm_call_target", 200, "us"),
        ("warm_call_trivial_tool_meets_target_wall", "yes" if warm_echo["median"] < 200 else "no", ""),
        ("warm_call_trivial_tool_meets_target_cpu", "yes" if warm_echo["cpu_median"] < 200 else "no", ""),
        ("wasm_instance_allocator", "pooling" if echo.runtime.pooled else "on-demand", ""),
        ("cpu_loop_iterations", LOOP_ITERATIONS, "iterations"),
        *((f"cpu_loop_no_interruption_{kind}", value, "ms") for kind, value in no_interruption.items()),
        *((f"cpu_loop_epoch_interruption_{kind}", value, "ms") for kind, value in epoch.items()),
        *((f"cpu_loop_fuel_{kind}", value, "ms") for kind, value in fuel.items()),
        ("epoch_tick", TICK_SECONDS * 1000, "ms"),
        ("warm_calls_per_run", calls, "calls"),
        ("runs_per_figure", runs, "runs"),
        ("cpu_count", os.cpu_count(), "cpus"),
        ("cpu_model", cpu_model(), ""),
        ("load_average_1min_before", round(load_before, 2), ""),
        ("load_average_1min_after", round(os.getloadavg()[0], 2), ""),
        ("python", platform.python_version(), ""),
        ("wasmtime", metadata.version("wasmtime"), ""),
        ("platform", platform.platform(), ""),
        ("git_commit", git_commit(), ""),
    ]
    for name, value, unit in figures:
        print(f"{name}: {value} {unit}".rstrip())


if __name__ == "__main__":
    main()
