"""E011 loop-control-outside-loop: `break`/`continue` with no loop of the same activation."""

OUTSIDE = 'flow main {\n    answer = input("go? ")\n    if (answer == "no") { break }\n}\n'


def test_e011_break_outside_a_loop(found) -> None:
    assert found(OUTSIDE, "E011") == [("E011", 3, 27, "'break' outside a loop")]


def test_e011_not_reported_inside_a_loop(found) -> None:
    text = 'flow main {\n    while (true) {\n        if (input("go? ") == "no") { break }\n    }\n}\n'
    assert found(text, "E011") == []


def test_e011_a_lambda_inside_a_loop_does_not_count(found) -> None:
    text = "flow main {\n    for each x in [1] {\n        f = fn() { continue }\n    }\n}\n"
    assert found(text, "E011") == [("E011", 3, 20, "'continue' outside a loop")]


def test_e011_a_try_block_inside_a_loop_counts(found) -> None:
    text = "flow main {\n    loop {\n        try { break } catch (e) { continue }\n    } until (true)\n}\n"
    assert found(text, "E011") == []


def test_e011_fix_removes_the_statement_line(fixed) -> None:
    text = "flow main {\n    print(1)\n    continue;\n}\n"
    assert fixed(text, "E011") == "flow main {\n    print(1)\n}\n"
