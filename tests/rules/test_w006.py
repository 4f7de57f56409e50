"""W006 file-not-found: includes and referenced files, relative to the file naming them."""

import os

from nexa_lang.checker import check_text


def check(tmp_path, text: str) -> list[tuple[int, str]]:
    root = tmp_path / "main.nx"
    root.write_text(text)
    return [(d.span.start, d.message) for d in check_text(text, str(root), codes=["W006"])]


def missing(tmp_path, name: str) -> str:
    return f"file not found: '{name}' (looked for '{os.path.join(tmp_path, name)}')"


def test_w006_missing_include(tmp_path) -> None:
    assert check(tmp_path, 'include "lib/helpers.nxlib"\nflow main { print(1) }\n') == [
        (8, missing(tmp_path, "lib/helpers.nxlib"))
    ]


def test_w006_not_reported_once_the_files_exist(tmp_path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "helpers.nxlib").write_text("")
    (tmp_path / "format.md").write_text("## Tool: x\n")
    text = 'include "lib/helpers.nxlib"\ninclude "secrets.nxs"\nagent H uses "format.md" { prompt: "x" }\n'
    assert check(tmp_path, text) == []


def test_w006_missing_skill_file_and_image(tmp_path) -> None:
    text = 'agent H uses "skills/format.md" { prompt: "x" }\nflow main { p = img("logo.jpg") }\n'
    assert check(tmp_path, text) == [
        (13, missing(tmp_path, "skills/format.md")),
        (68, missing(tmp_path, "logo.jpg")),
    ]


def test_w006_uses_string_that_is_neither_a_file_nor_a_namespace(tmp_path) -> None:
    text = 'agent H uses "helpers", "std.http" { prompt: "x" }\n'
    assert check(tmp_path, text) == [(13, "'helpers' is neither a file nor a std namespace")]


def test_w006_tool_python_path(tmp_path) -> None:
    text = 'tool T {\n    python: "helpers/tools.py"\n}\n'
    assert check(tmp_path, text) == [(21, missing(tmp_path, "helpers/tools.py"))]


def test_w006_experience_files_are_not_checked(tmp_path) -> None:
    assert check(tmp_path, 'agent A { prompt: "x", experience: "memory.md" }\n') == []
