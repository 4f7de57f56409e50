"""Execution history for stepping backwards: a light entry per statement, a snapshot at checkpoints,
and the model replies the run received.

The stepping hook records, before each statement, its pc (its thread and activation are those of the
last checkpoint: what `restorable` and `reverseContinue` need; between two checkpoints the
interpreter's quiet runs append it themselves) and, at checkpoints, a `Snapshot`: on entering
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

from bisect import bisect_left, bisect_right
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from operator import attrgetter
from typing import Any

from ..interpreter import Frame, Interpreter, Rewind
from ..providers import Provider, ReplyStream
from ..values import StructValue

LIMIT = 200_000  # entries kept; the oldest are dropped first
CHECKPOINT_EVERY = 50  # statements between two snapshots of one activation

_ITERATOR_TYPES = (type(iter([])), type(iter("")), type(iter(())))
_CONTAINER_TYPES = (list, dict, StructValue)
_history_of = attrgetter("history")
_last_reply_of = attrgetter("last_reply")
_NO_LOCALS: dict[str, Any] = {}  # the saved locals of every activation that had none (never written)


class Snapshot:
    """A checkpoint: where a thread was before one statement and the state of its activation. See
    the module's docstring.

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


def _restore(entry: Snapshot, agents: tuple[tuple[Any, ...], ...]) -> None:
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
    for agent, history, last_reply in zip(*agents, strict=True):
        agent.history = history
        agent.last_reply = last_reply
    if run is not None:
        state, messages, attempts, input_text, reply_text = run
        state.messages = list(messages)
        state.attempts, state.input_text, state.reply_text = attempts, input_text, reply_text


