"""The OpenAI-compatible provider against a real HTTP server on 127.0.0.1 (tests/providers/conftest.py)."""

from __future__ import annotations

import socket
import time

import pytest

from nexa_avm.providers import (
    Classification,
    ConditionCheck,
    JudgePurpose,
    Label,
    Message,
    ModelRequest,
    ModelRouter,
    OpenAIProvider,
    ProviderError,
    ResponseFormat,
    RetryPolicy,
    ToolCall,
    ToolSpec,
)
from nexa_avm.providers.endpoints import Endpoint

WEATHER = ToolSpec(
    "weather",
    "Look up a city's weather",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def provider_for(fake, *, key: str | None = None, sleep=None) -> OpenAIProvider:
    endpoint = Endpoint("openai", fake.base_url, key)
    return OpenAIProvider(endpoint, sleep=sleep) if sleep else OpenAIProvider(endpoint)


def ask(text: str = "hi", **options: object) -> ModelRequest:
    options.setdefault("model", "openai/gpt-4o-mini")
    return ModelRequest(messages=(Message.system("Be brief."), Message.user(text)), **options)  # type: ignore[arg-type]


# ---- plain completion ----


async def test_completion_returns_text_usage_and_model(fake_openai) -> None:
    fake_openai.answer_json(fake_openai.completion("Hello there", model="gpt-4o-mini-2024"))
    reply = await provider_for(fake_openai).complete(ask())
    assert reply.text == "Hello there"
    assert reply.tool_calls == ()
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens, reply.usage.total_tokens) == (7, 3, 10)
    assert (reply.model, reply.provider, reply.finish_reason, reply.attempts) == (
        "gpt-4o-mini-2024",
        "openai",
        "stop",
        1,
    )


async def test_request_body_carries_the_wire_model_messages_and_settings(fake_openai) -> None:
    request = ask("你好", temperature=0.2, max_tokens=50, response_format=ResponseFormat())
    await provider_for(fake_openai).complete(request)
    received = fake_openai.requests[0]
    assert received.path == "/v1/chat/completions"
    assert received.body == {
        "model": "gpt-4o-mini",  # the provider prefix is not sent
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "你好"}],
        "temperature": 0.2,
        "max_tokens": 50,
        "response_format": {"type": "json_object"},
    }


async def test_unset_settings_are_not_sent(fake_openai) -> None:
    await provider_for(fake_openai).complete(ask())
    assert set(fake_openai.requests[0].body) == {"model", "messages"}


async def test_schema_response_format_is_sent_as_json_schema(fake_openai) -> None:
    schema = {"type": "object", "properties": {"score": {"type": "integer"}}, "required": ["score"]}
    await provider_for(fake_openai).complete(ask(response_format=ResponseFormat(schema, name="Rating")))
    assert fake_openai.requests[0].body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "Rating", "schema": schema},
    }


async def test_the_key_is_sent_as_a_bearer_token(fake_openai) -> None:
    await provider_for(fake_openai, key="sk-test-1").complete(ask())
    assert fake_openai.requests[0].headers["authorization"] == "Bearer sk-test-1"


async def test_a_loopback_endpoint_works_without_a_key(fake_openai) -> None:
    reply = await provider_for(fake_openai).complete(ask("ping"))
    assert reply.text == "echo: ping"
    assert "authorization" not in fake_openai.requests[0].headers


async def test_no_key_for_a_remote_endpoint_is_e105_before_any_request() -> None:
    # 192.0.2.1 is TEST-NET-1: nothing is listening, and nothing must be tried.
    provider = OpenAIProvider(Endpoint("deepseek", "http://192.0.2.1/v1", None))
    with pytest.raises(ProviderError) as caught:
        await provider.complete(ask(model="deepseek/deepseek-chat", timeout=0.5))
    assert caught.value.code == "E105"
    assert caught.value.message == (
        "authentication failed for provider 'deepseek': "
        "no API key (set NEXA_DEEPSEEK_API_KEY or DEEPSEEK_API_KEY)"
    )


