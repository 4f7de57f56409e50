"""The `openai` provider: any OpenAI-compatible chat-completions endpoint (stdlib §4.6, §4.7).

One instance serves one endpoint (a provider id's base URL and key). Failures map to codes as §4.6
says: 401/403 → E105 at once; 400/404/422 (and other 4xx) → E102 at once; 408, 409, 429, 5xx and
broken connections → retried with back-off, honouring Retry-After, then E102; no reply within the
request's timeout → E101, which also counts as an attempt. A stream is retried only until its first
byte arrives: after that the user has seen output, and the rest of the stream has its own timeout
for each read.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any

from .backoff import Sleep, call_with_retries
from .base import Provider, ReplyStream
from .endpoints import Endpoint, variable_prefix
from .errors import ProviderError
from .messages import ModelRequest, Reply, ToolCall, Usage
from .models import ModelIdError, parse_model_id
from .sse import sse_data
from .transport import MAX_ERROR_BODY, HttpResponse, TransportError, post

RETRIED_STATUSES = frozenset({408, 409, 429})
USER_AGENT = "nexa-avm"


class OpenAIProvider(Provider):
    def __init__(self, endpoint: Endpoint, *, sleep: Sleep = asyncio.sleep) -> None:
        self.endpoint = endpoint
        self._sleep = sleep

    @property
    def provider_id(self) -> str:
        return self.endpoint.provider

    def provider_id_for(self, model: str) -> str:
        return self.provider_id

    async def complete(self, request: ModelRequest) -> Reply:
        body = self._body(request, is_stream=False)

        async def attempt() -> Reply:
            try:
                return await asyncio.wait_for(self._exchange(body, request.model), request.timeout)
            except TimeoutError:
                raise self._timed_out(request) from None

        reply, attempts = await call_with_retries(attempt, request.retry, sleep=self._sleep)
        return reply._replace(attempts=attempts)

    def stream(self, request: ModelRequest) -> ReplyStream:
        return ReplyStream(self._stream_events(request))

    async def _stream_events(self, request: ModelRequest) -> AsyncGenerator[str | Reply, None]:
        body = self._body(request, is_stream=True)

        async def attempt() -> HttpResponse:
            try:
                return await asyncio.wait_for(self._open(body, request.model), request.timeout)
            except TimeoutError:
                raise self._timed_out(request) from None

        response, attempts = await call_with_retries(attempt, request.retry, sleep=self._sleep)
        if _is_json_body(response):
            # a compatible server that ignores `stream: true` answers one chat completion: its text
            # is the whole stream (else the run would return "" without any error)
            try:
                data = await asyncio.wait_for(response.read_body(), request.timeout)
            except TimeoutError:
                raise self._timed_out(request) from None
            except TransportError as error:
                raise self._failed(request.model, str(error), is_retryable=True) from None
            finally:
                await response.close()
            try:
                reply = self._completion(data, request.model)._replace(attempts=attempts)
            except ProviderError as error:
                error.attempts = attempts
                raise
            if reply.text:
                yield reply.text
            yield reply
            return
        assembler = StreamAssembler()
        try:
            chunks = _each_within(response.body_chunks(), request.timeout, self._timed_out(request))
            async with aclosing(sse_data(chunks)) as events:
                async for data in events:
                    if data.strip() == "[DONE]":
                        break
                    text = assembler.add(self._event_json(data, request.model))
                    if text:
                        yield text
        except TransportError as error:
            failure = self._failed(request.model, f"the stream broke off: {error}")
            failure.attempts = attempts
            raise failure from None
        except ProviderError as error:
            error.attempts = attempts
            raise
        finally:
            await response.close()
        yield assembler.reply(self.provider_id)._replace(attempts=attempts)

    # ---- one exchange ----

    def _body(self, request: ModelRequest, *, is_stream: bool) -> bytes:
        self._require_key(request.model)
        body: dict[str, Any] = {
            "model": self._wire_model(request.model),
            "messages": [message.to_json() for message in request.messages],
        }
        if request.max_tokens is not None:
            body["max_tokens"] = request.max_tokens
        if request.temperature is not None:
            body["temperature"] = request.temperature
        if request.tools:
            body["tools"] = [tool.to_json() for tool in request.tools]
            if request.tool_choice is not None:
                body["tool_choice"] = request.tool_choice
        if request.response_format is not None:
            body["response_format"] = request.response_format.to_json()
        if is_stream:
            body["stream"] = True
        return json.dumps(body, ensure_ascii=False).encode("utf-8")

    async def _exchange(self, body: bytes, model: str) -> Reply:
        response = await self._open(body, model)
        try:
            data = await response.read_body()
        except TransportError as error:
            raise self._failed(model, str(error), is_retryable=True) from None
        finally:
            await response.close()
        return self._completion(data, model)

    async def _open(self, body: bytes, model: str) -> HttpResponse:
        """Send the request; return the response once a 2xx status arrived, else raise its error."""
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
            "User-Agent": USER_AGENT,
        }
        if self.endpoint.api_key:
            headers["Authorization"] = f"Bearer {self.endpoint.api_key}"
        try:
            response = await post(self.endpoint.chat_url, body, headers)
        except TransportError as error:
            raise self._failed(model, str(error), is_retryable=True) from None
        if 200 <= response.status < 300:
            return response
        try:
            detail = await response.read_body(MAX_ERROR_BODY)
        except TransportError:
            detail = b""
        finally:
            await response.close()
        raise self._status_error(response, detail, model)

    def _status_error(self, response: HttpResponse, detail: bytes, model: str) -> ProviderError:
        status = response.status
        if status in (401, 403):
            return ProviderError.auth_failed(
                provider=self.provider_id,
                model=model,
                reason=f"the server answered {status}",
                status=status,
            )
        reason = f"HTTP {status}: {self._redact(server_message(detail) or response.reason)}"
        is_retryable = status in RETRIED_STATUSES or status >= 500
        retry_after = parse_retry_after(response.headers.get("retry-after")) if is_retryable else None
        return ProviderError.call_failed(
            provider=self.provider_id,
            model=model,
            reason=reason,
            status=status,
            is_retryable=is_retryable,
            retry_after=retry_after,
        )

    def _completion(self, data: bytes, model: str) -> Reply:
        try:
            payload = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise self._failed(model, "the response is not a chat completion (not JSON)") from None
        choices = payload.get("choices") if isinstance(payload, dict) else None
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise self._failed(model, "the response is not a chat completion (no choices)")
        message = choices[0].get("message")
        if not isinstance(message, dict):
            raise self._failed(model, "the response is not a chat completion (no message)")
        return Reply(
            text=_content_text(message.get("content")),
            tool_calls=tuple(
                ToolCall.from_json(c) for c in message.get("tool_calls") or () if isinstance(c, dict)
            ),
            usage=Usage.from_json(payload.get("usage")),
            model=str(payload.get("model") or self._wire_model(model)),
            provider=self.provider_id,
            finish_reason=choices[0].get("finish_reason"),
        )

    def _event_json(self, data: str, model: str) -> Mapping[str, Any]:
        try:
            event = json.loads(data)
        except json.JSONDecodeError:
            raise self._failed(model, "the stream sent an event that is not JSON") from None
        if not isinstance(event, dict):
            raise self._failed(model, "the stream sent an event that is not a JSON object")
        if "error" in event:
            message = server_message(json.dumps(event).encode())
            raise self._failed(model, f"the stream reported an error: {self._redact(message)}")
        return event

    # ---- settings and errors ----

    def _wire_model(self, model: str) -> str:
        try:
            return parse_model_id(model, declared_providers=(self.provider_id,)).name
        except ModelIdError as error:
            raise self._failed(model, str(error)) from None

    def _require_key(self, model: str) -> None:
        """No key and a non-loopback endpoint: E105 before anything is sent (stdlib §4.7)."""
        if self.endpoint.api_key or self.endpoint.is_loopback:
            return
        p = variable_prefix(self.provider_id)
        raise ProviderError.auth_failed(
            provider=self.provider_id,
            model=model,
            reason=f"no API key (set NEXA_{p}_API_KEY or {p}_API_KEY)",
        )

    def _failed(self, model: str, reason: str, *, is_retryable: bool = False) -> ProviderError:
        return ProviderError.call_failed(
            provider=self.provider_id, model=model, reason=reason, is_retryable=is_retryable
        )

    def _timed_out(self, request: ModelRequest) -> ProviderError:
        return ProviderError.timed_out(
            provider=self.provider_id, model=request.model, seconds=request.timeout
        )

    def _redact(self, text: str) -> str:
        """Servers quote the rejected key in their messages; it must not reach a trace or a log."""
        key = self.endpoint.api_key
        return text.replace(key, "***") if key else text


@dataclass
class _CallDraft:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class StreamAssembler:
    """Builds the final Reply from streamed deltas, tool-call fragments included."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.calls: dict[int, _CallDraft] = {}
        self.usage = Usage()
        self.model = ""
        self.finish_reason: str | None = None

    def add(self, event: Mapping[str, Any]) -> str:
        """Take one event; return its text delta ("" when it carries none)."""
        self.model = str(event.get("model") or self.model)
        if isinstance(event.get("usage"), dict):
            self.usage = Usage.from_json(event["usage"])
        choices = event.get("choices") or []
        if not choices or not isinstance(choices[0], dict):
            return ""
        choice = choices[0]
        self.finish_reason = choice.get("finish_reason") or self.finish_reason
        delta = choice.get("delta") or {}
        for fragment in delta.get("tool_calls") or ():
            self._add_call_fragment(fragment)
        content = delta.get("content")
        text = content if isinstance(content, str) else ""
        self.text.append(text)
        return text

    def _add_call_fragment(self, fragment: Mapping[str, Any]) -> None:
        # The first fragment of a call brings its id and name; later ones add pieces of arguments.
        index = fragment.get("index")
        call_id = fragment.get("id")
        if not isinstance(index, int):
            # Some servers omit the index: a new id starts a call, no id continues the last one.
            by_id = {draft.id: i for i, draft in self.calls.items()}
            if call_id in by_id:
                index = by_id[call_id]
            else:
                index = len(self.calls) if call_id else max(self.calls, default=0)
        draft = self.calls.setdefault(index, _CallDraft())
        draft.id = draft.id or str(call_id or "")
        function = fragment.get("function") or {}
        draft.name = draft.name or str(function.get("name") or "")
        if isinstance(function.get("arguments"), str):
            draft.arguments.append(function["arguments"])

    def reply(self, provider: str) -> Reply:
        calls = tuple(
            ToolCall(draft.id, draft.name, "".join(draft.arguments) or "{}")
            for _, draft in sorted(self.calls.items())
        )
        return Reply(
            text="".join(self.text),
            tool_calls=calls,
            usage=self.usage,
            model=self.model,
            provider=provider,
            finish_reason=self.finish_reason,
        )


async def _each_within(
    chunks: AsyncIterator[bytes], seconds: float, on_timeout: ProviderError
) -> AsyncIterator[bytes]:
    """The chunks, each of which must arrive within `seconds` of the previous one."""
    while True:
        try:
            chunk = await asyncio.wait_for(anext(chunks), seconds)
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise on_timeout from None
        yield chunk


def _content_text(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # some servers answer with content parts
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def server_message(body: bytes) -> str:
    """The provider's own error message from an error body, else the start of the body."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return text[:200]
    if isinstance(data, dict):
        error = data.get("error", data)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"][:500]
        if isinstance(error, str):
            return error[:500]
    return text[:200]


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    try:
        return max(float(value.strip()), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _is_json_body(response: HttpResponse) -> bool:
    """A JSON answer (not `text/event-stream`) to a streaming request."""
    kind = response.headers.get("content-type", "").lower()
    return "json" in kind and "event-stream" not in kind
