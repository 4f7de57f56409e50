"""The prelude built-ins the VM implements (S§1.1–1.6, L§6.5): output and input, conversions,
options and results, `join`, channels, tasks, timers, `parallel`/`race`.

Each built-in is `fn(args, kwargs, frame)`; it returns a value or a coroutine. Service functions
(databases, key-value stores, auth, HTTP responses, jobs) and the `std` library are not built yet:
calling one raises a coded error naming what is missing.
"""

from __future__ import annotations

import asyncio
import base64
import math
import os
import re
import time
from typing import TYPE_CHECKING, Any

from nexa_lang.schema_words import must_be

from .errors import ExitProgram, NexaError, runtime_error
from .schemas import found_words, invalid_arguments_error
from .values import (
    ImageValue,
    Namespace,
    Secret,
    err,
    is_number,
    kind_name,
    ok,
    some,
    to_text,
    truthy,
)

if TYPE_CHECKING:
    from .interpreter import Frame, Interpreter

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")


TEMPLATE_FUNCTIONS = (
    "render",
    "compile_template",
    "render_file",
    "agent_template_prompt",
    "agent_template_slot_fill",
    "agent_template_register",
    "agent_template_list",
)


def parse_interval(value: Any) -> int:
    if is_number(value):
        return int(value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            number = float(match.group(1))
            unit = match.group(2) or "ms"
            return int(number * {"ms": 1, "s": 1000, "m": 60000, "h": 3600000}[unit])
    raise runtime_error(f"malformed duration {to_text(value)!r}")


def _number_args(name: str, args: list[Any]) -> list[Any]:
    if len(args) == 1 and isinstance(args[0], list):
        args = args[0]
    if not args:
        raise runtime_error(f"{name}() needs at least one argument")
    numbers = all(is_number(a) for a in args)
    strings = all(isinstance(a, str) for a in args)
    if not (numbers or strings):
        raise runtime_error(f"{name}() needs numbers or strings, not a mix")
    return args


def prelude(vm: Interpreter) -> dict[str, Any]:
    from .interpreter import (
        Builtin,
        Channel,
        ChannelEnd,
        JoinHandle,
        TaskValue,
        TimerValue,
    )

    out: dict[str, Any] = {}

    def builtin(name: str) -> Any:
        def register(fn: Any) -> Any:
            out[name] = Builtin(name, fn)
            return fn

        return register

    def arg(args: list[Any], kwargs: dict[str, Any], index: int, name: str, default: Any = None) -> Any:
        if len(args) > index:
            return args[index]
        return kwargs.get(name, default)

    # --- S§1.1 output, input, process --------------------------------------------------------

    @builtin("print")
    def _print(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> None:
        vm.out.write(" ".join(to_text(a) for a in args) + "\n")

    @builtin("input")
    def _input(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        prompt = arg(args, kwargs, 0, "prompt", "")
        vm.out.write(to_text(prompt))
        vm.out.flush()
        line = vm.stdin.readline()
        if not line:
            return None
        return line.rstrip("\r\n")

    @builtin("exit")
    def _exit(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> None:
        code = arg(args, kwargs, 0, "code", 0)
        raise ExitProgram(int(code) if is_number(code) else 1)

    # --- S§1.2 conversions -------------------------------------------------------------------

    @builtin("str")
    def _str(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> str:
        return to_text(arg(args, kwargs, 0, "x"))

    @builtin("int")
    def _int(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> int:
        value = arg(args, kwargs, 0, "x")
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            if math.isnan(value) or math.isinf(value):
                raise runtime_error(f"cannot convert {to_text(value)} to int")
            return _int64(int(value))
        if isinstance(value, str) and _DECIMAL_INT.match(value):
            return _int64(int(value))
        if value is None:
            raise runtime_error("cannot convert none to int")
        raise runtime_error(f"cannot convert {to_text(value)!r} to int")

    @builtin("float")
    def _float(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> float:
        value = arg(args, kwargs, 0, "x")
        if is_number(value):
            return float(value)
        if isinstance(value, str) and _DECIMAL_FLOAT.match(value):
            return float(value)
        if value is None:
            raise runtime_error("cannot convert none to float")
        raise runtime_error(f"cannot convert {to_text(value)!r} to float")

    @builtin("bool")
    def _bool(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> bool:
        return truthy(arg(args, kwargs, 0, "x"))

    @builtin("len")
    def _len(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> int:
        value = arg(args, kwargs, 0, "x")
        if isinstance(value, str | list | dict):
            return len(value)
        raise runtime_error(f"len() of a value of kind '{kind_name(value)}'")

    @builtin("abs")
    def _abs(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        value = arg(args, kwargs, 0, "x")
        if not is_number(value):
            raise runtime_error(f"abs() of a value of kind '{kind_name(value)}'")
        return _int64(abs(value)) if isinstance(value, int) else abs(value)

    @builtin("min")
    def _min(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        return min(_number_args("min", args))

    @builtin("max")
    def _max(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        return max(_number_args("max", args))

    # --- S§1.3 values from outside -----------------------------------------------------------

    @builtin("secret")
    def _secret(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        name = to_text(arg(args, kwargs, 0, "name", ""))
        value = vm_secrets(vm).get(name)
        if value is None:
            value = os.environ.get(name, "")
        return Secret(value) if isinstance(value, str) else value

    @builtin("img")
    def _img(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        path = to_text(arg(args, kwargs, 0, "path", ""))
        base = os.path.dirname(frame.code.file) if frame is not None and frame.code.file else os.getcwd()
        full = os.path.join(base, path)
        try:
            with open(full, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise runtime_error(f"cannot read image '{path}': {error.strerror or error}") from None
        import mimetypes  # only img() needs it (start-up time)

        media = mimetypes.guess_type(full)[0] or "application/octet-stream"
        return ImageValue(path, media, base64.b64encode(data).decode("ascii"))

    # --- S§1.4, 1.5 ----------------------------------------------------------------------------

    @builtin("join")
    def _join(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        return JoinHandle(list(args))

    @builtin("Some")
    def _some(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        return some(arg(args, kwargs, 0, "v"))

    @builtin("Ok")
    def _ok(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        return ok(arg(args, kwargs, 0, "v"))

    @builtin("Err")
    def _err(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        return err(arg(args, kwargs, 0, "e"))

    # --- S§1.6 structured concurrency --------------------------------------------------------

    @builtin("channel")
    def _channel(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        channel = Channel()
        return [ChannelEnd(channel, "sender"), ChannelEnd(channel, "receiver")]

    def channel_of(value: Any) -> Channel:
        if not isinstance(value, ChannelEnd):
            raise runtime_error(f"expected a channel end, got a value of kind '{kind_name(value)}'")
        return value.channel

    @builtin("send")
    def _send(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> bool:
        channel = channel_of(arg(args, kwargs, 0, "tx"))
        if channel.closed:
            return False
        channel.queue.put_nowait(arg(args, kwargs, 1, "value"))
        return True

    _CLOSED = object()

    async def receive(channel: Channel, timeout: float | None) -> Any:
        if channel.closed and channel.queue.empty():
            return None
        try:
            if timeout is None:
                value = await channel.queue.get()
            else:
                value = await asyncio.wait_for(channel.queue.get(), timeout)
        except TimeoutError:
            return None
        if value is _CLOSED:
            channel.queue.put_nowait(_CLOSED)  # wake the other receivers too
            return None
        return value

    @builtin("recv")
    def _recv(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        return receive(channel_of(arg(args, kwargs, 0, "rx")), None)

    @builtin("recv_timeout")
    def _recv_timeout(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        return receive(
            channel_of(arg(args, kwargs, 0, "rx")), parse_interval(arg(args, kwargs, 1, "ms", 0)) / 1000
        )

    @builtin("try_recv")
    def _try_recv(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        channel = channel_of(arg(args, kwargs, 0, "rx"))
        if channel.queue.empty():
            return None
        value = channel.queue.get_nowait()
        if value is _CLOSED:
            channel.queue.put_nowait(_CLOSED)
            return None
        return value

    @builtin("close")
    def _close(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> bool:
        channel = channel_of(arg(args, kwargs, 0, "ch"))
        if channel.closed:
            return False
        channel.closed = True
        channel.queue.put_nowait(_CLOSED)
        return True

    @builtin("select")
    async def _select(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        receivers = arg(args, kwargs, 0, "receivers", [])
        timeout = arg(args, kwargs, 1, "timeout_ms")
        deadline = None if timeout is None else time.monotonic() + parse_interval(timeout) / 1000
        while True:
            all_closed = True
            for rx in receivers:
                channel = channel_of(rx)
                if not channel.queue.empty():
                    value = channel.queue.get_nowait()
                    if value is _CLOSED:
                        channel.queue.put_nowait(_CLOSED)
                    else:
                        return {"status": "ok", "channel": rx, "value": value}
                if not channel.closed:
                    all_closed = False
            if all_closed:
                return {"status": "closed", "channel": None, "value": None}
            if deadline is not None and time.monotonic() >= deadline:
                return {"status": "timeout", "channel": None, "value": None}
            await asyncio.sleep(0.001)

    @builtin("spawn")
    def _spawn(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        return vm.spawn(arg(args, kwargs, 0, "handler"), frame)

    def task_of(value: Any) -> TaskValue:
        if not isinstance(value, TaskValue):
            raise runtime_error(f"expected a task, got a value of kind '{kind_name(value)}'")
        return value

    @builtin("await_task")
    def _await_task(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        return vm.await_value(task_of(arg(args, kwargs, 0, "t")))

    @builtin("try_await")
    def _try_await(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        handle = task_of(arg(args, kwargs, 0, "t"))
        task = handle.task
        if not task.done() and not handle.cancel_requested:
            return {"status": "pending"}
        handle.observed = True
        if handle.cancel_requested or task.cancelled():
            return {"status": "error", "error": NexaError("RuntimeError", "the task was cancelled")}
        failure = task.exception()
        if failure is not None:
            if isinstance(failure, NexaError):
                return {"status": "error", "error": failure}
            raise failure
        return {"status": "ok", "value": task.result()}

    @builtin("cancel_task")
    def _cancel_task(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> bool:
        handle = task_of(arg(args, kwargs, 0, "t"))
        if handle.task.done() or handle.cancel_requested:
            return False
        handle.cancel_requested = True
        handle.task.cancel()
        return True

    def handler_list(name: str, args: list[Any], kwargs: dict[str, Any]) -> list[Any]:
        """The `handlers` list of `parallel`/`race`: any other value is the checker's E302."""
        handlers = arg(args, kwargs, 0, "handlers", [])
        if not isinstance(handlers, list):
            raise invalid_arguments_error(name, [must_be("handlers", "an array", found_words(handlers))])
        return handlers

    @builtin("parallel")
    async def _parallel(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        handlers = handler_list("parallel", args, kwargs)
        return await vm.gather_in_order([vm.call_value(h, [], {}, frame) for h in handlers])

    @builtin("race")
    async def _race(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        handlers = handler_list("race", args, kwargs)
        if not handlers:  # no lambda can succeed and none failed (decision R32)
            raise runtime_error("race() needs at least one handler")
        tasks = [asyncio.create_task(vm.call_value(h, [], {}, frame)) for h in handlers]
        last: BaseException | None = None
        try:
            for next_done in asyncio.as_completed(tasks):
                try:
                    return await next_done
                except NexaError as failure:
                    last = failure
        finally:
            for task in tasks:
                task.cancel()
        assert last is not None
        raise last

    def timer(delay: Any, handler: Any, frame: Frame, repeat: bool) -> TimerValue:
        handle = TimerValue()
        seconds = parse_interval(delay) / 1000

        async def body() -> None:
            while True:
                await asyncio.sleep(seconds)
                try:
                    await vm.call_value(handler, [], {}, frame)
                except NexaError as failure:
                    vm.err.write(f"warning: timer failed: {failure.kind}: {failure.message}\n")
                if not repeat:
                    handle.active = False
                    return

        handle.task = vm.background_task(body)
        vm.timers.append(handle)
        return handle

    @builtin("after")
    def _after(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        return timer(arg(args, kwargs, 0, "delay", 0), arg(args, kwargs, 1, "handler"), frame, False)

    @builtin("schedule")
    def _schedule(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any:
        return timer(arg(args, kwargs, 0, "interval", 0), arg(args, kwargs, 1, "handler"), frame, True)

    @builtin("cancel_schedule")
    def _cancel_schedule(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> bool:
        handle = arg(args, kwargs, 0, "t")
        if not isinstance(handle, TimerValue) or not handle.active:
            return False
        handle.active = False
        if handle.task is not None:
            handle.task.cancel()
        return True

    @builtin("sleep_ms")
    async def _sleep_ms(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> None:
        try:
            await asyncio.sleep(parse_interval(arg(args, kwargs, 0, "ms", 0)) / 1000)
        except asyncio.CancelledError:
            raise
        return None

    @builtin("thread_count")
    def _thread_count(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> int:
        return os.cpu_count() or 1

    @builtin("parse_interval")
    def _parse_interval(args: list[Any], kwargs: dict[str, Any], frame: Frame) -> int:
        return parse_interval(arg(args, kwargs, 0, "v", 0))

    # --- predefined values --------------------------------------------------------------------

    out["runtime"] = Namespace("runtime", {"__getattr__": lambda name: _runtime_member(vm, name)})
    from .stdlib import std_alias, std_namespace

    out["std"] = std_namespace(vm)  # S§2 (stdlib/)
    for name in TEMPLATE_FUNCTIONS:  # the template service functions are std.template's (L§6.5.4)
        out[name] = std_alias(vm, "template", name)
    out["secrets"] = Namespace("secrets", {"__getattr__": lambda name: _secrets_block(vm, name)})
    return out


class _Meta:
    kind = "meta"


def _runtime_member(vm: Interpreter, name: str) -> Any:
    if name == "meta":
        return {"loop_count": vm.meta.count, "last_result": vm.meta.last_result}
    raise runtime_error(f"'runtime' has no member '{name}'")


# S§1.2: int() parses a decimal string, float() decimal or scientific notation (and the text forms
# inf/nan it prints itself); surrounding spaces are allowed, Python's `1_000` and non-ASCII digits
# are not (docs/runtime-decisions.md R9).
_DECIMAL_INT = re.compile(r"\s*[+-]?[0-9]+\s*\Z", re.ASCII)
_DECIMAL_FLOAT = re.compile(
    r"\s*[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)\s*\Z",
    re.ASCII | re.IGNORECASE,
)


def _int64(value: int) -> int:
    if not -(2**63) <= value <= 2**63 - 1:
        raise runtime_error("integer overflow (64-bit)")
    return value


def vm_secrets(vm: Interpreter) -> dict[str, Any]:
    """The flat entries and the `default` block of `secrets.nxs` (L§7.13), read once."""
    cached = getattr(vm, "_secrets_cache", None)
    if cached is not None:
        return cached
    from .secrets_file import load_secrets

    found = load_secrets(vm.program.module.file)
    vm._secrets_cache = found  # type: ignore[attr-defined]
    return found


def _secrets_block(vm: Interpreter, name: str) -> Any:
    blocks = vm_secrets(vm).get("__blocks__", {})
    block = blocks.get(name, {})
    return Namespace(
        f"secrets.{name}", {"__getattr__": lambda key: _as_secret(block.get(key, os.environ.get(key, "")))}
    )


def _as_secret(value: Any) -> Any:
    """A text hides behind `******` (an unknown key's `""` too, like `secret()`); a nested block
    value stays a dict (S§1.3)."""
    return Secret(value) if isinstance(value, str) else value
