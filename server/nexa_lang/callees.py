"""What a call calls, with the callee's parameter list (L§7.8, S§1, S§2, S§5.3–5.4).

`Calls(program).callee(call, file)` resolves `f(…)`, `A.f(…)`, `T(…)`/`T.run(…)`, `std.ns.f(…)`,
lambdas bound to a name once, struct constructors, payload variants of the program's enums
(`Shape::Circle(…)`) and prelude functions with a fixed signature to a `Callee`; agents (`A(…)`,
`A.run(…)`) and everything else give None (any arguments are fine).
`bind_arguments` matches arguments to parameters the way the VM does (positional, then named).
E012, W008, W010 and E302 read both, through `resolved_calls` (each program's calls resolved once).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from nexa_lang import ast
from nexa_lang.model import Program, SourceFile
from nexa_lang.schema_words import JSON_TYPES, schema_words
from nexa_lang.scopes import Resolution
from nexa_lang.signatures import CHECKED_PRELUDE_SIGNATURES, Signature, std_signature
from nexa_lang.types import (
    ANY,
    TYPE_STRINGS,
    StaticType,
    Types,
    declared_type,
    single_binding,
    type_of_annotation,
)

# Callee kinds: which rules look at them (W008/W010 only for code callees; E302 only for tools).
CODE_KINDS = ("flow", "function", "tool_fn", "lambda")
SCHEMA_KINDS = ("tool", "std", "prelude")


@dataclass(frozen=True)
class CalleeParam:
    name: str
    type: StaticType = ANY
    required: bool = False
    variadic: bool = False
    schema: str = ""  # JSON-schema type words for E302 ("string", "integer | string"); "" = anything


@dataclass
class Callee:
    name: str  # as written at the call (`greet`, `A.f`, `std.time.time_sleep`)
    kind: str  # flow | function | tool_fn | lambda | struct | variant | tool | std | prelude
    params: list[CalleeParam] = field(default_factory=list)

    @property
    def is_variadic(self) -> bool:
        return any(p.variadic for p in self.params)

    @property
    def positional_limit(self) -> int | None:
        return None if self.is_variadic else len(self.params)

    def param(self, name: str) -> CalleeParam | None:
        return next((p for p in self.params if p.name == name and not p.variadic), None)


@dataclass(frozen=True)
class Binding:
    """Arguments matched to parameters; extra positional ones and unknown names left over."""

    bound: list[tuple[ast.Argument, CalleeParam]]
    extra: list[ast.Argument]
    unknown: list[ast.Argument]
    missing: list[CalleeParam]


def bind_arguments(callee: Callee, arguments: list[ast.Argument]) -> Binding:
    positional = [a for a in arguments if a.name is None]
    named = [a for a in arguments if a.name is not None]
    bound: list[tuple[ast.Argument, CalleeParam]] = []
    extra: list[ast.Argument] = []
    plain = [p for p in callee.params if not p.variadic]
    variadic = next((p for p in callee.params if p.variadic), None)
    for index, argument in enumerate(positional):
        if index < len(plain):
            bound.append((argument, plain[index]))
        elif variadic is not None:
            bound.append((argument, variadic))
        else:
            extra.append(argument)
    unknown = []
    for argument in named:
        param = callee.param(argument.name or "")
        if param is None:
            unknown.append(argument)
        else:
            bound.append((argument, param))
    given = {p.name for _, p in bound}
    missing = [p for p in plain if p.required and p.name not in given]
    return Binding(bound, extra, unknown, missing)


class Calls:
    """Callee resolution for one program (shares the `Types` it is given)."""

    def __init__(self, program: Program, types: Types | None = None) -> None:
        self.program = program
        self.types = types or Types(program)

    def calls(self) -> Iterator[tuple[SourceFile, ast.Call, Callee]]:
        for file in self.program.files:
            for node in file.nodes.of(ast.Call):
                if isinstance(node, ast.Call):
                    callee = self.callee(node, file)
                    if callee is not None:
                        yield file, node, callee

    def callee(self, call: ast.Call, file: SourceFile) -> Callee | None:
        name = file.text_of(call.function.span)
        std = _std_path(call.function)
        if std is not None:
            signature = std_signature(*std)
            return _from_signature(name, "std", signature) if signature else None
        if isinstance(call.function, ast.ScopedName):
            variant = payload_variant(self.program, call.function)
            if variant is None:
                return None
            fields = [CalleeParam(f.name) for f in variant.fields]
            return Callee(f"{call.function.scope}::{variant.name}", "variant", fields)
        target = self.types.callee_declaration(call, id(file))
        if isinstance(target, ast.FlowDecl):
            kind = "flow" if isinstance(call.function, ast.Name) else "function"
            return Callee(name, kind, self._params(target.params))
        if isinstance(target, ast.FunctionDecl):
            return Callee(name, "function", self._params(target.params))
        if isinstance(target, ast.ToolFnDecl):
            return Callee(name, "tool_fn", self._params(target.params))
        if isinstance(target, ast.StructDecl):
            return Callee(name, "struct", [CalleeParam(f.name) for f in target.fields])
        if isinstance(target, ast.ToolDecl):
            return Callee(name, "tool", _tool_params(target))
        if isinstance(call.function, ast.Name):
            return self._by_name(call.function, file, name)
        return None

    def _by_name(self, function: ast.Name, file: SourceFile, name: str) -> Callee | None:
        reference = self.types.reference(id(file), function)
        if reference is None:
            return None
        if reference.resolution is Resolution.PRELUDE and function.id in CHECKED_PRELUDE_SIGNATURES:
            return _from_signature(name, "prelude", CHECKED_PRELUDE_SIGNATURES[function.id])
        if reference.resolution is Resolution.LOCAL:
            activation = reference.activation
            while activation is not None and function.id not in activation.locals:
                activation = activation.parent
            binding = single_binding(activation, function.id) if activation is not None else None
            if isinstance(binding, ast.Assign) and isinstance(binding.value, ast.Lambda):
                return Callee(name, "lambda", self._params(binding.value.params))
        return None

    def _params(self, params: list[ast.Param]) -> list[CalleeParam]:
        result = []
        for param in params:
            static = type_of_annotation(self.program, param.type) if param.type is not None else ANY
            optional = isinstance(param.type, ast.OptionalType)
            result.append(CalleeParam(param.name, static, param.default is None and not optional))
        return result


def payload_variant(program: Program, scoped: ast.ScopedName) -> ast.EnumVariant | None:
    """The payload variant that `Enum::Variant` names in an enum of the program (L§3.9); None for a
    unit variant (a value, not a constructor), a variant the enum lacks (E002) and the prelude's
    `Option`/`Result`."""
    declared = declared_type(program, scoped.scope)
    if not isinstance(declared, ast.EnumDecl):
        return None
    return next((v for v in declared.variants if v.name == scoped.name and v.has_payload), None)


_RESOLVED: WeakKeyDictionary[Program, list[tuple[SourceFile, ast.Call, Callee]]] = WeakKeyDictionary()


def resolved_calls(program: Program) -> list[tuple[SourceFile, ast.Call, Callee]]:
    """`Calls(program).calls()`, resolved once per program: four rules read them (none changes
    them), and resolving every call was a walk over the program's calls each time."""
    found = _RESOLVED.get(program)
    if found is None:
        found = _RESOLVED[program] = list(Calls(program).calls())
    return found


