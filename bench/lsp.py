"""Benchmark of the language server: drives the real `nexa-lsp` over stdio and prints

* the initialize round-trip (request sent right after the process started, and again measured from
  the process start);
* on a generated 5,000-line file, p50/p95 of didChange -> first publishDiagnostics of that version
  (the quick result: syntax errors + the last check moved through the edits) and -> the check's
  result, for single-character edits;
* completion p50/p95 on the same file (when the server offers completion), after a typed prefix
  and on an empty word (the whole list);
* peak memory (resident set) of the server and its check worker.

Usage: .venv/bin/python bench/lsp.py [--edits N] [--completions N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cattrs
import tree_sitter
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.protocol import JsonRPCResponseMessage, default_converter

NEXA_LSP = str(Path(sys.executable).with_name("nexa-lsp"))


def big_program(lines: int = 5000) -> str:
    """A clean program of `lines` lines: agents and flows, each flow called from main."""
    out: list[str] = []
    number = 0
    while len(out) + number < lines:
        out += [
            f"agent Worker{number} {{",
            f'    role: "Worker {number} 研究员",',
            '    model: "deepseek/deepseek-chat",',
            f'    prompt: "Do task {number}."',
            "}",
            "",
            f"flow step{number}(topic: str) {{",
            f"    draft = topic >> Worker{number};",
            "    print(draft);",
            "}",
            "",
        ]
        number += 1
    out += ["flow main {", *(f'    step{n}("x");' for n in range(number)), "}"]
    return "\n".join(out) + "\n"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def rss_kib(pid: int) -> tuple[int, int]:
    """(current, peak) resident set of a process, in KiB (Linux /proc)."""
    current = peak = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                current = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1])
    except OSError:
        pass
    return current, peak


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def wait_until_idle(pid: int, quiet: float = 0.3, limit: float = 30.0) -> float:
    """Wait until the process has used no CPU for `quiet` seconds (it finished starting); returns
    the CPU seconds it used until then."""
    deadline = time.perf_counter() + limit
    last, still_since = cpu_seconds(pid), time.perf_counter()
    while time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
        now = cpu_seconds(pid)
        if now != last:
            last, still_since = now, time.perf_counter()
        elif time.perf_counter() - still_since >= quiet:
            break
    return last


def children(pid: int) -> list[int]:
    try:
        found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    except OSError:
        return []
    return [int(p) for p in found]


def raw_completion_converter() -> cattrs.Converter:
    """The client's converter, except that completion answers stay parsed JSON, as an editor's
    client reads them: turning a thousand items into lsprotocol objects costs this Python client
    ~20 ms, which is not the server's latency."""
    converter = default_converter()
    converter.register_structure_hook(
        types.CompletionResponse,
        lambda data, _: JsonRPCResponseMessage(
            id=data["id"], jsonrpc=data["jsonrpc"], result=data.get("result")
        ),
    )
    return converter


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("nexa-bench", "1", converter_factory=raw_completion_converter)
        self.published: list[tuple[float, types.PublishDiagnosticsParams]] = []

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_publish(params: types.PublishDiagnosticsParams) -> None:
            self.published.append((time.perf_counter(), params))

    async def wait_for(self, uri: str, version: int, after: int, timeout: float = 60) -> list[float]:
        """Arrival times of the publishes for `version` seen after index `after` (waits for one)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            times = [t for t, p in self.published[after:] if p.uri == uri and p.version == version]
            if times:
                return times
            await asyncio.sleep(0.0005)
        raise TimeoutError(f"no diagnostics for version {version}")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--completions", type=int, default=40)
    parser.add_argument(
        "--startup-wait", type=float, default=3.0, help="seconds between spawn and initialize"
    )
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="nexa-bench-"))
    path = folder / "big.nx"
    text = big_program()
    path.write_text(text, "utf-8")
    uri = path.as_uri()

    client = Client()
    spawned = time.perf_counter()
    await client.start_io(NEXA_LSP)
    server_pid = client._server.pid  # type: ignore[union-attr]
    startup_cpu = await wait_until_idle(server_pid)  # imports done: time initialize alone
    started = time.perf_counter() - spawned
    sent = time.perf_counter()
    result = await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                text_document=types.TextDocumentClientCapabilities(
                    publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
                    completion=types.CompletionClientCapabilities(
                        completion_list=types.CompletionListCapabilities(item_defaults=["editRange"])
                    ),
                )
            ),
            root_uri=folder.as_uri(),
        )
    )
    answered = time.perf_counter()
    client.initialized(types.InitializedParams())
    print(f"server start (spawn until idle): {started * 1000:.0f} ms wall, {startup_cpu * 1000:.0f} ms CPU")
    print(f"initialize round-trip (server started): {(answered - sent) * 1000:.1f} ms")

    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="nexa", version=1, text=text)
        )
    )
    opened = time.perf_counter()
    lines = text.splitlines()
    await client.wait_for(uri, 1, 0, timeout=120)
    print(
        f"didOpen -> first diagnostics ({len(lines)} lines): {(time.perf_counter() - opened) * 1000:.0f} ms"
    )

    # Single-character edits: type a character into a string on a line near the middle, waiting
    # for the check's result before the next edit (so each edit's timing stands alone).
    quick: list[float] = []
    full: list[float] = []
    line = next(i for i in range(len(lines) // 2, len(lines)) if lines[i].startswith("    prompt:"))
    column = lines[line].index('."') + 1
    for number in range(options.edits):
        version = number + 2
        position = types.Position(line=line, character=column + number)
        mark = len(client.published)
        before = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=position, end=position), text="x"
                    )
                ],
            )
        )
        times = await client.wait_for(uri, version, mark)
        quick.append((times[0] - before) * 1000)
        deadline = time.perf_counter() + 60
        while len(times) < 2 and time.perf_counter() < deadline:
            await asyncio.sleep(0.001)
            times = [t for t, p in client.published[mark:] if p.uri == uri and p.version == version]
        full.append((times[-1] - before) * 1000)
    print(
        f"didChange -> publishDiagnostics, quick (syntax + moved check), p50/p95: "
        f"{statistics.median(quick):.1f} / {percentile(quick, 0.95):.1f} ms ({len(quick)} edits)"
    )
    print(
        f"didChange -> publishDiagnostics, full check (150 ms debounce included), p50/p95: "
        f"{statistics.median(full):.0f} / {percentile(full, 0.95):.0f} ms"
    )

    provider = result.capabilities.completion_provider
    if provider is None:
        print("completion: not offered by the server (no completion handler registered)")
    else:
        target = next(i for i, text_line in enumerate(lines) if text_line.startswith("    draft = topic >>"))
        # "Wor|" (the items matching a typed prefix) and ">> |" (an empty word: every item)
        for label, column in (
            ("prefix 'Wor'", "    draft = topic >> Wor"),
            ("empty word", "    draft = topic >> "),
        ):
            durations = []
            count = 0
            for number in range(options.completions):
                at = types.Position(line=target + 11 * (number % 50), character=len(column))
                before = time.perf_counter()
                answer = await client.protocol.send_request_async(
                    types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at),
                )
                durations.append((time.perf_counter() - before) * 1000)
                count = len(answer["items"]) if isinstance(answer, dict) else len(answer or [])
            print(
                f"completion p50/p95, {label} ({count} items; 5,000 lines, unchanged document; "
                f"first request {durations[0]:.0f} ms): "
                f"{statistics.median(durations[1:]):.1f} / {percentile(durations[1:], 0.95):.1f} ms"
            )

    worker_peaks = [rss_kib(pid)[1] for pid in children(server_pid)]
    server_peak = rss_kib(server_pid)[1]
    print(f"peak memory, server: {server_peak / 1024:.0f} MiB")
    print(f"peak memory, check worker(s): {sum(worker_peaks) / 1024:.0f} MiB")

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, tree-sitter {getattr(tree_sitter, '__version__', 'unknown')}, "
        f"pygls 2.1, load average {load:.1f}, commit {commit}"
    )


if __name__ == "__main__":
    asyncio.run(main())
