"""Suppression comments (diagnostics.md §13) and M001 unused-suppression."""

import re

from nexa_lang.check import check_source, fix_source
from nexa_lang.diagnostics import Diagnostic
from nexa_lang.positions import LineIndex, Span
from nexa_lang.suppressions import Comment, Scope, apply_suppressions, parse_suppressions


def comments_of(text: str) -> list[tuple[str, int, int]]:
    """(text, start byte, line) of each one-line comment, found by a regex: these tests need no
    grammar (their texts have no `//` inside strings)."""
    index = LineIndex(text)
    source = text.encode()
    return [
        (m.group().decode(), m.start(), index.line_of(m.start()))
        for m in re.finditer(rb"//[^\n]*|/\*.*?\*/", source)
    ]


def on_line(text: str, line: int, code: str = "W001") -> Diagnostic:
    index = LineIndex(text)
    start = index.line_start(line)
    return Diagnostic.for_code(code, Span(start, start + 1), f"{code} here", path="a.nx")


def run(text: str, diagnostics: list[Diagnostic], **options: object) -> list[tuple[str, int, str]]:
    index = LineIndex(text)
    suppressions = parse_suppressions(comments_of(text), index)
    kept = apply_suppressions(diagnostics, suppressions, index, path="a.nx", **options)
    return [(d.code, index.line_of(d.span.start), d.message) for d in kept]


def test_trailing_ignore_suppresses_listed_codes_on_its_line():
    text = "agent A {}  // nexa: ignore[W001, G002]\nagent B {}\n"
    found = run(text, [on_line(text, 0), on_line(text, 0, "G002"), on_line(text, 1)])
    assert found == [("W001", 1, "W001 here")]


def test_rule_names_and_any_case_are_accepted():
    text = "agent A {}  // nexa: ignore[unused-declaration, g002]\n"
    assert run(text, [on_line(text, 0), on_line(text, 0, "G002")]) == []


def test_bare_ignore_suppresses_every_static_code_on_its_line():
    text = "x = 1  // nexa: ignore\n"
    assert run(text, [on_line(text, 0, "W005"), on_line(text, 0, "G009")]) == []


def test_ignore_does_not_reach_other_lines():
    text = "x = 1  // nexa: ignore[W005]\ny = 2\n"
    assert [code for code, _, _ in run(text, [on_line(text, 1, "W005")])][:1] == ["W005"]


def test_ignore_next_line_skips_blank_and_comment_lines():
    text = "// nexa: ignore-next-line[W007]\n\n// a note\n/* more */\nagent L { temprature: 0.2 }\n"
    assert run(text, [on_line(text, 4, "W007")]) == []


def test_ignore_next_line_covers_only_that_line():
    text = "// nexa: ignore-next-line[W007]\nagent L {}\nagent M {}\n"
    assert [line for _, line, _ in run(text, [on_line(text, 1, "W007"), on_line(text, 2, "W007")])] == [2]


def test_ignore_file_covers_the_whole_file():
    text = "agent A {}\n// nexa: ignore-file[W005, W011]\nflow main {}\n"
    assert run(text, [on_line(text, 0, "W005"), on_line(text, 2, "W011")]) == []


def test_bare_ignore_file_covers_every_static_code():
    text = "// nexa: ignore-file\nx\ny\n"
    assert run(text, [on_line(text, 1, "W005"), on_line(text, 2, "E001")]) == []


def test_next_line_and_file_suppressions_after_code_suppress_nothing_and_are_m001():
    # §13: `ignore-next-line` and `ignore-file` must be alone on their line.
    text = "x = 1 // nexa: ignore-next-line[E001]\nprint(a)\ny = 2 // nexa: ignore-file[W005]\nz\n"
    found = run(text, [on_line(text, 1, "E001"), on_line(text, 3, "W005")])
    assert [(code, line) for code, line, _ in found] == [("E001", 1), ("W005", 3), ("M001", 0), ("M001", 2)]
    blanket = "x = 1 /* nexa: ignore-file */\nz\n"
    assert [code for code, _, _ in run(blanket, [on_line(blanket, 1, "W005")])] == ["W005", "M001"]


def test_block_suppression_alone_on_its_line_still_counts():
    text = "  /* nexa: ignore-next-line[E001] */  \nprint(a)\n"
    assert run(text, [on_line(text, 1, "E001")]) == []


def test_syntax_errors_cannot_be_suppressed_and_naming_e008_is_m001():
    text = "flow main { = }  // nexa: ignore[E008]\n"
    found = run(text, [on_line(text, 0, "E008")])
    assert found == [("E008", 0, "E008 here"), ("M001", 0, "suppression of E008 matches no diagnostic")]


def test_bare_ignore_does_not_hide_syntax_errors_or_runtime_codes():
    text = "x  // nexa: ignore\n"
    assert [code for code, _, _ in run(text, [on_line(text, 0, "E008"), on_line(text, 0, "E104")])] == [
        "E008",
        "E104",
        "M001",
    ]


