"""G010 fire-and-forget-value-used: the value of '||' (always none) is used."""

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


AGENTS = 'agent Mailer { prompt: "Send the notice." }\nagent Logger { prompt: "Log the notice." }\n'
MESSAGE = "'||' fires and forgets: its value is always none; use '|>>' to wait for the results"


def test_g010_points_at_a_read_fire_and_forget_value() -> None:
    text = AGENTS + 'flow main {\n    sent = "server restarted" || [Mailer, Logger]\n    print(sent)\n}\n'
    assert found(text, "G010") == [("G010", 4, 31, MESSAGE)]


def test_g010_not_reported_for_a_fire_and_forget_statement() -> None:
    text = AGENTS + 'flow main {\n    "server restarted" || [Mailer, Logger]\n    print("notice queued")\n}\n'
    assert found(text, "G010") == []


def test_g010_reports_a_value_passed_as_an_argument() -> None:
    text = AGENTS + 'flow main {\n    print("x" || [Mailer])\n}\n'
    assert found(text, "G010") == [("G010", 4, 15, MESSAGE)]


def test_g010_fix_uses_the_waiting_fan_out() -> None:
    text = AGENTS + 'flow main {\n    sent = "x" || [Mailer, Logger]\n    print(sent)\n}\n'
    assert fixed(text, "G010") == text.replace("||", "|>>")
