"""Cassettes: `--record FILE` and `--replay FILE` (stdlib §4.6).

A cassette is JSON Lines, one line per provider exchange:
`{"key", "kind", "provider", "model", "request", "response"}`, where `key` is the SHA-256 of the
canonical JSON (sorted keys, no spaces) of `request` = `{model, messages, tools, params}`, and
`response` holds the text and tool calls, the stream chunks, a judgement, or the final error. Effects
are lines of kind `"effect"` keyed by call site and sequence number. The replaying provider answers
from the file alone and never contacts a server; a request it has no entry for is E102.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict, deque
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .base import Provider, ReplyStream
from .effects import Compute, Effects
from .errors import ProviderError
from .judge import (
    Choice,
    Classification,
    ConditionCheck,
    Judgement,
    SummaryRequest,
    classification_request,
    condition_request,
    summary_request,
)
from .messages import ModelRequest, Reply

JsonObject = dict[str, Any]


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Exchange:
    """What a request is keyed by: its kind and `{model, messages, tools, params}`."""

    kind: str  # "chat", "stream", "judge", "classify", "summary"
    request: JsonObject

    @property
    def key(self) -> str:
        return hashlib.sha256(canonical_json(self.request).encode("utf-8")).hexdigest()


def chat_exchange(request: ModelRequest, *, is_stream: bool = False) -> Exchange:
    params = request.params() | ({"stream": True} if is_stream else {})
    return Exchange("stream" if is_stream else "chat", _request_json(request, params))


def judge_exchange(check: ConditionCheck) -> Exchange:
    # Keyed by the prompt a model judge would get, so the key is the same for every provider.
    request = condition_request(check)
    params = request.params() | {"judge": "condition", "purpose": check.purpose.value}
    return Exchange("judge", _request_json(request, params))


def classify_exchange(classification: Classification) -> Exchange:
    request = classification_request(classification)
    return Exchange("classify", _request_json(request, request.params() | {"judge": "classification"}))


def summary_exchange(summary: SummaryRequest) -> Exchange:
    request = summary_request(summary)
    return Exchange("summary", _request_json(request, request.params() | {"summary": True}))


def _request_json(request: ModelRequest, params: JsonObject) -> JsonObject:
    return {
        "model": request.model,
        "messages": [message.to_json() for message in request.messages],
        "tools": [tool.to_json() for tool in request.tools],
        "params": params,
    }


def error_json(error: ProviderError) -> JsonObject:
    return {
        "code": error.code,
        "message": error.message,
        "reason": error.reason,
        "provider": error.provider,
        "model": error.model,
        "status": error.status,
        "timeout": error.timeout,
        "attempts": error.attempts,
    }


def error_from_json(data: Mapping[str, Any]) -> ProviderError:
    # Replayed errors are final: the retries already happened when the cassette was recorded.
    error = ProviderError(
        str(data.get("code") or "E102"),
        str(data.get("message") or data.get("reason") or ""),
        reason=str(data.get("reason") or ""),
        provider=str(data.get("provider") or ""),
        model=str(data.get("model") or ""),
        status=data.get("status"),
        timeout=data.get("timeout"),
    )
    error.attempts = int(data.get("attempts") or 1)
    return error


# ---- the file ----


class CassetteWriter:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.open("a", encoding="utf-8").close()
        except OSError as error:
            raise ProviderError.invalid_config("--record", f"cannot write '{path}': {error}") from None

    def write(self, entry: JsonObject) -> None:
        # One short append per exchange: lines of concurrent agents never interleave, and a run
        # that dies half-way leaves every finished exchange on disk.
        with self.path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def write_exchange(self, exchange: Exchange, *, provider: str, model: str, response: JsonObject) -> None:
        self.write(
            {
                "key": exchange.key,
                "kind": exchange.kind,
                "provider": provider,
                "model": model,
                "request": exchange.request,
                "response": response,
            }
        )


class CassetteReader:
    """Entries by key, served in recorded order; the last one of a key repeats when used up."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._entries: dict[str, deque[JsonObject]] = defaultdict(deque)
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise ProviderError.invalid_config("--replay", f"cannot read '{path}': {error}") from None
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                entry = None
            if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
                raise ProviderError.invalid_config(
                    "--replay", f"line {number} of '{path}' is not a cassette entry"
                )
            self._entries[entry["key"]].append(entry)

    def take(self, key: str) -> JsonObject | None:
        queue = self._entries.get(key)
        if not queue:
            return None
        return queue.popleft() if len(queue) > 1 else queue[0]


# ---- recording ----


