"""The provider interface: every model call of the VM, agents and judge alike, goes through it (L§7.4).

An implementation answers `complete`; `stream`, the judge operations and summaries have defaults
built on `complete` (with the judge model, as stdlib §4.4 says), which the offline provider replaces
by its rules (stdlib §4.5) and the cassette providers by recorded answers (stdlib §4.6).
"""

from __future__ import annotations

import abc
from collections.abc import AsyncGenerator, AsyncIterator

from .effects import LIVE_EFFECTS, Effects
from .judge import (
    Choice,
    Classification,
    ConditionCheck,
    Judgement,
    SummaryRequest,
    classification_request,
    condition_request,
    read_classification_answer,
    read_condition_answer,
    run_judge_attempts,
    summary_request,
)
from .messages import ModelRequest, Reply


class ReplyStream:
    """A reply arriving in pieces: iterate for text chunks, then read `reply` for the whole of it.

    `reply` (text, tool calls, usage) is available once iteration has finished; `collect()` does both.
    """

    def __init__(self, events: AsyncGenerator[str | Reply, None]) -> None:
        self._events = events
        self._reply: Reply | None = None

    def __aiter__(self) -> AsyncIterator[str]:
        return self

    async def __anext__(self) -> str:
        if self._reply is not None:
            raise StopAsyncIteration
        try:
            event = await anext(self._events)
        except StopAsyncIteration:
            raise RuntimeError("a provider stream ended without its final reply") from None
        if isinstance(event, Reply):
            self._reply = event
            await self._events.aclose()  # run the producer's clean-up (closes its connection)
            raise StopAsyncIteration
        return event

    @property
    def reply(self) -> Reply:
        if self._reply is None:
            raise RuntimeError("the stream has not finished yet")
        return self._reply

    async def collect(self) -> Reply:
        async for _ in self:
            pass
        return self.reply

    async def aclose(self) -> None:
        await self._events.aclose()


class Provider(abc.ABC):
    """One interface for every model call (agents, judge, summaries)."""

    # Where the program's effects go; only the cassette providers change it (stdlib §4.6).
    effects: Effects = LIVE_EFFECTS

    def provider_id_for(self, model: str) -> str:
        """The provider id that serves `model` (`offline`, `openai`, `deepseek`, …), for traces."""
        return ""

    @abc.abstractmethod
    async def complete(self, request: ModelRequest) -> Reply:
        """The whole reply: text or tool calls. Raises ProviderError (E101, E102, E105, E202)."""

    def stream(self, request: ModelRequest) -> ReplyStream:
        """Text chunks as they arrive, then the reply; by default one chunk of the complete text."""

        async def events() -> AsyncGenerator[str | Reply, None]:
            reply = await self.complete(request)
            if reply.text:
                yield reply.text
            yield reply

        return ReplyStream(events())

    async def check(self, check: ConditionCheck) -> Judgement:
        """Condition check (L§7.4): after the last failed attempt, not matched."""
        request = condition_request(check)

        async def attempt() -> Judgement:
            return read_condition_answer((await self.complete(request)).text)

        return await run_judge_attempts(attempt, lambda reason: Judgement(False, 0.0, failure=reason))

    async def classify(self, classification: Classification) -> Choice:
        """Classification (L§7.4): after the last failed attempt, no label."""
        request = classification_request(classification)

        async def attempt() -> Choice:
            reply = await self.complete(request)
            return read_classification_answer(reply.text, classification.labels)

        return await run_judge_attempts(attempt, lambda reason: Choice(None, failure=reason))

    async def summarize(self, summary: SummaryRequest) -> str:
        """One-paragraph summary of older history messages, by the judge model (L§7.3.5)."""
        return (await self.complete(summary_request(summary))).text.strip()
