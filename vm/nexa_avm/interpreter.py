"""The interpreter: executes code objects on asyncio (L§7).

One `Frame` per activation (flow, test, lambda, member function, agent run…). The dispatch loop is
synchronous for ordinary instructions; an instruction that has to wait (a model call, a call of a
Nexa function, a DAG operator, a channel) returns a coroutine that the loop awaits. Concurrent
branches (`|>>`, `||`, `spawn`, `parallel`, `fork … merge`) are asyncio tasks.

Stepping hook (for the Debug Adapter)
-------------------------------------
`Interpreter.step_hook` is None, or a callable `hook(frame, span)` called before each statement, that
is, before every instruction whose `starts_statement` is true. `frame` is the running `Frame`
(`frame.code.name`, `frame.code.kind`, `frame.code.file`, `frame.locals`, `frame.parent` for the
caller chain, `frame.depth`); `span` is the statement's `(start, end)` byte range in
`frame.instr.file` (`Interpreter.position(file, offset)` turns it into a 1-based line and column).
The hook may return an awaitable: the interpreter awaits it before the statement runs, so a debugger
pauses a run by not completing it (other asyncio tasks keep running). When the hook is None the loop
pays one attribute test per instruction.

Quiet runs: a hook that only records where each statement was while nothing needs its attention
sets `frame.quiet` to a count: that many of the frame's next statements do not call it; the loop
counts `frame.quiet` down and appends the frame's pc (one past the statement's first instruction)
to the list `Interpreter.step_pcs` instead. Setting `frame.quiet` to 0 makes the frame's next
statement call the hook again. (A Python call per statement was most of the debugger's cost on
plain code; a list's `append` is the cheapest call there is.)
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
import os
import re
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import Any, TextIO

from nexa_lang.positions import LineIndex, Unit

from .agents import (
    UNSET,
    AgentRuntime,
    Validation,
    parse_json_reply,
    tool_specs,
    validate_reply,
)
from .bytecode import (
    Code,
    CompiledProgram,
    Instr,
    Op,
    PBind,
    PList,
    PLiteral,
    PMap,
    PVariant,
    PWild,
    ToolSpecDecl,
)
from .errors import ExitProgram, InternalError, NexaError, runtime_error, unknown_name
from .harness import copy_locals, fit_context, has_hooks, register_hook, run_hooked
from .providers import (
    Classification,
    ConditionCheck,
    ImagePart,
    JudgePurpose,
    Label,
    Message,
    ModelRequest,
    Provider,
    ProviderError,
    SummaryRequest,
    TextPart,
)
from .values import (
    OPTION_NONE,
    Handle,
    ImageValue,
    Namespace,
    Record,
    StructValue,
    VariantValue,
    equal,
    is_empty,
    is_empty_option,
    is_err,
    is_number,
    iterate,
    kind_name,
    to_json_text,
    to_text,
    truthy,
)

MISSING = object()
DONE = object()  # a handler's "leave the frame" answer
MAX_DEPTH = 256
INT_MIN, INT_MAX = -(2**63), 2**63 - 1

current_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("nexa_actor", default=None)

StepHook = Callable[["Frame", tuple[int, int]], Awaitable[None] | None]
ErrorHook = Callable[["Frame", NexaError], Awaitable[None] | None]


class PendingLet(Exception):
    """`lookup` found an agent's member `let` that has not been evaluated yet: evaluating it runs
    code, so the (synchronous) lookup hands it to an async caller (`op_LOAD`, `op_TEMPLATE`…)."""

    def __init__(self, agent: AgentRuntime, name: str) -> None:
        self.agent = agent
        self.name = name


class Rewind(BaseException):
    """Raised by a paused step hook to move an activation back to an earlier statement (the
    debugger's stepBack). Activations below `frame` are abandoned without running their defers;
    `frame` calls `restore()` (which sets its pc, locals and stack) and goes on from its pc."""

    def __init__(self, frame: Frame, restore: Callable[[], None]) -> None:
        super().__init__("rewind")
        self.frame = frame
        self.restore = restore


# ------------------------------------------------------------------------------------ callables


class Function:
    """A flow, lambda, `@tool fn`, member function or impl method, ready to call."""

    kind = "fn"

    def __init__(
        self,
        code: Code,
        *,
        enclosing: Frame | None = None,
        agent: AgentRuntime | None = None,
        receiver: Any = MISSING,
    ) -> None:
        self.code = code
        self.enclosing = enclosing
        self.agent = agent
        self.receiver = receiver

    @property
    def name(self) -> str:
        return self.code.name

    def text_form(self) -> str:
        if self.code.kind == "flow" and self.agent is None:
            return f"<flow {self.code.name}>"
        if self.code.kind == "lambda":
            return "<fn>"
        return f"<fn {self.code.name}>"


class Builtin:
    kind = "fn"

    def __init__(self, name: str, fn: Callable[..., Any]) -> None:
        self.name = name
        self.fn = fn

    def text_form(self) -> str:
        return f"<fn {self.name}>"


class BoundMethod:
    """`obj.name` of a value whose member is callable (`A.run`, `join(A, B).run`, `v.label`)."""

    kind = "fn"

    def __init__(self, name: str, call: Callable[[list[Any], dict[str, Any], Frame], Awaitable[Any]]) -> None:
        self.name = name
        self.call = call

    def text_form(self) -> str:
        return f"<fn {self.name}>"


class StructType:
    kind = "struct"

    def __init__(self, name: str, fields: list[str]) -> None:
        self.name = name
        self.fields = fields

    def text_form(self) -> str:
        return f"<struct {self.name}>"


class VariantConstructor:
    kind = "fn"

    def __init__(self, enum: str, variant: str, names: tuple[str, ...]) -> None:
        self.enum = enum
        self.variant = variant
        self.names = names

    def text_form(self) -> str:
        return f"<fn {self.enum}::{self.variant}>"


class ToolValue:
    kind = "tool"

    def __init__(self, decl: ToolSpecDecl) -> None:
        self.decl = decl
        self.name = decl.name

    def text_form(self) -> str:
        return f"<tool {self.name}>"


class UnsupportedDecl:
    """A declaration of a kind the VM does not run yet (job, server, db, kv, auth)."""

    def __init__(self, kind: str, name: str) -> None:
        self.kind = kind
        self.name = name

    def text_form(self) -> str:
        return f"<{self.kind} {self.name}>"

    def fail(self) -> NexaError:
        return runtime_error(
            f"{self.kind} '{self.name}': {self.kind} declarations are not built into the VM yet"
        )


class Chain:
    """`B >> C` in a runnable position: run the stages one after another."""

    kind = "chain"

    def __init__(self, stages: list[Any]) -> None:
        self.stages = stages

    def text_form(self) -> str:
        return " >> ".join(to_text(s) for s in self.stages)


class JoinHandle(Handle):
    kind = "join"

    def __init__(self, agents: list[Any]) -> None:
        super().__init__()
        self.agents = agents


class TaskValue(Handle):
    kind = "task"

    def __init__(self, task: asyncio.Task[Any]) -> None:
        super().__init__()
        self.task = task
        self.observed = False  # the program awaited it, or saw its failure through try_await
        # `cancel_task` succeeded: the outcome is the cancellation from then on, even while the task
        # still unwinds to its blocking point (R39).
        self.cancel_requested = False
        # The failure belongs to the program (await_task, try_await, or the warning at shutdown):
        # retrieving it here keeps asyncio from printing its own traceback.
        task.add_done_callback(_retrieve)


def _retrieve(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()


class Channel:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.closed = False
        self.waiters = 0


class ChannelEnd(Handle):
    def __init__(self, channel: Channel, kind: str) -> None:
        super().__init__()
        self.channel = channel
        self.kind = kind


class TimerValue(Handle):
    kind = "timer"

    def __init__(self) -> None:
        super().__init__()
        self.task: asyncio.Task[Any] | None = None
        self.active = True


class ActorValue(Handle):
    kind = "actor"

    def __init__(self) -> None:
        super().__init__()
        self.mailbox: asyncio.Queue[Any] = asyncio.Queue()
        self.last_value: Any = None
        self.error: NexaError | None = None
        self.busy = 0
        self.idle = asyncio.Event()
        self.task: asyncio.Task[Any] | None = None


class SnapshotValue(Handle):
    kind = "snapshot"

    def __init__(
        self, locals_: dict[str, Any], histories: dict[int, tuple[AgentRuntime, list[Message], Any]]
    ):
        super().__init__()
        self.locals = locals_
        self.histories = histories


class LoopState:
    __slots__ = ("kind", "count", "last_result", "cap", "deadline")

    def __init__(self, kind: str, cap: int | None, deadline: float | None) -> None:
        self.kind = kind
        self.count = 0
        self.last_result: Any = None
        self.cap = cap
        self.deadline = deadline


def diagnostic_fields(
    code: str, severity: str, message: str, file: str | None, line: int, column: int
) -> dict[str, Any]:
    """The fields a trace record of a run-time diagnostic shares with `nexa-lsp --check
    --output-format json` (diagnostics.md §1.7): no location when the VM has none."""
    from .errors import CODE_NAMES

    fields: dict[str, Any] = {
        "filename": file,
        "code": code,
        "name": CODE_NAMES.get(code, "runtime-error"),
        "severity": severity,
        "message": message,
    }
    if line:
        fields["location"] = {"row": line, "column": column}
    return fields


def full_texts(request: ModelRequest, reply: Any) -> dict[str, Any]:
    """The texts a `logging: true` agent's trace records carry (S§3.1, L§7.3.8); other agents'
    records carry their sizes only."""
    return {
        "request": [{"role": m.role, "content": m.text()} for m in request.messages],
        "reply": reply.text,
    }


class RunState:
    """The state of one agent run (the instructions AGENT_INPUT … AGENT_COMMIT share it)."""

    __slots__ = ("agent", "branch", "messages", "attempts", "input_text", "reply_text", "problems", "notes")

    def __init__(self, agent: AgentRuntime, branch: bool, history: list[Message]) -> None:
        self.agent = agent
        self.branch = branch
        self.messages = history
        self.attempts = 0
        self.input_text = ""
        self.reply_text = ""
        self.problems: list[str] = []
        self.notes: list[Message] = []  # `reflect` notes: sent with this run, never stored (L§7.10.7)


class Frame:
    """One activation: its code, locals, operand stack and handlers."""

    __slots__ = (
        "code",
        "locals",
        "stack",
        "pc",
        "handlers",
        "defers",
        "loops",
        "contexts",
        "parent",
        "enclosing",
        "agent",
        "depth",
        "run",
        "instr",
        "receiver",
        "quiet",
    )

    def __init__(
        self,
        code: Code,
        locals_: dict[str, Any],
        *,
        parent: Frame | None = None,
        enclosing: Frame | None = None,
        agent: AgentRuntime | None = None,
        receiver: Any = MISSING,
    ) -> None:
        self.code = code
        self.locals = locals_
        self.stack: list[Any] = []
        self.pc = 0
        self.handlers: list[tuple[int, str | None, int, int, int]] = []
        self.defers: list[Code] = []
        self.loops: list[LoopState] = []
        self.contexts: list[tuple[Any, Any]] = []
        self.parent = parent
        self.enclosing = enclosing
        self.agent = agent
        self.depth = parent.depth + 1 if parent is not None else 0
        self.run: RunState | None = None
        self.instr: Instr | None = None
        self.receiver = receiver
        self.quiet = 0  # statements to run without calling the step hook (the module's docstring)


# ------------------------------------------------------------------------------------ interpreter


class Interpreter:
    def __init__(
        self,
        program: CompiledProgram,
        provider: Provider,
        *,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        stdin: TextIO | None = None,
        default_model: str = "offline",
        judge_model: str | None = None,
        max_loop: int | None = None,
        allow_python: bool = False,
        trace: list[dict[str, Any]] | None = None,
        log_internal: bool = False,
        max_concurrent: int = 64,
        harness_mode: str = "warn",
        sandbox: Any = None,
        strategy: str = "adaptive",
        rate_limits: Any = (),
        type_mode: str = "warn",
        consensus_timeout: float = 120.0,
    ) -> None:
        self.program = program
        self.consensus_timeout = consensus_timeout  # [runtime] consensus_timeout (E404)
        self.provider = provider
        self.out = stdout or sys.stdout
        self.err = stderr or sys.stderr
        self.stdin = stdin or sys.stdin
        self.default_model = default_model
        self.judge_model = judge_model or default_model
        env_loop = os.environ.get("NEXA_MAX_LOOP")
        self.max_loop = max_loop or (int(env_loop) if env_loop and env_loop.isdigit() else 100)
        self.allow_python = allow_python
        self.trace = trace
        self.log_internal = log_internal
        self.harness_mode = harness_mode
        self.step_hook: StepHook | None = None
        self.error_hook: ErrorHook | None = None
        self.step_pcs: list[int] = []  # quiet runs of the step hook: the module's docstring
        self.max_concurrent = max(1, max_concurrent)
        from .sandbox import Sandbox, SandboxConfig
        from .scheduler import Scheduler

        self.scheduler = Scheduler(self.max_concurrent, strategy, rate_limits)
        if sandbox is None:
            root = program.module.file
            sandbox = Sandbox(
                SandboxConfig(python=allow_python), os.path.dirname(os.path.abspath(root)) if root else None
            )
        self.sandbox = sandbox  # S§0.3 (sandbox.py)
        self.type_mode = type_mode  # L§7.13 (typemodes.py)
        self.globals: dict[str, Any] = {}
        self.declarations: dict[str, Any] = {}
        self.agents: dict[str, AgentRuntime] = {}
        self.all_agents: list[AgentRuntime] = []
        self.agent_commits = 0  # agents' history changes after creation (dap/history.py)
        self.meta = LoopState("none", None, None)
        self.background: list[asyncio.Task[Any]] = []
        self.spawned: list[TaskValue] = []
        self.timers: list[TimerValue] = []
        self.actors: list[ActorValue] = []
        # exit() (S§1.1): the code, once a task has called it; the task running the entry flow
        self.exit_code: int | None = None
        self.main_task: asyncio.Task[Any] | None = None
        self.reflections: list[str] = []
        self.module_frame: Frame | None = None
        self._indexes: dict[str | None, LineIndex] = {}
        self._handlers = self._dispatch_table()
        from .prelude import prelude

        self.prelude: dict[str, Any] = prelude(self)
        self._declare()
        from .services.runtime import ServiceRuntime

        self.services = ServiceRuntime(self)  # db/kv/auth handles, jobs, servers (L§7.11)

    # --- set-up ------------------------------------------------------------------------------

    def _declare(self) -> None:
        """L§7.2 step 2: register every declaration."""
        program = self.program
        for name, code in program.flows.items():
            self.declarations[name] = Function(code)
        for name, spec in program.tool_fns.items():
            self.declarations[name] = Function(spec.code)
        for name, decl in program.tools.items():
            self.declarations[name] = ToolValue(decl)
        for name, fields in program.structs.items():
            self.declarations[name] = StructType(name, fields)
        for name, variants in program.enums.items():
            members: dict[str, Any] = {}
            for variant, names in variants.items():
                members[variant] = (
                    VariantValue(name, variant) if names is None else VariantConstructor(name, variant, names)
                )
            self.declarations[name] = Namespace(name, members)
        for name in program.protocols:
            self.declarations[name] = Namespace(name, {})
        for kind, name, _, _ in program.unsupported:
            self.declarations.setdefault(name, UnsupportedDecl(kind, name))

    def position(self, file: str | None, offset: int) -> tuple[int, int]:
        """1-based line and code-point column of a byte offset."""
        index = self._indexes.get(file)
        if index is None:
            data = self.program.files.get(file or "<input>")
            if data is None and file is not None:
                try:
                    with open(file, "rb") as handle:
                        data = handle.read()
                except OSError:
                    data = b""
            index = self._indexes[file] = LineIndex(data or b"")
        line, column = index.position(offset, Unit.CODEPOINT, line_base=1, column_base=1)
        return line, column

    def line_text(self, file: str | None, line: int) -> str:
        self.position(file, 0)
        return self._indexes[file].line_text(line - 1)

    def warn(self, code: str, message: str, file: str | None, span: tuple[int, int]) -> None:
        line, column = self.position(file, span[0])
        self.err.write(f"warning[{code}]: {message}\n  --> {file or '<input>'}:{line}:{column}\n")
        self.record("warning", **diagnostic_fields(code, "warning", message, file, line, column))

    def record_error(self, error: NexaError) -> None:
        """An uncaught run-time error in the trace, with the fields of a static diagnostic
        (diagnostics.md §1.7) plus its kind."""
        fields = diagnostic_fields(error.code, "error", error.message, error.file, error.line, error.column)
        self.record("error", error_kind=error.kind, **fields)

    def record(self, kind: str, **data: Any) -> None:
        if self.trace is not None:
            self.trace.append({"event": kind, "time": round(time.time(), 6), **data})

    def agent_record(self, agent: AgentRuntime | None, level: str, kind: str, **data: Any) -> None:
        """A trace record of an agent's run, with its level, kept when the agent's `log_level`
        lets it through (S§3.1, R34); `agent` is None for a call outside an agent run."""
        if self.trace is None or (agent is not None and not agent.traces(level)):
            return
        self.record(kind, level=level, **({"agent": agent.name} if agent is not None else {}), **data)

    # --- program -----------------------------------------------------------------------------

    async def initialize(self) -> None:
        """L§7.2 steps 3–4: agents, then top-level statements."""
        frame = Frame(self.program.module, self.globals)
        self.module_frame = frame
        await self.services.open_handles(frame)
        await self.execute(frame, keep_defers=True)

    def background_task(self, work: Callable[[], Awaitable[Any]]) -> asyncio.Task[Any]:
        """A task that runs beside the program (spawn, actors, timers, `||`): `exit()` inside it
        ends the whole program at once (S§1.1), as it does in the entry flow."""

        async def guarded() -> Any:
            try:
                return await work()  # started here: a task cancelled before it starts leaves no coroutine
            except ExitProgram as exit_:
                self.request_exit(exit_.code)
                return None

        return asyncio.create_task(guarded())

    def request_exit(self, code: int) -> None:
        """exit() called outside the entry flow's task: stop that task; the CLI ends with `code`."""
        if self.exit_code is None:
            self.exit_code = code
        if self.main_task is not None and not self.main_task.done():
            self.main_task.cancel()

    def stop_background(self) -> None:
        """After exit(): nothing else runs (no waiting for tasks, actors or timers)."""
        for task in self.background:
            task.cancel()
        for actor in self.actors:
            if actor.task is not None:
                actor.task.cancel()
        for timer in self.timers:
            if timer.task is not None:
                timer.task.cancel()

    async def shutdown(self) -> None:
        """L§7.2 step 6."""
        if self.exit_code is not None:
            self.stop_background()
            return
        if self.module_frame is not None and self.module_frame.defers:
            await self.run_defers(self.module_frame)
        while True:
            pending = [t for t in self.background if not t.done()]
            if not pending:
                break
            await asyncio.gather(*pending, return_exceptions=True)
        for handle in self.spawned:
            failure = None if handle.observed or handle.task.cancelled() else handle.task.exception()
            if failure is not None:
                what = (
                    f"{failure.kind}: {failure.message}" if isinstance(failure, NexaError) else repr(failure)
                )
                self.err.write(f"warning: a spawned task failed and was never awaited: {what}\n")
        await self.services.shutdown()  # running jobs finish; queued jobs stay queued
        for actor in self.actors:  # an idle actor waits for mail forever: stop it once it is idle
            await actor.idle.wait()
            if actor.task is not None:
                actor.task.cancel()
        for timer in self.timers:
            if timer.task is not None and not timer.task.done():
                timer.task.cancel()

    async def call_flow(self, name: str, args: list[Any]) -> Any:
        function = self.declarations[name]
        return await self.call_function(function, args, {}, None)

    # --- the dispatch loop -------------------------------------------------------------------

    async def execute(self, frame: Frame, keep_defers: bool = False) -> Any:
        code = frame.code
        instrs = code.instrs
        stack = frame.stack
        handlers = self._handlers
        instr = None
        try:
            while True:
                try:
                    while True:
                        instr = instrs[frame.pc]
                        frame.pc += 1
                        if instr.starts_statement and self.step_hook is not None:
                            frame.instr = instr
                            if frame.quiet:
                                frame.quiet -= 1
                                self.step_pcs.append(frame.pc)
                            else:
                                pause = self.step_hook(frame, instr.span)
                                if pause is not None:
                                    await pause
                        result = handlers[instr.op](frame, instr)
                        if result is not None:
                            if result is DONE:
                                return stack.pop()
                            frame.instr = instr
                            await result
                except NexaError as error:
                    if not error.is_located:
                        site = instr
                        parent = frame.parent
                        if code.kind == "agent_run" and error.code != "E109" and parent and parent.instr:
                            site = parent.instr  # agent failures point at the call (diagnostics §9)
                        line, column = self.position(site.file, site.span[0])
                        error.locate(site.file, site.span, line, column)
                    if self.error_hook is not None:
                        pause = self.error_hook(frame, error)
                        if pause is not None:
                            await pause
                    if not self._unwind(frame, error):
                        raise
                except ExitProgram:
                    frame.defers.clear()  # exit() ends the program at once (S§1.1)
                    raise
                except Rewind as rewind:  # a debugger stepping back: see Rewind
                    if rewind.frame is not frame:
                        frame.defers.clear()  # this activation never happened
                        raise
                    rewind.restore()
                except (InternalError, asyncio.CancelledError):
                    raise
                except RecursionError:
                    error = runtime_error(f"call depth {MAX_DEPTH} exceeded in {code.kind} '{code.name}'")
                    line, column = self.position(instr.file, instr.span[0])
                    error.locate(instr.file, instr.span, line, column)
                    raise error from None
                except Exception as failure:  # a VM bug: E401, exit 70
                    if self.log_internal:
                        traceback.print_exc(file=self.err)
                    internal = InternalError(
                        instr.op.name if instr else "?", f"{type(failure).__name__}: {failure}"
                    )
                    internal.file = instr.file if instr else None
                    internal.span = instr.span if instr else None
                    raise internal from failure
        finally:
            if frame.defers and not keep_defers and self.exit_code is None:
                await self.run_defers(frame)

    def _unwind(self, frame: Frame, error: NexaError) -> bool:
        """Jump to the innermost handler that catches `error`; False when none does."""
        while frame.handlers:
            target, kind, depth, loops, contexts = frame.handlers.pop()
            if kind is not None and kind != error.kind:
                continue
            del frame.stack[depth:]
            del frame.loops[loops:]
            del frame.contexts[contexts:]
            frame.stack.append(error)
            frame.pc = target
            return True
        return False

    async def run_defers(self, frame: Frame) -> None:
        while frame.defers:
            code = frame.defers.pop()
            try:
                await self.execute(self.shared_frame(code, frame))
            except NexaError as error:
                # Reported and ignored (L§4.12), in the runtime-warning format of diagnostics.md §1.7
                # with the failed error's code and the place it was raised (R38).
                message = f"deferred expression failed: {error.kind}: {error.message}"
                located = error.span is not None
                file, span = (error.file, error.span) if located else (code.file, code.span)
                self.warn(error.code, message, file, span or (0, 0))

    def shared_frame(self, code: Code, frame: Frame) -> Frame:
        """A frame that runs `code` in `frame`'s activation (defers, fork branches, hooks)."""
        shared = Frame(
            code,
            frame.locals,
            parent=frame,
            enclosing=frame.enclosing,
            agent=frame.agent,
            receiver=frame.receiver,
        )
        shared.depth = frame.depth
        return shared

    def _dispatch_table(self) -> list[Callable[[Frame, Instr], Any]]:
        table: list[Callable[[Frame, Instr], Any]] = [self._bad_opcode] * (max(Op) + 1)
        for op in Op:
            handler = getattr(self, "op_" + op.name, None)
            if handler is not None:
                table[op] = handler
        return table

    def _bad_opcode(self, frame: Frame, instr: Instr) -> None:
        raise InternalError(instr.op.name, "no handler for this opcode")

    # --- names -------------------------------------------------------------------------------

    def lookup(self, frame: Frame, name: str) -> Any:
        scope: Frame | None = frame
        while scope is not None:
            value = scope.locals.get(name, MISSING)
            if value is not MISSING:
                return value
            scope = scope.enclosing
        if frame.agent is not None:
            agent = frame.agent
            if name == "self":
                return agent
            if name in agent.spec.functions:
                return Function(agent.spec.functions[name], agent=agent)
            if name in agent.spec.lets:  # L§6.2: member `let`s are members too
                value = agent.let_values.get(name, MISSING)
                if value is MISSING:
                    raise PendingLet(agent, name)
                return value
            member = agent.member(name)
            if member is not UNSET:
                return member
        if frame.receiver is not MISSING and name == "self":
            return frame.receiver
        value = self.globals.get(name, MISSING)
        if value is not MISSING:
            return value
        value = self.agents.get(name, MISSING)
        if value is not MISSING:
            return value
        value = self.declarations.get(name, MISSING)
        if value is not MISSING:
            return value
        value = self.prelude.get(name, MISSING)
        if value is not MISSING:
            return value
        raise unknown_name(name)

    # --- data instructions -------------------------------------------------------------------

    def op_NOP(self, frame: Frame, instr: Instr) -> None:
        return None

    def op_CONST(self, frame: Frame, instr: Instr) -> None:
        frame.stack.append(instr.arg)

    def op_LOAD(self, frame: Frame, instr: Instr) -> Any:
        try:
            frame.stack.append(self.lookup(frame, instr.arg))
        except PendingLet as pending:
            return self._agent_let(frame, pending.agent, pending.name)
        return None

    async def lookup_async(self, frame: Frame, name: str) -> Any:
        """`lookup` for async callers: an agent's member `let` is evaluated on first use."""
        try:
            return self.lookup(frame, name)
        except PendingLet as pending:
            return await self.agent_let_value(frame, pending.agent, pending.name)

    def op_STORE(self, frame: Frame, instr: Instr) -> None:
        frame.locals[instr.arg] = frame.stack.pop()

    def op_POP(self, frame: Frame, instr: Instr) -> None:
        frame.stack.pop()

    def op_DUP(self, frame: Frame, instr: Instr) -> None:
        frame.stack.append(frame.stack[-1])

    def op_SWAP(self, frame: Frame, instr: Instr) -> None:
        stack = frame.stack
        stack[-1], stack[-2] = stack[-2], stack[-1]

    def pop_n(self, frame: Frame, n: int) -> list[Any]:
        if n == 0:
            return []
        stack = frame.stack
        values = stack[-n:]
        del stack[-n:]
        return values

    def op_BUILD_LIST(self, frame: Frame, instr: Instr) -> None:
        frame.stack.append(self.pop_n(frame, instr.arg))

    def op_BUILD_DICT(self, frame: Frame, instr: Instr) -> None:
        values = self.pop_n(frame, len(instr.arg))
        frame.stack.append(dict(zip(instr.arg, values, strict=True)))

    def op_BUILD_STRING(self, frame: Frame, instr: Instr) -> None:
        frame.stack.append("".join(to_text(v) for v in self.pop_n(frame, instr.arg)))

    def op_TEMPLATE(self, frame: Frame, instr: Instr) -> Any:
        try:
            frame.stack.append(self._render_template(frame, instr.arg))
        except PendingLet as pending:
            return self._template_after_let(frame, instr.arg, pending)
        return None

    def _render_template(self, frame: Frame, text: str) -> str:
        from .templates import render_template, run_partials

        # written inside an agent's declaration: that agent's partials (docs/runtime-decisions.md R11)
        partials = run_partials(self).source(frame.agent.name if frame.agent is not None else None)
        return render_template(text, lambda name: self.lookup_or_none(frame, name), partials)

    async def _template_after_let(self, frame: Frame, text: str, pending: PendingLet) -> None:
        """Evaluate the member `let`s a template names, then render again (rendering has no effects)."""
        while True:
            await self.agent_let_value(frame, pending.agent, pending.name)
            try:
                frame.stack.append(self._render_template(frame, text))
                return
            except PendingLet as again:
                pending = again

    def lookup_or_none(self, frame: Frame, name: str) -> Any:
        try:
            return self.lookup(frame, name)
        except NexaError:
            return None

    def op_GET_ATTR(self, frame: Frame, instr: Instr) -> Any:
        obj = frame.stack.pop()
        if isinstance(obj, AgentRuntime) and instr.arg in obj.spec.lets:
            return self._agent_let(frame, obj, instr.arg)
        frame.stack.append(self.get_attr(obj, instr.arg, frame))
        return None

    async def _agent_let(self, frame: Frame, agent: AgentRuntime, name: str) -> None:
        frame.stack.append(await self.agent_let_value(frame, agent, name))

    async def agent_let_value(self, frame: Frame, agent: AgentRuntime, name: str) -> Any:
        """An agent's member `let`, evaluated on its first use and kept (L§3.1.4, L§7.3.9)."""
        if name not in agent.let_values:
            code = agent.spec.lets[name]
            locals_ = {
                "agent_name": agent.name,
                "agent_desc": to_text(agent.settings.get("description") or agent.settings.get("role") or ""),
                "agent_tools": ", ".join(
                    t.name for t in tool_specs(agent, self.program.tool_fns, self.program.tools)
                ),
            }
            agent.let_values[name] = await self.execute(Frame(code, locals_, parent=frame, agent=agent))
        return agent.let_values[name]

    def get_attr(self, obj: Any, name: str, frame: Frame) -> Any:
        if isinstance(obj, dict):
            return obj.get(name)
        if isinstance(obj, StructValue):
            if name in obj.fields:
                return obj.fields[name]
            method = self.program.impls.get(obj.type_name, {}).get(name)
            if method is not None:
                return Function(method, receiver=obj)
            raise runtime_error(f"'{obj.type_name}' has no field '{name}'")
        if isinstance(obj, VariantValue):
            if name in obj.names:
                return obj.values[obj.names.index(name)]
            method = self.program.impls.get(obj.enum, {}).get(name)
            if method is not None:
                return Function(method, receiver=obj)
            if name == "value" and obj.values:
                return obj.values[0]
            raise runtime_error(f"'{obj.enum}::{obj.variant}' has no field '{name}'")
        if isinstance(obj, AgentRuntime):
            if name in obj.spec.functions:
                return Function(obj.spec.functions[name], agent=obj)
            if name in ("run", "run_result", "clone"):
                return BoundMethod(f"{obj.name}.{name}", self._agent_method(obj, name))
            member = obj.member(name)
            if member is UNSET:
                return None
            return member
        if isinstance(obj, NexaError):
            return obj.member(name)
        if isinstance(obj, Namespace):
            if name in obj.members:
                return obj.members[name]
            getter = obj.members.get("__getattr__")
            if getter is not None:
                return getter(name)
            raise runtime_error(f"'{obj.name}' has no member '{name}'")
        if isinstance(obj, JoinHandle):
            return BoundMethod(f"join.{name}", self._join_method(obj, name))
        if isinstance(obj, UnsupportedDecl):
            raise obj.fail()
        if isinstance(obj, Function | ToolValue | Builtin | VariantConstructor) and name == "run":
            return obj
        if obj is None:
            raise runtime_error(f"cannot read '{name}' of none")
        raise runtime_error(f"a value of kind '{kind_name(obj)}' has no member '{name}'")

    def _agent_method(self, agent: AgentRuntime, name: str) -> Callable[..., Awaitable[Any]]:
        async def call(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
            if name == "run":
                return await self.run_agent(agent, args, frame)
            if name == "run_result":
                from .values import err, ok

                try:
                    return ok(await self.run_agent(agent, args, frame))
                except NexaError as error:
                    return err(error.message)
            return self.clone_agent(agent, args, kwargs)

        return call

    def _join_method(self, handle: JoinHandle, name: str) -> Callable[..., Awaitable[Any]]:
        async def call(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
            text = await self.join_run(handle, args, frame)
            if name == "run":
                return text
            target = await self.lookup_async(frame, name)
            return await self.run_stage(target, text, frame)

        return call

    def op_SET_ATTR(self, frame: Frame, instr: Instr) -> None:
        value = frame.stack.pop()
        obj = frame.stack.pop()
        if isinstance(obj, dict):
            obj[instr.arg] = value
        elif isinstance(obj, StructValue):
            if instr.arg not in obj.fields:  # L§3.9: unknown field names are errors
                raise runtime_error(f"'{obj.type_name}' has no field '{instr.arg}'")
            obj.fields[instr.arg] = value
        else:
            raise runtime_error(f"cannot set '{instr.arg}' on a value of kind '{kind_name(obj)}'")

    def op_GET_INDEX(self, frame: Frame, instr: Instr) -> None:
        index = frame.stack.pop()
        obj = frame.stack.pop()
        frame.stack.append(self.get_index(obj, index))

    def get_index(self, obj: Any, index: Any) -> Any:
        if isinstance(obj, list | str):
            if type(index) is not int:
                raise runtime_error(
                    f"cannot index a {kind_name(obj)} with a value of kind '{kind_name(index)}'"
                )
            size = len(obj)
            if not -size <= index < size:
                what = "list" if isinstance(obj, list) else "string"
                raise runtime_error(f"{what} index {index} is out of range for a {what} of {size}")
            return obj[index]
        if isinstance(obj, dict):
            return obj.get(index if isinstance(index, str) else to_text(index))
        if isinstance(obj, StructValue) and isinstance(index, str):
            return obj.fields.get(index)
        raise runtime_error(f"cannot index a value of kind '{kind_name(obj)}'")

    def op_SET_INDEX(self, frame: Frame, instr: Instr) -> None:
        value = frame.stack.pop()
        index = frame.stack.pop()
        obj = frame.stack.pop()
        if isinstance(obj, list):
            if type(index) is not int or not -len(obj) <= index < len(obj):
                raise runtime_error(f"list index {to_text(index)} is out of range for a list of {len(obj)}")
            obj[index] = value
        elif isinstance(obj, dict):
            obj[index if isinstance(index, str) else to_text(index)] = value
        else:
            raise runtime_error(f"cannot index-assign a value of kind '{kind_name(obj)}'")

    def op_BINARY(self, frame: Frame, instr: Instr) -> None:
        right = frame.stack.pop()
        left = frame.stack.pop()
        frame.stack.append(binary(instr.arg, left, right))

    def op_UNARY(self, frame: Frame, instr: Instr) -> None:
        value = frame.stack.pop()
        if instr.arg == "not":
            frame.stack.append(not truthy(value))
        elif is_number(value):
            frame.stack.append(check_int(-value))
        else:
            raise runtime_error(f"cannot negate a value of kind '{kind_name(value)}'")

    def op_TO_BOOL(self, frame: Frame, instr: Instr) -> None:
        frame.stack.append(truthy(frame.stack.pop()))

    def op_MAKE_FUNCTION(self, frame: Frame, instr: Instr) -> None:
        frame.stack.append(Function(instr.arg, enclosing=frame, agent=frame.agent, receiver=frame.receiver))

    def op_MAKE_CHAIN(self, frame: Frame, instr: Instr) -> None:
        stages: list[Any] = []
        for stage in self.pop_n(frame, instr.arg):
            stages.extend(stage.stages if isinstance(stage, Chain) else [stage])
        frame.stack.append(Chain(stages))

    def op_VARIANT(self, frame: Frame, instr: Instr) -> None:
        enum, variant = instr.arg
        frame.stack.append(self.variant(enum, variant))

    def variant(self, enum: str, variant: str) -> Any:
        variants = self.program.enums.get(enum)
        if variants is not None:
            if variant not in variants:
                raise runtime_error(f"enum '{enum}' has no variant '{variant}'")
            names = variants[variant]
            return VariantValue(enum, variant) if names is None else VariantConstructor(enum, variant, names)
        if enum == "Option":
            if variant == "None":
                return OPTION_NONE
            if variant == "Some":
                return VariantConstructor("Option", "Some", ("value",))
        if enum == "Result" and variant in ("Ok", "Err"):
            return VariantConstructor("Result", variant, ("value",) if variant == "Ok" else ("error",))
        raise runtime_error(f"unknown enum '{enum}'", "E108")

    def op_DESTRUCTURE(self, frame: Frame, instr: Instr) -> None:
        value = frame.stack.pop()
        bindings: dict[str, Any] = {}
        if not match_pattern(instr.arg, value, bindings):
            raise runtime_error(f"the value {to_text(value)} does not match the pattern")
        frame.locals.update(bindings)

    def op_MATCH(self, frame: Frame, instr: Instr) -> None:
        bindings: dict[str, Any] = {}
        matched = match_pattern(instr.arg, frame.stack[-1], bindings)
        if matched:
            frame.locals.update(bindings)
        frame.stack.append(matched)

    # --- control -----------------------------------------------------------------------------

    def op_JUMP(self, frame: Frame, instr: Instr) -> None:
        frame.pc = instr.arg

    def op_JUMP_IF_FALSE(self, frame: Frame, instr: Instr) -> None:
        if not truthy(frame.stack.pop()):
            frame.pc = instr.arg

    def op_JUMP_IF_TRUE(self, frame: Frame, instr: Instr) -> None:
        if truthy(frame.stack.pop()):
            frame.pc = instr.arg

    def op_JUMP_IF_PRESENT(self, frame: Frame, instr: Instr) -> None:
        if is_empty(frame.stack[-1]):
            frame.stack.pop()
        else:
            frame.pc = instr.arg

    def op_JUMP_IF_OK(self, frame: Frame, instr: Instr) -> None:
        """`e otherwise h` (L§5.8): Err(…) and Option::None go to `h`; Ok(v) and Some(v) are
        unwrapped to `v`, as `?` does (S§1.4 run_result, S§1.5: "`?` and `otherwise` unwrap these")."""
        value = frame.stack[-1]
        if is_err(value) or is_empty_option(value):
            frame.stack.pop()
            return
        if (
            isinstance(value, VariantValue)
            and value.enum in ("Option", "Result")
            and value.variant in ("Some", "Ok")
        ):
            frame.stack[-1] = value.values[0] if value.values else None
        frame.pc = instr.arg

    def op_SWITCH(self, frame: Frame, instr: Instr) -> None:
        index = frame.stack.pop()
        targets = instr.arg
        frame.pc = targets[index] if 0 <= index < len(targets) - 1 else targets[-1]

    def op_RETURN(self, frame: Frame, instr: Instr) -> Any:
        return DONE

    def op_RETURN_RESULT(self, frame: Frame, instr: Instr) -> Any:
        frame.stack.append(frame.locals.get("result") if instr.arg == "result" else None)
        return DONE

    def op_SETUP_TRY(self, frame: Frame, instr: Instr) -> None:
        target, kind = instr.arg
        frame.handlers.append((target, kind, len(frame.stack), len(frame.loops), len(frame.contexts)))

    def op_POP_TRY(self, frame: Frame, instr: Instr) -> None:
        frame.handlers.pop()

    def op_RAISE(self, frame: Frame, instr: Instr) -> None:
        value = frame.stack.pop()
        if isinstance(value, NexaError):
            raise value
        raise NexaError("RuntimeError", to_text(value))

    def op_RAISE_KIND(self, frame: Frame, instr: Instr) -> None:
        raise NexaError(instr.arg, to_text(frame.stack.pop()))

    def op_ASSERT(self, frame: Frame, instr: Instr) -> None:
        if not truthy(frame.stack.pop()):
            raise NexaError("AssertionError", f"assertion failed: {instr.arg}", "E110")

    async def op_ASSERT_AGAINST(self, frame: Frame, instr: Instr) -> None:
        value = frame.stack.pop()
        condition = frame.stack.pop()
        if not await self.judge(to_text(condition), to_text(value), JudgePurpose.ASSERT):
            raise NexaError("AssertionError", f"assertion failed: {instr.arg}", "E110")

    def op_CONTRACT(self, frame: Frame, instr: Instr) -> Any:
        clause, where, name, text, semantic = instr.arg
        value = frame.stack.pop()
        if semantic:
            return self._semantic_contract(frame, instr, value)
        if not truthy(value):
            raise self.contract_violation(clause, where, name, text, False)
        return None

    async def _semantic_contract(self, frame: Frame, instr: Instr, condition: Any) -> None:
        clause, where, name, text, _ = instr.arg
        if clause == "ensures" and "result" in frame.locals:
            target = to_text(frame.locals["result"])
        elif where == "agent":
            target = to_text(frame.locals.get("input", ""))
        else:
            target = to_text({k: v for k, v in frame.locals.items() if not k.startswith("$")})
        if not await self.judge(to_text(condition), target, JudgePurpose.CONTRACT):
            raise self.contract_violation(clause, where, name, text, True)

    def contract_violation(self, clause: str, where: str, name: str, text: str, semantic: bool) -> NexaError:
        place = "flow" if where in ("flow", "body") else "agent"
        return NexaError(
            "ContractViolation",
            f"{clause} violated in {place} '{name}': {text}",
            "E109",
            fields={"clause": text, "clause_type": clause, "is_semantic": semantic},
        )

    def op_DEFER(self, frame: Frame, instr: Instr) -> None:
        frame.defers.append(instr.arg)

    def op_TRY_UNWRAP(self, frame: Frame, instr: Instr) -> None:
        value = frame.stack[-1]
        if isinstance(value, VariantValue):
            if value.enum in ("Option", "Result") and value.variant in ("Some", "Ok"):
                frame.stack[-1] = value.values[0] if value.values else None
            elif is_err(value) or is_empty_option(value):
                payload = value.values[0] if value.values else None
                code = payload.code if isinstance(payload, NexaError) else "E100"
                message = to_text(payload) if value.values else "Option::None"
                raise NexaError("PropagatedError", message, code, value=payload)

    def op_PRINT(self, frame: Frame, instr: Instr) -> None:
        values = self.pop_n(frame, instr.arg)
        self.out.write(" ".join(to_text(v) for v in values) + "\n")

    def op_PYTHON(self, frame: Frame, instr: Instr) -> Any:
        from .python_host import run_block

        returned, value = run_block(self, frame, instr.arg)
        if returned:  # the `python!` body of an `@tool fn` returned
            frame.stack.append(value)
            return DONE
        return None

    # --- loops -------------------------------------------------------------------------------

    def op_ITER_INIT(self, frame: Frame, instr: Instr) -> None:
        value = frame.stack.pop()
        if instr.arg == "each2":
            if isinstance(value, dict):
                frame.stack.append(iter(list(value.items())))
            elif isinstance(value, list | str):
                frame.stack.append(iter(list(enumerate(value))))
            else:
                raise runtime_error(f"cannot iterate over a value of kind '{kind_name(value)}'")
            return
        frame.stack.append(iterate(value))

    def op_FOR_ITER(self, frame: Frame, instr: Instr) -> None:
        iterator = frame.stack[-1]
        try:
            item = next(iterator)
        except StopIteration:
            frame.stack.pop()
            frame.pc = instr.arg
            return
        if isinstance(item, tuple):
            frame.stack.extend(item)
        else:
            frame.stack.append(item)

    def op_LOOP_ENTER(self, frame: Frame, instr: Instr) -> None:
        kind, cap, timeout = instr.arg
        deadline = time.monotonic() + float(timeout) if is_number(timeout) else None
        state = LoopState(kind, int(cap) if is_number(cap) else None, deadline)
        frame.loops.append(state)
        self.meta = state

    def op_LOOP_NEXT(self, frame: Frame, instr: Instr) -> None:
        state = frame.loops[-1]
        if state.kind == "loop":
            if state.count >= self.max_loop:
                self.warn(
                    "E106",
                    f"loop stopped after {state.count} iterations; its condition never held",
                    instr.file,
                    instr.span,
                )
                frame.pc = instr.arg
                return
        else:
            if state.cap is not None and state.count >= state.cap:
                self.err.write(f"autoloop stopped after max_steps ({state.cap}) iterations\n")
                frame.pc = instr.arg
                return
            if state.deadline is not None and time.monotonic() >= state.deadline:
                self.err.write("autoloop stopped: timeout reached\n")
                frame.pc = instr.arg
                return
        state.count += 1
        self.meta = state

    def op_LOOP_RESULT(self, frame: Frame, instr: Instr) -> None:
        value = frame.stack.pop()
        if frame.loops:
            frame.loops[-1].last_result = value

    def op_LOOP_EXIT(self, frame: Frame, instr: Instr) -> None:
        finished = frame.loops.pop()
        self.meta = frame.loops[-1] if frame.loops else finished

    def op_UNTIL_TEST(self, frame: Frame, instr: Instr) -> Any:
        value = frame.stack.pop()
        if isinstance(value, str):
            return self._judge_locals(frame, value, JudgePurpose.LOOP_UNTIL)
        frame.stack.append(truthy(value))
        return None

    def op_JUDGE_LOCALS(self, frame: Frame, instr: Instr) -> Any:
        condition, purpose = instr.arg
        return self._judge_locals(frame, condition, JudgePurpose(purpose))

    async def _judge_locals(self, frame: Frame, condition: str, purpose: JudgePurpose) -> None:
        target = to_text({k: v for k, v in frame.locals.items() if not k.startswith("$")})
        frame.stack.append(await self.judge(condition, target, purpose))

    # --- judge -------------------------------------------------------------------------------

    async def judge(self, condition: str, target: str, purpose: JudgePurpose) -> bool:
        judgement = await self.provider.check(ConditionCheck(condition, target, purpose, self.judge_model))
        self.record("judge", condition=condition, purpose=str(purpose), matched=judgement.matched)
        return judgement.matched

    async def classify(self, labels: list[Label], target: str, question: str | None = None) -> int:
        choice = await self.provider.classify(
            Classification(tuple(labels), target, self.judge_model, question)
        )
        if question is None:
            self.record("classify", labels=[label.name for label in labels], label=choice.label)
        else:
            self.record(
                "classify", labels=[label.name for label in labels], question=question, label=choice.label
            )
        if choice.label is None:
            return -1
        for index, label in enumerate(labels):
            if label.name == choice.label or label.name.lower() == choice.label.lower():
                return index
        return -1

    def op_SEMANTIC_IF(self, frame: Frame, instr: Instr) -> Any:
        condition, fast = instr.arg
        if condition is None:  # an interpolated condition, evaluated after the subject
            condition = to_text(frame.stack.pop())
        subject = to_text(frame.stack.pop())
        if fast:
            try:
                if re.search(fast, subject, re.IGNORECASE):
                    frame.stack.append(True)
                    return None
            except re.error:
                pass
        return self._push_judge(frame, condition, subject, JudgePurpose.SEMANTIC_IF)

    async def _push_judge(self, frame: Frame, condition: str, target: str, purpose: JudgePurpose) -> None:
        frame.stack.append(await self.judge(condition, target, purpose))

    async def op_CLASSIFY(self, frame: Frame, instr: Instr) -> None:
        labels, question, purpose, warn, question_on_stack = instr.arg
        if question_on_stack:  # an interpolated question, evaluated after the subject
            question = to_text(frame.stack.pop())
        subject = frame.stack[-1]
        index = await self.classify([Label(label) for label in labels], to_text(subject), question)
        if index < 0 and warn:
            preview = to_text(subject)[:60]
            self.warn(
                "E107",
                f"no intent matched \"{preview}\" and the match has no '_' arm; the value is none",
                instr.file,
                instr.span,
            )
        frame.stack.append(index)

    async def op_RUN_WITH(self, frame: Frame, instr: Instr) -> None:
        value = frame.stack.pop()
        subject = frame.stack.pop()
        if is_runnable(value):
            value = await self.run_stage(value, subject, frame)
        frame.stack.append(value)

    async def op_BRANCH(self, frame: Frame, instr: Instr) -> None:
        alternative = frame.stack.pop()
        consequence = frame.stack.pop()
        subject = frame.stack.pop()
        labels = [self.runnable_label(consequence), self.runnable_label(alternative)]
        index = await self.classify(labels, to_text(subject))
        chosen = consequence if index == 0 else alternative
        frame.stack.append(await self.run_stage(chosen, subject, frame))

    def runnable_label(self, value: Any) -> Label:
        if isinstance(value, AgentRuntime):
            description = " ".join(
                to_text(value.settings.get(k) or "") for k in ("role", "prompt") if value.settings.get(k)
            )
            return Label(value.name, description)
        if isinstance(value, Chain):
            return self.runnable_label(value.stages[0])
        return Label(getattr(value, "name", to_text(value)))

    # --- calls -------------------------------------------------------------------------------

    def take_arguments(
        self, frame: Frame, count: int, names: tuple[str, ...]
    ) -> tuple[list[Any], dict[str, Any]]:
        values = self.pop_n(frame, count)
        if not names:
            return values, {}
        positional = values[: count - len(names)]
        return positional, dict(zip(names, values[count - len(names) :], strict=True))

    async def op_CALL(self, frame: Frame, instr: Instr) -> None:
        count, names = instr.arg
        args, kwargs = self.take_arguments(frame, count, names)
        callee = frame.stack.pop()
        frame.stack.append(await self.call_value(callee, args, kwargs, frame))

    async def op_PIPE_CALL(self, frame: Frame, instr: Instr) -> None:
        count, names, source = instr.arg
        args, kwargs = self.take_arguments(frame, count, names)
        callee = frame.stack.pop()
        value = frame.stack.pop()
        if source:
            value = await self.data_source(value, frame)
        frame.stack.append(await self.call_value(callee, [value, *args], kwargs, frame))

    async def call_value(
        self, callee: Any, args: list[Any], kwargs: dict[str, Any], frame: Frame | None
    ) -> Any:
        if isinstance(callee, Function):
            return await self.call_function(callee, args, kwargs, frame)
        if isinstance(callee, Builtin):
            result = callee.fn(args, kwargs, frame)
            if asyncio.iscoroutine(result):
                result = await result
            return result
        if isinstance(callee, AgentRuntime):
            return await self.run_agent(callee, [*args, *kwargs.values()], frame)
        if isinstance(callee, BoundMethod):
            return await callee.call(args, kwargs, frame)  # type: ignore[arg-type]
        if isinstance(callee, StructType):
            return StructValue(
                callee.name, self.bind_fields(f"struct '{callee.name}'", callee.fields, args, kwargs)
            )
        if isinstance(callee, VariantConstructor):
            what = f"'{callee.enum}::{callee.variant}'"
            fields = self.bind_fields(what, list(callee.names), args, kwargs)
            return VariantValue(callee.enum, callee.variant, callee.names, tuple(fields.values()))
        if isinstance(callee, ToolValue):
            return await self.call_declared_tool(callee, args, kwargs)
        if isinstance(callee, JoinHandle):
            return await self.join_run(callee, args, frame)
        if isinstance(callee, Chain):
            return await self.run_stage(callee, args[0] if args else "", frame)
        if isinstance(callee, UnsupportedDecl):
            raise callee.fail()
        raise runtime_error(f"cannot call a value of kind '{kind_name(callee)}'")

    @staticmethod
    def bind_fields(what: str, names: list[str], args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
        """A struct's or a payload variant's fields from a constructor call (L§3.9): by position, then
        by name; a missing field is `none`, too many values or an unknown name is a RuntimeError, as
        for a flow (D62; docs/runtime-decisions.md R20)."""
        if len(args) > len(names):
            raise runtime_error(
                f"{what} takes {len(names)} argument{'' if len(names) == 1 else 's'}, got {len(args)}"
            )
        fields: dict[str, Any] = dict.fromkeys(names)
        fields.update(zip(names, args, strict=False))
        for name, value in kwargs.items():
            if name not in fields:
                raise runtime_error(f"{what} has no field '{name}'")
            fields[name] = value
        return fields

    async def call_function(
        self, function: Function, args: list[Any], kwargs: dict[str, Any], caller: Frame | None
    ) -> Any:
        code = function.code
        if code.kind == "tool_fn":  # S§5.4: validated against the tool's schema, E302
            from .schemas import bind_tool_fn_arguments

            return await self.run_function(
                function, bind_tool_fn_arguments(code, args, kwargs, self.program), caller
            )
        locals_: dict[str, Any] = {}
        params = code.params
        if len(args) > len(params) and code.kind != "lambda":
            raise runtime_error(
                f"'{code.name}' takes {len(params)} argument{'' if len(params) == 1 else 's'}, "
                f"got {len(args)}"
            )
        for param, value in zip(params, args, strict=False):
            locals_[param.name] = value
        for name, value in kwargs.items():
            if not any(p.name == name for p in params):
                raise runtime_error(f"'{code.name}' has no parameter '{name}'")
            locals_[name] = value
        for param in params:
            if param.name not in locals_:
                locals_[param.name] = param.default if param.has_default else None
        if self.type_mode != "forgiving" and params:
            from .typemodes import check_arguments, judge_pending

            pending = check_arguments(self, code, locals_, caller)
            if pending:  # semantic types: their constraints are judged (R23)
                await judge_pending(self, pending)
        return await self.run_function(function, locals_, caller)

    async def run_function(self, function: Function, locals_: dict[str, Any], caller: Frame | None) -> Any:
        """The body of a call whose arguments are bound, then its `ensures` contracts."""
        code = function.code
        frame = Frame(
            code,
            locals_,
            parent=caller,
            enclosing=function.enclosing,
            agent=function.agent,
            receiver=function.receiver,
        )
        if frame.depth > MAX_DEPTH:
            raise runtime_error(f"call depth {MAX_DEPTH} exceeded in {code.kind} '{code.name}'")
        result = await self.execute(frame)
        if code.ensures:
            frame.locals["result"] = result
            for ensure, _, _ in code.ensures:
                await self.execute(self.shared_frame(ensure, frame))
        return result

    async def call_declared_tool(self, tool: ToolValue, args: list[Any], kwargs: dict[str, Any]) -> Any:
        from .tools_wasm import bind_arguments, is_wasm_tool, toolset_of

        if isinstance(tool.decl.properties.get("parameters"), dict):
            # S§5.4: the arguments are validated (E302) before an implementation is looked for
            bind_arguments(tool.decl, args, kwargs)
        if "python" in tool.decl.properties:
            from .python_host import call_python_tool

            return call_python_tool(self, tool.decl, args, kwargs)
        if is_wasm_tool(tool.decl):
            return await toolset_of(self).call(tool.decl, args, kwargs)
        raise NexaError("ToolError", f"{tool.name}: no implementation is registered for this tool", "E104")

    # --- agents ------------------------------------------------------------------------------

    def op_AGENT_CREATE(self, frame: Frame, instr: Instr) -> Any:
        return self._create_agent(frame, instr.arg)

    async def _create_agent(self, frame: Frame, name: str) -> None:
        spec = self.program.agents[name]
        properties = dict(spec.properties)
        for key, code in spec.computed.items():
            properties[key] = await self.execute(Frame(code, {}, parent=frame, enclosing=frame))
        agent = AgentRuntime(spec, properties, default_model=self.default_model)
        base_dir = os.path.dirname(spec.file) if spec.file else None
        agent.build_system_prompt(self.program.protocols, base_dir)
        self.load_memory(agent)
        self.agents[name] = agent
        self.all_agents.append(agent)

    def memory_path(self, agent: AgentRuntime) -> str:
        return os.path.join(".nexa_cache", f"{agent.name}_memory.json")

    def load_memory(self, agent: AgentRuntime) -> None:
        if self.services.load_memory(agent):  # `memory = db(h)`
            return
        if agent.memory not in ("persistent", "long"):
            return
        try:
            with open(self.memory_path(agent), encoding="utf-8") as handle:
                agent.history = [Message.from_json(m) for m in json.load(handle)]
        except (OSError, ValueError, KeyError, TypeError):
            pass

    def save_memory(self, agent: AgentRuntime) -> None:
        if self.services.save_memory(agent):
            return
        if agent.memory not in ("persistent", "long"):
            return
        try:
            os.makedirs(".nexa_cache", exist_ok=True)
            with open(self.memory_path(agent), "w", encoding="utf-8") as handle:
                json.dump([m.to_json() for m in agent.history], handle, ensure_ascii=False)
        except OSError as error:
            self.err.write(f"warning: could not save the memory of agent '{agent.name}': {error}\n")

    async def op_AGENT_RUN(self, frame: Frame, instr: Instr) -> None:
        count, names = instr.arg
        args, kwargs = self.take_arguments(frame, count, names)
        target = frame.stack.pop()
        if isinstance(target, AgentRuntime):
            frame.stack.append(await self.run_agent(target, [*args, *kwargs.values()], frame))
        elif isinstance(target, ToolValue | Function | Builtin | JoinHandle | Chain | BoundMethod):
            frame.stack.append(await self.call_value(target, args, kwargs, frame))
        else:
            method = self.get_attr(target, "run", frame)
            frame.stack.append(await self.call_value(method, args, kwargs, frame))

    def op_AGENT_CLONE(self, frame: Frame, instr: Instr) -> Any:
        count, names = instr.arg
        args, kwargs = self.take_arguments(frame, count, names)
        target = frame.stack.pop()
        if isinstance(target, AgentRuntime):
            frame.stack.append(self.clone_agent(target, args, kwargs))
            return None
        return self._call_member(frame, target, "clone", args, kwargs)

    async def _call_member(
        self, frame: Frame, target: Any, name: str, args: list[Any], kwargs: dict[str, Any]
    ) -> None:
        method = self.get_attr(target, name, frame)
        frame.stack.append(await self.call_value(method, args, kwargs, frame))

    def clone_agent(self, agent: AgentRuntime, args: list[Any], kwargs: dict[str, Any]) -> AgentRuntime:
        overrides = dict(kwargs)
        name = overrides.pop("new_name", None) or overrides.pop("name", None) or (args[0] if args else None)
        clone = agent.clone(to_text(name) if name else f"{agent.name}_clone", overrides)
        clone.build_system_prompt(self.program.protocols, os.path.dirname(agent.spec.file or "") or None)
        self.all_agents.append(clone)
        return clone

    async def run_agent(
        self,
        agent: AgentRuntime,
        args: list[Any],
        caller: Frame | None,
        *,
        branch: bool = False,
        history: list[Message] | None = None,
    ) -> Any:
        """L§7.3.2. Runs of one agent are serialized (D52); branches run on a private copy of the
        history and do not write it back (D71)."""
        code = agent.spec.run_code
        assert code is not None
        frame = Frame(code, {"args": args}, parent=caller, agent=agent)
        if caller is not None and has_hooks(caller):  # lifecycle hooks (harness.py)
            return await run_hooked(self, caller, self._run_agent_frame(frame, agent, branch, history))
        return await self._run_agent_frame(frame, agent, branch, history)

    async def _run_agent_frame(
        self, frame: Frame, agent: AgentRuntime, branch: bool, history: list[Message] | None
    ) -> Any:
        if branch:
            frame.run = RunState(agent, True, list(agent.history if history is None else history))
            async with self.scheduler.slot(agent.name, agent.priority):
                return await self.execute(frame)
        async with agent.lock:
            frame.run = RunState(agent, False, list(agent.history))
            return await self.execute(frame)

    def op_AGENT_INPUT(self, frame: Frame, instr: Instr) -> Any:
        run = frame.run
        assert run is not None
        args = frame.locals.get("args") or []
        texts = [to_text(a, reveal=True) for a in args if not isinstance(a, ImageValue)]
        images = [a for a in args if isinstance(a, ImageValue)]
        run.input_text = " ".join(texts)
        self.agent_record(
            run.agent, "debug", "agent_start", input_chars=len(run.input_text), images=len(images)
        )
        frame.locals["input"] = run.input_text
        if self.reflections:
            notes, self.reflections = self.reflections, []
            run.notes = [Message.system(n) for n in notes]
            run.messages.extend(run.notes)
        if images:
            parts: list[Any] = [TextPart(run.input_text)] + [
                ImagePart(i.media_type, i.data_base64) for i in images
            ]
            run.messages.append(Message.user(parts))
        else:
            run.messages.append(Message.user(run.input_text))
        agent = run.agent
        if agent.max_history_turns is not None:
            users = [m for m in run.messages if m.role == "user"]
            if len(users) > agent.max_history_turns:
                return self._compact(run)
        return None

    async def _compact(self, run: RunState) -> None:
        agent = run.agent
        systems = [m for m in run.messages if m.role == "system"][:1]
        rest = run.messages[len(systems) :]
        user_indexes = [i for i, m in enumerate(rest) if m.role == "user"]
        keep_from = user_indexes[-(agent.max_history_turns or 1)]
        older, kept = rest[:keep_from], rest[keep_from:]
        summary = await self.provider.summarize(SummaryRequest(tuple(older), self.judge_model))
        run.messages = [*systems, Message.system(f"Previous conversation summary: {summary}"), *kept]

    def request_for(self, run: RunState, model: str, tools: list[Any], round_: int) -> ModelRequest:
        agent = run.agent
        choice = None
        if tools:
            choice = "required" if agent.tool_call_strategy == "required" and round_ == 0 else "auto"
        return ModelRequest(
            model=model,
            messages=tuple(run.messages),
            tools=tuple(tools),
            tool_choice=choice,  # type: ignore[arg-type]
            temperature=agent.temperature,
            max_tokens=agent.max_tokens,
            response_format=self.response_format_of(agent),
            timeout=agent.timeout,
            retry=agent.retry_policy,
            agent=agent.name,
        )

    async def op_LLM_CALL(self, frame: Frame, instr: Instr) -> None:
        frame.stack.append(await self.model_loop(frame, stream=False))

    async def op_LLM_STREAM(self, frame: Frame, instr: Instr) -> None:
        frame.stack.append(await self.model_loop(frame, stream=True))

    async def model_loop(self, frame: Frame, stream: bool) -> str:
        """L§7.3.2 step 4 with the fallback chain of L§7.3.6 and the tool loop of L§7.3.4."""
        run = frame.run
        assert run is not None
        agent = run.agent
        tools = self.tools_of(agent)
        last_error: ProviderError | None = None
        tried: list[str] = []
        for index, model in enumerate(agent.models):
            messages_at_start = list(run.messages)
            # L§7.3.6: `retry` attempts per model and run, shared by failed requests and validation
            # rounds (run.attempts); a fallback model starts with a fresh budget
            used = run.attempts if index == 0 else 0
            try:
                rounds = 0
                while True:
                    offered = tools if rounds < agent.max_tool_calls else []
                    request = self.request_for(run, model, offered, rounds)
                    budget = max(1, agent.retry - used)
                    if request.retry.attempts != budget:
                        request = request._replace(retry=request.retry._replace(attempts=budget))
                    request = await fit_context(self, frame, agent, request)  # L§7.10.2 (harness.py)
                    await self.scheduler.before_request(model)  # rate limits (scheduler.py)
                    if stream:
                        reply_stream = self.provider.stream(request)
                        async for chunk in reply_stream:
                            self.out.write(chunk)
                            self.out.flush()
                        self.out.write("\n")
                        reply = reply_stream.reply
                    else:
                        from .reply_cache import complete

                        reply = await complete(self, agent, request)
                    if self.trace is not None:
                        self.agent_record(
                            agent,
                            "info",
                            "agent_run",
                            model=model,
                            input_chars=len(run.input_text),
                            reply_chars=len(reply.text),
                            tool_calls=len(reply.tool_calls),
                            calls=[{"name": c.name, "arguments": c.arguments} for c in reply.tool_calls],
                            **(full_texts(request, reply) if agent.logs_full_text else {}),
                        )
                    failed = max(reply.attempts, 1) - 1  # attempts that failed before this reply
                    used += failed
                    run.attempts += failed
                    if reply.tool_calls and offered:
                        run.messages.append(Message.assistant(reply.text, reply.tool_calls))
                        for call in reply.tool_calls:
                            result = await self.model_tool_call(call.name, call.arguments, frame)
                            run.messages.append(Message.tool(call.id, result))
                        rounds += 1
                        continue
                    run.reply_text = reply.text
                    return reply.text
            except ProviderError as error:
                run.messages = messages_at_start
                last_error = error
                tried.append(model)
                if error.code not in ("E101", "E102"):
                    break
        assert last_error is not None
        fallbacks = tried[1:]
        message = last_error.describe_for(agent.name, fallbacks)
        self.agent_record(agent, "error", "agent_error", code=last_error.code, message=message)
        raise NexaError(last_error.kind, message, last_error.code)

    async def model_tool_call(self, name: str, arguments: str, frame: Frame) -> str:
        """A tool called by a model: failures become error text (L§7.3.4, S§5.5; toolcalls.py)."""
        from .toolcalls import call_from_model

        return await call_from_model(self, name, arguments, frame)

    def op_VALIDATE(self, frame: Frame, instr: Instr) -> Any:
        run = frame.run
        assert run is not None
        agent = run.agent
        text = frame.stack.pop()
        run.attempts += 1
        validation = validate_reply(text, agent.spec.protocol, self.program.protocols)
        if validation.ok and self.type_mode != "forgiving" and self.program.semantic_types:
            return self._validate_semantic_fields(frame, instr, text, validation)
        self._validated(frame, instr, text, validation)
        return None

    async def _validate_semantic_fields(
        self, frame: Frame, instr: Instr, text: str, validation: Validation
    ) -> None:
        """L§7.3.3: a protocol field of a semantic type is judged (R23); an unmet constraint is a
        problem of the reply like a wrong type (a correction round, then ProtocolError)."""
        from .typemodes import judge_constraints, semantic_obligations

        assert frame.run is not None
        protocol = self.program.protocols.get(frame.run.agent.spec.protocol or "", [])
        record = validation.value
        problems: list[str] = []
        for field, spec in protocol:
            value = record.get(field) if isinstance(record, dict) else None
            if value is None or not conforms(value, spec, self.program):
                continue
            failed = await judge_constraints(self, semantic_obligations(value, spec, self.program))
            if failed is not None:
                problems.append(f"'{field}' does not satisfy {failed.name} (\"{failed.constraint}\")")
        self._validated(frame, instr, text, Validation(record, problems) if problems else validation)

    def _validated(self, frame: Frame, instr: Instr, text: str, validation: Validation) -> None:
        run = frame.run
        assert run is not None
        agent = run.agent
        if validation.ok:
            frame.stack.append(validation.value)
            return
        if run.attempts < agent.retry:
            self.agent_record(
                agent, "warning", "protocol_retry", attempt=run.attempts, problems=list(validation.problems)
            )
            run.messages.append(Message.assistant(text))
            run.messages.append(
                Message.user(
                    "The reply was not valid: "
                    + "; ".join(validation.problems)
                    + ". Answer again with one JSON object only."
                )
            )
            frame.pc = instr.arg
            return
        target = agent.spec.protocol or "JSON reply"
        message = (
            f"agent '{agent.name}' did not return a valid {target} after {run.attempts} attempts: "
            + "; ".join(validation.problems)
        )
        self.agent_record(agent, "error", "agent_error", code="E103", message=message)
        raise NexaError("ProtocolError", message, "E103")

    def op_AGENT_COMMIT(self, frame: Frame, instr: Instr) -> None:
        run = frame.run
        assert run is not None
        value = frame.stack[-1]
        if not run.branch:
            agent = run.agent
            run.messages.append(Message.assistant(run.reply_text))
            if run.notes:  # only the run after `reflect` receives its notes (L§7.10.7)
                notes = {id(note) for note in run.notes}
                run.messages = [m for m in run.messages if id(m) not in notes]
            agent.history = run.messages
            agent.last_reply = value
            self.agent_commits += 1
            self.save_memory(agent)

    # --- DAG operators -----------------------------------------------------------------------

    async def data_source(self, value: Any, frame: Frame | None) -> Any:
        """D38: an agent as a data source stands for its latest reply, or runs with empty input."""
        if isinstance(value, AgentRuntime):
            if value.last_reply is not UNSET:
                return value.last_reply
            return await self.run_agent(value, [], frame)
        return value

    async def run_stage(self, stage: Any, value: Any, frame: Frame | None, branch: bool = False) -> Any:
        if isinstance(stage, AgentRuntime):
            return await self.run_agent(stage, [value], frame, branch=branch)
        if isinstance(stage, Chain):
            for each in stage.stages:
                value = await self.run_stage(each, value, frame, branch)
            return value
        if isinstance(stage, JoinHandle):
            return await self.join_run(stage, [value], frame)
        if is_runnable(stage):
            return await self.call_value(stage, [value], {}, frame)
        raise runtime_error(f"a value of kind '{kind_name(stage)}' cannot be run as a stage")

    def tools_of(self, agent: AgentRuntime) -> list[Any]:
        cached = agent.cached_tools
        if cached is None:
            cached = agent.cached_tools = tool_specs(agent, self.program.tool_fns, self.program.tools)
        return cached

    def response_format_of(self, agent: AgentRuntime) -> Any:
        if agent.cached_format is UNSET:
            agent.cached_format = agent.response_format(self.program.protocols)
        return agent.cached_format

    async def gather_in_order(self, coroutines: list[Awaitable[Any]]) -> list[Any]:
        """Run concurrently; results in list order; the first failure in list order is raised (D57, D58)."""
        results = await asyncio.gather(*coroutines, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return results

    async def gather_bounded(self, items: list[Any], run: Callable[[Any], Awaitable[Any]]) -> list[Any]:
        """`run(item)` for every item, at most `max_concurrent` at a time (the scheduler's bound), as a
        pool of workers rather than one task per item; results and failures as `gather_in_order`."""
        if len(items) <= self.max_concurrent:
            return await self.gather_in_order([run(item) for item in items])
        results: list[Any] = [None] * len(items)
        position = 0

        async def worker() -> None:
            nonlocal position
            while position < len(items):
                index = position
                position += 1
                try:
                    results[index] = await run(items[index])
                except NexaError as error:
                    results[index] = error

        await asyncio.gather(*(worker() for _ in range(self.max_concurrent)))
        for result in results:
            if isinstance(result, NexaError):
                raise result
        return results

    async def op_PIPELINE(self, frame: Frame, instr: Instr) -> None:
        stage = frame.stack.pop()
        value = await self.data_source(frame.stack.pop(), frame)
        frame.stack.append(await self.run_stage(stage, value, frame))

    async def op_FORK(self, frame: Frame, instr: Instr) -> None:
        right = frame.stack.pop()
        left = await self.data_source(frame.stack.pop(), frame)
        if isinstance(right, list):
            results = await self.gather_bounded(right, lambda r: self.run_stage(r, left, frame, branch=True))
        elif isinstance(left, list):
            results = await self.gather_bounded(
                left, lambda item: self.run_stage(right, item, frame, branch=True)
            )
        else:
            results = await self.gather_in_order([self.run_stage(right, left, frame, branch=True)])
        frame.stack.append(results)

    async def op_FIRE(self, frame: Frame, instr: Instr) -> None:
        right = frame.stack.pop()
        left = await self.data_source(frame.stack.pop(), frame)
        stages = right if isinstance(right, list) else [right]
        for stage in stages:
            self.background.append(self.background_task(functools.partial(self._fire, stage, left, frame)))
        frame.stack.append(None)

    async def _fire(self, stage: Any, value: Any, frame: Frame) -> None:
        try:
            await self.run_stage(stage, value, frame, branch=True)
        except NexaError as error:
            self.err.write(f"warning: fire-and-forget branch failed: {error.kind}: {error.message}\n")

    async def item_text(self, item: Any, frame: Frame) -> str:
        """An item of `&>>`/`&&` (L§7.5.5): an agent's latest reply, or its run with empty input."""
        if isinstance(item, AgentRuntime):
            if item.last_reply is not UNSET:
                return to_text(item.last_reply)
            return to_text(await self.run_agent(item, [], frame, branch=True))
        return to_text(item)

    async def merge_items(self, items: Any, frame: Frame) -> list[str]:
        if not isinstance(items, list):
            items = [items]
        texts = await self.gather_bounded(items, lambda item: self.item_text(item, frame))
        return [t for t in texts if t]

    async def op_MERGE(self, frame: Frame, instr: Instr) -> None:
        merger = frame.stack.pop()
        texts = await self.merge_items(frame.stack.pop(), frame)
        frame.stack.append(await self.run_stage(merger, "\n---\n".join(texts), frame))

    async def op_CONSENSUS(self, frame: Frame, instr: Instr) -> None:
        """L§7.5.5 with E404: the voters run under `[runtime] consensus_timeout`; a failed voter
        counts as missing, and fewer than half replying is E404 (diagnostics.md; R25)."""
        right = frame.stack.pop()
        if instr.arg == "fork":  # `x |>> [R…] && J`: the fork's branches are the voters
            stages = frame.stack.pop()
            value = await self.data_source(frame.stack.pop(), frame)
            if isinstance(stages, list):
                voters = [self.run_stage(r, value, frame, branch=True) for r in stages]
            elif isinstance(value, list):
                voters = [self.run_stage(stages, item, frame, branch=True) for item in value]
            else:
                voters = [self.run_stage(stages, value, frame, branch=True)]
            replies = await self.gather_voters(voters)
            texts = [t for t in (to_text(r) for r in replies) if t]
        else:
            left = frame.stack.pop()
            if isinstance(right, list) and not isinstance(left, list):  # `a && [R…]`: a vote
                value = await self.data_source(left, frame)
                replies = await self.gather_voters(
                    [self.run_stage(r, value, frame, branch=True) for r in right]
                )
                counts: dict[str, int] = {}
                for reply in replies:
                    counts[to_text(reply)] = counts.get(to_text(reply), 0) + 1
                best = max(counts.values()) if counts else 0
                frame.stack.append(next((r for r in replies if counts[to_text(r)] == best), None))
                return
            items = left if isinstance(left, list) else [left]
            replies = await self.gather_voters([self.item_text(item, frame) for item in items])
            texts = [t for t in replies if t]
        request = (
            f"Reach one consensus answer from the following {len(texts)} responses:\n\n"
            + "\n---\n".join(texts)
        )
        frame.stack.append(await self.run_stage(right, request, frame))

    async def gather_voters(self, voters: list[Awaitable[Any]]) -> list[Any]:
        """The replies of the voters that succeeded within the consensus timeout, in list order."""
        tasks = [asyncio.ensure_future(voter) for voter in voters]
        if not tasks:
            return []
        _, pending = await asyncio.wait(tasks, timeout=self.consensus_timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        replies: list[Any] = []
        for task in tasks:
            if task.cancelled():
                continue
            error = task.exception()
            if error is None:
                replies.append(task.result())
            elif not isinstance(error, NexaError):
                raise error  # not a failed voter: an internal error or exit()
        if pending or len(replies) * 2 < len(tasks):
            raise NexaError(
                "TimeoutError",
                f"consensus did not finish: {len(replies)} of {len(tasks)} voters replied "
                f"within {self.consensus_timeout:g} s",
                "E404",
            )
        return replies

    async def op_PIPE(self, frame: Frame, instr: Instr) -> None:
        function = frame.stack.pop()
        value = frame.stack.pop()
        frame.stack.append(await self.call_value(function, [value], {}, frame))

    async def join_run(self, handle: JoinHandle, args: list[Any], frame: Frame | None) -> str:
        # L§7.5.7: join is not one of D71's branch operators: each agent's run is an ordinary run
        # (serialized per agent, D52) whose turn and reply stay in its history (decision R31).
        async def one(agent: Any) -> str:
            name = getattr(agent, "name", to_text(agent))
            try:
                if isinstance(agent, AgentRuntime):
                    reply = await self.run_agent(agent, args, frame)
                else:
                    reply = await self.call_value(agent, args, {}, frame)
                return f"Output from {name}: {to_text(reply)}"
            except NexaError as error:
                return f"Output from {name} failed: {error.message}"

        lines = await asyncio.gather(*(one(a) for a in handle.agents))
        return "\n".join(lines)

    async def op_FORK_MERGE(self, frame: Frame, instr: Instr) -> None:
        codes, names, strategy = instr.arg

        async def branch(index: int, code: Code) -> Any:  # each branch takes a scheduler slot
            async with self.scheduler.slot(f"fork branch {index + 1}"):
                return await self.execute(self.shared_frame(code, frame))

        results = await asyncio.gather(
            *(branch(index, code) for index, code in enumerate(codes)), return_exceptions=True
        )
        values = []
        failures = []
        for name, result in zip(names, results, strict=True):
            if isinstance(result, NexaError):
                failures.append(result)
                continue
            if isinstance(result, BaseException):
                raise result
            if name:
                frame.locals[name] = result
            values.append(result)
        if not values:
            if failures:
                raise failures[0]
            frame.stack.append(None)
            return
        frame.stack.append(merge_strategy(strategy, values))

    # --- concurrency -------------------------------------------------------------------------

    def op_SPAWN(self, frame: Frame, instr: Instr) -> None:
        target = frame.stack.pop()
        frame.stack.append(self.spawn(target, frame))

    def spawn(self, target: Any, frame: Frame | None) -> TaskValue:
        async def body() -> Any:
            if isinstance(target, AgentRuntime):
                return await self.run_agent(target, [], frame)
            return await self.call_value(target, [], {}, frame)

        task = self.background_task(body)
        self.background.append(task)
        handle = TaskValue(task)
        self.spawned.append(handle)
        return handle

    def op_SPAWN_ACTOR(self, frame: Frame, instr: Instr) -> None:
        name, count, names = instr.arg
        args, kwargs = self.take_arguments(frame, count, names)
        try:
            target: Any = self.lookup(frame, name)
        except PendingLet as pending:
            target = pending
        actor = ActorValue()

        async def body() -> None:
            nonlocal target
            current_actor.set(actor)
            actor.busy += 1
            try:
                if isinstance(target, PendingLet):
                    target = await self.agent_let_value(frame, target.agent, target.name)
                if isinstance(target, AgentRuntime):
                    actor.last_value = await self.run_agent(target, args, frame)
                    while True:
                        actor.busy -= 1
                        if actor.mailbox.empty():
                            actor.idle.set()
                        message = await actor.mailbox.get()
                        actor.busy += 1
                        actor.idle.clear()
                        actor.last_value = await self.run_agent(target, [message], frame)
                else:
                    actor.last_value = await self.call_value(target, args, kwargs, frame)
                    actor.busy -= 1
                    actor.idle.set()
            except NexaError as error:
                actor.error = error
                actor.idle.set()

        actor.task = self.background_task(body)
        self.actors.append(actor)
        frame.stack.append(actor)

    def op_PASS(self, frame: Frame, instr: Instr) -> None:
        actor = frame.stack.pop()
        message = frame.stack.pop()
        if not isinstance(actor, ActorValue):
            raise runtime_error(f"pass needs an actor, got a value of kind '{kind_name(actor)}'")
        actor.idle.clear()
        actor.mailbox.put_nowait(message)

    async def op_AWAIT(self, frame: Frame, instr: Instr) -> None:
        frame.stack.append(await self.await_value(frame.stack.pop()))

    async def await_value(self, value: Any) -> Any:
        if isinstance(value, TaskValue):
            value.observed = True
            try:
                return await asyncio.shield(value.task)
            except asyncio.CancelledError:
                if not (value.task.cancelled() or value.cancel_requested):
                    raise  # the awaiting task itself is being cancelled: not an error it can catch
                raise NexaError("RuntimeError", "the task was cancelled") from None
        if isinstance(value, ActorValue):
            while True:
                await value.idle.wait()
                if value.error is not None:
                    raise value.error
                if value.mailbox.empty() and value.idle.is_set():
                    return value.last_value
        return value

    def op_CHECK_TYPE(self, frame: Frame, instr: Instr) -> Any:
        if self.type_mode == "forgiving":
            return None
        from .typemodes import check_value, judge_pending, pending_check

        spec, place, of_result = instr.arg
        value = frame.locals.get("result") if of_result else frame.stack[-1]
        checked = check_value(self, value, spec, place, instr)
        if of_result:  # the end of a flow's body returns its local `result` (D16)
            frame.locals["result"] = checked
        else:
            frame.stack[-1] = checked
        pending = pending_check(self, checked, spec, place, instr) if checked is value else []
        return judge_pending(self, pending) if pending else None  # semantic types (R23)

    async def op_RECEIVE(self, frame: Frame, instr: Instr) -> None:
        actor = current_actor.get()
        if actor is None:
            raise runtime_error("receive() outside an actor")
        actor.busy -= 1
        if actor.mailbox.empty():
            actor.idle.set()
        message = await actor.mailbox.get()
        actor.idle.clear()
        actor.busy += 1
        frame.stack.append(message)

    # --- harness -----------------------------------------------------------------------------

    def op_SNAPSHOT(self, frame: Frame, instr: Instr) -> None:
        # histories are written copy-on-write (a run stores a new list), so they are shared here
        histories = {id(a): (a, a.history, a.last_reply) for a in self.all_agents}
        frame.stack.append(SnapshotValue(copy_locals(frame.locals), histories))

    def op_RESTORE(self, frame: Frame, instr: Instr) -> None:
        snapshot = frame.stack.pop()
        if not isinstance(snapshot, SnapshotValue):
            raise runtime_error("restore needs a snapshot")
        keep = {k: v for k, v in frame.locals.items() if v is snapshot}
        frame.locals.clear()
        frame.locals.update(copy_locals(snapshot.locals))
        frame.locals.update(keep)
        for agent, history, last in snapshot.histories.values():
            agent.history = history
            agent.last_reply = last
        self.agent_commits += 1

    async def op_VERIFY(self, frame: Frame, instr: Instr) -> None:
        mode, spec, text = instr.arg
        if self.harness_mode == "off":
            frame.stack.pop()
            if mode == "against":
                frame.stack.pop()
            return
        if mode == "against":
            value = frame.stack.pop()
            condition = frame.stack.pop()
            ok = await self.judge(to_text(condition), to_text(value), JudgePurpose.VERIFY)
        elif mode == "type":
            value = frame.stack.pop()
            ok = conforms(value, spec, self.program)
            if ok and self.type_mode != "forgiving" and self.program.semantic_types:
                from .typemodes import declared_as, judge_constraints, semantic_obligations

                # semantic types (R23): the unmet constraint is named after the verified text
                failed = await judge_constraints(self, semantic_obligations(value, spec, self.program))
                if failed is not None:
                    ok, text = False, f"{text} not satisfying {declared_as(failed, self.program)}"
        else:
            ok = truthy(frame.stack.pop())
        if ok:
            return
        message = f"verify failed: {text}"
        if self.harness_mode == "strict":
            raise NexaError("VerifyError", message, "E110")
        self.err.write(f"[verify] FAIL: {text}\n")

    def op_REFLECT(self, frame: Frame, instr: Instr) -> None:
        note = to_text(frame.stack.pop())
        self.record("reflect", text=note)
        self.reflections.append(note)

    def op_HOOK(self, frame: Frame, instr: Instr) -> None:
        event, name, kind, code = instr.arg
        register_hook(frame, event, name, kind, code)
        self.record("hook_registered", event=event)

    def op_CONTEXT_ENTER(self, frame: Frame, instr: Instr) -> None:
        frame.contexts.append(instr.arg)

    def op_CONTEXT_EXIT(self, frame: Frame, instr: Instr) -> None:
        if frame.contexts:
            frame.contexts.pop()

    def op_SELECT_CORRECTION(self, frame: Frame, instr: Instr) -> None:
        error = frame.stack[-1]
        kinds = instr.arg
        kind = error.kind if isinstance(error, NexaError) else "RuntimeError"
        chosen = 0
        for index, wanted in enumerate(kinds):
            if wanted in (kind, "Error") or (
                wanted == "ToolError" and kind in ("AgentError", "TimeoutError", "ProtocolError")
            ):
                chosen = index
                break
        frame.stack.append(chosen)


def prepare_process() -> None:
    """Garbage-collector settings for a run: a run creates many short-lived frames and requests, and
    the default thresholds make the collector rescan the loaded program thousands of times."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)


# ------------------------------------------------------------------------------------ operators


def check_int(value: Any) -> Any:
    if type(value) is int and not INT_MIN <= value <= INT_MAX:
        raise runtime_error("integer overflow (64-bit)")
    return value


_VERBS = {"-": "subtract", "*": "multiply", "/": "divide", "%": "take the modulo of"}


def binary(op: str, left: Any, right: Any) -> Any:
    """L§5.5."""
    if op == "==":
        return equal(left, right)
    if op == "!=":
        return not equal(left, right)
    if op == "+":
        if is_number(left) and is_number(right):
            return check_int(left + right)
        if isinstance(left, str) or isinstance(right, str):
            return to_text(left) + to_text(right)
        if isinstance(left, list) and isinstance(right, list):
            return left + right
        raise runtime_error(f"cannot add '{kind_name(right)}' to '{kind_name(left)}'")
    if op in ("-", "*", "/", "%"):
        if not (is_number(left) and is_number(right)):
            if op == "-":
                raise runtime_error(f"cannot subtract '{kind_name(right)}' from '{kind_name(left)}'")
            raise runtime_error(f"cannot {_VERBS[op]} '{kind_name(left)}' by '{kind_name(right)}'")
        if op == "-":
            return check_int(left - right)
        if op == "*":
            return check_int(left * right)
        if right == 0:
            raise runtime_error("division by zero")
        if op == "/":
            return left / right
        return left % right
    if op in ("<", "<=", ">", ">="):
        if not ((is_number(left) and is_number(right)) or (isinstance(left, str) and isinstance(right, str))):
            raise runtime_error(f"cannot compare '{kind_name(left)}' with '{kind_name(right)}'")
        if op == "<":
            return left < right
        if op == "<=":
            return left <= right
        if op == ">":
            return left > right
        return left >= right
    raise runtime_error(f"unknown operator '{op}'")


def is_runnable(value: Any) -> bool:
    return isinstance(
        value,
        AgentRuntime
        | Function
        | Builtin
        | ToolValue
        | JoinHandle
        | Chain
        | BoundMethod
        | VariantConstructor
        | StructType,
    )


def match_pattern(pattern: Any, value: Any, bindings: dict[str, Any]) -> bool:
    """L§5.10.2."""
    if isinstance(pattern, PWild):
        return True
    if isinstance(pattern, PBind):
        bindings[pattern.name] = value
        return True
    if isinstance(pattern, PLiteral):
        return equal(pattern.value, value)
    if isinstance(pattern, PList):
        if not isinstance(value, list):
            return False
        count = len(pattern.elements)
        if len(value) < count or (not pattern.has_rest and len(value) != count):
            return False
        for sub, item in zip(pattern.elements, value, strict=False):
            if not match_pattern(sub, item, bindings):
                return False
        if pattern.rest:
            bindings[pattern.rest] = list(value[count:])
        return True
    if isinstance(pattern, PMap):
        if not isinstance(value, dict):
            return False
        for key, sub in pattern.entries:
            if key not in value:
                return False
            if sub is None:
                bindings[key] = value[key]
            elif not match_pattern(sub, value[key], bindings):
                return False
        if pattern.rest:
            listed = {k for k, _ in pattern.entries}
            bindings[pattern.rest] = {k: v for k, v in value.items() if k not in listed}
        return True
    if isinstance(pattern, PVariant):
        if isinstance(value, VariantValue):
            if value.variant != pattern.variant or (
                value.enum != pattern.enum and pattern.enum not in ("Option", "Result")
            ):
                return False
            payload = list(value.values)
        elif (
            isinstance(value, dict)
            and value.get("_nexa_variant") == pattern.variant
            and (value.get("_nexa_enum") in (None, pattern.enum))
        ):
            payload = list(value.get("_nexa_fields") or [])
        else:
            return False
        if pattern.arguments and len(pattern.arguments) != len(payload):
            return False
        return all(
            match_pattern(sub, item, bindings) for sub, item in zip(pattern.arguments, payload, strict=False)
        )
    return False


def conforms(value: Any, spec: Any, program: CompiledProgram, depth: int = 0) -> bool:
    """Whether `value` has the declared type `spec` (L§3.8, docs/runtime-decisions.md R21). A name
    is a builtin type, a type alias (expanded; a semantic type's constraint is judged apart, R23:
    `typemodes.semantic_obligations`), a protocol, a struct or an enum of the program; an unknown
    name is `any` (D17)."""
    kind = spec[0]
    if kind == "any" or depth > 64:  # a cycle of aliases (`type A = B`, `type B = A`) is any
        return True
    depth += 1
    if kind == "optional":
        if value is None or (isinstance(value, VariantValue) and value.enum == "Option"):
            inner = value.values if isinstance(value, VariantValue) else ()
            return all(conforms(v, spec[1], program, depth) for v in inner)
        return conforms(value, spec[1], program, depth)
    if kind == "list":
        return isinstance(value, list) and all(conforms(v, spec[1], program, depth) for v in value)
    if kind == "dict":
        if not isinstance(value, dict):
            return False
        # the VM stores every key as text, so only the values are checked
        return len(spec) < 3 or all(conforms(v, spec[2], program, depth) for v in value.values())
    if kind == "enum":
        return isinstance(value, str) and value in spec[1]
    if kind == "union":
        return any(conforms(value, s, program, depth) for s in spec[1])
    if kind == "result":
        if not (isinstance(value, VariantValue) and value.enum == "Result" and value.values):
            return False
        wanted = spec[1] if value.variant == "Ok" else spec[2]
        return conforms(value.values[0], wanted, program, depth)
    name = spec[1]
    if name == "str":
        return isinstance(value, str)
    if name == "int":
        return type(value) is int
    if name == "float":
        return is_number(value)
    if name == "bool":
        return isinstance(value, bool)
    if name == "none":
        return value is None
    alias = program.type_aliases.get(name)
    if alias is not None:
        return conforms(value, alias, program, depth)
    protocol = program.protocols.get(name)
    if protocol is not None:
        return isinstance(value, dict) and all(
            (f in value and conforms(value[f], s, program, depth)) or s[0] == "optional" for f, s in protocol
        )
    if name in program.structs:
        return isinstance(value, StructValue) and value.type_name == name
    if name in program.enums:
        return isinstance(value, VariantValue) and value.enum == name
    if isinstance(value, StructValue):  # a struct reaching an unknown name: only by its own name
        return value.type_name == name
    if isinstance(value, VariantValue):
        return value.enum == name
    return True


def score_of(value: Any) -> float:
    if value is None:
        return 0
    if is_number(value):
        return float(value)
    if isinstance(value, dict) and is_number(value.get("score")):
        return float(value["score"])
    if isinstance(value, str):
        return float(len(value))
    return 1


def merge_strategy(strategy: str, values: list[Any]) -> Any:
    """L§7.10.5."""
    if strategy == "all":
        return list(values)
    if strategy == "first":
        return values[0]
    if strategy == "vote":
        counts: dict[str, int] = {}
        for value in values:
            counts[to_text(value)] = counts.get(to_text(value), 0) + 1
        best = max(counts.values())
        return next(v for v in values if counts[to_text(v)] == best)
    if strategy == "weighted_average":
        numbers = [v for v in values if is_number(v)]
        return sum(numbers) / len(numbers) if numbers else None
    best_value, best_score = values[0], score_of(values[0])
    for value in values[1:]:
        if score_of(value) > best_score:
            best_value, best_score = value, score_of(value)
    return best_value


__all__ = [
    "Frame",
    "Interpreter",
    "Record",
    "StepHook",
    "to_json_text",
    "parse_json_reply",
]