# ---- tool calls ----


async def test_a_tool_call_reply_gives_tool_calls_and_the_request_carries_the_tools(fake_openai) -> None:
    call = {
        "id": "call_9",
        "type": "function",
        "function": {"name": "weather", "arguments": '{"city":"Oslo"}'},
    }
    fake_openai.answer_json(fake_openai.completion(None, tool_calls=[call]))
    reply = await provider_for(fake_openai).complete(ask(tools=(WEATHER,), tool_choice="required"))
    assert reply.tool_calls == (ToolCall("call_9", "weather", '{"city":"Oslo"}'),)
    assert reply.text == ""
    assert reply.finish_reason == "tool_calls"
    body = fake_openai.requests[0].body
    assert body["tools"] == [WEATHER.to_json()]
    assert body["tool_choice"] == "required"


async def test_tool_results_are_sent_back_in_the_wire_format(fake_openai) -> None:
    messages = (
        Message.user("weather in Oslo?"),
        Message.assistant("", (ToolCall("call_9", "weather", '{"city":"Oslo"}'),)),
        Message.tool("call_9", "sunny"),
    )
    await provider_for(fake_openai).complete(ModelRequest("gpt-4o", messages, tools=(WEATHER,)))
    sent = fake_openai.requests[0].body["messages"]
    assert sent[1] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_9",
                "type": "function",
                "function": {"name": "weather", "arguments": '{"city":"Oslo"}'},
            }
        ],
    }
    assert sent[2] == {"role": "tool", "content": "sunny", "tool_call_id": "call_9"}


# ---- streaming ----


