"""Code actions: the fixes the rules attach to their diagnostics, as editor actions, plus the
declaration a W005 finding lacks.

The rules already offer most quick fixes (diagnostics.md): E001/E006/E007 "change to the closest
name" and "declare the missing agent/flow/protocol/tool", W001 "remove the unused declaration",
E005/E010/W003/W007 repairs. `fix_actions` turns them into actions one for one. W005 (the same
unresolved name, where it may be bound elsewhere) carries only the rename, so `code_actions` adds
the declaration there, shaped by where the name stands: a protocol after `implements`, a tool in a
tool position, an agent for a runnable or a capitalised call, a flow for a lower-case call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nexa_lang import ast
from nexa_lang.analysis import Analysis
from nexa_lang.checker import check_program
from nexa_lang.diagnostics import Diagnostic, Edit, Fix, Safety
from nexa_lang.positions import Span
from nexa_lang.rules.unresolved import ToolItem, agent_start, insertion_before_first_flow, tool_items
from nexa_lang.scopes import Position, Reference

QUICK_FIX = "quickfix"


@dataclass(frozen=True)
class CodeAction:
    title: str
    edits: tuple[Edit, ...]  # byte edits of the file `path`
    diagnostics: tuple[Diagnostic, ...] = ()
    kind: str = QUICK_FIX
    is_preferred: bool = False
    path: str | None = None
    is_safe: bool = True


def fix_actions(diagnostics: Iterable[Diagnostic]) -> list[CodeAction]:
    """One action per fix of each diagnostic; a diagnostic's only safe fix is the preferred one."""
    actions = []
    for diagnostic in diagnostics:
        safe = [f for f in diagnostic.fixes if f.safety is Safety.SAFE]
        for fix in diagnostic.fixes:
            actions.append(_action(fix, diagnostic, preferred=len(safe) == 1 and fix is safe[0]))
    return actions


def _action(fix: Fix, diagnostic: Diagnostic, preferred: bool = False) -> CodeAction:
    return CodeAction(
        fix.title, fix.edits, (diagnostic,), QUICK_FIX, preferred, diagnostic.path, fix.safety is Safety.SAFE
    )


def code_actions(
    analysis: Analysis, span: Span, diagnostics: Iterable[Diagnostic] | None = None
) -> list[CodeAction]:
    """The actions for the range `span` of the analysed file: fixes of the diagnostics overlapping
    it (the program is checked when `diagnostics` is not given), then the added declarations."""
    if diagnostics is None:
        diagnostics = check_program(analysis.program)
    path = analysis.file.path
    relevant = [
        d
        for d in diagnostics
        if (d.path is None or d.path == path) and d.span.start <= span.end and span.start <= d.span.end
    ]
    actions = fix_actions(relevant)
    declarables = _Declarables(analysis) if any(d.code == "W005" for d in relevant) else None
    for diagnostic in relevant:
        if diagnostic.code == "W005":
            declared = declare_missing(analysis, diagnostic, declarables)
            if declared is not None:
                actions.append(_action(declared, diagnostic))
    return _unique(actions)


def _unique(actions: list[CodeAction]) -> list[CodeAction]:
    seen: set[tuple[str, tuple[Edit, ...]]] = set()
    kept = []
    for action in actions:
        key = (action.title, action.edits)
        if key not in seen:
            seen.add(key)
            kept.append(action)
    return kept


class _Declarables:
    """What `declare_missing` looks a W005 span up in, indexed once per request: the `implements`
    items, the tool items and the references of the file, by span (a file with thousands of
    findings must not scan them all for each one)."""

    def __init__(self, analysis: Analysis) -> None:
        file = analysis.file
        self.implements: dict[Span, ast.AgentDecl] = {}
        for decl in file.module.declarations:
            if isinstance(decl, ast.AgentDecl):
                for item in decl.implements:
                    self.implements.setdefault(item.span, decl)
        self.tools: dict[Span, ToolItem] = {}
        for tool in tool_items(analysis.program):
            if tool.file is file:
                self.tools.setdefault(tool.span, tool)
        self.references: dict[Span, Reference] = {}
        for reference in analysis.references:
            self.references.setdefault(reference.span, reference)


def declare_missing(
    analysis: Analysis, diagnostic: Diagnostic, declarables: _Declarables | None = None
) -> Fix | None:
    """The declaration of the name a W005 finding is about (None for a plain variable)."""
    file = analysis.file
    found = declarables or _Declarables(analysis)
    name = file.text_of(diagnostic.span)
    agent = found.implements.get(diagnostic.span)
    if agent is not None:
        text = f'protocol {name} {{\n    summary: "string"\n}}\n\n'
        return Fix.insert(agent_start(agent), text, f"Declare protocol '{name}'", Safety.UNSAFE)
    item = found.tools.get(diagnostic.span)
    if item is not None:
        offset = agent_start(item.agent) if item.agent is not None else insertion_before_first_flow(file)[0]
        text = f'tool {name} {{\n    description: "",\n    parameters: {{}}\n}}\n\n'
        return Fix.insert(offset, text, f"Declare tool '{name}'", Safety.UNSAFE)
    reference = found.references.get(diagnostic.span)
    if reference is None or reference.position is Position.VARIABLE:
        return None
    offset, prefix = insertion_before_first_flow(file)
    if reference.position is Position.CALL and not name[:1].isupper():
        return Fix.insert(
            offset, f"{prefix}flow {name}() {{\n}}\n\n", f"Declare flow '{name}'", Safety.UNSAFE
        )
    text = f'{prefix}agent {name} {{\n    prompt: ""\n}}\n\n'
    return Fix.insert(offset, text, f"Declare agent '{name}'", Safety.UNSAFE)
