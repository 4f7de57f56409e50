"""G008 intent-match-without-default: an intent match with no '_' arm."""

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


AGENTS = (
    'agent Sales { prompt: "Handle sales questions." }\n'
    'agent Support { prompt: "Handle support questions." }\n'
)
MESSAGE = "intent match without a '_' arm: unmatched input gives none"
WITHOUT_DEFAULT = AGENTS + (
    "flow main(msg) {\n    reply = match msg {\n"
    '        intent("wants to buy") => Sales.run(msg),\n'
    '        intent("has a problem") => Support.run(msg)\n    }\n    print(reply)\n}\n'
)


def test_g008_points_at_match_and_its_scrutinee() -> None:
    assert found(WITHOUT_DEFAULT, "G008") == [("G008", 4, 13, MESSAGE)]


def test_g008_not_reported_with_a_default_arm() -> None:
    text = WITHOUT_DEFAULT.replace("Support.run(msg)\n", 'Support.run(msg),\n        _ => "Sorry"\n')
    assert found(text, "G008") == []


def test_g008_fix_appends_a_default_arm() -> None:
    expected = WITHOUT_DEFAULT.replace("Support.run(msg)\n", "Support.run(msg),\n        _ => none\n")
    assert fixed(WITHOUT_DEFAULT, "G008") == expected
    assert found(expected, "G008") == []


def test_g008_not_reported_for_a_pattern_match() -> None:
    text = (
        'flow main(x) {\n    y = match x {\n        1 => "one",\n        2 => "two"\n    }\n    print(y)\n}\n'
    )
    assert found(text, "G008") == []
