"""Shared facts for the rules about names that resolve to nothing (E001, W005, E006, E007).

Why one place: diagnostics.md §2.1 and D45 make the same finding an error (E001, E006, E007) in a
program root and a warning (W005) where the name may legitimately be bound elsewhere: in a library
checked standalone, in an open program (a missing include), or in a body with a `python!` block.
Every rule that reports an unresolved name asks `leniency` which of the two it is, so the codes can
never disagree about the same name. Not a rule itself: it registers nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

from nexa_lang import ast
from nexa_lang.diagnostics import Fix, Safety
from nexa_lang.model import Program, SourceFile, Symbol, pattern_bindings
from nexa_lang.positions import Span
from nexa_lang.prelude import PRELUDE_NAMES
from nexa_lang.scopes import Activation, Reference
from nexa_lang.suggestions import closest_name


def leniency(program: Program, activation: Activation | None = None) -> str | None:
    """The W005 reason when an unresolved name here may be bound elsewhere, else None (E001)."""
    if not program.is_root:
        return "this library may be included by a program that defines it"
    if program.missing_includes:
        _, include = program.missing_includes[0]
        return f"it may come from the missing include '{include.name}'"
    block = python_block(activation)
    if block is not None:
        file, node = block
        return f"it may be bound by the python! block at line {file.line_of(node.span.start) + 1}"
    return None


def python_block(activation: Activation | None) -> tuple[SourceFile, ast.PythonBlock] | None:
    """The first `python!` block of the activation or of an enclosing one (a lambda sees its
    creator's locals, which the Python code may bind)."""
    while activation is not None:
        if activation.is_open:
            for node in _walk_body(activation.node):
                if isinstance(node, ast.PythonBlock):
                    return activation.file, node
        activation = activation.parent
    return None


def _walk_body(node: ast.Node) -> Iterator[ast.Node]:
    """Nodes of one activation's body, not descending into lambdas (they are activations)."""
    stack = list(reversed(list(node.children())))
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Lambda):
            continue
        yield current
        stack.extend(reversed(list(current.children())))


def visible_names(program: Program, reference: Reference) -> list[str]:
    """Names a reference could have meant, in source order: locals (innermost first), globals in
    merge order, then prelude names (§1.5 breaks ties by this order)."""
    names: list[str] = []
    activation: Activation | None = reference.activation
    agent: ast.AgentDecl | None = None
    while activation is not None:
        names.extend(activation.locals)
        agent = agent or activation.agent
        activation = activation.parent
    if agent is not None:  # a member body also sees the agent's members unqualified (L§6.2)
        names.extend(_member_names(agent))
    names.extend(program.symbols)
    names.extend(sorted(PRELUDE_NAMES))
    return list(dict.fromkeys(names))


def _member_names(agent: ast.AgentDecl) -> list[str]:
    """The agent's members (functions, flows, `let` names, properties) in source order."""
    found: list[tuple[int, str]] = [(f.span.start, f.name) for f in (*agent.functions, *agent.flows)]
    found += [(p.span.start, p.key) for p in agent.properties]
    for let in agent.lets:
        found += [(span.start, name) for name, span in pattern_bindings(let.pattern)]
    return [name for _, name in sorted(found)]


def did_you_mean(name: str, candidates: list[str]) -> tuple[str, str | None]:
    """The message suffix and the candidate, when one is close enough (§1.5)."""
    candidate = closest_name(name, candidates)
    return (f"; did you mean '{candidate}'?" if candidate else ""), candidate


def change_to(span: Span, candidate: str | None) -> list[Fix]:
    if candidate is None:
        return []
    return [Fix.replace(span, candidate, f"Change to '{candidate}'", Safety.UNSAFE)]


def in_program_suffix(program: Program, file: SourceFile) -> str:
    """`(in program '{root}')` for a finding in a library checked as part of a root (§2.1)."""
    if file is program.root or program.root.path is None:
        return ""
    return f" (in program '{os.path.basename(program.root.path)}')"


def insertion_before_first_flow(file: SourceFile) -> tuple[int, str]:
    """Where a declaration fix inserts: before the file's first flow, else at the end (with a
    line break first when the file does not end with one)."""
    for decl in file.module.declarations:
        if isinstance(decl, ast.FlowDecl):
            return decl.span.start, ""
    end = len(file.source)
    return end, ("" if not file.source or file.source.endswith(b"\n") else "\n")


def kind_word(symbol: Symbol) -> str:
    """How messages name a symbol's kind (`'X' is a flow, not a tool`)."""
    if symbol.kind == "global":
        return "variable"
    if symbol.kind == "tool_fn":
        return "tool function"
    if symbol.kind == "import":
        return "module alias"
    if isinstance(symbol.node, ast.HandleDecl) and symbol.node.kind:
        return f"{symbol.node.kind} handle"
    return symbol.kind


@dataclass(frozen=True)
class ToolItem:
    """An identifier in a tool position: a `uses` item, a `tools` list item, or the argument of
    `before_tool`/`after_tool` (diagnostics.md §2.2, E007)."""

    name: str
    span: Span
    file: SourceFile
    agent: ast.AgentDecl | None


def tool_items(program: Program) -> Iterator[ToolItem]:
    for file, decl in program.declarations():
        if isinstance(decl, ast.AgentDecl):
            yield from _agent_tool_items(file, decl)
    for file, node in program.nodes.of(ast.Hook):
        if isinstance(node, ast.Hook) and node.event in ("before_tool", "after_tool"):
            if node.name and node.name_span:
                yield ToolItem(node.name, node.name_span, file, None)


def _agent_tool_items(file: SourceFile, agent: ast.AgentDecl) -> Iterator[ToolItem]:
    for item in all_use_items(agent):
        # an empty name is a MISSING identifier (`uses {`): the E008 reports it (§2.6)
        if item.kind == "name" and item.text and item.text != "std" and not item.text.startswith("std."):
            yield ToolItem(item.text, item.span, file, agent)


def all_use_items(agent: ast.AgentDecl) -> list[ast.UseItem]:
    """Every item of the agent's tool set (L§3.1.3: all sources are concatenated): the `uses`
    clause and member, then the `uses:`/`uses =` and `tools:`/`tools =` property values."""
    items = list(agent.uses)
    for prop in agent.properties:
        if prop.key in ("uses", "tools"):
            values = prop.value.elements if isinstance(prop.value, ast.ListLit) else [prop.value]
            items.extend(item for value in values if (item := _use_item(value)) is not None)
    return items


def _use_item(value: ast.Expr) -> ast.UseItem | None:
    """A name (`query`, `std.fs.file_read`) or a plain string in a `uses`/`tools` property value."""
    if isinstance(value, ast.StringLit):
        return ast.UseItem(kind="string", text=value.value, span=value.span)  # data: never interpolated
    parts: list[str] = []
    node: ast.Expr = value
    while isinstance(node, ast.Member):
        parts.append(node.name)
        node = node.object
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ast.UseItem(kind="name", text=".".join(reversed(parts)), span=value.span)


TOOL_KINDS = ("tool", "tool_fn")


def names_of_kind(program: Program, *kinds: str) -> list[str]:
    """Global names of the given symbol kinds, in merge order (suggestion candidates)."""
    return [name for name, symbols in program.symbols.items() if symbols[0].kind in kinds]


def agent_start(agent: ast.AgentDecl) -> int:
    """Where a declaration inserted before an agent goes: before its decorators, if any."""
    return min([agent.span.start, *(d.span.start for d in agent.decorators)])
