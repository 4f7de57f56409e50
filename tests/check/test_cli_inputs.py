"""`nexa-lsp --check` on bad input: one clear line per path on stderr, never a traceback, the other
files still checked, exit code 2."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

BROKEN = "flow main { x = = 1 }\n"


@pytest.fixture
def good(tmp_path: Path) -> Path:
    (tmp_path / "good.nx").write_text(BROKEN, encoding="utf-8")
    return tmp_path


def check_with(nexa_lsp, bad: str) -> tuple[int, list[str], list[str]]:
    """(exit code, files in the JSON output, stderr lines) of checking `bad` next to good.nx."""
    run = nexa_lsp("--check", bad, "good.nx", "--output-format", "json")
    assert "Traceback" not in run.stderr
    return run.returncode, [r["filename"] for r in json.loads(run.stdout)], run.stderr.splitlines()


def test_binary_file(nexa_lsp, good: Path):
    (good / "blob.nx").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    assert check_with(nexa_lsp, "blob.nx") == (
        2,
        ["good.nx"],
        ["nexa-lsp: blob.nx: not a text file (it contains NUL bytes)"],
    )


def test_invalid_utf8_names_the_byte_and_its_position(nexa_lsp, good: Path):
    (good / "latin1.nx").write_bytes(b'agent A {\n    prompt: "caf' + b'\xe9"\n}\n')
    assert check_with(nexa_lsp, "latin1.nx") == (
        2,
        ["good.nx"],
        ["nexa-lsp: latin1.nx: not valid UTF-8 (byte 0xe9 at line 2, column 17); Nexa source is UTF-8"],
    )


def test_empty_file(nexa_lsp, good: Path):
    (good / "empty.nx").write_bytes(b"")
    assert check_with(nexa_lsp, "empty.nx") == (
        2,
        ["good.nx"],
        ["nexa-lsp: empty.nx: empty file; nothing to check"],
    )


def test_fifty_megabyte_file_is_refused_without_reading_it(nexa_lsp, good: Path):
    with (good / "huge.nx").open("wb") as out:
        out.truncate(50 * 1024 * 1024)  # sparse: the size is what matters
    assert check_with(nexa_lsp, "huge.nx") == (
        2,
        ["good.nx"],
        ["nexa-lsp: huge.nx: file too large to check (50.0 MB; the limit is 10 MB)"],
    )


def test_ten_thousand_nested_brackets(nexa_lsp, good: Path):
    (good / "deep.nx").write_text("x = " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    assert check_with(nexa_lsp, "deep.nx") == (
        2,
        ["good.nx"],
        ["nexa-lsp: deep.nx:1:10004: nested too deeply to check"],
    )


def test_ten_thousand_unclosed_brackets_are_one_syntax_error(nexa_lsp, good: Path):
    (good / "open.nx").write_text("x = " + "[" * 10_000 + "\n", encoding="utf-8")
    run = nexa_lsp("--check", "open.nx", "--output-format", "concise")
    assert run.returncode == 1 and run.stderr == ""
    assert run.stdout.startswith("open.nx:1:10005: E008 unexpected end of file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file(nexa_lsp, good: Path):
    secret = good / "secret.nx"
    secret.write_text(BROKEN, encoding="utf-8")
    secret.chmod(0)
    assert check_with(nexa_lsp, "secret.nx") == (2, ["good.nx"], ["nexa-lsp: secret.nx: permission denied"])


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_file_that_fails_to_read(nexa_lsp, good: Path):
    # Reading /proc/self/mem at offset 0 fails with EIO, as root too: an unreadable file for anyone.
    assert check_with(nexa_lsp, "/proc/self/mem") == (
        2,
        ["good.nx"],
        ["nexa-lsp: /proc/self/mem: input/output error"],
    )


def test_missing_path(nexa_lsp, good: Path):
    assert check_with(nexa_lsp, "nowhere/x.nx") == (
        2,
        ["good.nx"],
        ["nexa-lsp: nowhere/x.nx: no such file or directory"],
    )


def test_every_bad_input_at_once(nexa_lsp, good: Path):
    (good / "blob.nx").write_bytes(b"\0\1\2")
    (good / "empty.nx").write_bytes(b"")
    run = nexa_lsp("--check", ".", "missing.nx", "--output-format", "json")
    assert run.returncode == 2
    assert [r["filename"] for r in json.loads(run.stdout)] == ["good.nx"]
    assert sorted(run.stderr.splitlines()) == [
        "nexa-lsp: blob.nx: not a text file (it contains NUL bytes)",
        "nexa-lsp: empty.nx: empty file; nothing to check",
        "nexa-lsp: missing.nx: no such file or directory",
    ]


def test_bad_standard_input(nexa_lsp, good: Path):
    run = nexa_lsp("--check", "-", input=b"\xff\xfe")
    assert run.returncode == 2
    assert run.stderr.startswith("nexa-lsp: <stdin>: not valid UTF-8 (byte 0xff at line 1, column 1)")
