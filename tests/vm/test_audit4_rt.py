"""Audit 4 (agent run time and harness primitives): `nexa run --provider openai` against a real
OpenAI-compatible HTTP server on 127.0.0.1 whose answers each test scripts (no mocks)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from tests.fake_openai import FakeOpenAI, Reply, Responder, completion, route_nexa_to


def tool_call(number: int, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"call{number}",
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(arguments)},
    }


class FakeLLM(FakeOpenAI):
    """Answers with `respond(body)` when it returns something, else echoes the last user message.

    Judge requests (L§7.4) are answered by rule: a condition holds when it contains "YES"; a
    classification picks the first label whose name occurs in the target."""

    def agent_requests(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests if not _is_judge(r.body)]

    def reply(self, body: dict[str, Any]) -> Reply | None:
        return self.respond(body) or judged(body)


def judged(body: dict[str, Any]) -> Reply | None:
    messages = body["messages"]
    system = messages[0]["content"] if messages and messages[0]["role"] == "system" else ""
    user = messages[-1]["content"] if isinstance(messages[-1]["content"], str) else ""
    if system.startswith("You are a strict judge"):
        condition = user.split("\n\nTarget:")[0]
        return 200, completion(json.dumps({"matched": "YES" in condition, "confidence": 1}))
    if system.startswith("You are a strict classifier"):
        labels_part, target = user.split("Target:\n", 1)
        for label in re.findall(r"^- ([^:\n]+)", labels_part, re.MULTILINE):
            if label.lower() in target.lower():
                return 200, completion(json.dumps({"label": label}))
        return 200, completion(json.dumps({"label": None}))
    return None


def _is_judge(body: dict[str, Any]) -> bool:
    first = body["messages"][0]
    return first["role"] == "system" and str(first["content"]).startswith("You are a strict")


@pytest.fixture
def llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLM]:
    with FakeLLM() as fake:
        route_nexa_to(fake, monkeypatch)
        yield fake


def run_online(nexa, source: str, *options: str):
    return nexa(source, "--provider", "openai", *options)


def texts(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(m["role"], m.get("content") or "") for m in body["messages"]]


# ---- finding 1: the E301/E303 code names (S§0.4 error texts, the run-time report) ----

TOOLER = """
@tool("double a number")
fn dbl(n: int) -> int { return n * 2 }
agent T { prompt: "use tools" }
flow main() { print(T.run("go")) }
"""


def calling(name: str, arguments: dict[str, Any]) -> Responder:
    def respond(body: dict[str, Any]) -> Reply | None:
        if _is_judge(body):
            return None
        if body["messages"][-1]["role"] == "tool":
            return 200, completion("result: " + body["messages"][-1]["content"])
        return 200, completion(None, tool_calls=[tool_call(1, name, arguments)])

    return respond


def test_an_unknown_tool_asked_by_the_model_gets_the_e303_name(nexa, llm):
    llm.respond = calling("nosuch", {})
    outcome = run_online(nexa, TOOLER)
    assert outcome.code == 0, outcome.err
    assert (
        outcome.out == "result: Error: E303 std-function-not-found: nosuch: no tool of this name is offered\n"
    )


def test_near_miss_invalid_arguments_keep_the_e302_name(nexa, llm):
    llm.respond = calling("dbl", {"n": "x"})
    outcome = run_online(nexa, TOOLER)
    assert outcome.out.startswith("result: Error: E302 invalid-tool-arguments: invalid arguments for 'dbl'")


def test_an_uncaught_e303_names_its_code_in_the_report(nexa):
    outcome = nexa('flow main() {\n    n = std.json\n    print(n.nosuch("x"))\n}\n')
    assert outcome.code == 1
    assert "= code E303 (std-function-not-found)" in outcome.err


# ---- finding 2: a `reflect` note reaches the next agent run only (L§7.10.7, L§7.3.2 step 4) ----

REFLECTING = """
agent A { prompt: "answer" }
flow main() {
    A.run("one")
    reflect "check the units"
    A.run("two")
    A.run("three")
}
"""


def test_a_reflect_note_is_sent_with_the_next_run_and_not_kept_in_the_history(nexa, llm):
    outcome = run_online(nexa, REFLECTING)
    assert outcome.code == 0, outcome.err
    first, second, third = llm.agent_requests()
    assert texts(second) == [
        ("system", "answer"),
        ("user", "one"),
        ("assistant", "echo: one"),
        ("system", "check the units"),
        ("user", "two"),
    ]
    assert ("system", "check the units") not in texts(third)
    assert texts(third)[-3:] == [("user", "two"), ("assistant", "echo: two"), ("user", "three")]


def test_near_miss_without_reflect_the_history_grows_turn_by_turn(nexa, llm):
    outcome = run_online(nexa, REFLECTING.replace('reflect "check the units"', ""))
    assert outcome.code == 0, outcome.err
    assert texts(llm.agent_requests()[2]) == [
        ("system", "answer"),
        ("user", "one"),
        ("assistant", "echo: one"),
        ("user", "two"),
        ("assistant", "echo: two"),
        ("user", "three"),
    ]


# ---- finding 3: E404 for a consensus whose voters fail or run out of time (diagnostics.md E404) ----

VOTERS = """
agent Bad { model: "openai/broken", retry: 1, prompt: "b" }
agent Slow { model: "openai/slow", timeout: 20, retry: 1, prompt: "s" }
agent Good { prompt: "g" }
agent Good2 { prompt: "g2" }
agent Chair { prompt: "c" }
flow main() {
    try { print(EXPR) } catch (e) { print(e.kind, e.code, e.message) }
}
"""


@pytest.fixture
def voters(llm: FakeLLM) -> FakeLLM:
    def respond(body: dict[str, Any]) -> Reply | None:
        if body["model"] == "broken":
            return 400, {"error": {"message": "bad request"}}
        if body["model"] == "slow":
            llm.release.wait(3)
        return None

    llm.respond = respond
    return llm


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (
            '"q" && [Bad, Bad, Good]',
            "TimeoutError E404 consensus did not finish: 1 of 3 voters replied within 1 s",
        ),
        (
            '"q" |>> [Bad, Bad, Good] && Chair',
            "TimeoutError E404 consensus did not finish: 1 of 3 voters replied within 1 s",
        ),
        (
            '"q" |>> [Slow, Good, Good2] && Chair',
            "TimeoutError E404 consensus did not finish: 2 of 3 voters replied within 1 s",
        ),
    ],
)
def test_a_consensus_with_too_few_voters_in_time_is_e404(nexa, voters, tmp_path, expression, expected):
    (tmp_path / "nexa.toml").write_text("[runtime]\nconsensus_timeout = 1\n", encoding="utf-8")
    outcome = run_online(nexa, VOTERS.replace("EXPR", expression))
    assert outcome.code == 0, outcome.err
    assert outcome.out == expected + "\n"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # half of the voters replied: a failed voter only counts as missing
        ('"q" && [Bad, Good]', "echo: q"),
        (
            '"q" |>> [Bad, Good] && Chair',
            "echo: Reach one consensus answer from the following 1 responses:\n\necho: q",
        ),
        # near miss: every voter replies, the judge gets all of them
        (
            '"q" |>> [Good, Good2] && Chair',
            "echo: Reach one consensus answer from the following 2 responses:\n\necho: q\n---\necho: q",
        ),
        # near miss: a fork alone still raises its first failure (D58)
        (
            '"q" |>> [Bad, Good]',
            "AgentError E102 model call failed for agent 'Bad' on 'openai/broken': HTTP 400: bad request",
        ),
    ],
)
def test_near_miss_enough_voters_reach_a_consensus(nexa, voters, expression, expected):
    outcome = run_online(nexa, VOTERS.replace("EXPR", expression))
    assert outcome.code == 0, outcome.err
    assert outcome.out == expected + "\n"


# ---- finding 4: a model's tool call is found, then validated, then approved, then run (S§5.5 step 3) ----

APPROVAL = """
@tool("add two numbers", requires_approval: true)
fn add(a: int, b: int) -> int { return a + b }
agent T { prompt: "use tools" }
flow main() {
    before_tool(add) { print("before add") }
    print(T.run("go"))
}
"""


def calling_raw(name: str, arguments: str) -> Responder:
    def respond(body: dict[str, Any]) -> Reply | None:
        if body["messages"][-1]["role"] == "tool":
            return 200, completion("result: " + body["messages"][-1]["content"])
        call = {"id": "call1", "type": "function", "function": {"name": name, "arguments": arguments}}
        return 200, completion(None, tool_calls=[call])

    return respond


def test_invalid_arguments_are_refused_before_approval_is_asked(nexa, llm):
    llm.respond = calling_raw("add", '{"a": "one", "b": 2}')
    outcome = run_online(nexa, APPROVAL)
    assert outcome.out == (
        "result: Error: E302 invalid-tool-arguments: invalid arguments for 'add': "
        "'a' must be an integer, found a string\n"
    )


def test_an_unknown_tool_is_e303_even_with_unreadable_arguments(nexa, llm):
    llm.respond = calling_raw("nosuch", "{not json")
    outcome = run_online(nexa, APPROVAL)
    assert outcome.out.startswith("result: Error: E303 std-function-not-found: nosuch:")


def test_near_miss_valid_arguments_still_need_approval_and_run_when_approved(nexa, llm):
    llm.respond = calling_raw("add", '{"a": 1, "b": 2}')
    refused = run_online(nexa, APPROVAL)
    assert refused.out.startswith("result: Error: E402 permission-denied: add denied")
    approved = run_online(nexa, APPROVAL, "--approve-all")
    assert approved.out == "before add\nresult: 3\n"


# ---- finding 5: failed requests and validation rounds share the `retry` attempts (L§7.3.6, S§3.1) ----

FLAKY = """
protocol P { name: "string" }
agent F implements P { model: "openai/flaky", retry: RETRY, retry_delay: 0, prompt: "x" }
flow main() {
    try { print(F.run("a")) } catch (e) { print(e.kind, e.code, e.message) }
}
"""


def flaky_then(*texts_after: str) -> Responder:
    """The first request fails with HTTP 500, the later ones answer the given texts in turn."""
    answers = iter(texts_after)

    def respond(body: dict[str, Any]) -> Reply | None:
        if body["model"] != "flaky":
            return None
        if not any(r["model"] == "flaky" for r in llm_requests(body)[:-1]):
            return 500, {"error": {"message": "transient"}}
        return 200, completion(next(answers, "not json"))

    return respond


def llm_requests(body: dict[str, Any]) -> list[dict[str, Any]]:
    return body["_seen"]


@pytest.fixture
def seen(llm: FakeLLM) -> FakeLLM:
    """Lets a responder see the requests before the current one (`body["_seen"]`)."""
    original = llm.reply

    def reply(body: dict[str, Any]) -> Reply | None:
        body["_seen"] = [r.body for r in llm.requests]
        return original(body)

    llm.reply = reply  # type: ignore[method-assign]
    return llm


def test_a_failed_request_counts_against_the_validation_attempts(nexa, seen):
    seen.respond = flaky_then("not json")
    outcome = run_online(nexa, FLAKY.replace("RETRY", "2"))
    assert outcome.out == (
        "ProtocolError E103 agent 'F' did not return a valid P after 2 attempts: the reply is not JSON\n"
    )
    assert len(seen.requests) == 2


def test_near_miss_a_third_attempt_is_made_with_retry_3_and_a_valid_reply_is_kept(nexa, seen):
    seen.respond = flaky_then("not json", '{"name": "ok"}')
    outcome = run_online(nexa, FLAKY.replace("RETRY", "3"))
    assert outcome.out == '{"name": "ok"}\n'
    assert len(seen.requests) == 3


# ---- finding 6: `logging: true` puts the full request and reply in the trace; tool calls keep
# their arguments and full result text (L§7.3.8, S§3.1, S§5.5 f, S§5.7) ----

LOGGING = """
@tool("double a number")
fn dbl(n: int) -> int { return n * 2 }
agent L { logging: true, prompt: "p" }
agent N { prompt: "p" }
flow main() {
    L.run("logged input")
    N.run("quiet input\\n@call dbl {\\"n\\": 4}")
}
"""


def trace_events(nexa, tmp_path, source: str) -> list[dict[str, Any]]:
    outcome = nexa(source, "--trace", "trace.json")
    assert outcome.code == 0, outcome.err
    return json.loads((tmp_path / "trace.json").read_text(encoding="utf-8"))


def test_a_logging_agent_records_its_request_and_reply_texts(nexa, tmp_path):
    runs = [e for e in trace_events(nexa, tmp_path, LOGGING) if e["event"] == "agent_run"]
    logged = runs[0]
    assert logged["agent"] == "L"
    assert logged["request"] == [
        {"role": "system", "content": "p"},
        {"role": "user", "content": "logged input"},
    ]
    assert logged["reply"] == "[L] logged input"


def test_near_miss_other_agents_record_sizes_and_their_tool_calls(nexa, tmp_path):
    events = trace_events(nexa, tmp_path, LOGGING)
    quiet = [e for e in events if e["event"] == "agent_run" and e["agent"] == "N"]
    assert all("request" not in e and "reply" not in e for e in quiet)
    assert quiet[0]["input_chars"] == len('quiet input\n@call dbl {"n": 4}')
    assert quiet[0]["calls"] == [{"name": "dbl", "arguments": '{"n": 4}'}]
    (result,) = [e for e in events if e["event"] == "tool_result"]
    assert (result["tool"], result["arguments"], result["text"]) == ("dbl", {"n": 4}, "8")
