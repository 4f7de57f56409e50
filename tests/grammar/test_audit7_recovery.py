"""Audit 7 (gr): syntax errors while typing. Each typical mistake in an otherwise valid program gives
one E008 at the mistake, the rest of the file is still checked, and the mistake causes no cascade of
other diagnostics (diagnostics.md E008, §2.6). Each case has a near miss that must stay as it was."""

from __future__ import annotations

from nexa_lang.check import check_source
from nexa_lang.diagnostics import Diagnostic
from nexa_lang.model import SourceFile
from nexa_lang.outline import document_symbols


def diagnostics(text: str) -> list[tuple[str, int, str]]:
    """(code, 1-based line, message) of every diagnostic."""
    data = text.encode()
    return [(d.code, data[: d.span.start].count(b"\n") + 1, d.message) for d in check_source(text)]


def spanned(text: str, code: str) -> list[tuple[Diagnostic, str]]:
    data = text.encode()
    return [(d, data[d.span.start : d.span.end].decode()) for d in check_source(text) if d.code == code]


HASH_NOTE = """flow main {
    items = [1, 2, 3]
    # the items doubled
    for each n in items {
        print(n * 2)
    }
}
"""


def test_a_hash_line_is_one_error_and_its_words_are_not_code() -> None:
    # §1.3: `#` starts no comment. Before G17 the note's words were statements: E001 'the', 'items'…
    assert diagnostics(HASH_NOTE) == [("E008", 3, "unexpected '#'; comments start with '//' in flow 'main'")]
    [(_, covered)] = spanned(HASH_NOTE, "E008")
    assert covered == "# the items doubled"


def test_a_hash_line_at_top_level_keeps_the_next_declaration() -> None:
    text = "# header\nflow main {\n    print(undefined_name)\n}\n"
    assert diagnostics(text) == [
        ("E008", 1, "unexpected '#'; comments start with '//'"),
        ("E001", 3, "undeclared name 'undefined_name'"),
    ]


def test_near_miss_hash_inside_strings_and_interpolation_stay_text() -> None:
    text = "flow main {\n    y = 1\n    x = \"a # b #{y}\"\n    print('#' + x) // note\n}\n"
    assert diagnostics(text) == []


CONDITIONLESS_IF = """flow review(v) {
    if {
        return "ok: " + v.label
    } else {
        return "weak"
    }
}

flow main() {
    print(review(1))
    print(later_typo)
}
"""


def test_if_without_a_condition_opens_its_block_and_the_rest_is_checked() -> None:
    # §5.2.4: a `{` after a statement keyword is a block. Before G18 the block was a dict: E008s to
    # the end of the file and `main` was lost (no E001 for `later_typo`).
    assert diagnostics(CONDITIONLESS_IF) == [
        ("E008", 2, "expected a condition after 'if'"),
        ("E001", 11, "undeclared name 'later_typo'"),
    ]
    [(diagnostic, covered)] = spanned(CONDITIONLESS_IF, "E008")
    assert covered == "" and diagnostic.span.start == CONDITIONLESS_IF.encode().index(b"if") + 2


def test_while_without_a_condition() -> None:
    text = "flow main {\n    while {\n        print(1)\n    }\n}\n"
    assert diagnostics(text) == [("E008", 2, "expected a condition after 'while'")]


def test_near_miss_dict_conditions_stay_valid() -> None:
    text = 'flow main {\n    if {} { print("a") }\n    if {"k": 1} { print("b") }\n'
    text += '    while {} { print("c") }\n}\n'
    assert diagnostics(text) == []


def test_match_without_a_subject_keeps_its_arms_and_the_next_flow() -> None:
    text = 'flow classify(n) {\n    return match {\n        0 => "zero",\n        _ => "many"\n    }\n}\n'
    text += "flow main() {\n    print(classify(1))\n    print(typo_name)\n}\n"
    # Before G18: E008s to the end of the file and `main` was missing from the outline.
    assert diagnostics(text) == [
        ("E008", 2, "expected an expression after 'match'"),
        ("E001", 9, "undeclared name 'typo_name'"),
    ]


def test_near_miss_match_with_a_dict_subject() -> None:
    assert diagnostics("flow main {\n    x = match {} {\n        _ => 1\n    }\n    print(x)\n}\n") == []


MISSPELLED = """agent Reviewer {
    prompt: "Review."
}

{word} review(text: str) -> str {
    v = Reviewer.run(text)
    if v == "" {
        return "empty"
    }
    return v
}

agnet Writer {
    prompt: "Write."
}

flow main() {
    print(review("x"))
}
"""