async def test_stream_yields_text_deltas_then_the_whole_reply(fake_openai) -> None:
    events = [fake_openai.text_delta(piece) for piece in ["Hel", "lo, ", "世界"]]
    events.append({"model": "m", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    fake_openai.answer_sse(events)
    stream = provider_for(fake_openai).stream(ask())
    chunks = [chunk async for chunk in stream]
    assert chunks == ["Hel", "lo, ", "世界"]
    assert (stream.reply.text, stream.reply.finish_reason) == ("Hello, 世界", "stop")
    assert fake_openai.requests[0].body["stream"] is True


async def test_stream_survives_lines_and_characters_split_across_chunks(fake_openai) -> None:
    # 3-byte pieces cut the "data:" lines and the UTF-8 bytes of 世界 apart.
    fake_openai.answer_sse([fake_openai.text_delta(p) for p in ["你好", "，世界"]], piece_size=3)
    reply = await provider_for(fake_openai).stream(ask()).collect()
    assert reply.text == "你好，世界"


async def test_stream_without_chunked_coding_reads_until_the_server_closes(fake_openai) -> None:
    fake_openai.answer_sse([fake_openai.text_delta("a"), fake_openai.text_delta("b")], is_chunked=False)
    reply = await provider_for(fake_openai).stream(ask()).collect()
    assert reply.text == "ab"


async def test_streamed_tool_call_fragments_are_assembled(fake_openai) -> None:
    def fragment(index: int, **function: str) -> dict:
        call: dict = {"index": index, "function": function}
        if "name" in function:
            call |= {"id": f"call_{index}", "type": "function"}
        return {"choices": [{"index": 0, "delta": {"tool_calls": [call]}}]}

    fake_openai.answer_sse(
        [
            fragment(0, name="weather", arguments=""),
            fragment(0, arguments='{"ci'),
            fragment(1, name="weather", arguments='{"city":'),
            fragment(0, arguments='ty": "Oslo"}'),
            fragment(1, arguments=' "Rome"}'),
            {"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
        ]
    )
    stream = provider_for(fake_openai).stream(ask(tools=(WEATHER,)))
    assert [chunk async for chunk in stream] == []
    assert stream.reply.tool_calls == (
        ToolCall("call_0", "weather", '{"city": "Oslo"}'),
        ToolCall("call_1", "weather", '{"city": "Rome"}'),
    )


async def test_an_error_event_in_the_stream_is_e102(fake_openai) -> None:
    fake_openai.answer_sse([fake_openai.text_delta("par"), {"error": {"message": "overloaded"}}])
    stream = provider_for(fake_openai).stream(ask())
    with pytest.raises(ProviderError) as caught:
        await stream.collect()
    assert caught.value.code == "E102"
    assert "overloaded" in caught.value.reason


async def test_a_stream_that_stops_sending_ends_with_e101(fake_openai) -> None:
    fake_openai.answer_sse([fake_openai.text_delta("first")], stall_after_events=1)
    stream = provider_for(fake_openai).stream(ask(timeout=0.3))
    seen: list[str] = []
    with pytest.raises(ProviderError) as caught:
        async for chunk in stream:
            seen.append(chunk)
    assert seen == ["first"]
    assert caught.value.code == "E101"


# ---- failures, retries, timeouts ----


async def test_429_then_success_is_retried_honouring_retry_after(fake_openai, sleep_log) -> None:
    fake_openai.answer_json({"error": {"message": "slow down"}}, status=429, headers={"Retry-After": "7"})
    fake_openai.answer_json(fake_openai.completion("finally"))
    reply = await provider_for(fake_openai, sleep=sleep_log).complete(ask(retry=RetryPolicy(3, delay=1.0)))
    assert reply.text == "finally"
    assert reply.attempts == 2
    assert len(fake_openai.requests) == 2
    assert sleep_log.delays == [7.0]


async def test_server_errors_back_off_exponentially(fake_openai, sleep_log) -> None:
    fake_openai.answer_json({"error": {"message": "busy"}}, status=503)
    fake_openai.answer_json({"error": {"message": "busy"}}, status=502)
    fake_openai.answer_json(fake_openai.completion("ok"))
    reply = await provider_for(fake_openai, sleep=sleep_log).complete(ask(retry=RetryPolicy(3, delay=0.5)))
    assert (reply.text, reply.attempts) == ("ok", 3)
    assert sleep_log.delays == [0.5, 1.0]


async def test_back_off_is_capped_at_60_seconds(fake_openai, sleep_log) -> None:
    for _ in range(3):
        fake_openai.answer_json({"error": {"message": "busy"}}, status=500)
    fake_openai.answer_json(fake_openai.completion("ok"))
    await provider_for(fake_openai, sleep=sleep_log).complete(ask(retry=RetryPolicy(4, delay=40)))
    assert sleep_log.delays == [40, 60, 60]


async def test_retries_used_up_give_e102_with_status_and_message(fake_openai, sleep_log) -> None:
    for _ in range(2):
        fake_openai.answer_json({"error": {"message": "upstream exploded"}}, status=500)
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_openai, sleep=sleep_log).complete(ask(retry=RetryPolicy(2, delay=0)))
    error = caught.value
    assert (error.code, error.status, error.attempts) == ("E102", 500, 2)
    assert error.describe_for("Writer") == (
        "model call failed for agent 'Writer' on 'openai/gpt-4o-mini': HTTP 500: upstream exploded"
    )


async def test_a_bad_request_is_e102_without_retry(fake_openai, sleep_log) -> None:
    fake_openai.answer_json({"error": {"message": "model not found"}}, status=404)
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_openai, sleep=sleep_log).complete(ask(retry=RetryPolicy(3)))
    assert (caught.value.code, caught.value.status) == ("E102", 404)
    assert len(fake_openai.requests) == 1
    assert sleep_log.delays == []


async def test_a_refused_key_is_e105_without_retry_and_the_key_is_never_shown(fake_openai) -> None:
    key = "sk-live-abcdef123456"
    fake_openai.answer_json({"error": {"message": f"Incorrect API key provided: {key}"}}, status=401)
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_openai, key=key).complete(ask())
    assert caught.value.code == "E105"
    assert caught.value.message == "authentication failed for provider 'openai': the server answered 401"
    assert len(fake_openai.requests) == 1


