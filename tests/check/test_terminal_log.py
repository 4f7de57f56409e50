"""Internal failures of the front-end reach a terminal user as one line, not a traceback
(nexa_lang.terminal_log; found by tests/fuzz/mutate.py)."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from pathlib import Path

from nexa_lang.terminal_log import one_line_log

BIN = Path(sys.executable).parent
# 200 nested `if`s: the checker lowers them, but the DAG builder behind the G-rules recurses deeper
# than Python allows; `run_rules` logs each failed rule with its traceback.
NESTED_IFS = "flow main {\n    x = true\n" + "    if x {\n" * 200 + "    print(1)\n" + "}\n" * 200 + "}\n"


def test_a_logged_exception_is_one_line_with_its_type(monkeypatch):
    monkeypatch.setattr(logging.getLogger(), "handlers", [])  # as in a terminal command (not pytest)
    stream = io.StringIO()
    with one_line_log(stream, "nexa"):
        try:
            raise RecursionError("maximum recursion depth exceeded")
        except RecursionError:
            logging.getLogger("nexa_lang.diagnostics").exception("rule %s (%s) failed", "G001", "x")
    assert stream.getvalue() == (
        "nexa: internal error: rule G001 (x) failed (RecursionError: maximum recursion depth exceeded);"
        " please report it\n"
    )


def test_the_handler_is_removed_afterwards(monkeypatch):
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    before = list(logging.getLogger("nexa_lang").handlers)
    with one_line_log(io.StringIO(), "nexa"):
        pass
    assert logging.getLogger("nexa_lang").handlers == before


def test_nexa_run_prints_no_traceback_when_a_rule_fails(tmp_path: Path):
    path = tmp_path / "ifs.nx"
    path.write_text(NESTED_IFS, encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "nexa"), "run", "--no-cache", str(path)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (0, "1\n")
    assert "Traceback" not in done.stderr
    assert "nexa: internal error: rule G001 (unused-fork-result) failed (RecursionError" in done.stderr


def test_nexa_lsp_check_prints_no_traceback_when_a_rule_fails(tmp_path: Path):
    path = tmp_path / "ifs.nx"
    path.write_text(NESTED_IFS, encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "nexa-lsp"), "--check", "--no-cache", str(path)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0
    assert "Traceback" not in done.stderr
    assert "nexa-lsp: internal error: rule G001 (unused-fork-result) failed" in done.stderr


def test_nexa_lsp_dag_of_a_text_nested_too_deeply_says_where(tmp_path: Path):
    path = tmp_path / "deep.nx"
    path.write_text("flow main {\n    x = " + "(" * 3000 + "1" + ")" * 3000 + "\n}\n", encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "nexa-lsp"), "--dag", str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr == f"nexa-lsp: {path}:2:3008: nested too deeply to check\n"
