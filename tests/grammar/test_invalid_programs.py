"""Programs that the spec (§1–5) makes syntax errors produce an ERROR or MISSING node, and the first
one is where a reader would look for the mistake.

Each case is a few lines. The expected position is 1-based (line, column), the column counted in
characters. Where tree-sitter's recovery wraps the construct it cannot complete, the position is
the start of that construct (the `try`, the `flow`, the call holding the broken string); otherwise
it is the offending token, or the place where a MISSING token is inserted.

Some forms that the spec calls "not Nexa" are not *syntax* errors with a free-form grammar:
`intent X shall "…"`, `after 500ms {}` and `x = f"…"` read as several juxtaposed expression
statements (§1.2, §2.8: "the checker rejects the rest"). They are left to the checker, and the
cases below use the spellings of those forms that the grammar itself rejects.
"""

from collections.abc import Callable
from typing import Any

import pytest

CASES = [
    # §1.6.1 (D02): a line break ends a one-line string, which is then unterminated.
    pytest.param(
        "flow main {\n    a = 'open\n    b = 2\n}\n", (2, 14), id="unterminated-single-quoted-string"
    ),
    pytest.param(
        'flow main {\n    a = "open\n    b = 2\n}\n', (2, 14), id="unterminated-double-quoted-string"
    ),
    pytest.param('flow main {\n    print("hello)\n}\n', (2, 5), id="unterminated-string-in-a-call"),
    pytest.param(
        'flow main {\n    x = "abc\ndef"\n}\n',
        (2, 13),
        id="string-broken-across-two-lines",
        marks=pytest.mark.xfail(
            reason="grammar: recovery skips the line break and `def` inside the string and reports "
            "line 3 instead of the unterminated string on line 2",
            strict=True,
        ),
    ),
    # Blocks and bodies.
    pytest.param('flow main {\n    print("x")\n', (2, 15), id="flow-missing-closing-brace"),
    pytest.param(
        'agent A {\n    prompt: "p"\n\nflow main {\n    A.run("x")\n}\n',
        (6, 2),
        id="agent-missing-closing-brace-takes-the-flow-as-a-member",
    ),
    pytest.param('agent {\n    prompt: "p"\n}\n', (1, 1), id="agent-without-a-name"),
    # §5.6, §5.9: operators.
    pytest.param("flow main {\n    r = draft >>\n}\n", (2, 15), id="dangling-dag-operator"),
    pytest.param("flow main {\n    x = a >> >> B\n}\n", (2, 14), id="two-dag-operators-in-a-row"),
    pytest.param(
        'flow main {\n    r = "你好，世界" >>\n}\n', (2, 17), id="dangling-dag-operator-after-chinese-text"
    ),
    pytest.param("flow main {\n    x = a? + 1\n}\n", (2, 12), id="question-mark-inside-an-expression"),
    pytest.param("flow main {\n    x = a ?? : B\n}\n", (2, 14), id="semantic-branch-without-first-target"),
    # §1.7, §1.8: tokens that do not exist.
    pytest.param("flow main {\n    x = .5\n}\n", (2, 9), id="float-with-leading-dot"),
    pytest.param("flow main {\n    x = 5.\n}\n", (2, 10), id="float-with-trailing-dot"),
    pytest.param("flow main {\n    if !done { stop() }\n}\n", (2, 8), id="bang-is-not-an-operator"),
    pytest.param("flow main {\n    x += 1\n}\n", (2, 8), id="no-compound-assignment"),
    pytest.param("flow main {\n    x = a & b\n}\n", (2, 11), id="single-ampersand"),
    pytest.param("flow main {\n    x = 5 %% 2\n}\n", (2, 12), id="double-percent"),
    pytest.param("flow main {\n    回答 = 1\n}\n", (2, 5), id="identifiers-are-ascii"),
    # §1.3, §2.8: comments and string forms that are not Nexa.
    pytest.param("# a comment\nflow main {}\n", (1, 1), id="hash-comment-at-top-level"),
    pytest.param("flow main {\n    x = 1  # note\n}\n", (2, 12), id="hash-comment-after-a-statement"),
    pytest.param("flow main {}\n/* never closed\nflow other {}\n", (2, 1), id="unclosed-block-comment"),
    pytest.param('flow main {\n    print(f"hi {name}")\n}\n', (2, 11), id="f-string"),
    pytest.param('flow main {\n    print(r "a+")\n}\n', (2, 11), id="raw-string-prefix-with-space"),
    pytest.param(
        'flow main {\n    show(template """{{x}}""")\n}\n', (2, 10), id="template-prefix-with-space"
    ),
    pytest.param("flow main {\n    x = `hi`\n}\n", (2, 9), id="backtick-string"),
    pytest.param(
        'flow main {\n    x = python! """print(1)"""\n}\n', (2, 15), id="python-block-as-expression"
    ),
    # §2.8: documentation forms that are not Nexa.
    pytest.param('after 500ms {\n    print("x")\n}\n', (1, 13), id="after-duration-statement"),
    pytest.param(
        "flow main {\n    schedule every 30s { tick() }\n}\n", (2, 26), id="schedule-every-statement"
    ),
    pytest.param("flow f {\n    requires: x > 0\n}\n", (2, 13), id="requires-with-colon"),
    pytest.param("flow f {\n    ensures: result != none\n}\n", (2, 12), id="ensures-with-colon"),
    pytest.param('db connect "sqlite://x" {\n    query "select 1"\n}\n', (1, 4), id="db-connect-block"),
    pytest.param(
        'server 8080 {\n    route GET "/" => home\n    static "/d" from "./d" (index: true)\n}\n',
        (3, 27),
        id="static-directive-with-options",
    ),
    pytest.param('flow main {\n    y = x |>> { "text" }\n}\n', (2, 17), id="fork-into-a-brace-body"),
    # §3.1.1, §3.1.2: decorators are `@name(word=number, …)` before `agent`.
    pytest.param('@retry(3)\nagent A {\n    prompt: "p"\n}\n', (1, 8), id="decorator-positional-argument"),
    pytest.param(
        '@timeout(seconds: 30)\nagent A {\n    prompt: "p"\n}\n', (1, 10), id="decorator-colon-argument"
    ),
    pytest.param(
        '@retry max_attempts=2\nagent A {\n    prompt: "p"\n}\n', (1, 1), id="decorator-without-parentheses"
    ),
    pytest.param('@retry[2]\nagent A {\n    prompt: "p"\n}\n', (1, 1), id="decorator-with-brackets"),
    pytest.param("@timeout(seconds=30)\nflow f {\n}\n", (1, 1), id="decorator-on-a-flow"),
    pytest.param(
        '@timeout(seconds=-)\nagent A { prompt: "p" }\n', (1, 19), id="decorator-sign-without-number"
    ),
    # §3.3: `fn` at top level needs `@tool(…)`.
    pytest.param("fn helper(x) {\n    return x\n}\n", (1, 4), id="top-level-fn-without-tool"),
    pytest.param("fn helper {\n}\n", (1, 1), id="top-level-fn-without-parameters"),
    pytest.param('@tool("desc")\nflow f(x) { return x }\n', (1, 1), id="tool-decorator-on-a-flow"),
    # §3.4, §3.9: member lists.
    pytest.param("protocol P { name str }\n", (1, 14), id="protocol-field-without-colon"),
    pytest.param("struct S { x: int = 3 }\n", (1, 19), id="struct-field-with-default"),
    pytest.param("enum E { A() }\n", (1, 12), id="enum-variant-with-empty-payload"),
    # §3.10: `job NAME on QUEUE`.
    pytest.param("job Sync {\n    perform() { x() }\n}\n", (1, 5), id="job-without-on"),
    pytest.param(
        "job Sync (priority: high) {\n    perform() { x() }\n}\n", (1, 5), id="job-options-without-on"
    ),
    # §3.11: server items.
    pytest.param('server 80 {\n    route GET "/" home\n}\n', (2, 5), id="route-without-arrow"),
    pytest.param('server 80 {\n    cors "*"\n}\n', (2, 5), id="cors-with-a-string"),
    # §4: statements.
    pytest.param("flow main {\n    let = 1\n}\n", (2, 8), id="let-without-a-pattern"),
    pytest.param("flow main {\n    f() = 1\n}\n", (2, 9), id="assignment-to-a-call"),
    pytest.param("flow main {\n    spawn = 1\n}\n", (2, 5), id="reserved-word-as-assignment-target"),
    pytest.param("flow main {\n    none = 1\n}\n", (2, 10), id="literal-as-assignment-target"),
    pytest.param('flow main {\n    print("x"\n}\n', (2, 14), id="call-missing-closing-parenthesis"),
    pytest.param("flow main {\n    for x xs { y() }\n}\n", (2, 5), id="for-without-in"),
    pytest.param("flow main {\n    loop { x() }\n}\n", (2, 5), id="loop-without-until"),
    pytest.param("flow main {\n    loop { x() } until\n}\n", (2, 23), id="until-without-condition"),
    pytest.param(
        'flow main {\n    semantic_if "is rude" { x() }\n}\n', (2, 5), id="semantic-if-without-against"
    ),
    pytest.param("flow main {\n    try { a() }\n}\n", (2, 5), id="try-without-catch"),
    pytest.param("flow main {\n    try { a() } catch e { b() }\n}\n", (2, 5), id="catch-without-parentheses"),
    pytest.param(
        "flow main {\n    try { a() } catch (A B c) { b() }\n}\n", (2, 28), id="catch-with-three-names"
    ),
    pytest.param("flow main {\n    on_error { x() }\n}\n", (2, 5), id="on-error-hook-without-parentheses"),
    pytest.param("flow main {\n    verify x satisfies\n}\n", (2, 14), id="verify-satisfies-without-type"),
    pytest.param(
        'flow main {\n    pass "m" auditor\n}\n',
        (2, 5),
        id="pass-without-to",
        marks=pytest.mark.xfail(
            reason="grammar: recovery wraps the whole flow in one ERROR from line 1 "
            "(since the error-recovery scanner of 7f2c8b8; it was at the pass statement before)",
            strict=True,
        ),
    ),
    pytest.param(
        "flow main {\n    with_context max_tokens: 8000 + 1 { x() }\n}\n",
        (2, 35),
        id="harness-parameter-expression",
    ),
    # §5.10: match arms.
    pytest.param(
        'flow main {\n    x = match v {\n        1 "one"\n    }\n}\n', (3, 9), id="match-arm-without-arrow"
    ),
    pytest.param(
        'flow main {\n    x = match v {\n        1 => "one"\n        2 "two"\n    }\n}\n',
        (4, 9),
        id="second-match-arm-without-arrow",
    ),
    pytest.param(
        'flow main {\n    match m { intent "refund" => A }\n}\n', (2, 15), id="intent-arm-without-parentheses"
    ),
    # §2.4, §2.5
    pytest.param("include shared\n", (1, 1), id="include-without-a-string"),
    pytest.param("import std.fs as\n", (1, 15), id="import-alias-without-a-name"),
    # §1.5.1: reserved words are never identifiers, `_` is only a pattern.
    pytest.param("flow main {\n    until = 1\n}\n", (2, 5), id="reserved-word-until-as-variable"),
    pytest.param("flow main {\n    else { x() }\n}\n", (2, 5), id="else-without-if"),
    pytest.param("flow main {\n    x = in\n}\n", (2, 7), id="reserved-word-in-as-value"),
    pytest.param("flow main {\n    _ = 1\n}\n", (2, 5), id="underscore-as-variable"),
    pytest.param("flow main {\n    y = _\n}\n", (2, 7), id="underscore-as-value"),
]


