"""Fixtures for the checker's tests: running the installed `nexa-lsp` command as a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

RunNexaLsp = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def nexa_lsp_command() -> str:
    """The console script installed with the package (next to this Python, or on PATH)."""
    beside = Path(sys.executable).with_name("nexa-lsp")
    found = str(beside) if beside.exists() else shutil.which("nexa-lsp")
    if found is None:
        pytest.fail("the nexa-lsp command is not installed; run `pip install -e .`", pytrace=False)
    return found


@pytest.fixture
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a run: a private cache home, no colour settings, no NEXA_CONFIG."""
    env = {k: v for k, v in os.environ.items() if k not in ("NEXA_CONFIG", "NO_COLOR", "FORCE_COLOR")}
    env["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))
    return env


@pytest.fixture
def nexa_lsp(nexa_lsp_command: str, cli_env: dict[str, str], tmp_path: Path) -> RunNexaLsp:
    """Run `nexa-lsp ARGS…` in `cwd` (default: the test's tmp_path) and return the completed process."""

    def run(
        *args: str,
        cwd: Path | None = None,
        input: str | bytes | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        data = input.encode("utf-8") if isinstance(input, str) else input
        completed = subprocess.run(
            [nexa_lsp_command, *args],
            cwd=cwd or tmp_path,
            input=data,
            capture_output=True,
            env={**cli_env, **(env or {})},
            timeout=300,
        )
        return subprocess.CompletedProcess(
            completed.args,
            completed.returncode,
            completed.stdout.decode("utf-8"),
            completed.stderr.decode("utf-8"),
        )

    return run
