"""G006's edges are calls and runnable positions; a flow read as a value is no edge (diagnostics.md
G006), though it still makes the flow reachable (G002)."""

from collections.abc import Callable

import pytest

Found = Callable[..., list[tuple[str, int, int, str]]]


@pytest.mark.parametrize(
    "text",
    [
        "flow helper() {\n    me = helper\n    print(me)\n}\nflow main { helper() }\n",
        "flow main { print(main) }\n",
        "flow main { print(main == main) }\n",
        "flow main { after(1, main) }\n",
        "flow a() { return b }\nflow b() { return a }\nflow main { print(a()) }\n",
    ],
)
def test_g006_not_reported_for_a_flow_read_as_a_value(found: Found, text: str) -> None:
    assert found(text, "G006") == []


@pytest.mark.parametrize(
    ("text", "line", "column", "cycle"),
    [
        ("flow main {\n    me = main\n    main()\n}\n", 3, 5, "main → main"),
        ("flow a(x) { return x >> a }\n", 1, 25, "a → a"),
        ("flow a(x) { h = spawn a(x) }\n", 1, 23, "a → a"),
        ("flow a(x) {\n    f = fn(y) { return a(y) }\n    return f(x)\n}\n", 2, 24, "a → a"),
        ("flow a(x) { g = b\n    return b(x) }\nflow b(x) { return a(x) }\n", 2, 12, "a → b → a"),
    ],
)
def test_g006_still_reported_for_calls_runnables_spawn_and_lambdas(
    found: Found, text: str, line: int, column: int, cycle: str
) -> None:
    assert found(text, "G006") == [("G006", line, column, f"flows call each other in a cycle: {cycle}")]


def test_a_flow_read_as_a_value_still_makes_it_reachable(found: Found) -> None:
    text = "flow helper() { print(1) }\nflow main {\n    f = helper\n    f()\n}\n"
    assert found(text, "G002") == []
    assert found("flow helper() { print(1) }\nflow main { print(2) }\n", "G002") != []
