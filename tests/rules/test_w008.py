"""W008 missing-arguments (diagnostics.md §5, L§7.8)."""

LABEL = 'flow label(name: str, count: int) { return name + " x" + str(count) }\n'


def test_w008_fewer_arguments_than_required_points_at_the_argument_list(found):
    assert found(LABEL + 'flow main { print(label("boxes")) }\n', "W008") == [
        ("W008", 2, 24, "'label' expects 2 argument(s) but 1 were given; 'count' will be none")
    ]


def test_w008_not_reported_when_the_parameter_has_a_default(found):
    text = 'flow label(name: str, count: int = 1) { return name }\nflow main { print(label("boxes")) }\n'
    assert found(text, "W008") == []


def test_w008_named_arguments_count(found):
    assert found(LABEL + 'flow main { label(count = 2, name = "a") }\n', "W008") == []


def test_w008_optional_typed_parameter_is_not_required(found):
    assert found('flow f(a: str, b: int?) { return a }\nflow main { f("x") }\n', "W008") == []


def test_w008_std_functions_are_e302_not_w008(found):
    assert found("flow main { std.fs.file_read() }\n", "W008") == []


def test_w008_fewer_named_and_positional_arguments_than_required(found):
    assert found(LABEL + "flow main { label(count = 2) }\n", "W008") == [
        ("W008", 2, 18, "'label' expects 2 argument(s) but 1 were given; 'name' will be none")
    ]


def test_w008_not_reported_when_an_unknown_named_argument_makes_the_count(found):
    text = 'flow greet(name: str) { print(name) }\nflow main { greet(person = "Ada") }\n'
    assert found(text, "W008", "E012") == [("E012", 2, 19, "'greet' has no parameter named 'person'")]
