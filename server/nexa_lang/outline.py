"""Document symbols (the outline of one file, as a tree) and workspace symbols (a query over many
files), from the AST.

`SymbolKind` names Nexa's kinds; the server maps them onto LSP's SymbolKind (a suggested mapping is
`LSP_SYMBOL_KIND`, by LSP's names, so that this module needs no LSP import).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum

from nexa_lang import ast
from nexa_lang.model import SourceFile, Workspace, pattern_bindings, top_level_bindings
from nexa_lang.positions import Span


class SymbolKind(str, Enum):
    AGENT = "agent"
    FLOW = "flow"
    TOOL = "tool"
    PROTOCOL = "protocol"
    TYPE = "type"
    STRUCT = "struct"
    ENUM = "enum"
    VARIANT = "variant"
    TRAIT = "trait"
    IMPL = "impl"
    JOB = "job"
    SERVER = "server"
    ROUTE = "route"
    ROUTE_GROUP = "route_group"
    TEST = "test"
    HANDLE = "handle"
    INCLUDE = "include"
    IMPORT = "import"
    PROPERTY = "property"
    FIELD = "field"
    METHOD = "method"
    PARAMETER = "parameter"
    VARIABLE = "variable"


# Suggested LSP SymbolKind names for each kind.
LSP_SYMBOL_KIND: dict[SymbolKind, str] = {
    SymbolKind.AGENT: "Class",
    SymbolKind.FLOW: "Function",
    SymbolKind.TOOL: "Function",
    SymbolKind.PROTOCOL: "Interface",
    SymbolKind.TYPE: "TypeParameter",
    SymbolKind.STRUCT: "Struct",
    SymbolKind.ENUM: "Enum",
    SymbolKind.VARIANT: "EnumMember",
    SymbolKind.TRAIT: "Interface",
    SymbolKind.IMPL: "Object",
    SymbolKind.JOB: "Event",
    SymbolKind.SERVER: "Module",
    SymbolKind.ROUTE: "Method",
    SymbolKind.ROUTE_GROUP: "Namespace",
    SymbolKind.TEST: "Method",
    SymbolKind.HANDLE: "Variable",
    SymbolKind.INCLUDE: "File",
    SymbolKind.IMPORT: "Module",
    SymbolKind.PROPERTY: "Property",
    SymbolKind.FIELD: "Field",
    SymbolKind.METHOD: "Method",
    SymbolKind.PARAMETER: "Variable",
    SymbolKind.VARIABLE: "Variable",
}


@dataclass(eq=False)
class DocumentSymbol:
    name: str
    kind: SymbolKind
    span: Span  # the whole declaration
    selection_span: Span  # its name, inside `span`
    detail: str = ""
    children: list[DocumentSymbol] = field(default_factory=list)

    def walk(self, container: str = "") -> Iterator[tuple[DocumentSymbol, str]]:
        """This symbol and its descendants, each with the name of its parent ("" at top)."""
        yield self, container
        for child in self.children:
            yield from child.walk(self.name)


def document_symbols(file: SourceFile) -> list[DocumentSymbol]:
    """The outline of `file`: its declarations with their members, and its top-level variables."""
    symbols: list[DocumentSymbol] = []
    seen_globals: set[str] = set()
    for item in file.module.items:
        if isinstance(item, ast.Decl):
            symbol = _declaration(file, item)
            if symbol is not None:
                symbols.append(symbol)
        elif isinstance(item, ast.Assign | ast.Let):
            for name, span in top_level_bindings(item):
                if name not in seen_globals:
                    seen_globals.add(name)
                    symbols.append(_symbol(name, SymbolKind.VARIABLE, item.span, span))
    return symbols


def _symbol(
    name: str,
    kind: SymbolKind,
    span: Span,
    selection: Span,
    detail: str = "",
    children: list[DocumentSymbol] | None = None,
) -> DocumentSymbol:
    if not span.contains(selection):
        selection = Span(span.start, span.start)
    if not name.strip():  # a name not typed yet (`flow (x) {`): LSP forbids an empty symbol name
        name = f"({kind.value.replace('_', ' ')} without a name)"
    return DocumentSymbol(name, kind, span, selection, detail, children or [])


def _declaration(file: SourceFile, decl: ast.Decl) -> DocumentSymbol | None:
    name, span, selection = decl.name, decl.span, decl.name_span
    if isinstance(decl, ast.AgentDecl):
        children = [
            _symbol(p.key, SymbolKind.PROPERTY, p.span, p.key_span, _short(file, p.value.span))
            for p in decl.properties
        ]
        children += [_function(file, f) for f in decl.functions]
        children += [_flow(file, f, SymbolKind.METHOD) for f in decl.flows]
        children += [
            _symbol(n, SymbolKind.PROPERTY, let.span, s)
            for let in decl.lets
            for n, s in pattern_bindings(let.pattern)
        ]
        children.sort(key=lambda s: s.span)
        detail = " ".join(
            part
            for part in (
                ("implements " + ", ".join(n.id for n in decl.implements)) if decl.implements else "",
                ("uses " + ", ".join(u.text for u in decl.uses)) if decl.uses else "",
            )
            if part
        )
        return _symbol(name, SymbolKind.AGENT, span, selection, detail, children)
    if isinstance(decl, ast.FlowDecl):
        return _flow(file, decl, SymbolKind.FLOW)
    if isinstance(decl, ast.ToolDecl):
        children = [
            _symbol(p.key, SymbolKind.PROPERTY, p.span, p.key_span, _short(file, p.value.span))
            for p in decl.properties
        ]
        return _symbol(name, SymbolKind.TOOL, span, selection, "tool", children)
    if isinstance(decl, ast.ToolFnDecl):
        return _symbol(
            name,
            SymbolKind.TOOL,
            span,
            selection,
            _signature(file, decl.params, decl.return_type),
            _parameters(decl),
        )
    if isinstance(decl, ast.ProtocolDecl):
        children = [
            _symbol(f.name, SymbolKind.FIELD, f.span, f.name_span, _short(file, f.type.span))
            for f in decl.fields
        ]
        return _symbol(name, SymbolKind.PROTOCOL, span, selection, "", children)
    if isinstance(decl, ast.StructDecl):
        return _symbol(name, SymbolKind.STRUCT, span, selection, "", _fields(file, decl.fields))
    if isinstance(decl, ast.EnumDecl):
        children = [
            _symbol(v.name, SymbolKind.VARIANT, v.span, v.name_span, "", _fields(file, v.fields))
            for v in decl.variants
        ]
        return _symbol(name, SymbolKind.ENUM, span, selection, "", children)
    if isinstance(decl, ast.TraitDecl):
        return _symbol(
            name, SymbolKind.TRAIT, span, selection, "", [_function(file, m) for m in decl.methods]
        )
    if isinstance(decl, ast.ImplDecl):
        label = f"impl {decl.name} for {decl.type_name}"
        return _symbol(
            label, SymbolKind.IMPL, span, selection, "", [_function(file, m) for m in decl.methods]
        )
    if isinstance(decl, ast.TypeDecl):
        detail = _short(file, decl.type.span) if decl.type is not None else ""
        return _symbol(name, SymbolKind.TYPE, span, selection, detail)
    if isinstance(decl, ast.JobDecl):
        detail = f"on {decl.queue}" if decl.queue else ""
        return _symbol(name, SymbolKind.JOB, span, selection, detail, _job_members(file, decl))
    if isinstance(decl, ast.ServerDecl):
        label = name or (f"server {decl.port}" if decl.port is not None else "server")
        selection = decl.name_span if name else Span(span.start, span.start + len(b"server"))
        return _symbol(label, SymbolKind.SERVER, span, selection, "", _routes(decl))
    if isinstance(decl, ast.TestDecl):
        return _symbol(name, SymbolKind.TEST, span, selection)
    if isinstance(decl, ast.HandleDecl):
        return _symbol(name, SymbolKind.HANDLE, span, selection, decl.kind)
    if isinstance(decl, ast.Include):
        return _symbol(name, SymbolKind.INCLUDE, span, selection) if name else None
    if isinstance(decl, ast.Import):
        label = decl.alias or decl.module
        selection = decl.alias_span or decl.module_span
        return _symbol(label, SymbolKind.IMPORT, span, selection, decl.module if decl.alias else "")
    return None


def _flow(file: SourceFile, flow: ast.FlowDecl, kind: SymbolKind) -> DocumentSymbol:
    detail = _signature(file, flow.params, flow.return_type)
    return _symbol(flow.name, kind, flow.span, flow.name_span, detail, _parameters(flow))


def _function(file: SourceFile, function: ast.FunctionDecl) -> DocumentSymbol:
    return _symbol(
        function.name,
        SymbolKind.METHOD,
        function.span,
        function.name_span,
        _signature(file, function.params, function.return_type),
        _parameters(function),
    )


def _parameters(decl: ast.FlowDecl | ast.FunctionDecl | ast.ToolFnDecl) -> list[DocumentSymbol]:
    return [_symbol(p.name, SymbolKind.PARAMETER, p.span, p.name_span) for p in decl.params]


def _job_members(file: SourceFile, job: ast.JobDecl) -> list[DocumentSymbol]:
    """A job's options (header and body) and its `perform` and `on_failure` (L§3.10), in source order."""
    members = [
        _symbol(o.key, SymbolKind.PROPERTY, o.span, o.key_span, _short(file, o.value.span))
        for o in (*job.options, *job.properties)
    ]
    handlers = (
        ("perform", job.perform_spans[:1], job.perform_params),
        ("on_failure", job.failure_spans[:1], job.failure_params),
    )
    for keyword, spans, params in handlers:
        for whole in spans:
            parameters = [_symbol(p.id, SymbolKind.PARAMETER, p.span, p.span) for p in params]
            selection = Span(whole.start, whole.start + len(keyword))
            label = f"({', '.join(p.id for p in params)})"
            members.append(_symbol(keyword, SymbolKind.METHOD, whole, selection, label, parameters))
    return sorted(members, key=lambda m: m.span.start)


