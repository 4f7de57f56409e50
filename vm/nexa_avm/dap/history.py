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

from collections.abc import AsyncGenerator, Awaitable, Callable
from operator import attrgetter
from typing import Any

from ..interpreter import Frame, Interpreter, Rewind
from ..providers import Provider, ReplyStream
from ..values import StructValue

LIMIT = 200_000  # snapshots kept; the oldest are dropped first

_ITERATOR_TYPES = (type(iter([])), type(iter("")), type(iter(())))


class Snapshot:
    """The state of one activation before one statement: see the module's docstring.

    Entries are recorded as plain tuples (the hook's hot path) and read through this class."""

    __slots__ = ("seq", "task", "frame", "pc", "locals", "extra")

    def __init__(self, entry: tuple[Any, ...]) -> None:
        self.seq, self.task, self.frame, self.pc, self.locals, self.extra = entry


def _extra_state(frame: Frame, containers: list[tuple[Any, Any]] | None) -> tuple[Any, ...]:
    """What besides the locals a restore needs (the recorder skips it when there is nothing)."""
    stack, handlers, loops, contexts, run = (
        frame.stack,
        frame.handlers,
        frame.loops,
        frame.contexts,
        frame.run,
    )
    return (
        containers,
        list(stack) if stack else None,
        [(item, item.__reduce__()) for item in stack if type(item) in _ITERATOR_TYPES] if stack else None,
        list(handlers) if handlers else None,
        [(s, s.count, s.last_result) for s in loops] if loops else None,
        list(contexts) if contexts else None,
        None if run is None else (run, list(run.messages), run.attempts, run.input_text, run.reply_text),
    )


def _restore(entry: Snapshot, agents: tuple[Any, ...]) -> None:
    frame = entry.frame
    frame.pc = entry.pc
    frame.locals.clear()
    frame.locals.update(entry.locals)
    containers = stack = iterators = handlers = loops = contexts = run = None
    if entry.extra is not None:
        containers, stack, iterators, handlers, loops, contexts, run = entry.extra
    for container, contents in containers or ():
        if type(container) is list:
            container[:] = contents
        else:
            container.clear()
            container.update(contents)
    frame.stack[:] = stack or ()
    for iterator, reduced in iterators or ():
        if len(reduced) > 2:
            iterator.__setstate__(reduced[2])
    frame.handlers[:] = handlers or ()
    for state, count, last in loops or ():
        state.count, state.last_result = count, last
    frame.loops[:] = [s for s, _, _ in loops or ()]
    frame.contexts[:] = contexts or ()
    for agent, history, last_reply in agents:
        agent.history = history
        agent.last_reply = last_reply
    if run is not None:
        state, messages, attempts, input_text, reply_text = run
        state.messages = list(messages)
        state.attempts, state.input_text, state.reply_text = attempts, input_text, reply_text


