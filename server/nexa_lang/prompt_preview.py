"""What an agent call will send: the system prompt (L§7.3.1) and the user message (L§7.3.2), as far
as they are known before the program runs.

`agent_calls` finds the agent calls of a file (`A.run(x)`, `A.run_result(x)`, `A(x)`, `x >> A`,
`x |> A`, `x |>> [A, B]`, `x || [A, B]`); `system_prompt` assembles an agent's system prompt the way the
VM does; `prompt_preview` answers the editor's "preview prompt" at a cursor. An input that is not a
literal is shown as a placeholder and makes the token estimate a lower bound.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from nexa_lang import ast
from nexa_lang.analysis import Analysis
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span
from nexa_lang.scopes import Resolution
from nexa_lang.token_estimates import ContextShare, context_window, estimate_tokens
from nexa_lang.types import protocol_fields

RUN_MEMBERS = ("run", "run_result")
_FEED_OPERATORS = (">>", "|>", "|>>", "||")


@dataclass(frozen=True)
class AgentCall:
    agent: ast.AgentDecl
    span: Span  # the whole call expression
    name_span: Span  # the agent's name at the call
    inputs: tuple[ast.Expr, ...]  # the arguments (or the left operand of a DAG operator)
    is_stage: bool = False  # a DAG stage (`x >> A`), not a call


@dataclass(frozen=True)
class Message:
    role: str  # system | user
    content: str
    images: int = 0


@dataclass(frozen=True)
class PromptPreview:
    agent: str
    model: str | None
    messages: list[Message] = field(default_factory=list)
    exact: bool = True  # every input was a literal

    @property
    def system(self) -> str:
        return next((m.content for m in self.messages if m.role == "system"), "")

    @property
    def share(self) -> ContextShare:
        tokens = sum(estimate_tokens(m.content, m.images) for m in self.messages)
        window = context_window(self.model) if self.model else None
        return ContextShare(tokens, window, self.model, self.exact)

    def markdown(self) -> str:
        lines = [
            f"**Prompt of `{self.agent}`** · model `{self.model or 'default'}` · {self.share.label()}",
            "",
        ]
        for message in self.messages:
            lines.append(f"_{message.role}_")
            lines.append("```text")
            lines.append(message.content + ("\n<image>" * message.images))
            lines.append("```")
        return "\n".join(lines)


# ------------------------------------------------------------------------------ the system prompt


def string_property(agent: ast.AgentDecl, key: str) -> str | None:
    prop = agent.property(key)
    if prop is not None and isinstance(prop.value, ast.StringLit):
        return prop.value.value
    if prop is not None and isinstance(prop.value, ast.TemplateLit):
        return prop.value.text
    return None


def primary_model(agent: ast.AgentDecl) -> str | None:
    """The first model string of `model` (a string or a list), None when not a literal or absent."""
    prop = agent.property("model")
    if prop is None:
        return None
    value = prop.value
    if isinstance(value, ast.ListLit) and value.elements:
        value = value.elements[0]
    return value.value if isinstance(value, ast.StringLit) else None


def system_prompt(program: Program, agent: ast.AgentDecl, file: SourceFile | None = None) -> str:
    """The system prompt of L§7.3.1: role line + prompt (or description), the protocol paragraph,
    then the experience file's text (read relative to the declaring file when it exists)."""
    text = string_property(agent, "prompt")
    if text is None:
        text = string_property(agent, "description") or ""
    role = string_property(agent, "role")
    if role:
        text = f"Role: {role}. {text}"
    text = text.strip()
    for protocol in agent.implements:
        fields = protocol_fields(program, protocol.id)
        if fields:
            listed = ", ".join(f"{name} ({kind})" for name, kind in fields.items())
            text += (
                "\n\nAnswer with one JSON object that contains exactly these fields, and nothing else: "
                f"{listed}."
            )
    experience = string_property(agent, "experience")
    if experience:
        content = _read_experience(experience, file)
        if content is not None:
            text += f"\n\n[Experience]\n{content}"
    return text


def _read_experience(path: str, file: SourceFile | None) -> str | None:
    bases = [os.path.dirname(file.path)] if file is not None and file.path else []
    bases.append(os.getcwd())
    for base in bases:
        candidate = os.path.join(base, path)
        try:
            with open(candidate, encoding="utf-8") as handle:
                return handle.read()
        except (OSError, UnicodeDecodeError):
            continue
    return None


# ------------------------------------------------------------------------------ the calls


def agent_of(analysis: Analysis, name: ast.Expr) -> ast.AgentDecl | None:
    """The agent a name at a call refers to (a global agent, not a shadowing local)."""
    if not isinstance(name, ast.Name):
        return None
    reference = analysis.reference_at(name.span.start)
    if (
        reference is not None
        and reference.span == name.span
        and reference.resolution is not Resolution.GLOBAL
    ):
        return None
    symbol = analysis.program.lookup(name.id)
    return symbol.node if symbol is not None and isinstance(symbol.node, ast.AgentDecl) else None


