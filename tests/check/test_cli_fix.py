"""`nexa-lsp --check --fix`: safe fixes written back atomically, unsafe ones only when asked,
what remains reported, and nothing else of the user's text changed."""

from __future__ import annotations

import json
from pathlib import Path

TRIM = 'agent A { prompt: "写", model: " gpt-4o" }'  # E005, safe fix: trim
TRIMMED = 'agent A { prompt: "写", model: "gpt-4o" }'
UNKNOWN_PROVIDER = 'agent B { prompt: "p", model: "opnai/gpt-4o" }'  # E005, unsafe fix: closest provider


def test_fix_applies_the_safe_fix_and_exits_clean(nexa_lsp, tmp_path: Path):
    path = tmp_path / "a.nx"
    path.write_text(TRIM + "\n", encoding="utf-8")
    run = nexa_lsp("--check", "a.nx", "--fix")
    assert run.returncode == 0
    assert path.read_text(encoding="utf-8") == TRIMMED + "\n"
    assert run.stdout == "Found 0 diagnostics; fixed 1.\n"


def test_fix_keeps_bom_crlf_and_the_rest_of_the_text_byte_for_byte(nexa_lsp, tmp_path: Path):
    path = tmp_path / "a.nx"
    before = "\ufeff// 说明：示例\r\n" + TRIM + "\r\nflow other { x = 1 }\r\n"
    path.write_bytes(before.encode("utf-8"))
    assert nexa_lsp("--check", "a.nx", "--fix").returncode == 0
    assert path.read_bytes() == before.replace(TRIM, TRIMMED).encode("utf-8")


def test_unsafe_fixes_need_their_own_option(nexa_lsp, tmp_path: Path):
    path = tmp_path / "b.nx"
    path.write_text(UNKNOWN_PROVIDER + "\n", encoding="utf-8")
    run = nexa_lsp("--check", "b.nx", "--fix")
    assert run.returncode == 1 and "E005" in run.stdout
    assert path.read_text(encoding="utf-8") == UNKNOWN_PROVIDER + "\n"
    assert nexa_lsp("--check", "b.nx", "--unsafe-fixes").returncode == 0
    assert '"openai/gpt-4o"' in path.read_text(encoding="utf-8")


def test_what_cannot_be_fixed_is_reported(nexa_lsp, tmp_path: Path):
    path = tmp_path / "c.nx"
    path.write_text(TRIM + "\nflow main { x = = 1 }\n", encoding="utf-8")
    run = nexa_lsp("--check", "c.nx", "--fix", "--output-format", "json")
    assert run.returncode == 1
    assert [r["code"] for r in json.loads(run.stdout)] == ["E008"]
    assert run.stderr == "nexa-lsp: fixed 1 diagnostic(s) in 1 file(s)\n"
    assert path.read_text(encoding="utf-8").startswith(TRIMMED + "\n")


def test_fix_removes_an_unused_suppression(nexa_lsp, tmp_path: Path):
    path = tmp_path / "d.nx"
    path.write_text('agent D { prompt: "p" }  // nexa: ignore[bogus]\n', encoding="utf-8")
    assert nexa_lsp("--check", "d.nx", "--fix").returncode == 0
    assert path.read_text(encoding="utf-8") == 'agent D { prompt: "p" }\n'


def test_files_without_fixes_are_not_rewritten(nexa_lsp, tmp_path: Path):
    path = tmp_path / "e.nx"
    path.write_text("flow main { x = = 1 }\n", encoding="utf-8")
    before = path.stat().st_mtime_ns
    nexa_lsp("--check", "e.nx", "--fix")
    assert path.stat().st_mtime_ns == before


def test_fix_keeps_the_file_mode(nexa_lsp, tmp_path: Path):
    path = tmp_path / "f.nx"
    path.write_text(TRIM + "\n", encoding="utf-8")
    path.chmod(0o640)
    nexa_lsp("--check", "f.nx", "--fix")
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["f.nx"]  # no temporary file left behind


def test_fix_of_standard_input_prints_the_fixed_text(nexa_lsp, tmp_path: Path):
    run = nexa_lsp("--check", "-", "--fix", input=TRIM + "\nflow main { x = = 1 }\n")
    assert run.stdout == TRIMMED + "\nflow main { x = = 1 }\n"
    assert "<stdin>:2:17: E008" in run.stderr
    assert run.returncode == 1


def test_fix_through_a_symbolic_link_changes_the_target(nexa_lsp, tmp_path: Path):
    target = tmp_path / "real.nx"
    target.write_text(TRIM + "\n", encoding="utf-8")
    (tmp_path / "link.nx").symlink_to(target)
    assert nexa_lsp("--check", "link.nx", "--fix").returncode == 0
    assert (tmp_path / "link.nx").is_symlink()
    assert target.read_text(encoding="utf-8") == TRIMMED + "\n"
