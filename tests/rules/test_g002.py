"""G002 unreachable-from-entry: flows no entry point reaches, and agents used only by them."""

from nexa_lang.checker import check_text
from nexa_lang.fixes import apply_fixes
from nexa_lang.positions import LineIndex, Unit


def found(text: str, code: str) -> list[tuple[str, int, int, str]]:
    """(code, 1-based line, 1-based column in code points, message) of each diagnostic of `code`."""
    index = LineIndex(text)
    result = []
    for d in check_text(text, codes=[code]):
        line, column = index.position(d.span.start, Unit.CODEPOINT, line_base=1, column_base=1)
        result.append((d.code, line, column, d.message))
    return result


def fixed(text: str, code: str) -> str:
    return apply_fixes(text, check_text(text, codes=[code]), unsafe=True).text


FLOW_MESSAGE = "flow 'translate' is never called from 'main', a test, a handler or a job"
AGENT_MESSAGE = "agent 'Translator' is only used by code that never runs: flow 'translate'"
PROGRAM = (
    'agent Translator { prompt: "Translate to French." }\n'
    "flow translate(text) { return Translator.run(text) }\n"
)


def test_g002_reports_an_uncalled_flow_and_the_agent_only_it_uses() -> None:
    text = PROGRAM + 'flow main { print("bonjour") }\n'
    assert found(text, "G002") == [("G002", 1, 7, AGENT_MESSAGE), ("G002", 2, 6, FLOW_MESSAGE)]


def test_g002_not_reported_when_main_calls_the_flow() -> None:
    assert found(PROGRAM + 'flow main { print(translate("hello")) }\n', "G002") == []


def test_g002_a_test_block_is_an_entry_point() -> None:
    text = PROGRAM + 'flow main { print("bonjour") }\ntest "translates" { assert translate("a") != none }\n'
    assert found(text, "G002") == []


def test_g002_not_reported_in_a_file_without_main() -> None:
    text = PROGRAM + 'flow other { print("bonjour") }\n'
    assert found(text, "G002") == []  # every flow is an entry point (§2.4)


def test_g002_skipped_for_a_program_with_syntax_errors() -> None:
    text = PROGRAM + 'flow main { print("bonjour") }\nflow broken { x = = 1 }\n'
    assert found(text, "G002") == []


def test_g002_not_reported_when_the_only_reference_is_inside_the_agent_itself() -> None:
    text = 'agent Echo { prompt: "x"\n    fn again() { return Echo.run("x") }\n}\nflow main { print("hi") }\n'
    assert found(text, "G002") == []
    assert [d.code for d in check_text(text, codes=["W001"])] == ["W001"]


def test_g002_reported_when_an_unreachable_flow_also_references_the_agent() -> None:
    text = (
        'agent Echo { prompt: "x"\n    fn again() { return Echo.run("x") }\n}\n'
        'flow dead() { return Echo.run("y") }\nflow main { print("hi") }\n'
    )
    assert ("G002", 1, 7, "agent 'Echo' is only used by code that never runs: flow 'dead'") in found(
        text, "G002"
    )


def test_g002_an_agent_used_by_a_routed_member_function_is_reachable() -> None:
    text = (
        'agent Foo { prompt: "f" }\n'
        'agent Api { prompt: "api"\n    fn handle(req) { return Foo.run(req) }\n}\n'
        'flow main { print("up") }\nserver 8080 { route GET "/h" => handle }\n'
    )
    assert found(text, "G002") == []
    assert found(text.replace("=> handle", "=> main"), "G002") == [
        ("G002", 1, 7, "agent 'Foo' is only used by code that never runs: 'Api.handle'")
    ]