async def test_a_key_quoted_by_the_server_is_redacted(fake_openai) -> None:
    key = "sk-live-abcdef123456"
    fake_openai.answer_json({"error": {"message": f"bad request for key {key}"}}, status=400)
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_openai, key=key).complete(ask())
    assert key not in caught.value.message
    assert "***" in caught.value.reason


async def test_a_reply_that_is_not_a_chat_completion_is_e102(fake_openai) -> None:
    fake_openai.answer_json({"object": "list", "data": []})
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_openai).complete(ask())
    assert caught.value.code == "E102"
    assert caught.value.reason == "the response is not a chat completion (no choices)"


async def test_a_body_that_is_not_json_is_e102(fake_openai) -> None:
    fake_openai.answer_json("<html>gateway</html>")
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_openai).complete(ask())
    assert caught.value.reason == "the response is not a chat completion (not JSON)"


async def test_no_reply_within_the_timeout_is_e101(fake_openai) -> None:
    fake_openai.answer_stall(10)
    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_openai).complete(ask(timeout=0.3, retry=RetryPolicy(1)))
    assert time.monotonic() - started < 5  # generous: the server would stall for 10 s
    assert (caught.value.code, caught.value.kind) == ("E101", "TimeoutError")
    assert caught.value.describe_for("Slow", ["offline"]) == (
        "agent 'Slow' timed out after 0.3 s on 'openai/gpt-4o-mini' (1 attempts; fallbacks tried: 'offline')"
    )


async def test_a_timeout_counts_as_an_attempt_and_is_retried(fake_openai, sleep_log) -> None:
    fake_openai.answer_stall(10)
    fake_openai.answer_json(fake_openai.completion("second time lucky"))
    provider = provider_for(fake_openai, sleep=sleep_log)
    reply = await provider.complete(ask(timeout=0.3, retry=RetryPolicy(2, delay=0.25)))
    assert (reply.text, reply.attempts) == ("second time lucky", 2)
    assert sleep_log.delays == [0.25]


async def test_a_refused_connection_is_retried_then_e102(sleep_log) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    provider = OpenAIProvider(Endpoint("openai", f"http://127.0.0.1:{port}/v1"), sleep=sleep_log)
    with pytest.raises(ProviderError) as caught:
        await provider.complete(ask(retry=RetryPolicy(2, delay=0.1)))
    assert (caught.value.code, caught.value.attempts) == ("E102", 2)
    assert caught.value.reason.startswith(f"cannot connect to 127.0.0.1:{port}")
    assert sleep_log.delays == [0.1]


# ---- the judge through a model ----


async def test_condition_check_asks_the_judge_model_for_json(fake_openai) -> None:
    fake_openai.answer_json(fake_openai.completion('{"matched": true, "confidence": 0.9}'))
    check = ConditionCheck("asks for a refund", "money back please", JudgePurpose.SEMANTIC_IF, "gpt-4o-mini")
    judgement = await provider_for(fake_openai).check(check)
    assert (judgement.matched, judgement.confidence, judgement.failure) == (True, 0.9, None)
    body = fake_openai.requests[0].body
    assert (body["temperature"], body["response_format"]) == (0.0, {"type": "json_object"})
    assert "asks for a refund" in body["messages"][1]["content"]


async def test_unusable_judge_answers_are_retried_then_the_condition_is_false(fake_openai) -> None:
    for text in ["yes", '{"confidence": 1}', "[true]"]:
        fake_openai.answer_json(fake_openai.completion(text))
    check = ConditionCheck("c", "t", JudgePurpose.SEMANTIC_IF, "gpt-4o-mini")
    judgement = await provider_for(fake_openai).check(check)
    assert judgement.matched is False
    assert judgement.failure is not None
    assert len(fake_openai.requests) == 3


