"""W011 unknown-type (diagnostics.md §5, L§3.4, L§3.8)."""


def test_w011_unknown_type_name_points_at_the_name(found):
    text = "struct Person { name: str }\nprotocol Ticket { owner: Persn }\n"
    assert found(text, "W011") == [
        ("W011", 2, 26, "unknown type 'Persn'; it is treated as any; did you mean 'Person'?")
    ]


def test_w011_not_reported_for_a_declared_type(found):
    assert found("struct Person { name: str }\nprotocol Ticket { owner: Person }\n", "W011") == []


def test_w011_unknown_type_string(found, fixed):
    text = 'protocol Ticket { id: "integr" }\n'
    assert found(text, "W011") == [
        ("W011", 1, 23, "unknown type string 'integr'; it is treated as str; did you mean 'integer'?")
    ]
    assert fixed(text, "W011") == 'protocol Ticket { id: "integer" }\n'


def test_w011_enum_and_list_type_strings_are_recognized(found):
    assert found('protocol V { label: "approve|reject", tags: "list[string]" }\n', "W011") == []


def test_w011_builtin_spellings_object_types_and_generics(found):
    text = "flow f(a: Int, b: Map, c: Option[String], d: Image, e: list[any]) -> Secret { return a }\n"
    assert found(text, "W011") == []


def test_w011_tool_parameter_type_string(found):
    text = 'tool t { description: "d", parameters: {"a": "strng"} }\n'
    assert [m for *_, m in found(text, "W011")] == [
        "unknown type string 'strng'; it is treated as str; did you mean 'string'?"
    ]


def test_w011_parameter_type_without_a_close_name(found, diagnostics):
    text = "flow f(x: Gadget) { return x }\n"
    assert found(text, "W011") == [("W011", 1, 11, "unknown type 'Gadget'; it is treated as any")]
    assert diagnostics(text, "W011")[0].fixes == ()


def test_w011_agent_input_type_property(found):
    assert [m for *_, m in found('agent A { prompt: "p", input_type: lst[str] }\n', "W011")] == [
        "unknown type 'lst'; it is treated as any; did you mean 'list'?"
    ]


def test_w011_not_reported_for_a_parameter_typed_with_an_agent_name(found):
    # L§6.4: "a parameter typed with an agent name" holds that agent.
    agent = 'agent Bot { prompt: "x" }\n'
    assert found(agent + 'flow f(x: Bot) { return x.run("q") }\n', "W011") == []
    # Near miss: a misspelt agent name is still unknown, and the agent is the suggestion.
    assert found(agent + "flow f(x: Bott) { return x }\n", "W011") == [
        ("W011", 2, 11, "unknown type 'Bott'; it is treated as any; did you mean 'Bot'?")
    ]
