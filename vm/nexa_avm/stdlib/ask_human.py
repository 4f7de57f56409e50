"""`std.ask_human` — human in the loop (S§2.10), also the channel of tool approvals (S§5.6).

Interactive when the run's stdin is a terminal: the prompt (plus ` [default]`) goes to stdout and one
line is read; an empty answer is the default. Otherwise the default is returned at once.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from . import Param, Registry, StdCall

if TYPE_CHECKING:
    from ..interpreter import Interpreter

registry = Registry("ask_human")


def is_interactive(vm: Interpreter) -> bool:
    try:
        return bool(vm.stdin.isatty())
    except (AttributeError, ValueError):
        return False


async def ask(vm: Interpreter, prompt: str, default: str = "") -> str:
    if not is_interactive(vm):
        return default
    vm.out.write(prompt + (f" [{default}]" if default else "") + " ")
    vm.out.flush()
    line = await asyncio.to_thread(vm.stdin.readline)
    answer = line.strip()
    return answer or default


@registry.function(
    "human",
    "Ask the user a question and return the answer",
    Param("prompt", "str"),
    Param("default", "str", ""),
)
async def ask_human(call: StdCall, prompt: str, default: str) -> str:
    return await ask(call.vm, prompt, default)
