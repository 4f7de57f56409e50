"""Audit 7, round 2 (gr2): syntax-error recovery for mistakes made while typing. Each half-typed or
mistyped construct gives one E008 at the mistake, and the rest of the file is still checked without a
cascade of other diagnostics (diagnostics.md E008, §2.6). Each case has a near miss that must stay as
it was."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from nexa_avm.cli import main as nexa_main
from nexa_lang.check import check_source
from nexa_lang.model import SourceFile
from nexa_lang.outline import document_symbols


def diagnostics(text: str) -> list[tuple[str, int, str]]:
    """(code, 1-based line, message) of every diagnostic."""
    data = text.encode()
    return [(d.code, data[: d.span.start].count(b"\n") + 1, d.message) for d in check_source(text)]


def spans(text: str, code: str = "E008") -> list[tuple[int, str]]:
    """(start offset, covered text) of every diagnostic with `code`."""
    data = text.encode()
    return [
        (d.span.start, data[d.span.start : d.span.end].decode()) for d in check_source(text) if d.code == code
    ]


def outline(text: str) -> list[str]:
    return [symbol.name for symbol in document_symbols(SourceFile.from_text(text))]


NAMELESS_FLOW = """agent Helper {
    prompt: "Answer briefly."
}

flow (message: str) -> str {
    let reply = Helper.run(message)
    return reply + undefined_name
}

flow main() {
    print("hi")
}
"""


def test_a_flow_without_its_name_is_one_error_and_its_body_is_checked() -> None:
    # G22: before, the parameter type `str` became the flow's name (W012, E001 for every use of the
    # parameter, two E008s, the outline showed 'str').
    assert diagnostics(NAMELESS_FLOW) == [
        ("E008", 5, "expected a flow name"),
        ("E001", 7, "undeclared name 'undefined_name'"),
    ]
    assert spans(NAMELESS_FLOW) == [(NAMELESS_FLOW.index("flow (") + 4, "")]  # zero-width after `flow`
    assert "str" not in outline(NAMELESS_FLOW) and "main" in outline(NAMELESS_FLOW)


def test_near_miss_a_named_flow_is_unchanged() -> None:
    text = NAMELESS_FLOW.replace("flow (message", "flow route(message").replace(
        "main() {", 'main() {\n    route("x")'
    )
    assert diagnostics(text) == [("E001", 7, "undeclared name 'undefined_name'")]
    assert outline(text) == ["Helper", "route", "main"]


UNCLOSED_TEST_NAME = """agent Summarizer {
    prompt: "Summarize."
}

test "summarizer gives bullets {
    out = Summarizer.run("text")
    assert out != undefined_name
}

flow main() {
    print("hi")
}
"""


def test_a_test_name_without_its_closing_quote_is_one_error_and_keeps_the_test() -> None:
    # G23: before, `test` was E001 and the string took the `{`, so the body's `}` was a second E008
    # and the outline showed the body's variable `out` instead of the test.
    assert diagnostics(UNCLOSED_TEST_NAME) == [
        ("E008", 5, "unterminated string literal"),
        ("E001", 7, "undeclared name 'undefined_name'"),
    ]
    assert spans(UNCLOSED_TEST_NAME) == [(UNCLOSED_TEST_NAME.index('"summarizer'), '"')]
    assert outline(UNCLOSED_TEST_NAME) == ["Summarizer", "summarizer gives bullets", "main"]


def test_an_unclosed_test_name_with_the_brace_on_the_next_line_or_single_quotes() -> None:
    text = "test 'a \\' b\n{\n    assert 1 == 1\n}\ntest \"c {\n    let y = 2\n    assert y == 2\n}\n"
    assert diagnostics(text) == [
        ("E008", 1, "unterminated string literal"),
        ("E008", 5, "unterminated string literal"),
    ]
    assert outline(text) == ["a \\' b", "c"]


def test_near_miss_closed_test_names_are_unchanged() -> None:
    text = UNCLOSED_TEST_NAME.replace("bullets {", 'bullets" {')
    assert diagnostics(text) == [("E001", 7, "undeclared name 'undefined_name'")]
    assert outline(text) == ["Summarizer", "summarizer gives bullets", "main"]
    text = 'test """a "quoted" name""" {\n    assert true\n}\ntest "x {y}" {\n    assert true\n}\n'
    assert diagnostics(text) == []
    assert outline(text) == ['a "quoted" name', "x {y}"]


DEFER_ALONE = """flow compute() -> int {
    return 1
}

