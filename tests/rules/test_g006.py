"""G006 recursive-flows: flows that call each other in a cycle."""

from nexa_lang.checker import check_text
from nexa_lang.fixes import apply_fixes
from nexa_lang.positions import LineIndex, Unit


def found(text: str, code: str) -> list[tuple[str, int, int, str]]:
    """(code, 1-based line, 1-based column in code points, message) of each diagnostic of `code`."""
    index = LineIndex(text)
    result = []
    for d in check_text(text, codes=[code]):
        line, column = index.position(d.span.start, Unit.CODEPOINT, line_base=1, column_base=1)
        result.append((d.code, line, column, d.message))
    return result


def fixed(text: str, code: str) -> str:
    return apply_fixes(text, check_text(text, codes=[code]), unsafe=True).text


CRITIC = 'agent Critic { prompt: "Is this final? Answer yes or no." }\n'


def test_g006_points_at_the_recursive_call() -> None:
    text = CRITIC + (
        "flow refine(draft) {\n    verdict = Critic.run(draft)\n"
        '    if (verdict == "no") { return refine(draft + " (revised)") }\n    return draft\n}\n'
    )
    assert found(text, "G006") == [("G006", 4, 35, "flows call each other in a cycle: refine → refine")]


def test_g006_not_reported_without_a_cycle() -> None:
    text = (
        CRITIC + 'flow refine(draft) {\n    return Critic.run(draft)\n}\nflow main { print(refine("x")) }\n'
    )
    assert found(text, "G006") == []


def test_g006_reports_a_two_flow_cycle_once_from_the_first_flow() -> None:
    text = "flow a(x) { return b(x) }\nflow b(x) { return x >> a }\n"
    assert found(text, "G006") == [("G006", 1, 20, "flows call each other in a cycle: a → b → a")]
    [diagnostic] = check_text(text, codes=["G006"])
    assert [r.message for r in diagnostic.related] == ["'b' calls 'a'"]
