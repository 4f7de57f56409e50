"""§2.6: the program-wide rules that need every reference (W001, G002, G006) are skipped for a
program with E008 diagnostics, also when the E008 comes from a recovery form that the grammar
parses without an ERROR node (grammar decisions G17-G27; found by audit 7's recovery round)."""

from __future__ import annotations

from pathlib import Path

from nexa_lang.check import check_file

PROGRAM = """agent Unused {
    prompt: "x"
}

flow helper() {
    print(1)
}

flow main {
    x = 1
    while x < 3 BLOCK x = x + 1 }
    print(x)
}
"""


def codes(text: str, path: str = "/virtual/main.nx") -> list[str]:
    return [d.code for d in check_file(text, path).diagnostics]


def test_a_colon_block_is_an_e008_and_skips_the_whole_program_rules():
    assert codes(PROGRAM.replace("BLOCK", ":")) == ["E008"]


def test_the_same_program_without_the_error_gets_them():
    assert codes(PROGRAM.replace("BLOCK", "{")) == ["W001", "G002"]


def test_a_recovery_form_in_an_included_library_skips_them_for_the_root(tmp_path: Path):
    (tmp_path / "lib.nxlib").write_text('agnet Helper {\n    prompt: "h"\n}\n', encoding="utf-8")
    root = 'include "lib.nxlib"\n\n' + PROGRAM.replace("BLOCK", "{")
    assert codes(root, str(tmp_path / "main.nx")) == []
    (tmp_path / "lib.nxlib").write_text('agent Helper {\n    prompt: "h"\n}\n', encoding="utf-8")
    assert "W001" in codes(root, str(tmp_path / "main.nx"))
