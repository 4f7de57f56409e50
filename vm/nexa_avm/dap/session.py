"""One debug session: DAP requests mapped onto the Agent VM through its stepping hook.

The VM runs on this session's asyncio loop, as under `nexa run` (cli.run_program is the runner).
`Interpreter.step_hook` is called before a statement: it records it for step back (history.py) and,
only when a breakpoint is bound to the statement or something asks for attention (a step, a pause,
stop-on-entry, a request waiting to be handled), decides whether the thread stops. When no
breakpoint is set and nothing asks for attention, the hook lets the next statements of the same
activation run quietly (the interpreter's quiet runs: only their pcs are recorded, up to the next
checkpoint); whatever asks for attention ends the quiet run (`_interrupt_quiet`). A stopped thread
is a hook that has not returned: the other threads (fork branches, actors, spawned tasks: each
asyncio task is a thread) go on. `Interpreter.error_hook` reports errors where they are raised.

Handlers are thin: each maps one request onto breakpoints.py, history.py, variables.py or
evaluation.py.
"""

from __future__ import annotations

import asyncio
import functools
import io
import os
import queue
import sys
import traceback
from collections.abc import Awaitable, Callable
from typing import Any, TextIO

from ..errors import NexaError
from ..interpreter import Frame, Interpreter, Rewind, prepare_process
from ..values import truthy
from .breakpoints import (
    Breakpoint,
    StatementTable,
    function_codes,
    hit_matches,
    parse_hit_condition,
)
from .evaluation import SnippetError, evaluate, render_log_message
from .history import CHECKPOINT_EVERY, History, ReplyMemo
from .launch_config import LaunchConfig, LaunchError, parse_launch
from .locations import Locations, normalize_path
from .protocol import Connection, Message
from .variables import Variables

EXCEPTION_FILTERS = [
    {
        "filter": "raised",
        "label": "Raised errors",
        "description": "Stop where any error is raised, caught or not",
        "default": False,
    },
    {
        "filter": "uncaught",
        "label": "Uncaught errors",
        "description": "Stop where an error no handler catches is raised",
        "default": True,
    },
]

CAPABILITIES: dict[str, Any] = {
    "supportsConfigurationDoneRequest": True,
    "supportsFunctionBreakpoints": True,
    "supportsConditionalBreakpoints": True,
    "supportsHitConditionalBreakpoints": True,
    "supportsLogPoints": True,
    "supportsBreakpointLocationsRequest": True,
    "supportsEvaluateForHovers": True,
    "supportsSetVariable": True,
    "supportsStepBack": True,
    "supportsRestartRequest": True,
    "supportsTerminateRequest": True,
    "supportTerminateDebuggee": True,
    "supportsExceptionInfoRequest": True,
    "supportsSingleThreadExecutionRequests": True,
    "exceptionBreakpointFilters": EXCEPTION_FILTERS,
}


class OutputStream(io.TextIOBase):
    """The VM's stdout/stderr: every write becomes an `output` event (and, when attached to a
    `nexa run`, is also written to the process's own stream)."""

    def __init__(self, session: Session, category: str, tee: TextIO | None = None) -> None:
        self.session = session
        self.category = category
        self.tee = tee

    def write(self, text: str) -> int:
        if text and not self.session.replaying():  # a replay after a step back prints nothing again
            self.session.output(text, self.category)
            if self.tee is not None:
                self.tee.write(text)
        return len(text)

    def flush(self) -> None:
        if self.tee is not None:
            self.tee.flush()

    def isatty(self) -> bool:
        return False


