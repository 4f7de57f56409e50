"""E013 return-outside-function: `return` at top level."""


def test_e013_return_at_top_level(found) -> None:
    assert found("let limit = 3\nreturn limit\n", "E013") == [
        ("E013", 2, 1, "'return' outside a flow or function")
    ]


def test_e013_not_reported_inside_a_flow_or_lambda(found) -> None:
    assert found("let limit = 3\nflow get_limit() { return limit }\nf = fn() { return 1 }\n", "E013") == []


def test_e013_inside_a_top_level_if(found) -> None:
    assert found("if (true) {\n    return 1\n}\n", "E013") == [
        ("E013", 2, 5, "'return' outside a flow or function")
    ]


def test_e013_fix_removes_the_statement(fixed) -> None:
    assert fixed("let limit = 3\nreturn limit;\n", "E013") == "let limit = 3\n"
