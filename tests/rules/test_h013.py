"""H013 restore-of-non-snapshot."""


def test_h013_points_at_the_variable(found) -> None:
    text = 'flow main {\n    saved = "v1"; restore(saved)\n}\n'
    assert found(text, "H013") == [("H013", 2, 27, "'saved' is never assigned from snapshot()")]


def test_h013_not_reported_for_a_snapshot(found) -> None:
    assert found("flow main {\n    saved = snapshot(); restore(saved)\n}\n", "H013") == []


def test_h013_one_snapshot_assignment_is_enough(found) -> None:
    text = "flow main {\n    saved = none\n    saved = snapshot()\n    restore(saved) if saved\n}\n"
    assert found(text, "H013") == []


def test_h013_not_reported_for_parameters_or_unbound_names(found) -> None:
    assert found("flow rollback(handle) { restore(handle) }\n", "H013") == []
    assert found("flow main { restore(nowhere) }\n", "H013") == []


def test_h013_not_reported_for_a_global(found) -> None:
    assert found('saved = "v1"\nflow main { restore(saved) }\n', "H013") == []


def test_h013_top_level_statements_are_an_activation(found) -> None:
    assert [f[0:2] for f in found('saved = "v1"\nrestore(saved)\n', "H013")] == [("H013", 2)]
