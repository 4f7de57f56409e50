"""G003 unbounded-loop: a loop whose condition never ends it and whose body never leaves it."""

from nexa_lang.checker import check_text
from nexa_lang.fixes import apply_fixes
from nexa_lang.positions import LineIndex, Unit


def found(text: str, code: str) -> list[tuple[str, int, int, str]]:
    """(code, 1-based line, 1-based column in code points, message) of each diagnostic of `code`."""
    index = LineIndex(text)
    result = []
    for d in check_text(text, codes=[code]):
        line, column = index.position(d.span.start, Unit.CODEPOINT, line_base=1, column_base=1)
        result.append((d.code, line, column, d.message))
    return result


def fixed(text: str, code: str) -> str:
    return apply_fixes(text, check_text(text, codes=[code]), unsafe=True).text


MESSAGE = (
    "this loop can never end: its condition is always true and its body has no break, return, raise or exit"
)


def test_g003_points_at_while_true_without_exit() -> None:
    text = (
        "flow watch {\n    while (true) {\n"
        '        status = input("status> ")\n        print(status)\n    }\n}\n'
    )
    assert found(text, "G003") == [("G003", 2, 5, MESSAGE)]


def test_g003_not_reported_when_the_body_breaks() -> None:
    text = (
        "flow watch {\n    while (true) {\n"
        '        status = input("status> ")\n        if (status == "stop") { break }\n    }\n}\n'
    )
    assert found(text, "G003") == []


def test_g003_a_break_of_an_inner_loop_does_not_end_the_outer_one() -> None:
    text = "flow watch {\n    while (true) {\n        for x in [1, 2] { break }\n    }\n}\n"
    assert found(text, "G003") == [("G003", 2, 5, MESSAGE)]


def test_g003_return_inside_an_inner_loop_ends_the_loop() -> None:
    text = "flow watch {\n    while (true) {\n        for x in [1, 2] { return x }\n    }\n}\n"
    assert found(text, "G003") == []


def test_g003_reports_loop_until_false() -> None:
    text = "flow spin {\n    loop {\n        print(1)\n    } until (false)\n}\n"
    assert found(text, "G003") == [("G003", 2, 5, MESSAGE)]


def test_g003_not_reported_for_a_judged_until() -> None:
    text = 'flow spin {\n    loop {\n        print(1)\n    } until ("the draft is final")\n}\n'
    assert found(text, "G003") == []


def test_g003_range_covers_the_keyword_and_the_parenthesised_condition() -> None:
    text = "flow watch {\n    while (true) {\n        print(1)\n    }\n}\n"
    [diagnostic] = check_text(text, codes=["G003"])
    assert text.encode()[diagnostic.span.start : diagnostic.span.end] == b"while (true)"
