"""Where `nexa-lsp --check` spends its CPU: each step of checking, timed in one process.

    python bench/phases.py [--files 1000] [--lines 200000] [--top 12]

Generates the same folder as bench/check.py (same seed), then checks every root file the way
`check_root` does, one step at a time, and adds up the thread CPU time of each step over all files:
reading, parsing (tree-sitter's C parser), syntax errors, lowering to the AST, the program (its
includes), the node index, scopes, activation graphs, the rules (the slowest listed one by one; a
rule that first asks for a shared fact such as the call graph is charged with building it), and
finishing (selection, suppressions, sorting). The garbage collector is off, as in `--check`'s
workers. Also times a bare start of the `nexa-lsp` process (interpreter, imports, rule registry).

Each line is `name: value unit`; the per-line rate of a step is what one core would reach if that
step were the only work. It answers "what is the floor of a Python front-end": the parse and
lowering alone bound the rate that any checker built on them can reach on one core.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check import generate, machine, nexa_lsp_command  # noqa: E402  - the benchmark's own generator
from nexa_lang.check import finish_file, parse_file  # noqa: E402
from nexa_lang.checker import rules  # noqa: E402
from nexa_lang.config import Settings  # noqa: E402
from nexa_lang.lowering import lower  # noqa: E402
from nexa_lang.model import SharedFiles, SourceFile  # noqa: E402
from nexa_lang.syntax_errors import syntax_errors  # noqa: E402

clock = time.thread_time


def check_in_steps(paths: list[Path], steps: dict[str, float], by_rule: dict[str, float]) -> int:
    """Check each root of `paths` step by step, adding each step's CPU seconds to `steps` and each
    rule's to `by_rule`; returns the number of the root files' diagnostics (`--check` also reports
    the libraries', and drops those inside syntax errors)."""
    settings = Settings()
    selected = [r for r in rules() if r.code in set(settings.selection.enabled_for(None))]
    included = SharedFiles()
    count = 0
    for path in paths:
        t0 = clock()
        text = path.read_text(encoding="utf-8")
        t1 = clock()
        parsed = parse_file(text, str(path))
        t2 = clock()
        found = [d.with_(path=parsed.path) for d in syntax_errors(parsed.tree, parsed.source, parsed.index)]
        t3 = clock()
        module = lower(parsed.tree.root_node, parsed.source, parsed.path)
        t4 = clock()
        program = included.program(SourceFile(parsed.path, parsed.source, parsed.tree, module))
        program.settings = settings
        t5 = clock()
        for file in program.files:  # cached properties, built here to time them apart
            file.nodes  # noqa: B018
        t6 = clock()
        program.scopes  # noqa: B018
        t7 = clock()
        program.activation_graphs  # noqa: B018
        t8 = clock()
        for rule in selected:
            started = clock()
            found.extend(d for d in rule.run(program) if d.path in (None, parsed.path))
            by_rule[f"{rule.code} {rule.check.__module__.rsplit('.', 1)[-1]}"] += clock() - started
        t9 = clock()
        count += len(finish_file(parsed, found, settings, {r.code for r in selected}))
        t10 = clock()
        for name, seconds in (
            ("read", t1 - t0),
            ("parse (tree-sitter)", t2 - t1),
            ("syntax errors", t3 - t2),
            ("lowering", t4 - t3),
            ("program and includes", t5 - t4),
            ("node index", t6 - t5),
            ("scopes", t7 - t6),
            ("activation graphs", t8 - t7),
            ("rules", t9 - t8),
            ("finish", t10 - t9),
        ):
            steps[name] += seconds
    return count


def process_start() -> float:
    """Seconds of a `nexa-lsp --check` of an empty folder: interpreter start, imports, rules."""
    empty = Path(tempfile.mkdtemp(prefix="nexa-phases-empty-"))
    try:
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run([nexa_lsp_command(), "--check", str(empty), "--no-cache"], capture_output=True)
            runs.append(time.perf_counter() - started)
        return min(runs)
    finally:
        shutil.rmtree(empty, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--top", type=int, default=12, help="rules listed one by one")
    args = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="nexa-phases-"))
    try:
        lines = generate(directory, args.files, args.lines)
        roots = sorted(directory.rglob("*.nx"))
        steps: dict[str, float] = defaultdict(float)
        by_rule: dict[str, float] = defaultdict(float)
        gc.disable()
        diagnostics = check_in_steps(roots, steps, by_rule)
        gc.enable()
        total = sum(steps.values())
        figures = [f"lines: {lines} lines", f"root files checked: {len(roots)} files"]
        figures.append(f"diagnostics of the root files: {diagnostics} diagnostics")
        figures.append(f"process start (empty folder): {process_start():.3f} s")
        for name, seconds in steps.items():
            figures.append(
                f"{name}: {seconds:.2f} s cpu, {100 * seconds / total:.1f}%, {lines / seconds:,.0f} lines/s"
            )
        figures.append(f"all steps: {total:.2f} s cpu, {lines / total:,.0f} lines/s on one core")
        for name, seconds in sorted(by_rule.items(), key=lambda item: -item[1])[: args.top]:
            figures.append(f"rule {name}: {seconds:.2f} s cpu, {100 * seconds / total:.1f}%")
        for line in figures + machine():
            print(line)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
