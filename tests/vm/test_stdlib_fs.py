"""`std.fs` behind the path allow-lists (S§2.1, S§0.3): reads, writes, listings, denials (E402) and
failures (E104), from `nexa run` flags and from `[sandbox]` in nexa.toml."""

from __future__ import annotations

from pathlib import Path


def run_main(nexa, body: str, *options: str):
    return nexa(f"flow main {{\n{body}\n}}\n", *options)


def test_read_inside_the_allow_list(nexa, tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "notes.txt").write_text("第一行\nsecond", encoding="utf-8")
    outcome = run_main(nexa, 'print(std.fs.file_read("data/notes.txt"))', "--allow-read", "data")
    assert (outcome.code, outcome.out) == (0, "第一行\nsecond\n")


def test_read_outside_the_allow_list_is_e402_naming_the_flag(nexa, tmp_path: Path):
    (tmp_path / "secret.txt").write_text("x", encoding="utf-8")
    outcome = run_main(nexa, 'print(std.fs.file_read("secret.txt"))')
    assert outcome.code == 1
    full = (tmp_path / "secret.txt").resolve()
    assert (
        f"Error: ToolError: std.fs.file_read denied: {full} is outside the read allow-list; "
        "allow it with --allow-read or [sandbox] fs_read\n"
        "  --> main.nx:2:7\n  = code E402 (permission-denied)\n"
    ) in outcome.err


def test_allow_list_compares_whole_path_components(nexa, tmp_path: Path):
    (tmp_path / "outbox").mkdir()
    (tmp_path / "outbox" / "a.txt").write_text("a", encoding="utf-8")
    outcome = run_main(
        nexa, 'r = std.fs.file_read("outbox/a.txt") otherwise "denied"\nprint(r)', "--allow-read", "out"
    )
    assert outcome.out == "denied\n"


def test_dotdot_and_symlinks_are_resolved_before_the_check(nexa, tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "private.txt").write_text("p", encoding="utf-8")
    (tmp_path / "data" / "link.txt").symlink_to(tmp_path / "private.txt")
    body = """
    for each p in ["data/../private.txt", "data/link.txt"] {
        try { std.fs.file_read(p) } catch (e) { print(e.code) }
    }"""
    assert run_main(nexa, body, "--allow-read", "data").out == "E402\nE402\n"


def test_write_append_list_exists_delete(nexa, tmp_path: Path):
    body = """
    print(std.fs.file_write("out/sub/a.txt", "héllo"))
    print(std.fs.file_append("out/sub/a.txt", "!"))
    print(std.fs.file_read("out/sub/a.txt"))
    print(std.fs.file_write("out/b.md", ""))
    print(std.fs.file_list("out", "**/*.txt"))
    print(std.fs.file_exists("out/b.md").exists, std.fs.file_exists("out/none").exists)
    print(std.fs.file_delete("out/b.md"))
    print(std.fs.file_list("out").files)
    """
    outcome = run_main(nexa, body, "--allow-write", "out")
    assert outcome.code == 0, outcome.err
    assert outcome.out == (
        '{"path": "out/sub/a.txt", "chars": 5}\n'
        '{"path": "out/sub/a.txt", "chars": 1}\n'
        "héllo!\n"
        '{"path": "out/b.md", "chars": 0}\n'
        '{"files": ["out/sub/a.txt"], "count": 1}\n'
        "true false\n"
        '{"deleted": "out/b.md"}\n'
        '["out/sub"]\n'
    )
    assert (tmp_path / "out" / "sub" / "a.txt").read_text(encoding="utf-8") == "héllo!"


def test_a_read_only_entry_does_not_allow_writing(nexa, tmp_path: Path):
    outcome = run_main(nexa, 'std.fs.file_write("data/x.txt", "x")', "--allow-read", "data")
    assert (
        "std.fs.file_write denied:" in outcome.err
        and "allow it with --allow-write or [sandbox] fs_write" in outcome.err
    )
    assert not (tmp_path / "data").exists()


def test_probing_outside_the_lists_is_denied_too(nexa):
    outcome = run_main(nexa, 'r = std.fs.file_exists("/etc/passwd") otherwise "denied"\nprint(r)')
    assert outcome.out == "denied\n"


def test_failures_are_e104_with_the_path(nexa, tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "bin").write_bytes(b"\xff\xfe\x00")
    body = """
    for each p in ["data/missing.txt", "data", "data/bin"] {
        try { std.fs.file_read(p) } catch (e) { print(e.code, e.kind, e.message, e.detail.path) }
    }
    try { std.fs.file_list("data/bin") } catch (e) { print(e.code, e.message) }
    try { std.fs.file_delete("data/missing.txt") } catch (e) { print(e.code, e.message) }
    """
    outcome = run_main(nexa, body, "--allow-write", "data")
    assert outcome.out == (
        "E104 ToolError std.fs.file_read: no such file 'data/missing.txt' data/missing.txt\n"
        "E104 ToolError std.fs.file_read: 'data' is a directory data\n"
        "E104 ToolError std.fs.file_read: 'data/bin' is not utf-8 text data/bin\n"
        "E104 std.fs.file_list: 'data/bin' is not a directory\n"
        "E104 std.fs.file_delete: no such file 'data/missing.txt'\n"
    )


def test_sandbox_section_of_nexa_toml_is_relative_to_its_folder(nexa, tmp_path: Path):
    (tmp_path / "nexa.toml").write_text(
        '[sandbox]\nfs_read = ["data"]\nfs_write = ["out"]\n', encoding="utf-8"
    )
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.txt").write_text("A", encoding="utf-8")
    body = 'print(std.fs.file_read("data/a.txt"), std.fs.file_write("out/b.txt", "B").chars)'
    outcome = run_main(nexa, body)
    assert (outcome.code, outcome.out) == (0, "A 1\n"), outcome.err


def test_editor_allow_entries_map_to_the_flags(nexa, tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.txt").write_text("A", encoding="utf-8")
    body = 'print(std.fs.file_read("data/a.txt"), std.fs.file_write("out/b.txt", "B").chars)'
    outcome = run_main(nexa, body, "--allow", "read:data", "--allow", "write:out")
    assert (outcome.code, outcome.out) == (0, "A 1\n"), outcome.err


def test_a_malformed_allow_entry_is_a_usage_error(nexa):
    outcome = run_main(nexa, "print(1)", "--allow", "disk:/")
    assert outcome.code == 2
    assert (
        "nexa: E202 invalid configuration value for '--allow': expected python, shell, approve-all,"
        " read:PATH, write:PATH or net:HOST, found 'disk:/'\n" == outcome.err
    )
