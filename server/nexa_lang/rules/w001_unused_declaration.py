"""W001 unused-declaration: an agent, tool, `@tool fn` or protocol is never referenced.

Why: a declaration nothing uses is dead weight (or a sign that a reference is misspelt).
References count in any position outside the declaration itself: resolved names, `uses`/`tools`
items, `implements`, type names (also in the legacy `-> Name<Inner>`), route targets, `before_tool`
arguments and `Agent.member` accesses. An `@tool fn` is offered to every agent (S§5.1), so it is
used once any agent exists.
Not reported: standalone libraries (§2.1), names starting with `_`, programs with syntax errors.
Example: `protocol Summary {…}` that no agent implements. Fix (unsafe): remove the declaration.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span
from nexa_lang.rules.flow_calls import route_member_agent
from nexa_lang.rules.unresolved import in_program_suffix, tool_items

KINDS: dict[type[ast.Decl], str] = {
    ast.AgentDecl: "agent",
    ast.ToolDecl: "tool",
    ast.ToolFnDecl: "tool function",
    ast.ProtocolDecl: "protocol",
}

Use = tuple[SourceFile, Span]


@rule("W001", "unused-declaration")
def check(program: Program) -> Iterator[Diagnostic]:
    if not program.is_root or program.has_syntax_errors:
        return
    uses = _uses(program)
    has_agents = bool(program.agents())
    for file, decl in program.declarations():
        kind = KINDS.get(type(decl))
        if kind is None or not decl.name or decl.name.startswith("_"):
            continue
        if isinstance(decl, ast.ToolFnDecl) and has_agents:
            continue
        if program.lookup(decl.name) is not None and program.lookup(decl.name).node is not decl:
            continue  # a duplicate (E004): references go to the first one
        if not any(not (f is file and decl.span.contains(s)) for f, s in uses.get(decl.name, [])):
            yield _unused(program, file, decl, kind)


def _uses(program: Program) -> dict[str, list[Use]]:
    """Every place that names a global, by name."""
    found: dict[str, list[Use]] = {}
    agents = program.agents()
    for reference in program.scopes.references:
        if reference.symbol is not None:
            found.setdefault(reference.name, []).append((reference.file, reference.span))
        elif (owner := route_member_agent(reference, agents)) is not None:  # a route to `A.f` uses A
            found.setdefault(owner.name, []).append((reference.file, reference.span))
    for item in tool_items(program):
        found.setdefault(item.name, []).append((item.file, item.span))
    for file in program.files:
        for node in file.nodes.of(
            ast.AgentDecl, ast.NamedType, ast.GenericType, ast.LegacyGenericType, ast.TypeString
        ):
            for name, span in _named_by(node):
                found.setdefault(name, []).append((file, span))
    return found


def _named_by(node: ast.Node) -> Iterator[tuple[str, Span]]:
    """Names outside expressions: `implements`, type positions, and agent property values
    (`output_type: Report`, `memory = store`), which the scopes do not walk."""
    if isinstance(node, ast.AgentDecl):
        for protocol in node.implements:
            yield protocol.id, protocol.span
        for prop in node.properties:
            for inner in prop.value.walk():
                if isinstance(inner, ast.Name):
                    yield inner.id, inner.span
    elif isinstance(node, ast.NamedType | ast.GenericType):
        yield node.name, node.span
    elif isinstance(node, ast.TypeString):
        yield node.text, node.span
    elif isinstance(node, ast.LegacyGenericType):  # `-> Name<Inner>` (L§3.1.6) names both types
        yield node.name, node.span
        yield node.argument, node.span


def _unused(program: Program, file: SourceFile, decl: ast.Decl, kind: str) -> Diagnostic:
    return Diagnostic.warning(
        decl.name_span,
        f"{kind} '{decl.name}' is declared but never used" + in_program_suffix(program, file),
        path=file.path,
        fix=Fix.delete(_declaration_lines(file, decl.span), f"Remove the unused {kind}", Safety.UNSAFE),
    )


def _declaration_lines(file: SourceFile, span: Span) -> Span:
    """The declaration (its span starts at its decorators), the `//` comment lines directly above
    it, and one following blank line."""
    source = file.source
    start = source.rfind(b"\n", 0, span.start) + 1
    while start > 0:
        previous = source.rfind(b"\n", 0, start - 1) + 1
        if not source[previous:start].strip().startswith(b"//"):
            break
        start = previous
    end = source.find(b"\n", span.end)
    end = len(source) if end < 0 else end + 1
    following = source.find(b"\n", end)
    if following >= 0 and source[end:following].strip() == b"":
        end = following + 1
    return Span(start, end)
