"""Rename of a field next to data strings (L§1.6.5, D04): a `#{v.dx}` in a `fast_match` pattern or
another data string is text, so it neither blocks the rename (as an access of unknown type would)
nor is edited by it. The same `#{…}` in an evaluated string still counts."""

from __future__ import annotations

import pytest

from nexa_lang.analysis import Analysis, analyze
from nexa_lang.model import SourceFile, Workspace
from nexa_lang.rename import FileEdits, RenameRefused, rename

FIELDS = """struct Vec2 { dx: Int, dy: Int }
flow norm(v: Vec2) -> int { return v.dx }
flow main(thing) {
    v = Vec2(dx: 1, dy: 2)
    print(norm(v))
    {line}
}
"""


def analysis_of(text: str) -> Analysis:
    return analyze(Workspace(), SourceFile.from_text(text))


def renamed(text: str, new_name: str) -> str:
    a = analysis_of(text)
    edits: list[FileEdits] = rename(a, text.encode().index(b"dx"), new_name)
    data = a.file.source
    for file_edits in edits:
        for edit in sorted(file_edits.edits, key=lambda e: e.span, reverse=True):
            data = data[: edit.span.start] + edit.new_text.encode() + data[edit.span.end :]
    return data.decode()


def with_line(line: str) -> str:
    return FIELDS.replace("{line}", line)


@pytest.mark.parametrize(
    "line",
    [
        'semantic_if "big" fast_match "#{thing.dx}" against v { print(1) }',
        'semantic_if "big" fast_match: "#{ thing.dx }" against v { print(1) }',
    ],
)
def test_rename_a_field_ignores_a_fast_match_pattern(line: str) -> None:
    text = with_line(line)
    # The pattern keeps its text; the code accesses are renamed.
    expected = text.replace("dx", "width").replace("thing.width", "thing.dx")
    assert renamed(text, "width") == expected


def test_rename_a_field_ignores_a_colon_form_agent_property() -> None:
    text = with_line("print(1)") + 'agent A { prompt: "about #{thing.dx}" }\n'
    expected = text.replace("dx", "width").replace("thing.width", "thing.dx")
    assert renamed(text, "width") == expected


def test_rename_a_field_is_still_refused_for_an_untyped_access_in_an_evaluated_string() -> None:
    text = with_line('semantic_if "is #{thing.dx}" fast_match "x" against v { print(1) }')
    with pytest.raises(RenameRefused, match=r"'dx' is also used through 1 value\(s\).*line 6"):
        rename(analysis_of(text), text.index("dx"), "width")
