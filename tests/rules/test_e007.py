"""E007 tool-not-found: a `uses`/`tools`/`before_tool` item names no tool."""

MAIN = "flow main { print(1) }\n"
TOOL = 'tool lookup_order { description: "Find an order", parameters: {"id": "string"} }\n'
SUPPORT = 'agent Support uses lookup_ordr, std.time { prompt: "Answer." }\n'


def test_e007_unknown_uses_item_with_a_suggestion(found) -> None:
    assert found(TOOL + SUPPORT + MAIN, "E007") == [
        ("E007", 2, 20, "tool 'lookup_ordr' not found; did you mean 'lookup_order'?")
    ]


def test_e007_not_reported_for_tools_tool_functions_and_prelude_functions(found) -> None:
    text = (
        TOOL
        + '@tool("Add") fn add(a: int, b: int) -> int { return a + b }\n'
        + 'agent Support uses lookup_order, add { prompt: "x", tools: [query, execute] }\n'
        + MAIN
    )
    assert found(text, "E007") == []


def test_e007_a_name_of_another_kind(found) -> None:
    text = 'agent Helper { prompt: "x" }\nagent Boss uses Helper { prompt: "x" }\n' + MAIN
    assert found(text, "E007") == [("E007", 2, 17, "'Helper' is a agent, not a tool")]


def test_e007_tools_property_and_before_tool_hook(found) -> None:
    text = 'agent A { prompt: "x", tools: [nope] }\nflow main {\n    before_tool(gone) { print(1) }\n}\n'
    assert found(text, "E007") == [
        ("E007", 1, 32, "tool 'nope' not found"),
        ("E007", 3, 17, "tool 'gone' not found"),
    ]


def test_e007_change_to_fix(fixed) -> None:
    assert fixed(TOOL + SUPPORT + MAIN, "E007") == TOOL + SUPPORT.replace("ordr", "order") + MAIN


def test_e007_declare_fix_inserts_the_tool_before_the_agent(diagnostics) -> None:
    text = SUPPORT + MAIN
    [d] = diagnostics(text, "E007")
    [declare] = d.fixes
    assert declare.title == "Declare tool 'lookup_ordr'"
    edit = declare.edits[0]
    assert text[: edit.start] + edit.new_text + text[edit.end :] == (
        'tool lookup_ordr {\n    description: "",\n    parameters: {}\n}\n\n' + text
    )


def test_e007_standalone_library_gets_w005_instead(found) -> None:
    assert [code for code, *_ in found(SUPPORT, "E007", "W005")] == ["W005"]
