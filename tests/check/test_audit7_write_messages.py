"""What a refused write says names what was being written: `--fix`'s fixes or `--format`'s text
(audit 7, formatter round: `--format` said "fixes not written")."""

from __future__ import annotations

from pathlib import Path

from nexa_lsp.sources import write_atomically


def test_a_file_changed_meanwhile_is_not_overwritten_and_the_message_names_the_formatted_text(tmp_path: Path):
    path = tmp_path / "a.nx"
    path.write_text("flow main {\n    print(2)\n}\n", encoding="utf-8")
    failure = write_atomically(path, "formatted\n", b"what was read before", what="the formatted text")
    assert failure == "the file changed while it was being read; the formatted text not written"
    assert path.read_text(encoding="utf-8") == "flow main {\n    print(2)\n}\n"


def test_fixes_keep_their_wording_and_an_unchanged_file_is_written(tmp_path: Path):
    path = tmp_path / "a.nx"
    path.write_bytes(b"old\n")
    assert write_atomically(path, "new\n", b"other") == (
        "the file changed while it was being read; fixes not written"
    )
    assert write_atomically(path, "new\n", b"old\n") is None
    assert path.read_text(encoding="utf-8") == "new\n"
