"""Suppression quick fixes (nexa_lang.suppression_actions, diagnostics.md §13): each offered
comment is applied and the text checked again, so the tests show that it really hides the
diagnostic and nothing else."""

from __future__ import annotations

from nexa_lang.check import check_source
from nexa_lang.code_actions import QUICK_FIX, CodeAction
from nexa_lang.diagnostics import Diagnostic
from nexa_lang.model import SourceFile
from nexa_lang.positions import Span
from nexa_lang.suppression_actions import in_context, suppression_actions

PATH = "/virtual/main.nx"


def diagnostics(text: str) -> list[Diagnostic]:
    return check_source(text, PATH)


def codes(text: str) -> list[str]:
    return sorted(d.code for d in diagnostics(text))


def offered(text: str, code: str | None = None) -> dict[str, CodeAction]:
    """The suppression actions for every diagnostic of `text` (or those of `code`), by title."""
    found = [d for d in diagnostics(text) if code is None or d.code == code]
    return {a.title: a for a in suppression_actions(SourceFile.from_text(text, PATH), found)}


def apply(text: str, action: CodeAction) -> str:
    source = bytearray(text.encode())
    for edit in sorted(action.edits, key=lambda e: e.start, reverse=True):
        source[edit.start : edit.end] = edit.new_text.encode()
    return source.decode()


# Two codes on one line: E303 (a std function that does not exist) and E001 (an undeclared name).
TWO_CODES = "flow main {\n    print(std.json.parse_json(missing))\n}\n"


def test_line_form_adds_a_trailing_comment_that_hides_only_its_code():
    assert codes(TWO_CODES) == ["E001", "E303"]
    action = offered(TWO_CODES)["Ignore E303 on this line"]
    fixed = apply(TWO_CODES, action)
    assert fixed.splitlines()[1] == "    print(std.json.parse_json(missing))  // nexa: ignore[E303]"
    assert codes(fixed) == ["E001"]  # the other code of the line stays, and no M001


def test_actions_are_quick_fixes_never_preferred_and_name_their_diagnostic():
    for action in offered(TWO_CODES).values():
        assert action.kind == QUICK_FIX and not action.is_preferred
        assert len(action.diagnostics) == 1 and action.diagnostics[0].code in action.title


def test_line_form_extends_the_lines_existing_list():
    text = "flow main {\n    print(std.json.parse_json(missing))  // nexa: ignore[W001]\n}\n"
    assert codes(text) == ["E001", "E303", "M001"]
    fixed = apply(text, offered(text, "E001")["Ignore E001 on this line"])
    assert fixed.splitlines()[1].endswith("// nexa: ignore[W001, E001]")
    assert codes(fixed) == ["E303", "M001"]  # W001 still suppresses nothing


def test_line_form_extends_an_ignore_next_line_that_names_the_line():
    text = "flow main {\n    // nexa: ignore-next-line[E303]\n\n    print(std.json.parse_json(missing))\n}\n"
    fixed = apply(text, offered(text)["Ignore E001 on this line"])
    assert fixed.splitlines()[1] == "    // nexa: ignore-next-line[E303, E001]"
    assert codes(fixed) == []


def test_after_a_line_comment_the_line_form_goes_above_the_line():
    text = "flow main {\n    print(missing)  // 说明 🌍\n}\n"
    fixed = apply(text, offered(text)["Ignore E001 on this line"])
    assert fixed.splitlines()[1:3] == [
        "    // nexa: ignore-next-line[E001]",
        "    print(missing)  // 说明 🌍",
    ]
    assert codes(fixed) == []


def test_a_block_comment_that_ends_the_line_takes_a_trailing_comment():
    text = "flow main {\n    print(missing) /* note */\n}\n"
    fixed = apply(text, offered(text)["Ignore E001 on this line"])
    assert fixed.splitlines()[1] == "    print(missing) /* note */  // nexa: ignore[E001]"
    assert codes(fixed) == []


def test_a_line_that_opens_a_multi_line_string_gets_ignore_next_line_above():
    text = 'flow main {\n    print(missing, """first\nsecond""")\n}\n'
    fixed = apply(text, offered(text)["Ignore E001 on this line"])
    assert '"""first\nsecond"""' in fixed  # the string is unchanged
    assert fixed.splitlines()[1] == "    // nexa: ignore-next-line[E001]"
    assert codes(fixed) == []


