"""W003 deprecated-syntax (diagnostics.md §5, S§2.12)."""


def test_w003_deprecated_std_call_points_at_the_function_name(found):
    assert found("flow main { print(std.time.now()) }\n", "W003") == [
        ("W003", 1, 28, "'std.time.now' is deprecated; use 'std.time.time_now'")
    ]


def test_w003_not_reported_for_the_canonical_name(found):
    assert found("flow main { print(std.time.time_now()) }\n", "W003") == []


def test_w003_rename_fix_is_safe(fixed):
    text = "flow main { print(std.time.now()) }\n"
    assert fixed(text, "W003", unsafe=False) == "flow main { print(std.time.time_now()) }\n"


def test_w003_deprecated_uses_item(found, fixed):
    text = 'agent C uses std.fs.read { prompt: "p" }\n'
    assert found(text, "W003") == [("W003", 1, 14, "'std.fs.read' is deprecated; use 'std.fs.file_read'")]
    assert fixed(text, "W003", unsafe=False) == 'agent C uses std.fs.file_read { prompt: "p" }\n'


def test_w003_quoted_boolean_and_integer_settings(found):
    text = 'agent Clock {\n    prompt: "p",\n    stream: "true",\n    max_history_turns: "4"\n}\n'
    assert found(text, "W003") == [
        ("W003", 3, 13, "quoted boolean for 'stream' is deprecated; write true"),
        ("W003", 4, 24, "quoted integer for 'max_history_turns' is deprecated; write 4"),
    ]


def test_w003_unquoted_settings_are_not_reported(found):
    assert found('agent Clock { prompt: "p", stream: true, max_history_turns: 4 }\n', "W003") == []


def test_w003_quoted_literal_fix_writes_the_literal_in_lower_case(fixed):
    text = 'agent C { prompt: "p", cache: "TRUE" }\n'
    assert fixed(text, "W003", unsafe=False) == 'agent C { prompt: "p", cache: true }\n'


def test_w003_a_non_boolean_string_is_not_a_quoted_boolean(found):
    assert found('agent C { prompt: "p", stream: "yes" }\n', "W003") == []


def test_w003_legacy_result_type(found):
    assert found('agent B -> Foo<Bar> { prompt: "x" }\n', "W003") == [
        ("W003", 1, 12, "the result type form 'Name<Inner>' is deprecated; write the type itself")
    ]
    assert found('agent B -> Bar { prompt: "x" }\n', "W003") == []
