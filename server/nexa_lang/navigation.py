"""Go to definition, find references and document highlights: pure functions of an `Analysis` and a
byte offset, answering spans with the file they are in (a definition may be in an included file).

Nexa has no separate declarations (a name is declared where it is defined), so the server answers
`textDocument/declaration` with `definition` too.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from nexa_lang import ast
from nexa_lang.analysis import Analysis
from nexa_lang.model import Program, SourceFile
from nexa_lang.occurrences import Denotes, Occurrence, Role, Target, program_occurrences
from nexa_lang.positions import Span
from nexa_lang.types import StaticType, Types, type_of_annotation


@dataclass(frozen=True)
class Location:
    file: SourceFile
    span: Span


class HighlightKind(str, Enum):
    """LSP's DocumentHighlightKind, by name: a declaration or assignment is a write."""

    READ = "read"
    WRITE = "write"


@dataclass(frozen=True)
class Highlight:
    span: Span
    kind: HighlightKind


def occurrence_at(analysis: Analysis, offset: int) -> Occurrence | None:
    """The name under `offset` in the analysed file and what it denotes."""
    return program_occurrences(analysis.program).at(analysis.file, offset)


def definition(analysis: Analysis, offset: int) -> list[Location]:
    """Where the name under `offset` is declared: a global's declaration (the one the program uses),
    a local's first binding, a parameter, an agent member, an enum variant, an included file (its
    start). Empty for built-ins, std names, unresolved names and non-names."""
    occurrence = occurrence_at(analysis, offset)
    if occurrence is None:
        return []
    return definitions_of(analysis.program, occurrence.target)


def definitions_of(program: Program, target: Target) -> list[Location]:
    if target.denotes is Denotes.FILE:
        return [Location(target.owner, Span(0, 0))] if isinstance(target.owner, SourceFile) else []
    if target.denotes is Denotes.GLOBAL:
        symbol = program.lookup(target.name)
        if symbol is not None and symbol.kind != "global":
            return [Location(symbol.file, symbol.name_span)]
    declared = [o for o in program_occurrences(program).of(target) if o.role is Role.DECLARATION]
    if target.denotes in (Denotes.GLOBAL, Denotes.LOCAL):
        declared = declared[:1]
    return [Location(o.file, o.span) for o in declared]


def references(
    analysis: Analysis,
    offset: int,
    include_declaration: bool = True,
    programs: Sequence[Program] = (),
) -> list[Location]:
    """Every occurrence of the thing named under `offset` across the files of the program, in file
    then source order. `programs` adds other programs that include this file (their roots may use
    its globals); a global counts there only when it resolves to the same declaration."""
    occurrence = occurrence_at(analysis, offset)
    if occurrence is None:
        return []
    found = occurrences_of(analysis.program, occurrence.target, programs)
    if not include_declaration:
        found = [o for o in found if o.role is not Role.DECLARATION]
    return [Location(o.file, o.span) for o in found]


def occurrences_of(program: Program, target: Target, programs: Sequence[Program] = ()) -> list[Occurrence]:
    """The occurrences of `target` in `program`, then (for globals) in `programs`, each file once."""
    index = program_occurrences(program)
    found = [o for member in method_family(program, target) for o in index.of(member)]
    if target.denotes is Denotes.GLOBAL and programs:
        home = definitions_of(program, target)
        for other in programs:
            if other is program or not _same_locations(home, definitions_of(other, target)):
                continue
            found.extend(program_occurrences(other).of(target))
    unique: dict[tuple[str, Span], Occurrence] = {}
    for occurrence in found:
        unique.setdefault((_file_key(occurrence.file), occurrence.span), occurrence)
    order = {_file_key(f): i for i, f in enumerate(program.files)}
    return sorted(unique.values(), key=lambda o: (order.get(_file_key(o.file), len(order)), o.span))


