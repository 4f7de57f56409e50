"""The services of one VM run (L§7.11): db/kv/auth handles opened at program start (L§7.2 step 3),
the job queue and its worker, the auth state shared by the built-ins and the HTTP servers."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import NexaError, runtime_error
from ..values import to_text
from .auth import AuthService
from .builtins import program_dir, service_builtins
from .databases import DbHandle, MemoryBackend, connect
from .jobs import JobQueue
from .kvstore import open_store

if TYPE_CHECKING:
    from ..agents import AgentRuntime
    from ..interpreter import Frame, Interpreter


class ServiceRuntime:
    def __init__(self, vm: Interpreter) -> None:
        self.vm = vm
        self.base_dir = program_dir(vm)
        self.auth = AuthService()
        self.jobs = JobQueue(vm)
        self.handles: dict[str, Any] = {}
        vm.prelude.update(service_builtins(vm, self))
        vm.prelude["JobQueue"] = self.jobs.queue_value()
        for name, spec in vm.program.jobs.items():
            vm.declarations[name] = self.jobs.job_value(spec)

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
            return connect(to_text(value, reveal=True), self.base_dir, declared=True, check=check)
        if kind == "kv":
            path = to_text(value) if value is not None else ":memory:"
            return open_store(path, self.base_dir, check=check)
        if kind == "auth":
            return self.auth.enable(value if value is not None else "[]")
        raise runtime_error(f"unknown handle kind '{kind}'")

    def memory_backend(self, agent: AgentRuntime) -> MemoryBackend | None:
        """`memory = db(h)`: a computed value, or the literal form `("db", ["h"])` that the
        compiler keeps for a call with constant arguments."""
        value = agent.settings.get("memory")
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
        await self.jobs.shutdown()