class History:
    def __init__(self, vm: Interpreter, memo: ReplyMemo | None) -> None:
        self.vm = vm
        self.memo = memo
        self.entries: list[tuple[Any, ...]] = []
        self.seq = 0
        # (seq, ((agent, history, last_reply), …)) each time the agents' state changed
        self.agent_states: list[tuple[int, tuple[Any, ...]]] = [(0, ())]
        self.record = self._make_recorder()

    def _make_recorder(self) -> Any:
        """`record(task, frame)`, called by the stepping hook before every statement: kept small."""
        history = self
        entries = self.entries
        append = entries.append
        agents = self.vm.all_agents  # the VM appends to this very list
        if self.memo is not None:
            self.memo.clock = lambda: history.seq
        seen: list[Any] = []  # the agents' history lists at the last change
        history_of = attrgetter("history")
        containers_types = (list, dict, StructValue)

        def record(task: Any, frame: Frame) -> None:
            seq = history.seq = history.seq + 1
            if agents:
                # a commit replaces an agent's history list, so a change shows in this (C-level) test
                now = list(map(history_of, agents))
                if now != seen:
                    seen[:] = now
                    history.agent_states.append((seq, tuple((a, a.history, a.last_reply) for a in agents)))
            locals_ = frame.locals
            containers = None
            for value in locals_.values():
                if type(value) in containers_types:
                    if containers is None:
                        containers = []
                    if type(value) is list:
                        containers.append((value, list(value)))
                    elif type(value) is dict:
                        containers.append((value, dict(value)))
                    else:
                        containers.append((value.fields, dict(value.fields)))
            if containers or frame.stack or frame.handlers or frame.loops or frame.contexts or frame.run:
                extra = _extra_state(frame, containers)
            else:
                extra = None
            append((seq, task, frame, frame.pc - 1, dict(locals_), extra))
            if len(entries) > LIMIT:
                del entries[: LIMIT // 10]

        return record

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
            if entry[1] is not task:
                continue
            if at_current:
                at_current = False
                continue
            if id(entry[2]) in chain:
                found.append(index)
        return found

    def snapshot(self, index: int) -> Snapshot:
        return Snapshot(self.entries[index])

    def rewind_to(self, index: int) -> Rewind:
        """Forget what happened after snapshot `index` and return the Rewind that restores it."""
        entry = Snapshot(self.entries[index])
        del self.entries[index:]  # the hook records the restored statement again
        self.seq = entry.seq - 1
        states = self.agent_states
        while len(states) > 1 and states[-1][0] > entry.seq:
            states.pop()
        agents = states[-1][1]
        if self.memo is not None:
            self.memo.rewind(entry.seq)
        return Rewind(entry.frame, lambda: _restore(entry, agents))


class ReplyMemo(Provider):
    """Wraps the run's provider and remembers each reply with the time (snapshot number) it came
    at. After a rewind, the replies that came later answer the same requests again, in order.

    Requests are keyed by their text form, computed only when there is something to match: at a
    rewind for the replies put back, and for a new request only while put-back replies wait."""

    def __init__(self, inner: Provider) -> None:
        self.inner = inner
        self.effects = inner.effects
        self.clock: Callable[[], int] = lambda: 0
        self.log: list[tuple[int, str, Any, Any]] = []  # (time, kind, request, answer)
        self.pool: dict[str, list[Any]] = {}
        self.replayed = 0

    def provider_id_for(self, model: str) -> str:
        return self.inner.provider_id_for(model)

    def rewind(self, seq: int) -> None:
        kept = []
        for entry in self.log:
            if entry[0] >= seq:
                self.pool.setdefault(entry[1] + repr(entry[2]), []).append(entry[3])
            else:
                kept.append(entry)
        self.log = kept

    def _take(self, kind: str, request: Any) -> Any:
        if not self.pool:
            return _MISSING
        waiting = self.pool.get(kind + repr(request))
        if not waiting:
            return _MISSING
        self.replayed += 1
        return waiting.pop(0)

    async def _answer(self, kind: str, request: Any, call: Callable[[], Awaitable[Any]]) -> Any:
        answer = self._take(kind, request)
        if answer is _MISSING:
            answer = await call()
        self.log.append((self.clock(), kind, request, answer))
        return answer

    async def complete(self, request: Any) -> Any:
        return await self._answer("complete", request, lambda: self.inner.complete(request))

    def stream(self, request: Any) -> ReplyStream:
        recorded = self._take("complete", request)

        async def events() -> AsyncGenerator[Any, None]:
            if recorded is not _MISSING:
                reply = recorded
                if reply.text:
                    yield reply.text
            else:
                stream = self.inner.stream(request)
                async for chunk in stream:
                    yield chunk
                reply = stream.reply
            self.log.append((self.clock(), "complete", request, reply))
            yield reply

        return ReplyStream(events())

    async def check(self, check: Any) -> Any:
        return await self._answer("check", check, lambda: self.inner.check(check))

    async def classify(self, classification: Any) -> Any:
        return await self._answer("classify", classification, lambda: self.inner.classify(classification))

    async def summarize(self, summary: Any) -> Any:
        return await self._answer("summarize", summary, lambda: self.inner.summarize(summary))


_MISSING = object()