def document_highlights(analysis: Analysis, offset: int) -> list[Highlight]:
    """The occurrences in this file of the thing named under `offset`: declarations and bindings
    are writes, the rest reads."""
    occurrence = occurrence_at(analysis, offset)
    if occurrence is None:
        return []
    family = method_family(analysis.program, occurrence.target)
    return [
        Highlight(o.span, HighlightKind.READ if o.role is Role.READ else HighlightKind.WRITE)
        for o in program_occurrences(analysis.program).in_file(analysis.file)
        if o.target in family
    ]


def method_family(program: Program, target: Target) -> list[Target]:
    """`target` and, for a trait or impl method, the same-named method of the trait and of every
    `impl Trait for T` (L§3.9): an impl supplies the trait's method, so finding references from any
    of them finds all of them and the calls through them (as rename treats them as one)."""
    owner = target.owner
    if target.denotes is not Denotes.METHOD or not isinstance(owner, ast.TraitDecl | ast.ImplDecl):
        return [target]
    family = [target]
    for kind in (ast.TraitDecl, ast.ImplDecl):
        for _, decl in program.of_kind(kind):
            if (
                isinstance(decl, ast.TraitDecl | ast.ImplDecl)
                and decl is not owner
                and decl.name == owner.name
                and any(m.name == target.name for m in decl.methods)
            ):
                family.append(Target(Denotes.METHOD, target.name, decl))
    return family


def _file_key(file: SourceFile) -> str:
    return os.path.normpath(os.path.abspath(file.path)) if file.path else f"<{id(file)}>"


def _same_locations(left: list[Location], right: list[Location]) -> bool:
    return bool(left) and [(_file_key(x.file), x.span) for x in left] == [
        (_file_key(x.file), x.span) for x in right
    ]


# The declarations a value's type can name (L§3.4, §3.8, §3.9): where go to type definition lands.
TYPE_DECLARATIONS = (ast.StructDecl, ast.ProtocolDecl, ast.EnumDecl, ast.TypeDecl)


def type_definition(analysis: Analysis, offset: int) -> list[Location]:
    """Where the type of the value under `offset` is declared: a variable or parameter whose static
    type is a declared struct, protocol, enum or type (its annotation, the struct it is built from,
    the declared result of the flow that made it), or a type name itself. Empty when the type is a
    built-in one or not known statically."""
    types = Types(analysis.program)
    file = analysis.file
    static: StaticType | None = None
    for param in file.nodes.of(ast.Param):
        if not isinstance(param, ast.Param) or param.type is None:
            continue
        if param.name_span.start <= offset <= param.name_span.end:
            static = type_of_annotation(analysis.program, param.type)
    occurrence = occurrence_at(analysis, offset)
    spans = [Span(offset, offset)]
    if static is None and occurrence is not None and occurrence.target.denotes is Denotes.LOCAL:
        # a local's binding is not an expression: its type is that of a read of it
        index = program_occurrences(analysis.program)
        spans += [o.span for o in index.of(occurrence.target) if o.file is file]
    names = file.nodes.of(ast.Name)
    for where in spans if static is None else []:
        name = next((n for n in names if n.span.start <= where.start <= n.span.end), None)
        if isinstance(name, ast.Name):
            static = types.type_of(name, id(file))
            if not static.is_any:
                break
    if static is None or static.is_any:
        # a type name: its own declaration
        if occurrence is None or occurrence.target.denotes is not Denotes.GLOBAL:
            return []
        static = StaticType(occurrence.target.name)
    return _declared_types(analysis.program, static)


def _declared_types(program: Program, static: StaticType) -> list[Location]:
    """The declarations a static type names; `T?` and unions name each of their members."""
    if static.name in ("optional", "union"):
        return [found for argument in static.arguments for found in _declared_types(program, argument)]
    symbol = program.lookup(static.name)
    if symbol is None or not isinstance(symbol.node, TYPE_DECLARATIONS):
        return []
    return [Location(symbol.file, symbol.name_span)]
