"""Audit 7b (small open items of audit 7, static side): no rule reports on what a syntax error
produced (§2.6 spirit), and the E008 of a typed assignment says what to write."""

from collections.abc import Callable

from nexa_lang.analysis import analyze
from nexa_lang.hover import hover
from nexa_lang.model import Workspace
from nexa_lang.parsing import parse
from nexa_lang.syntax_errors import syntax_errors

Found = Callable[..., list[tuple[str, int, int, str]]]

ARGUMENT_CODES = ("E012", "W008", "E302", "W010")

REVIEW = (
    "tool lookup {\n"
    '    description: "Look a claim up",\n'
    '    parameters: {"claim": "string"}\n'
    "}\n"
    "flow review(claim: str) -> str { return claim }\n"
    "flow main() {\n"
    '    let claim = "x"\n'
    "    let out = CALL\n"
    '    print("done")\n'
    "}\n"
)


def test_a_call_missing_its_closing_paren_gets_no_argument_count_diagnostic(found: Found) -> None:
    # `review(claim,` then a new line: the parser reads `print("done")` as a second argument
    assert found(REVIEW.replace("CALL", "review(claim,"), *ARGUMENT_CODES) == []
    assert found(REVIEW.replace("CALL", "lookup(claim,"), *ARGUMENT_CODES) == []
    assert found(REVIEW.replace("CALL", "review("), *ARGUMENT_CODES) == []
    # an unfinished call elsewhere does not hide a finished one
    text = REVIEW.replace("CALL", 'review(claim, "y")\n    let later = review(claim,')
    assert [d[0] for d in found(text, *ARGUMENT_CODES)] == ["E012"]


def test_a_call_with_skipped_text_inside_gets_no_argument_count_diagnostic(found: Found) -> None:
    assert found(REVIEW.replace("CALL", "review(claim, ,)"), *ARGUMENT_CODES) == []


def test_finished_calls_keep_their_argument_count_diagnostics(found: Found) -> None:
    # near miss: the same calls with their ')' are still judged
    assert found(REVIEW.replace("CALL", 'review(claim, "y")'), *ARGUMENT_CODES) == [
        ("E012", 8, 29, "'review' takes 1 argument(s) but 2 were given")
    ]
    assert [d[0] for d in found(REVIEW.replace("CALL", "review()"), *ARGUMENT_CODES)] == ["W008"]
    assert [d[0] for d in found(REVIEW.replace("CALL", "lookup()"), *ARGUMENT_CODES)] == ["E302"]


AGENT = (
    'protocol Report { title: "str" }\n'
    'agent Writer HEADER {\n    prompt: "write"\n}\n'
    'flow main() { print(Writer.run("x")) }\n'
)


def test_no_rule_reports_an_empty_name_left_by_a_syntax_error(found: Found) -> None:
    assert found(AGENT.replace("HEADER", "implements"), "E006") == []
    tools = 'agent Writer {\n    prompt: "write"\n    uses \n}\nflow main() { print(Writer.run("x")) }\n'
    assert found(tools, "E007", "E001") == []
    library = 'agent Writer {\n    prompt: "write"\n    uses \n}\n'
    assert found(library, "W005") == []
    assert found("protocol P {\n    a: \n}\nflow main() { print(P) }\n", "W011") == []


def test_names_that_are_written_are_still_reported(found: Found) -> None:
    # near misses: a typed name that resolves to nothing, and an empty type *string*, which is written
    assert found(AGENT.replace("HEADER", "implements Reprot"), "E006") == [
        ("E006", 2, 25, "protocol 'Reprot' not found; did you mean 'Report'?")
    ]
    tools = 'agent Writer {\n    prompt: "write"\n    uses serch\n}\nflow main() { print(Writer.run("x")) }\n'
    assert [d[0] for d in found(tools, "E007")] == ["E007"]
    assert found('protocol P {\n    a: ""\n}\nflow main() { print(P) }\n', "W011") == [
        ("W011", 2, 8, "unknown type string ''; it is treated as str")
    ]


def _syntax_messages(text: str) -> list[str]:
    source = text.encode("utf-8")
    return [d.message for d in syntax_errors(parse(source), source)]


def test_a_typed_assignment_without_let_says_what_to_write() -> None:
    # L§4 `let_stmt = 'let' pattern (':' type)? '=' expression`: there is no `name: T = v` statement
    text = "protocol Score { value: int }\nflow main() {\n    score: Score = 3\n    print(score)\n}\n"
    assert _syntax_messages(text) == [
        "unexpected ':'; a typed variable is declared with 'let score: Score = 3' in flow 'main'"
    ]
    spaced = "flow main() {\n    total : int = 1 + 2\n}\n"
    assert _syntax_messages(spaced) == [
        "unexpected ':'; a typed variable is declared with 'let total: int = 1 + 2' in flow 'main'"
    ]


def test_other_stray_colons_keep_the_plain_message() -> None:
    # near misses: a ':' with no '=' after it, and the valid `let` form
    assert _syntax_messages("flow main() {\n    x: 3\n}\n") == ["unexpected ':' in flow 'main'"]
    assert _syntax_messages("flow main() {\n    let score: int = 3\n    print(score)\n}\n") == []


def _hover_markdown(text: str) -> str | None:
    before, after = text.split("‸")
    workspace = Workspace()
    analysis = analyze(workspace, workspace.set_text("/virtual/main.nx", before + after))
    found = hover(analysis, len(before.encode("utf-8")))
    return found.markdown if found is not None else None


CAUGHT = (
    "flow main() {\n"
    "    try {\n"
    '        raise ToolError("boom")\n'
    "    } catch (ToolError e) {\n"
    "        print(e.FIELD)\n"
    "    }\n"
    "    let r = {message: 1}\n"
    "    print(r.message)\n"
    "}\n"
)


def test_hover_on_the_fields_of_a_caught_error() -> None:
    # L§7.7.1: an error value has .kind and .message; S§0.2 adds code, file, line, column, detail
    message = _hover_markdown(CAUGHT.replace("FIELD", "mes‸sage"))
    assert message is not None and "e.message: str" in message and "text form" in message
    kind = _hover_markdown(CAUGHT.replace("FIELD", "ki‸nd"))
    assert kind is not None and "e.kind: str" in kind
    code = _hover_markdown(CAUGHT.replace("FIELD", "co‸de"))
    assert code is not None and "e.code: str" in code and "E104" in code
    plain = CAUGHT.replace("catch (ToolError e)", "catch (e)").replace("FIELD", "li‸ne")
    assert "e.line: int" in (_hover_markdown(plain) or "")


def test_no_error_field_hover_on_other_values() -> None:
    # near misses: a dict with a `message` key, and an unknown field of a caught error
    assert _hover_markdown(CAUGHT.replace("FIELD", "kind").replace("r.message", "r.mes‸sage")) is None
    assert _hover_markdown(CAUGHT.replace("FIELD", "wh‸at")) is None