class History:
    """Statements are numbered from 1 (`clock()` is the number of the last one). `pcs[n - base]`
    is the frame's pc when the hook ran before statement n (one past its first instruction);
    `checkpoints` (in order, numbers in `checkpoint_seqs`) are snapshots, and every statement from
    one checkpoint to the next is of that checkpoint's thread and activation (a checkpoint is taken
    whenever the activation changes).

    The stepping hook (session.py) calls `checkpoint` when the activation changes or
    `CHECKPOINT_EVERY` statements have passed, otherwise it (or the interpreter, in a quiet run)
    only appends the pc to `pcs`, which is therefore only ever changed in place; it sets
    `forget_activation`, which makes its next statement a checkpoint."""

    def __init__(self, vm: Interpreter, memo: ReplyMemo | None) -> None:
        self.vm = vm
        self.memo = memo
        self.pcs: list[int] = []
        self.base = 1
        self.checkpoints: list[tuple[Any, ...]] = []
        self.checkpoint_seqs: list[int] = []
        self.forget_activation: Callable[[], None] = lambda: None
        # (seq, (agents, their histories, their last replies)) each time the agents' state changed
        self.agent_states: list[tuple[int, tuple[tuple[Any, ...], ...]]] = [(0, ((), (), ()))]
        self._agents_seen = 0  # len(vm.all_agents) at the last look
        self._commits_seen = 0  # vm.agent_commits at the last look
        if memo is not None:
            memo.clock = self.clock

    def clock(self) -> int:
        return self.base + len(self.pcs) - 1

    def note_agents(self, seq: int) -> None:
        """Called at a checkpoint (`seq`) when agents were created or committed a reply (or a
        `restore` put histories back) since the last look. A commit replaces an agent's history
        list, never edits it, so sharing the lists is a copy. Only checkpoints are ever restored,
        so the agents' state before each of them is all a rewind needs: a change between two
        checkpoints is recorded at the next one."""
        agents = tuple(self.vm.all_agents)
        state = (agents, tuple(map(_history_of, agents)), tuple(map(_last_reply_of, agents)))
        self.agent_states.append((seq, state))

    def checkpoint(self, task: Any, frame: Frame) -> None:
        """Record the statement `frame` is at with a snapshot of its activation."""
        locals_ = frame.locals
        containers = None
        if locals_:
            saved = locals_.copy()
            for value in saved.values():
                kind = type(value)
                if kind in _CONTAINER_TYPES:
                    if containers is None:
                        containers = []
                    if kind is list:
                        containers.append((value, list(value)))
                    elif kind is dict:
                        containers.append((value, dict(value)))
                    else:
                        containers.append((value.fields, dict(value.fields)))
        else:
            saved = _NO_LOCALS
        if containers or frame.stack or frame.handlers or frame.loops or frame.contexts or frame.run:
            extra = _extra_state(frame, containers)
        else:
            extra = None
        pcs = self.pcs
        pc = frame.pc
        pcs.append(pc)
        count = len(pcs)
        seq = self.base + count - 1
        vm = self.vm
        if vm.agent_commits != self._commits_seen or len(vm.all_agents) != self._agents_seen:
            self._commits_seen, self._agents_seen = vm.agent_commits, len(vm.all_agents)
            self.note_agents(seq)
        self.checkpoints.append((seq, task, frame, pc - 1, saved, extra))
        self.checkpoint_seqs.append(seq)
        if count > LIMIT:  # forget the oldest, from a checkpoint on
            keep = bisect_left(self.checkpoint_seqs, self.base + LIMIT // 10)
            first = self.checkpoint_seqs[keep]
            del self.pcs[: first - self.base]
            del self.checkpoints[:keep]
            del self.checkpoint_seqs[:keep]
            self.base = first

    def _runs(self) -> Iterator[tuple[tuple[Any, ...], int, int]]:
        """(checkpoint, first statement, statement after the last) of each checkpoint, newest first."""
        after = self.clock() + 1
        for index in range(len(self.checkpoints) - 1, -1, -1):
            entry = self.checkpoints[index]
            yield entry, entry[0], after
            after = entry[0]

    def restorable(self, task: Any, frame: Frame) -> list[int]:
        """Numbers of the statements (newest first) that can be gone back to from `frame` in `task`:
        those of `frame` and its callers, run in the same thread before the one it is stopped at."""
        chain: set[int] = set()
        walk: Frame | None = frame
        while walk is not None:
            chain.add(id(walk))
            walk = walk.parent
        found: list[int] = []
        at_current = True  # the newest statement of the thread is the one it is stopped at
        for entry, first, after in self._runs():
            if entry[1] is not task:
                continue
            if at_current:
                at_current = False
                after -= 1
            if id(entry[2]) in chain:
                found.extend(range(after - 1, first - 1, -1))
        return found

    def where(self, seq: int) -> tuple[Frame, int]:
        """The activation and pc of statement `seq`."""
        entry = self.checkpoints[bisect_right(self.checkpoint_seqs, seq) - 1]
        return entry[2], self.pcs[seq - self.base] - 1

    def rewind_to(self, seq: int) -> tuple[Rewind, int]:
        """Go back to statement `seq` (one of `restorable`'s): forget what happened after the
        nearest earlier checkpoint of its activation and return the Rewind that restores that
        checkpoint, with the number of the thread's statements to run again before `seq`."""
        index = bisect_right(self.checkpoint_seqs, seq) - 1
        task, frame = self.checkpoints[index][1], self.checkpoints[index][2]
        while self.checkpoints[index][2] is not frame or self.checkpoints[index][1] is not task:
            index -= 1
        entry = Snapshot(self.checkpoints[index])
        again = 0
        for later, first, after in self._runs():
            if later[0] < entry.seq:
                break
            if later[1] is task and first < seq:
                again += min(after, seq) - first
        del self.checkpoints[index:]
        del self.checkpoint_seqs[index:]
        del self.pcs[entry.seq - self.base :]  # the hook records the restored statement again
        self.forget_activation()
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

    async def _answer(self, kind: str, request: Any, call: Callable[[Any], Awaitable[Any]]) -> Any:
        answer = self._take(kind, request)
        if answer is _MISSING:
            answer = await call(request)
        self.log.append((self.clock(), kind, request, answer))
        return answer

    # The requests return `_answer`'s coroutine itself: no coroutine of their own to run.

    def complete(self, request: Any) -> Awaitable[Any]:
        return self._answer("complete", request, self.inner.complete)

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

    def check(self, check: Any) -> Awaitable[Any]:
        return self._answer("check", check, self.inner.check)

    def classify(self, classification: Any) -> Awaitable[Any]:
        return self._answer("classify", classification, self.inner.classify)

    def summarize(self, summary: Any) -> Awaitable[Any]:
        return self._answer("summarize", summary, self.inner.summarize)


_MISSING = object()
