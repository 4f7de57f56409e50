"""E004 duplicate-declaration: a name, key, parameter or field declared twice in one scope.

Why: only the first declaration is used (L§6.1), so edits to the second silently do nothing.
Covers global declarations of any kind, `impl T for S` pairs and test names across the program;
inside one declaration: agent property keys (any spelling), member functions, parameters, protocol
and struct fields, enum variants, trait and impl methods, a tool's `parameters` keys, a second
`perform`/`on_failure`, `output_type` next to `-> T`; and an item of one agent's tool set exposing
a different function under a name already offered, or adding nothing (S§5.1).
Example: `agent Scout {…}` twice. Fixes (unsafe): rename the second one; remove a duplicate member.
"""

import os
from collections.abc import Iterator
from typing import NamedTuple

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Related, Safety, rule
from nexa_lang.model import DECLARATION_KINDS, Program, SourceFile
from nexa_lang.positions import Span
from nexa_lang.prelude import STD_NAMESPACES, is_prelude_name
from nexa_lang.rules.removal import removal_span
from nexa_lang.signatures import std_builtin


class Occurrence(NamedTuple):  # a tuple: made for every declaration, member and parameter
    name: str
    span: Span  # the name (for properties: the key)
    file: SourceFile
    member: Span | None = None  # the whole member, when "Remove the duplicate" applies
    quoted: bool = False  # a test name: the span includes the quotes
    renamable: bool = True  # not for property keys and job sections: a new key means nothing


@rule("E004", "duplicate-declaration")
def check(program: Program) -> Iterator[Diagnostic]:
    for group in _groups(program):
        first: dict[str, Occurrence] = {}
        for occurrence in group:
            if occurrence.name in first:
                yield _duplicate(first[occurrence.name], occurrence)
            else:
                first[occurrence.name] = occurrence
    for file, decl in program.of_kind(ast.AgentDecl):
        assert isinstance(decl, ast.AgentDecl)
        yield from _tool_set_clashes(program, file, decl)


def _duplicate(first: Occurrence, again: Occurrence) -> Diagnostic:
    line = first.file.line_of(first.span.start) + 1
    where = "" if first.file is again.file else f" in {os.path.basename(first.file.path or '')}"
    renamed = f"{again.name}2"
    fixes = []
    if again.renamable:
        text = f'"{renamed}"' if again.quoted else renamed
        fixes.append(Fix.replace(again.span, text, f"Rename to '{renamed}'", Safety.UNSAFE))
    if again.member is not None:
        fixes.append(
            Fix.delete(removal_span(again.file, again.member), "Remove the duplicate", Safety.UNSAFE)
        )
    return Diagnostic.error(
        again.span,
        f"duplicate declaration of '{again.name}'; first declared at line {line}{where}",
        path=again.file.path,
        related=[Related(first.span, "first declared here", first.file.path)],
        fixes=fixes,
    )


def _groups(program: Program) -> Iterator[list[Occurrence]]:
    """Each scope in which names must be unique, with its occurrences in source order."""
    yield list(_globals(program))
    yield [
        Occurrence(d.name, d.name_span, f, quoted=True) for f, d in program.of_kind(ast.TestDecl) if d.name
    ]
    yield [
        Occurrence(f"impl {d.name} for {d.type_name}", d.name_span, f)
        for f, d in program.of_kind(ast.ImplDecl)
        if isinstance(d, ast.ImplDecl) and d.name
    ]
    for file, decl in program.declarations():
        yield from _members(file, decl)
    for file in program.files:
        for node in file.nodes.of(ast.Lambda, ast.FunctionDecl, ast.FlowDecl, ast.ToolFnDecl):
            if isinstance(node, ast.Lambda | ast.FunctionDecl | ast.FlowDecl | ast.ToolFnDecl):
                params = node.params
                if len(params) > 1:  # fewer cannot repeat a name (most functions and lambdas)
                    yield _params(file, params)


def _globals(program: Program) -> Iterator[Occurrence]:
    for file, decl in program.declarations():
        if decl.name and type(decl) in DECLARATION_KINDS and not isinstance(decl, ast.Import):
            yield Occurrence(decl.name, decl.name_span, file)


def _params(file: SourceFile, params: list[ast.Param]) -> list[Occurrence]:
    return [Occurrence(p.name, p.name_span, file, p.span) for p in params if p.name]