def agent_calls(analysis: Analysis) -> Iterator[AgentCall]:
    """Every agent call of the analysed file, in source order."""
    for node in analysis.file.module.walk():
        yield from _calls_of(analysis, node)


def agent_call_at(analysis: Analysis, offset: int) -> AgentCall | None:
    """The agent call whose agent's name holds `offset` (only the nodes around it are read)."""
    for node in reversed(analysis.nodes_at(offset)):
        for call in _calls_of(analysis, node):
            if call.name_span.start <= offset <= call.name_span.end:
                return call
    return None


def _calls_of(analysis: Analysis, node: ast.Node) -> Iterator[AgentCall]:
    """The agent calls `node` itself makes: one for a call, one per agent stage of a DAG operator."""
    if isinstance(node, ast.Call):
        function = node.function
        inputs = tuple(a.value for a in node.arguments)
        if isinstance(function, ast.Member) and function.name in RUN_MEMBERS:
            agent = agent_of(analysis, function.object)
            if agent is not None:
                yield AgentCall(agent, node.span, function.object.span, inputs)
        elif isinstance(function, ast.Name):
            agent = agent_of(analysis, function)
            if agent is not None:
                yield AgentCall(agent, node.span, function.span, inputs)
    elif isinstance(node, ast.Dag) and node.op in _FEED_OPERATORS:
        targets = node.right.elements if isinstance(node.right, ast.ListLit) else [node.right]
        for target in targets:
            agent = agent_of(analysis, target)
            if agent is not None:
                yield AgentCall(agent, node.span, target.span, (node.left,), is_stage=True)


def user_message(inputs: tuple[ast.Expr, ...]) -> tuple[str, int, bool]:
    """The user message of a run (L§7.3.2 step 1): the inputs' text forms joined by one space.
    Returns (text, images, exact); a non-literal input shows as `‹input›`."""
    parts: list[str] = []
    images = 0
    exact = True
    for expr in inputs:
        text = literal_text(expr)
        if text is not None:
            parts.append(text)
        elif _is_img_call(expr):
            images += 1
        else:
            parts.append("‹input›")
            exact = False
    return " ".join(parts), images, exact


def literal_text(expr: ast.Expr) -> str | None:
    """The text form (L§7.1.3) of a literal, None for anything else."""
    if isinstance(expr, ast.StringLit):
        return None if expr.interpolations else expr.value
    if isinstance(expr, ast.Number):
        return expr.text or str(expr.value)
    if isinstance(expr, ast.Bool):
        return "true" if expr.value else "false"
    if isinstance(expr, ast.NoneLit):
        return "none"
    return None


def _is_img_call(expr: ast.Expr) -> bool:
    return isinstance(expr, ast.Call) and isinstance(expr.function, ast.Name) and expr.function.id == "img"


def preview_call(analysis: Analysis, call: AgentCall) -> PromptPreview:
    file = _declaring_file(analysis.program, call.agent)
    system = system_prompt(analysis.program, call.agent, file)
    text, images, exact = user_message(call.inputs)
    messages = [Message("system", system)] if system else []
    messages.append(Message("user", text, images))
    return PromptPreview(call.agent.name, primary_model(call.agent), messages, exact)


def preview_agent(analysis: Analysis, agent: ast.AgentDecl) -> PromptPreview:
    """The system prompt alone (the cursor is on a declaration, not a call)."""
    system = system_prompt(analysis.program, agent, _declaring_file(analysis.program, agent))
    return PromptPreview(agent.name, primary_model(agent), [Message("system", system)])


def prompt_preview(analysis: Analysis, offset: int) -> PromptPreview | None:
    """The prompt of the innermost agent call at `offset`, or of the agent declared or named there."""
    calls = [c for c in agent_calls(analysis) if c.span.start <= offset <= c.span.end]
    if calls:
        on_name = [c for c in calls if c.name_span.start <= offset <= c.name_span.end]
        chosen = on_name[0] if on_name else min(calls, key=lambda c: c.span.end - c.span.start)
        return preview_call(analysis, chosen)
    for decl in analysis.file.module.declarations:
        if isinstance(decl, ast.AgentDecl) and decl.span.start <= offset <= decl.span.end:
            return preview_agent(analysis, decl)
    reference = analysis.reference_at(offset)
    if (
        reference is not None
        and reference.symbol is not None
        and isinstance(reference.symbol.node, ast.AgentDecl)
    ):
        return preview_agent(analysis, reference.symbol.node)
    return None


def _declaring_file(program: Program, agent: ast.AgentDecl) -> SourceFile | None:
    return next((f for f, d in program.declarations() if d is agent), None)
