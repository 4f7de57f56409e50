"""The `offline` provider, the VM's default: deterministic answers with no network (stdlib §4.5).

The same request always gives the same answer. The rules are part of the tooling's contract, and
tests/providers/test_offline.py has one test per rule. The only waiting it does is asked for: the
`NEXA_OFFLINE_LATENCY_MS` delay and the reserved model `"offline/timeout"` (§4.5.6).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import re
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from typing import Any, TypeVar

from .backoff import Sleep, call_with_retries
from .base import Provider, ReplyStream
from .errors import ProviderError
from .judge import (
    JUDGE_ATTEMPTS,
    Choice,
    Classification,
    ConditionCheck,
    Judgement,
    JudgePurpose,
    SummaryRequest,
    run_judge_attempts,
)
from .keyterms import choose_label, condition_holds
from .messages import Message, ModelRequest, Reply, ResponseFormat, RetryPolicy, ToolCall, Usage
from .models import ModelIdError, parse_model_id

T = TypeVar("T")

PROVIDER_ID = "offline"
ECHO_LIMIT = 200  # code points of the user message echoed (§4.5.1)
RESULT_LIMIT = 200  # code points of each tool result line (§4.5.5)
CHUNK_SIZE = 16  # code points per streamed chunk (§4.5.3)
SUMMARY_PIECE = 80  # code points taken from each summarized message (§4.5.6)
SUMMARY_LIMIT = 400
LATENCY_VARIABLE = "NEXA_OFFLINE_LATENCY_MS"

CALL_LINE = re.compile(r"^\s*@call\s+([A-Za-z_][A-Za-z0-9_]*)\s*(\{.*\})?\s*$")


class OfflineProvider(Provider):
    def __init__(
        self,
        *,
        latency_ms: int | None = None,
        environ: Mapping[str, str] | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if latency_ms is None:
            latency_ms = _latency_from(os.environ if environ is None else environ)
        self.latency = latency_ms / 1000
        self._sleep = sleep

    def provider_id_for(self, model: str) -> str:
        return PROVIDER_ID

    async def complete(self, request: ModelRequest) -> Reply:
        reply, attempts = await self._serve(
            request.model, request.timeout, request.retry, lambda: offline_reply(request)
        )
        return reply._replace(attempts=attempts)

    def stream(self, request: ModelRequest) -> ReplyStream:
        async def events() -> AsyncGenerator[str | Reply, None]:
            reply = await self.complete(request)
            for chunk in stream_chunks(reply.text):
                yield chunk
            yield reply

        return ReplyStream(events())

    async def check(self, check: ConditionCheck) -> Judgement:
        async def attempt() -> Judgement:
            judgement, _ = await self._serve(
                check.model, check.timeout, RetryPolicy(1), lambda: judge_condition(check)
            )
            return judgement

        return await run_judge_attempts(
            attempt,
            lambda reason: Judgement(False, 0.0, failure=reason),
            policy=RetryPolicy(JUDGE_ATTEMPTS),
            sleep=self._sleep,
        )

    async def classify(self, classification: Classification) -> Choice:
        async def attempt() -> Choice:
            choice, _ = await self._serve(
                classification.model,
                classification.timeout,
                RetryPolicy(1),
                lambda: classify_by_terms(classification),
            )
            return choice

        return await run_judge_attempts(
            attempt,
            lambda reason: Choice(None, failure=reason),
            policy=RetryPolicy(JUDGE_ATTEMPTS),
            sleep=self._sleep,
        )

    async def summarize(self, summary: SummaryRequest) -> str:
        text, _ = await self._serve(
            summary.model,
            summary.timeout,
            RetryPolicy(JUDGE_ATTEMPTS),
            lambda: summarize_messages(summary.messages),
        )
        return text

    async def _serve(
        self, model: str, timeout: float, policy: RetryPolicy, answer: Callable[[], T]
    ) -> tuple[T, int]:
        """Apply the reserved fault names and the latency, then compute the answer."""
        fault = reserved_fault(model)

        async def attempt() -> T:
            if fault == "fail":
                raise ProviderError.call_failed(
                    provider=PROVIDER_ID, model=model, reason="offline fault injection"
                )
            if fault == "deny":
                raise ProviderError.auth_failed(
                    provider=PROVIDER_ID, model=model, reason="offline fault injection"
                )
            try:
                await asyncio.wait_for(self._wait(fault == "timeout"), timeout)
            except TimeoutError:
                raise ProviderError.timed_out(provider=PROVIDER_ID, model=model, seconds=timeout) from None
            return answer()

        return await call_with_retries(attempt, policy, sleep=self._sleep)

    async def _wait(self, never_answers: bool) -> None:
        if never_answers:
            await asyncio.Event().wait()  # ended only by the caller's timeout
        if self.latency > 0:
            await self._sleep(self.latency)


def _latency_from(environ: Mapping[str, str]) -> int:
    text = environ.get(LATENCY_VARIABLE, "").strip()
    if not text:
        return 0
    if not text.isdigit():
        raise ProviderError.invalid_config(LATENCY_VARIABLE, f"'{text}' is not a whole number")
    return int(text)


def reserved_fault(model: str) -> str | None:
    """`timeout`, `fail` or `deny` for the reserved test models `offline/…` (§4.5.6), else None."""
    try:
        model_id = parse_model_id(model)
    except ModelIdError:
        return None
    if model_id.is_offline and model_id.name in {"timeout", "fail", "deny"}:
        return model_id.name
    return None


# ---- replies (§4.5.1, §4.5.2, §4.5.5) ----


def offline_reply(request: ModelRequest) -> Reply:
    user = _last_user_message(request.messages)
    user_text = user.text() if user is not None else ""
    calls_made = _calls_after_last_user(request.messages)
    if not calls_made:
        # `tool_choice: "none"` offers nothing, even if the tools were listed.
        offered = set() if request.tool_choice == "none" else {tool.name for tool in request.tools}
        calls = requested_calls(user_text, offered)
        if calls:
            return _reply(request, "", calls, finish_reason="tool_calls")

    if request.response_format is not None:
        text = structured_reply(request.response_format, echo(user_text))
        return _reply(request, text)

    called_names = {call.name for call in calls_made}
    text = f"[{request.agent or PROVIDER_ID}] {echo(_without_call_lines(user_text, called_names))}"
    results = _tool_results(request.messages)
    for call in calls_made:
        text += f"\n{call.name} -> {results.get(call.id, '')[:RESULT_LIMIT]}"
    if request.max_tokens is not None:
        text = text[: 4 * request.max_tokens]
    return _reply(request, text)


def _reply(
    request: ModelRequest,
    text: str,
    tool_calls: Sequence[ToolCall] = (),
    *,
    finish_reason: str = "stop",
) -> Reply:
    prompt_chars = sum(len(m.text()) for m in request.messages)
    return Reply(
        text=text,
        tool_calls=tuple(tool_calls),
        usage=Usage(math.ceil(prompt_chars / 4), math.ceil(len(text) / 4)),
        model=request.model or PROVIDER_ID,
        provider=PROVIDER_ID,
        finish_reason=finish_reason,
    )


def echo(text: str) -> str:
    """The user text with white space runs made one space, trimmed, cut to 200 code points + `…`."""
    flat = " ".join(text.split())
    return flat if len(flat) <= ECHO_LIMIT else flat[:ECHO_LIMIT] + "…"


def requested_calls(user_text: str, offered: set[str]) -> list[ToolCall]:
    """One call per `@call name {json}` line naming an offered tool, in line order (§4.5.5)."""
    calls: list[ToolCall] = []
    for line in user_text.split("\n"):
        match = CALL_LINE.match(line)
        if match and match.group(1) in offered:
            calls.append(ToolCall(f"call_{len(calls) + 1}", match.group(1), match.group(2) or "{}"))
    return calls


def _without_call_lines(user_text: str, called_names: set[str]) -> str:
    if not called_names:
        return user_text
    kept = []
    for line in user_text.split("\n"):
        match = CALL_LINE.match(line)
        if not (match and match.group(1) in called_names):
            kept.append(line)
    return "\n".join(kept)


def _last_user_message(messages: Sequence[Message]) -> Message | None:
    for message in reversed(messages):
        if message.role == "user":
            return message
    return None


def _calls_after_last_user(messages: Sequence[Message]) -> list[ToolCall]:
    calls: list[ToolCall] = []
    for message in reversed(messages):
        if message.role == "user":
            break
        if message.role == "assistant":
            calls[:0] = message.tool_calls
    return calls


def _tool_results(messages: Sequence[Message]) -> dict[str, str]:
    return {m.tool_call_id: m.text() for m in messages if m.role == "tool" and m.tool_call_id}


def structured_reply(response_format: ResponseFormat, echoed: str) -> str:
    """A JSON object with every field of the schema valued by its type (§4.5.2)."""
    if response_format.schema is None:
        value: Any = {"reply": echoed}
    else:
        value = sample_object(response_format.schema)
    return json.dumps(value, ensure_ascii=False)


def sample_object(schema: Mapping[str, Any]) -> dict[str, Any]:
    properties: Mapping[str, Any] = schema.get("properties") or {}
    # A hand-written schema without "required" means every field (§4.5.2 values every field).
    required = set(schema["required"]) if "required" in schema else set(properties)
    return {
        name: sample_value(field_schema, name) if name in required else None
        for name, field_schema in properties.items()
    }


def sample_value(schema: Mapping[str, Any], name: str) -> Any:
    enum = schema.get("enum")
    if enum:
        return enum[0]
    for union in ("anyOf", "oneOf"):
        if schema.get(union):
            return sample_value(schema[union][0], name)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    samples: dict[str, Any] = {"string": name, "integer": 0, "number": 0.0, "boolean": False}
    if kind in samples:
        return samples[kind]
    if kind == "array":
        return []
    if kind == "object":
        return sample_object(schema) if "properties" in schema else {}
    return None  # `any` ({}) and "null"


def stream_chunks(text: str) -> list[str]:
    return [text[i : i + CHUNK_SIZE] for i in range(0, len(text), CHUNK_SIZE)]


# ---- judgements and summaries (§4.5.4, §4.5.6) ----


def judge_condition(check: ConditionCheck) -> Judgement:
    """`semantic_if` follows the key-term rule; every other asker gets true (offline loops end)."""
    if check.purpose is JudgePurpose.SEMANTIC_IF:
        return Judgement(condition_holds(check.condition, check.target))
    return Judgement(True)


def classify_by_terms(classification: Classification) -> Choice:
    labels = [(label.name, label.description) for label in classification.labels]
    return Choice(choose_label(labels, classification.target))


def summarize_messages(messages: Sequence[Message]) -> str:
    # Empty messages (a tool-calling assistant turn) would only add empty pieces between the bars.
    pieces = [m.text()[:SUMMARY_PIECE] for m in messages if m.text()]
    return " | ".join(pieces)[:SUMMARY_LIMIT]
