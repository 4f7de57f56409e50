"""G001 unused-fork-result: a fan-out whose results nobody reads."""

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
    'agent Pro { prompt: "Argue for." }\n'
    'agent Con { prompt: "Argue against." }\n'
    'agent Chair { prompt: "Decide." }\n'
)
MESSAGE = "the results of this fan-out are never used; merge them with '&>>' or use '||' to fire and forget"


def test_g001_points_at_the_fan_out_of_an_unread_assignment() -> None:
    text = AGENTS + 'flow main {\n    views = "four-day week" |>> [Pro, Con]\n    print("done")\n}\n'
    assert found(text, "G001") == [("G001", 5, 29, MESSAGE)]


def test_g001_not_reported_when_the_assigned_results_are_read() -> None:
    text = AGENTS + 'flow main {\n    views = "four-day week" |>> [Pro, Con]\n    print(views)\n}\n'
    assert found(text, "G001") == []


def test_g001_reported_for_a_fan_out_statement() -> None:
    text = AGENTS + 'flow main {\n    "four-day week" |>> [Pro, Con]\n}\n'
    assert found(text, "G001") == [("G001", 5, 21, MESSAGE)]


def test_g001_not_reported_when_the_fan_out_is_merged() -> None:
    text = (
        AGENTS
        + 'flow main {\n    decision = "four-day week" |>> [Pro, Con] &>> Chair\n    print(decision)\n}\n'
    )
    assert found(text, "G001") == []


def test_g001_not_reported_for_a_returned_fan_out() -> None:
    text = (
        AGENTS + 'flow views(topic) {\n    return topic |>> [Pro, Con]\n}\nflow main { print(views("x")) }\n'
    )
    assert found(text, "G001") == []


def test_g001_counts_a_read_inside_an_interpolation() -> None:
    text = AGENTS + 'flow main {\n    views = "x" |>> [Pro, Con]\n    print("views: #{views}")\n}\n'
    assert found(text, "G001") == []
