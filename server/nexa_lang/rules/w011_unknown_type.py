"""W011 unknown-type: a type position names no type, or a quoted type string is not a known form.

Why: an unknown type name is treated as `any` (L D17) and an unknown type string as `str` (L§3.4),
so a misspelling silently turns off checking or changes a tool's JSON schema.
An agent's name is a type (L§6.4: a parameter typed with an agent name holds that agent).
Type positions: parameter and return types, protocol and struct fields, `let` types, `input_type` /
`output_type`, `verify … satisfies T`, `receive(): T`, `type X = …`. Type strings: protocol fields
(L§3.4) and tool `parameters` values (L§3.2).
Example: `protocol Ticket { id: "integr", owner: Persn }`.
Fix: (unsafe) "Change to '{candidate}'".
"""

from __future__ import annotations

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span
from nexa_lang.suggestions import closest_name
from nexa_lang.types import TYPE_DECLARATIONS, TYPE_STRINGS, builtin_type_names, is_type_name, is_type_string

TYPE_PROPERTIES = ("input_type", "output_type")


@rule("W011", "unknown-type")
def check(program: Program) -> Iterator[Diagnostic]:
    declared = [d.name for _, d in program.declarations() if isinstance(d, TYPE_DECLARATIONS)]
    # A parameter may be typed with an agent name (L§6.4): the value is that agent.
    agents = {d.name for _, d in program.declarations() if isinstance(d, ast.AgentDecl)}
    names = [*builtin_type_names(), *declared, *sorted(agents)]
    for file in program.files:
        for name, span in _type_names(file):
            # an empty name is a type the parser found missing: the E008 reports it (§2.6)
            if name and not is_type_name(program, name) and name not in agents:
                yield _unknown(file, span, name, f"unknown type '{name}'; it is treated as any", names, False)
        for literal in _type_strings(file):
            if not is_type_string(literal.value):
                message = f"unknown type string '{literal.value}'; it is treated as str"
                yield _unknown(file, literal.span, literal.value, message, list(TYPE_STRINGS), True)


def _unknown(
    file: SourceFile, span: Span, name: str, message: str, candidates: list[str], quoted: bool
) -> Diagnostic:
    candidate = closest_name(name, candidates)
    if candidate is None:
        return Diagnostic.warning(span, message, path=file.path)
    replacement = f'"{candidate}"' if quoted else candidate
    return Diagnostic.warning(
        span,
        f"{message}; did you mean '{candidate}'?",
        path=file.path,
        fix=Fix.replace(span, replacement, f"Change to '{candidate}'", Safety.UNSAFE),
    )


def _type_names(file: SourceFile) -> Iterator[tuple[str, Span]]:
    for node in file.nodes.of(ast.NamedType, ast.GenericType, ast.AgentDecl):
        if isinstance(node, ast.NamedType):
            yield node.name, node.span
        elif isinstance(node, ast.GenericType):
            yield node.name, Span(node.span.start, node.span.start + len(node.name.encode()))
        elif isinstance(node, ast.AgentDecl):
            for prop in node.properties:
                if prop.key in TYPE_PROPERTIES:
                    yield from _names_in_type_value(prop.value)


def _names_in_type_value(value: ast.Expr) -> Iterator[tuple[str, Span]]:
    """Names in a type written as a property value (`list[str]` lowers as an index expression)."""
    for node in value.walk():
        if isinstance(node, ast.Name):
            yield node.id, node.span


def _type_strings(file: SourceFile) -> Iterator[ast.StringLit]:
    for node in file.nodes.of(ast.ProtocolDecl, ast.ToolDecl):
        if isinstance(node, ast.ProtocolDecl):
            for field in node.fields:
                if isinstance(field.type, ast.TypeString):
                    yield ast.StringLit(value=field.type.text, span=field.type.span)
        elif isinstance(node, ast.ToolDecl):
            parameters = node.property("parameters")
            if parameters is not None and isinstance(parameters.value, ast.DictLit):
                for entry in parameters.value.entries:
                    if isinstance(entry.value, ast.StringLit):
                        yield entry.value
