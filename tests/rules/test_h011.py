"""H011 context-budget-too-large."""

AGENT = 'agent Worker { prompt: "Answer." }\n'


def test_h011_points_at_the_with_context_value(found) -> None:
    text = AGENT + "flow main(q) {\n    with_context max_tokens: 500000 { r = Worker.run(q) }\n}\n"
    assert found(text, "H011") == [("H011", 3, 30, "context budget 500000 exceeds 200000 tokens")]


def test_h011_context_policy_statement(found) -> None:
    text = "flow main {\n    context_policy { max_tokens: 250000, strategy: summarize }\n}\n"
    assert found(text, "H011") == [("H011", 2, 34, "context budget 250000 exceeds 200000 tokens")]


def test_h011_agent_context_policy_property(found) -> None:
    text = 'agent A { prompt: "x", context_policy: {max_tokens: 300000, strategy: "summarize"} }\n'
    assert [f[0:3] for f in found(text, "H011")] == [("H011", 1, 53)]


def test_h011_not_reported_at_or_below_the_limit(found) -> None:
    text = AGENT + "flow main(q) {\n    with_context max_tokens: 200000 { r = Worker.run(q) }\n}\n"
    assert found(text, "H011") == []
    assert found(text.replace("200000", "150000"), "H011") == []
