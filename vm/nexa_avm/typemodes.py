"""Type modes at run time (L§3.8, L§7.13, diagnostics.md E111): `warn` (default), `strict`, `forgiving`.

Typed parameters of flows, functions, methods, lambdas and `@tool fn`s are checked when called;
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
        checked = check_value(vm, value, spec, f"parameter '{name}' of {code.kind} '{code.name}'", site)
        if checked is not value:
            locals_[name] = checked


def check_value(vm: Interpreter, value: Any, spec: Any, place: str, site: Instr | None) -> Any:
    """One value against one declared type, per the type mode (E111): the value to go on with (a
    string of digits converted for an `int`/`float` outside `strict` mode). Every declared type
    the VM checks goes through here: parameters, `let x: T`, a flow's result, `receive(): T`."""
    if vm.type_mode == "forgiving":
        return value
    from .interpreter import conforms

    if conforms(value, spec, vm.program.protocols):
        return value
    from .agents import _type_words

    message = f"type violation: {place} expects {_type_words(spec)}, got {kind_name(value)}"
    if vm.type_mode == "strict":
        raise NexaError("TypeViolation", message, "E111")
    if site is not None:
        vm.warn("E111", message, site.file, site.span)
    else:
        vm.err.write(f"warning[E111]: {message}\n")
        vm.record("warning", code="E111", message=message)
    converted = _convert(value, spec)
    return value if converted is None else converted
