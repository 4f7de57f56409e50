"""Nexa text typed in the debugger (watch expressions, the debug console, breakpoint conditions,
`{…}` parts of log messages, setVariable values): parsed by the front-end, compiled by the VM's
compiler, run by the interpreter in the paused activation.

A snippet is read as top-level statements; its value is the value of its last expression statement
(`x * 2`), and a statement such as `x = 5` assigns in the paused activation. The stepping hook is
off while a snippet runs, so a snippet never stops at a breakpoint.
"""

from __future__ import annotations

import re
from typing import Any

from nexa_lang import ast
from nexa_lang.model import Workspace

from ..bytecode import Code, Op
from ..compiler import CompileError, FunctionCompiler, ProgramCompiler
from ..errors import ExitProgram, InternalError, NexaError
from ..interpreter import Frame, Interpreter

SNIPPET_PATH = "<debug console>"


class SnippetError(Exception):
    """The text is not a snippet the VM can run (syntax error, declarations)."""


_cache: dict[str, Code] = {}


def compile_snippet(text: str) -> Code:
    code = _cache.get(text)
    if code is not None:
        return code
    workspace = Workspace()
    source = workspace.set_text(SNIPPET_PATH, text + "\n")
    if source.has_syntax_errors:
        raise SnippetError(f"syntax error in '{text.strip()}'")
    items = source.module.items
    if not items:
        raise SnippetError("nothing to evaluate")
    if any(not isinstance(item, ast.Stmt) for item in items):
        raise SnippetError("declarations cannot be evaluated in the debugger")
    program = workspace.program(source)
    compiler = ProgramCompiler(program)
    code = Code("<evaluate>", "lambda", SNIPPET_PATH, (0, len(source.source)))
    body = FunctionCompiler(compiler, code)
    block = ast.Block(
        statements=[item for item in items if isinstance(item, ast.Stmt)], span=source.module.span
    )
    try:
        body.block_value(block)
    except CompileError as error:
        raise SnippetError(str(error)) from None
    body.emit(Op.RETURN, None, (0, 0))
    for instr in code.instrs:  # never a step point: the hook is off, and positions are not the program's
        instr.starts_statement = False
    if len(_cache) > 500:
        _cache.clear()
    _cache[text] = code
    return code


async def evaluate(vm: Interpreter, frame: Frame | None, text: str) -> Any:
    """The value of `text` in `frame` (the globals when None). Raises SnippetError or NexaError."""
    code = compile_snippet(text)
    run_frame = Frame(code, vm.globals) if frame is None else vm.shared_frame(code, frame)
    hook, vm.step_hook = vm.step_hook, None
    error_hook, vm.error_hook = vm.error_hook, None
    try:
        return await vm.execute(run_frame)
    except ExitProgram:
        raise SnippetError("exit() cannot be evaluated in the debugger") from None
    except InternalError as error:
        raise SnippetError(f"E401 {error}") from None
    finally:
        vm.step_hook = hook
        vm.error_hook = error_hook


_PLACE = re.compile(r"\{([^{}]+)\}")


async def render_log_message(vm: Interpreter, frame: Frame, message: str) -> str:
    """A logpoint's text with each `{expression}` replaced by its text form."""
    from ..values import to_text

    parts: list[str] = []
    last = 0
    for match in _PLACE.finditer(message):
        parts.append(message[last : match.start()])
        try:
            parts.append(to_text(await evaluate(vm, frame, match.group(1))))
        except (SnippetError, NexaError) as error:
            parts.append(f"<{getattr(error, 'message', error)}>")
        last = match.end()
    parts.append(message[last:])
    return "".join(parts)
