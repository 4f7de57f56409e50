"""Type modes at run time (L§3.8, L§7.13, diagnostics.md E111): `warn` (default), `strict`, `forgiving`.

Typed parameters of flows, functions, methods and lambdas are checked when called (an `@tool fn`'s
arguments are validated against its schema instead, E302: `schemas.bind_tool_fn_arguments`);
`let x: T`, a flow's declared result and `receive(): T` by a CHECK_TYPE instruction. A string of
digits for an `int` or `float` is converted (in `warn` mode with a report); any other mismatch is
reported on stderr and the trace in `warn` mode (`warning[E111]`), raises `TypeViolation` (E111) in
`strict` mode, and is ignored in `forgiving` mode (`check_value`, one function for all of them).

A semantic type (`type Name = T @ "constraint"`, L§3.8) is checked in two steps: its base type `T`
as above, then, only when that holds and the mode is not `forgiving`, its constraint by the judge
(L§7.4; `judge_constraints`), a failure having the same consequence (docs/runtime-decisions.md R23).
"""

from __future__ import annotations

import ast
import weakref
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import NexaError
from .providers.judge import JudgePurpose
from .values import VariantValue, kind_name, to_text

if TYPE_CHECKING:
    from .bytecode import Code, CompiledProgram, Instr, ParamSpec
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


class Pending(NamedTuple):
    """A value whose base type held and whose semantic types' constraints are still to be judged."""

    value: Any
    spec: Any
    place: str
    site: Instr | None
    span: tuple[int, int] | None
    obligations: list[Obligation]


def check_arguments(
    vm: Interpreter, code: Code, locals_: dict[str, Any], caller: Frame | None
) -> list[Pending]:
    """The base types of the typed parameters; the arguments whose constraints are to be judged
    (`judge_pending`) are returned, so that a call without semantic types stays synchronous."""
    params = typed_params(code)
    pending: list[Pending] = []
    if not params:
        return pending
    site = caller.instr if caller is not None else None
    for name, spec in params:
        value = locals_.get(name)
        if value is None:  # a missing argument is none (D49), not a mistyped one
            continue
        place = f"parameter '{name}' of {code.kind} '{code.name}'"
        span = _argument_span(code, caller, name)
        checked = check_value(vm, value, spec, place, site, span)
        if checked is not value:
            locals_[name] = checked
        else:
            pending += pending_check(vm, value, spec, place, site, span)
    return pending


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
    report(vm, f"type violation: {place} expects {expected}, got {kind_name(value)}", site, span)
    converted = _convert(value, spec)
    return value if converted is None else converted


def report(vm: Interpreter, message: str, site: Instr | None, span: tuple[int, int] | None) -> None:
    """A type violation per the type mode: `TypeViolation` in `strict` mode, else a warning."""
    if vm.type_mode == "strict":
        error = NexaError("TypeViolation", message, "E111")
        if site is not None and span is not None:
            error.locate(site.file, span, *vm.position(site.file, span[0]))
        raise error
    if site is not None:
        vm.warn("E111", message, site.file, span or site.span)
    else:
        vm.err.write(f"warning[E111]: {message}\n")
        from .interpreter import diagnostic_fields

        vm.record("warning", **diagnostic_fields("E111", "warning", message, None, 0, 0))


# ---- semantic types (L§3.8, docs/runtime-decisions.md R23) ----


class Obligation(NamedTuple):
    """One constraint to judge: the semantic type's name and constraint, and the value it covers."""

    name: str
    constraint: str
    value: Any


