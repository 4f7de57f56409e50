"""The `std` library (S§2): one module per namespace, called directly or offered to models as tools.

Both ways go through `StdFunction.invoke`: the same argument binding and validation (E302), the same
sandbox (S§0.3, E402), the same implementation. A direct call (`std.fs.file_read("a.txt")`) returns
the Nexa value or raises a `ToolError` (E104 for a failure outside the program, E302, E402); a model's
call gets the result text of S§0.4 instead (`model_result_text`), or `Error: <code> <name>: <message>`.

Namespace modules are imported on first use, so a program that never names `std` pays nothing;
functions.py (StdFunction, Param, Registry, binding, result texts) likewise, through `__getattr__`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import NexaError
from ..values import Namespace

if TYPE_CHECKING:
    from ..interpreter import Interpreter
    from .functions import (
        ALIASES,
        MODEL_RESULT_LIMIT,
        REQUIRED,
        Implementation,
        Param,
        Registry,
        StdCall,
        StdFunction,
        error_text,
        find_function,
        namespace_functions,
        offered_functions,
        result_text,
        truncate_for_model,
    )

# namespace -> module of this package
NAMESPACE_MODULES = {
    "fs": "fs",
    "http": "http",
    "time": "time",
    "json": "json",
    "text": "text",
    "hash": "hash",
    "math": "math",
    "regex": "regex",
    "shell": "shell",
    "ask_human": "ask_human",
    "template": "template",
}
# upstream's helper namespaces (S§2, Decision S-3): accepted in `uses`, offer nothing
EMPTY_NAMESPACES = frozenset({"pipe", "defer", "null_coalesce", "string", "match", "struct", "enum", "trait"})
# namespaces that hold built-ins of S§1.6–1.11 under the same names (S§2.11)
PRELUDE_NAMESPACES = frozenset({"kv", "concurrent", "auth", "db.sqlite", "db.postgres", "db.memory"})
_DB_MEMORY = {
    "query": "agent_memory_query",
    "store": "agent_memory_store",
    "delete": "agent_memory_delete",
    "list": "agent_memory_list",
}
# Names of functions.py, imported on first use (PEP 562): every run makes the `std` value, few call
# a std function (start-up time, bench/vm.py).
_FUNCTIONS = frozenset(
    {
        "ALIASES",
        "MODEL_RESULT_LIMIT",
        "REQUIRED",
        "Implementation",
        "Param",
        "Registry",
        "StdCall",
        "StdFunction",
        "error_text",
        "find_function",
        "namespace_functions",
        "offered_functions",
        "result_text",
        "truncate_for_model",
    }
)


__all__ = [
    "ALIASES",
    "EMPTY_NAMESPACES",
    "MODEL_RESULT_LIMIT",
    "NAMESPACE_MODULES",
    "PRELUDE_NAMESPACES",
    "REQUIRED",
    "Implementation",
    "Param",
    "Registry",
    "StdCall",
    "StdFunction",
    "call_from_code",
    "error_text",
    "find_function",
    "namespace_functions",
    "offered_functions",
    "result_text",
    "std_alias",
    "std_namespace",
    "truncate_for_model",
    "unknown",
]


def __getattr__(name: str) -> Any:
    if name not in _FUNCTIONS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import functions

    value = getattr(functions, name)
    globals()[name] = value
    return value


def unknown(full: str) -> NexaError:
    return NexaError(
        "ToolError", f"unknown std function or namespace '{full}'", "E303", detail={"name": full}
    )


# ------------------------------------------------------------------------------------ `std` value


def std_namespace(vm: Interpreter) -> Namespace:
    """The predefined `std`: `std.NS` namespaces whose members are callable built-ins."""
    return Namespace("std", {"__getattr__": lambda name: _namespace_value(vm, name)})


def _namespace_value(vm: Interpreter, path: str) -> Namespace:
    if path == "db":
        return Namespace("std.db", {"__getattr__": lambda name: _namespace_value(vm, f"db.{name}")})
    if path not in NAMESPACE_MODULES and path not in EMPTY_NAMESPACES and path not in PRELUDE_NAMESPACES:
        raise unknown(f"std.{path}")
    return Namespace(f"std.{path}", {"__getattr__": lambda name: _member(vm, path, name)})


def _member(vm: Interpreter, path: str, name: str) -> Any:
    from ..interpreter import Builtin

    full = f"std.{path}.{name}"
    if path in PRELUDE_NAMESPACES:
        wanted = _DB_MEMORY.get(name, name) if path == "db.memory" else name
        if path in ("db.sqlite", "db.postgres") and name == "connect":
            return _connect_builtin(vm, path, full)
        value = vm.prelude.get(wanted)
        if value is None:
            raise NexaError(
                "ToolError",
                f"{full}: this function is not built into the VM yet",
                "E104",
                detail={"tool": full},
            )
        return value
    from .functions import find_function

    function = find_function(path, name)
    if function is None:
        raise unknown(full)

    def call(args: list[Any], kwargs: dict[str, Any], frame: Any) -> Any:
        return call_from_code(vm, function, args, kwargs, frame)

    return Builtin(full, call)


def std_alias(vm: Interpreter, path: str, name: str) -> Any:
    """The prelude name for `std.PATH.NAME` (the template functions of L§6.5.4), found at the first
    call so that a run which never calls it loads nothing."""
    from ..interpreter import Builtin

    found: list[Any] = []

    def call(args: list[Any], kwargs: dict[str, Any], frame: Any) -> Any:
        if not found:
            found.append(_member(vm, path, name))
        return found[0].fn(args, kwargs, frame)

    return Builtin(name, call)


def _connect_builtin(vm: Interpreter, path: str, full: str) -> Any:
    from ..interpreter import Builtin

    connect = vm.prelude.get("connect")

    def call(args: list[Any], kwargs: dict[str, Any], frame: Any) -> Any:
        if connect is None:
            raise NexaError("ToolError", f"{full}: databases are not built into the VM yet", "E104")
        target = args[0] if args else kwargs.get("path", kwargs.get("url", ":memory:"))
        if path == "db.sqlite":
            target = "sqlite://" + str(target)
        return connect.fn([target], {}, frame)

    return Builtin(full, call)


async def call_from_code(
    vm: Interpreter, function: StdFunction, args: list[Any], kwargs: dict[str, Any], frame: Any
) -> Any:
    """A call written in the program: before_tool/after_tool hooks fire, no approval (S§5.4)."""
    from ..harness import fire_tool_hooks

    await fire_tool_hooks(vm, frame, "before_tool", function.name)
    value = await function.invoke(vm, args, kwargs, from_model=False)
    await fire_tool_hooks(vm, frame, "after_tool", function.name)
    return value
