"""Internal failures of the front-end reach a terminal user as one line, not a traceback
(nexa_lang.terminal_log; found by tests/fuzz/mutate.py)."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from nexa_avm.cli import main as nexa_main
from nexa_lang import checker
from nexa_lang.codes import lookup
from nexa_lang.diagnostics import _RULES, Diagnostic, Rule
from nexa_lang.terminal_log import one_line_log
from nexa_lsp.cli import main as nexa_lsp_main

BIN = Path(sys.executable).parent


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


@pytest.fixture
def failing_g001(monkeypatch):
    """G001 raises, as a broken rule would."""
    checker.rules()  # registered first, so that the replacement below is the one that runs

    def broken(model: object) -> list[Diagnostic]:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setitem(_RULES, "G001", [Rule(lookup("G001"), broken)])


def test_nexa_run_prints_no_traceback_when_a_rule_fails(failing_g001, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(logging.getLogger(), "handlers", [])  # as in a terminal command (not pytest)
    path = tmp_path / "ok.nx"
    path.write_text("flow main {\n    print(1)\n}\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert nexa_main(["run", "--no-cache", str(path)], stdout=out, stderr=err) == 0
    assert out.getvalue() == "1\n"
    assert "Traceback" not in err.getvalue()
    assert "nexa: internal error: rule G001 (unused-fork-result) failed (RecursionError" in err.getvalue()


def test_nexa_lsp_check_prints_no_traceback_when_a_rule_fails(
    failing_g001, tmp_path: Path, capsys, monkeypatch
):
    monkeypatch.setattr(logging.getLogger(), "handlers", [])  # as in a terminal command (not pytest)
    path = tmp_path / "ok.nx"
    path.write_text("flow main {\n    print(1)\n}\n", encoding="utf-8")
    assert nexa_lsp_main(["--check", "--no-cache", "--jobs", "1", str(path)]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "nexa-lsp: internal error: rule G001 (unused-fork-result) failed" in err


def test_nexa_lsp_dag_of_a_text_nested_too_deeply_says_where(tmp_path: Path):
    path = tmp_path / "deep.nx"
    path.write_text("flow main {\n    x = " + "(" * 3000 + "1" + ")" * 3000 + "\n}\n", encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "nexa-lsp"), "--dag", str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr == f"nexa-lsp: {path}:2:3008: nested too deeply to check\n"
