"""Type modes at run time (L§3.8, L§7.13, diagnostics.md E111): `warn` (default), `strict`, `forgiving`.

Typed parameters of flows, functions, methods, lambdas and `@tool fn`s are checked when called. A
string of digits passed to an `int` or `float` parameter is converted (in `warn` mode with a report);
any other mismatch is reported on stderr and the trace in `warn` mode (`warning[E111]`), raises
`TypeViolation` (E111) in `strict` mode, and is ignored in `forgiving` mode.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .errors import NexaError
from .values import kind_name

if TYPE_CHECKING:
    from .bytecode import Code
    from .interpreter import Frame, Interpreter

MODES = ("warn", "strict", "forgiving")
_typed: dict[int, list[tuple[str, Any]]] = {}


def typed_params(code: Code) -> list[tuple[str, Any]]:
    found = _typed.get(id(code))
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
        _typed[id(code)] = found
    return found


def _convert(value: Any, spec: Any) -> Any:
    if isinstance(value, str) and spec[0] == "named" and spec[1] in ("int", "float"):
        text = value.strip()
        try:
            return int(text) if spec[1] == "int" else float(text)
        except ValueError:
            return None
    return None


def check_arguments(vm: Interpreter, code: Code, locals_: dict[str, Any], caller: Frame | None) -> None:
    params = typed_params(code)
    if not params:
        return
    from .agents import _type_words
    from .interpreter import conforms

    protocols = vm.program.protocols
    for name, spec in params:
        value = locals_.get(name)
        if value is None:  # a missing argument is none (D49), not a mistyped one
            continue
        if conforms(value, spec, protocols):
            continue
        converted = _convert(value, spec) if vm.type_mode != "strict" else None
        place = f"parameter '{name}' of {code.kind} '{code.name}'"
        message = f"type violation: {place} expects {_type_words(spec)}, got {kind_name(value)}"
        if converted is not None:
            locals_[name] = converted
        if vm.type_mode == "strict":
            raise NexaError("TypeViolation", message, "E111")
        if vm.type_mode == "warn":
            site = caller.instr if caller is not None and caller.instr is not None else None
            if site is not None:
                vm.warn("E111", message, site.file, site.span)
            else:
                vm.err.write(f"warning[E111]: {message}\n")
                vm.record("warning", code="E111", message=message)
