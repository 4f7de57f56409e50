"""G005 identical-branches: a semantic choice whose arms are all the same."""

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


AGENTS = 'agent Fast { prompt: "Answer in one line." }\nagent Careful { prompt: "Answer step by step." }\n'
MESSAGE = "both branches are the same; the semantic decision has no effect"


def test_g005_points_at_the_operator_of_identical_arms() -> None:
    text = AGENTS + "flow main(q) { print(q ?? Fast : Fast) }\n"
    assert found(text, "G005") == [("G005", 3, 24, MESSAGE)]


def test_g005_not_reported_for_different_arms() -> None:
    assert found(AGENTS + "flow main(q) { print(q ?? Fast : Careful) }\n", "G005") == []


def test_g005_ignores_comments_when_comparing() -> None:
    text = AGENTS + "flow main(q) { print(q ?? Fast /* same */ : Fast) }\n"
    assert found(text, "G005") == [("G005", 3, 24, MESSAGE)]


def test_g005_fix_pipes_the_input_into_the_common_arm() -> None:
    text = AGENTS + "flow main(q) { print(q ?? Fast : Fast) }\n"
    assert fixed(text, "G005") == AGENTS + "flow main(q) { print(q >> Fast) }\n"


def test_g005_reports_semantic_if_with_identical_blocks() -> None:
    text = 'flow main(q) {\n    semantic_if "is urgent" against q { print("a") } else { print( "a" ) }\n}\n'
    assert found(text, "G005") == [("G005", 2, 5, MESSAGE)]


def test_g005_semantic_if_fix_keeps_the_block_statements() -> None:
    text = 'flow main(q) {\n    semantic_if "is urgent" against q { print("a") } else { print("a") }\n}\n'
    assert fixed(text, "G005") == 'flow main(q) {\n    print("a")\n}\n'


def test_g005_not_reported_for_semantic_if_with_different_blocks() -> None:
    text = 'flow main(q) {\n    semantic_if "is urgent" against q { print("a") } else { print("b") }\n}\n'
    assert found(text, "G005") == []


def test_g005_reports_an_intent_match_whose_arms_agree() -> None:
    text = (
        AGENTS
        + "flow main(q) {\n    r = match q {\n"
        + '        intent("buy") => Fast,\n        _ => Fast\n    }\n    print(r)\n}\n'
    )
    assert found(text, "G005") == [("G005", 4, 9, MESSAGE)]
    assert "r = q >> Fast\n" in fixed(text, "G005")
