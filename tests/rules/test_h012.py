"""H012 context-policy-without-strategy."""

MESSAGE = "context_policy without strategy uses sliding_window"


def test_h012_points_at_the_keyword(found) -> None:
    assert found("flow main {\n    context_policy { max_tokens: 8000 }\n}\n", "H012") == [
        ("H012", 2, 5, MESSAGE)
    ]


def test_h012_not_reported_with_a_strategy(found) -> None:
    text = "flow main {\n    context_policy { max_tokens: 8000, strategy: importance_weighted }\n}\n"
    assert found(text, "H012") == []


def test_h012_not_reported_for_with_context(found) -> None:
    text = 'agent W { prompt: "x" }\nflow main {\n    with_context max_tokens: 8000 { W.run("q") }\n}\n'
    assert found(text, "H012") == []
