"""Type modes at run time (L§3.8, L§7.13, diagnostics.md E111): `warn` (default), `strict`, `forgiving`.

Typed parameters of flows, functions, methods and lambdas are checked when called (an `@tool fn`'s
arguments are validated against its schema instead, E302: `schemas.bind_tool_fn_arguments`);
`let x: T`, a flow's declared result and `receive(): T` by a CHECK_TYPE instruction. A string of
digits for an `int` or `float` is converted (in `warn` mode with a report); any other mismatch is
reported on stderr and the trace in `warn` mode (`warning[E111]`), raises `TypeViolation` (E111) in
`strict` mode, and is ignored in `forgiving` mode (`check_value`, one function for all of them).
"""

from __future__ import annotations

import ast
import weakref
from typing import TYPE_CHECKING, Any

from .errors import NexaError
from .values import kind_name

if TYPE_CHECKING:
    from .bytecode import Code, Instr, ParamSpec
    from .interpreter import Frame, Interpreter

MODES = ("warn", "strict", "forgiving")
# Keyed by the code itself, held weakly: an id() key outlived its code, and a later code allocated
# at the same address (another program loaded in the same process, as the tests do) got the freed
# code's typed parameters, so its own were neither checked nor converted.
_typed: weakref.WeakKeyDictionary[Code, list[tuple[str, Any]]] = weakref.WeakKeyDictionary()


def typed_params(code: Code) -> list[tuple[str, Any]]:
    found = _typed.get(code)
    if found is None:
        found = []
        for param in code.params:
            if param.type_text:
                try:
                    spec = ast.literal_eval(param.type_text)
                except (ValueError, SyntaxError):
                    continue
                if spec != ("any",):
                    found.append((param.name, spec))
        _typed[code] = found
    return found


def _convert(value: Any, spec: Any) -> Any:
    if isinstance(value, str) and spec[0] == "named" and spec[1] in ("int", "float"):
        text = value.strip()
        try:
            return int(text) if spec[1] == "int" else float(text)
        except ValueError:
            return None
    return None


def command_line_value(word: str, param: ParamSpec) -> Any:
    """A command-line word for a parameter of the entry flow (docs/runtime-decisions.md R17): read as
    the declared `int`, `float` or `bool` (also optional, `int?`) when it is written as one (S§1.2's
    notations, R9; `true`/`false`), else the word itself, which the type mode then checks as it
    checks any argument."""
    if not param.type_text:
        return word
    try:
        spec = ast.literal_eval(param.type_text)
    except (ValueError, SyntaxError):
        return word
    if spec[0] == "optional":
        spec = spec[1]
    if spec[0] != "named":
        return word
    from .prelude import _DECIMAL_FLOAT, _DECIMAL_INT

    if spec[1] == "int" and _DECIMAL_INT.match(word) and -(2**63) <= int(word) <= 2**63 - 1:
        return int(word)
    if spec[1] == "float" and _DECIMAL_FLOAT.match(word):
        return float(word)
    if spec[1] == "bool" and word in ("true", "false"):
        return word == "true"
    return word


def check_arguments(vm: Interpreter, code: Code, locals_: dict[str, Any], caller: Frame | None) -> None:
    params = typed_params(code)
    if not params:
        return
    site = caller.instr if caller is not None else None
    for name, spec in params:
        value = locals_.get(name)
        if value is None:  # a missing argument is none (D49), not a mistyped one
            continue
        place = f"parameter '{name}' of {code.kind} '{code.name}'"
        checked = check_value(vm, value, spec, place, site, _argument_span(code, caller, name))
        if checked is not value:
            locals_[name] = checked


def _argument_span(code: Code, caller: Frame | None, name: str) -> tuple[int, int] | None:
    """Where the argument for parameter `name` is written, when the caller's CALL says (E111's
    location is the argument); None for a call from elsewhere (a pipe, a stage, the command line)."""
    instr = caller.instr if caller is not None else None
    spans = caller.code.argument_spans.get(caller.pc - 1) if caller is not None else None
    if instr is None or spans is None or caller.code.instrs[caller.pc - 1] is not instr:
        return None
    count, names = instr.arg
    if name in names:
        return spans[count - len(names) + names.index(name)]
    index = next(i for i, p in enumerate(code.params) if p.name == name)
    return spans[index] if index < count - len(names) else None


def check_value(
    vm: Interpreter,
    value: Any,
    spec: Any,
    place: str,
    site: Instr | None,
    span: tuple[int, int] | None = None,
) -> Any:
    """One value against one declared type, per the type mode (E111): the value to go on with (a
    string of digits converted for an `int`/`float` outside `strict` mode). Every declared type
    the VM checks goes through here: parameters, `let x: T`, a flow's result, `receive(): T`.
    `span` is the argument's, inside `site`'s file, when it is known."""
    if vm.type_mode == "forgiving":
        return value
    from .interpreter import conforms

    if conforms(value, spec, vm.program):
        return value
    expected = type_expression(spec, vm.program.type_aliases)
    message = f"type violation: {place} expects {expected}, got {kind_name(value)}"
    if vm.type_mode == "strict":
        error = NexaError("TypeViolation", message, "E111")
        if site is not None and span is not None:
            error.locate(site.file, span, *vm.position(site.file, span[0]))
        raise error
    if site is not None:
        vm.warn("E111", message, site.file, span or site.span)
    else:
        vm.err.write(f"warning[E111]: {message}\n")
        vm.record("warning", code="E111", message=message)
    converted = _convert(value, spec)
    return value if converted is None else converted


def type_expression(spec: Any, aliases: dict[str, Any], depth: int = 0) -> str:
    """A declared type written back as a type expression (L§3.8), as the checker writes it:
    `int?`, `list[int]`, `int | str`, `Result[int, str]`; an alias is written as its type."""

    def text(inner: Any) -> str:
        return type_expression(inner, aliases, depth + 1) if depth < 64 else "any"

    kind = spec[0]
    if kind == "named":
        alias = aliases.get(spec[1])
        return spec[1] if alias is None else text(alias)
    if kind == "optional":
        return f"({text(spec[1])})?" if spec[1][0] == "union" else f"{text(spec[1])}?"
    if kind == "list":
        return "list" if spec[1] == ("any",) else f"list[{text(spec[1])}]"
    if kind == "dict":
        return f"dict[{text(spec[1])}, {text(spec[2])}]" if len(spec) == 3 else "dict"
    if kind == "result":
        return f"Result[{text(spec[1])}, {text(spec[2])}]"
    if kind == "union":
        return " | ".join(text(option) for option in spec[1])
    if kind == "enum":
        return '"' + "|".join(spec[1]) + '"'
    return "any"
