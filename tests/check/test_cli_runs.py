"""`nexa-lsp --check` runs: standard input, folders, the cache, parallel checking, the progress bar,
--watch, and the whole upstream corpus."""

from __future__ import annotations

import json
import os
import pty
import queue
import signal
import subprocess
import threading
from pathlib import Path

import pytest

BROKEN = "flow main { x = = 1 }\n"


def records(run: subprocess.CompletedProcess[str]) -> list[dict]:
    return json.loads(run.stdout)


def test_standard_input_is_named_stdin(nexa_lsp, tmp_path: Path):
    run = nexa_lsp("--check", "-", "--output-format", "json", input=BROKEN)
    assert run.returncode == 1
    assert [(r["filename"], r["code"]) for r in records(run)] == [("<stdin>", "E008")]


def test_folders_are_searched_for_nx_and_nxlib(nexa_lsp, tmp_path: Path):
    for name in ("a.nx", "lib/b.nxlib", "lib/deeper/c.nx", "notes.txt", ".hidden/d.nx", "node_modules/e.nx"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(BROKEN, encoding="utf-8")
    run = nexa_lsp("--check", ".", "--output-format", "json")
    assert sorted(r["filename"] for r in records(run)) == ["a.nx", "lib/b.nxlib", "lib/deeper/c.nx"]


def test_a_file_named_explicitly_is_checked_whatever_its_extension(nexa_lsp, tmp_path: Path):
    (tmp_path / "notes.txt").write_text(BROKEN, encoding="utf-8")
    assert [r["filename"] for r in records(nexa_lsp("--check", "notes.txt", "--output-format", "json"))] == [
        "notes.txt"
    ]


def test_a_folder_without_sources_says_so(nexa_lsp, tmp_path: Path):
    (tmp_path / "empty").mkdir()
    run = nexa_lsp("--check", "empty")
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "nexa-lsp: no .nx or .nxlib files found\n")


def test_a_file_given_twice_is_checked_once(nexa_lsp, tmp_path: Path):
    (tmp_path / "a.nx").write_text(BROKEN, encoding="utf-8")
    assert len(records(nexa_lsp("--check", "a.nx", ".", "--output-format", "json"))) == 1


# --- the cache -----------------------------------------------------------------------------------


def tamper(cache: Path, message: str) -> None:
    """Change the message of every cached diagnostic: output showing it proves the cache was read."""
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert entries
    for entry in entries:
        stored = json.loads(entry.read_text(encoding="utf-8"))
        for diagnostic in stored["diagnostics"]:
            diagnostic["message"] = message
        entry.write_text(json.dumps(stored), encoding="utf-8")


def messages(nexa_lsp, *args: str) -> list[str]:
    return [r["message"] for r in records(nexa_lsp("--check", *args, "--output-format", "json"))]


def test_unchanged_files_come_from_the_cache(nexa_lsp, tmp_path: Path):
    (tmp_path / "a.nx").write_text(BROKEN, encoding="utf-8")
    cache = tmp_path / "cache"
    first = messages(nexa_lsp, "a.nx", "--cache-dir", str(cache))
    tamper(cache, "from the cache")
    assert messages(nexa_lsp, "a.nx", "--cache-dir", str(cache)) == ["from the cache"]
    assert messages(nexa_lsp, "a.nx", "--cache-dir", str(cache), "--no-cache") == first


def test_a_changed_file_is_checked_again(nexa_lsp, tmp_path: Path):
    path = tmp_path / "a.nx"
    path.write_text(BROKEN, encoding="utf-8")
    cache = tmp_path / "cache"
    messages(nexa_lsp, "a.nx", "--cache-dir", str(cache))
    tamper(cache, "from the cache")
    path.write_text(BROKEN + "\n", encoding="utf-8")
    assert messages(nexa_lsp, "a.nx", "--cache-dir", str(cache)) != ["from the cache"]


def test_other_settings_do_not_reuse_the_cache(nexa_lsp, tmp_path: Path):
    (tmp_path / "a.nx").write_text('agent A { prompt: "p", model: " x" }\n' + BROKEN, encoding="utf-8")
    cache = tmp_path / "cache"
    messages(nexa_lsp, "a.nx", "--cache-dir", str(cache))
    tamper(cache, "from the cache")
    assert "from the cache" not in messages(nexa_lsp, "a.nx", "--cache-dir", str(cache), "--ignore", "E005")


