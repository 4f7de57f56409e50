"""G007 unawaited-spawn: a spawned actor or task that nothing awaits or reads."""

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


AGENT = 'agent Indexer { prompt: "Index the documents." }\n'
ACTOR = "this spawned actor is never awaited; its result and errors are lost"
TASK = "this spawned task is never awaited; its result and errors are lost"


def test_g007_points_at_an_unread_spawned_actor() -> None:
    text = AGENT + 'flow main {\n    job = spawn Indexer("corpus/")\n    print("started")\n}\n'
    assert found(text, "G007") == [("G007", 3, 11, ACTOR)]


def test_g007_not_reported_when_the_actor_is_awaited() -> None:
    text = (
        AGENT
        + 'flow main {\n    job = spawn Indexer("corpus/")\n    print("started")\n    print(await job)\n}\n'
    )
    assert found(text, "G007") == []


def test_g007_reports_a_spawned_task_statement() -> None:
    text = "flow main {\n    spawn(fn() { print(1) })\n}\n"
    assert found(text, "G007") == [("G007", 2, 5, TASK)]


def test_g007_not_reported_when_the_task_is_cancelled() -> None:
    text = "flow main {\n    let t = spawn(fn() { sleep_ms(5) })\n    cancel_task(t)\n}\n"
    assert found(text, "G007") == []


def test_g007_a_read_before_the_assignment_does_not_count() -> None:
    text = "flow main {\n    t = 1\n    print(t)\n    t = spawn(fn() { print(1) })\n}\n"
    assert found(text, "G007") == [("G007", 4, 9, TASK)]
