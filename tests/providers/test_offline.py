"""The offline provider, one test (or a triggering/near-miss pair) per rule of stdlib §4.5."""

from __future__ import annotations

import json

import pytest

from nexa_avm.providers import (
    Classification,
    ConditionCheck,
    ImagePart,
    JudgePurpose,
    Label,
    Message,
    ModelRequest,
    OfflineProvider,
    ProviderError,
    ResponseFormat,
    RetryPolicy,
    SummaryRequest,
    TextPart,
    ToolCall,
    ToolSpec,
    similarity,
)


def ask(text: str, *, agent: str = "Writer", **options: object) -> ModelRequest:
    return ModelRequest(model="offline", messages=(Message.user(text),), agent=agent, **options)


async def reply_text(request: ModelRequest) -> str:
    return (await OfflineProvider(environ={}).complete(request)).text


# ---- 4.5.1 text replies ----


async def test_reply_is_agent_name_and_echo_with_white_space_collapsed() -> None:
    assert await reply_text(ask("Write  a\npoem")) == "[Writer] Write a poem"


async def test_echo_is_trimmed() -> None:
    assert await reply_text(ask("  \t hi there \n")) == "[Writer] hi there"


async def test_echo_uses_only_the_last_user_message() -> None:
    messages = (
        Message.system("Role: poet."),
        Message.user("first"),
        Message.assistant("[Writer] first"),
        Message.user("second"),
    )
    request = ModelRequest(model="offline", messages=messages, agent="Writer")
    assert await reply_text(request) == "[Writer] second"


async def test_echo_is_cut_to_200_code_points_with_an_ellipsis() -> None:
    text = "天" * 250  # one code point each, three UTF-8 bytes: the cut counts code points
    assert await reply_text(ask(text)) == "[Writer] " + "天" * 200 + "…"


async def test_echo_of_exactly_200_code_points_is_not_cut() -> None:
    text = "a" * 200
    assert await reply_text(ask(text)) == "[Writer] " + text


async def test_image_parts_are_written_as_image() -> None:
    request = ModelRequest(
        model="offline",
        messages=(Message.user([TextPart("describe"), ImagePart("image/png", "iVBORw0=")]),),
        agent="Eye",
    )
    assert await reply_text(request) == "[Eye] describe <image>"


async def test_max_tokens_cuts_the_whole_reply_to_four_code_points_per_token() -> None:
    assert await reply_text(ask("Write a poem", max_tokens=3)) == "[Writer] Wri"


async def test_max_tokens_larger_than_the_reply_changes_nothing() -> None:
    assert await reply_text(ask("Write a poem", max_tokens=100)) == "[Writer] Write a poem"


async def test_the_model_string_does_not_change_the_reply() -> None:
    base = ask("same question")
    other = ModelRequest(model="gpt-4o", messages=base.messages, agent="Writer")
    assert await reply_text(base) == await reply_text(other)


async def test_the_same_request_always_gets_the_same_reply() -> None:
    provider = OfflineProvider(environ={})
    request = ask("Is this deterministic?", max_tokens=50)
    first, second = await provider.complete(request), await provider.complete(request)
    assert first == second


# ---- 4.5.2 structured replies ----

RATING_SCHEMA = {
    "type": "object",
    "properties": {
        "summary": {"type": "string"},
        "score": {"type": "integer"},
        "ratio": {"type": "number"},
        "ok": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "extra": {"type": "object"},
        "mood": {"type": "string", "enum": ["happy", "sad", "neutral"]},
        "note": {"type": "string"},
        "either": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        "author": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
            "required": ["name", "age"],
        },
    },
    "required": ["summary", "score", "ratio", "ok", "tags", "extra", "mood", "either", "author"],
}


async def test_structured_reply_values_every_field_by_its_type() -> None:
    request = ask("rate it", response_format=ResponseFormat(RATING_SCHEMA, name="Rating"))
    assert json.loads(await reply_text(request)) == {
        "summary": "summary",
        "score": 0,
        "ratio": 0.0,
        "ok": False,
        "tags": [],
        "extra": {},
        "mood": "happy",
        "note": None,  # optional: not in "required"
        "either": 0,  # union: the value of its first member
        "author": {"name": "name", "age": 0},
    }