def test_misspelled_declaration_keywords_are_one_error_each() -> None:
    # Before G19: no E008 for `agnet`, and E001 'flwo'/'v'/'review', E013 for each `return`.
    for word, meant in (("flwo", "flow"), ("def", "flow")):
        assert diagnostics(MISSPELLED.replace("{word}", word)) == [
            ("E008", 5, f"unexpected identifier '{word}'; did you mean '{meant}'?"),
            ("E008", 13, "unexpected identifier 'agnet'; did you mean 'agent'?"),
            ("E001", 18, "undeclared function or flow 'review'"),
        ]


def test_near_miss_words_close_to_keywords_stay_names() -> None:
    text = "flows = 1\ntests = [flows]\nprint(tests)\nflow main {\n    agents = flows\n    print(agents)\n}\n"
    assert diagnostics(text) == []
    valid = MISSPELLED.replace("{word}", "flow").replace("agnet", "agent")
    assert diagnostics(valid) == [("W001", 13, "agent 'Writer' is declared but never used")]


def outline_names(text: str) -> list[str]:
    return [symbol.name for symbol in document_symbols(SourceFile.from_text(text))]


def test_the_flow_being_typed_at_the_end_of_the_file_stays_in_the_outline() -> None:
    # The last flow with an unclosed call: the parser wraps it in a top-level ERROR. Before, `main`
    # vanished from the outline and the file looked like a library (no `main`).
    text = 'agent Helper {\n    prompt: "p"\n}\n\nflow main() {\n    x = Helper.run("a")\n    print(x,'
    assert outline_names(text) == ["Helper", "main"]
    assert [code for code, _, _ in diagnostics(text)] == ["E008"]


def test_near_miss_other_top_level_errors_give_no_flow() -> None:
    text = 'agent Helper {\n    prompt: "p"\n}\n\n) flow\nflow main() {\n    print(1)\n}\n'
    assert outline_names(text) == ["Helper", "main"]


def test_a_word_followed_by_a_comment_is_no_misspelled_declaration() -> None:
    # Found by tests/fuzz: the token after the word was a comment (a leaf), which crashed G19's check.
    text = "flwo // a note\nflow main {\n    print(1)\n}\n"
    assert diagnostics(text) == [("E001", 1, "undeclared name 'flwo'")]


ELIF = """flow main() {
    count = 4
    if count > 5 {
        print(1)
    } elif count > 2 {
        print(2)
    } else {
        print(3)
    }
    return count
}
"""


def test_python_elif_is_one_error_and_the_flow_stays_whole() -> None:
    # Before G20: E001 'elif', E008 at the `{`, and `unexpected '}'` at the end of the file.
    assert diagnostics(ELIF) == [("E008", 5, "unexpected identifier 'elif'; write 'else if'")]


def test_near_miss_elif_as_a_name_and_else_if() -> None:
    assert diagnostics(ELIF.replace("elif", "else if")) == []
    text = "flow main {\n    elif = 1\n    x = {elif: elif}\n    print(x.elif)\n}\n"
    assert diagnostics(text) == []


def test_flow_contract_without_a_condition_keeps_the_body_and_the_next_flow() -> None:
    text = "flow plan(goal: str) -> str\n    requires\n{\n    return goal\n}\n"
    text += 'flow main() {\n    print(plan("x"))\n}\n'
    # Before: the body was a dict condition, `main` was lost and the file looked like a library (W005).
    assert diagnostics(text) == [("E008", 2, "expected a condition after 'requires'")]
    assert outline_names(text) == ["plan", "main"]


def test_near_miss_contract_with_a_dict_condition() -> None:
    text = "flow ok(g) requires {} {\n    print(g)\n}\nflow main() {\n    ok(1)\n}\n"
    assert diagnostics(text) == []


TOOL = """@tool("Look up the weather")
fn weather(city: str) -> str {
    return "sunny in " + city
}

agent Planner uses weather {
    prompt: "Plan a trip."
}

flow main() {
    print(Planner.run("Paris"))
}
"""


def test_tool_function_without_its_closing_parenthesis_is_kept() -> None:
    # Before G21: E013 'return' outside a flow, E001 'city', E007 tool 'weather' not found, and
    # `weather` was gone from the outline.
    text = TOOL.replace('weather")', 'weather"', 1)
    assert diagnostics(text) == [("E008", 1, "expected ')' to close the @tool options opened at line 1")]
    assert outline_names(text) == ["weather", "Planner", "main"]


def test_near_miss_tool_function_with_its_parenthesis() -> None:
    assert diagnostics(TOOL) == []