def _members(file: SourceFile, decl: ast.Decl) -> Iterator[list[Occurrence]]:
    if isinstance(decl, ast.AgentDecl):
        yield _agent_keys(file, decl)
        functions: list[ast.FunctionDecl | ast.FlowDecl] = [*decl.functions, *decl.flows]
        functions.sort(key=lambda f: f.span.start)
        yield [Occurrence(f.name, f.name_span, file, f.span) for f in functions if f.name]
    elif isinstance(decl, ast.ProtocolDecl):
        yield [Occurrence(f.name, f.name_span, file, f.span) for f in decl.fields]
    elif isinstance(decl, ast.StructDecl):
        yield [Occurrence(f.name, f.name_span, file, f.span) for f in decl.fields]
    elif isinstance(decl, ast.EnumDecl):
        yield [Occurrence(v.name, v.name_span, file, v.span) for v in decl.variants]
        for variant in decl.variants:
            yield [Occurrence(f.name, f.name_span, file, f.span) for f in variant.fields]
    elif isinstance(decl, ast.TraitDecl | ast.ImplDecl):
        yield [Occurrence(m.name, m.name_span, file, m.span) for m in decl.methods if m.name]
    elif isinstance(decl, ast.ToolDecl):
        yield [Occurrence(p.key, p.key_span, file, p.span, renamable=False) for p in decl.properties]
        parameters = decl.property("parameters")
        if parameters is not None and isinstance(parameters.value, ast.DictLit):
            yield [Occurrence(e.key, e.key_span, file, e.span) for e in parameters.value.entries]
    elif isinstance(decl, ast.JobDecl):
        yield [
            Occurrence("perform", Span(s.start, s.start + len("perform")), file, s, renamable=False)
            for s in decl.perform_spans
        ]
        yield [
            Occurrence("on_failure", Span(s.start, s.start + len("on_failure")), file, s, renamable=False)
            for s in decl.failure_spans
        ]
        for names in (decl.perform_params, decl.failure_params):  # handler parameters, like a flow's
            yield [Occurrence(n.id, n.span, file, n.span) for n in names]


def _agent_keys(file: SourceFile, agent: ast.AgentDecl) -> list[Occurrence]:
    """Property keys in either spelling; a `-> T` header counts as a first `output_type`."""
    keys = [Occurrence(p.key, p.key_span, file, p.span, renamable=False) for p in agent.properties]
    if agent.return_type is not None:
        keys.insert(0, Occurrence("output_type", agent.return_type.span, file, renamable=False))
    return keys


# ---- case 3: two items of one tool set exposing the same tool name


def _tool_set_clashes(program: Program, file: SourceFile, agent: ast.AgentDecl) -> Iterator[Diagnostic]:
    """An item is reported when a name it exposes is already offered as a different function (the
    VM would silently keep the first, S§5.1), or when everything it exposes is already offered (the
    item adds nothing). The same function offered through two items that each bring others is fine:
    `uses std.db.sqlite, std.concurrent` both offer the one built-in `close` (S§1.6, S§2.11)."""
    offered: dict[str, tuple[str, str]] = {}  # exposed name -> (function, the item that offers it)
    for text, span, exposed in _tool_set_items(program, agent):
        clash = next((n for n, f in exposed.items() if n in offered and offered[n][0] != f), None)
        if clash is None and exposed and all(n in offered for n in exposed):
            clash = next(iter(exposed))
        if clash is not None:
            message = f"tool name '{clash}' is already offered to '{agent.name}' by '{offered[clash][1]}'"
            yield Diagnostic.error(span, message, path=file.path)
        for name, function in exposed.items():
            offered.setdefault(name, (function, text))


def _tool_set_items(program: Program, agent: ast.AgentDecl) -> list[tuple[str, Span, dict[str, str]]]:
    """Explicit items in source order, each with the tool names it exposes and the function behind
    each name (skill files and MCP servers are only known at run time)."""
    items: list[tuple[str, Span, dict[str, str]]] = []
    for item in agent.uses:
        if item.kind == "name":
            items.append((item.text, item.span, _exposed(program, item.text)))
    for prop in agent.properties:
        if prop.key == "tools" and isinstance(prop.value, ast.ListLit):
            for element in prop.value.elements:
                if isinstance(element, ast.Name):
                    items.append((element.id, element.span, _exposed(program, element.id)))
    items.sort(key=lambda item: item[1].start)
    return items


def _exposed(program: Program, text: str) -> dict[str, str]:
    """Exposed name -> the function offered under it: a built-in by its prelude name, a std
    function of its own as `std.ns.f`, a declaration of the program as `declared X`."""
    if not text.startswith("std."):
        declared = program.lookup(text) is not None or not is_prelude_name(text)
        return {text: f"declared {text}" if declared else text}
    path = text[len("std.") :]
    if path in STD_NAMESPACES:
        return {f: std_builtin(path, f) or f"std.{path}.{f}" for f in STD_NAMESPACES[path]}
    namespace, _, function = path.rpartition(".")
    if namespace not in STD_NAMESPACES:
        return {}
    return {function: std_builtin(namespace, function) or f"std.{namespace}.{function}"}
