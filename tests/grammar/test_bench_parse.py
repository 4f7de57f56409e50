"""bench/parse.py runs and prints its figures one per line, `name: value unit`, with the machine and
the commit (STYLE.md: benchmarks print what they measured and where)."""

import re
import subprocess
import sys
from pathlib import Path


def test_bench_prints_one_figure_per_line(repo_root: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(repo_root / "bench" / "parse.py"), "--runs", "1"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    lines = result.stdout.splitlines()
    assert all(re.fullmatch(r"[a-z0-9_]+: \S.*", line) for line in lines), lines
    figures = dict(line.split(": ", 1) for line in lines)
    assert figures["corpus_files"] == "74 files"
    assert figures["corpus_files_with_errors"] == "0 files"
    assert int(figures["synthetic_lines"].split()[0]) >= 10_000
    assert figures["synthetic_has_error"] == "no"
    assert figures["incremental_equals_fresh"] == "yes"
    for timed in ("corpus_full_parse_total", "synthetic_full_parse", "synthetic_incremental_reparse"):
        assert re.fullmatch(r"\d+\.\d{3} ms", figures[f"{timed}_median"])
    assert {"cpu_count", "python", "py_tree_sitter", "git_commit"} <= figures.keys()
