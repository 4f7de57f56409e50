"""A call on the right of `>>`/`|>` receives the piped value as its first argument (L§5.6), so the
argument rules E012, E302, W008 and W010 count it."""

SCALE = "flow scale(x: int, a: int, b: int) -> int { return x * a + b }\n"
ONE = "flow one(x: int) -> int { return x }\n"


def test_w008_not_reported_for_a_pipe_call_that_gets_its_first_argument_from_the_left(found):
    assert found(SCALE + "flow main { print(7 |> scale(2, 3)) }\n", "W008") == []


def test_w008_not_reported_for_a_pipeline_stage_call(found):
    assert found(SCALE + "flow main { print(7 >> scale(2, 3)) }\n", "W008") == []


def test_w008_still_reported_when_a_piped_call_lacks_a_later_argument(found):
    assert found(SCALE + "flow main { print(7 |> scale(2)) }\n", "W008") == [
        ("W008", 2, 29, "'scale' expects 3 argument(s) but 2 were given; 'b' will be none")
    ]


def test_w008_empty_parentheses_after_a_pipe_are_complete(found):
    assert found(ONE + "flow main { print(7 |> one()) }\n", "W008") == []


def test_w008_an_ordinary_call_with_the_same_arguments_is_still_reported(found):
    assert [d[0] for d in found(SCALE + "flow main { print(scale(2, 3)) }\n", "W008")] == ["W008"]


def test_e302_std_function_after_a_pipe_is_not_missing_its_argument(found):
    assert found('flow main { print("x" |> std.text.text_upper()) }\n', "E302") == []


def test_e302_std_function_without_a_pipe_is_still_missing_its_argument(found):
    assert [d[0] for d in found("flow main { print(std.text.text_upper()) }\n", "E302")] == ["E302"]


def test_e012_counts_the_piped_value_among_the_arguments(found):
    assert found(ONE + "flow main { print(7 |> one(3)) }\n", "E012") == [
        ("E012", 2, 28, "'one' takes 1 argument(s) but 2 were given")
    ]


def test_e012_extra_piped_value_into_a_parameterless_flow_points_at_the_left_operand(diagnostics):
    text = 'flow none_taken() { return 1 }\nflow main { print("v" |> none_taken()) }\n'
    [diagnostic] = diagnostics(text, "E012")
    assert diagnostic.message == "'none_taken' takes 0 argument(s) but 1 were given"
    assert text.encode()[diagnostic.span.start : diagnostic.span.end] == b'"v"'
    assert diagnostic.fixes == ()


def test_e012_not_reported_for_a_complete_pipe_call(found):
    assert found(SCALE + "flow main { print(7 |> scale(2, 3)) }\n", "E012") == []


def test_w010_checks_the_piped_value_against_the_first_parameter(found):
    assert found(ONE + 'flow main { print("seven" |> one()) }\n', "W010") == [
        ("W010", 2, 19, "argument 'x' of 'one' expects int, found str")
    ]


def test_w010_piped_value_of_the_right_type_is_fine(found):
    assert found(ONE + "flow main { print(7 |> one()) }\n", "W010") == []


def test_fork_operator_does_not_insert_an_argument(found):
    # `|>>` takes a list of runnables; a call there is evaluated by itself
    assert [d[0] for d in found(SCALE + "flow main { x = 1 |>> [scale(2, 3)] }\n", "W008")] == ["W008"]
