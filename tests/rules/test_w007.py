"""W007 unknown-key (diagnostics.md §5, S§3.1, S§3.3, S§5.2, S§1.9)."""


def test_w007_misspelt_agent_property_points_at_the_key(found):
    text = 'agent Bot {\n    prmopt: "Answer briefly.",\n    modle: "gpt-4o-mini"\n}\n'
    assert found(text, "W007") == [
        ("W007", 2, 5, "unknown property 'prmopt' for agent 'Bot'; did you mean 'prompt'?"),
        ("W007", 3, 5, "unknown property 'modle' for agent 'Bot'; did you mean 'model'?"),
    ]


def test_w007_not_reported_for_known_properties(found):
    assert found('agent Bot { prompt: "Answer briefly.", model: "gpt-4o-mini" }\n', "W007") == []


def test_w007_fix_changes_the_key(fixed):
    assert fixed('agent Bot { prmopt: "a" }\n', "W007") == 'agent Bot { prompt: "a" }\n'


def test_w007_no_suggestion_for_a_far_key(found, diagnostics):
    assert found('agent Bot { prompt: "a", owner: "me" }\n', "W007") == [
        ("W007", 1, 26, "unknown property 'owner' for agent 'Bot'")
    ]
    assert diagnostics('agent Bot { prompt: "a", owner: "me" }\n', "W007")[0].fixes == ()


def test_w007_keys_are_case_sensitive(found):
    assert found('agent Bot { prompt: "a", Model: "x" }\n', "W007") == [
        ("W007", 1, 26, "unknown property 'Model' for agent 'Bot'; did you mean 'model'?")
    ]


def test_w007_other_places_name_their_place(found):
    text = (
        'tool t { description: "d", paramters: {} }\n'
        '@tool("d", risk: "low") fn f(x: int) { return x }\n'
        'job J on "q" (prio: high) { perform(x) { } }\n'
        "flow main { autoloop(max_step: 3) { print(1) } }\n"
        'agent A { prompt: "p", context_policy: {max_tokns: 5} }\n'
    )
    assert [m for *_, m in found(text, "W007")] == [
        "unknown tool key 'paramters'; did you mean 'parameters'?",
        "unknown @tool key 'risk'",
        "unknown job key 'prio'",
        "unknown autoloop key 'max_step'; did you mean 'max_steps'?",
        "unknown context_policy key 'max_tokns'; did you mean 'max_tokens'?",
    ]


def test_w007_wasm_limits_are_known_tool_keys(found):
    text = 'tool t { wasm: "t.wasm", description: "d", max_cpu_time_ms: 1000, allowed_paths: ["data"] }\n'
    assert found(text, "W007") == []


def test_w007_unknown_template_filter_points_at_the_filter_name(found):
    text = 'x = template"""{{ name | upper | uper | truncate(3) }}"""\n'
    assert found(text, "W007") == [("W007", 1, 34, "unknown template filter 'uper'; did you mean 'upper'?")]


def test_w007_known_template_filters_are_not_reported(found):
    assert (
        found('x = template"""{{ name | upper | default("a|b") }} {{#for i in xs}}{{/for}}"""\n', "W007")
        == []
    )
