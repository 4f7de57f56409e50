"""Fixtures for the Agent VM tests: run a Nexa source through `nexa run` / `nexa test` in-process
(the real command, `nexa_avm.cli.main`, with captured streams) or as a separate process."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from nexa_avm.cli import main


@dataclass
class Outcome:
    code: int
    out: str
    err: str


Runner = Callable[..., Outcome]


@pytest.fixture
def nexa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Runner:
    """`nexa(source, *options, command="run", name="main.nx", args=[...])` → exit code, stdout, stderr.

    The program file is written to a fresh folder, which is also the working directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEXA_PROVIDER", raising=False)
    monkeypatch.delenv("NEXA_TRACE", raising=False)

    def run(
        source: str, *options: str, command: str = "run", name: str = "main.nx", args: list[str] | None = None
    ) -> Outcome:
        path = tmp_path / name
        path.write_text(source, encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        argv = [command, name, *options]
        if args is not None:
            argv += ["--", *args]
        code = main(argv, out, err)
        return Outcome(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def nexa_process(tmp_path: Path) -> Runner:
    """The same as `nexa`, but the installed `nexa` command in its own process."""
    executable = Path(sys.executable).with_name("nexa")

    def run(
        source: str, *options: str, command: str = "run", name: str = "main.nx", stdin: str = ""
    ) -> Outcome:
        path = tmp_path / name
        path.write_text(source, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("NEXA_PROVIDER", "NEXA_TRACE")}
        done = subprocess.run(
            [str(executable), command, name, *options],
            cwd=tmp_path,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=60,
        )
        return Outcome(done.returncode, done.stdout, done.stderr)

    return run
