"""E302 invalid-tool-arguments, static form (diagnostics.md §11, S§5.3–5.4)."""


def test_e302_wrong_literal_type_for_a_std_function_points_at_the_argument(found):
    assert found('flow main {\n    std.time.time_sleep("soon")\n}\n', "E302") == [
        (
            "E302",
            2,
            25,
            "invalid arguments for 'std.time.time_sleep': 'seconds' must be a number, found a string",
        )
    ]


def test_e302_not_reported_for_a_fitting_literal(found):
    assert found("flow main {\n    std.time.time_sleep(2)\n}\n", "E302") == []


def test_e302_missing_required_argument_points_at_the_argument_list(found):
    assert found("flow main {\n    print(std.fs.file_read())\n}\n", "E302") == [
        ("E302", 2, 27, "invalid arguments for 'std.fs.file_read': missing 'path'")
    ]


def test_e302_declared_tool_schema(found):
    text = (
        'tool weather { description: "d", parameters: {"city": "string", '
        '"days": {"type": "integer", "default": 1}} }\n'
        'flow main { weather(days: "x") }\n'
    )
    assert [m for *_, m in found(text, "E302")] == [
        "invalid arguments for 'weather': missing 'city'",
        "invalid arguments for 'weather': 'days' must be an integer, found a string",
    ]


def test_e302_optional_tool_parameter_may_be_omitted(found):
    text = (
        'tool weather { description: "d", parameters: {"city": "string", '
        '"days": {"type": "integer", "default": 1}} }\n'
        'flow main { weather("Oslo") }\n'
    )
    assert found(text, "E302") == []


def test_e302_prelude_function_with_a_union_parameter(found):
    assert [m for *_, m in found("flow main { x = int([1]) }\n", "E302")] == [
        "invalid arguments for 'int': 'x' must be a string, a number or a boolean, found an array"
    ]


def test_e302_non_literal_arguments_are_not_checked(found):
    assert found("flow main(s) { std.time.time_sleep(s) }\n", "E302") == []


def test_e302_min_and_max_accept_a_single_list(found) -> None:
    # S§1.2: "a single list argument is searched instead".
    assert found("flow main {\n    print(min([3, 2]), max([1]))\n}\n", "E302") == []


def test_e302_durations_of_the_concurrency_functions_may_be_strings(found):
    # S§1.6: "Durations are int milliseconds or strings" (the VM reads both).
    text = 'flow main {\n    let [tx, rx] = channel()\n    sleep_ms("1s")\n    recv_timeout(rx, "2s")\n'
    assert found(text + '    select([rx], "5ms")\n}\n', "E302") == []
    # Near miss: a boolean is neither.
    assert found("flow main {\n    sleep_ms(true)\n}\n", "E302") == [
        (
            "E302",
            2,
            14,
            "invalid arguments for 'sleep_ms': 'ms' must be an integer or a string, found a boolean",
        )
    ]
