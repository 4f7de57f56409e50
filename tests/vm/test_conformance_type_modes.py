"""Declared types beyond parameters (diagnostics.md E111, L§4.3, L§7.9.5): `let x: T`, a flow's
declared result and `receive(): T` follow the type mode as typed parameters do."""

from __future__ import annotations

import pytest

LET = 'flow main {\n    v = "abc"\n    v = v\n    let n: int = v\n    print("still running:", n)\n}\n'
RESULT = 'flow f(v) -> int { return v }\nflow main { print("f is", f("abc")) }\n'
RESULT_AT_END = 'flow f(v) -> int {\n    result = v\n}\nflow main { print("f is", f("abc")) }\n'
RECEIVE = (
    "flow w() {\n    m = receive(): int\n    return m\n}\n"
    'flow main {\n    h = spawn w()\n    pass "notint" to h\n    print("got", await h)\n}\n'
)


@pytest.mark.parametrize(
    ("source", "place", "line"),
    [
        (LET, "let 'n'", 4),
        (RESULT, "the result of flow 'f'", 1),
        (RESULT_AT_END, "the result of flow 'f'", 3),
        (RECEIVE, "receive()", 2),
    ],
)
def test_strict_mode_raises_type_violation(nexa, source: str, place: str, line: int) -> None:
    outcome = nexa(source, "--type-mode", "strict")
    assert outcome.code == 1
    assert f"Error: TypeViolation: type violation: {place} expects int, got str\n" in outcome.err
    assert f"main.nx:{line}:" in outcome.err
    assert "E111" in outcome.err and "Traceback" not in outcome.err


@pytest.mark.parametrize(
    ("source", "place", "out"),
    [
        (LET, "let 'n'", "still running: abc\n"),
        (RESULT, "the result of flow 'f'", "f is abc\n"),
        (RECEIVE, "receive()", "got notint\n"),
    ],
)
def test_warn_mode_reports_and_goes_on(nexa, source: str, place: str, out: str) -> None:
    outcome = nexa(source)  # warn is the default
    assert (outcome.code, outcome.out) == (0, out)
    assert outcome.err.startswith(f"warning[E111]: type violation: {place} expects int, got str\n")


@pytest.mark.parametrize("source", [LET, RESULT, RECEIVE])
def test_forgiving_mode_says_nothing(nexa, source: str) -> None:
    outcome = nexa(source, "--type-mode", "forgiving")
    assert (outcome.code, outcome.err) == (0, "")


def test_digits_are_converted_for_a_typed_let_as_for_a_parameter(nexa) -> None:
    source = 'flow twice(n: int) -> int { return n * 2 }\nflow main {\n    v = "21"\n    v = v\n'
    source += "    let q: int = v\n    print(q + 1, twice(v))\n}\n"
    outcome = nexa(source)
    assert (outcome.code, outcome.out) == (0, "22 42\n")
    assert outcome.err.count("warning[E111]") == 2


def test_values_of_the_declared_type_pass_in_strict_mode(nexa) -> None:
    source = (
        "flow f(v) -> int { return v }\n"
        "flow g() -> str? { return none }\n"
        "flow w() {\n    m = receive(): int\n    return m\n}\n"
        "flow main {\n    let n: int = 3\n    let x: float = 2\n    h = spawn w()\n    pass 4 to h\n"
        '    print(n, x, f(5), g() ?? "none", await h)\n}\n'
    )
    outcome = nexa(source, "--type-mode", "strict")
    assert (outcome.code, outcome.err, outcome.out) == (0, "", "3 2 5 none 4\n")


def test_a_violation_in_strict_mode_is_catchable(nexa) -> None:
    source = 'flow main {\n    v = "x"\n    v = v\n'
    source += "    try {\n        let n: int = v\n    } catch (e) { print(e.kind) }\n}\n"
    outcome = nexa(source, "--type-mode", "strict")
    assert (outcome.code, outcome.out) == (0, "TypeViolation\n"), outcome.err
