"""The scheduler of agent runs (diagnostics.md §14.4 `[scheduler]`, `nexa run --max-concurrent/--strategy`).

A bound on concurrent runs (`max_concurrent`): DAG fan-outs (`|>>`, `||`, `join`, consensus) and the
branches of `fork … merge` each take a slot; when none is free they wait, and the strategy decides
who goes next when a slot is released:

* `round_robin` — the waiting names take turns (a name is an agent or a fork branch), FIFO per name;
* `least_loaded` — the name with the fewest runs holding a slot now, then arrival order;
* `weighted_fair` — the name with the smallest share used (runs started ÷ weight), then arrival;
* `priority` — the highest priority first, then arrival order;
* `adaptive` (default) — priority first, then least loaded, then the fewest runs started so far,
  then arrival: a busy agent does not starve a quiet one and urgent work still goes first.

A task that already holds a slot runs nested work without taking another (a branch whose agent
calls a tool that forks again cannot deadlock the bound).

Rate limits (`[scheduler.rate_limits]`: model pattern → requests per minute): requests to a model
matching a pattern (`fnmatch` globs; the first matching pattern counts) are spaced at least
60 / rpm seconds apart; a request that comes too early waits. The clock and the sleep are injectable
so that tests run on a fake clock.
"""

from __future__ import annotations

import asyncio
import contextvars
import fnmatch
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

STRATEGIES = ("round_robin", "least_loaded", "weighted_fair", "priority", "adaptive")
_holding: contextvars.ContextVar[bool] = contextvars.ContextVar("nexa_scheduler_slot", default=False)


class _Waiter:
    __slots__ = ("name", "priority", "weight", "order", "future")

    def __init__(
        self, name: str, priority: float, weight: float, order: int, future: asyncio.Future[None]
    ) -> None:
        self.name = name
        self.priority = priority
        self.weight = weight
        self.order = order
        self.future = future


class _Slot:
    def __init__(self, scheduler: Scheduler, name: str, priority: float, weight: float) -> None:
        self.scheduler = scheduler
        self.name = name
        self.priority = priority
        self.weight = weight
        self.token: contextvars.Token[bool] | None = None
        self.taken = False

    async def __aenter__(self) -> None:
        if _holding.get():
            return
        await self.scheduler.acquire(self.name, self.priority, self.weight)
        self.taken = True
        self.token = _holding.set(True)

    async def __aexit__(self, *exc: object) -> None:
        if self.taken:
            if self.token is not None:
                _holding.reset(self.token)
            self.scheduler.release(self.name)


class Scheduler:
    def __init__(
        self,
        max_concurrent: int = 64,
        strategy: str = "adaptive",
        rate_limits: Sequence[tuple[str, float]] = (),
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown scheduler strategy {strategy!r}")
        self.max_concurrent = max(1, int(max_concurrent))
        self.strategy = strategy
        self.rate_limits = [(pattern, float(rpm)) for pattern, rpm in rate_limits if rpm > 0]
        self.clock = clock
        self.sleep = sleep
        self.running = 0
        self.running_by_name: dict[str, int] = {}
        self.started_by_name: dict[str, int] = {}
        self.waiting: list[_Waiter] = []
        self.order = 0
        self.last_served: str | None = None
        self.turns: list[str] = []  # round_robin: names in order of first arrival
        self.next_request_at: dict[str, float] = {}
        self.started: list[str] = []  # names in the order they got a slot (tests and traces read it)

    # --- slots -------------------------------------------------------------------------------

    def slot(self, name: str = "", priority: float = 0, weight: float = 1) -> _Slot:
        return _Slot(self, name, priority, weight if weight > 0 else 1)

    async def __aenter__(self) -> None:  # `async with scheduler:` = an anonymous slot
        await self.acquire("", 0, 1)

    async def __aexit__(self, *exc: object) -> None:
        self.release("")

    async def acquire(self, name: str, priority: float = 0, weight: float = 1) -> None:
        if name not in self.turns:
            self.turns.append(name)
        if self.running < self.max_concurrent and not self.waiting:
            self._start(name)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.order += 1
        waiter = _Waiter(name, priority, weight, self.order, future)
        self.waiting.append(waiter)
        try:
            await future
        except asyncio.CancelledError:
            if waiter in self.waiting:
                self.waiting.remove(waiter)
            elif future.done() and not future.cancelled():
                self.release(name)  # it was granted the slot at the same moment
            raise

    def release(self, name: str) -> None:
        self.running -= 1
        count = self.running_by_name.get(name, 1) - 1
        if count:
            self.running_by_name[name] = count
        else:
            self.running_by_name.pop(name, None)
        while self.waiting and self.running < self.max_concurrent:
            chosen = self.choose()
            self.waiting.remove(chosen)
            self._start(chosen.name)
            chosen.future.set_result(None)

    def _start(self, name: str) -> None:
        self.running += 1
        self.running_by_name[name] = self.running_by_name.get(name, 0) + 1
        self.started_by_name[name] = self.started_by_name.get(name, 0) + 1
        self.last_served = name
        self.started.append(name)

    def choose(self) -> _Waiter:
        """The next waiter under the strategy."""
        waiting = self.waiting
        if self.strategy == "priority":
            return min(waiting, key=lambda w: (-w.priority, w.order))
        if self.strategy == "least_loaded":
            return min(waiting, key=lambda w: (self.running_by_name.get(w.name, 0), w.order))
        if self.strategy == "weighted_fair":
            return min(waiting, key=lambda w: ((self.started_by_name.get(w.name, 0) + 1) / w.weight, w.order))
        if self.strategy == "round_robin":
            names = {w.name for w in waiting}
            turns = self.turns
            start = turns.index(self.last_served) + 1 if self.last_served in turns else 0
            for offset in range(len(turns)):
                name = turns[(start + offset) % len(turns)]
                if name in names:
                    return min((w for w in waiting if w.name == name), key=lambda w: w.order)
            return min(waiting, key=lambda w: w.order)
        return min(
            waiting,
            key=lambda w: (
                -w.priority,
                self.running_by_name.get(w.name, 0),
                self.started_by_name.get(w.name, 0),
                w.order,
            ),
        )

    # --- rate limits ---------------------------------------------------------------------------

    def limit_for(self, model: str) -> tuple[str, float] | None:
        for pattern, rpm in self.rate_limits:
            if fnmatch.fnmatchcase(model, pattern):
                return pattern, rpm
        return None

    async def before_request(self, model: str) -> float:
        """Wait until a request to `model` is allowed; returns the seconds waited."""
        if not self.rate_limits:
            return 0.0
        limit = self.limit_for(model)
        if limit is None:
            return 0.0
        pattern, rpm = limit
        interval = 60.0 / rpm
        now = self.clock()
        at = max(now, self.next_request_at.get(pattern, now))
        self.next_request_at[pattern] = at + interval
        waited = at - now
        if waited > 0:
            await self.sleep(waited)
        return waited
