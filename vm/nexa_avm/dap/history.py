"""Execution history for stepping backwards: a light entry per statement, a snapshot at checkpoints,
and the model replies the run received.

The stepping hook records, before each statement, a light entry (the thread, the activation and its
pc: what `restorable` and `reverseContinue` need) and, at checkpoints, a full `Snapshot`: on entering
an activation (the first statement after the previous entry was of another frame: calls, returns,
thread switches) and every `CHECKPOINT_EVERY` statements. A snapshot is shallow and shares what did
not change: the locals dictionary is copied, values are shared; lists, dicts and struct fields held
directly by a local have their contents copied one level (they are restored in place, so aliases
still see one object); each agent's history list is shared (the VM replaces it on each commit and
never edits a committed one), the operand stack, handlers, loop counters and the position of each
`for` iterator are recorded.

Going back to a statement restores the nearest earlier checkpoint of its activation, then runs the
thread forward again to that statement (`rewind_to` says how many of the thread's statements to
pass; the session stops at the next one, without breakpoints, and drops the output meanwhile).
The replies of model calls made after the checkpoint are kept by `ReplyMemo` and answer the same
requests again, so neither the replay nor going forward again calls a model; the session replays
console input the same way. The replay assumes the thread does the same again: other effects
(files, tools, the clock, random numbers) happen again.

Only activations that are still running can be restored (the one paused and its callers, in the
same thread): `stepBack` is the reverse of `next`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from operator import attrgetter
from typing import Any

from ..interpreter import Frame, Interpreter, Rewind
from ..providers import Provider, ReplyStream
from ..values import StructValue

LIMIT = 200_000  # entries kept; the oldest are dropped first
CHECKPOINT_EVERY = 50  # statements between two snapshots of one activation

_ITERATOR_TYPES = (type(iter([])), type(iter("")), type(iter(())))


class Snapshot:
    """One entry: where a thread was before one statement and, at a checkpoint, the state of its
    activation (`locals` is None between checkpoints). See the module's docstring.

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
        # (seq, ((agent, history, last_reply), …)) each time the agents' state changed
        self.agent_states: list[tuple[int, tuple[Any, ...]]] = [(0, ())]
        self.record, self.clock, self._restart = self._make_recorder()
        if memo is not None:
            memo.clock = self.clock

    def _make_recorder(self) -> tuple[Callable[[Any, Frame], None], Callable[[], int], Callable[[int], None]]:
        """`record(task, frame)`, called by the stepping hook before every statement: kept small (its
        state lives in this closure); `clock()`, the number of the last statement recorded;
        `restart(seq)`, the next statement recorded is number `seq` and a checkpoint."""
        history = self
        entries = self.entries
        append = entries.append
        agents = self.vm.all_agents  # the VM appends to this very list
        seen: list[Any] = []  # the agents' history lists at the last change
        history_of = attrgetter("history")
        containers_types = (list, dict, StructValue)
        seq = 0
        checkpoint_frame: Frame | None = None  # the activation of the last entry
        checkpoint_due = 0  # the number of the next statement of it that gets a snapshot

        def record(task: Any, frame: Frame) -> None:
            nonlocal seq, checkpoint_frame, checkpoint_due
            seq += 1
            if agents:
                # a commit replaces an agent's history list, so a change shows in this (C-level) test
                now = list(map(history_of, agents))
                if now != seen:
                    seen[:] = now
                    history.agent_states.append((seq, tuple((a, a.history, a.last_reply) for a in agents)))
            if frame is checkpoint_frame and seq < checkpoint_due:
                append((seq, task, frame, frame.pc - 1, None, None))
                return
            checkpoint_frame, checkpoint_due = frame, seq + CHECKPOINT_EVERY
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

        def clock() -> int:
            return seq

        def restart(next_seq: int) -> None:
            nonlocal seq, checkpoint_frame
            seq, checkpoint_frame = next_seq - 1, None

        return record, clock, restart

    def restorable(self, task: Any, frame: Frame) -> list[int]:
        """Indexes of snapshots (newest first) that can be restored from `frame` in `task`: those of
        `frame` and its callers, taken in the same thread before the statement it is stopped at."""
        chain: set[int] = set()
        walk: Frame | None = frame
        while walk is not None:
            chain.add(id(walk))
            walk = walk.parent
        found = []
        at_current = True  # the newest entry of the thread is the statement it is stopped at
        for index in range(len(self.entries) - 1, -1, -1):
            entry = self.entries[index]
            if entry[1] is not task:
                continue
            if at_current:
                at_current = False
                continue
            if id(entry[2]) in chain:
                found.append(index)
        # the oldest entries may have lost their checkpoint to LIMIT: those cannot be restored
        checkpointed: set[int] = set()
        restorable = []
        for index in reversed(found):
            entry = self.entries[index]
            if entry[4] is not None:
                checkpointed.add(id(entry[2]))
            if id(entry[2]) in checkpointed:
                restorable.append(index)
        restorable.reverse()
        return restorable

    def snapshot(self, index: int) -> Snapshot:
        return Snapshot(self.entries[index])

    def rewind_to(self, index: int) -> tuple[Rewind, int]:
        """Go back to the statement of entry `index` (one of `restorable`'s): forget what happened
        after the nearest earlier checkpoint of its activation and return the Rewind that restores
        that checkpoint, with the number of the thread's statements to run again before it."""
        target = self.entries[index]
        task, frame = target[1], target[2]
        start = index
        while self.entries[start][4] is None or self.entries[start][2] is not frame:
            start -= 1
        again = sum(1 for entry in self.entries[start:index] if entry[1] is task)
        entry = Snapshot(self.entries[start])
        del self.entries[start:]  # the hook records the restored statement again
        self._restart(entry.seq)
        states = self.agent_states
        while len(states) > 1 and states[-1][0] > entry.seq:
            states.pop()
        agents = states[-1][1]
        if self.memo is not None:
            self.memo.rewind(entry.seq)
        return Rewind(entry.frame, lambda: _restore(entry, agents)), again


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
