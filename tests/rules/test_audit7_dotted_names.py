"""A dotted name written over several lines or with a comment around a dot (audit 7, formatter
round): the name is its words joined by dots, as in `std.fs` (L§2.5, L§3.1.3)."""

from __future__ import annotations

from nexa_lang.check import check_file

SPREAD = """import std.
    json as j

agent A uses std.
    fs, std. /* the clock */ time {
    prompt: "x"
}

flow main {
    print(A.run(j.json_stringify({"a": 1})))
}
"""


def codes(text: str) -> list[tuple[str, str]]:
    return [(d.code, d.message) for d in check_file(text, "/virtual/dotted.nx").diagnostics]


def test_a_dotted_name_over_lines_or_around_a_comment_names_the_namespace():
    found = codes(SPREAD)
    assert not [c for c, _ in found if c in ("E303", "E014", "E007", "W005")]
    assert ("S001", "'std.fs' needs the 'fs-read' capability") in [(c, m.split(",")[0]) for c, m in found]


def test_an_unknown_namespace_written_over_lines_is_named_without_the_line_break():
    found = codes('agent A uses std.\n    nosuch {\n    prompt: "x"\n}\n')
    assert [m for c, m in found if c == "E303"] == ["unknown std namespace 'std.nosuch'"]
