"""W004 agent-without-instructions (diagnostics.md §5)."""


def test_w004_agent_with_only_a_role_points_at_its_name(found):
    assert found('agent Router { role: "Intent router" }\n', "W004") == [
        ("W004", 1, 7, "agent 'Router' has no instructions; add a 'prompt'")
    ]


def test_w004_not_reported_when_a_prompt_is_given(found):
    assert found('agent Router { role: "Intent router", prompt: "Route it." }\n', "W004") == []


def test_w004_a_description_stands_in_for_the_prompt(found):
    assert found('agent Router { description: "Routes requests." }\n', "W004") == []


def test_w004_blank_prompt_is_an_empty_prompt(found):
    assert found('agent Router { prompt: "   " }\n', "W004") == [
        ("W004", 1, 7, "agent 'Router' has an empty prompt")
    ]


def test_w004_fix_inserts_a_prompt_as_the_first_member(fixed):
    text = 'agent Router {\n    role: "Intent router"\n}\n'
    assert fixed(text, "W004") == 'agent Router {\n    prompt: "",\n    role: "Intent router"\n}\n'


def test_w004_fix_on_one_line(fixed):
    assert fixed('agent R { role: "r" }\n', "W004") == 'agent R { prompt: "", role: "r" }\n'
