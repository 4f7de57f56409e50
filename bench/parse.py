"""Parse speed of the Nexa tree-sitter grammar.

Measures, with the compiled parser of the installed `tree_sitter_nexa`:
  - the corpus (../shared/corpus/upstream): every .nx/.nxlib file parsed once, total time;
  - a synthetic file of at least 10,000 lines made of whole corpus programs, repeated: a full parse,
    and an incremental re-parse after a one-character edit in its middle (tree.edit + parse with the
    old tree), as an editor does on each keystroke.
Each time is the median (and the minimum) of several runs, as wall-clock time and as the CPU time
of the parsing thread (on a busy machine the wall-clock time also counts the time the thread waited
for a CPU; the 1-minute load average is printed before and after). Only the parse is timed: the
resulting tree is freed after the clock stops, and the garbage collector is off while timing.
Prints one line per figure (`name: value unit`), then the machine and the git commit, so that two
runs can be compared side by side.

    .venv/bin/python bench/parse.py [--runs N]
"""

import argparse
import gc
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import tree_sitter

import tree_sitter_nexa

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus" / "upstream"
SYNTHETIC_LINES = 10_000

Point = tuple[int, int]


def corpus_files() -> list[Path]:
    files = sorted(p for p in CORPUS_DIR.rglob("*") if p.is_file() and p.suffix in (".nx", ".nxlib"))
    if not files:
        raise SystemExit(f"error: no .nx/.nxlib files under {CORPUS_DIR}")
    return files


def synthetic_source(files: list[Path], min_lines: int) -> bytes:
    """Whole corpus programs, in order and repeated, until the text has at least `min_lines` lines."""
    parts: list[bytes] = []
    lines = 0
    while lines < min_lines:
        for path in files:
            text = path.read_bytes()
            if not text.endswith(b"\n"):
                text += b"\n"
            parts.append(text)
            lines += text.count(b"\n")
            if lines >= min_lines:
                break
    return b"".join(parts)


def timed_ms(measure: Callable[[], tuple[int, int]], runs: int) -> dict[str, str]:
    """Median and minimum, in ms, of `runs` calls of `measure`, which returns the wall-clock and the
    thread CPU nanoseconds it timed. The minimum shows what the code can do when the machine is not
    busy with anything else."""
    walls: list[float] = []
    cpus: list[float] = []
    gc.disable()
    try:
        for _ in range(runs):
            wall, cpu = measure()
            walls.append(wall / 1e6)
            cpus.append(cpu / 1e6)
    finally:
        gc.enable()
    return {
        "median": f"{statistics.median(walls):.3f}",
        "min": f"{min(walls):.3f}",
        "cpu_median": f"{statistics.median(cpus):.3f}",
        "cpu_min": f"{min(cpus):.3f}",
    }


def clock() -> tuple[int, int]:
    return time.perf_counter_ns(), time.thread_time_ns()


def since(start: tuple[int, int]) -> tuple[int, int]:
    return time.perf_counter_ns() - start[0], time.thread_time_ns() - start[1]


def point_at(source: bytes, offset: int) -> Point:
    row = source.count(b"\n", 0, offset)
    return row, offset - (source.rfind(b"\n", 0, offset) + 1)


def middle_edit(source: bytes) -> tuple[int, bytes]:
    """Where the one-character edit goes: typing a letter just inside the first string literal that
    starts after the middle of the file."""
    offset = source.index(b'"', len(source) // 2) + 1
    return offset, source[:offset] + b"x" + source[offset:]


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", "grammar-ts", "bench")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}{' (grammar-ts or bench modified)' if dirty else ''}"


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
    options.add_argument("--runs", type=int, default=21, help="runs per figure; the median is printed")
    runs = options.parse_args().runs
    load_before = os.getloadavg()[0]

    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_nexa.language()))
    files = corpus_files()
    sources = [path.read_bytes() for path in files]

    def parse_corpus() -> tuple[int, int]:
        trees = []
        start = clock()
        for source in sources:
            trees.append(parser.parse(source))
        return since(start)  # the trees are freed after the clock stopped

    corpus_errors = sum(parser.parse(source).root_node.has_error for source in sources)

    big = synthetic_source(files, SYNTHETIC_LINES)
    big_tree = parser.parse(big)
    offset, edited = middle_edit(big)
    start_point = point_at(big, offset)

    def parse_big() -> tuple[int, int]:
        start = clock()
        tree = parser.parse(big)
        elapsed = since(start)
        del tree  # freeing the whole tree takes a millisecond or two: not part of the parse
        return elapsed

    def edit_and_reparse(old: tree_sitter.Tree) -> tree_sitter.Tree:
        old.edit(
            start_byte=offset,
            old_end_byte=offset,
            new_end_byte=offset + 1,
            start_point=start_point,
            old_end_point=start_point,
            new_end_point=(start_point[0], start_point[1] + 1),
        )
        return parser.parse(edited, old)

    def reparse_after_edit() -> tuple[int, int]:
        old = big_tree.copy()  # each run edits a fresh copy of the unedited tree
        start = clock()
        new = edit_and_reparse(old)
        elapsed = since(start)
        del new, old
        return elapsed

    warm = edit_and_reparse(big_tree.copy())  # warm-up, and a check of the result below
    same_tree = str(warm.root_node) == str(parser.parse(edited).root_node)

    corpus = timed_ms(parse_corpus, runs)
    full = timed_ms(parse_big, runs)
    incremental = timed_ms(reparse_after_edit, runs)
    figures = [
        ("corpus_dir", str(CORPUS_DIR), ""),
        ("corpus_files", len(files), "files"),
        ("corpus_lines", sum(source.count(b"\n") for source in sources), "lines"),
        ("corpus_bytes", sum(len(source) for source in sources), "bytes"),
        ("corpus_files_with_errors", corpus_errors, "files"),
        *((f"corpus_full_parse_total_{kind}", value, "ms") for kind, value in corpus.items()),
        ("synthetic_lines", big.count(b"\n"), "lines"),
        ("synthetic_bytes", len(big), "bytes"),
        ("synthetic_has_error", "yes" if big_tree.root_node.has_error else "no", ""),
        *((f"synthetic_full_parse_{kind}", value, "ms") for kind, value in full.items()),
        ("edit", f"insert 'x' at line {start_point[0] + 1}, byte column {start_point[1]}", ""),
        *((f"synthetic_incremental_reparse_{kind}", value, "ms") for kind, value in incremental.items()),
        ("incremental_equals_fresh", "yes" if same_tree else "no", ""),
        ("runs_per_figure", runs, "runs"),
        ("cpu_count", os.cpu_count(), "cpus"),
        ("load_average_1min_before", f"{load_before:.2f}", ""),
        ("load_average_1min_after", f"{os.getloadavg()[0]:.2f}", ""),
        ("cpu_model", cpu_model(), ""),
        ("python", platform.python_version(), ""),
        ("py_tree_sitter", metadata.version("tree-sitter"), ""),
        ("language_abi", tree_sitter.Language(tree_sitter_nexa.language()).abi_version, ""),
        ("git_commit", git_commit(), ""),
    ]
    for name, value, unit in figures:
        print(f"{name}: {value} {unit}".rstrip())


if __name__ == "__main__":
    main()
