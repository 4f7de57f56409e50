"""Audit 2, findings 2, 3, 6, 9 and 10: run-time conformance of declared types, struct and variant
construction, and tool-argument validation.

* L§3.8: a type alias, a struct, an enum, `Result[T, E]`, `Option[T]`, `list[T]`, `dict[K, V]` and a
  protocol are checked by the type mode (E111) and by `verify x satisfies T` (E110), with the
  alias expanded (docs/runtime-decisions.md R21).
* L§3.9, D62: too many constructor values and unknown field names are a `RuntimeError`, for
  structs and payload variants alike; so is assigning a field the struct does not declare (R20).
* S§5.4, diagnostics.md E302: `@tool fn` and declared-tool arguments are validated before the body
  or the implementation runs, and every run-time E302 reads `invalid arguments for '{tool}':
  {problems}` (R22).

Each expected line was written from the spec, not from the VM's output."""

from __future__ import annotations

import re

import pytest

from nexa_avm.bytecode import opcode_table_markdown

# ------------------------------------------------------------------------------ types (#9, #10)

IGNORE = "// nexa: ignore-file\n"  # the programs are wrong on purpose: the VM, not the checker, must catch it
TYPES = """// nexa: ignore-file
type Score = int
type Id = int | str
protocol P { a: int }
type PA = P
struct Vec2 { dx, dy }
enum Shape { Dot, Circle(r) }
flow s(x: Score) { return x }
flow i(x: Id) { return x }
flow pa(x: PA) { return x }
flow v(x: Vec2) { return x }
flow sh(x: Shape) { return x }
flow res(x: Result[int, str]) { return x }
flow li(x: list[int]) { return x }
flow di(x: dict[str, int]) { return x }
flow op(x: Option[int]) { return x }
flow opt(x: int?) { return x }
"""


def catching(call: str) -> str:
    return f"    try {{ print({call}) }} catch (e) {{ print(e.kind, e.code, e.message) }}\n"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ('s("abc")', "parameter 'x' of flow 's' expects int, got str"),
        ("i(1.5)", "parameter 'x' of flow 'i' expects int | str, got float"),
        ("pa(5)", "parameter 'x' of flow 'pa' expects P, got int"),
        ('pa({"b": 1})', "parameter 'x' of flow 'pa' expects P, got dict"),
        ('v("abc")', "parameter 'x' of flow 'v' expects Vec2, got str"),
        ('v({"dx": 1, "dy": 2})', "parameter 'x' of flow 'v' expects Vec2, got dict"),
        ("sh(3)", "parameter 'x' of flow 'sh' expects Shape, got int"),
        ("sh(Vec2(1, 2))", "parameter 'x' of flow 'sh' expects Shape, got Vec2"),
        ('res("x")', "parameter 'x' of flow 'res' expects Result[int, str], got str"),
        ('res(Ok("x"))', "parameter 'x' of flow 'res' expects Result[int, str], got Result"),
        ("res(Err(3))", "parameter 'x' of flow 'res' expects Result[int, str], got Result"),
        ('li([1, "a"])', "parameter 'x' of flow 'li' expects list[int], got list"),
        ('di({"a": "b"})', "parameter 'x' of flow 'di' expects dict[str, int], got dict"),
        ('op("b")', "parameter 'x' of flow 'op' expects int?, got str"),
        ('op(Some("b"))', "parameter 'x' of flow 'op' expects int?, got Option"),
        ('opt("b")', "parameter 'x' of flow 'opt' expects int?, got str"),
    ],
)
def test_strict_mode_checks_aliases_and_declared_types(nexa, call: str, expected: str) -> None:
    outcome = nexa(TYPES + "flow main {\n" + catching(call) + "}\n", "--type-mode", "strict")
    assert outcome.code == 0, outcome.err
    assert outcome.out == f"TypeViolation E111 type violation: {expected}\n"


VALID = (
    's(3), i("a"), i(2), pa({"a": 1}), v(Vec2(1, 2)), sh(Shape::Dot), sh(Shape::Circle(2)), '
    'res(Ok(1)), res(Err("e")), li([1]), li([]), di({"a": 1}), op(none), op(3), op(Some(3)), '
    "op(Option::None), opt(none), opt(4)"
)
VALID_OUT = (
    '3 a 2 {"a": 1} Vec2(dx: 1, dy: 2) Shape::Dot Shape::Circle(2) Result::Ok(1) Result::Err("e") '
    '[1] [] {"a": 1}  3 Option::Some(3) Option::None  4\n'
)