async def test_structured_number_field_is_written_as_a_float() -> None:
    schema = {"type": "object", "properties": {"ratio": {"type": "number"}}, "required": ["ratio"]}
    assert await reply_text(ask("x", response_format=ResponseFormat(schema))) == '{"ratio": 0.0}'


async def test_json_output_without_schema_is_the_echo_under_reply() -> None:
    request = ask("Write  a\npoem", response_format=ResponseFormat())
    assert json.loads(await reply_text(request)) == {"reply": "Write a poem"}


# ---- 4.5.3 streaming ----


async def test_stream_delivers_the_same_text_in_chunks_of_at_most_16_code_points() -> None:
    provider = OfflineProvider(environ={})
    request = ask("速度" * 20 + " and some more text to split")
    stream = provider.stream(request)
    chunks = [chunk async for chunk in stream]
    complete = await provider.complete(request)
    assert "".join(chunks) == complete.text == stream.reply.text
    assert all(1 <= len(chunk) <= 16 for chunk in chunks)
    assert all(len(chunk) == 16 for chunk in chunks[:-1])


# ---- 4.5.4 judgements ----


async def check(condition: str, target: str, purpose: JudgePurpose) -> bool:
    provider = OfflineProvider(environ={})
    judgement = await provider.check(ConditionCheck(condition, target, purpose, model="offline"))
    return judgement.matched


@pytest.mark.parametrize(
    "purpose",
    [
        JudgePurpose.LOOP_UNTIL,
        JudgePurpose.AUTOLOOP_EXIT,
        JudgePurpose.ASSERT,
        JudgePurpose.VERIFY,
        JudgePurpose.CONTRACT,
        JudgePurpose.SEMANTIC_TYPE,
    ],
)
async def test_conditions_other_than_semantic_if_always_hold(purpose: JudgePurpose) -> None:
    assert await check("the draft is final", "nothing related at all", purpose) is True


async def test_semantic_if_holds_when_a_key_term_occurs_in_the_target() -> None:
    assert await check("the user asks for a refund", "I want a REFUND now", JudgePurpose.SEMANTIC_IF)


async def test_semantic_if_fails_when_no_key_term_occurs() -> None:
    assert not await check("the user asks for a refund", "hello there", JudgePurpose.SEMANTIC_IF)


async def test_semantic_if_ignores_stop_words_and_short_words() -> None:
    # "the", "input", "contains" are stop words and "is"/"an" are too short: no terms → false.
    assert not await check("the input contains is an", "the input contains is an", JudgePurpose.SEMANTIC_IF)


async def test_semantic_if_uses_only_quoted_parts_when_there_are_some() -> None:
    condition = "the message mentions 'urgent' somewhere"
    assert await check(condition, "This is URGENT", JudgePurpose.SEMANTIC_IF)
    assert not await check(condition, "the message somewhere", JudgePurpose.SEMANTIC_IF)


async def test_semantic_if_accepts_double_and_curly_quotes() -> None:
    assert await check('says "hello world"', "oh, Hello World!", JudgePurpose.SEMANTIC_IF)
    assert await check("says “你好”", "他说你好", JudgePurpose.SEMANTIC_IF)


async def test_apostrophes_inside_words_are_not_quotes() -> None:
    # "user's" and "isn't" must not make "s question isn" a quoted part.
    assert await check("the user's question isn't answered", "QUESTION?", JudgePurpose.SEMANTIC_IF)


async def test_semantic_if_splits_chinese_into_neighbouring_pairs() -> None:
    assert await check("查询天气", "明天天气怎么样", JudgePurpose.SEMANTIC_IF)  # 天气
    assert not await check("查询天气", "今天吃什么", JudgePurpose.SEMANTIC_IF)


async def test_a_single_chinese_character_is_not_a_term() -> None:
    assert not await check("天", "天天", JudgePurpose.SEMANTIC_IF)


async def test_a_word_mixing_latin_and_chinese_gives_only_the_chinese_pairs() -> None:
    assert await check("ai助手", "智能助手", JudgePurpose.SEMANTIC_IF)
    assert not await check("api助手x", "the api is down", JudgePurpose.SEMANTIC_IF)


async def classify(labels: list[Label], target: str) -> str | None:
    provider = OfflineProvider(environ={})
    return (await provider.classify(Classification(tuple(labels), target, model="offline"))).label


