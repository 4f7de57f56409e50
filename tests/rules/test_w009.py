"""W009 unreachable-code: statements after a jump; match arms after a catch-all arm."""

AFTER_RETURN = 'flow pick(n: int) {\n    return n * 2\n    print("never printed")\n}\n'


def test_w009_statements_after_return(diagnostics, found) -> None:
    assert found(AFTER_RETURN, "W009") == [("W009", 3, 5, "unreachable code after 'return'")]
    [d] = diagnostics(AFTER_RETURN, "W009")
    assert AFTER_RETURN.encode()[d.span.start : d.span.end] == b'print("never printed")'


def test_w009_not_reported_when_the_jump_comes_last(found) -> None:
    assert found('flow pick(n: int) {\n    print("doubling")\n    return n * 2\n}\n', "W009") == []


def test_w009_range_covers_every_following_statement(diagnostics) -> None:
    text = 'flow f {\n    raise "no"\n    a = 1\n    b = 2\n}\n'
    [d] = diagnostics(text, "W009")
    assert (d.message, text[d.span.start : d.span.end]) == (
        "unreachable code after 'raise'",
        "a = 1\n    b = 2",
    )


def test_w009_after_exit_and_after_an_if_whose_branches_all_leave(found) -> None:
    text = (
        "flow f(x) {\n    exit(1)\n    print(1)\n}\n"
        "flow g(x) {\n    if (x) { return 1 } else { break }\n    print(2)\n}\n"
    )
    assert found(text, "W009") == [
        ("W009", 3, 5, "unreachable code after 'exit'"),
        ("W009", 7, 5, "unreachable code after 'if'"),
    ]


def test_w009_an_if_without_else_does_not_leave(found) -> None:
    assert found("flow g(x) {\n    if (x) { return 1 }\n    print(2)\n}\n", "W009") == []


def test_w009_match_arm_after_a_catch_all(found) -> None:
    text = "flow f(x) {\n    r = match x {\n        n => 1,\n        2 => 3\n    }\n}\n"
    assert found(text, "W009") == [
        ("W009", 4, 9, "this arm can never be chosen: the arm at line 3 matches everything")
    ]


def test_w009_a_guarded_catch_all_does_not_hide_later_arms(found) -> None:
    text = "flow f(x) {\n    r = match x {\n        n if n > 1 => 1,\n        _ => 3\n    }\n}\n"
    assert found(text, "W009") == []


def test_w009_fix_deletes_the_unreachable_lines(fixed) -> None:
    assert fixed(AFTER_RETURN, "W009") == "flow pick(n: int) {\n    return n * 2\n}\n"