def test_a_line_that_opens_a_multi_line_block_comment_gets_ignore_next_line_above():
    text = "flow main {\n    print(missing) /* a\n    b */\n}\n"
    fixed = apply(text, offered(text)["Ignore E001 on this line"])
    assert fixed.splitlines()[1] == "    // nexa: ignore-next-line[E001]"
    assert codes(fixed) == []


# W007 (unknown template filter) on an inner line of a multi-line template string.
TEMPLATE = 'flow main {\n    t = template"""Hi\n  {{ name | nope }}\n"""\n    print(t)\n}\n'


def test_an_inner_line_of_a_multi_line_string_gets_only_the_file_form():
    assert codes(TEMPLATE) == ["W007"]
    actions = offered(TEMPLATE)
    assert list(actions) == ["Ignore W007 in this file"]
    fixed = apply(TEMPLATE, actions["Ignore W007 in this file"])
    assert fixed.endswith(TEMPLATE) and codes(fixed) == []


def test_a_line_that_closes_a_multi_line_string_takes_a_trailing_comment():
    text = 'flow main {\n    x = """a\nb""" + missing\n    print(x)\n}\n'
    fixed = apply(text, offered(text)["Ignore E001 on this line"])
    assert fixed.splitlines()[2] == 'b""" + missing  // nexa: ignore[E001]'
    assert codes(fixed) == []


def test_file_form_goes_at_the_top_and_hides_every_finding_of_the_code():
    text = "flow main {\n    print(missing)\n    print(other, std.json.parse_json(1))\n}\n"
    fixed = apply(text, offered(text, "E001")["Ignore E001 in this file"])
    assert fixed == "// nexa: ignore-file[E001]\n" + text
    assert codes(fixed) == ["E303"]


def test_file_form_extends_an_existing_ignore_file():
    text = '// nexa: ignore-file[W001]\nagent A { prompt: "p" }\nflow main {\n    print(missing)\n}\n'
    fixed = apply(text, offered(text)["Ignore E001 in this file"])
    assert fixed.startswith("// nexa: ignore-file[W001, E001]\n") and codes(fixed) == []


def test_file_form_does_not_extend_a_misplaced_ignore_file():
    text = "flow main {\n    print(missing)  // nexa: ignore-file[W001]\n}\n"
    fixed = apply(text, offered(text, "E001")["Ignore E001 in this file"])
    assert fixed.startswith("// nexa: ignore-file[E001]\nflow main")
    assert codes(fixed) == ["M001"]  # the misplaced one is still reported


def test_file_form_goes_after_a_bom_and_keeps_crlf():
    text = "\ufeffflow main {\r\n    print(missing)\r\n}\r\n"
    fixed = apply(text, offered(text)["Ignore E001 in this file"])
    assert fixed == "\ufeff// nexa: ignore-file[E001]\r\n" + text[1:]
    assert codes(fixed) == []
    line_fixed = apply(text, offered(text)["Ignore E001 on this line"])
    assert "print(missing)  // nexa: ignore[E001]\r\n" in line_fixed and codes(line_fixed) == []


def test_file_form_goes_after_a_shebang_line():
    text = "#!/usr/bin/env nexa\nflow main { print(missing) }\n"
    action = offered(text, "E001")["Ignore E001 in this file"]
    assert (
        apply(text, action)
        == "#!/usr/bin/env nexa\n// nexa: ignore-file[E001]\nflow main { print(missing) }\n"
    )


def test_syntax_errors_and_unused_suppressions_get_no_suppression():
    broken = "flow main {\n    x = (1 +\n}\n"
    assert "E008" in codes(broken) and not [t for t in offered(broken) if "E008" in t]
    unused = "flow main {\n    print(1)  // nexa: ignore[W001]\n}\n"
    assert codes(unused) == ["M001"] and offered(unused) == {}


def test_diagnostics_of_another_file_are_left_out():
    (finding,) = [d for d in diagnostics(TWO_CODES) if d.code == "E001"]
    elsewhere = finding.with_(path="/virtual/other.nxlib")
    assert suppression_actions(SourceFile.from_text(TWO_CODES, PATH), [elsewhere]) == []


def test_in_context_follows_the_clients_diagnostics_else_the_range():
    found = diagnostics(TWO_CODES)
    e001 = next(d for d in found if d.code == "E001")
    whole_line = Span(e001.span.start - 30, e001.span.end)
    assert {d.code for d in in_context(found, whole_line, [])} == {"E001", "E303"}
    assert [d.code for d in in_context(found, whole_line, [("E001", e001.span)])] == ["E001"]
    assert in_context(found, whole_line, [("W001", e001.span)]) == []
