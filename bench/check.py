"""Benchmark of `nexa-lsp --check` as a user runs it: a whole process on a folder of generated code.

    python bench/check.py [--files 1000] [--lines 200000] [--jobs N] [--keep DIR] [--warm-runs N]

Generates `--files` Nexa files of about `--lines` lines in all (agents, protocols, tools, `@tool`
functions, flows with DAG pipelines, intent matches, loops, try/catch, spawns, tests, includes of
shared libraries, and a few errors and warnings) into a temporary folder, then runs the installed
`nexa-lsp --check DIR` with a cold cache (text and json output), then several times with a warm
cache (median).
Prints one `name: value unit` line per figure, then the machine and the git commit (STYLE.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# ------------------------------------------------------------------------------------ generation


def agent(rng: random.Random, name: str, protocols: list[str]) -> list[str]:
    lines = [
        f"agent {name}"
        + (f" implements {rng.choice(protocols)}" if protocols and rng.random() < 0.2 else "")
        + " {"
    ]
    lines.append(f'    role: "{name} 的角色",')
    lines.append(f'    prompt: "You are {name}. 处理输入并给出简洁的回答。",')
    if rng.random() < 0.5:
        lines.append(
            f'    model: "{rng.choice(["deepseek/deepseek-chat", "openai/gpt-4o-mini", "minimax/abab6.5"])}",'
        )
    if rng.random() < 0.3:
        lines.append(f"    retry: {rng.randint(1, 4)},")
    lines.append(f"    timeout: {rng.randint(10, 120)}")
    lines.append("}")
    return lines


def protocol(name: str) -> list[str]:
    return [f"protocol {name} {{", '    summary: "string",', '    score: "float",', '    tags: "list"', "}"]


def tool(name: str) -> list[str]:
    return [
        f"tool {name} {{",
        f'    description: "{name}: look something up",',
        "    parameters: {",
        '        "query": "string",',
        '        "limit": "int"',
        "    }",
        "}",
    ]


def tool_fn(name: str) -> list[str]:
    return [
        f'@tool("Count the words of a text ({name})")',
        f"fn {name}(text: string): int {{",
        '    words = text.split(" ")',
        "    return len(words)",
        "}",
    ]


def pipeline_flow(rng: random.Random, name: str, agents: list[str]) -> list[str]:
    a, b, c, d = (rng.choice(agents) for _ in range(4))
    lines = [f"flow {name}(topic: str) {{"]
    lines.append(f"    draft = topic >> {a} >> {b}")
    lines.append(f"    views = draft |>> [{b}, {c}] &>> {d}")
    lines.append('    summary = "总结: #{views}"')
    lines.append(f"    verdict = draft ?? {a} : {c}")
    if rng.random() < 0.3:
        lines.append(f"    topic |>> [{a}, {b}]")  # G001: results never used
    if rng.random() < 0.3:
        lines.append(f'    "notice: #{{topic}}" || [{c}, {d}]')
    lines.append("    print(summary)")
    lines.append("    return verdict")
    lines.append("}")
    return lines


def intent_flow(rng: random.Random, name: str, agents: list[str]) -> list[str]:
    a, b, c = (rng.choice(agents) for _ in range(3))
    lines = [f"flow {name}(request) {{", "    reply = match request {"]
    lines.append(f'        intent("asks about orders") => {a}.run(request),')
    lines.append(f'        intent("wants a refund") => {b}.run(request),')
    if rng.random() < 0.85:
        lines.append(f"        _ => {c}.run(request)")
    else:
        lines[-1] = lines[-1].rstrip(",")  # G008: no default arm
    lines += ["    }", "    print(reply)", "    return reply", "}"]
    return lines


def loop_flow(rng: random.Random, name: str, agents: list[str]) -> list[str]:
    a, b = (rng.choice(agents) for _ in range(2))
    return [
        f"flow {name}(items) {{",
        "    total = 0",
        "    for item in items {",
        "        total = total + 1",
        "        if (total > 10) {",
        "            break",
        "        }",
        f"        note = {a}.run(item)",
        "        print(note)",
        "    }",
        "    count = 0",
        "    while (count < 3) {",
        "        count = count + 1",
        "    }",
        '    draft = "first draft"',
        "    loop {",
        f"        draft = {b}.run(draft)",
        '    } until ("the draft is good enough")',
        "    return draft",
        "}",
    ]


def try_flow(rng: random.Random, name: str, agents: list[str], bad: bool) -> list[str]:
    a, b = (rng.choice(agents) for _ in range(2))
    callee = f"{a}.run(text)" if not bad else f"{a}Missing.run(text)"  # E001 when bad
    return [
        f"flow {name}(text) {{",
        "    try {",
        f"        result = {callee}",
        "        print(result)",
        "    } catch (err) {",
        f'        result = {b}.run("error: " + err)',
        "    }",
        "    job = spawn(fn() { print(text) })",
        "    await_task(job)",
        "    return result",
        "}",
    ]


def test_block(name: str, flow: str) -> list[str]:
    return [f'test "{name}" {{', f'    out = {flow}("测试输入")', "    assert(out != none)", "}"]


def generate_file(rng: random.Random, index: int, target_lines: int, library: str | None) -> tuple[str, bool]:
    """One file of about `target_lines` lines; a file with `library` includes it (and is a root)."""
    prefix = f"F{index}"
    out: list[str] = [f"// generated file {index}: 基准测试"]
    if library is not None:
        out.append(f'include "{library}"')
    out.append("")
    protocols = [f"{prefix}Result{i}" for i in range(2)]
    for p in protocols:
        out += protocol(p) + [""]
    agents: list[str] = []
    flows: list[str] = []
    n = 0
    while len(out) < target_lines - 25:
        kind = n % 8
        n += 1
        if kind in (0, 1) or len(agents) < 4:
            name = f"{prefix}Agent{len(agents)}"
            agents.append(name)
            out += agent(rng, name, protocols)
        elif kind == 2:
            flows.append(f"{prefix.lower()}_pipeline{n}")
            out += pipeline_flow(rng, flows[-1], agents)
        elif kind == 3:
            flows.append(f"{prefix.lower()}_route{n}")
            out += intent_flow(rng, flows[-1], agents)
        elif kind == 4:
            flows.append(f"{prefix.lower()}_loop{n}")
            out += loop_flow(rng, flows[-1], agents)
        elif kind == 5:
            flows.append(f"{prefix.lower()}_safe{n}")
            out += try_flow(rng, flows[-1], agents, bad=rng.random() < 0.05)
        elif kind == 6:
            out += tool(f"{prefix}Tool{n}") if rng.random() < 0.5 else tool_fn(f"{prefix.lower()}_count{n}")
        else:
            out += test_block(f"{prefix} case {n}", rng.choice(flows)) if flows else []
        out.append("")
    is_root = library is not None or rng.random() < 0.7
    if is_root:
        out.append("flow main {")
        for flow in flows[:4]:
            out.append(f'    print({flow}("开始"))')
        out.append("}")
    while len(out) < target_lines:
        out.append("// padding")
    return "\n".join(out[:target_lines]) + "\n", is_root


def generate_library(rng: random.Random, index: int, target_lines: int) -> str:
    """A library of agents and pipeline flows, included by some of the roots."""
    prefix = f"L{index}"
    out = [f"// shared library {index}"]
    agents = [f"{prefix}Agent{i}" for i in range(4)]
    for name in agents:
        out += agent(rng, name, []) + [""]
    n = 0
    while len(out) < target_lines - 25:
        n += 1
        out += pipeline_flow(rng, f"{prefix.lower()}_shared{n}", agents) + [""]
    while len(out) < target_lines:
        out.append("// padding")
    return "\n".join(out[:target_lines]) + "\n"


def generate(directory: Path, files: int, lines: int, seed: int = 7) -> int:
    """Write the files; returns the number of lines written."""
    rng = random.Random(seed)
    per_file = max(60, lines // files)
    libraries = max(1, files // 50)
    written = 0
    for i in range(libraries):
        text = generate_library(rng, i, per_file)
        (directory / "lib").mkdir(exist_ok=True)
        (directory / "lib" / f"shared{i}.nxlib").write_text(text, encoding="utf-8")
        written += text.count("\n")
    for i in range(files - libraries):
        folder = directory / f"pkg{i % 10}"
        folder.mkdir(exist_ok=True)
        library = f"../lib/shared{rng.randrange(libraries)}.nxlib" if rng.random() < 0.15 else None
        text, _ = generate_file(rng, i, per_file, library)
        (folder / f"m{i:04}.nx").write_text(text, encoding="utf-8")
        written += text.count("\n")
    return written


# ------------------------------------------------------------------------------------ measurement


def nexa_lsp_command() -> str:
    beside = Path(sys.executable).with_name("nexa-lsp")
    found = str(beside) if beside.exists() else shutil.which("nexa-lsp")
    if found is None:
        sys.exit("bench/check.py: the nexa-lsp command is not installed (pip install -e .)")
    return found


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_check(
    command: list[str], env: dict[str, str]
) -> tuple[float, float, subprocess.CompletedProcess[bytes]]:
    """Wall-clock seconds, CPU seconds of the process and its workers, and the completed run."""
    cpu = children_cpu()
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, env=env)
    elapsed = time.perf_counter() - started
    cpu = children_cpu() - cpu
    if completed.returncode == 2:
        problems = completed.stderr.decode(errors="replace").splitlines()
        sys.exit("bench/check.py: nexa-lsp failed:\n" + "\n".join(problems[:20]))
    return elapsed, cpu, completed


def peak_children_rss_mb() -> float:
    """The largest resident set of any child process waited for so far (Linux: kilobytes)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def machine() -> list[str]:
    try:
        import tree_sitter  # noqa: F401

        tree_sitter_version = metadata.version("tree-sitter")
    except (ImportError, metadata.PackageNotFoundError):
        tree_sitter_version = "unknown"
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "server", "bench"],
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        commit, dirty = "unknown", ""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    return [
        f"machine: {platform.machine()} {platform.processor() or platform.system()}, {cpus} cpu(s) usable",
        f"load average (1, 5, 15 min): {load}",
        f"python: {platform.python_version()} ({platform.python_implementation()})",
        f"tree-sitter: {tree_sitter_version}",
        f"commit: {commit}{' (with uncommitted changes)' if dirty else ''}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--jobs", type=int, help="passed to nexa-lsp --jobs (default: every core)")
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it")
    parser.add_argument("--warm-runs", type=int, default=5, help="warm runs per output format (median)")
    args = parser.parse_args()

    directory = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="nexa-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    cache = Path(tempfile.mkdtemp(prefix="nexa-bench-cache-"))
    env = {k: v for k, v in os.environ.items() if k not in ("NEXA_CONFIG", "NO_COLOR")}
    env["XDG_CACHE_HOME"] = str(cache)
    try:
        lines = generate(directory, args.files, args.lines)
        base = [
            nexa_lsp_command(),
            "--check",
            str(directory),
            "--exit-zero",
            "--cache-dir",
            str(cache / "check"),
        ]
        if args.jobs:
            base += ["--jobs", str(args.jobs)]
        figures: list[str] = [f"files: {args.files} files", f"lines: {lines} lines"]
        for output in ("full", "json"):
            shutil.rmtree(cache / "check", ignore_errors=True)
            elapsed, cpu, completed = run_check([*base, "--output-format", output], env)
            figures.append(f"cold {output} check: {elapsed:.2f} s")
            figures.append(f"cold {output} throughput: {lines / elapsed:,.0f} lines/s")
            figures.append(f"cold {output} cpu time (all processes): {cpu:.2f} s")
            if output == "json":
                found = json.loads(completed.stdout)
                errors = sum(1 for d in found if d["severity"] == "error")
                figures.append(f"diagnostics: {len(found)} diagnostics ({errors} errors)")
        # Warm: the cache holds every file's result (a CI job that restores .nexa_cache, or a
        # second run after an edit elsewhere). The median of several runs: each lasts about a second.
        for output in ("full", "json"):
            runs = [run_check([*base, "--output-format", output], env) for _ in range(args.warm_runs)]
            elapsed = statistics.median(run[0] for run in runs)
            cpu = statistics.median(run[1] for run in runs)
            figures.append(f"warm {output} check: {elapsed:.2f} s (median of {args.warm_runs})")
            figures.append(f"warm {output} cpu time (all processes): {cpu:.2f} s")
            figures.append(f"warm {output} throughput: {lines / elapsed:,.0f} lines/s")
        figures.append(f"peak memory (largest child process): {peak_children_rss_mb():.0f} MB")
        for line in figures + machine():
            print(line)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
