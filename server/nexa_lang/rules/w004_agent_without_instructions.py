"""W004 agent-without-instructions: an agent with no `prompt` and no `description` text.

Why: the model gets no task (L D12: the description stands in for a missing prompt; a `role` alone
is only a persona), so its replies are unguided.
Example: `agent Router { role: "Intent router" }`.
Fix: (unsafe) insert `prompt: "",` as the first member.
"""

from __future__ import annotations

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program, SourceFile

INSTRUCTION_KEYS = ("prompt", "description")


@rule("W004", "agent-without-instructions")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, decl in program.of_kind(ast.AgentDecl):
        assert isinstance(decl, ast.AgentDecl)
        given = [p for p in decl.properties if p.key in INSTRUCTION_KEYS]
        if any(_has_text(p.value) for p in given):
            continue
        # a blank `prompt` is "an empty prompt" (a second one would be E004: no fix, the text must be
        # written in place); a blank `description` alone leaves the agent with no instructions
        if any(p.key == "prompt" for p in given):
            yield Diagnostic.warning(
                decl.name_span, f"agent '{decl.name}' has an empty prompt", path=file.path
            )
        else:
            message = f"agent '{decl.name}' has no instructions; add a 'prompt'"
            yield Diagnostic.warning(decl.name_span, message, path=file.path, fix=_insert_prompt(file, decl))


def _has_text(value: ast.Expr) -> bool:
    """A literal with a non-blank character; any other value (E010's business) counts as given."""
    if isinstance(value, ast.StringLit):
        return bool(value.value.strip())
    return not isinstance(value, ast.Missing)


def _insert_prompt(file: SourceFile, agent: ast.AgentDecl) -> Fix | None:
    if agent.body_span == ast.NO_SPAN:
        return None
    brace = agent.body_span.start + 1
    members = sorted(
        [*agent.properties, *agent.functions, *agent.flows, *agent.lets], key=lambda m: m.span.start
    )
    title = "Add a 'prompt'"
    if not members:
        return Fix.insert(brace, ' prompt: "" ', title, Safety.UNSAFE)
    first = members[0].span.start
    if file.line_of(first) == file.line_of(agent.body_span.start):
        return Fix.insert(first, 'prompt: "", ', title, Safety.UNSAFE)
    line_start = file.lines.line_start(file.line_of(first))
    indent = file.source[line_start:first].decode("utf-8", "replace")
    return Fix.insert(first, f'prompt: "",\n{indent}', title, Safety.UNSAFE)