async def test_classification_picks_the_label_with_most_key_terms_in_the_target() -> None:
    labels = [Label("wants to reset a password"), Label("reports an outage of the service")]
    assert await classify(labels, "the service had an outage this morning") == (
        "reports an outage of the service"
    )


async def test_classification_counts_terms_of_the_description_too() -> None:
    labels = [Label("Billing", "invoices and payments"), Label("Support", "crashes and bugs")]
    assert await classify(labels, "my payments failed") == "Billing"


async def test_classification_ties_go_to_the_earliest_label() -> None:
    labels = [Label("weather today"), Label("weather tomorrow")]
    assert await classify(labels, "what is the weather") == "weather today"


async def test_classification_with_every_score_zero_chooses_no_label() -> None:
    labels = [Label("refund"), Label("outage")]
    assert await classify(labels, "good morning") is None


async def test_classification_counts_distinct_terms_not_occurrences() -> None:
    labels = [Label("refund refund refund"), Label("refund money")]
    assert await classify(labels, "refund my money") == "refund money"


# ---- 4.5.5 tools ----

TOOLS = (ToolSpec("file_exists"), ToolSpec("calc"))


async def test_call_lines_naming_offered_tools_become_calls_in_line_order() -> None:
    text = 'note this\n@call file_exists {"path": "a.txt"}\n  @call calc\n'
    reply = await OfflineProvider(environ={}).complete(ask(text, tools=TOOLS))
    assert reply.text == ""
    assert reply.tool_calls == (
        ToolCall("call_1", "file_exists", '{"path": "a.txt"}'),
        ToolCall("call_2", "calc", "{}"),
    )


async def test_a_call_line_naming_a_tool_not_offered_is_not_a_call() -> None:
    reply = await OfflineProvider(environ={}).complete(ask("@call rm_rf {}", tools=TOOLS))
    assert reply.tool_calls == ()
    assert reply.text == "[Writer] @call rm_rf {}"


async def test_without_call_lines_no_tool_is_called_even_when_required() -> None:
    request = ask("please check a.txt", tools=TOOLS, tool_choice="required")
    reply = await OfflineProvider(environ={}).complete(request)
    assert reply.tool_calls == ()
    assert reply.text == "[Writer] please check a.txt"


async def test_tool_choice_none_offers_no_tool_to_call() -> None:
    request = ask("@call calc", tools=TOOLS, tool_choice="none")
    assert (await OfflineProvider(environ={}).complete(request)).tool_calls == ()


async def test_a_line_that_only_mentions_call_is_not_a_call() -> None:
    reply = await OfflineProvider(environ={}).complete(ask("please @call calc now", tools=TOOLS))
    assert reply.tool_calls == ()


async def test_after_tool_results_the_reply_lists_each_call_and_its_result() -> None:
    user = Message.user('note this\n@call file_exists {"path": "a.txt"}\n@call calc {"x": 1}')
    calls = (ToolCall("call_1", "file_exists", '{"path": "a.txt"}'), ToolCall("call_2", "calc", "{}"))
    messages = (
        user,
        Message.assistant("", calls),
        Message.tool("call_1", "true"),
        Message.tool("call_2", "r" * 250),
    )
    request = ModelRequest(model="offline", messages=messages, tools=TOOLS, agent="Clerk")
    reply = await OfflineProvider(environ={}).complete(request)
    assert reply.tool_calls == ()  # all calls happen in the first round only
    assert reply.text == "[Clerk] note this\nfile_exists -> true\ncalc -> " + "r" * 200


async def test_after_results_calls_are_not_repeated_when_tools_were_withdrawn() -> None:
    messages = (
        Message.user("go\n@call calc"),
        Message.assistant("", (ToolCall("call_1", "calc", "{}"),)),
        Message.tool("call_1", "42"),
    )
    request = ModelRequest(model="offline", messages=messages, agent="A")  # no tools: withdrawn
    assert await reply_text(request) == "[A] go\ncalc -> 42"


# ---- 4.5.6 summaries, similarity, fault injection ----


async def test_summary_joins_the_first_80_code_points_of_each_message() -> None:
    messages = (Message.user("a" * 100), Message.assistant("短回答"), Message.user("b" * 10))
    summary = await OfflineProvider(environ={}).summarize(SummaryRequest(messages, model="offline"))
    assert summary == "a" * 80 + " | 短回答 | " + "b" * 10


