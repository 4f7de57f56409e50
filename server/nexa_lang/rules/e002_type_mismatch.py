"""E002 type-mismatch: certain static types (diagnostics.md §2.5) that do not fit.

Why: each case fails every time the line runs (a RuntimeError, or a reply that can never match).
Cases: an operator whose operands L§5.5 rejects (`"items: " - count`); `let x: T = e`, `return e` and
parameter defaults not assignable to the declared type; a field that a protocol or struct lacks
(`q.cost` on a `Quote`), an unknown field in a struct or payload variant construction
(`Shape::Circle(rad: 1)`), an enum variant that does not exist; a protocol, struct, enum, type,
trait, handle or server in a runnable position; an agent whose `output_type` / `-> T` disagrees
with the protocol it implements. Equality and logic never report.
Example: `total = q.cost * count` where `q = Pricer.run(…)` and `Pricer implements Quote`. No fix.
"""

from __future__ import annotations

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.callees import payload_variant
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span
from nexa_lang.scopes import Position, Resolution
from nexa_lang.types import (
    ANY,
    STR,
    StaticType,
    Types,
    assignable,
    declared_type,
    single_binding,
    type_of_annotation,
)

ARITHMETIC = ("-", "*", "/", "%")
ORDERING = ("<", "<=", ">", ">=")
NOT_RUNNABLE = {"protocol", "struct", "enum", "type", "trait", "handle", "server"}


@rule("E002", "type-mismatch")
def check(program: Program) -> Iterator[Diagnostic]:
    types = Types(program, replies_as_records=False)  # field access reads them itself (_record_type)
    for file in program.files:
        yield from _expressions(program, types, file)
        yield from _declared_results(program, types, file)
    yield from _runnable_positions(program)
    yield from _agent_outputs(program)


def _mismatch(expected: StaticType, found: StaticType) -> str:
    return f"type mismatch: expected {expected}, found {found}"


# ------------------------------------------------------------------------------ expressions


def _expressions(program: Program, types: Types, file: SourceFile) -> Iterator[Diagnostic]:
    fid = id(file)
    for node in file.nodes.of(
        ast.Binary, ast.Unary, ast.Let, ast.Param, ast.Member, ast.Call, ast.ScopedName, ast.VariantPattern
    ):
        if isinstance(node, ast.Binary):
            yield from _binary(types, file, node)
        elif isinstance(node, ast.Unary) and node.op == "-":
            operand = types.type_of(node.operand, fid)
            if not operand.is_any and not operand.is_number:
                yield Diagnostic.error(
                    Span(node.span.start, node.span.start + 1),
                    f"type mismatch: expected int or float, found {operand}",
                    path=file.path,
                )
        elif isinstance(node, ast.Let) and node.type is not None:
            expected = type_of_annotation(program, node.type)
            found = types.type_of(node.value, fid)
            if not assignable(program, found, expected):
                yield Diagnostic.error(node.value.span, _mismatch(expected, found), path=file.path)
        elif isinstance(node, ast.Param) and node.type is not None and node.default is not None:
            expected = type_of_annotation(program, node.type)
            found = types.type_of(node.default, fid)
            if not assignable(program, found, expected):
                yield Diagnostic.error(node.default.span, _mismatch(expected, found), path=file.path)
        elif isinstance(node, ast.Member):
            yield from _field(program, types, file, node)
        elif isinstance(node, ast.Call):
            yield from _construction(program, types, file, node)
        elif isinstance(node, ast.ScopedName):
            yield from _variant(program, file, node.scope, node.name, node.name_span)
        elif isinstance(node, ast.VariantPattern):
            # `Shape::Circel(r) => …` can never match a value of the declared enum (L§5.10.2)
            yield from _variant(program, file, node.enum, node.variant, node.variant_span or node.span)


def _binary(types: Types, file: SourceFile, node: ast.Binary) -> Iterator[Diagnostic]:
    op = node.op
    if op not in ("+", *ARITHMETIC, *ORDERING):
        return
    left, right = types.type_of(node.left, id(file)), types.type_of(node.right, id(file))
    if op == "+":
        if left.is_any or right.is_any or STR in (left, right):
            return
        if (left.is_number and right.is_number) or (left.name == right.name == "list"):
            return
    elif op in ARITHMETIC:
        if all(t.is_any or t.is_number for t in (left, right)):
            return
    else:
        if left.is_any or right.is_any:
            return
        if (left.is_number and right.is_number) or left == right == STR:
            return
    yield Diagnostic.error(
        node.op_span, f"type mismatch: '{op}' cannot combine {left} and {right}", path=file.path
    )


def _record_type(program: Program, types: Types, file: SourceFile, expr: ast.Expr) -> str | None:
    """The protocol or struct a value certainly has: a typed parameter, a struct construction, or a
    run of an agent that `implements P` (directly or through a variable assigned once)."""
    if isinstance(expr, ast.Name):
        reference = types.reference(id(file), expr)
        if reference is not None and reference.resolution is Resolution.LOCAL:
            activation = reference.activation
            while activation is not None and expr.id not in activation.locals:
                activation = activation.parent
            if activation is not None:
                for param in getattr(activation.node, "params", []) or []:
                    if isinstance(param, ast.Param) and param.name == expr.id:
                        return _declared_record(program, type_of_annotation(program, param.type))
                binding = single_binding(activation, expr.id)
                if isinstance(binding, ast.Let) and binding.type is not None:
                    return _declared_record(program, type_of_annotation(program, binding.type))
                if isinstance(binding, ast.Assign | ast.Let):
                    return _record_type(program, types, file, binding.value)
        return None
    if isinstance(expr, ast.Call):
        target = types.callee_declaration(expr, id(file))
        if isinstance(target, ast.AgentDecl):
            protocol = next((n.id for n in target.implements if declared_type(program, n.id)), None)
            # else its declared `-> T` / `output_type` (§2.5), when that is a protocol or struct
            return protocol or _declared_record(program, types.call_result(expr, id(file)))
        if isinstance(target, ast.StructDecl):
            return target.name
        return _declared_record(program, types.call_result(expr, id(file)))
    return None