flow main() {
    defer
    result = compute()
    print(result)
}
"""


def test_defer_alone_on_its_line_is_one_error_and_the_next_assignment_stays() -> None:
    # G24: before, `defer result` was read (§1.2) and the `=` was the error: E001 'result' twice.
    assert diagnostics(DEFER_ALONE) == [("E008", 6, "expected an expression after 'defer'")]
    assert spans(DEFER_ALONE) == [(DEFER_ALONE.index("defer") + 5, "")]
    with_let = DEFER_ALONE.replace("    result =", "    let result =")
    assert diagnostics(with_let) == [("E008", 6, "expected an expression after 'defer'")]


def test_near_miss_defer_with_its_expression_on_the_next_line_is_valid() -> None:
    # §1.2: the expression may follow on the next line; that is no error.
    text = DEFER_ALONE.replace("    defer\n", '    defer\n    print("done")\n')
    assert diagnostics(text) == []


LONE_AT = """@retry(max_attempts=2)
@
agent Reviewer {
    prompt: "Review."
}

flow main() {
    print(Reviewer.run("x"))
}
"""


def test_a_lone_at_before_an_agent_is_reported_at_the_at() -> None:
    # diagnostics.md E008: the range is the first token inside the ERROR node (it was `agent` on the
    # next line: "unexpected 'agent' after '@'").
    assert diagnostics(LONE_AT) == [("E008", 2, "unexpected '@' in agent 'Reviewer'")]
    assert spans(LONE_AT) == [(LONE_AT.index("\n@\n") + 1, "@")]


def test_near_miss_at_in_a_flow_and_decorators_keep_their_messages() -> None:
    in_flow = "flow main() {\n    @\n    print(1)\n}\n"
    assert diagnostics(in_flow) == [("E008", 2, "unexpected '@'; expected a statement or '}' in flow 'main'")]
    assert diagnostics(LONE_AT.replace("@\nagent", "agent")) == []


def run_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> tuple[int, str]:
    """`nexa run` on `text` (offline provider): exit code and stdout."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEXA_PROVIDER", raising=False)
    (tmp_path / "main.nx").write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    return nexa_main(["run", "main.nx"], out, err), out.getvalue()


SAME_QUOTE_KEY = """flow main() {
    cfg = {"name": "Ada"}
    name = "shadow"
    greeting = "hello #{cfg["name"]}!"
    print(greeting)
}
"""


def test_an_interpolation_key_with_its_strings_quote_is_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # G25: the `"` before `name` ends the string (§1.6.1-1.6.3), so this read as the string
    # `"hello #{cfg["`, the word `name` and the string `"]}!"`: no diagnostic at all with a variable
    # `name` in scope, and the program printed `hello #{cfg[`.
    message = (
        "unexpected identifier 'name' after a string; inside \"…\" write the key with the other quote: "
        "#{cfg['name']}"
    )
    assert diagnostics(SAME_QUOTE_KEY) == [("E008", 4, message)]
    assert spans(SAME_QUOTE_KEY) == [(SAME_QUOTE_KEY.index('name"]'), "name")]
    without_variable = SAME_QUOTE_KEY.replace('    name = "shadow"\n', "")
    assert [code for code, _, _ in diagnostics(without_variable)] == ["E008"]  # no E001 'name'
    single = "flow main() {\n    cfg = {'name': 'Ada'}\n    print('#{cfg['name']}')\n}\n"
    assert [m for _, _, m in diagnostics(single)] == [
        "unexpected identifier 'name' after a string; inside '…' write the key with the other quote: "
        '#{cfg["name"]}'
    ]
    assert run_program(tmp_path, monkeypatch, SAME_QUOTE_KEY)[0] == 2  # refused, not run


def test_near_miss_keys_with_the_other_quote_and_an_unclosed_interpolation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # §1.6.3: `[STRING]` keys use the other quote; an unclosed `#{` is text, so `"a #{"` ends at its
    # quote; a concatenation that builds `#{…[` text is no key.
    text = """flow main() {
    cfg = {"name": "Ada"}
    k = "name"
    print("hello #{cfg['name']}!" + ' and #{cfg["name"]}')
    print("a #{")
    print("#{cfg[" + k + "]}")
}
"""
    assert diagnostics(text) == []
    assert run_program(tmp_path, monkeypatch, text) == (0, "hello Ada! and Ada\na #{\n#{cfg[name]}\n")


