"""`--record` / `--replay` cassettes (stdlib §4.6): a replay answers exactly as the recording did,
without any server."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from nexa_avm.providers import (
    Classification,
    ConditionCheck,
    JudgePurpose,
    Label,
    Message,
    ModelRequest,
    OpenAIProvider,
    ProviderError,
    RecordingProvider,
    ReplayingProvider,
    RetryPolicy,
    SummaryRequest,
    ToolSpec,
    open_provider,
)
from nexa_avm.providers.endpoints import Endpoint

KEY = "sk-record-0123456789"


def request(text: str, **options: object) -> ModelRequest:
    return ModelRequest("openai/gpt-4o-mini", (Message.user(text),), agent="Writer", **options)  # type: ignore[arg-type]


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


async def test_replay_gives_identical_results_without_the_server(fake_openai, tmp_path: Path) -> None:
    cassette = tmp_path / "run.jsonl"
    call = {"id": "c1", "type": "function", "function": {"name": "calc", "arguments": '{"x": 2}'}}
    fake_openai.answer_json(fake_openai.completion("plain answer"))
    fake_openai.answer_json(fake_openai.completion(None, tool_calls=[call]))
    fake_openai.answer_sse([fake_openai.text_delta(p) for p in ["流", "式", " reply"]])
    fake_openai.answer_json(fake_openai.completion('{"matched": true, "confidence": 0.75}'))
    fake_openai.answer_json(fake_openai.completion('{"label": "Support"}'))

    recorder = RecordingProvider(OpenAIProvider(Endpoint("openai", fake_openai.base_url, KEY)), cassette)
    check = ConditionCheck("is it urgent", "server down!", JudgePurpose.SEMANTIC_IF, "gpt-4o-mini")
    labels = Classification((Label("Billing"), Label("Support")), "it crashes", "gpt-4o-mini")
    recorded_stream = recorder.stream(request("stream please"))
    recorded = [
        await recorder.complete(request("hello")),
        await recorder.complete(request("add", tools=(ToolSpec("calc"),))),
        [chunk async for chunk in recorded_stream],
        recorded_stream.reply,
        await recorder.check(check),
        await recorder.classify(labels),
    ]
    fake_openai.server.shutdown()
    fake_openai.server.server_close()
    served = len(fake_openai.requests)

    replayer = ReplayingProvider(cassette)
    replayed_stream = replayer.stream(request("stream please"))
    replayed = [
        await replayer.complete(request("hello")),
        await replayer.complete(request("add", tools=(ToolSpec("calc"),))),
        [chunk async for chunk in replayed_stream],
        replayed_stream.reply,
        await replayer.check(check),
        await replayer.classify(labels),
    ]
    assert replayed == recorded
    assert recorded[2] == ["流", "式", " reply"]
    assert recorded[1].tool_calls[0].arguments == '{"x": 2}'
    assert len(fake_openai.requests) == served


async def test_each_line_holds_key_provider_model_request_and_response(fake_openai, tmp_path: Path) -> None:
    cassette = tmp_path / "run.jsonl"
    recorder = RecordingProvider(OpenAIProvider(Endpoint("openai", fake_openai.base_url)), cassette)
    await recorder.complete(request("hi", temperature=0.5))
    (entry,) = lines(cassette)
    assert {"key", "provider", "model", "request", "response"} <= set(entry)
    assert (entry["provider"], entry["model"]) == ("openai", "openai/gpt-4o-mini")
    assert set(entry["request"]) == {"model", "messages", "tools", "params"}
    assert entry["request"]["params"] == {"agent": "Writer", "temperature": 0.5}
    canonical = json.dumps(entry["request"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert entry["key"] == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert entry["response"]["text"] == "echo: hi"


async def test_a_request_missing_from_the_cassette_is_e102(fake_openai, tmp_path: Path) -> None:
    cassette = tmp_path / "run.jsonl"
    recorder = RecordingProvider(OpenAIProvider(Endpoint("openai", fake_openai.base_url)), cassette)
    await recorder.complete(request("hello"))
    replayer = ReplayingProvider(cassette)
    with pytest.raises(ProviderError) as caught:
        await replayer.complete(request("hello, but different"))
    assert caught.value.code == "E102"
    assert caught.value.describe_for("Writer").startswith(
        "model call failed for agent 'Writer' on 'openai/gpt-4o-mini': no cassette entry for this request"
    )


async def test_a_changed_setting_is_a_different_request(fake_openai, tmp_path: Path) -> None:
    cassette = tmp_path / "run.jsonl"
    recorder = RecordingProvider(OpenAIProvider(Endpoint("openai", fake_openai.base_url)), cassette)
    await recorder.complete(request("hello", temperature=0.0))
    with pytest.raises(ProviderError):
        await ReplayingProvider(cassette).complete(request("hello", temperature=1.0))


async def test_failures_are_recorded_and_replayed(fake_openai, tmp_path: Path, sleep_log) -> None:
    cassette = tmp_path / "run.jsonl"
    for _ in range(2):
        fake_openai.answer_json({"error": {"message": "overloaded"}}, status=503)
    provider = OpenAIProvider(Endpoint("openai", fake_openai.base_url), sleep=sleep_log)
    with pytest.raises(ProviderError) as recorded:
        await RecordingProvider(provider, cassette).complete(request("x", retry=RetryPolicy(2, 0)))
    with pytest.raises(ProviderError) as replayed:
        await ReplayingProvider(cassette).complete(request("x", retry=RetryPolicy(2, 0)))
    for attribute in ("code", "message", "reason", "status", "attempts", "provider", "model"):
        assert getattr(replayed.value, attribute) == getattr(recorded.value, attribute)


async def test_the_api_key_never_reaches_the_cassette(fake_openai, tmp_path: Path) -> None:
    cassette = tmp_path / "run.jsonl"
    fake_openai.answer_json({"error": {"message": f"key {KEY} is bad"}}, status=400)
    recorder = RecordingProvider(OpenAIProvider(Endpoint("openai", fake_openai.base_url, KEY)), cassette)
    with pytest.raises(ProviderError):
        await recorder.complete(request("x"))
    await recorder.complete(request("y"))
    assert KEY not in cassette.read_text(encoding="utf-8")


async def test_repeated_identical_requests_replay_in_recorded_order(fake_openai, tmp_path: Path) -> None:
    cassette = tmp_path / "run.jsonl"
    fake_openai.answer_json(fake_openai.completion("first"))
    fake_openai.answer_json(fake_openai.completion("second"))
    recorder = RecordingProvider(OpenAIProvider(Endpoint("openai", fake_openai.base_url)), cassette)
    await recorder.complete(request("same"))
    await recorder.complete(request("same"))
    replayer = ReplayingProvider(cassette)
    texts = [(await replayer.complete(request("same"))).text for _ in range(3)]
    assert texts == ["first", "second", "second"]  # the last one repeats once the others are used


async def test_offline_runs_record_and_replay_through_open_provider(tmp_path: Path) -> None:
    cassette = tmp_path / "offline.jsonl"
    recorder = open_provider("offline", default_model="offline", environ={}, record=cassette)
    check = ConditionCheck("refund", "a refund please", JudgePurpose.SEMANTIC_IF, "offline")
    summary = SummaryRequest((Message.user("one"), Message.assistant("two")), "offline")
    ask = ModelRequest("", (Message.user("Write  a\npoem"),), agent="Writer")
    recorded = [await recorder.complete(ask), await recorder.check(check), await recorder.summarize(summary)]

    replayer = open_provider("offline", default_model="offline", environ={}, replay=cassette)
    replayed = [await replayer.complete(ask), await replayer.check(check), await replayer.summarize(summary)]
    assert replayed == recorded
    assert recorded[0].text == "[Writer] Write a poem"
    assert [entry["provider"] for entry in lines(cassette)] == ["offline"] * 3


async def test_effects_are_recorded_and_returned_on_replay(tmp_path: Path) -> None:
    cassette = tmp_path / "effects.jsonl"
    recorder = open_provider("offline", default_model="offline", environ={}, record=cassette)
    values = iter([1700000000.5, 1700000001.25])
    first = await recorder.effects.run("main.nx:3:9", lambda: next(values))
    second = await recorder.effects.run("main.nx:3:9", lambda: next(values))

    replayer = open_provider("offline", default_model="offline", environ={}, replay=cassette)

    def must_not_run() -> float:
        raise AssertionError("a replayed effect is not executed")

    assert [
        await replayer.effects.run("main.nx:3:9", must_not_run),
        await replayer.effects.run("main.nx:3:9", must_not_run),
    ] == [first, second]
    assert [entry["kind"] for entry in lines(cassette)] == ["effect", "effect"]


async def test_an_effect_missing_from_the_cassette_is_an_error(tmp_path: Path) -> None:
    cassette = tmp_path / "empty.jsonl"
    cassette.write_text("", encoding="utf-8")
    with pytest.raises(ProviderError) as caught:
        await ReplayingProvider(cassette).effects.run("main.nx:1:1", lambda: 4)
    assert caught.value.code == "E100"


async def test_recording_appends_to_an_existing_cassette(tmp_path: Path) -> None:
    cassette = tmp_path / "run.jsonl"
    for text in ["one", "two"]:
        recorder = open_provider("offline", default_model="offline", environ={}, record=cassette)
        await recorder.complete(ModelRequest("offline", (Message.user(text),), agent="A"))
    assert [entry["response"]["text"] for entry in lines(cassette)] == ["[A] one", "[A] two"]


def test_a_missing_cassette_is_e202(tmp_path: Path) -> None:
    with pytest.raises(ProviderError) as caught:
        ReplayingProvider(tmp_path / "nope.jsonl")
    assert caught.value.code == "E202"
    assert caught.value.message.startswith("invalid configuration value for '--replay': cannot read")


def test_a_line_that_is_not_an_entry_is_e202(tmp_path: Path) -> None:
    cassette = tmp_path / "bad.jsonl"
    cassette.write_text('{"key": "k", "response": {}}\nnot json\n', encoding="utf-8")
    with pytest.raises(ProviderError) as caught:
        ReplayingProvider(cassette)
    assert caught.value.message.endswith(f"line 2 of '{cassette}' is not a cassette entry")


def test_record_and_replay_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ProviderError) as caught:
        open_provider(
            "offline", default_model="offline", environ={}, record=tmp_path / "a", replay=tmp_path / "b"
        )
    assert caught.value.code == "E202"
