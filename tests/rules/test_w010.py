"""W010 argument-type-mismatch (diagnostics.md §5, §2.5)."""

REPEAT = "flow repeat(text: str, times: int) { return text }\n"


def test_w010_quoted_number_for_an_int_parameter_points_at_the_argument(found):
    assert found(REPEAT + 'flow main { repeat("hi", "3") }\n', "W010") == [
        ("W010", 2, 26, "argument 'times' of 'repeat' expects int, found str")
    ]


def test_w010_not_reported_for_a_fitting_argument(found):
    assert found(REPEAT + 'flow main { repeat("hi", 3) }\n', "W010") == []


def test_w010_fix_unquotes_the_digits(fixed):
    assert (
        fixed(REPEAT + 'flow main { repeat("hi", "3") }\n', "W010")
        == REPEAT + 'flow main { repeat("hi", 3) }\n'
    )


def test_w010_int_fits_a_float_parameter(found):
    assert found("flow f(x: float) { return x }\nflow main { f(2) }\n", "W010") == []


def test_w010_float_does_not_fit_an_int_parameter(found):
    assert [m for *_, m in found(REPEAT + 'flow main { repeat("a", 1.5) }\n', "W010")] == [
        "argument 'times' of 'repeat' expects int, found float"
    ]


def test_w010_a_variable_assigned_once_has_a_certain_type(found):
    text = REPEAT + 'flow main {\n    n = "5"\n    repeat("a", n)\n}\n'
    assert [(line, col) for _, line, col, _ in found(text, "W010")] == [(4, 17)]


def test_w010_a_variable_assigned_twice_is_any(found):
    text = REPEAT + 'flow main {\n    n = 1\n    n = "5"\n    repeat("a", n)\n}\n'
    assert found(text, "W010") == []


def test_w010_untyped_parameters_accept_anything(found):
    assert found('flow f(x) { return x }\nflow main { f("a") }\n', "W010") == []


def test_w010_string_concatenation_is_a_str(found):
    text = REPEAT + 'flow main { repeat("a", "n" + 1) }\n'
    assert [m for *_, m in found(text, "W010")] == ["argument 'times' of 'repeat' expects int, found str"]


def test_w010_none_fits_an_optional_parameter(found):
    assert found("flow f(x: int?) { return x }\nflow main { f(none) }\n", "W010") == []


def test_w010_not_reported_for_a_dict_literal_passed_as_a_protocol(found):
    text = (
        "protocol Quote { price: float, currency: str }\n"
        "flow take(q: Quote) { return q.price }\n"
        'flow main { print(take({price: 1.0, currency: "EUR"})) }\n'
    )
    assert found(text, "W010") == []


def test_w010_not_reported_for_the_reply_of_an_agent_that_implements_a_protocol(found):
    # diagnostics.md §2.5: the protocol of A.run(…) is certain for field access and G004 only.
    declarations = (
        'protocol P { answer: str }\nagent A implements P { prompt: "x" }\nflow g(s: str) { print(s) }\n'
    )
    assert found(declarations + 'flow main { g(A.run("q")) }\n', "W010") == []
    # Near miss: a certain type still counts (a field of the reply is a str, a number is not).
    assert found(declarations + 'flow main { g(A.run("q").answer)\n g(3) }\n', "W010") == [
        ("W010", 5, 4, "argument 's' of 'g' expects str, found int")
    ]