async def test_summary_is_cut_to_400_code_points() -> None:
    messages = tuple(Message.user(str(i) * 100) for i in range(9))
    summary = await OfflineProvider(environ={}).summarize(SummaryRequest(messages, model="offline"))
    assert len(summary) == 400
    assert summary.startswith("0" * 80 + " | " + "1" * 80)


def test_similarity_is_the_jaccard_index_of_key_term_sets() -> None:
    # terms {weather, paris, today} and {weather, paris, tomorrow}: 2 shared of 4.
    assert similarity("weather in Paris today", "Weather in paris tomorrow") == 0.5


def test_similarity_of_unrelated_texts_is_zero() -> None:
    assert similarity("weather in Paris", "stock prices") == 0.0


@pytest.mark.parametrize("model", ["offline/fail", "offline:fail"])
async def test_offline_fail_fails_every_request_with_e102(model: str) -> None:
    request = ModelRequest(model=model, messages=(Message.user("ping"),), agent="Flaky")
    with pytest.raises(ProviderError) as caught:
        await OfflineProvider(environ={}).complete(request)
    assert caught.value.code == "E102"
    assert caught.value.describe_for("Flaky") == (
        f"model call failed for agent 'Flaky' on '{model}': offline fault injection"
    )


async def test_offline_deny_fails_with_e105() -> None:
    request = ModelRequest(model="offline/deny", messages=(Message.user("ping"),))
    with pytest.raises(ProviderError) as caught:
        await OfflineProvider(environ={}).complete(request)
    assert (caught.value.code, caught.value.kind) == ("E105", "AgentError")


async def test_offline_timeout_never_answers_and_the_timeout_ends_it_with_e101() -> None:
    request = ModelRequest(
        model="offline/timeout",
        messages=(Message.user("hello"),),
        timeout=0.05,
        retry=RetryPolicy(attempts=1),
    )
    with pytest.raises(ProviderError) as caught:
        await OfflineProvider(environ={}).complete(request)
    assert (caught.value.code, caught.value.kind) == ("E101", "TimeoutError")
    assert caught.value.describe_for("Slow") == (
        "agent 'Slow' timed out after 0.05 s on 'offline/timeout' (1 attempts; fallbacks tried: none)"
    )


async def test_offline_timeout_uses_every_attempt_with_back_off(sleep_log) -> None:
    request = ModelRequest(
        model="offline/timeout",
        messages=(Message.user("hello"),),
        timeout=0.01,
        retry=RetryPolicy(attempts=3, delay=0.5),
    )
    with pytest.raises(ProviderError) as caught:
        await OfflineProvider(environ={}, sleep=sleep_log).complete(request)
    assert caught.value.attempts == 3
    assert sleep_log.delays == [0.5, 1.0]


async def test_other_offline_names_answer_normally() -> None:
    request = ModelRequest(model="offline/small", messages=(Message.user("hi"),), agent="A")
    assert await reply_text(request) == "[A] hi"


async def test_a_failing_judge_model_gives_a_false_condition() -> None:
    check = ConditionCheck("refund", "refund", JudgePurpose.SEMANTIC_IF, model="offline/fail")
    judgement = await OfflineProvider(environ={}).check(check)
    assert judgement.matched is False
    assert judgement.failure is not None and "offline fault injection" in judgement.failure


async def test_latency_variable_delays_every_reply(sleep_log) -> None:
    provider = OfflineProvider(environ={"NEXA_OFFLINE_LATENCY_MS": "250"}, sleep=sleep_log)
    reply = await provider.complete(ask("hi"))
    assert reply.text == "[Writer] hi"
    assert sleep_log.delays == [0.25]


async def test_latency_beyond_the_timeout_is_e101() -> None:
    provider = OfflineProvider(environ={"NEXA_OFFLINE_LATENCY_MS": "5000"})
    with pytest.raises(ProviderError) as caught:
        await provider.complete(ask("hi", timeout=0.05, retry=RetryPolicy(attempts=1)))
    assert caught.value.code == "E101"


def test_a_latency_that_is_not_a_number_is_e202() -> None:
    with pytest.raises(ProviderError) as caught:
        OfflineProvider(environ={"NEXA_OFFLINE_LATENCY_MS": "fast"})
    assert caught.value.code == "E202"