class RecordingProvider(Provider):
    """Passes every request to `inner` and writes each exchange, failures included."""

    def __init__(self, inner: Provider, path: Path) -> None:
        self.inner = inner
        self.writer = CassetteWriter(path)
        self.effects = RecordedEffects(self.writer)

    def provider_id_for(self, model: str) -> str:
        return self.inner.provider_id_for(model)

    async def complete(self, request: ModelRequest) -> Reply:
        exchange = chat_exchange(request)
        try:
            reply = await self.inner.complete(request)
        except ProviderError as error:
            self._write(exchange, request.model, {"error": error_json(error)})
            raise
        self._write(exchange, request.model, _reply_json(reply), provider=reply.provider)
        return reply

    def stream(self, request: ModelRequest) -> ReplyStream:
        exchange = chat_exchange(request, is_stream=True)

        async def events() -> AsyncGenerator[str | Reply, None]:
            chunks: list[str] = []
            inner = self.inner.stream(request)
            try:
                async for chunk in inner:
                    chunks.append(chunk)
                    yield chunk
            except ProviderError as error:
                self._write(exchange, request.model, {"chunks": chunks, "error": error_json(error)})
                raise
            reply = inner.reply
            response = _reply_json(reply) | {"chunks": chunks}
            self._write(exchange, request.model, response, provider=reply.provider)
            yield reply

        return ReplyStream(events())

    async def check(self, check: ConditionCheck) -> Judgement:
        judgement = await self.inner.check(check)
        response = {
            "matched": judgement.matched,
            "confidence": judgement.confidence,
            "failure": judgement.failure,
        }
        self._write(judge_exchange(check), check.model, response)
        return judgement

    async def classify(self, classification: Classification) -> Choice:
        choice = await self.inner.classify(classification)
        response = {"label": choice.label, "failure": choice.failure}
        self._write(classify_exchange(classification), classification.model, response)
        return choice

    async def summarize(self, summary: SummaryRequest) -> str:
        exchange = summary_exchange(summary)
        try:
            text = await self.inner.summarize(summary)
        except ProviderError as error:
            self._write(exchange, summary.model, {"error": error_json(error)})
            raise
        self._write(exchange, summary.model, {"text": text})
        return text

    def _write(self, exchange: Exchange, model: str, response: JsonObject, *, provider: str = "") -> None:
        provider = provider or self.inner.provider_id_for(model)
        self.writer.write_exchange(exchange, provider=provider, model=model, response=response)


def _reply_json(reply: Reply) -> JsonObject:
    return reply.to_json() | {"attempts": reply.attempts}


class RecordedEffects(Effects):
    def __init__(self, writer: CassetteWriter) -> None:
        self.writer = writer
        self.counts: dict[str, int] = defaultdict(int)

    async def run(self, site: str, compute: Compute) -> Any:
        self.counts[site] += 1
        sequence = self.counts[site]
        value = await super().run(site, compute)
        try:
            self.writer.write(
                {
                    "key": effect_key(site, sequence),
                    "kind": "effect",
                    "site": site,
                    "seq": sequence,
                    "value": value,
                }
            )
        except (TypeError, ValueError) as error:
            raise ProviderError(
                "E100",
                f"cannot record the effect at {site}: {error}",
                reason=f"the value is not JSON ({error})",
            ) from None
        return value


def effect_key(site: str, sequence: int) -> str:
    return f"effect:{site}#{sequence}"


# ---- replay ----


class ReplayingProvider(Provider):
    """Answers from a cassette only: the same replies, chunks, judgements and errors as recorded."""

    def __init__(self, path: Path) -> None:
        self.cassette = CassetteReader(path)
        self.effects = ReplayedEffects(self.cassette)
        self._providers: dict[str, str] = {}

    def provider_id_for(self, model: str) -> str:
        return self._providers.get(model, "")

    def _entry(self, exchange: Exchange, model: str) -> JsonObject:
        entry = self.cassette.take(exchange.key)
        if entry is None:
            raise ProviderError.call_failed(
                provider="",
                model=model,
                reason=f"no cassette entry for this request (key {exchange.key[:12]}…)",
            )
        self._providers[model] = str(entry.get("provider") or "")
        response = entry.get("response")
        return response if isinstance(response, dict) else {}

    async def complete(self, request: ModelRequest) -> Reply:
        response = self._entry(chat_exchange(request), request.model)
        if "error" in response:
            raise error_from_json(response["error"])
        return _reply_from_json(response, self.provider_id_for(request.model))

    def stream(self, request: ModelRequest) -> ReplyStream:
        async def events() -> AsyncGenerator[str | Reply, None]:
            response = self._entry(chat_exchange(request, is_stream=True), request.model)
            for chunk in response.get("chunks") or ():
                yield str(chunk)
            if "error" in response:
                raise error_from_json(response["error"])
            yield _reply_from_json(response, self.provider_id_for(request.model))

        return ReplyStream(events())

    async def check(self, check: ConditionCheck) -> Judgement:
        response = self._entry(judge_exchange(check), check.model)
        return Judgement(
            bool(response.get("matched")),
            float(response.get("confidence") or 0.0),
            failure=response.get("failure"),
        )

    async def classify(self, classification: Classification) -> Choice:
        response = self._entry(classify_exchange(classification), classification.model)
        return Choice(response.get("label"), failure=response.get("failure"))

    async def summarize(self, summary: SummaryRequest) -> str:
        response = self._entry(summary_exchange(summary), summary.model)
        if "error" in response:
            raise error_from_json(response["error"])
        return str(response.get("text") or "")


def _reply_from_json(response: Mapping[str, Any], provider: str) -> Reply:
    reply = Reply.from_json(response, provider=provider)
    attempts = response.get("attempts")
    return reply._replace(attempts=attempts) if isinstance(attempts, int) else reply


class ReplayedEffects(Effects):
    def __init__(self, cassette: CassetteReader) -> None:
        self.cassette = cassette
        self.counts: dict[str, int] = defaultdict(int)

    async def run(self, site: str, compute: Compute) -> Any:
        self.counts[site] += 1
        entry = self.cassette.take(effect_key(site, self.counts[site]))
        if entry is None:
            raise ProviderError(
                "E100",
                f"no cassette entry for the effect at {site} (call {self.counts[site]})",
                reason="no cassette entry for this effect",
            )
        return entry.get("value")