class ConsoleInput(io.TextIOBase):
    """The VM's stdin under the debugger: `input()` waits for the next `evaluate` typed in the debug
    console (context `repl`), which the reader thread hands over directly (the VM blocks the loop
    while it reads, exactly as `nexa run` does with a terminal)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.answers: queue.Queue[str] = queue.Queue()
        self.waiting = False
        self.given: list[tuple[int, str]] = []  # (statement number, answer), for replays
        self.again: list[str] = []  # the answers a replay after a step back reads again

    def readline(self, size: int | None = -1) -> str:
        text = self.again.pop(0) if self.again and self.session.replaying() else self._ask()
        if self.session.history is not None:
            self.given.append((self.session.history.clock(), text))
        return text

    def rewind(self, seq: int) -> None:
        """A step back to statement `seq`: the answers given since are read again by the replay."""
        self.again = [text for time, text in self.given if time >= seq]
        self.given = [(time, text) for time, text in self.given if time < seq]

    def _ask(self) -> str:
        self.waiting = True
        self.session.output(
            "\n(nexa-dap: the program waits for input; type the answer in the debug console)\n", "console"
        )
        try:
            return self.answers.get()
        finally:
            self.waiting = False

    def isatty(self) -> bool:  # ask_human asks when its stdin is interactive: the console is
        return True

    def answer(self, text: str) -> None:
        self.answers.put(text + "\n")

    def close_input(self) -> None:
        self.answers.put("")


class ThreadState:
    __slots__ = (
        "id",
        "name",
        "task",
        "frame",
        "resume",
        "step",
        "pause",
        "after_rewind",
        "replay_left",
        "exception",
        "exception_caught",
    )

    def __init__(self, thread_id: int, name: str, task: Any) -> None:
        self.id = thread_id
        self.name = name
        self.task = task
        self.frame: Frame | None = None  # where it is stopped
        self.resume: asyncio.Future[Any] | None = None
        self.step: tuple[str, int] | None = None  # (in | over | out, depth)
        self.pause = False
        self.after_rewind: str | None = None  # stop reason at the restored statement
        self.replay_left = 0  # statements to run again before it (history.py)
        self.exception: NexaError | None = None
        self.exception_caught = False


class Session:
    def __init__(
        self,
        conn: Connection,
        *,
        attached_vm: Interpreter | None = None,
        attached_options: Any = None,
        tee: tuple[TextIO, TextIO] | None = None,
    ) -> None:
        self.conn = conn
        self.loop = asyncio.get_running_loop()
        self.finished = asyncio.Event()
        self.locations = Locations()
        self.client_initialize: Message | None = None
        self.config: LaunchConfig | None = None
        self.vm: Interpreter | None = None
        self.attached_vm = attached_vm  # `nexa run --debug-port`: the program is already loaded
        self.attached_options = attached_options  # its `nexa run` options
        self.tee = tee  # its own stdout and stderr, which get the output too
        self.exit_code: int | None = None
        self.ended = False  # the launched program has finished (`exited`/`terminated` sent)
        self._table: StatementTable | None = None  # built when a breakpoint needs it: `_statements`
        self.history: History | None = None
        self.memo: ReplyMemo | None = None
        self.variables: Variables | None = None
        self.console = ConsoleInput(self)
        self.configured = asyncio.Event()
        self.run_task: asyncio.Task[Any] | None = None
        self.restarting = False
        self.debugging = True
        # breakpoints
        self.next_breakpoint_id = 1
        self.line_breakpoints: dict[str, list[Breakpoint]] = {}  # normalized path -> its breakpoints
        self.function_breakpoints: list[Breakpoint] = []
        self.watched: dict[Any, list[Breakpoint]] = {}  # Instr -> breakpoints bound to it
        self.exception_filters = {"uncaught"}
        # run control
        self.threads: dict[Any, ThreadState] = {}
        self.threads_by_id: dict[int, ThreadState] = {}
        self.next_thread_id = 1
        self._last_task: Any = None
        self.attention = False
        self.yield_requested = False
        self.pause_any = False
        self.entry_pending = False
        self.frame_ids: dict[int, int] = {}
        self.frames: dict[int, Frame] = {}
        self.proxy: Any = None  # attach.Proxy when this session forwards to a `nexa run --debug-port`
        # Ends the quiet run (`_make_hook`): the next statement calls the hook. The reader thread
        # calls it too; should the loop's `frame.quiet -= 1` write the old count back over its 0,
        # the run still ends at its next checkpoint, where the hook looks at `attention`.
        self._interrupt_quiet: Callable[[], None] = lambda: None

    # ----------------------------------------------------------------------------- messages

    def on_message_from_reader(self, message: Message) -> None:
        """Called on the reader thread: things that cannot wait for the loop, then hand over."""
        if message.get("type") == "request":
            command = message.get("command")
            arguments = message.get("arguments") or {}
            if (
                command == "evaluate"
                and self.console.waiting
                and arguments.get("context") == "repl"
                and self.proxy is None
            ):
                self.console.answer(str(arguments.get("expression", "")))
                self.conn.send_response(message, {"result": "", "variablesReference": 0})
                return
            if command in ("disconnect", "terminate"):
                self.console.close_input()
            self.yield_requested = True
            self.attention = True
            self._interrupt_quiet()  # after `attention`: see `_make_hook`
        self.loop.call_soon_threadsafe(self._dispatch, message)

    def on_reader_closed(self) -> None:
        self.console.close_input()
        self.loop.call_soon_threadsafe(self._client_gone)

    def on_bad_input(self, problem: str) -> None:
        self.conn.send_event(
            "output", {"category": "console", "output": f"nexa-dap: ignored a message: {problem}\n"}
        )

    def _client_gone(self) -> None:
        if self.run_task is not None and not self.run_task.done():
            if self.attached_vm is not None:
                self._detach()
            else:
                self.run_task.cancel()
        self.finished.set()

    def _dispatch(self, message: Message) -> None:
        if self.proxy is not None:
            self.proxy.to_target(message)
            return
        if message.get("type") != "request":
            return
        self.loop.create_task(self._handle(message))

    async def _handle(self, request: Message) -> None:
        command = str(request.get("command", ""))
        handler: Callable[[Message], Awaitable[Message | None]] | None = getattr(
            self, "on_" + command.replace("-", "_"), None
        )
        if handler is None:
            self.conn.send_response(request, error=f"unknown request '{command}'")
            return
        try:
            body = await handler(request)
        except RequestError as error:
            self.conn.send_response(request, error=str(error))
            return
        except Exception as failure:  # an adapter bug: one line to the client, the traceback to stderr
            traceback.print_exc(file=sys.stderr)
            self.conn.send_response(request, error=f"nexa-dap could not handle '{command}': {failure}")
            return
        if body is not _RESPONDED:
            self.conn.send_response(request, body)

    def output(self, text: str, category: str = "console", **extra: Any) -> None:
        self.conn.send_event("output", {"category": category, "output": text, **extra})

    # ----------------------------------------------------------------------------- set-up

    async def on_initialize(self, request: Message) -> Message:
        arguments = request.get("arguments") or {}
        self.client_initialize = request
        self.locations = Locations(
            bool(arguments.get("linesStartAt1", True)), bool(arguments.get("columnsStartAt1", True))
        )
        return dict(CAPABILITIES)

    async def on_launch(self, request: Message) -> Message:
        if self.attached_vm is not None:
            raise RequestError("this program was started by `nexa run --debug-port`: attach to it")
        if self.vm is not None:
            raise RequestError("a program is already running in this session")
        try:
            config = parse_launch(request.get("arguments") or {})
        except LaunchError as error:
            raise RequestError(f"invalid launch configuration: {error}") from None
        if config.cwd:
            try:
                os.chdir(config.cwd)
            except OSError as error:
                raise RequestError(f"cannot use cwd '{config.cwd}': {error.strerror or error}") from None
        os.environ.update(config.env)
        self.config = config
        self.debugging = not config.no_debug
        self._load(config)
        self.entry_pending = config.stop_on_entry and self.debugging
        self._update_attention()
        self.conn.send_event("initialized")
        return {}

    def _load(self, config: LaunchConfig) -> None:
        from ..cli import flag_grants, open_run_provider, runtime_options
        from ..loading import load_program

        report = io.StringIO()
        options = config.run_options()
        loaded = load_program(config.program, report, None, use_cache=True, grants=flag_grants(options))
        if report.getvalue():
            self.output(report.getvalue(), "stderr")
        if loaded.program is None:
            self.vm = None
            unreadable = _unreadable(report.getvalue())
            if unreadable is not None:  # no program at all: say why, not "the program has errors"
                raise RequestError(f"cannot launch {os.path.basename(config.program)}: {unreadable}")
            raise RequestError(
                f"cannot launch {os.path.basename(config.program)}: the program has errors "
                f"(exit {loaded.exit_code or 2}; the diagnostics are in the Debug Console)"
            )
        try:
            provider, default_model, judge_model = open_run_provider(options, loaded.settings, config.program)
            extra = runtime_options(options, loaded.settings)
        except Exception as error:  # ProviderError (E202), a bad allow entry: as `nexa run` reports them
            code = getattr(error, "code", "E202")
            self.output(f"nexa: {code} {error}\n", "stderr")
            raise RequestError(f"cannot launch: {code} {error}") from None
        vm = Interpreter(
            loaded.program,
            provider,
            stdout=OutputStream(self, "stdout"),
            stderr=OutputStream(self, "stderr"),
            stdin=self.console,
            default_model=default_model,
            judge_model=judge_model,
            allow_python=options.allow_python,
            harness_mode="warn",
            **extra,
        )
        self._prepare(vm)

    def _prepare(self, vm: Interpreter) -> None:
        """Attach to a VM: positions, history, hooks; bind the breakpoints."""
        self.vm = vm
        if self.tee is not None:
            vm.out = OutputStream(self, "stdout", self.tee[0])
            vm.err = OutputStream(self, "stderr", self.tee[1])
        self.locations.add_files(vm.program.files)
        self._table = None
        self.variables = Variables(vm)
        if self.debugging:
            self.memo = ReplyMemo(vm.provider)
            vm.provider = self.memo
            self.history = History(vm, self.memo)
            vm.step_hook = self._make_hook(vm)
            vm.error_hook = self._on_error
        for path, breakpoints in self.line_breakpoints.items():
            for breakpoint in breakpoints:
                self._bind_line(breakpoint, path)
                self.conn.send_event(
                    "breakpoint", {"reason": "changed", "breakpoint": breakpoint.to_dap(self.locations)}
                )
        for breakpoint in self.function_breakpoints:
            self._bind_function(breakpoint)
        self._rebuild_watched()

    async def on_attach(self, request: Message) -> Message | object:
        if self.attached_vm is not None:
            self.debugging = True
            self._prepare(self.attached_vm)
            self.conn.send_event("initialized")
            return {}
        from .attach import Proxy

        arguments = request.get("arguments") or {}
        host = arguments.get("host", "127.0.0.1")
        port = arguments.get("port")
        if not isinstance(port, int) or not isinstance(host, str):
            raise RequestError('attach needs "port" (a number) and optionally "host" (a string)')
        try:
            proxy = await Proxy.connect(self, host, port)
        except OSError as error:
            raise RequestError(f"cannot attach to {host}:{port}: {error.strerror or error}") from None
        self.proxy = proxy
        proxy.start(self.client_initialize, request)
        return _RESPONDED

    async def on_configurationDone(self, request: Message) -> Message:
        if self.vm is None:
            raise RequestError("configurationDone before a successful launch")
        if not self.configured.is_set():
            self.configured.set()
            self._start()
        return {}

    def _start(self) -> None:
        prepare_process()
        self.ended = False
        self.run_task = self.loop.create_task(self._run())
        self._register_thread(self.run_task, "main")

    async def _run(self) -> None:
        from ..cli import run_program

        vm = self.vm
        assert vm is not None and self.config is not None or self.attached_vm is not None
        options = self.config.run_options() if self.config is not None else self.attached_options
        code: int | None = None
        try:
            code = await run_program(vm, options, vm.out, vm.err)
        except asyncio.CancelledError:
            code = None
        except BaseException as failure:  # never leave the client waiting
            traceback.print_exc(file=sys.stderr)
            self.output(f"nexa-dap: the run failed: {failure}\n", "stderr")
            code = 70
        finally:
            for task in list(vm.background):
                task.cancel()
        self.exit_code = code
        if self.restarting:
            return
        # The program is over: its threads are gone, so `threads` lists none and run control
        # requests say the program has ended instead of acting on a thread that no longer runs.
        self.ended = True
        for thread in list(self.threads.values()):
            self._thread_exited(thread)
        if code is not None:
            self.conn.send_event("exited", {"exitCode": code})
        self.conn.send_event("terminated")

    # ----------------------------------------------------------------------------- breakpoints

    async def on_setBreakpoints(self, request: Message) -> Message:
        arguments = request.get("arguments") or {}
        source = arguments.get("source") or {}
        path = source.get("path")
        if not isinstance(path, str):
            raise RequestError("setBreakpoints needs source.path")
        key = normalize_path(path)
        wanted = arguments.get("breakpoints")
        if wanted is None:
            wanted = [{"line": line} for line in arguments.get("lines") or []]
        created: list[Breakpoint] = []
        for item in wanted:
            breakpoint = Breakpoint(
                id=self.next_breakpoint_id,
                path=key,
                line=self.locations.client_line(int(item.get("line", 0))),
                condition=item.get("condition") or None,
                log_message=item.get("logMessage") or None,
            )
            self.next_breakpoint_id += 1
            hit = item.get("hitCondition")
            if hit:
                breakpoint.hit_rule = parse_hit_condition(str(hit))
                if breakpoint.hit_rule is None:
                    breakpoint.message = f"hit condition '{hit}' is not N, == N, >= N, > N, < N, <= N or % N"
            self._bind_line(breakpoint, key)
            created.append(breakpoint)
        self.line_breakpoints[key] = created
        self._rebuild_watched()
        return {"breakpoints": [b.to_dap(self.locations) for b in created]}

    def _statements(self) -> StatementTable:
        """The program's statements by line, made on first use: a session without breakpoints
        never needs them, and its run is faster without them in memory (bench/dap.py)."""
        assert self.vm is not None
        if self._table is None:
            self._table = StatementTable(self.vm.program, self.locations)
        return self._table

    def _bind_line(self, breakpoint: Breakpoint, path: str) -> None:
        if self.vm is None:
            return  # bound when the program is loaded
        breakpoint.statements = self._statements().at_line(path, breakpoint.line)
        if not breakpoint.statements and breakpoint.message is None:
            breakpoint.message = "no statement on or after this line"
        elif breakpoint.statements and breakpoint.message == "no statement on or after this line":
            breakpoint.message = None

    async def on_setFunctionBreakpoints(self, request: Message) -> Message:
        arguments = request.get("arguments") or {}
        created = []
        for item in arguments.get("breakpoints") or []:
            breakpoint = Breakpoint(
                id=self.next_breakpoint_id,
                path="",
                line=0,
                condition=item.get("condition") or None,
                kind="function",
                name=str(item.get("name", "")),
            )
            self.next_breakpoint_id += 1
            hit = item.get("hitCondition")
            if hit:
                breakpoint.hit_rule = parse_hit_condition(str(hit))
            self._bind_function(breakpoint)
            created.append(breakpoint)
        self.function_breakpoints = created
        self._rebuild_watched()
        return {"breakpoints": [b.to_dap(self.locations) for b in created]}

    def _bind_function(self, breakpoint: Breakpoint) -> None:
        if self.vm is None:
            return
        statements = []
        for code in function_codes(self.vm.program, breakpoint.name):
            first = self._statements().first_statement(code)
            if first is not None:
                statements.append(first)
        breakpoint.statements = statements
        breakpoint.message = None if statements else f"no flow, agent or tool named '{breakpoint.name}'"

    def _rebuild_watched(self) -> None:
        self.watched.clear()  # the hook holds this very dictionary
        every = [b for bs in self.line_breakpoints.values() for b in bs] + self.function_breakpoints
        for breakpoint in every:
            if not breakpoint.verified:
                continue
            for statement in breakpoint.statements:
                self.watched.setdefault(statement.instr, []).append(breakpoint)
        if self.watched:
            self._interrupt_quiet()

    async def on_breakpointLocations(self, request: Message) -> Message:
        arguments = request.get("arguments") or {}
        path = (arguments.get("source") or {}).get("path")
        if not isinstance(path, str) or self.vm is None:
            return {"breakpoints": []}
        first = self.locations.client_line(int(arguments.get("line", 0)))
        last = self.locations.client_line(int(arguments.get("endLine", arguments.get("line", 0))))
        seen: set[tuple[int, int]] = set()
        found = []
        for statement in self._statements().in_lines(path, first, last):
            line, column = self.locations.to_client(statement.path, statement.instr.span[0])
            if (line, column) not in seen:
                seen.add((line, column))
                found.append({"line": line, "column": column})
        found.sort(key=lambda item: (item["line"], item["column"]))
        return {"breakpoints": found}

    async def on_setExceptionBreakpoints(self, request: Message) -> Message:
        arguments = request.get("arguments") or {}
        filters = set(arguments.get("filters") or [])
        filters |= {o.get("filterId") for o in arguments.get("filterOptions") or [] if o.get("filterId")}
        unknown = filters - {f["filter"] for f in EXCEPTION_FILTERS}
        if unknown:
            raise RequestError(f"unknown exception filter(s): {', '.join(sorted(unknown))}")
        self.exception_filters = filters
        return {"breakpoints": [{"verified": True} for _ in filters]}

    # ----------------------------------------------------------------------------- the hooks

    def _make_hook(self, vm: Interpreter) -> Callable[[Frame, tuple[int, int]], Awaitable[None] | None]:
        current_task = functools.partial(asyncio.current_task, self.loop)  # no look-up of the loop
        watched = self.watched
        history = self.history
        assert history is not None
        pcs_append = history.pcs.append
        checkpoint = history.checkpoint
        session = self
        vm.step_pcs = history.pcs  # quiet runs append their pcs to it

        # The activation of the last checkpoint and how many of its statements are still to be
        # recorded without a snapshot. During a quiet run `last_frame.quiet` holds that count (no
        # other frame has one) and `left` is 0; a quiet run ended early loses the rest, so the next
        # statement is a checkpoint.
        last_frame: Frame | None = None
        left = 0

        def hook(frame: Frame, span: tuple[int, int]) -> Awaitable[None] | None:
            nonlocal last_frame, left
            if frame is last_frame and left:
                # the same activation as the last statement (so the same thread) and no checkpoint
                # due: the statement's pc is all history.py needs
                left -= 1
                pcs_append(frame.pc)
                if session.attention or (watched and frame.instr in watched):
                    return session._consider(current_task(), frame)
            else:
                if last_frame is not None:
                    last_frame.quiet = 0  # its next statement after this one is a checkpoint
                task = current_task()
                if task is not session._last_task:
                    session._switch(task, frame)
                checkpoint(task, frame)
                last_frame, left = frame, CHECKPOINT_EVERY - 1
                if session.attention or (watched and frame.instr in watched):
                    return session._consider(task, frame)
            if not watched:  # nothing to look at in this activation until its next checkpoint
                frame.quiet, left = left, 0
                if session.attention:  # asked meanwhile by the reader thread, which sets it first
                    frame.quiet = 0
            return None

        def interrupt() -> None:
            frame = last_frame
            if frame is not None:
                frame.quiet = 0

        def forget_activation() -> None:
            nonlocal last_frame, left
            interrupt()
            last_frame, left = None, 0

        self._interrupt_quiet = interrupt
        history.forget_activation = forget_activation
        return hook

    def _switch(self, task: Any, frame: Frame) -> None:
        self._last_task = task
        if task not in self.threads:
            self._register_thread(task, self._thread_name(frame))

    def _thread_name(self, frame: Frame) -> str:
        code = frame.code
        return f"{_THREAD_KINDS.get(code.kind, code.kind)} {code.name}"

    def _register_thread(self, task: Any, name: str) -> ThreadState:
        thread = ThreadState(self.next_thread_id, name, task)
        self.next_thread_id += 1
        self.threads[task] = thread
        self.threads_by_id[thread.id] = thread
        self.conn.send_event("thread", {"reason": "started", "threadId": thread.id})
        if task is not self.run_task and hasattr(task, "add_done_callback"):
            task.add_done_callback(self._task_done)
        return thread

    def _task_done(self, task: Any) -> None:
        thread = self.threads.get(task)
        if thread is not None:
            self._thread_exited(thread)

    def _thread_exited(self, thread: ThreadState) -> None:
        self.threads.pop(thread.task, None)
        self.threads_by_id.pop(thread.id, None)
        if self._last_task is thread.task:
            self._last_task = None
        self.conn.send_event("thread", {"reason": "exited", "threadId": thread.id})
        if thread.step is not None or thread.pause or thread.after_rewind:  # it asked for attention
            self._update_attention()

    def _update_attention(self) -> None:
        self.attention = (
            self.yield_requested
            or self.pause_any
            or self.entry_pending
            or any(t.step is not None or t.pause or t.after_rewind for t in self.threads.values())
        )
        if self.yield_requested:  # set by the reader thread while this ran: keep its attention
            self.attention = True
        if self.attention:
            self._interrupt_quiet()

    def _consider(self, task: Any, frame: Frame) -> Awaitable[None] | None:
        thread = self.threads.get(task)
        if thread is None:
            return None
        if self.yield_requested:  # let the loop read requests even while the program is busy
            self.yield_requested = False
            self._update_attention()
            return self._yield_then_decide(thread, frame)
        return self._decide(thread, frame)

    async def _yield_then_decide(self, thread: ThreadState, frame: Frame) -> None:
        await asyncio.sleep(0)  # the reader's call_soon_threadsafe runs: the handler's task is created
        await asyncio.sleep(0)  # the handler runs up to its first wait
        await self._decide(thread, frame)

    def replaying(self) -> bool:
        """A thread runs again to the statement a step back went to (its output is dropped)."""
        return any(t.replay_left for t in self.threads.values())

    async def _decide(self, thread: ThreadState, frame: Frame) -> None:
        if thread.after_rewind is not None:
            if thread.replay_left:
                thread.replay_left -= 1
                return None
            self.console.again.clear()
            reason, thread.after_rewind = thread.after_rewind, None
            return await self._stop(thread, frame, reason)
        if self.entry_pending and (frame.code.kind == "flow" or not self.vm or not self.vm.program.flows):
            self.entry_pending = False
            return await self._stop(thread, frame, "entry")
        if self.pause_any or thread.pause:
            self.pause_any = thread.pause = False
            return await self._stop(thread, frame, "pause")
        breakpoints = self.watched.get(frame.instr)
        if breakpoints:
            hit = []
            for breakpoint in list(breakpoints):
                if breakpoint.condition:
                    try:
                        if not truthy(await evaluate(self.vm, frame, breakpoint.condition)):  # type: ignore[arg-type]
                            continue
                    except (SnippetError, NexaError) as error:
                        text = getattr(error, "message", str(error))
                        self.output(
                            f"breakpoint condition '{breakpoint.condition}' failed: {text}\n", "console"
                        )
                breakpoint.hits += 1
                if breakpoint.hit_rule is not None and not hit_matches(breakpoint.hit_rule, breakpoint.hits):
                    continue
                if breakpoint.log_message is not None:
                    text = await render_log_message(self.vm, frame, breakpoint.log_message)  # type: ignore[arg-type]
                    self._log_output(text, frame)
                    continue
                hit.append(breakpoint)
            if hit:
                reason = "function breakpoint" if hit[0].kind == "function" else "breakpoint"
                return await self._stop(thread, frame, reason, hitBreakpointIds=[b.id for b in hit])
        step = thread.step
        if step is not None:
            mode, depth = step
            if (
                mode == "in"
                or (mode == "over" and frame.depth <= depth)
                or (mode == "out" and frame.depth < depth)
            ):
                return await self._stop(thread, frame, "step")
        return None

    def _log_output(self, text: str, frame: Frame) -> None:
        extra: dict[str, Any] = {}
        instr = frame.instr
        if instr is not None and instr.file:
            line, column = self.locations.to_client(instr.file, instr.span[0])
            extra = {"source": {"path": instr.file}, "line": line, "column": column}
        self.output(text + "\n", "console", **extra)

    async def _stop(self, thread: ThreadState, frame: Frame, reason: str, **extra: Any) -> None:
        thread.step = None
        thread.replay_left = 0
        thread.pause = False
        self._update_attention()
        thread.frame = frame
        thread.resume = self.loop.create_future()
        body: dict[str, Any] = {"reason": reason, "threadId": thread.id, "allThreadsStopped": False}
        if reason == "exception" and thread.exception is not None:
            body["description"] = f"{thread.exception.kind}: {thread.exception.message}"
            body["text"] = thread.exception.code
        body.update(extra)
        self.conn.send_event("stopped", body)
        try:
            action = await thread.resume
        finally:
            thread.resume = None
            thread.frame = None
        if isinstance(action, Rewind):
            raise action

    def _on_error(self, frame: Frame, error: NexaError) -> Awaitable[None] | None:
        if getattr(error, "_dap_reported", False):
            return None
        error._dap_reported = True  # type: ignore[attr-defined]
        filters = self.exception_filters
        if not filters:
            return None
        caught = is_caught(frame, error)
        if "raised" not in filters and ("uncaught" not in filters or caught):
            return None
        thread = self.threads.get(asyncio.current_task())
        if thread is None or thread.replay_left:
            return None
        thread.exception = error
        thread.exception_caught = caught
        return self._stop_on_exception(thread, frame)

    async def _stop_on_exception(self, thread: ThreadState, frame: Frame) -> None:
        try:
            await self._stop(thread, frame, "exception")
        finally:
            thread.exception = None

    # ----------------------------------------------------------------------------- run control

    def _thread(self, request: Message) -> ThreadState:
        arguments = request.get("arguments") or {}
        thread = self.threads_by_id.get(arguments.get("threadId"))  # type: ignore[arg-type]
        if thread is None:
            self._check_running()
            raise RequestError(f"no thread {arguments.get('threadId')}")
        return thread

    def _check_running(self) -> None:
        if self.ended:
            code = "" if self.exit_code is None else f" (exit code {self.exit_code})"
            raise RequestError(f"the program has ended{code}")

    def _stopped_thread(self, request: Message) -> ThreadState:
        thread = self._thread(request)
        if thread.resume is None:
            raise RequestError(f"thread {thread.id} is running")
        return thread

    def _resume(self, thread: ThreadState, action: Any = None, single: bool = False) -> None:
        targets = [thread] if single else [t for t in self.threads.values() if t.resume is not None]
        if thread not in targets:
            targets.append(thread)
        for each in targets:
            if each.resume is not None and not each.resume.done():
                each.resume.set_result(action if each is thread else None)
        if all(t.resume is None or t.resume.done() for t in self.threads.values()):
            self.frames.clear()
            self.frame_ids.clear()
            if self.variables is not None:
                self.variables.clear()
        self._update_attention()

    def _single(self, request: Message) -> bool:
        return bool((request.get("arguments") or {}).get("singleThread"))

    async def on_continue(self, request: Message) -> Message:
        thread = self._stopped_thread(request)
        single = self._single(request)
        self._resume(thread, single=single)
        return {"allThreadsContinued": not single}

    async def _step(self, request: Message, mode: str) -> Message:
        thread = self._stopped_thread(request)
        assert thread.frame is not None
        thread.step = (mode, thread.frame.depth)
        self._resume(thread, single=self._single(request))
        return {}

    async def on_next(self, request: Message) -> Message:
        return await self._step(request, "over")

    async def on_stepIn(self, request: Message) -> Message:
        return await self._step(request, "in")

    async def on_stepOut(self, request: Message) -> Message:
        return await self._step(request, "out")

    async def on_pause(self, request: Message) -> Message:
        self._check_running()
        arguments = request.get("arguments") or {}
        thread = self.threads_by_id.get(arguments.get("threadId"))  # type: ignore[arg-type]
        if thread is not None and thread.resume is not None:
            return {}  # already stopped
        if thread is not None:
            thread.pause = True
        else:
            self.pause_any = True
        self._update_attention()
        return {}

    async def on_stepBack(self, request: Message) -> Message:
        thread, indexes = self._rewind_candidates(request)
        if not indexes:
            raise RequestError("no earlier statement of this activation or its callers to step back to")
        self._rewind(thread, indexes[0], "step")
        return {}

    async def on_reverseContinue(self, request: Message) -> Message:
        thread, indexes = self._rewind_candidates(request)
        if not indexes:
            raise RequestError("no earlier statement to go back to")
        assert self.history is not None
        chosen, reason = indexes[-1], "step"
        for index in indexes:
            frame, pc = self.history.where(index)
            bound = self.watched.get(frame.code.instrs[pc])
            if bound and any(b.kind == "line" and b.log_message is None for b in bound):
                chosen, reason = index, "breakpoint"
                break
        self._rewind(thread, chosen, reason)
        return {}

    def _rewind_candidates(self, request: Message) -> tuple[ThreadState, list[int]]:
        thread = self._stopped_thread(request)
        if self.history is None:
            raise RequestError("stepping back needs a debug run (not noDebug)")
        if thread.exception is not None:
            raise RequestError("cannot step back from an error being raised; continue or step first")
        assert thread.frame is not None
        return thread, self.history.restorable(thread.task, thread.frame)

    def _rewind(self, thread: ThreadState, index: int, reason: str) -> None:
        assert self.history is not None
        rewind, thread.replay_left = self.history.rewind_to(index)
        self.console.rewind(self.history.clock() + 1)
        thread.after_rewind = reason
        self._resume(thread, rewind, single=True)

    async def on_terminate(self, request: Message) -> Message:
        await self._terminate()
        return {}

    async def _terminate(self) -> None:
        if self.attached_vm is not None:
            self._detach()
            return
        task = self.run_task
        if task is not None and not task.done():
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
        elif task is None:
            self.conn.send_event("terminated")

    def _detach(self) -> None:
        """The debugger leaves a `nexa run --debug-port` program: it goes on without hooks."""
        if self.vm is not None:
            self.vm.step_hook = None
            self.vm.error_hook = None
        self._interrupt_quiet()  # no frame stays quiet for a debugger that attaches later
        self.line_breakpoints.clear()
        self.function_breakpoints = []
        self.watched.clear()
        for thread in list(self.threads.values()):
            thread.step = None
            if thread.resume is not None and not thread.resume.done():
                thread.resume.set_result(None)
        self._update_attention()

    async def on_disconnect(self, request: Message) -> Message | object:
        arguments = request.get("arguments") or {}
        if self.attached_vm is not None and not arguments.get("terminateDebuggee", False):
            self._detach()
        else:
            await self._terminate()
        self.conn.send_response(request, {})
        self.finished.set()
        return _RESPONDED

    async def on_restart(self, request: Message) -> Message:
        if self.config is None or self.vm is None:
            raise RequestError("restart needs a launched program")
        arguments = (request.get("arguments") or {}).get("arguments")
        config = self.config
        if isinstance(arguments, dict):
            try:
                config = parse_launch(arguments)
            except LaunchError as error:
                raise RequestError(f"invalid launch configuration: {error}") from None
        self.restarting = True
        task = self.run_task
        if task is not None and not task.done():
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
        self.restarting = False
        for thread in list(self.threads.values()):
            self.conn.send_event("thread", {"reason": "exited", "threadId": thread.id})
        self.threads.clear()
        self.threads_by_id.clear()
        self._last_task = None
        self.next_thread_id = 1
        self.frames.clear()
        self.frame_ids.clear()
        for breakpoint in [
            b for bs in self.line_breakpoints.values() for b in bs
        ] + self.function_breakpoints:
            breakpoint.hits = 0
        self.config = config
        self.debugging = not config.no_debug
        self._load(config)
        self.entry_pending = config.stop_on_entry and self.debugging
        self._update_attention()
        self._start()
        return {}

    # ----------------------------------------------------------------------------- inspection

    async def on_threads(self, request: Message) -> Message:
        threads = [{"id": t.id, "name": t.name} for t in sorted(self.threads.values(), key=lambda t: t.id)]
        if self.ended:
            return {"threads": threads}
        return {"threads": threads or [{"id": 1, "name": "main"}]}  # the thread about to start

    def _frame_id(self, frame: Frame) -> int:
        key = id(frame)
        found = self.frame_ids.get(key)
        if found is None:
            found = self.frame_ids[key] = len(self.frame_ids) + 1
            self.frames[found] = frame
        return found

    def _frame(self, frame_id: Any) -> Frame:
        frame = self.frames.get(frame_id)
        if frame is None:
            raise RequestError(f"no frame {frame_id} (frames are valid while their thread is stopped)")
        return frame

    async def on_stackTrace(self, request: Message) -> Message:
        thread = self._stopped_thread(request)
        arguments = request.get("arguments") or {}
        frames: list[dict[str, Any]] = []
        frame: Frame | None = thread.frame
        while frame is not None:
            frames.append(self._describe_frame(frame))
            frame = frame.parent
        total = len(frames)
        start = int(arguments.get("startFrame") or 0)
        levels = int(arguments.get("levels") or 0)
        frames = frames[start : start + levels] if levels else frames[start:]
        return {"stackFrames": frames, "totalFrames": total}

    def _describe_frame(self, frame: Frame) -> dict[str, Any]:
        code = frame.code
        name = {
            "flow": f"flow {code.name}",
            "agent_run": f"agent {code.name.removesuffix('.run')}",
            "module": "<top level>",
            "lambda": "<fn>" if code.name in ("", "<lambda>") else code.name,
            "tool_fn": f"tool {code.name}",
        }.get(code.kind, code.name)
        described: dict[str, Any] = {"id": self._frame_id(frame), "name": name, "line": 0, "column": 0}
        instr = frame.instr
        path = (instr.file if instr is not None else None) or code.file
        if path and not path.startswith("<"):
            described["source"] = {"name": os.path.basename(path), "path": os.path.abspath(path)}
            offset = instr.span[0] if instr is not None else code.span[0]
            described["line"], described["column"] = self.locations.to_client(path, offset)
            if instr is not None:
                described["endLine"], described["endColumn"] = self.locations.to_client(path, instr.span[1])
        return described

    async def on_scopes(self, request: Message) -> Message:
        frame = self._frame((request.get("arguments") or {}).get("frameId"))
        assert self.variables is not None
        self.last_frame = frame
        return {"scopes": self.variables.scopes(frame)}

    last_frame: Frame | None = None

    async def on_variables(self, request: Message) -> Message:
        arguments = request.get("arguments") or {}
        if self.variables is None:
            raise RequestError("no program")
        try:
            found = self.variables.list(
                int(arguments.get("variablesReference", 0)), arguments.get("start"), arguments.get("count")
            )
        except KeyError:
            raise RequestError(
                "unknown variablesReference (values are valid while the thread is stopped)"
            ) from None
        if arguments.get("filter") == "indexed":
            found = [v for v in found if v["name"].startswith("[")]
        elif arguments.get("filter") == "named":
            found = [v for v in found if not v["name"].startswith("[")]
        return {"variables": found}

    async def on_setVariable(self, request: Message) -> Message:
        arguments = request.get("arguments") or {}
        if self.variables is None or self.vm is None:
            raise RequestError("no program")
        children = self.variables.handles.get(int(arguments.get("variablesReference", 0)))
        if children is None or children.assign is None:
            raise RequestError("this value cannot be assigned in the debugger")
        name = str(arguments.get("name", ""))
        try:
            value = await evaluate(self.vm, self.last_frame, str(arguments.get("value", "")))
        except SnippetError as error:
            raise RequestError(str(error)) from None
        except NexaError as error:
            raise RequestError(f"{error.kind}: {error.message} ({error.code})") from None
        try:
            children.assign(name, value)
        except (ValueError, IndexError, TypeError) as error:
            raise RequestError(f"cannot set '{name}': {error}") from None
        described = self.variables.describe(name, value)
        return {
            "value": described["value"],
            "type": described["type"],
            "variablesReference": described["variablesReference"],
        }

    async def on_evaluate(self, request: Message) -> Message:
        arguments = request.get("arguments") or {}
        if self.vm is None or self.variables is None:
            raise RequestError("no program is loaded")
        frame_id = arguments.get("frameId")
        frame = self._frame(frame_id) if frame_id is not None else self._any_stopped_frame()
        expression = str(arguments.get("expression", ""))
        try:
            value = await evaluate(self.vm, frame, expression)
        except SnippetError as error:
            raise RequestError(str(error)) from None
        except NexaError as error:
            raise RequestError(f"{error.kind}: {error.message} ({error.code})") from None
        described = self.variables.describe("", value)
        return {
            "result": described["value"],
            "type": described["type"],
            "variablesReference": described["variablesReference"],
        }

    def _any_stopped_frame(self) -> Frame | None:
        for thread in sorted(self.threads.values(), key=lambda t: t.id):
            if thread.frame is not None:
                return thread.frame
        return None

    async def on_exceptionInfo(self, request: Message) -> Message:
        thread = self._stopped_thread(request)
        error = thread.exception
        if error is None:
            raise RequestError("this thread did not stop on an error")
        return {
            "exceptionId": error.code,
            "description": f"{error.kind}: {error.message}",
            "breakMode": "always" if thread.exception_caught else "unhandled",
            "details": {
                "message": error.message,
                "typeName": error.kind,
                "fullTypeName": f"{error.kind} ({error.code})",
                "stackTrace": f"  --> {error.file or '<input>'}:{error.line}:{error.column}",
            },
        }


class RequestError(Exception):
    """A request that cannot be done: an error response with this text."""


_RESPONDED = object()
_THREAD_KINDS = {"agent_run": "agent", "branch": "fork branch", "lambda": "fn"}  # a thread's name


def _unreadable(report: str) -> str | None:
    """`cannot read '{path}': {reason}` when loading stopped because the file could not be read
    (loading.load_program's report), else None."""
    first = report.partition("\n")[0]
    prefix = "nexa: cannot read "
    return first[len("nexa: ") :] if first.startswith(prefix) else None


def is_caught(frame: Frame, error: NexaError) -> bool:
    """Whether a handler of `frame` or of a caller catches `error` (try/catch, otherwise, try_agent)."""
    walk: Frame | None = frame
    while walk is not None:
        for _, kind, *_ in walk.handlers:
            if kind is None or kind == error.kind:
                return True
        walk = walk.parent
    return False


async def serve(conn: Connection, **options: Any) -> Session:
    """Serve one client until it disconnects or its input ends."""
    session = Session(conn, **options)
    conn.start(session.on_message_from_reader, session.on_reader_closed, session.on_bad_input)
    await session.finished.wait()
    if session.run_task is not None and not session.run_task.done() and session.attached_vm is None:
        session.run_task.cancel()
        try:
            await session.run_task
        except asyncio.CancelledError:
            pass
    return session
