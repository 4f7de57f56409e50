"""Strings the judge reads (L§1.6.5, D04): the condition of `semantic_if` and the question of
`semantic_if (x, "q") {…}` are evaluated in the flow, so `#{…}` interpolates (as the checker
resolves it there); case labels, intent labels and `fast_match` patterns are data."""

from __future__ import annotations

import json


def judged(err: str, event: str) -> list[dict]:
    """The trace events of one kind written by `--trace`."""
    events = [json.loads(line[len("[trace] ") :]) for line in err.splitlines() if line.startswith("[trace] ")]
    return [e for e in events if e["event"] == event]


def test_semantic_if_condition_is_interpolated(nexa) -> None:
    source = (
        'flow main {\n    name = "Ada"\n'
        '    semantic_if "mentions #{name}" against "Ada Lovelace" { print("matched") }'
        ' else { print("not matched") }\n}\n'
    )
    outcome = nexa(source, "--trace")
    assert (outcome.code, outcome.out) == (0, "matched\n")
    assert [e["condition"] for e in judged(outcome.err, "judge")] == ["mentions Ada"]


def test_semantic_if_condition_with_an_escaped_interpolation_stays_literal(nexa) -> None:
    source = (
        'flow main {\n    name = "Ada"\n'
        '    semantic_if "mentions \\#{name}" against "Ada Lovelace" { print("matched") }'
        ' else { print("not matched") }\n}\n'
    )
    outcome = nexa(source, "--trace")
    assert outcome.code == 0, outcome.err
    assert [e["condition"] for e in judged(outcome.err, "judge")] == ["mentions #{name}"]


def test_semantic_if_condition_and_fast_match(nexa) -> None:
    """The subject is judged against the interpolated condition; the fast_match pattern is data."""
    source = (
        'flow main {\n    name = "Ada"\n'
        '    semantic_if "about #{name}" fast_match r"^#\\{" against "#{x"'
        ' { print("fast") } else { print("no") }\n'
        "}\n"
    )
    outcome = nexa(source, "--trace")
    assert (outcome.code, outcome.out) == (0, "fast\n"), outcome.err
    assert judged(outcome.err, "judge") == []  # the pattern matched: no judge call


def test_semantic_if_expression_question_is_interpolated_and_labels_are_data(nexa) -> None:
    source = (
        'flow main {\n    name = "Ada"\n    q = "Ada"\n'
        '    s = semantic_if (q, "who is #{name}?") { "l #{name}" => 1, "Ada" => 2 }\n    print(s)\n}\n'
    )
    outcome = nexa(source, "--trace")
    assert (outcome.code, outcome.out) == (0, "2\n"), outcome.err
    [event] = judged(outcome.err, "classify")
    assert (event["question"], event["labels"]) == ("who is Ada?", ["l #{name}", "Ada"])


def test_semantic_if_expression_with_a_plain_question(nexa) -> None:
    source = 'flow main {\n    s = semantic_if ("Ada", "who?") { "Bob" => 1, "Ada" => 2 }\n    print(s)\n}\n'
    outcome = nexa(source, "--trace")
    assert (outcome.code, outcome.out) == (0, "2\n"), outcome.err
    assert judged(outcome.err, "classify")[0]["question"] == "who?"


def test_intent_labels_are_data(nexa) -> None:
    source = (
        'flow main {\n    name = "Ada"\n'
        '    r = match "is #{name}" { intent("is #{name}") => 1, _ => 2 }\n    print(r)\n}\n'
    )
    outcome = nexa(source, "--trace")
    assert outcome.code == 0, outcome.err
    assert judged(outcome.err, "classify")[0]["labels"] == ["is #{name}"]


def test_loop_until_and_assert_against_interpolate(nexa) -> None:
    source = (
        'flow main {\n    name = "Ada"\n    n = 0\n'
        '    loop { n = n + 1 } until "#{name}"\n'
        '    assert "#{name}" against "Ada Lovelace"\n    print("ok")\n}\n'
    )
    outcome = nexa(source, "--trace")
    assert (outcome.code, outcome.out) == (0, "ok\n"), outcome.err
    conditions = [e["condition"] for e in judged(outcome.err, "judge")]
    assert conditions and all(c == "Ada" for c in conditions)