@pytest.mark.parametrize("mode", ["strict", "warn", "forgiving"])
def test_values_of_the_declared_types_are_accepted_in_every_mode(nexa, mode: str) -> None:
    source = TYPES.replace(IGNORE, "") + f"flow main {{\n    print({VALID})\n}}\n"
    outcome = nexa(source, "--type-mode", mode)
    assert (outcome.code, outcome.err) == (0, "")
    assert outcome.out == VALID_OUT


def test_warn_mode_reports_an_alias_violation_at_the_argument_and_goes_on(nexa) -> None:
    outcome = nexa(TYPES + 'flow main {\n    print(s(1), s("abc"))\n}\n')
    assert outcome.code == 0
    assert outcome.out == "1 abc\n"
    assert outcome.err == (
        "warning[E111]: type violation: parameter 'x' of flow 's' expects int, got str\n  --> main.nx:19:19\n"
    )


def test_a_strict_type_violation_points_at_the_named_argument(nexa) -> None:
    outcome = nexa(TYPES + 'flow main {\n    print(di(x = {"a": "b"}))\n}\n', "--type-mode", "strict")
    assert outcome.code == 1
    assert outcome.err.startswith(
        "Error: TypeViolation: type violation: parameter 'x' of flow 'di' expects dict[str, int], got dict\n"
        "  --> main.nx:19:18\n"
    )


def test_verify_satisfies_an_alias_fails_for_a_value_of_another_type(nexa) -> None:
    body = (
        "flow main {\n"
        '    try { verify "abc" satisfies Score } catch (e) { print(e.kind, e.code, e.message) }\n'
        '    try { verify "abc" satisfies Id } catch (e) { print("no error for Id") }\n'
        '    verify 3 satisfies Score\n    print("3 is a Score")\n}\n'
    )
    outcome = nexa(TYPES + body, "--harness", "strict")
    assert outcome.code == 0, outcome.err
    assert outcome.out == 'VerifyError E110 verify failed: "abc"\n3 is a Score\n'


# ------------------------------------------------------------------------------ structs (#2)

STRUCTS = """// nexa: ignore-file
struct Vec2 { dx: Int, dy: Int }
enum Shape { Dot, Circle(radius) }
flow main {
"""


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("print(Vec2(1, 2, 3))", "struct 'Vec2' takes 2 arguments, got 3"),
        ("print(Vec2(dx: 1, zz: 2))", "struct 'Vec2' has no field 'zz'"),
        ("v = Vec2(1, 2)\n    v.zz = 3\n    print(v)", "'Vec2' has no field 'zz'"),
        ("print(Shape::Circle(1, 2))", "'Shape::Circle' takes 1 argument, got 2"),
        ("print(Shape::Circle(rad: 1))", "'Shape::Circle' has no field 'rad'"),
    ],
)
def test_extra_values_and_unknown_fields_are_runtime_errors(nexa, statement: str, expected: str) -> None:
    source = (
        STRUCTS
        + f"    try {{\n    {statement}\n    }} catch (e) {{ print(e.kind, e.code, e.message) }}\n}}\n"
    )
    outcome = nexa(source)
    assert outcome.code == 0, outcome.err
    assert outcome.out == f"RuntimeError E100 {expected}\n"


def test_declared_fields_and_payloads_still_bind_by_position_and_name(nexa) -> None:
    body = (
        "    v = Vec2(1)\n    v.dy = 5\n    v.dx = v.dx + 1\n"
        "    print(v, Vec2(dy: 2, dx: 1), Vec2(1, dy: 4))\n"
        "    print(Shape::Circle(2), Shape::Circle(radius: 3), Shape::Circle(radius: 3).radius)\n"
        "    print(Shape::Dot)\n}\n"
    )
    outcome = nexa(STRUCTS.replace(IGNORE, "") + body)
    assert (outcome.code, outcome.err) == (0, "")
    assert outcome.out == (
        "Vec2(dx: 2, dy: 5) Vec2(dx: 1, dy: 2) Vec2(dx: 1, dy: 4)\n"
        "Shape::Circle(2) Shape::Circle(3) 3\nShape::Dot\n"
    )


