"""Declared `wasm:` tools in a run of the Agent VM (S§5.2, §5.4, §5.5).

A `tool X { wasm: "…", … }` declaration is called like any declared tool: `X(a, b)`, `X.run(name=a)`
from code, or by a model through the tool loop. The interpreter hands such calls here
(`call_declared_tool`), and this module

1. binds the arguments to the declared `parameters` (positional ones in declared order, named ones
   by name) and validates them against the schema of S§5.3: E302 `invalid arguments for '{tool}':
   {problems}`;
2. builds the `WasmTool` once per run (`nexa_avm.wasm.tool_from_properties`), its preopens checked
   against the run's sandbox (S§0.3): `allowed_paths` must be inside the program directory or
   `fs_read`, `writable_paths` inside `fs_write`; a refusal is E402 on every call of that tool;
3. runs it off the event loop (`WasmTool.run` in a thread) and returns the parsed result, or raises
   the `ToolError` it gave as a catchable Nexa `ToolError` (E401 for a broken limit or a trap, E402
   for a refused path, E104 for a missing module or a failed exit). The model path of the
   interpreter turns that error into the `Error: …` text the model sees.

Every call is recorded in the trace as a `wasm_call` event (tool, time, output size, exit status,
error code).

The sandbox is the interpreter's `sandbox` attribute (`nexa_avm.sandbox.Sandbox`) when the run has
one; otherwise the default sandbox of S§0.3 (empty allow-lists: assets of the program directory
only, nothing writable).
"""

from __future__ import annotations

import asyncio
import os
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nexa_lang.schema_words import JSON_TYPES, kind_fits, missing, must_be, value_kind, with_article

from .agents import declared_tool_schema
from .bytecode import ToolSpecDecl
from .schemas import bind_values, invalid_arguments_error
from .values import to_plain
from .wasm import ToolError, WasmTool
from .wasm.declaration import tool_from_properties
from .wasm.errors import failed

Permits = Callable[[Path, bool], bool]

_toolsets: weakref.WeakKeyDictionary[Any, WasmToolset] = weakref.WeakKeyDictionary()


def is_wasm_tool(decl: ToolSpecDecl) -> bool:
    return decl.properties.get("wasm") is not None


def toolset_of(vm: Any) -> WasmToolset:
    """The WASM tools of the run of interpreter `vm` (made on the first call)."""
    toolset = _toolsets.get(vm)
    if toolset is None:
        toolset = _toolsets[vm] = WasmToolset(sandbox_permits(vm), record=vm.record)
    return toolset


class WasmToolset:
    """One `WasmTool` (or the `ToolError` that refused it) per declaration, for one run."""

    def __init__(self, permits: Permits, *, record: Callable[..., None] | None = None) -> None:
        self.permits = permits
        self.record = record
        self._tools: dict[str, WasmTool | ToolError] = {}

    def tool_for(self, decl: ToolSpecDecl) -> WasmTool | ToolError:
        tool = self._tools.get(decl.name)
        if tool is None:
            try:
                tool = tool_from_properties(
                    decl.name, decl.properties, decl.file or "<input>", permits=self.permits
                )
            except ValueError as error:  # a value the checker's E010 refuses
                tool = failed(decl.name, str(error))
            self._tools[decl.name] = tool
        return tool

    async def call(self, decl: ToolSpecDecl, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """The tool's result; raises a `NexaError` of kind `ToolError` (E302, E401, E402, E104)."""
        arguments = bind_arguments(decl, args, kwargs)
        tool = self.tool_for(decl)
        if isinstance(tool, ToolError):
            self._record(decl.name, error=tool)
            raise tool.to_nexa_error()
        outcome = await asyncio.to_thread(tool.run, arguments)
        self._record(
            decl.name,
            error=outcome.error,
            elapsed_ms=round(outcome.elapsed_ms, 3),
            stdout_bytes=outcome.stdout_bytes,
            exit_code=outcome.exit_code,
        )
        if outcome.error is not None:
            raise outcome.error.to_nexa_error()
        return outcome.value

    def _record(self, tool: str, *, error: ToolError | None, **data: Any) -> None:
        if self.record is not None:
            code = error.code if error is not None else None
            self.record("wasm_call", tool=tool, code=code, **data)


# ------------------------------------------------------------------------------------ arguments


def bind_arguments(decl: ToolSpecDecl, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The JSON arguments object of a call (S§5.4), or E302 listing every problem."""
    schema = declared_tool_schema(decl.properties.get("parameters"))
    properties: dict[str, Any] = schema["properties"]
    bound, problems = bind_values(list(properties), args, kwargs)
    for name in schema["required"]:
        if name not in bound:
            problems.append(missing(name))
    plain: dict[str, Any] = {}
    for name, value in bound.items():
        plain[name] = to_plain(value, reveal=True)  # Secret -> its text (S§5.4)
        wanted = properties.get(name, {}).get("type")
        if isinstance(wanted, str) and not fits(plain[name], wanted):
            found = with_article(value_kind(plain[name]) or "object")
            problems.append(must_be(name, with_article(wanted), found))
        elif wanted == "integer" and isinstance(plain[name], float):
            plain[name] = int(plain[name])  # 5.0 is the integer 5 (JSON Schema)
    for name, spec in properties.items():
        if name not in plain and isinstance(spec, dict) and "default" in spec:
            plain[name] = spec["default"]
    if problems:
        raise invalid_arguments_error(decl.name, problems)
    return plain


def fits(value: Any, json_type_name: str) -> bool:
    """A plain value fits a schema's `type`; an integral float fits `integer` (JSON Schema), and a
    type word JSON Schema lacks accepts anything."""
    if json_type_name not in JSON_TYPES:
        return True
    if json_type_name == "integer" and isinstance(value, float):
        return value.is_integer()
    kind = value_kind(value)
    return kind is not None and kind_fits(kind, [json_type_name])


# ------------------------------------------------------------------------------------ sandbox


def sandbox_permits(vm: Any) -> Permits:
    """`permits(host_path, writable)` from the run's sandbox (S§0.3, S§5.2)."""
    root_file = vm.program.module.file
    program_dir = os.path.dirname(os.path.abspath(root_file)) if root_file else None
    sandbox = getattr(vm, "sandbox", None)
    try:
        from .sandbox import Denied, Sandbox
    except ImportError:  # a VM without sandbox.py: the default of S§0.3, assets only
        return lambda path, writable: (
            not writable and program_dir is not None and _is_below(path, program_dir)
        )
    if sandbox is None:
        sandbox = Sandbox(None, program_dir)

    def permits(path: Path, writable: bool) -> bool:
        try:
            if writable:
                sandbox.writable(str(path), "preopen")
            else:
                sandbox.asset(str(path), "preopen")
        except Denied:
            return False
        return True

    return permits


def _is_below(path: Path, directory: str) -> bool:
    full = os.path.realpath(path)
    top = os.path.realpath(directory)
    return full == top or full.startswith(top.rstrip(os.sep) + os.sep)