def test_there_are_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_first_syntax_problem_is_where_expected(
    source: str, expected: tuple[int, int], first_problem: Callable[[str], Any]
) -> None:
    problem = first_problem(source)
    assert problem is not None, "the program parsed without an ERROR or MISSING node"
    assert (problem.line, problem.column) == expected, problem.describe("<case>")


def test_a_valid_neighbour_parses_cleanly(first_problem: Callable[[str], Any]) -> None:
    # The near miss of several cases above: the same constructs, written correctly.
    source = (
        '@retry(max_attempts=2)\nagent A {\n    prompt: "p"\n}\n'
        '@tool("desc")\nfn helper(x) {\n    return x\n}\n'
        'job Sync on "q" {\n    perform() { x() }\n}\n'
        "flow main {\n"
        '    r = "你好，世界" >> A\n'
        "    x = a?\n"
        "    try { a() } catch (e) { b() }\n"
        '    y = match v {\n        1 => "one"\n        intent("refund") => A\n    }\n'
        "}\n"
    )
    assert first_problem(source) is None


def test_a_problem_is_described_as_file_line_column(first_problem: Callable[[str], Any]) -> None:
    # The conformance test's failure message: 1-based line and column, the column in characters.
    problem = first_problem('flow main {\n    r = "你好" >>\n}\n')
    assert problem.describe("v1.2/x.nx") == "v1.2/x.nx:2:14: ERROR at '>>'"
