"""`nexa run` reads the provider's key and base URL and the `MODEL_NAME` default and judge models
from the secrets file (L§7.13, S§4.4, S§4.7), against the fake server on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NEXA = Path(sys.executable).with_name("nexa")
PROGRAM = 'agent Helper {\n    prompt: "Answer briefly."\n}\n\nflow main {\n    print("hello" >> Helper)\n}\n'


def _run(folder: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "NEXA_"))}
    return subprocess.run(
        [str(NEXA), "run", "--no-cache", "--provider", "openai", "main.nx"],
        cwd=folder,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_key_base_url_and_default_model_come_from_the_secrets_file(fake_openai, tmp_path: Path) -> None:
    (tmp_path / "main.nx").write_text(PROGRAM, encoding="utf-8")
    (tmp_path / "secrets.nxs").write_text(
        'OPENAI_API_KEY = "sk-from-secrets"\n'
        f'OPENAI_API_BASE = "{fake_openai.base_url}"  // the fake server\n'
        'MODEL_NAME = {"strong": "gpt-strong", "weak": "gpt-weak"}\n',
        encoding="utf-8",
    )
    done = _run(tmp_path)
    assert (done.returncode, done.stdout) == (0, "echo: hello\n"), done.stderr
    [request] = fake_openai.requests
    assert request.headers["authorization"] == "Bearer sk-from-secrets"
    assert request.body["model"] == "gpt-strong"


def test_a_malformed_secrets_file_is_e203_at_the_first_key_lookup_not_at_start(tmp_path: Path) -> None:
    program = PROGRAM.replace('    print("hello"', '    print("start")\n    print("hello"')
    (tmp_path / "main.nx").write_text(program, encoding="utf-8")
    (tmp_path / "secrets.nxs").write_text('OPENAI_API_KEY = "unterminated\n', encoding="utf-8")
    done = _run(tmp_path)
    assert (done.returncode, done.stdout) == (1, "start\n")
    assert "unterminated string (line 1)" in done.stderr and "main.nx:7:" in done.stderr
    assert "= code E203 (secrets-error)" in done.stderr
    assert "Traceback" not in done.stderr
