"""Execution history for stepping backwards: snapshots at statement boundaries and the model replies
the run received.

A `Snapshot` is taken by the stepping hook before each statement. It is shallow and shares what did
not change: the locals dictionary is copied, values are shared; lists, dicts and struct fields held
directly by a local have their contents copied one level (they are restored in place, so aliases
still see one object); each agent's history list is shared (the VM replaces it on each commit and
never edits a committed one), the operand stack, handlers, loop counters and the position of each
`for` iterator are recorded. Restoring a snapshot puts the activation back at that statement.

Only activations that are still running can be restored (the one paused and its callers, in the
same thread): `stepBack` is the reverse of `next`. The replies of model calls made after the
restored point are kept by `ReplyMemo` and answer the same requests again, so going forward again
after a step back does not call a model.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

from ..interpreter import Frame, Interpreter, Rewind
from ..providers import Provider, ReplyStream
from ..values import StructValue

LIMIT = 200_000  # snapshots kept; the oldest are dropped first

_ITERATOR_TYPES = (type(iter([])), type(iter("")), type(iter(())))


class Snapshot:
    __slots__ = (
        "seq",
        "task",
        "frame",
        "pc",
        "locals",
        "containers",
        "stack",
        "iterators",
        "handlers",
        "loops",
        "contexts",
        "agents",
        "run",
    )

    def __init__(self, seq: int, task: Any, frame: Frame, agents: tuple[Any, ...]) -> None:
        self.seq = seq
        self.task = task
        self.frame = frame
        self.pc = frame.pc - 1  # the hook runs after the statement's first instruction was fetched
        locals_ = frame.locals
        self.locals = dict(locals_)
        containers = None
        for value in locals_.values():
            kind = type(value)
            if kind is list:
                containers = containers or []
                containers.append((value, list(value)))
            elif kind is dict:
                containers = containers or []
                containers.append((value, dict(value)))
            elif kind is StructValue:
                containers = containers or []
                containers.append((value.fields, dict(value.fields)))
        self.containers = containers
        stack = frame.stack
        if stack:
            self.stack: list[Any] | None = list(stack)
            self.iterators = [(item, item.__reduce__()) for item in stack if type(item) in _ITERATOR_TYPES]
        else:
            self.stack = self.iterators = None
        self.handlers = list(frame.handlers) if frame.handlers else None
        self.loops = [(s, s.count, s.last_result) for s in frame.loops] if frame.loops else None
        self.contexts = list(frame.contexts) if frame.contexts else None
        self.agents = agents
        run = frame.run
        self.run = (
            None if run is None else (run, list(run.messages), run.attempts, run.input_text, run.reply_text)
        )

    def restore(self) -> None:
        frame = self.frame
        frame.pc = self.pc
        frame.locals.clear()
        frame.locals.update(self.locals)
        for container, contents in self.containers or ():
            if type(container) is list:
                container[:] = contents
            else:
                container.clear()
                container.update(contents)
        frame.stack[:] = self.stack or ()
        for iterator, reduced in self.iterators or ():
            if len(reduced) > 2:
                iterator.__setstate__(reduced[2])
        frame.handlers[:] = self.handlers or ()
        for state, count, last in self.loops or ():
            state.count, state.last_result = count, last
        frame.loops[:] = [s for s, _, _ in self.loops or ()]
        frame.contexts[:] = self.contexts or ()
        for agent, history, last_reply in self.agents:
            agent.history = history
            agent.last_reply = last_reply
        if self.run is not None:
            run, messages, attempts, input_text, reply_text = self.run
            run.messages = list(messages)
            run.attempts, run.input_text, run.reply_text = attempts, input_text, reply_text


class History:
    def __init__(self, vm: Interpreter, memo: ReplyMemo | None) -> None:
        self.vm = vm
        self.memo = memo
        self.entries: list[Snapshot] = []
        self.seq = 0
        self._agents_key: tuple[Any, ...] = ()
        self._agents: tuple[Any, ...] = ()

    def record(self, task: Any, frame: Frame) -> None:
        agents = self.vm.all_agents
        if agents:
            key = tuple(a.history for a in agents) + tuple(a.last_reply for a in agents)
            if len(key) != len(self._agents_key) or any(
                a is not b for a, b in zip(key, self._agents_key, strict=True)
            ):
                self._agents_key = key
                self._agents = tuple((a, a.history, a.last_reply) for a in agents)
        self.seq += 1
        if self.memo is not None:
            self.memo.clock = self.seq
        entries = self.entries
        entries.append(Snapshot(self.seq, task, frame, self._agents))
        if len(entries) > LIMIT:
            del entries[: LIMIT // 10]

    def restorable(self, task: Any, frame: Frame) -> list[int]:
        """Indexes of snapshots (newest first) that can be restored from `frame` in `task`: those of
        `frame` and its callers, taken in the same thread before the statement it is stopped at."""
        chain: set[int] = set()
        walk: Frame | None = frame
        while walk is not None:
            chain.add(id(walk))
            walk = walk.parent
        found = []
        at_current = True  # the newest snapshot of the thread is the statement it is stopped at
        for index in range(len(self.entries) - 1, -1, -1):
            entry = self.entries[index]
            if entry.task is not task:
                continue
            if at_current:
                at_current = False
                continue
            if id(entry.frame) in chain:
                found.append(index)
        return found

    def rewind_to(self, index: int) -> Rewind:
        """Forget what happened after snapshot `index` and return the Rewind that restores it."""
        entry = self.entries[index]
        del self.entries[index:]  # the hook records the restored statement again
        self.seq = entry.seq - 1
        if self.memo is not None:
            self.memo.rewind(entry.seq)
        return Rewind(entry.frame, entry.restore)


class ReplyMemo(Provider):
    """Wraps the run's provider and remembers each reply with the time (snapshot number) it came
    at. After a rewind, the replies that came later answer the same requests again, in order."""

    def __init__(self, inner: Provider) -> None:
        self.inner = inner
        self.effects = inner.effects
        self.clock = 0
        self.log: list[tuple[int, str, Any]] = []
        self.pool: dict[str, list[Any]] = {}
        self.replayed = 0

    def provider_id_for(self, model: str) -> str:
        return self.inner.provider_id_for(model)

    def rewind(self, seq: int) -> None:
        kept = []
        for entry in self.log:
            if entry[0] >= seq:
                self.pool.setdefault(entry[1], []).append(entry[2])
            else:
                kept.append(entry)
        self.log = kept

    async def _answer(self, kind: str, request: Any, call: Any) -> Any:
        key = kind + repr(request)
        waiting = self.pool.get(key)
        if waiting:
            answer = waiting.pop(0)
            self.replayed += 1
        else:
            answer = await call()
        self.log.append((self.clock, key, answer))
        return answer

    async def complete(self, request: Any) -> Any:
        return await self._answer("complete", request, lambda: self.inner.complete(request))

    def stream(self, request: Any) -> ReplyStream:
        key = "complete" + repr(request)
        if not self.pool.get(key):

            async def live() -> AsyncGenerator[Any, None]:
                stream = self.inner.stream(request)
                async for chunk in stream:
                    yield chunk
                self.log.append((self.clock, key, stream.reply))
                yield stream.reply

            return ReplyStream(live())

        async def replay() -> AsyncGenerator[Any, None]:
            reply = await self._answer("complete", request, _never)
            if reply.text:
                yield reply.text
            yield reply

        return ReplyStream(replay())

    async def check(self, check: Any) -> Any:
        return await self._answer("check", check, lambda: self.inner.check(check))

    async def classify(self, classification: Any) -> Any:
        return await self._answer("classify", classification, lambda: self.inner.classify(classification))

    async def summarize(self, summary: Any) -> Any:
        return await self._answer("summarize", summary, lambda: self.inner.summarize(summary))


async def _never() -> Any:
    raise asyncio.InvalidStateError("no recorded reply")
