"""Semantic types (L§3.8, docs/runtime-decisions.md R23): `type Name = T @ "constraint"`. Where a
value is checked against a declared type at run time, a semantic type's constraint is judged (L§7.4)
once the base type holds, and the type mode decides what an unmet constraint does, as for a wrong
type: `warn` reports E111 and goes on, `strict` raises `TypeViolation`, `forgiving` never judges.

The offline judge answers every semantic-type check with true (stdlib §4.5.4), so an unmet constraint
is produced by replaying a cassette (stdlib §4.6): the program is recorded offline, then the judge's
answers for chosen target texts are turned into false."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TYPES = 'type Summary = str @ "a concise summary"\n'
PARAM = TYPES + 'flow show(s: Summary) { print("shown", s) }\nflow main {\n    show("too long")\n}\n'
LET = TYPES + 'flow main {\n    v = "too long"\n    let t: Summary = v\n    print("kept", t)\n}\n'
RESULT = TYPES + 'flow f(v) -> Summary { return v }\nflow main { print("f is", f("too long")) }\n'
RECEIVE = (
    TYPES + "flow w() {\n    m = receive(): Summary\n    return m\n}\n"
    'flow main {\n    h = spawn w()\n    pass "too long" to h\n    print("got", await h)\n}\n'
)
REFUSED = "too long"
DECLARED = 'Summary = str @ "a concise summary"'
MESSAGE = f"expects Summary, got str not satisfying {DECLARED}"


def events(err: str, kind: str) -> list[dict]:
    """The trace events of one kind written by `--trace`."""
    found = [json.loads(line[len("[trace] ") :]) for line in err.splitlines() if line.startswith("[trace] ")]
    return [e for e in found if e["event"] == kind]


def judge_target(entry: dict) -> str:
    return entry["request"]["messages"][-1]["content"].split("\n\nTarget:\n", 1)[1]


def refusing_cassette(nexa, source: str, *refused: str) -> str:
    """Record `source` offline, then make the judge's answer false for the `refused` target texts:
    the `--replay` option that gives a judge refusing them."""
    recorded = nexa(source, "--record", "judged.jsonl")
    assert recorded.code == 0, recorded.err
    path = Path("judged.jsonl")
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for entry in entries:
        if entry["kind"] == "judge" and judge_target(entry) in refused:
            entry["response"]["matched"] = False
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    return "--replay=judged.jsonl"


@pytest.mark.parametrize("mode", ["warn", "strict"])
def test_a_value_meeting_the_constraint_passes_after_one_judgement(nexa, mode: str) -> None:
    outcome = nexa(PARAM, "--trace", "--type-mode", mode)
    assert (outcome.code, outcome.out) == (0, "shown too long\n")
    assert "E111" not in outcome.err
    [judged] = events(outcome.err, "judge")
    assert (judged["condition"], judged["purpose"], judged["matched"]) == (
        "a concise summary",
        "semantic_type",
        True,
    )


@pytest.mark.parametrize(
    ("source", "place", "out"),
    [
        (PARAM, "parameter 's' of flow 'show'", "shown too long\n"),
        (LET, "let 't'", "kept too long\n"),
        (RESULT, "the result of flow 'f'", "f is too long\n"),
        (RECEIVE, "receive()", "got too long\n"),
    ],
)
def test_warn_mode_reports_an_unmet_constraint_and_goes_on(nexa, source: str, place: str, out: str) -> None:
    replay = refusing_cassette(nexa, source, REFUSED)
    outcome = nexa(source, replay)
    assert (outcome.code, outcome.out) == (0, out), outcome.err
    assert outcome.err.startswith(f"warning[E111]: type violation: {place} {MESSAGE}\n")
    assert outcome.err.count("warning[E111]") == 1


@pytest.mark.parametrize(
    ("source", "place", "line"),
    [
        (PARAM, "parameter 's' of flow 'show'", 4),  # the argument
        (LET, "let 't'", 4),
        (RESULT, "the result of flow 'f'", 2),
        (RECEIVE, "receive()", 3),
    ],
)
def test_strict_mode_raises_type_violation_for_an_unmet_constraint(
    nexa, source: str, place: str, line: int
) -> None:
    replay = refusing_cassette(nexa, source, REFUSED)
    outcome = nexa(source, replay, "--type-mode", "strict")
    assert outcome.code == 1
    assert f"Error: TypeViolation: type violation: {place} {MESSAGE}\n" in outcome.err
    assert f"main.nx:{line}:" in outcome.err
    assert "E111" in outcome.err and "Traceback" not in outcome.err


def test_an_argument_s_unmet_constraint_points_at_the_argument(nexa) -> None:
    replay = refusing_cassette(nexa, PARAM, REFUSED)
    outcome = nexa(PARAM, replay, "--type-mode", "strict")
    assert "main.nx:4:10" in outcome.err, outcome.err


@pytest.mark.parametrize("source", [PARAM, LET, RESULT, RECEIVE])
def test_forgiving_mode_never_calls_the_judge(nexa, source: str) -> None:
    replay = refusing_cassette(nexa, source, REFUSED)
    outcome = nexa(source, replay, "--trace", "--type-mode", "forgiving")
    assert outcome.code == 0
    assert events(outcome.err, "judge") == []
    assert "E111" not in outcome.err


@pytest.mark.parametrize("mode", ["warn", "strict"])
def test_a_wrong_base_type_is_reported_as_before_without_a_judge_call(nexa, mode: str) -> None:
    source = TYPES + 'flow show(s: Summary) { print("shown", s) }\nflow main {\n    v = 3\n    v = v\n'
    source += "    show(v)\n}\n"
    outcome = nexa(source, "--trace", "--type-mode", mode)
    assert "type violation: parameter 's' of flow 'show' expects str, got int" in outcome.err
    assert "not satisfying" not in outcome.err
    assert events(outcome.err, "judge") == []
    assert outcome.code == (0 if mode == "warn" else 1)


def test_none_for_an_optional_semantic_type_is_not_judged(nexa) -> None:
    source = TYPES + 'flow maybe(s: Summary?) { print(s ?? "nothing") }\n'
    source += 'flow main {\n    maybe(none)\n    maybe("a line")\n}\n'
    outcome = nexa(source, "--trace", "--type-mode", "strict")
    assert (outcome.code, outcome.out) == (0, "nothing\na line\n"), outcome.err
    assert len(events(outcome.err, "judge")) == 1  # "a line" only


def test_nested_semantic_types_judge_each_value_once_outer_constraint_first(nexa) -> None:
    source = TYPES + 'type Short = Summary @ "under ten words"\n'
    source += 'flow many(xs: list[Short]) { print(len(xs)) }\nflow main { many(["a", "b", "a"]) }\n'
    outcome = nexa(source, "--trace")
    assert (outcome.code, outcome.out) == (0, "3\n"), outcome.err
    assert [e["condition"] for e in events(outcome.err, "judge")] == [
        "under ten words",
        "a concise summary",
        "under ten words",
        "a concise summary",
    ]


def test_an_unmet_inner_constraint_names_the_inner_type(nexa) -> None:
    source = TYPES + 'type Short = Summary @ "under ten words"\n'
    source += 'flow many(xs: list[Short]) { print(len(xs)) }\nflow main { many(["ok", "too long"]) }\n'
    replay = refusing_cassette(nexa, source, REFUSED)
    outcome = nexa(source, replay)
    assert outcome.out == "2\n"
    assert (
        "warning[E111]: type violation: parameter 'xs' of flow 'many' expects list[Short], "
        'got str not satisfying Short = str @ "under ten words"\n'
    ) in outcome.err


def test_a_union_member_without_a_constraint_needs_no_judge(nexa) -> None:
    source = TYPES + "flow f(v: Summary | int) { print(v) }\nflow g(v: str | Summary) { print(v) }\n"
    source += 'flow main {\n    f(3)\n    g("x")\n    f("y")\n}\n'
    outcome = nexa(source, "--trace", "--type-mode", "strict")
    assert (outcome.code, outcome.out) == (0, "3\nx\ny\n"), outcome.err
    assert len(events(outcome.err, "judge")) == 1  # f("y") only


VERIFY = TYPES + 'flow main {\n    v = "too long"\n    verify v satisfies Summary\n    print("after")\n}\n'


def test_verify_satisfies_judges_the_constraint(nexa) -> None:
    outcome = nexa(VERIFY, "--trace")
    assert (outcome.code, outcome.out) == (0, "after\n")
    assert [e["purpose"] for e in events(outcome.err, "judge")] == ["semantic_type"]
    assert "[verify] FAIL" not in outcome.err


def test_verify_satisfies_fails_on_an_unmet_constraint_per_harness_mode(nexa) -> None:
    replay = refusing_cassette(nexa, VERIFY, REFUSED)
    warned = nexa(VERIFY, replay)
    assert (warned.code, warned.out) == (0, "after\n")
    assert f"[verify] FAIL: v not satisfying {DECLARED}\n" in warned.err
    strict = nexa(VERIFY, replay, "--harness", "strict")
    assert strict.code == 1 and strict.out == ""
    assert f"VerifyError: verify failed: v not satisfying {DECLARED}" in strict.err
    assert "E110" in strict.err


def test_verify_satisfies_in_forgiving_mode_checks_only_the_base_type(nexa) -> None:
    replay = refusing_cassette(nexa, VERIFY, REFUSED)
    outcome = nexa(VERIFY, replay, "--trace", "--type-mode", "forgiving")
    assert (outcome.code, outcome.out) == (0, "after\n")
    assert events(outcome.err, "judge") == [] and "[verify] FAIL" not in outcome.err
    wrong = VERIFY.replace('v = "too long"', "v = 3\n    v = v")
    base = nexa(wrong, "--trace", "--type-mode", "forgiving")
    assert "[verify] FAIL: v\n" in base.err  # as before: the verified text
    assert events(base.err, "judge") == []


REPLY = TYPES + (
    "protocol Report {\n    summary: Summary\n    score: int\n}\n"
    'agent Reporter implements Report {\n    prompt: "Report."\n    retry: 1\n}\n'
    'flow main {\n    r = Reporter.run("go")\n    print(r.summary, r.score)\n}\n'
)


def test_a_protocol_field_of_a_semantic_type_is_judged(nexa) -> None:
    outcome = nexa(REPLY, "--trace")
    assert (outcome.code, outcome.out) == (0, "summary 0\n"), outcome.err  # offline: S§4.5.2
    [judged] = events(outcome.err, "judge")
    assert (judged["condition"], judged["purpose"]) == ("a concise summary", "semantic_type")


def test_an_unmet_constraint_in_a_reply_is_a_protocol_error(nexa) -> None:
    replay = refusing_cassette(nexa, REPLY, "summary")
    outcome = nexa(REPLY, replay)
    assert outcome.code == 1 and outcome.out == ""
    assert (
        "ProtocolError: agent 'Reporter' did not return a valid Report after 1 attempts: "
        "'summary' does not satisfy Summary (\"a concise summary\")"
    ) in outcome.err
    assert "E103" in outcome.err
    forgiving = nexa(REPLY, replay, "--trace", "--type-mode", "forgiving")
    assert (forgiving.code, forgiving.out) == (0, "summary 0\n")
    assert events(forgiving.err, "judge") == []


def test_the_corpus_semantic_types_program_runs_without_judging(nexa) -> None:
    """Declared semantic types that no value is checked against cost no judge call."""
    source = TYPES + 'type Plain = int\nflow main {\n    let n: Plain = 2\n    print("n", n)\n}\n'
    outcome = nexa(source, "--trace", "--type-mode", "strict")
    assert (outcome.code, outcome.out) == (0, "n 2\n")
    assert events(outcome.err, "judge") == []
