"""The Python host (L§7.9.6, D64): `python!` blocks and `tool { python: "file.py" }` tools.

Class host-code: off unless `--allow-python` / `[sandbox] python = true` (E402 otherwise).

A block runs in-process in a fresh namespace. The activation's locals whose values are
JSON-representable are injected as Python variables (as copies: a list changed by the block is not
changed in the program unless the block assigns it); the block's `print` writes to the program's
stdout; afterwards the variables the block assigned at its top level (assignments, augmented
assignments, `for` and `with` targets, walrus names; not imports, functions or classes) are copied
back as Nexa locals when their values are plain data (none, booleans, numbers, strings, lists,
tuples and dicts of those). In an `@tool fn` the block is the body of a Python function whose
parameters are the tool's; its `return` value becomes the tool's result.
"""

from __future__ import annotations

import ast
import contextlib
import os
import textwrap
from typing import TYPE_CHECKING, Any

from .errors import NexaError
from .sandbox import Denied
from .values import Secret

if TYPE_CHECKING:
    from .interpreter import Frame, Interpreter

_NOT_PLAIN = object()


def to_python(value: Any) -> Any:
    """A plain-data copy of a Nexa value, or `_NOT_PLAIN`."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Secret):
        return str(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list):
        items = [to_python(v) for v in value]
        return _NOT_PLAIN if any(i is _NOT_PLAIN for i in items) else items
    if isinstance(value, dict):
        pairs = {str(k): to_python(v) for k, v in value.items()}
        return _NOT_PLAIN if any(v is _NOT_PLAIN for v in pairs.values()) else pairs
    return _NOT_PLAIN


def from_python(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        items = [from_python(v) for v in value]
        return _NOT_PLAIN if any(i is _NOT_PLAIN for i in items) else items
    if isinstance(value, dict):
        pairs = {str(k): from_python(v) for k, v in value.items()}
        return _NOT_PLAIN if any(v is _NOT_PLAIN for v in pairs.values()) else pairs
    return _NOT_PLAIN


def assigned_names(tree: ast.Module) -> list[str]:
    """Names bound by the block's top-level statements (in nested blocks of if/for/while/try/with
    too, which share the top-level scope), in first-assignment order."""
    names: list[str] = []

    def add_target(target: ast.AST) -> None:
        if isinstance(target, ast.Name):
            if target.id not in names:
                names.append(target.id)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                add_target(element)
        elif isinstance(target, ast.Starred):
            add_target(target.value)

    def visit(statements: list[ast.stmt]) -> None:
        for statement in statements:
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    add_target(target)
            elif isinstance(statement, ast.AugAssign | ast.AnnAssign):
                if not isinstance(statement, ast.AnnAssign) or statement.value is not None:
                    add_target(statement.target)
            elif isinstance(statement, ast.For | ast.AsyncFor):
                add_target(statement.target)
            elif isinstance(statement, ast.With | ast.AsyncWith):
                for item in statement.items:
                    if item.optional_vars is not None:
                        add_target(item.optional_vars)
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            for node in ast.walk(statement):
                if isinstance(node, ast.NamedExpr):
                    add_target(node.target)
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(statement, field, None)
                if isinstance(inner, list) and not isinstance(statement, ast.FunctionDef | ast.ClassDef):
                    visit(inner)
            for handler in getattr(statement, "handlers", []) or []:
                visit(handler.body)

    visit(tree.body)
    return names


def _denied(vm: Interpreter, action: str, kind: str) -> None:
    try:
        vm.sandbox.check_python(action)
    except Denied as denial:
        raise NexaError(kind, denial.message, "E402") from None


def _failure(error: BaseException) -> NexaError:
    if isinstance(error, SyntaxError):
        where = f" (line {error.lineno})" if error.lineno else ""
        return NexaError("RuntimeError", f"python! block failed: SyntaxError: {error.msg}{where}")
    return NexaError("RuntimeError", f"python! block failed: {type(error).__name__}: {error}")


def run_block(vm: Interpreter, frame: Frame, source: str) -> tuple[bool, Any]:
    """Run one `python!` block; (True, value) when it returned from an `@tool fn` body."""
    _denied(vm, "python! block", "RuntimeError")
    source = textwrap.dedent(source).strip("\n")
    namespace: dict[str, Any] = {"__name__": "__nexa_python__", "__builtins__": __builtins__}
    if frame.code.kind == "tool_fn":
        params = [p.name for p in frame.code.params]
        body = textwrap.indent(source or "pass", "    ")
        text = f"def __nexa_tool__({', '.join(params)}):\n{body}\n"
        arguments = [to_python(frame.locals.get(p)) for p in params]
        arguments = [None if a is _NOT_PLAIN else a for a in arguments]
        try:
            code = compile(text, "<python!>", "exec")
            with contextlib.redirect_stdout(vm.out):
                exec(code, namespace)
                result = namespace["__nexa_tool__"](*arguments)
        except Exception as error:
            raise _failure(error) from None
        value = from_python(result)
        return True, (str(result) if value is _NOT_PLAIN else value)
    for name, value in frame.locals.items():
        if name.isidentifier() and not name.startswith("$"):
            plain = to_python(value)
            if plain is not _NOT_PLAIN:
                namespace[name] = plain
    try:
        tree = ast.parse(source, "<python!>")
        code = compile(tree, "<python!>", "exec")
        with contextlib.redirect_stdout(vm.out):
            exec(code, namespace)
    except Exception as error:
        raise _failure(error) from None
    for name in assigned_names(tree):
        if name in namespace:
            value = from_python(namespace[name])
            if value is not _NOT_PLAIN:
                frame.locals[name] = value
    return False, None


def call_python_tool(vm: Interpreter, decl: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """`tool T { python: "helpers/tools.py" }`: the function named T of that file (S§5.2)."""
    name = decl.name
    parameters = decl.properties.get("parameters")
    names = list(parameters) if isinstance(parameters, dict) else []
    kwargs = {**dict(zip(names, args, strict=False)), **kwargs}
    try:
        vm.sandbox.check_python(f"python tool '{name}'")
    except Denied as denial:
        raise NexaError("ToolError", denial.message, "E402") from None
    relative = str(decl.properties.get("python"))
    base = os.path.dirname(decl.file) if decl.file else os.getcwd()
    path = os.path.join(base, relative)
    try:
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
    except OSError as error:
        raise NexaError(
            "ToolError", f"{name}: cannot read '{relative}': {error.strerror or error}", "E104"
        ) from None
    namespace: dict[str, Any] = {"__name__": f"nexa_tool_{name}", "__file__": path}
    try:
        with contextlib.redirect_stdout(vm.out):
            exec(compile(source, path, "exec"), namespace)
            function = namespace.get(name)
            if not callable(function):
                raise NexaError("ToolError", f"{name}: '{relative}' defines no function '{name}'", "E104")
            arguments = {k: to_python(v) for k, v in kwargs.items()}
            result = function(**{k: (None if v is _NOT_PLAIN else v) for k, v in arguments.items()})
    except NexaError:
        raise
    except Exception as error:
        raise NexaError("ToolError", f"{name}: {type(error).__name__}: {error}", "E104") from None
    value = from_python(result)
    return str(result) if value is _NOT_PLAIN else value
