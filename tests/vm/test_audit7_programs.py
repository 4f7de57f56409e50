"""Audit 7 (run time of whole programs): realistic programs written from the spec, run with
`nexa run --provider openai` against the fake OpenAI-compatible server (tests/fake_openai.py) or
offline, with their exact output."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from tests.fake_openai import FakeOpenAI, route_nexa_to


@pytest.fixture
def llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """Without a script the server echoes the last user message as `echo: TEXT`."""
    with FakeOpenAI() as fake:
        route_nexa_to(fake, monkeypatch)
        yield fake


def run_online(nexa, source: str, *options: str):
    return nexa(source, "--provider", "openai", *options)


# ---- join runs are ordinary runs: their turns stay in the history (L§7.5.7, L§7.3.2 D71, R31) ----

JOINED = """
agent Scout { model: "openai/m", prompt: "scout" }
agent Market { model: "openai/m", prompt: "market" }
flow shout(t) { return t + "!" }
flow main() {
    Scout.run("hi")
    print(join(Scout, Market).run("topic"))
    print(Scout >> shout)
    print(Scout.run("again"))
}
"""


def test_a_join_run_is_kept_in_the_agent_history_and_is_its_latest_reply(nexa, llm):
    outcome = run_online(nexa, JOINED)
    assert outcome.code == 0, outcome.err
    assert outcome.out == (
        "Output from Scout: echo: topic\nOutput from Market: echo: topic\necho: topic!\necho: again\n"
    )
    last = llm.requests[-1].body["messages"]
    assert [m["content"] for m in last] == ["scout", "hi", "echo: hi", "topic", "echo: topic", "again"]


def test_near_miss_a_fork_branch_still_leaves_the_history_alone(nexa, llm):
    source = JOINED.replace('join(Scout, Market).run("topic")', '"topic" |>> [Scout, Market]')
    outcome = run_online(nexa, source)
    assert outcome.code == 0, outcome.err
    assert outcome.out == '["echo: topic", "echo: topic"]\necho: hi!\necho: again\n'
    last = llm.requests[-1].body["messages"]
    assert [m["content"] for m in last] == ["scout", "hi", "echo: hi", "again"]


# ---- race([]) and a non-list of handlers (S§1.6, decision R32) ----

RACES = """
flow main() {
    handlers = HANDLERS
    try {
        print(race(handlers))
    } catch (e) {
        print(e.kind + " " + e.code + ": " + e.message)
    }
    print(parallel([]))
}
"""


def test_race_of_no_handlers_is_a_runtime_error(nexa):
    outcome = nexa(RACES.replace("HANDLERS", "[]"))
    assert outcome.code == 0, outcome.err
    assert outcome.out == "RuntimeError E100: race() needs at least one handler\n[]\n"


def test_race_and_parallel_of_a_non_list_are_e302_not_an_internal_failure(nexa):
    outcome = nexa(RACES.replace("HANDLERS", "5"))
    assert outcome.code == 0, outcome.err
    assert outcome.out.startswith(
        "ToolError E302: invalid arguments for 'race': 'handlers' must be an array, found an integer\n"
    )
    outcome = nexa("flow main() {\n    h = {}\n    parallel(h)\n}\n")
    assert outcome.code == 1
    assert "Error: ToolError: invalid arguments for 'parallel': 'handlers' must be an array" in outcome.err


def test_near_miss_race_still_returns_the_first_success(nexa):
    outcome = nexa(RACES.replace("HANDLERS", '[fn() { raise Slow("no") }, fn() { "won" }]'))
    assert outcome.out == "won\n[]\n"


# ---- a number or bool for a `str` protocol field is a validation problem (L§7.3.3, R33) ----

CONTACT = """
protocol Contact { name: str, zip: str, tags: list[str], age: int, vip: bool }
agent Reader implements Contact { model: "openai/m", prompt: "extract", retry: 2, retry_delay: 0 }
flow main() {
    try {
        c = Reader.run("card")
        print(c)
    } catch (ProtocolError e) {
        print(e.code + ": " + e.message)
    }
}
"""


def answer(llm: FakeOpenAI, *texts: str) -> None:
    for text in texts:
        llm.answer_json(llm.completion(text))


def test_a_number_for_a_str_field_gets_a_correction_round(nexa, llm):
    answer(
        llm,
        '{"name": "Ada", "zip": 12345, "tags": ["a"], "age": 3, "vip": true}',
        '{"name": "Ada", "zip": "12345", "tags": ["a"], "age": 3, "vip": true}',
    )
    outcome = run_online(nexa, CONTACT)
    assert outcome.code == 0, outcome.err
    assert outcome.out == '{"name": "Ada", "zip": "12345", "tags": ["a"], "age": 3, "vip": true}\n'
    assert len(llm.requests) == 2
    correction = llm.requests[1].body["messages"][-1]["content"]
    assert "'zip' should be str, got 12345" in correction


def test_numbers_and_bools_for_str_fields_end_in_e103(nexa, llm):
    bad = '{"name": true, "zip": "1", "tags": [1, "b"], "age": 3, "vip": false}'
    answer(llm, bad, bad)
    outcome = run_online(nexa, CONTACT)
    assert outcome.out == (
        "E103: agent 'Reader' did not return a valid Contact after 2 attempts: "
        "'name' should be str, got true; 'tags' should be str, got 1\n"
    )


def test_near_miss_numeric_and_boolean_strings_are_still_coerced(nexa, llm):
    answer(llm, '{"name": "Bo", "zip": "0", "tags": [], "age": "41", "vip": "false"}')
    outcome = run_online(nexa, CONTACT)
    assert outcome.out == '{"name": "Bo", "zip": "0", "tags": [], "age": 41, "vip": false}\n'
    assert len(llm.requests) == 1


# ---- `log_level` is the minimum level of an agent's trace records (S§3.1, R34) ----

LEVELS = """
protocol Score { value: int }
agent Quiet implements Score { model: "openai/m", prompt: "score", retry: 2, retry_delay: 0, LEVEL }
agent Loud { model: "openai/m", prompt: "talk" }
flow main() {
    print(Loud.run("hi"))
    try {
        print(Quiet.run("x"))
    } catch (ProtocolError e) {
        print(e.code)
    }
}
"""


def traced(nexa, tmp_path, source: str) -> list[tuple[str, str, str]]:
    outcome = run_online(nexa, source, "--trace", str(tmp_path / "t.json"))
    assert outcome.code == 0, outcome.err
    events = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    return [(e["event"], e.get("agent", ""), e.get("level", "")) for e in events if "agent" in e]


def test_log_level_error_keeps_only_the_failure_of_that_agent(nexa, llm, tmp_path):
    answer(llm, "hello", "prose", "more prose")
    records = traced(nexa, tmp_path, LEVELS.replace("LEVEL", 'log_level: "error"'))
    assert records == [("agent_run", "Loud", "info"), ("agent_error", "Quiet", "error")]


def test_log_level_debug_adds_the_run_starts(nexa, llm, tmp_path):
    answer(llm, "hello", "prose", '{"value": "3"}')
    records = traced(nexa, tmp_path, LEVELS.replace("LEVEL", 'log_level: "debug"'))
    assert records == [
        ("agent_run", "Loud", "info"),
        ("agent_start", "Quiet", "debug"),
        ("agent_run", "Quiet", "info"),
        ("protocol_retry", "Quiet", "warning"),
        ("agent_run", "Quiet", "info"),
    ]


def test_near_miss_the_default_level_is_info(nexa, llm, tmp_path):
    answer(llm, "hello", "prose", "more prose")
    records = traced(nexa, tmp_path, LEVELS.replace(", LEVEL", ""))
    assert records == [
        ("agent_run", "Loud", "info"),
        ("agent_run", "Quiet", "info"),
        ("protocol_retry", "Quiet", "warning"),
        ("agent_run", "Quiet", "info"),
        ("agent_error", "Quiet", "error"),
    ]


# ---- `nexa test`: the summary line ends the runner's report, before shutdown (L§7.12, L§7.2) ----

TESTED = """
print("top-level runs")
defer print("top defer")
flow double(n: int) -> int { return n * 2 }
test "doubles" { assert double(2) == 4 }
test "wrong" { assert double(2) == 5 }
test "raises" { raise QuotaExceeded("over") }
"""


def test_the_test_summary_comes_before_the_top_level_defers(nexa):
    outcome = nexa(TESTED, command="test")
    assert outcome.code == 1
    assert outcome.out == (
        "top-level runs\n[PASS] doubles\n[FAIL] wrong: assertion failed: double(2) == 5\n"
        "[ERROR] raises: QuotaExceeded: over\n1 passed, 2 failed\ntop defer\n"
    )


def test_near_miss_nexa_run_still_runs_top_level_defers_at_the_end(nexa):
    outcome = nexa(TESTED + 'flow main() { print("main") }\n')
    assert outcome.code == 0, outcome.err
    assert outcome.out == "top-level runs\nmain\ntop defer\n"


# ---- a streaming agent whose server answers one JSON completion instead of events ----

STREAMING = """
agent Streamer { model: "openai/m", prompt: "stream", stream: true }
flow main() {
    s = Streamer.run("tokens")
    print("returned: " + s)
}
"""


def test_a_json_answer_to_a_streaming_request_is_the_whole_reply(nexa, llm):
    answer(llm, "all at once")
    outcome = run_online(nexa, STREAMING)
    assert outcome.code == 0, outcome.err
    assert outcome.out == "all at once\nreturned: all at once\n"
    assert llm.requests[0].body["stream"] is True


def test_near_miss_server_sent_events_still_stream(nexa, llm):
    llm.answer_sse([llm.text_delta("to"), llm.text_delta("kens")])
    outcome = run_online(nexa, STREAMING)
    assert outcome.out == "tokens\nreturned: tokens\n"


def test_a_json_answer_that_is_no_completion_is_e102(nexa, llm):
    llm.answer_json({"unexpected": True})
    outcome = run_online(nexa, STREAMING.replace("stream: true", "stream: true, retry: 1"))
    assert outcome.code == 1
    assert "model call failed for agent 'Streamer' on 'openai/m'" in outcome.err
    assert "= code E102" in outcome.err


# ---- `output_format: "json"` returns a dict or a list; a JSON scalar is a validation problem (R35) ----

JSONER = """
agent J { model: "openai/m", prompt: "j", output_format: "json", retry: 2, retry_delay: 0 }
flow main() {
    try {
        print(J.run("q"))
    } catch (ProtocolError e) {
        print(e.code + ": " + e.message)
    }
}
"""


def test_a_json_scalar_reply_gets_a_correction_round(nexa, llm):
    answer(llm, '"just a string"', '{"answer": 42}')
    outcome = run_online(nexa, JSONER)
    assert outcome.code == 0, outcome.err
    assert outcome.out == '{"answer": 42}\n'
    assert "the reply is not a JSON object" in llm.requests[1].body["messages"][-1]["content"]


def test_json_scalar_replies_end_in_e103(nexa, llm):
    answer(llm, "42", "null")
    outcome = run_online(nexa, JSONER)
    assert outcome.out == (
        "E103: agent 'J' did not return a valid JSON reply after 2 attempts: the reply is not a JSON object\n"
    )


def test_near_miss_a_json_list_reply_is_still_returned(nexa, llm):
    answer(llm, '[1, {"a": null}]')
    outcome = run_online(nexa, JSONER)
    assert outcome.out == '[1, {"a": null}]\n'


# ---- exit() in a task, timer, actor or `||` branch ends the program at once (S§1.1, L§6.5.1) ----


@pytest.mark.parametrize(
    ("starter", "code"),
    [
        ("t = spawn(fn() { sleep_ms(10); exit(4) })", 4),
        ('after("10ms", fn() { exit(7) })', 7),
        ('"x" || [quitter]', 6),
        ("h = spawn worker()\n    pass 9 to h", 9),
    ],
)
def test_exit_outside_the_entry_flow_ends_the_program(nexa, starter: str, code: int):
    source = f"""
