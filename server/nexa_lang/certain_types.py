"""The certain static types of diagnostics.md §2.5, as far as G004 needs them.

Written for G004 while `nexa_lang.types` did not exist yet: a type is a small value (`StaticType`),
`any` is the uncertain type that never mismatches, and `assignable` follows §2.5's list. Expressions
get a type only where it is certain: literals, typed parameters, string concatenation, an agent's
declared output (protocol, `output_type`, `-> T`, else `str`), a flow's declared return type.
"""

from __future__ import annotations

from dataclasses import dataclass

from nexa_lang import ast
from nexa_lang.model import Program

BUILTIN_TYPES = frozenset({"str", "int", "float", "bool", "list", "dict", "any", "none"})


@dataclass(frozen=True)
class StaticType:
    name: str  # a built-in name, a protocol name, "union", "optional"
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


ANY = StaticType("any")
STR = StaticType("str")
NONE = StaticType("none")


def type_of_annotation(program: Program, annotation: ast.Node | None) -> StaticType:
    """A written type; unknown names and type strings are `any` (W011 reports them)."""
    if isinstance(annotation, ast.NamedType | ast.Name):
        name = annotation.name if isinstance(annotation, ast.NamedType) else annotation.id
        if name in BUILTIN_TYPES or _is_protocol(program, name):
            return StaticType(name)
        return ANY
    if isinstance(annotation, ast.GenericType) and annotation.name in ("list", "dict"):
        arguments = tuple(type_of_annotation(program, a) for a in annotation.arguments)
        return StaticType(annotation.name, arguments)
    if isinstance(annotation, ast.OptionalType):
        return StaticType("optional", (type_of_annotation(program, annotation.inner),))
    if isinstance(annotation, ast.UnionType):
        return StaticType("union", tuple(type_of_annotation(program, o) for o in annotation.options))
    return ANY


def literal_type(expr: ast.Expr) -> StaticType | None:
    if isinstance(expr, ast.StringLit | ast.TemplateLit):
        return STR
    if isinstance(expr, ast.Bool):
        return StaticType("bool")
    if isinstance(expr, ast.Number):
        return StaticType("int" if isinstance(expr.value, int) and "." not in expr.text else "float")
    if isinstance(expr, ast.ListLit):
        return StaticType("list")
    if isinstance(expr, ast.DictLit):
        return StaticType("dict")
    if isinstance(expr, ast.NoneLit):
        return NONE
    return None


def agent_output_type(program: Program, agent: ast.AgentDecl) -> StaticType:
    """`implements P` → P, else `output_type` / `-> T`, else `str` (G004)."""
    for name in agent.implements:
        if _is_protocol(program, name.id):
            return StaticType(name.id)
    declared = agent.property("output_type")
    if declared is not None:
        return type_of_annotation(program, declared.value)
    if agent.return_type is not None:
        return type_of_annotation(program, agent.return_type)
    return STR


def protocol_fields(program: Program, name: str) -> dict[str, StaticType] | None:
    symbol = program.lookup(name)
    if symbol is None or not isinstance(symbol.node, ast.ProtocolDecl):
        return None
    return {f.name: type_of_annotation(program, f.type) for f in symbol.node.fields}


def missing_fields(program: Program, produced: StaticType, accepted: StaticType) -> list[str]:
    """Fields of protocol `accepted` that protocol `produced` lacks or types differently."""
    have = protocol_fields(program, produced.name) or {}
    need = protocol_fields(program, accepted.name) or {}
    return [
        name
        for name, kind in need.items()
        if kind.name != "optional" and (name not in have or not assignable(program, have[name], kind))
    ]


def assignable(program: Program, produced: StaticType, accepted: StaticType) -> bool:
    """§2.5: equal types; int to float; all to any; none to T?; T to T | U; a record to dict; a record
    of P to protocol Q when P has Q's required fields. `str` accepts everything (L§7.1.3)."""
    if produced.is_any or accepted.is_any or accepted.name == "str" or produced == accepted:
        return True
    if accepted.name == "optional":
        return produced == NONE or assignable(program, produced, accepted.arguments[0])
    if accepted.name == "union":
        return any(assignable(program, produced, option) for option in accepted.arguments)
    if produced.name == "union":
        return all(assignable(program, option, accepted) for option in produced.arguments)
    if produced.name == "int" and accepted.name == "float":
        return True
    if produced.name == accepted.name and produced.name in ("list", "dict"):
        if not produced.arguments or not accepted.arguments:
            return True
        pairs = zip(produced.arguments, accepted.arguments, strict=False)
        return all(assignable(program, p, a) for p, a in pairs)
    produced_protocol = protocol_fields(program, produced.name) is not None
    if produced_protocol and accepted.name == "dict":
        return True
    if produced_protocol and protocol_fields(program, accepted.name) is not None:
        return not missing_fields(program, produced, accepted)
    return False


def _is_protocol(program: Program, name: str) -> bool:
    symbol = program.lookup(name)
    return symbol is not None and isinstance(symbol.node, ast.ProtocolDecl)
