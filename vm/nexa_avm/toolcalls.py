"""Tool calls made by a model (S§5.5 step 3, S§5.6, S§0.4).

For each call: find the tool among those offered to the agent (std functions of its `uses`, then
`@tool fn`s, then declared tools; unknown → E303), parse and validate the arguments (E302), ask for approval
when the tool `requires_approval` (S§5.6; refused → E402), fire `before_tool`, run it under the
sandbox and the agent's `tool_timeout` (E104 when it is exceeded), fire `after_tool`, and turn the
value into the result text of S§0.4, cut at 16,384 characters. Every failure is an error *text* for
the model, `Error: <code> <name>: <message>`, never an exception, and a `tool_error` trace event.
"""

from __future__ import annotations

import asyncio
import json
import weakref
from typing import TYPE_CHECKING, Any

from .errors import NexaError
from .harness import fire_tool_hooks
from .stdlib import StdFunction, error_text, offered_functions, result_text, truncate_for_model
from .values import to_text

if TYPE_CHECKING:
    from .interpreter import Frame, Interpreter

_offered: weakref.WeakKeyDictionary[Any, dict[str, StdFunction]] = weakref.WeakKeyDictionary()


def std_tools_of(agent: Any) -> dict[str, StdFunction]:
    """The std functions offered to an agent, by exposed name (first kept)."""
    found = _offered.get(agent)
    if found is None:
        items = list(agent.spec.uses)
        for key in ("tools", "uses"):
            value = agent.settings.get(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item:
                    items.append(item)
        found = {}
        for function in offered_functions(items):
            found.setdefault(function.name, function)
        _offered[agent] = found
    return found


def _tool_timeout(agent: Any) -> float:
    value = agent.settings.get("tool_timeout") if agent is not None else None
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return 30.0


async def approved(vm: Interpreter, tool: str, arguments: dict[str, Any]) -> bool:
    """S§5.6: `Allow <tool>(<arguments as JSON>)? [y/N]` through the ask_human channel."""
    if vm.sandbox.auto_approve:
        return True
    from .stdlib.ask_human import ask

    shown = json.dumps(arguments, ensure_ascii=False, separators=(",", ":"))
    answer = await ask(vm, f"Allow {tool}({shown})? [y/N]", "")
    return answer.strip().lower() in ("y", "yes")


async def call_from_model(vm: Interpreter, name: str, arguments: str, frame: Frame) -> str:
    agent = frame.run.agent if frame.run is not None else None
    std = std_tools_of(agent).get(name) if agent is not None else None
    tool_fn = vm.program.tool_fns.get(name)
    declared = vm.program.tools.get(name)
    if std is None and tool_fn is None and declared is None:
        return _failed(
            vm, agent, name, NexaError("ToolError", f"{name}: no tool of this name is offered", "E303")
        )
    try:
        args = json.loads(arguments or "{}")
        if not isinstance(args, dict):
            raise ValueError("arguments are not a JSON object")
    except ValueError as error:
        message = f"invalid arguments for '{name}': {error}"
        return _failed(vm, agent, name, NexaError("ToolError", message, "E302"))
    try:
        # S§5.5 step 3: validation (c) before approval (d) and before the hooks and the run (e)
        _validate(vm, std, tool_fn, declared, args)
        if std is None and tool_fn is not None and _requires_approval(tool_fn.options):
            if not await approved(vm, name, args):
                raise NexaError(
                    "ToolError",
                    f"{name} denied: the call was not approved; allow it with --approve-all "
                    "or [sandbox] auto_approve",
                    "E402",
                )
        await fire_tool_hooks(vm, frame, "before_tool", name)
        value = await asyncio.wait_for(
            _execute(vm, std, tool_fn, declared, args, frame), _tool_timeout(agent)
        )
        await fire_tool_hooks(vm, frame, "after_tool", name)
    except TimeoutError:
        seconds = _tool_timeout(agent)
        return _failed(
            vm, agent, name, NexaError("ToolError", f"{name}: did not finish within {seconds:g} s", "E104")
        )
    except NexaError as error:
        return _failed(vm, agent, name, error)
    text = std.model_text(value) if std is not None else _text(value)
    # S§5.5 f, S§5.7: the trace keeps the arguments and the full result text (the model's is cut)
    vm.agent_record(agent, "info", "tool_result", tool=name, chars=len(text), arguments=args, text=text)
    return truncate_for_model(text)


def _validate(
    vm: Interpreter, std: StdFunction | None, tool_fn: Any, declared: Any, args: dict[str, Any]
) -> None:
    """E302 for arguments that do not fit the tool's schema (S§5.5 step 3c); the run validates again."""
    if std is not None:
        from .stdlib.functions import StdCall

        std.bind([], args, StdCall(vm, std.full_name, True))
    elif tool_fn is not None:
        from .schemas import bind_tool_fn_arguments

        bind_tool_fn_arguments(tool_fn.code, [], args, vm.program)
    elif isinstance(declared.properties.get("parameters"), dict):
        from .tools_wasm import bind_arguments

        bind_arguments(declared, [], args)


def _requires_approval(options: dict[str, Any]) -> bool:
    value = options.get("requires_approval")
    return value is True or (isinstance(value, str) and value.lower() == "true")


async def _execute(
    vm: Interpreter, std: StdFunction | None, tool_fn: Any, declared: Any, args: dict[str, Any], frame: Frame
) -> Any:
    if std is not None:
        return await std.invoke(vm, [], args, from_model=True)
    if tool_fn is not None:
        from .interpreter import Function

        return await vm.call_function(Function(tool_fn.code), [], args, frame)
    from .interpreter import ToolValue

    return await vm.call_declared_tool(ToolValue(declared), [], args)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return to_text(value, reveal=True)
    return result_text(value)


def _failed(vm: Interpreter, agent: Any, name: str, error: NexaError) -> str:
    vm.agent_record(agent, "warning", "tool_error", tool=name, code=error.code, message=error.message)
    return error_text(error)