def _fields(file: SourceFile, fields: list[ast.FieldDecl]) -> list[DocumentSymbol]:
    return [
        _symbol(f.name, SymbolKind.FIELD, f.span, f.name_span, _short(file, f.type.span) if f.type else "")
        for f in fields
    ]


def _routes(server: ast.ServerDecl | ast.RouteGroup) -> list[DocumentSymbol]:
    children = [
        _symbol(
            f"{route.method} {route.path.value}",
            SymbolKind.ROUTE,
            route.span,
            route.path.span,
            " ".join(stage.id for stage in route.stages),
        )
        for route in server.routes
    ]
    children += [
        _symbol(group.prefix.value, SymbolKind.ROUTE_GROUP, group.span, group.prefix.span, "", _routes(group))
        for group in server.groups
    ]
    return sorted(children, key=lambda s: s.span)


def _signature(file: SourceFile, params: list[ast.Param], returns: ast.Node | None = None) -> str:
    """`(a: int, b)`, with ` -> T` when a return type is written."""
    written = "(" + ", ".join(_short(file, p.span) for p in params) + ")"
    if returns is not None and returns.span.end > returns.span.start:
        written += " -> " + _short(file, returns.span)
    return written


def _short(file: SourceFile, span: Span, limit: int = 60) -> str:
    text = " ".join(file.text_of(span).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------- workspace symbols


@dataclass(frozen=True)
class WorkspaceSymbol:
    name: str
    kind: SymbolKind
    file: SourceFile
    span: Span  # the name
    container: str = ""


def workspace_symbols(
    workspace: Workspace, paths: Iterable[str], query: str, limit: int = 500
) -> list[WorkspaceSymbol]:
    """Declarations and members of the files at `paths` whose name matches `query` (its characters
    in order, ignoring case; an empty query matches all), best matches first. Parameters are left
    out. Files that cannot be read are skipped."""
    scored: list[tuple[tuple[int, int, str], WorkspaceSymbol]] = []
    seen: set[str] = set()
    for path in paths:
        key = Workspace.key(path)
        if key in seen:
            continue
        seen.add(key)
        file = workspace.file(path)
        if file is None:
            continue
        for top in document_symbols(file):
            for symbol, container in top.walk():
                if symbol.kind is SymbolKind.PARAMETER:
                    continue
                score = match_score(query, symbol.name)
                if score is not None:
                    found = WorkspaceSymbol(symbol.name, symbol.kind, file, symbol.selection_span, container)
                    scored.append(((score, len(symbol.name), symbol.name), found))
    scored.sort(key=lambda pair: pair[0])
    return [symbol for _, symbol in scored[:limit]]


def match_score(query: str, name: str) -> int | None:
    """None when `query` is not a case-insensitive subsequence of `name`; else lower is better:
    0 exact, 1 prefix, 2 substring, 3 subsequence."""
    if not query:
        return 3
    wanted, text = query.lower(), name.lower()
    if wanted == text:
        return 0
    if text.startswith(wanted):
        return 1
    if wanted in text:
        return 2
    position = 0
    for char in wanted:
        position = text.find(char, position) + 1
        if position == 0:
            return None
    return 3
