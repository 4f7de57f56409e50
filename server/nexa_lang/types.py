"""Type names, written types and the certain static types of diagnostics.md §2.5.

* `is_type_name` / `TYPE_STRINGS`: what a type position may name (L§3.8, S§0.1) and the quoted type
  strings of protocol fields and tool parameters (L§3.4, L§3.2) — W011 reads them.
* `type_of_annotation`: a written type as a `StaticType` (unknown names are `any`).
* `Types(program).type_of(expr)`: the certain type of an expression, `any` when it is not certain.
* `assignable(program, produced, accepted)`: §2.5's assignability, nothing more (no implicit `str`).

E002, E012, W008, W010 and E302 read these; `any` never mismatches.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from nexa_lang import ast
from nexa_lang.model import Program, pattern_bindings
from nexa_lang.positions import Span
from nexa_lang.scopes import Activation, Reference, Resolution

# ---------------------------------------------------------------------------------- names

# Every accepted spelling of a built-in type → the canonical name (L§3.8; S§0.1 `number`, `map`).
BUILTIN_SPELLINGS: dict[str, str] = {
    **dict.fromkeys(("str", "string", "String"), "str"),
    **dict.fromkeys(("int", "integer", "Int"), "int"),
    **dict.fromkeys(("float", "number", "Float"), "float"),
    **dict.fromkeys(("bool", "boolean", "Bool"), "bool"),
    **dict.fromkeys(("list", "array", "List"), "list"),
    **dict.fromkeys(("dict", "object", "Dict", "Map", "map"), "dict"),
    **dict.fromkeys(("any", "Any"), "any"),
    **dict.fromkeys(("unit", "none"), "none"),
    "Option": "optional",
    "Result": "Result",
}

# Object types of S§0.1 and error kinds of S§0.2: accepted names, not certain types (`any`).
OBJECT_TYPES: tuple[str, ...] = (
    "Agent", "Tool", "Flow", "Record", "Image", "Secret", "Error", "DbHandle", "KvHandle", "AuthConfig",
    "Sender", "Receiver", "Task", "Timer", "ActorHandle", "Snapshot", "JoinHandle", "Request", "Response",
    "Template", "JobRecord", "MemoryBackend", "never", "fn",
)  # fmt: skip
ERROR_KINDS: tuple[str, ...] = (
    "TimeoutError", "AgentError", "ProtocolError", "ToolError", "ContractViolation", "AssertionError",
    "VerifyError", "TypeViolation", "PropagatedError", "RuntimeError",
)  # fmt: skip

# Quoted type strings (protocol fields L§3.4, tool parameters L§3.2) → canonical type.
TYPE_STRINGS: dict[str, str] = {
    **dict.fromkeys(("string", "str"), "str"),
    **dict.fromkeys(("int", "integer"), "int"),
    **dict.fromkeys(("float", "number"), "float"),
    **dict.fromkeys(("bool", "boolean"), "bool"),
    **dict.fromkeys(("list", "array"), "list"),
    **dict.fromkeys(("dict", "object"), "dict"),
}

TYPE_DECLARATIONS = (ast.ProtocolDecl, ast.TypeDecl, ast.StructDecl, ast.EnumDecl, ast.TraitDecl)


def builtin_type_names() -> tuple[str, ...]:
    """Every built-in spelling, object type and error kind, in a stable order (suggestions)."""
    return (*BUILTIN_SPELLINGS, *OBJECT_TYPES, *ERROR_KINDS)


def declared_type(program: Program, name: str) -> ast.Decl | None:
    symbol = program.lookup(name)
    node = symbol.node if symbol is not None else None
    return node if isinstance(node, TYPE_DECLARATIONS) else None


def is_type_name(program: Program, name: str) -> bool:
    return (
        name in BUILTIN_SPELLINGS
        or name in OBJECT_TYPES
        or name in ERROR_KINDS
        or bool(declared_type(program, name))
    )


def is_type_string(text: str) -> bool:
    """A recognized quoted type: a form of `TYPE_STRINGS`, `list[T]` of one, or an enum `a|b`."""
    text = text.strip()
    if "|" in text or text in TYPE_STRINGS:
        return True
    if text.startswith("list[") and text.endswith("]"):
        return is_type_string(text[5:-1])
    return False


# ---------------------------------------------------------------------------------- types


@dataclass(frozen=True)
class StaticType:
    """`name` is a canonical built-in (`str`, `int`, …), `optional`, `union`, or a declared type."""

    name: str
    arguments: tuple[StaticType, ...] = ()

    def __str__(self) -> str:
        if self.name == "optional":
            return f"{self.arguments[0]}?"
        if self.name == "union":
            return " | ".join(str(a) for a in self.arguments)
        if self.arguments:
            return f"{self.name}[{', '.join(str(a) for a in self.arguments)}]"
        return self.name

    @property
    def is_any(self) -> bool:
        return self.name == "any"

    @property
    def is_number(self) -> bool:
        return self.name in ("int", "float")


ANY = StaticType("any")
STR = StaticType("str")
INT = StaticType("int")
FLOAT = StaticType("float")
BOOL = StaticType("bool")
NONE = StaticType("none")
LIST = StaticType("list")
DICT = StaticType("dict")


def type_of_annotation(
    program: Program, node: ast.Node | None, _seen: frozenset[str] = frozenset()
) -> StaticType:
    """A written type (a type expression, a quoted type string, or a property value such as
    `output_type: list[str]`); aliases are followed; unknown names are `any` (L D17)."""
    if isinstance(node, ast.TypeString | ast.StringLit):
        text = node.text if isinstance(node, ast.TypeString) else node.value
        return StaticType(TYPE_STRINGS[text]) if text in TYPE_STRINGS else (STR if "|" in text else ANY)
    if isinstance(node, ast.NamedType | ast.Name):
        return _named(program, node.name if isinstance(node, ast.NamedType) else node.id, _seen)
    if isinstance(node, ast.GenericType):
        base = BUILTIN_SPELLINGS.get(node.name)
        arguments = tuple(type_of_annotation(program, a, _seen) for a in node.arguments)
        if base == "optional" and arguments:
            return StaticType("optional", arguments[:1])
        if base in ("list", "dict"):
            return StaticType(base, arguments)
        return ANY
    if isinstance(node, ast.OptionalType):
        return StaticType("optional", (type_of_annotation(program, node.inner, _seen),))
    if isinstance(node, ast.UnionType):
        return StaticType("union", tuple(type_of_annotation(program, o, _seen) for o in node.options))
    if isinstance(node, ast.Index) and isinstance(node.object, ast.Name):
        base = BUILTIN_SPELLINGS.get(node.object.id)
        if base in ("list", "dict", "optional"):
            items = node.index.elements if isinstance(node.index, ast.ListLit) else [node.index]
            arguments = tuple(type_of_annotation(program, i, _seen) for i in items)
            return StaticType(base, arguments[:1]) if base == "optional" else StaticType(base, arguments)
    return ANY


def _named(program: Program, name: str, seen: frozenset[str]) -> StaticType:
    builtin = BUILTIN_SPELLINGS.get(name)
    if builtin is not None:
        return ANY if builtin in ("optional", "Result") else StaticType(builtin)
    declared = declared_type(program, name)
    if isinstance(declared, ast.TypeDecl) and name not in seen:
        return type_of_annotation(program, declared.type, seen | {name})
    if isinstance(declared, ast.ProtocolDecl | ast.StructDecl | ast.EnumDecl):
        return StaticType(name)
    return ANY  # traits, object types, error kinds and unknown names


def protocol_fields(program: Program, name: str) -> dict[str, StaticType] | None:
    declared = declared_type(program, name)
    if not isinstance(declared, ast.ProtocolDecl):
        return None
    return {f.name: type_of_annotation(program, f.type) for f in declared.fields}


def assignable(program: Program, produced: StaticType, accepted: StaticType) -> bool:
    """§2.5: equal types; int to float; every type to any; none to T?; T to T | U; a record of P to
    dict; a record of P to protocol Q when P has Q's non-optional fields with assignable types; a
    dict to a protocol (whether it has the fields is known only at run time)."""
    if produced.is_any or accepted.is_any or produced == accepted:
        return True
    if produced.name == "union":
        return all(assignable(program, option, accepted) for option in produced.arguments)
    if accepted.name == "optional":
        return produced == NONE or assignable(program, produced, accepted.arguments[0])
    if accepted.name == "union":
        return any(assignable(program, produced, option) for option in accepted.arguments)
    if produced.name == "int" and accepted.name == "float":
        return True
    if produced.name == accepted.name and produced.name in ("list", "dict"):
        pairs = zip(produced.arguments, accepted.arguments, strict=False)
        return all(assignable(program, p, a) for p, a in pairs)
    produced_fields = protocol_fields(program, produced.name)
    if produced_fields is not None and accepted.name == "dict":
        return True
    accepted_fields = protocol_fields(program, accepted.name)
    if produced.name == "dict" and accepted_fields is not None:
        return True  # a dict with the protocol's fields conforms at run time (L§7.10.8): not certain
    if produced_fields is not None and accepted_fields is not None:
        return all(
            kind.name == "optional"
            or (field in produced_fields and assignable(program, produced_fields[field], kind))
            for field, kind in accepted_fields.items()
        )
    return False


# ---------------------------------------------------------------------------------- expressions


def literal_type(expr: ast.Expr) -> StaticType | None:
    """The type of a literal, or None for other expressions."""
    if isinstance(expr, ast.StringLit | ast.TemplateLit):
        return STR
    if isinstance(expr, ast.Bool):
        return BOOL
    if isinstance(expr, ast.Number):
        return INT if isinstance(expr.value, int) else FLOAT
    if isinstance(expr, ast.Unary) and expr.op == "-" and isinstance(expr.operand, ast.Number):
        return literal_type(expr.operand)
    if isinstance(expr, ast.ListLit):
        return LIST
    if isinstance(expr, ast.DictLit):
        return DICT
    if isinstance(expr, ast.NoneLit):
        return NONE
    return None


class Types:
    """Certain types of expressions in one program (§2.5); build once per rule run."""

    def __init__(self, program: Program, *, replies_as_records: bool = True) -> None:
        """`replies_as_records=False`: the run of an agent that `implements P` is `any`, since §2.5
        makes its record type certain only for field access and G004 (the type checks ask so)."""
        self.program = program
        self.replies_as_records = replies_as_records
        self._busy: set[int] = set()

    @cached_property
    def references(self) -> dict[tuple[int, Span], Reference]:
        return self.program.scopes.by_span()

    def reference(self, file_id: int, name: ast.Name) -> Reference | None:
        return self.references.get((file_id, name.span))

    def type_of(self, expr: ast.Expr | None, file_id: int) -> StaticType:
        if expr is None:
            return ANY
        literal = literal_type(expr)
        if literal is not None:
            return literal
        if id(expr) in self._busy:
            return ANY
        self._busy.add(id(expr))
        try:
            return self._infer(expr, file_id)
        finally:
            self._busy.discard(id(expr))

    def _infer(self, expr: ast.Expr, file_id: int) -> StaticType:
        if isinstance(expr, ast.Binary) and expr.op == "+":
            sides = (self.type_of(expr.left, file_id), self.type_of(expr.right, file_id))
            return STR if STR in sides else ANY
        if isinstance(expr, ast.Name):
            reference = self.reference(file_id, expr)
            return self._variable(reference, file_id) if reference is not None else ANY
        if isinstance(expr, ast.Call):
            return self.call_result(expr, file_id)
        if isinstance(expr, ast.Dag) and expr.op == ">>" and isinstance(expr.right, ast.Name):
            return self._result_of(self.global_declaration(expr.right, file_id))  # `x >> A`: A's reply
        return ANY

    def call_result(self, call: ast.Call, file_id: int) -> StaticType:
        """The declared result type of a flow, member function, `@tool fn` or agent, or the struct
        a constructor `S(…)` makes; else any."""
        return self._result_of(self.callee_declaration(call, file_id))

    def _result_of(self, target: ast.Node | None) -> StaticType:
        if isinstance(target, ast.StructDecl):
            return type_of_annotation(self.program, ast.NamedType(name=target.name))
        if isinstance(target, ast.FlowDecl | ast.FunctionDecl | ast.ToolFnDecl):
            return type_of_annotation(self.program, target.return_type) if target.return_type else ANY
        if isinstance(target, ast.AgentDecl):
            declared = target.property("output_type")
            if declared is not None:
                return type_of_annotation(self.program, declared.value)
            if target.return_type is not None and not isinstance(target.return_type, ast.LegacyGenericType):
                return type_of_annotation(self.program, target.return_type)
            if target.implements and self.replies_as_records:  # a record of the protocol (L§7.3.3)
                return type_of_annotation(self.program, ast.NamedType(name=target.implements[0].id))
        return ANY

    def callee_declaration(self, call: ast.Call, file_id: int) -> ast.Node | None:
        """What `f(…)`, `A(…)`, `A.run(…)` or `A.f(…)` calls, when it is a global declaration or
        an agent member (not shadowed by a local)."""
        function = call.function
        if isinstance(function, ast.Name):
            return self.global_declaration(function, file_id)
        if isinstance(function, ast.Member) and isinstance(function.object, ast.Name):
            owner = self.global_declaration(function.object, file_id)
            if isinstance(owner, ast.AgentDecl):
                if function.name == "run":
                    return owner
                members = [*owner.functions, *owner.flows]
                return next((m for m in members if m.name == function.name), None)
            if isinstance(owner, ast.ToolDecl) and function.name == "run":
                return owner
        return None

    def global_declaration(self, name: ast.Name, file_id: int) -> ast.Node | None:
        reference = self.reference(file_id, name)
        if reference is None or reference.resolution is not Resolution.GLOBAL or reference.symbol is None:
            return None
        return reference.symbol.decl

    def _variable(self, reference: Reference, file_id: int) -> StaticType:
        if reference.resolution is not Resolution.LOCAL:
            return ANY
        activation: Activation | None = reference.activation
        while activation is not None and reference.name not in activation.locals:
            activation = activation.parent
        if activation is None:
            return ANY
        for param in getattr(activation.node, "params", []) or []:
            if isinstance(param, ast.Param) and param.name == reference.name:
                return type_of_annotation(self.program, param.type) if param.type is not None else ANY
        binding = single_binding(activation, reference.name)
        if isinstance(binding, ast.Let):
            if binding.type is not None:
                return type_of_annotation(self.program, binding.type)
            if isinstance(binding.pattern, ast.BindingPattern):
                return self.type_of(binding.value, file_id)
        if isinstance(binding, ast.Assign):
            return self.type_of(binding.value, file_id)
        return ANY


def activation_body(activation: Activation) -> list[ast.Node]:
    node = activation.node
    if isinstance(node, ast.Module):
        return list(node.statements)
    if isinstance(node, ast.JobDecl):
        return [b for b in (node.perform, node.on_failure) if b is not None]
    body = getattr(node, "body", None)
    return [body] if isinstance(body, ast.Node) else []


def single_binding(activation: Activation, name: str) -> ast.Assign | ast.Let | None:
    """The one statement binding `name` in the activation, when it is bound exactly once and by a
    plain assignment or `let` (not a loop, pattern, `catch` or fork variable)."""
    found = _bindings(activation).get(name, [])
    if len(found) == 1 and isinstance(found[0], ast.Assign | ast.Let):
        return found[0]
    return None


_UNCERTAIN = ast.Block()  # stands for a binding whose type is never certain


def _bindings(activation: Activation) -> dict[str, list[ast.Node]]:
    """Every binding occurrence of the activation's body (lambdas excluded), by name: the
    assignment or `let`, or `_UNCERTAIN` (loop, pattern, `catch`, fork variables). Built once per
    activation, from the file's node index (no walk of its own)."""
    cached = activation.__dict__.get("_bindings_by_name")
    if cached is not None:
        return cached
    found: dict[str, list[ast.Node]] = {}
    index = activation.file.nodes
    for root in activation_body(activation):
        for node in index.within(root, _BINDING_KINDS, (ast.Lambda,)):
            if isinstance(node, ast.Assign):
                if isinstance(node.target, ast.Name):
                    found.setdefault(node.target.id, []).append(node)
            elif isinstance(node, ast.Let):
                binding = node if isinstance(node.pattern, ast.BindingPattern) else _UNCERTAIN
                for name in dict.fromkeys(n for n, _ in pattern_bindings(node.pattern)):
                    found.setdefault(name, []).append(binding)
            else:
                for name in _bound_otherwise(node):
                    found.setdefault(name, []).append(_UNCERTAIN)
    activation.__dict__["_bindings_by_name"] = found
    return found


# The node types `_bindings` reads (the others bind nothing).
_BINDING_KINDS = (
    ast.Assign,
    ast.Let,
    ast.For,
    ast.MatchArm,
    ast.ForEach,
    ast.TryCatch,
    ast.Correction,
    ast.Hook,
    ast.ForkBranch,
)


def _bound_otherwise(node: ast.Node) -> list[str]:
    if isinstance(node, ast.For | ast.MatchArm):
        return list(dict.fromkeys(n for n, _ in pattern_bindings(node.pattern)))
    if isinstance(node, ast.ForEach):
        return list(dict.fromkeys(n for n in (node.variable, node.value) if n))
    if isinstance(node, ast.TryCatch | ast.Correction | ast.Hook | ast.ForkBranch):
        name = getattr(node, "name", None)
        return [name] if name else []
    return []
