"""W006 file-not-found: includes and referenced files, relative to the file naming them."""

import os

import pytest

from nexa_lang.checker import check_text
from nexa_lang.rules.w006_file_not_found import is_local_path


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


# ---- `mcp:` values: a local `.json` descriptor path must exist, in a tool's `mcp:` and in a
# `uses mcp:"…"` item alike; a URL (`scheme://…`) names a server, not a file (S§5.2) ----

URL = "https://tools.example.org/mcp.json"


def test_w006_no_warning_for_a_url_ending_in_json_in_either_form(tmp_path) -> None:
    # audit 2, finding 4: the tool form warned with "looked for '…/https:/tools.example.org/mcp.json'"
    text = f'tool T {{ mcp: "{URL}" }}\nagent W uses T, mcp:"{URL}" {{ prompt: "w" }}\n'
    assert check(tmp_path, text) == []


@pytest.mark.parametrize(
    "url", ["http://h/m.json", "HTTPS://h/m.json", "file:///tmp/nowhere/m.json", "ws+x://h/m.json"]
)
def test_w006_any_scheme_is_a_url(tmp_path, url: str) -> None:
    assert check(tmp_path, f'tool T {{ mcp: "{url}" }}\nagent W uses mcp:"{url}" {{ prompt: "w" }}\n') == []


def test_w006_missing_local_descriptor_in_either_form(tmp_path) -> None:
    text = 'tool T { mcp: "desc/tools.json" }\nagent W uses T, mcp : "desc/more.json" { prompt: "w" }\n'
    # The range is the string literal, also for the uses item (not its `mcp :` prefix).
    assert check(tmp_path, text) == [
        (14, missing(tmp_path, "desc/tools.json")),
        (text.index('"desc/more'), missing(tmp_path, "desc/more.json")),
    ]


def test_w006_existing_descriptor_and_server_names_are_quiet(tmp_path) -> None:
    (tmp_path / "tools.json").write_text('{"url": "https://h/mcp"}')
    text = 'tool T { mcp: "tools.json" }\nagent W uses T, mcp:"tools.json", mcp:"github" { prompt: "w" }\n'
    assert check(tmp_path, text) == []


def test_w006_a_url_is_still_a_missing_file_where_only_files_are_read(tmp_path) -> None:
    # `python:` and `img(…)` read local files only, so a URL there fails at run time (E104, E100).
    text = 'tool T { python: "https://h/t.py" }\nflow main { p = img("https://h/logo.png") }\n'
    assert [start for start, _ in check(tmp_path, text)] == [17, text.index('"https://h/logo')]


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("https://h/x.json", False),
        ("a+b.c-d://x", False),
        ("c:/dir/x.json", True),
        ("x.json", True),
        ("://x", True),
    ],
)
def test_is_local_path(text: str, local: bool) -> None:
    assert is_local_path(text) is local