def test_unused_code_is_m001_at_the_code():
    text = "agent A {}  // nexa: ignore[W001, G002]\n"
    index = LineIndex(text)
    kept = apply_suppressions(
        [on_line(text, 0)], parse_suppressions(comments_of(text), index), index, path="a.nx"
    )
    [m001] = kept
    assert (m001.code, m001.message) == ("M001", "suppression of G002 matches no diagnostic")
    assert text.encode()[m001.span.start : m001.span.end] == b"G002"
    assert m001.tags and m001.fixes[0].is_safe


def test_unknown_code_is_m001():
    text = "x  // nexa: ignore[W001, X42]\n"
    assert ("M001", 0, "unknown code 'X42' in suppression") in run(text, [on_line(text, 0)])


def test_unused_blanket_suppression_is_m001():
    assert run("x  // nexa: ignore\n", []) == [("M001", 0, "suppression matches no diagnostic")]


def test_codes_that_were_not_checked_are_not_m001():
    text = "x  // nexa: ignore[W001, X42]\n"
    found = run(text, [], is_enabled=lambda code: code != "W001")
    assert found == [("M001", 0, "unknown code 'X42' in suppression")]


def test_blanket_suppressions_are_not_judged_when_no_rule_ran():
    assert run("x  // nexa: ignore\n", [], judge_blanket=False) == []


def test_directive_must_be_lower_case_with_one_space():
    for text in (
        "x  // NEXA: ignore\n",
        "x  // nexa:ignore\n",
        "x  // nexa:  ignore\n",
        "x  // nexa: ignored\n",
    ):
        assert parse_suppressions(comments_of(text), LineIndex(text)) == []


def test_block_comment_suppression():
    text = "agent A {}  /* nexa: ignore[W001] */\n"
    index = LineIndex(text)
    [suppression] = parse_suppressions([Comment("/* nexa: ignore[W001] */", 12, 0)], index)
    assert suppression.scope is Scope.LINE and suppression.entries[0].code == "W001"


def test_code_spans_are_byte_offsets_after_cjk():
    text = "写 = 1  // 注释 nexa: ignore[W001]\n"
    line_text = "写 = 1  // nexa: ignore[W001]\n"
    index = LineIndex(line_text)
    [suppression] = parse_suppressions([Comment("// nexa: ignore[W001]", len("写 = 1  ".encode()), 0)], index)
    span = suppression.entries[0].span
    assert line_text.encode()[span.start : span.end] == b"W001"
    assert parse_suppressions(comments_of(text), LineIndex(text)) == []  # `nexa:` must start the comment


def test_m001_fix_removes_one_code_or_the_whole_comment():
    text = "agent A {}  // nexa: ignore[W001, G002]\nagent B {}  // nexa: ignore[G002]\n"
    index = LineIndex(text)
    kept = apply_suppressions(
        [on_line(text, 0)], parse_suppressions(comments_of(text), index), index, path="a.nx"
    )
    edits = [d.fixes[0].edits[0] for d in kept]
    source = text.encode()
    assert [source[e.start : e.end] for e in edits] == [b", G002", b"  // nexa: ignore[G002]"]


def test_comment_alone_on_its_line_is_removed_with_the_line():
    text = "// nexa: ignore-next-line[W007]\nagent L {}\n"
    index = LineIndex(text)
    [m001] = apply_suppressions([], parse_suppressions(comments_of(text), index), index, path="a.nx")
    edit = m001.fixes[0].edits[0]
    assert text.encode()[edit.start : edit.end] == b"// nexa: ignore-next-line[W007]\n"


# --- through the checker, with the real grammar's comment nodes --------------------------------


def codes(text: str) -> list[tuple[str, int]]:
    index = LineIndex(text)
    return [(d.code, index.line_of(d.span.start)) for d in check_source(text, "a.nx")]


def test_suppression_inside_a_string_is_text():
    text = 'flow main {\n    s = "// nexa: ignore[X42]"\n}\n'
    assert codes(text) == []


def test_checked_suppressions_are_judged_through_the_checker():
    text = (
        'agent A { prompt: "p", model: " gpt-4o" }  // nexa: ignore[E005]\n'
        'agent B { prompt: "p" }  // nexa: ignore[E005]\n'
    )
    assert codes(text) == [("M001", 1)]


def test_unknown_code_is_m001_through_the_checker():
    assert codes('agent A { prompt: "p" }  // nexa: ignore[bogus]\n') == [("M001", 0)]


def test_fix_removes_an_unused_suppression_and_keeps_the_rest():
    text = 'agent A { prompt: "写" }  // nexa: ignore[bogus]\n'
    outcome = fix_source(text, "a.nx")
    assert outcome.text == 'agent A { prompt: "写" }\n'
    assert outcome.remaining == []