INTENT_UNCLOSED = """agent Chat {
    prompt: "Chat."
}

flow route(message: str) -> str {
    reply = match message {
        intent("wants to reset a password) => Chat.run(message)
        intent("is angry") => Chat.run("calm down")
        _ => Chat.run(message)
    }
    return reply
}

flow main() {
    print(route("hi"))
}
"""


def test_an_unclosed_string_inside_an_intent_arm_is_reported_as_such() -> None:
    # Before: `unexpected 'intent'` at the arm's keyword (the ERROR starts there).
    assert diagnostics(INTENT_UNCLOSED) == [("E008", 7, "unterminated string literal in flow 'route'")]
    assert spans(INTENT_UNCLOSED) == [(INTENT_UNCLOSED.index('"wants'), '"')]


def test_near_miss_closed_intent_strings_and_other_unterminated_strings_keep_their_messages() -> None:
    assert diagnostics(INTENT_UNCLOSED.replace("password)", 'password")')) == []
    # An ERROR that starts with the string keeps the zero-width position at the end of the line.
    text = 'flow main {\n    x = "abc\n    y = 2\n}\n'
    assert diagnostics(text) == [("E008", 2, "unterminated string literal")]
    assert spans(text) == [(text.index("abc") + 3, "")]


WHILE_COLON = """flow main() {
    count = 0
    while count < 3:
        count = count + 1
    }
    print(count)
}
"""


def test_a_python_colon_for_a_block_is_one_error_and_the_closing_brace_stays_the_blocks() -> None:
    # G26: before, the block's `}` closed the flow: a second E008 at the file's last `}`, and the
    # statements after the loop were top-level.
    assert diagnostics(WHILE_COLON) == [("E008", 3, "unexpected ':'; a block starts with '{' in flow 'main'")]
    assert spans(WHILE_COLON) == [(WHILE_COLON.index(":\n"), ":")]
    text = WHILE_COLON.replace("while count < 3:", "if count < 3:").replace("print(count)", "print(zzz)")
    assert diagnostics(text) == [
        ("E008", 3, "unexpected ':'; a block starts with '{' in flow 'main'"),
        ("E001", 6, "undeclared name 'zzz'"),  # still inside the flow, after the if
    ]


def test_near_miss_colon_and_brace_and_dict_conditions() -> None:
    text = WHILE_COLON.replace("count < 3:", "count < 3: {")
    assert diagnostics(text) == [("E008", 3, "unexpected ':' in flow 'main'")]
    valid = 'flow main() {\n    if {"a": 1} {\n        print(1)\n    }\n'
    valid += '    while false {\n        x = {"k": 2}\n    }\n}\n'
    assert diagnostics(valid) == []


CONTEXT_POLICY_OPEN = """agent Coder {
    prompt: "Code."
}

flow main() {
    context_policy { max_tokens: 8000, strategy: sliding_window
    draft = Coder.run("fizzbuzz")
    print(draft)
}
"""


def test_an_unclosed_context_policy_is_one_missing_brace() -> None:
    # G27: before, `draft` was read as the next parameter (`unexpected '='; expected ':'`) and the
    # flow's `}` closed the policy (a second E008 at the end of the file).
    message = "expected '}' to close the context_policy opened at line 6"
    assert diagnostics(CONTEXT_POLICY_OPEN) == [("E008", 6, message)]
    assert spans(CONTEXT_POLICY_OPEN) == [(CONTEXT_POLICY_OPEN.index("sliding_window") + 14, "")]


def test_near_miss_closed_context_policies_are_unchanged() -> None:
    closed = CONTEXT_POLICY_OPEN.replace("sliding_window\n", "sliding_window }\n")
    assert diagnostics(closed) == []
    multiline = closed.replace(
        "{ max_tokens: 8000, strategy: sliding_window }",
        "{\n        max_tokens: 8000\n        strategy: sliding_window\n    }",
    )
    assert diagnostics(multiline) == []
