"""Benchmarks of the debug adapter (issue 7), one line per figure, then the machine and the commit.

    .venv/bin/python bench/dap.py [--runs 20] [--sample-ms 200] [--hook-only]

* launch to first stop: a real `nexa-dap` process over stdio, from the `initialize` request to the
  `stopped` event of a breakpoint on the first statement of flow main (bytecode cache warm, the usual
  case, and cold: check + compile during the launch); median of the runs;
* hook cost: the same VM run (offline provider, flow main, fresh interpreter each run) without a
  debugger and with the adapter's session attached and no breakpoints (stepping hook, step-back
  history: a pc per statement and a snapshot per checkpoint, reply memo, error hook); for a corpus
  program and for a loop of plain statements (the worst case: nothing but statement boundaries).
  A sample holds as many fresh runs of each kind as last about `--sample-ms` (the corpus program runs
  in about a millisecond: one run alone is mostly timer and scheduler noise), the kinds
  alternating run by run; `--runs` samples. Printed: the medians per run in CPU time
  (`time.process_time`, which other load on the machine moves less) and wall time, the overhead of
  the medians, and the median and quartiles of the samples' own overheads (how robust the figure
  is).

Target (issue 7): hook overhead under 20%.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "upstream"
NEXA_DAP = Path(sys.executable).with_name("nexa-dap")
CORPUS_PROGRAM = CORPUS / "v1.2" / "16_syntax_comprehensive_test.nx"
LOOP_PROGRAM = """\
flow main {
    total = 0
    i = 0
    while i < 20000 {
        total = total + i
        i = i + 1
    }
    print(total)
}
"""


# ------------------------------------------------------------------------------------ launch


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read(stream: Any) -> dict[str, Any]:
    length = 0
    while True:
        line = stream.readline().strip()
        if not line:
            break
        if line.lower().startswith(b"content-length"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


def launch_to_first_stop(program: Path, cwd: Path) -> float:
    process = subprocess.Popen(
        [str(NEXA_DAP)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=cwd
    )
    assert process.stdin is not None and process.stdout is not None
    first_line = next(
        n for n, text in enumerate(program.read_text().splitlines(), 1) if text.strip().startswith("total")
    )
    started = time.perf_counter()
    seq = 0

    def send(command: str, arguments: dict[str, Any]) -> None:
        nonlocal seq
        seq += 1
        process.stdin.write(
            frame({"seq": seq, "type": "request", "command": command, "arguments": arguments})
        )  # type: ignore[union-attr]
        process.stdin.flush()  # type: ignore[union-attr]

    send("initialize", {"adapterID": "nexa"})
    send("launch", {"program": str(program)})
    while True:
        message = read(process.stdout)
        if message.get("event") == "initialized":
            send("setBreakpoints", {"source": {"path": str(program)}, "breakpoints": [{"line": first_line}]})
            send("configurationDone", {})
        if message.get("event") == "stopped":
            elapsed = time.perf_counter() - started
            break
        if message.get("type") == "response" and not message.get("success"):
            raise RuntimeError(message.get("message"))
    send("disconnect", {})
    process.wait(10)
    return elapsed


def bench_launch(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        program = cwd / "loop.nx"
        program.write_text(LOOP_PROGRAM)
        cold = []
        for _ in range(max(3, runs // 4)):
            shutil.rmtree(cwd / ".nexa_cache", ignore_errors=True)
            cold.append(launch_to_first_stop(program, cwd))
        warm = [launch_to_first_stop(program, cwd) for _ in range(runs)]
    print(f"launch to first stop (cache warm) median: {statistics.median(warm) * 1000:.0f} ms")
    print(f"launch to first stop (cache cold) median: {statistics.median(cold) * 1000:.0f} ms")


# ------------------------------------------------------------------------------------ hook cost


class NullConnection:
    def send(self, message: dict[str, Any]) -> None:
        pass

    def send_event(self, event: str, body: dict[str, Any] | None = None) -> None:
        pass

    def send_response(self, request: dict[str, Any], body: Any = None, *, error: str | None = None) -> None:
        pass


def compiled(path: Path) -> Any:
    from nexa_avm.loading import load_program

    loaded = load_program(str(path), io.StringIO(), None, use_cache=False)
    assert loaded.program is not None, path
    return loaded.program


def one_run(program: Any, attached: bool) -> tuple[float, float, int]:
    """One fresh run of flow main: (CPU seconds, wall seconds, statements the debugger saw). With
    `attached`, a debug session is attached first as `launch` does it (`Session._prepare`: reply
    memo, history, stepping and error hooks; no statement table, which only breakpoints need) and
    the main task is its thread; that set-up is launch time, so it is not timed. Then the garbage
    collector runs, as `nexa-dap` collects (`prepare_process`) between the set-up and the run (in
    both kinds: the collection is not the hook's cost, nor the garbage of the last run). The timed
    part is the run itself."""
    import gc

    from nexa_avm.dap.session import Session
    from nexa_avm.interpreter import Interpreter
    from nexa_avm.providers import OfflineProvider

    async def run() -> tuple[float, float, int]:
        vm = Interpreter(program, OfflineProvider(), stdout=io.StringIO(), stderr=io.StringIO())
        session = None
        if attached:
            session = Session(NullConnection())  # type: ignore[arg-type]
            session._prepare(vm)
            session._register_thread(asyncio.current_task(), "main")
            assert vm.step_hook is not None
        gc.collect()
        cpu, wall = time.process_time(), time.perf_counter()
        await vm.initialize()
        if "main" in program.flows:
            await vm.call_flow("main", [None] * len(program.flows["main"].params))
        await vm.shutdown()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        statements = session.history.clock() if session and session.history else 0
        return cpu, wall, statements

    return asyncio.run(run())


Pair = tuple[float, float]


def one_sample(program: Any, repeat: int, first: bool) -> tuple[Pair, Pair, int]:
    """`repeat` pairs of fresh runs, one of each kind, the order alternating from pair to pair (so
    that the machine's drift and the other load hit both kinds alike): (CPU, wall) per run of the
    plain ones, then of the attached ones, and the statements of a run."""
    totals = [[0.0, 0.0], [0.0, 0.0]]
    statements = 0
    for index in range(repeat):
        order = (first, not first) if index % 2 == 0 else (not first, first)
        for attached in order:
            cpu, wall, seen = one_run(program, attached)
            totals[attached][0] += cpu
            totals[attached][1] += wall
            statements = seen or statements
    (plain_cpu, plain_wall), (debug_cpu, debug_wall) = totals
    return (plain_cpu / repeat, plain_wall / repeat), (debug_cpu / repeat, debug_wall / repeat), statements


def quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return values[0], values[0], values[0]
    low, middle, high = statistics.quantiles(values, n=4, method="inclusive")
    return low, middle, high


def bench_hook(name: str, program: Any, samples: int, sample_seconds: float) -> None:
    from nexa_avm.interpreter import prepare_process

    prepare_process()  # as `nexa run` and `nexa-dap` do before a run
    for _ in range(3):  # warm-up: imports, caches
        one_run(program, False)
        one_run(program, True)
    one = min(one_run(program, False)[1] for _ in range(5))
    repeat = max(1, round(sample_seconds / one))  # runs of each kind in a sample
    plain: list[tuple[float, float]] = []
    attached: list[tuple[float, float]] = []
    statements = 0
    for index in range(samples):
        without, with_, statements = one_sample(program, repeat, index % 2 == 0)
        plain.append(without)
        attached.append(with_)
    print(f"{name} statements per run: {statements}; {repeat} runs a sample, {samples} samples of each kind")
    for label, kind in (("without debugger", plain), ("with debugger attached, no breakpoints", attached)):
        cpu = statistics.median(c for c, _ in kind)
        wall = statistics.median(w for _, w in kind)
        print(f"{name} run {label}: CPU {cpu * 1000:.3f} ms, wall {wall * 1000:.3f} ms (medians)")
    for clock, pick in (("CPU", 0), ("wall", 1)):
        base = statistics.median(s[pick] for s in plain)
        debug = statistics.median(s[pick] for s in attached)
        paired = [(a[pick] / p[pick] - 1) * 100 for p, a in zip(plain, attached, strict=True)]
        low, middle, high = quartiles(paired)
        print(
            f"{name} hook overhead ({clock} time): {(debug / base - 1) * 100:.1f} % (of the medians); "
            f"samples: median {middle:.1f} %, quartiles {low:.1f} .. {high:.1f} %"
        )


def machine() -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0  # figures move when it is high
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    print(f"machine: {os.cpu_count()} CPUs, load {load:.1f}, {platform.platform()}")
    print(f"python: {platform.python_version()}")
    print(f"commit: {commit.stdout.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20, help="launches, and samples of each kind")
    parser.add_argument("--sample-ms", type=float, default=200.0, help="length of one hook-cost sample")
    parser.add_argument("--hook-only", action="store_true", help="skip the launch figures")
    args = parser.parse_args()
    if not args.hook_only:
        bench_launch(args.runs)
    os.chdir(tempfile.mkdtemp())  # memory files and caches of the runs go to a scratch folder
    sample = args.sample_ms / 1000
    bench_hook("corpus (v1.2/16_syntax_comprehensive_test.nx)", compiled(CORPUS_PROGRAM), args.runs, sample)
    loop = Path(tempfile.mkdtemp()) / "loop.nx"
    loop.write_text(LOOP_PROGRAM)
    bench_hook("statement loop (60,000 statements)", compiled(loop), args.runs, sample)
    machine()


if __name__ == "__main__":
    sys.exit(main())