defer print("top defer")
flow quitter(x) {{ exit(6) }}
flow worker() {{ exit(receive()) }}
flow main() {{
    defer print("main defer")
    {starter}
    sleep_ms(2000)
    print("not reached")
}}
"""
    outcome = nexa(source)
    assert (outcome.code, outcome.out) == (code, "")
    assert "a spawned task failed" not in outcome.err and "RuntimeWarning" not in outcome.err


def test_exit_in_main_stops_running_tasks_instead_of_waiting(nexa):
    outcome = nexa('flow main() {\n    t = spawn(fn() { sleep_ms(3000); print("late") })\n    exit(2)\n}\n')
    assert (outcome.code, outcome.out) == (2, "")


def test_exit_in_a_task_ends_a_test_run(nexa):
    source = 'test "a" {\n    t = spawn(fn() { exit(5) })\n    sleep_ms(2000)\n}\ntest "b" { assert true }\n'
    outcome = nexa(source, command="test")
    assert (outcome.code, outcome.out) == (5, "")


def test_near_miss_a_failing_task_still_lets_the_program_finish(nexa):
    source = """
flow main() {
    defer print("main defer")
    t = spawn(fn() { raise Oops("no") })
    sleep_ms(20)
    print("reached")
}
"""
    outcome = nexa(source)
    assert (outcome.code, outcome.out) == (0, "reached\nmain defer\n")
    assert "warning: a spawned task failed and was never awaited: Oops: no" in outcome.err


# ---- an uncaught run-time error and run-time warnings reach the trace with the diagnostic fields ----


def test_an_uncaught_error_is_the_last_trace_record(nexa, tmp_path):
    source = "flow main() {\n    xs = [1]\n    print(xs[3])\n}\n"
    outcome = nexa(source, "--trace", str(tmp_path / "t.json"))
    assert outcome.code == 1
    (event,) = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    del event["time"]
    assert event == {
        "event": "error",
        "error_kind": "RuntimeError",
        "filename": "main.nx",
        "code": "E100",
        "name": "runtime-error",
        "severity": "error",
        "message": "list index 3 is out of range for a list of 1",
        "location": {"row": 3, "column": 11},
    }


def test_near_miss_a_caught_error_and_a_warning(nexa, tmp_path):
    source = """
flow area(side: float) -> float { return 1.0 }
flow main() {
    v = std.json.json_parse("\\"x\\"")
    area(v)
    try { print([1][3]) } catch (e) { print("caught") }
}
"""
    outcome = nexa(source, "--trace", str(tmp_path / "t.json"))
    assert outcome.code == 0, outcome.err
    events = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert [(e["event"], e.get("code"), e.get("location")) for e in events if e["event"] != "std_call"] == [
        ("warning", "E111", {"row": 5, "column": 10})
    ]
