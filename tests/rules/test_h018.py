"""H018 vague-verify."""


def test_h018_points_at_the_string(found) -> None:
    text = 'flow main(reply) {\n    verify "ok" against reply\n}\n'
    assert found(text, "H018") == [("H018", 2, 12, "verify condition 'ok' is too short to judge reliably")]


def test_h018_counts_after_trimming(found) -> None:
    text = 'flow main(reply) {\n    verify "  good     " against reply\n}\n'
    assert [f[3] for f in found(text, "H018")] == ["verify condition 'good' is too short to judge reliably"]


def test_h018_ten_characters_are_enough(found) -> None:
    assert found('flow main(reply) {\n    verify "0123456789" against reply\n}\n', "H018") == []
    text = 'flow main(reply) {\n    verify "the reply names a concrete date" against reply\n}\n'
    assert found(text, "H018") == []


def test_h018_not_reported_for_satisfies(found) -> None:
    assert found("flow main(reply) {\n    verify reply satisfies str\n}\n", "H018") == []