def test_a_changed_include_invalidates_the_includer(nexa_lsp, tmp_path: Path):
    (tmp_path / "lib.nxlib").write_text('agent Helper { prompt: "p" }\n', encoding="utf-8")
    (tmp_path / "main.nx").write_text(
        'include "lib.nxlib"\nflow main { Helper.run("x") }\n', encoding="utf-8"
    )
    cache = tmp_path / "cache"
    assert messages(nexa_lsp, "main.nx", "--cache-dir", str(cache)) == []
    (tmp_path / "lib.nxlib").write_text('agent Other { prompt: "p" }\n', encoding="utf-8")
    assert [m for m in messages(nexa_lsp, "main.nx", "--cache-dir", str(cache)) if "Helper" in m]


def test_cache_lives_beside_the_configuration(nexa_lsp, tmp_path: Path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "nexa.toml").write_text("", encoding="utf-8")
    (tmp_path / "a.nx").write_text(BROKEN, encoding="utf-8")
    nexa_lsp("--check", "a.nx")
    assert any((tmp_path / ".nexa_cache" / "check").rglob("*"))


# --- many files ----------------------------------------------------------------------------------


def test_the_corpus_checks_without_syntax_errors_or_crashes_in_parallel(
    nexa_lsp, corpus_dir: Path, tmp_path: Path
):
    parallel = nexa_lsp("--check", str(corpus_dir), "--output-format", "json", "--jobs", "2", "--no-cache")
    serial = nexa_lsp("--check", str(corpus_dir), "--output-format", "json", "--jobs", "1", "--no-cache")
    assert parallel.returncode != 2 and parallel.stderr == ""  # no bad file, no crash, no progress bar
    found = records(parallel)
    assert [r for r in found if r["code"] == "E008"] == []
    assert found == records(serial)


def test_progress_bar_is_drawn_on_a_terminal_only(nexa_lsp_command: str, cli_env: dict, tmp_path: Path):
    for n in range(12):
        (tmp_path / f"f{n:02}.nx").write_text('agent A { prompt: "p" }\n', encoding="utf-8")
    controller, terminal = pty.openpty()
    chunks: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(controller, chunks))
    reader.start()
    try:
        completed = subprocess.run(
            [nexa_lsp_command, "--check", ".", "--jobs", "1", "--no-cache"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=terminal,
            env=cli_env,
            timeout=120,
        )
    finally:
        os.close(terminal)
        reader.join(timeout=10)
        os.close(controller)
    drawn = b"".join(chunks).decode()
    assert completed.returncode == 0 and completed.stdout == b""
    assert "12/12 files" in drawn and drawn.endswith("\r\x1b[K")


def _drain(fd: int, chunks: list[bytes]) -> None:
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:  # the terminal side closed
            return
        if not data:
            return
        chunks.append(data)


# --- --watch -------------------------------------------------------------------------------------


def _lines(stream, sink: queue.Queue) -> None:
    for line in iter(stream.readline, b""):
        sink.put(line.decode())


def _wait_for(sink: queue.Queue, text: str, timeout: float = 60) -> list[str]:
    seen = []
    while True:
        line = sink.get(timeout=timeout)
        seen.append(line)
        if text in line:
            return seen


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# A command started with `&` from a script inherits SIGINT ignored; Ctrl-C must still end the watch.
@pytest.mark.parametrize("inherited", ["default", "ignored"])
def test_watch_checks_again_after_a_change_and_ctrl_c_exits_0(
    nexa_lsp_command: str, cli_env: dict, tmp_path: Path, inherited: str
):
    path = tmp_path / "a.nx"
    path.write_text('agent A { prompt: "p" }\n', encoding="utf-8")
    process = subprocess.Popen(
        [nexa_lsp_command, "--check", ".", "--watch", "--output-format", "concise", "--no-cache"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env,
        preexec_fn=_ignore_sigint if inherited == "ignored" else None,
    )
    out: queue.Queue = queue.Queue()
    err: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(process.stdout, out), daemon=True).start()
    threading.Thread(target=_lines, args=(process.stderr, err), daemon=True).start()
    try:
        _wait_for(err, "watching for changes")
        assert out.empty()
        path.write_text(BROKEN, encoding="utf-8")
        assert _wait_for(out, "E008")[-1].startswith("a.nx:1:17: E008")
        _wait_for(err, "watching for changes")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("argument", ["--jobs", "--jobs=0"])
def test_jobs_must_be_a_positive_number(nexa_lsp, tmp_path: Path, argument: str):
    args = ["--check", ".", argument] if "=" in argument else ["--check", ".", argument, "x"]
    assert nexa_lsp(*args).returncode == 2
