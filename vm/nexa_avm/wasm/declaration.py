"""From a `tool X { wasm: "…", … }` declaration (nexa_lang.ast.ToolDecl) to a `WasmTool`.

Property values are literals (the checker's E010 makes sure of it); the module path and the
`allowed_paths` / `writable_paths` entries are relative to the directory of the declaring file.
Checking the preopens against the run's sandbox (`fs_read` / the program directory for
`allowed_paths`, `fs_write` for `writable_paths`, S§5.2) is the VM's job: pass `permits`, which
answers whether a host path may be opened for reading (False) or writing (True).
`tool_from_properties` does the same from the literal values the VM's compiled program keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from nexa_avm.wasm.cache import ModuleCache
from nexa_avm.wasm.errors import ToolError
from nexa_avm.wasm.limits import INTEGER_RANGES, WasmLimits
from nexa_avm.wasm.sandbox import WasmTool
from nexa_lang import ast


def literal(expr: ast.Expr) -> Any:
    """The Python value of a literal property value (strings, numbers, booleans, lists)."""
    if isinstance(expr, ast.StringLit) and not expr.interpolations:
        return expr.value
    if isinstance(expr, ast.Number | ast.Bool):
        return expr.value
    if isinstance(expr, ast.ListLit):
        return [literal(e) for e in expr.elements]
    if isinstance(expr, ast.NoneLit):
        return None
    raise ValueError("a literal value is required here (E010)")


def is_wasm_tool(decl: ast.ToolDecl) -> bool:
    return decl.property("wasm") is not None


def tool_from_declaration(
    decl: ast.ToolDecl,
    declaring_file: str | Path,
    *,
    cache: ModuleCache | None = None,
    permits: Callable[[Path, bool], bool] | None = None,
) -> WasmTool | ToolError:
    """The `WasmTool` of a declaration with a `wasm:` key, or E402 when `permits` refuses one of
    its preopens. Raises ValueError for a declaration the checker would have refused (E010)."""
    values = {p.key: literal(p.value) for p in decl.properties if p.key == "wasm" or p.key in _LIMIT_KEYS}
    return tool_from_properties(decl.name, values, declaring_file, cache=cache, permits=permits)


def tool_from_properties(
    name: str,
    properties: Mapping[str, Any],
    declaring_file: str | Path,
    *,
    cache: ModuleCache | None = None,
    permits: Callable[[Path, bool], bool] | None = None,
) -> WasmTool | ToolError:
    """As `tool_from_declaration`, from the literal property values of the declaration (what the
    VM's compiled program keeps: `{"wasm": "…", "max_cpu_time_ms": 1000, …}`; other keys ignored)."""
    values = {key: value for key, value in properties.items() if key == "wasm" or key in _LIMIT_KEYS}
    if "wasm" not in values:
        raise ValueError(f"tool '{name}' has no wasm: key")
    base = Path(declaring_file).resolve().parent
    integers = {key: values[key] for key in INTEGER_RANGES if key in values}
    limits = WasmLimits(**integers, network=bool(values.get("network", False))).with_paths(
        list(values.get("allowed_paths") or []), list(values.get("writable_paths") or []), base
    )
    if permits is not None:
        for preopen in limits.preopens:
            if not permits(preopen.host, preopen.is_writable):
                key, flag = (
                    ("fs_write", "--allow-write") if preopen.is_writable else ("fs_read", "--allow-read")
                )
                return ToolError(
                    "E402",
                    f"preopen of '{preopen.host}' denied: tool '{name}' names it in "
                    f"{'writable_paths' if preopen.is_writable else 'allowed_paths'}, outside the "
                    f"sandbox; allow it with {flag} or [sandbox] {key}",
                    name,
                    {"action": "preopen", "path": str(preopen.host)},
                )
    return WasmTool(base / values["wasm"], limits, name=name, cache=cache)


_LIMIT_KEYS = frozenset({*INTEGER_RANGES, "allowed_paths", "writable_paths", "network"})