async def test_classification_reads_the_label_from_the_judge(fake_openai) -> None:
    fake_openai.answer_json(fake_openai.completion('```json\n{"label": "Billing"}\n```'))
    labels = (Label("Billing", "invoices"), Label("Support", "bugs"))
    choice = await provider_for(fake_openai).classify(Classification(labels, "my invoice", "gpt-4o-mini"))
    assert choice.label == "Billing"


async def test_a_label_that_is_not_offered_counts_as_a_failure(fake_openai) -> None:
    for _ in range(3):
        fake_openai.answer_json(fake_openai.completion('{"label": "Sales"}'))
    labels = (Label("Billing"), Label("Support"))
    choice = await provider_for(fake_openai).classify(Classification(labels, "x", "gpt-4o-mini"))
    assert choice.label is None and choice.failure is not None


# ---- routing by model string ----


def router(fake, **options) -> ModelRouter:
    environ = {"NEXA_OPENAI_BASE_URL": fake.base_url} | options.pop("environ", {})
    return ModelRouter("openai", default_model="gpt-4o-mini", environ=environ, **options)


async def test_router_sends_offline_models_offline_and_others_to_the_endpoint(fake_openai) -> None:
    provider = router(fake_openai)
    offline = await provider.complete(ModelRequest("offline", (Message.user("hi"),), agent="A"))
    remote = await provider.complete(ModelRequest("openai:gpt-4o", (Message.user("hi"),)))
    assert (offline.text, offline.provider) == ("[A] hi", "offline")
    assert (remote.text, remote.provider) == ("echo: hi", "openai")
    assert [r.body["model"] for r in fake_openai.requests] == ["gpt-4o"]


async def test_router_uses_the_default_model_when_none_is_given(fake_openai) -> None:
    await router(fake_openai).complete(ModelRequest("", (Message.user("hi"),)))
    assert fake_openai.requests[0].body["model"] == "gpt-4o-mini"


async def test_router_uses_each_provider_ids_endpoint(fake_openai) -> None:
    config = {"providers": {"labbox": {"base_url": fake_openai.base_url}}}
    provider = router(fake_openai, environ={"DEEPSEEK_BASE_URL": fake_openai.base_url}, config=config)
    await provider.complete(ModelRequest("deepseek/deepseek-chat", (Message.user("a"),)))
    reply = await provider.complete(ModelRequest("labbox/qwen2-7b", (Message.user("b"),)))
    assert reply.provider == "labbox"
    assert [r.body["model"] for r in fake_openai.requests] == ["deepseek-chat", "qwen2-7b"]


async def test_router_reports_a_provider_without_endpoint_as_e202(fake_openai) -> None:
    with pytest.raises(ProviderError) as caught:
        await router(fake_openai).complete(ModelRequest("anthropic/claude-3-haiku", (Message.user("a"),)))
    assert caught.value.code == "E202"
    assert caught.value.message == "no endpoint configured for provider 'anthropic'"


async def test_router_under_offline_selection_never_calls_the_server(fake_openai) -> None:
    provider = ModelRouter(
        "offline", default_model="offline", environ={"NEXA_OPENAI_BASE_URL": fake_openai.base_url}
    )
    reply = await provider.complete(ModelRequest("openai/gpt-4o", (Message.user("hi"),), agent="A"))
    assert reply.text == "[A] hi"
    assert fake_openai.requests == []


async def test_router_stream_reports_routing_errors_while_iterating(fake_openai) -> None:
    stream = router(fake_openai).stream(ModelRequest("anthropic/x", (Message.user("a"),)))
    with pytest.raises(ProviderError) as caught:
        await stream.collect()
    assert caught.value.code == "E202"


async def test_router_judge_without_endpoint_is_a_failed_judgement_not_an_error(fake_openai) -> None:
    check = ConditionCheck("c", "t", JudgePurpose.SEMANTIC_IF, "anthropic/claude-3-haiku")
    judgement = await router(fake_openai).check(check)
    assert judgement.matched is False
    assert judgement.failure == "E202 no endpoint configured"
