"""H017 empty-reflect."""


def test_h017_points_at_reflect(found) -> None:
    assert found('flow main {\n    reflect ""\n}\n', "H017") == [("H017", 2, 5, "reflect with empty text")]


def test_h017_white_space_is_empty(found) -> None:
    assert [f[0] for f in found('flow main {\n    reflect "  \\t "\n}\n', "H017")] == ["H017"]


def test_h017_not_reported_for_text_or_expressions(found) -> None:
    assert found('flow main {\n    reflect "Check the units before answering."\n}\n', "H017") == []
    assert found("flow main(note) {\n    reflect note\n}\n", "H017") == []