def _std_path(function: ast.Expr) -> tuple[str, str] | None:
    """(`fs`, `file_read`) for `std.fs.file_read`, (`db.sqlite`, `query`) for `std.db.sqlite.query`."""
    parts: list[str] = []
    node: ast.Expr = function
    while isinstance(node, ast.Member):
        parts.append(node.name)
        node = node.object
    if not (isinstance(node, ast.Name) and node.id == "std") or len(parts) < 2:
        return None
    parts.reverse()
    return ".".join(parts[:-1]), parts[-1]


def _from_signature(name: str, kind: str, signature: Signature) -> Callee:
    return Callee(
        name,
        kind,
        [CalleeParam(p.name, ANY, p.is_required, p.variadic, schema_words(p.type)) for p in signature.params],
    )


def _tool_params(tool: ast.ToolDecl) -> list[CalleeParam]:
    """A declared tool's parameters from its `parameters` literal (S§5.3)."""
    declared = tool.property("parameters")
    if declared is None or not isinstance(declared.value, ast.DictLit):
        return []
    params = []
    seen: set[str] = set()
    for entry in declared.value.entries:
        if entry.key in seen:  # a repeated key is E004; one parameter, in its first position
            continue
        seen.add(entry.key)
        value = entry.value
        if isinstance(value, ast.StringLit):
            canonical = TYPE_STRINGS.get(value.value)
            params.append(CalleeParam(entry.key, required=True, schema=schema_words(canonical or "")))
        elif isinstance(value, ast.DictLit):
            keys = {e.key: e.value for e in value.entries}
            kind = keys.get("type")
            optional = "default" in keys or (
                isinstance(keys.get("required"), ast.Bool) and not keys["required"].value
            )
            schema = kind.value if isinstance(kind, ast.StringLit) and kind.value in JSON_TYPES else ""
            params.append(CalleeParam(entry.key, required=not optional, schema=schema))
        else:
            params.append(CalleeParam(entry.key, required=True))
    return params