def test_an_uncaught_unknown_field_assignment_stops_the_program_at_the_assignment(nexa) -> None:
    outcome = nexa(STRUCTS + "    v = Vec2(1, 2)\n    v.zz = 3\n}\n")
    assert outcome.code == 1
    assert outcome.err.startswith("Error: RuntimeError: 'Vec2' has no field 'zz'\n  --> main.nx:6:")


# ------------------------------------------------------------------------------ tool arguments (#6)

TOOLS = """// nexa: ignore-file
tool lookup { description: "Look up", parameters: {"q": "string", "n": "int"} }
@tool("Twice") fn twice(n: int) -> int {
    print("body ran")
    return n * 2
}
@tool("Join") fn join2(a, b: str = "-") { return a + b }
flow main {
    v = "x"
"""


@pytest.mark.parametrize("mode", ["strict", "warn", "forgiving"])
@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("twice(v)", "invalid arguments for 'twice': 'n' must be an integer, found a string"),
        ("twice()", "invalid arguments for 'twice': missing 'n'"),
        ("twice(n = none)", "invalid arguments for 'twice': 'n' must be an integer, found null"),
        ("twice(1, 2)", "invalid arguments for 'twice': takes 1 argument, got 2"),
        ("twice(m = 1)", "invalid arguments for 'twice': unknown argument 'm'; missing 'n'"),
        ("join2()", "invalid arguments for 'join2': missing 'a'"),
        ("join2(1, 2)", "invalid arguments for 'join2': 'b' must be a string, found an integer"),
        ("lookup(v)", "invalid arguments for 'lookup': missing 'n'"),
        (
            "lookup.run(q = 1, n = v)",
            "invalid arguments for 'lookup': 'q' must be a string, found an integer; "
            "'n' must be an integer, found a string",
        ),
        (
            "std.time.time_sleep(v)",
            "invalid arguments for 'std.time.time_sleep': 'seconds' must be a number, found a string",
        ),
        ("std.text.text_upper()", "invalid arguments for 'std.text.text_upper': missing 'text'"),
    ],
)
def test_calls_from_code_validate_tool_arguments_before_running(
    nexa, mode: str, call: str, expected: str
) -> None:
    outcome = nexa(TOOLS + catching(call) + "}\n", "--type-mode", mode)
    assert (outcome.code, outcome.err) == (0, "")
    assert outcome.out == f"ToolError E302 {expected}\n"


@pytest.mark.parametrize("mode", ["strict", "warn", "forgiving"])
def test_valid_tool_arguments_reach_the_body_or_the_implementation(nexa, mode: str) -> None:
    body = (
        '    print(twice(3), twice(n = 4), join2("a"), join2(1, "+"), join2(a = [1], b = "x"))\n'
        + catching('lookup("q", 2)')
        + "}\n"
    )
    outcome = nexa(TOOLS + body, "--type-mode", mode)
    assert (outcome.code, outcome.err) == (0, "")
    assert outcome.out == (
        "body ran\nbody ran\n6 8 a- 1+ [1]x\n"
        "ToolError E104 lookup: no implementation is registered for this tool\n"
    )


def test_bad_arguments_from_a_model_to_a_tool_fn_are_e302_text(nexa) -> None:
    source = TOOLS.replace("flow main {\n", 'agent A { model: "offline", prompt: "p" }\nflow main {\n') + (
        '    print(A.run("x\\n@call twice {\\"n\\": \\"a\\"}\\n@call twice {\\"n\\": 2}"))\n}\n'
    )
    outcome = nexa(source)
    assert (outcome.code, outcome.err) == (0, "")
    assert outcome.out == (
        "body ran\n"
        "[A] x\n"
        "twice -> Error: E302 invalid-tool-arguments: invalid arguments for 'twice': "
        "'n' must be an integer, found a string\n"
        "twice -> 4\n"
    )


# ------------------------------------------------------------------------------ docs/bytecode.md


def test_every_row_of_the_opcode_table_has_four_cells() -> None:
    """A `|` in a cell, even in a code span, ends the cell in GFM unless escaped."""
    rows = opcode_table_markdown().splitlines()
    assert all(len(re.findall(r"(?<!\\)\|", row)) == 5 for row in rows), [
        row for row in rows if len(re.findall(r"(?<!\\)\|", row)) != 5
    ]
