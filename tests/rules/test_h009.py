"""H009 tool-without-return-type."""


def test_h009_points_at_the_function_name(found) -> None:
    text = '@tool("Current local time") fn now() { return std.time.time_now() }\n'
    assert found(text, "H009") == [("H009", 1, 32, "@tool fn 'now' has no result type")]


def test_h009_not_reported_with_a_result_type(found) -> None:
    assert found('@tool("Current local time") fn now(): str { return std.time.time_now() }\n', "H009") == []
    assert found('@tool("Current local time") fn now() -> str { return std.time.time_now() }\n', "H009") == []