def _declared_record(program: Program, static: StaticType) -> str | None:
    declared = declared_type(program, static.name)
    return static.name if isinstance(declared, ast.ProtocolDecl | ast.StructDecl) else None


def _field_names(program: Program, name: str) -> set[str]:
    declared = declared_type(program, name)
    if isinstance(declared, ast.ProtocolDecl | ast.StructDecl):
        return {f.name for f in declared.fields}
    return set()


def _methods(program: Program, name: str) -> set[str]:
    return {
        m.name
        for _, decl in program.of_kind(ast.ImplDecl)
        if isinstance(decl, ast.ImplDecl) and decl.type_name == name
        for m in decl.methods
    }


def _field(program: Program, types: Types, file: SourceFile, member: ast.Member) -> Iterator[Diagnostic]:
    record = _record_type(program, types, file, member.object)
    if record is None:
        return
    if member.name in _field_names(program, record) or member.name in _methods(program, record):
        return
    yield Diagnostic.error(member.name_span, f"'{record}' has no field '{member.name}'", path=file.path)


def _construction(program: Program, types: Types, file: SourceFile, call: ast.Call) -> Iterator[Diagnostic]:
    """Named arguments that are no field of the struct or payload variant constructed (L§3.9)."""
    target = types.callee_declaration(call, id(file))
    if isinstance(target, ast.StructDecl):
        constructed, declared = target.name, target.fields
    elif isinstance(call.function, ast.ScopedName):
        variant = payload_variant(program, call.function)
        if variant is None:
            return
        constructed, declared = f"{call.function.scope}::{variant.name}", variant.fields
    else:
        return
    fields = {f.name for f in declared}
    for argument in call.arguments:
        if argument.name is not None and argument.name not in fields:
            span = argument.name_span or argument.span
            yield Diagnostic.error(span, f"'{constructed}' has no field '{argument.name}'", path=file.path)


# the prelude enums (L§6.5.2), unless the program declares its own enum of that name
PRELUDE_VARIANTS = {"Option": {"Some", "None"}, "Result": {"Ok", "Err"}}


def _variant(program: Program, file: SourceFile, enum: str, variant: str, span: Span) -> Iterator[Diagnostic]:
    declared = declared_type(program, enum)
    if isinstance(declared, ast.EnumDecl):
        variants = {v.name for v in declared.variants}
    elif declared is None and enum in PRELUDE_VARIANTS:
        variants = PRELUDE_VARIANTS[enum]
    else:
        return
    if variant not in variants:
        yield Diagnostic.error(span, f"enum '{enum}' has no variant '{variant}'", path=file.path)


# ------------------------------------------------------------------------------ results


def _declared_results(program: Program, types: Types, file: SourceFile) -> Iterator[Diagnostic]:
    for node in file.nodes.of(ast.FlowDecl, ast.FunctionDecl, ast.ToolFnDecl):
        if (
            isinstance(node, ast.FlowDecl | ast.FunctionDecl | ast.ToolFnDecl)
            and node.return_type is not None
        ):
            expected = type_of_annotation(program, node.return_type)
            if expected.is_any or node.body is None:
                continue
            for statement in _returns(node.body):
                if statement.value is None:
                    continue
                found = types.type_of(statement.value, id(file))
                if not assignable(program, found, expected):
                    yield Diagnostic.error(statement.value.span, _mismatch(expected, found), path=file.path)


def _returns(body: ast.Block) -> Iterator[ast.Return]:
    stack: list[ast.Node] = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Return):
            yield node
        stack.extend(node.children())


# ------------------------------------------------------------------------------ runnables and agents


def _runnable_positions(program: Program) -> Iterator[Diagnostic]:
    for reference in program.scopes.references:
        if reference.position is not Position.RUNNABLE or reference.symbol is None:
            continue
        kind = reference.symbol.kind
        if kind not in NOT_RUNNABLE:
            continue
        decl = reference.symbol.decl
        if kind == "handle" and isinstance(decl, ast.HandleDecl):
            kind = f"{decl.kind} handle"
        article = "an" if kind[0] in "aeiou" else "a"
        yield Diagnostic.error(
            reference.span,
            f"'{reference.name}' is {article} {kind}, not something that can be run",
            path=reference.file.path,
        )


def _agent_outputs(program: Program) -> Iterator[Diagnostic]:
    for file, decl in program.of_kind(ast.AgentDecl):
        assert isinstance(decl, ast.AgentDecl)
        protocol = next(
            (n.id for n in decl.implements if isinstance(declared_type(program, n.id), ast.ProtocolDecl)),
            None,
        )
        if protocol is None:
            continue
        written: ast.Node | None = None
        declared_property = decl.property("output_type")
        if declared_property is not None:
            written = declared_property.value
        elif decl.return_type is not None and not isinstance(decl.return_type, ast.LegacyGenericType):
            written = decl.return_type
        if written is None:
            continue
        declared = type_of_annotation(program, written)
        if declared == ANY or assignable(program, StaticType(protocol), declared):
            continue
        yield Diagnostic.error(
            written.span,
            f"agent '{decl.name}' implements '{protocol}' but declares output type {declared}",
            path=file.path,
        )