def semantic_obligations(value: Any, spec: Any, program: CompiledProgram, depth: int = 0) -> list[Obligation]:
    """The constraints a value of `spec` must still satisfy, for a value whose base type holds
    (`conforms`): the parts of the value that reach a semantic type, walked as `conforms` walks
    them. `none` for an optional type reaches nothing. Of a union's members that hold, one without
    constraints wins; otherwise the first one's constraints are judged (one judge path a value).
    Outer constraints come before inner ones (`type Short = Summary @ "…"`: Short's, then Summary's)."""
    from .interpreter import conforms

    kind = spec[0]
    if kind == "any" or depth > 64:
        return []
    depth += 1
    if kind == "optional":
        if value is None:
            return []
        if isinstance(value, VariantValue) and value.enum == "Option":
            return [o for v in value.values for o in semantic_obligations(v, spec[1], program, depth)]
        return semantic_obligations(value, spec[1], program, depth)
    if kind == "list" and isinstance(value, list):
        return [o for v in value for o in semantic_obligations(v, spec[1], program, depth)]
    if kind == "dict" and len(spec) == 3 and isinstance(value, dict):
        return [o for v in value.values() for o in semantic_obligations(v, spec[2], program, depth)]
    if kind == "union":
        found: list[Obligation] | None = None
        for option in spec[1]:
            if conforms(value, option, program):
                obligations = semantic_obligations(value, option, program, depth)
                if not obligations:
                    return []
                found = obligations if found is None else found
        return found or []
    if kind == "result" and isinstance(value, VariantValue) and value.values:
        wanted = spec[1] if value.variant == "Ok" else spec[2]
        return semantic_obligations(value.values[0], wanted, program, depth)
    if kind != "named":
        return []
    name = spec[1]
    alias = program.type_aliases.get(name)
    if alias is not None:
        constraint = program.semantic_types.get(name)
        own = [Obligation(name, constraint, value)] if constraint is not None else []
        return own + semantic_obligations(value, alias, program, depth)
    protocol = program.protocols.get(name)
    if protocol is not None and isinstance(value, dict):
        return [
            o
            for field, field_spec in protocol
            if value.get(field) is not None
            for o in semantic_obligations(value[field], field_spec, program, depth)
        ]
    return []


async def judge_constraints(vm: Interpreter, obligations: list[Obligation]) -> Obligation | None:
    """The first constraint the judge finds unmet, or None. Each (type, value text) is judged once."""
    seen: set[tuple[str, str]] = set()
    for obligation in obligations:
        target = to_text(obligation.value)
        if (obligation.name, target) in seen:
            continue
        seen.add((obligation.name, target))
        if not await vm.judge(obligation.constraint, target, JudgePurpose.SEMANTIC_TYPE):
            return obligation
    return None


def constraint_message(place: str, spec: Any, failed: Obligation, program: CompiledProgram) -> str:
    """E111 for an unmet constraint: the declared type with semantic types written by name, the
    value's kind, and the semantic type that was not satisfied as its declaration reads."""
    expected = type_expression(spec, program.type_aliases, keep=program.semantic_types)
    found, declared = kind_name(failed.value), declared_as(failed, program)
    return f"type violation: {place} expects {expected}, got {found} not satisfying {declared}"


def declared_as(failed: Obligation, program: CompiledProgram) -> str:
    """The unmet semantic type as its declaration reads: `Summary = str @ "a concise summary"`."""
    base = type_expression(program.type_aliases[failed.name], program.type_aliases)
    return f'{failed.name} = {base} @ "{failed.constraint}"'


async def judge_pending(vm: Interpreter, pending: list[Pending]) -> None:
    """Judge the constraints of values whose base type held; an unmet one is reported as E111."""
    for item in pending:
        failed = await judge_constraints(vm, item.obligations)
        if failed is not None:
            report(vm, constraint_message(item.place, item.spec, failed, vm.program), item.site, item.span)


def pending_check(
    vm: Interpreter,
    value: Any,
    spec: Any,
    place: str,
    site: Instr | None,
    span: tuple[int, int] | None = None,
) -> list[Pending]:
    """The constraints still to judge for a value `check_value` has seen: none in `forgiving` mode,
    for a program without semantic types, or when the base type did not hold (already reported)."""
    if vm.type_mode == "forgiving" or not vm.program.semantic_types:
        return []
    from .interpreter import conforms

    if not conforms(value, spec, vm.program):
        return []
    obligations = semantic_obligations(value, spec, vm.program)
    return [Pending(value, spec, place, site, span, obligations)] if obligations else []


def type_expression(
    spec: Any, aliases: dict[str, Any], depth: int = 0, keep: dict[str, str] | None = None
) -> str:
    """A declared type written back as a type expression (L§3.8), as the checker writes it:
    `int?`, `list[int]`, `int | str`, `Result[int, str]`; an alias is written as its type, except
    the names in `keep` (semantic types, in the message of an unmet constraint)."""

    def text(inner: Any) -> str:
        return type_expression(inner, aliases, depth + 1, keep) if depth < 64 else "any"

    kind = spec[0]
    if kind == "named":
        alias = aliases.get(spec[1])
        return spec[1] if alias is None or (keep and spec[1] in keep) else text(alias)
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
