"""H005 correction-without-reflect."""

AGENT = 'agent Worker { prompt: "Answer." }\n'
MESSAGE = "catch_correction without reflect: the agent gets no guidance for its next attempt"


def program(correction: str) -> str:
    return AGENT + (
        "flow main(q) {\n    try_agent { r = Worker.run(q) }\n"
        f"    catch_correction(e: ToolError) {{ {correction} }}\n}}\n"
    )


def test_h005_points_at_catch_correction(found) -> None:
    assert found(program("print(e)"), "H005") == [("H005", 4, 5, MESSAGE)]


def test_h005_not_reported_with_a_reflect(found) -> None:
    assert found(program('reflect "The tool failed; try a simpler query."'), "H005") == []


def test_h005_each_correction_is_judged(found) -> None:
    text = AGENT + (
        "flow main(q) {\n    try_agent { r = Worker.run(q) }\n"
        '    catch_correction(e: TimeoutError) { reflect "Be quicker: answer in one line." }\n'
        "    catch_correction(e: ToolError) { print(e) }\n}\n"
    )
    assert found(text, "H005") == [("H005", 5, 5, MESSAGE)]
