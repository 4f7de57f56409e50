"""H016 empty-hook."""


def test_h016_before_step(found) -> None:
    assert found("flow main {\n    before_step { }\n}\n", "H016") == [
        ("H016", 2, 5, "empty before_step hook")
    ]


def test_h016_after_step(found) -> None:
    assert found("flow main {\n    after_step {}\n}\n", "H016") == [("H016", 2, 5, "empty after_step hook")]


def test_h016_a_comment_does_not_fill_the_hook(found) -> None:
    assert [f[0] for f in found("flow main {\n    before_step { // later\n    }\n}\n", "H016")] == ["H016"]


def test_h016_not_reported_for_a_hook_with_statements(found) -> None:
    assert found('flow main {\n    before_step { print("step starts") }\n}\n', "H016") == []


def test_h016_not_reported_for_other_hooks(found) -> None:
    assert found("flow main {\n    on_error(e: ToolError) { }\n}\n", "H016") == []
