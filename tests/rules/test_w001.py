"""W001 unused-declaration: an agent, tool, `@tool fn` or protocol nothing references."""

from nexa_lang.checker import check_text

PROGRAM = (
    'protocol Summary { text: "string" }\n'
    'agent Reader { prompt: "Read the page." }\n'
    "\n"
    'flow main { print(Reader.run("https://example.org")) }\n'
)


def test_w001_unused_protocol(found) -> None:
    assert found(PROGRAM, "W001") == [("W001", 1, 10, "protocol 'Summary' is declared but never used")]


def test_w001_not_reported_when_an_agent_implements_it(found) -> None:
    text = PROGRAM.replace("agent Reader {", "agent Reader implements Summary {")
    assert found(text, "W001") == []


def test_w001_uses_items_type_positions_and_route_like_references_count(found) -> None:
    text = (
        'tool fetch { description: "d", parameters: {} }\n'
        "struct Page { body: str }\n"
        'protocol Summary { text: "string" }\n'
        'agent Reader uses fetch { prompt: "x" }\n'
        "flow main(s: Summary) { print(Reader.run(s)) }\n"
    )
    assert found(text, "W001") == []


def test_w001_a_reference_inside_its_own_declaration_does_not_count(found) -> None:
    text = 'agent Echo { prompt: "x", fn again(x) { return Echo.run(x) } }\nflow main { print(1) }\n'
    assert found(text, "W001") == [("W001", 1, 7, "agent 'Echo' is declared but never used")]


def test_w001_not_reported_in_standalone_libraries_or_for_underscore_names(found) -> None:
    assert found('agent Lonely { prompt: "x" }\n', "W001") == []
    assert found('agent _Draft { prompt: "x" }\nflow main { print(1) }\n', "W001") == []


def test_w001_tool_functions_are_used_once_an_agent_exists(found) -> None:
    tool_fn = '@tool("Add") fn add(a: int, b: int) -> int { return a + b }\nflow main { print(1) }\n'
    assert found(tool_fn, "W001") == [("W001", 1, 17, "tool function 'add' is declared but never used")]
    assert found(tool_fn + 'agent A { prompt: "x" }\nflow f { print(A.run(1)) }\n', "W001") == []


def test_w001_fix_removes_the_declaration_its_comments_and_one_blank_line(fixed) -> None:
    text = '// a reader nobody calls\nagent Reader { prompt: "x" }\n\nflow main { print(1) }\n'
    assert fixed(text, "W001") == "flow main { print(1) }\n"


def test_w001_in_an_included_library_names_the_program(tmp_path) -> None:
    (tmp_path / "lib.nxlib").write_text('agent Spare { prompt: "x" }\n')
    root = tmp_path / "main.nx"
    root.write_text('include "lib.nxlib"\nflow main { print(1) }\n')
    [d] = check_text(root.read_text(), str(root), codes=["W001"])
    assert d.message == "agent 'Spare' is declared but never used (in program 'main.nx')"


def test_w001_protocol_named_only_in_a_legacy_result_type_is_used(found):
    text = (
        "protocol Envelope { note: str }\n"
        'agent Legacy -> Envelope<str> { prompt: "p" }\n'
        'flow main { print(Legacy.run("x")) }\n'
    )
    assert found(text, "W001") == []


def test_w001_protocol_not_named_by_a_legacy_result_type_is_still_unused(found):
    text = (
        "protocol Envelope { note: str }\n"
        "protocol Other { note: str }\n"
        'agent Legacy -> Other<str> { prompt: "p" }\n'
        'flow main { print(Legacy.run("x")) }\n'
    )
    assert [d[:3] for d in found(text, "W001")] == [("W001", 1, 10)]


ROUTED_MEMBER = (
    'agent Api { prompt: "api"\n    fn handle(req) { return json({"ok": true}) }\n}\n'
    'flow main { print("up") }\n'
    'server 8080 { route GET "/h" => handle }\n'
)


def test_w001_not_reported_for_an_agent_whose_member_function_is_a_route_target(found) -> None:
    assert found(ROUTED_MEMBER, "W001") == []


def test_w001_reported_when_the_route_names_a_flow_instead(found) -> None:
    text = ROUTED_MEMBER.replace("flow main {", 'flow handle(req) { return "x" }\nflow main {')
    assert found(text, "W001") == [("W001", 1, 7, "agent 'Api' is declared but never used")]
