"""The services of one VM run (L§7.11): db/kv/auth handles opened at program start (L§7.2 step 3),
the job queue and its worker, the auth state shared by the built-ins and the HTTP servers.

Every run makes one, but most programs use no service: the auth state, the job queue and the
modules behind the built-ins (sqlite3, email, hmac…) are imported when first used (issue 6: a
hello world's start-up)."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..errors import NexaError, runtime_error
from ..values import to_text
from .builtins import job_queue_value, program_dir, service_builtins

if TYPE_CHECKING:
    from ..agents import AgentRuntime
    from ..interpreter import Frame, Interpreter
    from .auth import AuthService
    from .databases import MemoryBackend
    from .jobs import JobQueue


class ServiceRuntime:
    def __init__(self, vm: Interpreter) -> None:
        self.vm = vm
        self.base_dir = program_dir(vm)
        self.handles: dict[str, Any] = {}
        vm.prelude.update(service_builtins(vm, self))
        vm.prelude["JobQueue"] = job_queue_value(self)
        for name, spec in vm.program.jobs.items():
            vm.declarations[name] = self.jobs.job_value(spec)

    @cached_property
    def auth(self) -> AuthService:
        from .auth import AuthService

        return AuthService()

    @cached_property
    def jobs(self) -> JobQueue:
        from .jobs import JobQueue

        return JobQueue(self.vm)

    async def open_handles(self, module: Frame) -> None:
        """`db`, `kv`, `auth` declarations in source order; a handle that fails is E100 at its
        declaration (L§7.11.3)."""
        from ..interpreter import Frame

        vm = self.vm
        for spec in vm.program.handles:
            try:
                value: Any = None
                if spec.argument is not None:
                    value = await vm.execute(Frame(spec.argument, {}, parent=module, enclosing=module))
                handle = self.open(spec.kind, value)
            except NexaError as error:
                if not error.is_located:
                    line, column = vm.position(spec.file, spec.span[0])
                    error.locate(spec.file, spec.span, line, column)
                raise
            self.handles[spec.name] = handle
            vm.globals[spec.name] = handle

    def open(self, kind: str, value: Any) -> Any:
        check = self.file_check("connect" if kind == "db" else "open", declared=True)
        if kind == "db":
            from .databases import connect

            return connect(to_text(value, reveal=True), self.base_dir, declared=True, check=check)
        if kind == "kv":
            from .kvstore import open_store

            path = to_text(value) if value is not None else ":memory:"
            return open_store(path, self.base_dir, check=check)
        if kind == "auth":
            return self.auth.enable(value if value is not None else "[]")
        raise runtime_error(f"unknown handle kind '{kind}'")

    def memory_backend(self, agent: AgentRuntime) -> MemoryBackend | None:
        """`memory = db(h)`: a computed value, or the literal form `("db", ["h"])` that the
        compiler keeps for a call with constant arguments."""
        value = agent.settings.get("memory")
        if value is None:  # most agents: no database module needed
            return None
        from .databases import DbHandle, MemoryBackend

        if isinstance(value, tuple) and len(value) == 2 and value[0] == "db" and len(value[1]) == 1:
            handle = self.handles.get(value[1][0])
            value = MemoryBackend(handle) if isinstance(handle, DbHandle) else None
            agent.settings["memory"] = value
        return value if isinstance(value, MemoryBackend) else None

    def file_check(self, action: str, *, declared: bool) -> Callable[[str], None]:
        """A database or store file needs fs-write, unless it lies in `.nexa_cache/` (class
        `state`, S§1.7, §1.11). A refusal is E402: a RuntimeError for a declaration (opened at
        start), a ToolError for a call in code (S§0.2)."""

        def check(path: str) -> None:
            from ..sandbox import Denied

            full = os.path.realpath(path)
            state = os.path.realpath(".nexa_cache")
            sandbox = getattr(self.vm, "sandbox", None)
            if full.startswith(state + os.sep):
                os.makedirs(os.path.dirname(full), exist_ok=True)
                return
            if sandbox is None:
                return
            try:
                sandbox.writable(full, action)
            except Denied as denial:
                kind = "RuntimeError" if declared else "ToolError"
                raise NexaError(kind, denial.message, "E402", detail={"path": full}) from None

        return check

    def load_memory(self, agent: AgentRuntime) -> bool:
        """`memory = db(h)`: the agent's history comes from the database. True when handled."""
        backend = self.memory_backend(agent)
        if backend is None:
            return False
        history = backend.load(agent.name)
        if history is not None:
            agent.history = history
        return True

    def save_memory(self, agent: AgentRuntime) -> bool:
        backend = self.memory_backend(agent)
        if backend is None:
            return False
        try:
            backend.save(agent.name, agent.history)
        except NexaError as error:
            self.vm.err.write(
                f"warning: could not save the memory of agent '{agent.name}': {error.message}\n"
            )
        return True

    async def shutdown(self) -> None:
        if "jobs" in self.__dict__:  # a queue was made: jobs were declared or JobQueue was used
            await self.jobs.shutdown()
