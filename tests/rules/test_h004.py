"""H004 autoloop-without-verify: no verify statement at any depth of the body."""

AGENT = 'agent Worker { prompt: "Do the next step." }\n'
MESSAGE = "autoloop body has no verify statement, so nothing checks its result"
HEAD = 'flow main {\n    autoloop max_steps: 8, exit_when: "done", timeout: 60 {\n'


def test_h004_points_at_the_autoloop_keyword(found) -> None:
    text = AGENT + HEAD + '        r = Worker.run("x")\n    }\n}\n'
    assert found(text, "H004") == [("H004", 3, 5, MESSAGE)]


def test_h004_not_reported_with_a_verify_in_the_body(found) -> None:
    text = AGENT + HEAD + '        r = Worker.run("x")\n        verify r satisfies str\n    }\n}\n'
    assert found(text, "H004") == []


def test_h004_a_nested_verify_counts(found) -> None:
    text = (
        AGENT
        + HEAD
        + '        if true { with_context max_tokens: 10 { verify "the reply is useful" against r } }\n'
        + "    }\n}\n"
    )
    assert found(text, "H004") == []


def test_h004_a_verify_after_the_loop_does_not_count(found) -> None:
    text = AGENT + HEAD + '        r = Worker.run("x")\n    }\n    verify r satisfies str\n}\n'
    assert [f[0] for f in found(text, "H004")] == ["H004"]
