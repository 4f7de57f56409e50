"""E015 invalid-match: intent arms mixed with pattern arms; two guards on one arm."""

AGENTS = 'agent Billing { prompt: "Billing." }\nagent Helpdesk { prompt: "Else." }\n'
MIXED = AGENTS + (
    "flow route(req) {\n    r = match req {\n"
    '        intent("asks about billing") => Billing.run(req),\n'
    '        "ping" => "pong",\n'
    "        _ => Helpdesk.run(req)\n    }\n}\n"
)


def test_e015_points_at_the_first_minority_arm(found) -> None:
    assert found(MIXED, "E015") == [("E015", 6, 9, "a match cannot mix intent arms with pattern arms")]


def test_e015_not_reported_for_intent_arms_with_a_default(found) -> None:
    assert found(MIXED.replace('        "ping" => "pong",\n', ""), "E015") == []


def test_e015_a_guard_before_and_after_the_arrow(found) -> None:
    text = "flow f(x) {\n    r = match x {\n        n if n > 1 => 1 if n < 3,\n        _ => 2\n    }\n}\n"
    assert found(text, "E015") == [("E015", 3, 28, "an arm may have only one guard")]


def test_e015_one_guard_is_fine(found) -> None:
    text = "flow f(x) {\n    r = match x {\n        n if n > 1 => 1,\n        _ => 2\n    }\n}\n"
    assert found(text, "E015") == []
