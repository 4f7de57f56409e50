"""Jobs (L§3.10, §7.11.1, S§1.10): an in-memory queue and a worker pool on the VM's event loop.

Due jobs run by priority (critical > high > normal > low), then by due time, then in enqueue order.
`perform` gets the enqueued dict's values by parameter name; a failure or a timeout calls
`on_failure(error_text, attempt)` and re-queues the job after the backoff delay until `retry`
retries are used, after which the job is `dead` (`JobQueue.retry` re-queues it). At shutdown
running jobs finish and queued jobs stay queued.

The backoff's base delay is one second (`NEXA_JOB_BACKOFF_MS` changes it): `fixed` waits the base,
`linear` attempt × base, `exponential` 2^(attempt−1) × base.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import NexaError, runtime_error
from ..values import Namespace, is_number, to_plain, to_text
from .specs import JobSpec

if TYPE_CHECKING:
    from ..interpreter import Interpreter

PRIORITIES = {"low": 0, "normal": 1, "high": 2, "critical": 3}
BACKOFFS = ("fixed", "linear", "exponential")
STATUSES = ("pending", "running", "completed", "failed", "dead", "cancelled", "expired")
WORKERS = 4
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIQUE = re.compile(r"^\s*args\s+for\s+(.+?)\s*$")


def seconds_of(value: Any, what: str) -> float:
    """`30`, `2.5`, `"120s"`, `"5m"`, `"1h"` as seconds."""
    if is_number(value):
        return float(value)
    match = _DURATION.match(str(value)) if isinstance(value, str) else None
    if match is None:
        raise runtime_error(f"malformed {what} {to_text(value)!r}")
    scale = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2) or "s"]
    return float(match.group(1)) * scale


@dataclass
class JobOptions:
    priority: str = "normal"
    retry: int = 3
    timeout: float = 30.0
    backoff: str = "exponential"
    unique: float | None = None  # seconds during which identical args are deduplicated

    def update(self, options: dict[str, Any], job: str) -> None:
        for key, value in options.items():
            if key == "priority":
                if to_text(value) not in PRIORITIES:
                    raise runtime_error(f"job '{job}': priority must be low, normal, high or critical")
                self.priority = to_text(value)
            elif key == "retry":
                if not is_number(value) or value < 0:
                    raise runtime_error(f"job '{job}': retry must be a number of retries")
                self.retry = int(value)
            elif key == "timeout":
                self.timeout = seconds_of(value, "timeout")
            elif key == "backoff":
                if to_text(value) not in BACKOFFS:
                    raise runtime_error(f"job '{job}': backoff must be fixed, linear or exponential")
                self.backoff = to_text(value)
            elif key == "unique":
                match = _UNIQUE.match(to_text(value))
                self.unique = seconds_of(match.group(1) if match else value, "unique duration")


@dataclass
class Job:
    job_id: str
    spec: JobSpec
    queue: str
    args: dict[str, Any]
    options: JobOptions
    seq: int
    created_at: float
    run_at: float
    status: str = "pending"
    attempts: int = 0
    retries_used: int = 0
    last_error: str | None = None
    started_at: float | None = None
    completed_at: float | None = None
    task: asyncio.Task[Any] | None = field(default=None, repr=False)

    def record(self) -> JobRecord:
        return JobRecord(
            {
                "job_id": self.job_id,
                "name": self.spec.name,
                "queue": self.queue,
                "status": self.status,
                "priority": self.options.priority,
                "attempts": self.attempts,
                "last_error": self.last_error,
                "created_at": self.created_at,
                "started_at": self.started_at,
                "completed_at": self.completed_at,
            }
        )


class JobRecord(Namespace):
    """S§1.10: fields read with `.status` …; its text form is its status."""

    kind = "job_record"

    def __init__(self, fields: dict[str, Any]) -> None:
        super().__init__("JobRecord", fields)

    def text_form(self) -> str:
        return str(self.members["status"])


class JobQueue:
    def __init__(self, vm: Interpreter, clock: Callable[[], float] = time.time) -> None:
        self.vm = vm
        self.clock = clock
        self.jobs: dict[str, Job] = {}
        self.counter = 0
        self.wake = asyncio.Event()
        self.worker: asyncio.Task[Any] | None = None
        self.running: set[asyncio.Task[Any]] = set()
        self.slots = WORKERS
        base = os.environ.get("NEXA_JOB_BACKOFF_MS", "")
        self.backoff_base = int(base) / 1000 if base.isdigit() else 1.0
        self.stopping = False

    # --- the job value ------------------------------------------------------------------------

    def job_value(self, spec: JobSpec) -> Namespace:
        from ..interpreter import Builtin

        def enqueue(args: list[Any], kwargs: dict[str, Any], frame: Any) -> str:
            return self.enqueue(spec, _arg(args, kwargs, 0, "args"), _arg(args, kwargs, 1, "options"), 0.0)

        def enqueue_in(args: list[Any], kwargs: dict[str, Any], frame: Any) -> str:
            delay = _arg(args, kwargs, 0, "delay_seconds")
            if not is_number(delay):
                raise runtime_error(f"{spec.name}.enqueue_in: the delay must be a number of seconds")
            return self.enqueue(
                spec, _arg(args, kwargs, 1, "args"), _arg(args, kwargs, 2, "options"), float(delay)
            )

        def enqueue_at(args: list[Any], kwargs: dict[str, Any], frame: Any) -> str:
            when = _arg(args, kwargs, 0, "unix_time")
            if not is_number(when):
                raise runtime_error(f"{spec.name}.enqueue_at: the time must be unix seconds")
            delay = max(0.0, float(when) - self.clock())
            return self.enqueue(spec, _arg(args, kwargs, 1, "args"), _arg(args, kwargs, 2, "options"), delay)

        members = {
            "name": spec.name,
            "queue": spec.queue,
            "enqueue": Builtin(f"{spec.name}.enqueue", enqueue),
            "enqueue_in": Builtin(f"{spec.name}.enqueue_in", enqueue_in),
            "enqueue_at": Builtin(f"{spec.name}.enqueue_at", enqueue_at),
        }
        return JobValue(spec.name, members)

    # --- queueing -----------------------------------------------------------------------------

    def enqueue(self, spec: JobSpec, args: Any, options: Any, delay: float) -> str:
        if args is None:
            args = {}
        if not isinstance(args, dict):
            raise runtime_error(f"{spec.name}.enqueue: the arguments must be a map")
        chosen = JobOptions()
        chosen.update(spec.options, spec.name)
        if options is not None:
            if not isinstance(options, dict):
                raise runtime_error(f"{spec.name}.enqueue: the options must be a map")
            chosen.update(options, spec.name)
        now = self.clock()
        if chosen.unique is not None:
            plain = to_plain(args)
            for job in self.jobs.values():
                if (
                    job.spec.name == spec.name
                    and to_plain(job.args) == plain
                    and job.status in ("pending", "running", "failed", "completed")
                    and now - job.created_at < chosen.unique
                ):
                    return job.job_id
        self.counter += 1
        job_id = f"job_{self.counter}"
        self.jobs[job_id] = Job(job_id, spec, spec.queue, dict(args), chosen, self.counter, now, now + delay)
        self._start()
        return job_id

    def status(self, job_id: Any = None) -> JobRecord | None:
        job = self.jobs.get(to_text(job_id))
        return job.record() if job is not None else None

    def cancel(self, job_id: Any = None) -> bool:
        job = self.jobs.get(to_text(job_id))
        if job is None or job.status not in ("pending", "failed"):
            return False
        job.status = "cancelled"
        job.completed_at = self.clock()
        return True

    def retry(self, job_id: Any = None) -> bool:
        job = self.jobs.get(to_text(job_id))
        if job is None or job.status != "dead":
            return False
        job.status = "pending"
        job.retries_used = 0
        job.run_at = self.clock()
        job.completed_at = None
        self._start()
        self.wake.set()
        return True

    def list_jobs(self, status: Any = None, limit: Any = 50) -> list[JobRecord]:
        jobs = sorted(self.jobs.values(), key=lambda j: j.seq, reverse=True)
        if status is not None:
            jobs = [j for j in jobs if j.status == to_text(status)]
        count = int(limit) if is_number(limit) else 50
        return [j.record() for j in jobs[: max(0, count)]]

    def clear_completed(self) -> int:
        done = [i for i, j in self.jobs.items() if j.status in ("completed", "cancelled", "expired")]
        for job_id in done:
            del self.jobs[job_id]
        return len(done)

    def stats(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for job in self.jobs.values():
            counts[job.status] += 1
        counts["total"] = len(self.jobs)
        return counts

    # --- the worker ---------------------------------------------------------------------------

    def _start(self) -> None:
        self.wake.set()
        if self.worker is None and not self.stopping:
            self.worker = asyncio.get_running_loop().create_task(self._work())

    def _due(self) -> list[Job]:
        now = self.clock()
        due = [j for j in self.jobs.values() if j.status in ("pending", "failed") and j.run_at <= now]
        due.sort(key=lambda j: (-PRIORITIES[j.options.priority], j.run_at, j.seq))
        return due

    def _next_wait(self) -> float | None:
        waiting = [j.run_at for j in self.jobs.values() if j.status in ("pending", "failed")]
        if not waiting:
            return None
        return max(0.0, min(waiting) - self.clock())

    async def _work(self) -> None:
        while not self.stopping:
            self.wake.clear()
            for job in self._due():
                if len(self.running) >= self.slots:
                    break
                job.status = "running"
                task = asyncio.get_running_loop().create_task(self._run(job))
                job.task = task
                self.running.add(task)
                task.add_done_callback(self._finished)
            wait = self._next_wait()
            if len(self.running) >= self.slots:
                wait = None  # a finishing job wakes the worker
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=wait)
            except TimeoutError:
                pass

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self.running.discard(task)
        self.wake.set()

    async def _run(self, job: Job) -> None:
        from ..interpreter import Function

        vm = self.vm
        job.attempts += 1
        job.started_at = self.clock()
        spec = job.spec
        vm.record("job_start", job=spec.name, job_id=job.job_id, attempt=job.attempts)
        try:
            if spec.perform is None:
                raise runtime_error(f"job '{spec.name}' has no perform block")
            kwargs = {p.name: job.args.get(p.name) for p in spec.perform.params}
            await asyncio.wait_for(
                vm.call_function(Function(spec.perform), [], kwargs, None), timeout=job.options.timeout
            )
        except TimeoutError:
            await self._failed(
                job, f"job '{spec.name}' timed out after {_seconds_text(job.options.timeout)} s"
            )
        except NexaError as error:
            await self._failed(job, error.message)
        else:
            job.status = "completed"
            job.completed_at = self.clock()
            vm.record("job_done", job=spec.name, job_id=job.job_id)

    async def _failed(self, job: Job, message: str) -> None:
        from ..interpreter import Function

        vm = self.vm
        job.last_error = message
        vm.record("job_failed", job=job.spec.name, job_id=job.job_id, attempt=job.attempts, error=message)
        if job.spec.on_failure is not None:
            params = job.spec.on_failure.params
            values = [message, job.attempts][: len(params)]
            try:
                await vm.call_function(Function(job.spec.on_failure), values, {}, None)
            except NexaError as error:
                vm.err.write(
                    f"warning: on_failure of job '{job.spec.name}' failed: {error.kind}: {error.message}\n"
                )
        if job.retries_used < job.options.retry:
            job.retries_used += 1
            job.status = "failed"
            job.run_at = self.clock() + self.backoff_delay(job.options.backoff, job.retries_used)
        else:
            job.status = "dead"
            job.completed_at = self.clock()

    def backoff_delay(self, backoff: str, attempt: int) -> float:
        if backoff == "fixed":
            return self.backoff_base
        if backoff == "linear":
            return self.backoff_base * attempt
        return self.backoff_base * 2 ** (attempt - 1)

    async def shutdown(self) -> None:
        """L§7.11.1: running jobs finish; queued jobs stay queued."""
        self.stopping = True
        if self.worker is not None:
            self.worker.cancel()
            try:
                await self.worker
            except asyncio.CancelledError:
                pass
            self.worker = None
        if self.running:
            await asyncio.gather(*list(self.running), return_exceptions=True)


class JobValue(Namespace):
    kind = "job"

    def text_form(self) -> str:
        return f"<job {self.name}>"


def _arg(args: list[Any], kwargs: dict[str, Any], index: int, name: str) -> Any:
    if index < len(args):
        return args[index]
    return kwargs.get(name)


def _seconds_text(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)
