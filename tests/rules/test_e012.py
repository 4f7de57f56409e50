"""E012 unexpected-argument (diagnostics.md §4, L D62)."""

GREET = 'flow greet(name: str) { print("hello " + name) }\n'


def test_e012_too_many_positional_arguments_range_over_the_extra_ones(found):
    text = GREET + 'flow main {\n    greet("Ada", "Lovelace", "Byron")\n}\n'
    assert found(text, "E012") == [("E012", 3, 18, "'greet' takes 1 argument(s) but 3 were given")]


def test_e012_not_reported_for_the_right_number_of_arguments(found):
    assert found(GREET + 'flow main {\n    greet("Ada Lovelace")\n}\n', "E012") == []


def test_e012_fix_removes_the_extra_arguments(fixed):
    text = GREET + 'flow main { greet("Ada", "Lovelace") }\n'
    assert fixed(text, "E012") == GREET + 'flow main { greet("Ada") }\n'


def test_e012_unknown_named_argument(found, fixed):
    text = GREET + 'flow main { greet(person = "Ada") }\n'
    assert found(text, "E012") == [("E012", 2, 19, "'greet' has no parameter named 'person'")]
    assert fixed(text, "E012") == GREET + "flow main { greet() }\n"


def test_e012_known_named_argument_is_fine(found):
    assert found(GREET + 'flow main { greet(name = "Ada") }\n', "E012") == []


def test_e012_agents_take_any_number_of_inputs(found):
    assert found('agent A { prompt: "p" }\nflow main { A.run(1, 2, 3)\n A("x", "y") }\n', "E012") == []


def test_e012_member_function_tool_std_and_prelude_callees(found):
    text = (
        'agent A { prompt: "p" fn f(a) { return a } }\n'
        'tool weather { description: "d", parameters: {"city": "string"} }\n'
        'flow main {\n    A.f(1, 2)\n    weather("a", "b")\n'
        '    std.time.time_sleep(1, 2)\n    len("a", "b")\n}\n'
    )
    assert [m for *_, m in found(text, "E012")] == [
        "'A.f' takes 1 argument(s) but 2 were given",
        "'weather' takes 1 argument(s) but 2 were given",
        "'std.time.time_sleep' takes 1 argument(s) but 2 were given",
        "'len' takes 1 argument(s) but 2 were given",
    ]


def test_e012_variadic_prelude_functions_take_any_number(found):
    assert found("flow main { print(1, 2, 3)\n x = max(1, 2, 3) }\n", "E012") == []


def test_e012_lambda_bound_once(found):
    text = "flow main {\n    g = fn(a) { return a }\n    g(1, 2)\n}\n"
    assert found(text, "E012") == [("E012", 3, 10, "'g' takes 1 argument(s) but 2 were given")]


def test_e012_a_shadowed_prelude_name_uses_the_program_declaration(found):
    text = "flow len(a, b) { return a }\nflow main { len(1, 2) }\n"
    assert found(text, "E012") == []
