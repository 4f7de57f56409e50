"""W002 performance-hint: work that could run faster as written differently.

Why: independent agent calls written one after another wait for each other; a fan-out or merge over
one element is a plain pipe with extra overhead; a long prompt at a high temperature is slow and
gives inconsistent replies (upstream's W002 example).
Cases: (1) adjacent statements `x = A.run(…)` / `A(…)` whose calls do not depend on each other;
(2) `|>>`, `||`, `&>>`, `&&` over a one-element list literal; (3) an agent with temperature above
1.0 and a prompt longer than 2,000 characters.
Example: `up = Optimist.run("x")` then `down = Pessimist.run("x")`; `"x" |>> [Judge]`.
Fix: (unsafe) case 1 "Run in parallel with fork"; case 2 "Use '>>'".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span
from nexa_lang.properties import DECORATORS, number_of
from nexa_lang.types import Types

FAN_OUT = ("|>>", "||")  # the list is the right operand
MERGE = ("&>>", "&&")  # the list is the left operand
HOT_TEMPERATURE = 1.0
LONG_PROMPT = 2000


@rule("W002", "performance-hint")
def check(program: Program) -> Iterator[Diagnostic]:
    types = Types(program)
    for file in program.files:
        for statements in _statement_lists(file):
            if len(statements) >= 2:  # a hint needs two calls
                yield from _sequential_calls(types, file, statements)
        for node in file.nodes.of(ast.Dag, ast.AgentDecl):
            if isinstance(node, ast.Dag):
                yield from _single_element(file, node)
            elif isinstance(node, ast.AgentDecl):
                yield from _hot_long_prompt(file, node)


# ------------------------------------------------------------------------------ case 1


@dataclass
class _AgentCall:
    statement: ast.Stmt
    agent: ast.AgentDecl
    target: str | None  # the assigned variable
    value: ast.Expr  # the call (with its `?`)
    call: ast.Call

    def reads(self) -> set[str]:
        """The names its arguments read."""
        return {n.id for a in self.call.arguments for n in a.value.walk() if isinstance(n, ast.Name)}


def _statement_lists(file: SourceFile) -> Iterator[Sequence[ast.Node]]:
    yield file.module.items
    for node in file.nodes.of(ast.Block):
        if isinstance(node, ast.Block):
            yield node.statements


def _agent_call(types: Types, file: SourceFile, statement: ast.Node) -> _AgentCall | None:
    if isinstance(statement, ast.Assign) and isinstance(statement.target, ast.Name):
        target: str | None = statement.target.id
        value = statement.value
    elif isinstance(statement, ast.ExprStmt):
        target, value = None, statement.expr
    else:
        return None
    call = value.operand if isinstance(value, ast.TryExpr) else value
    if not isinstance(call, ast.Call):
        return None
    function = call.function
    if isinstance(function, ast.Member) and function.name == "run":
        function = function.object
    if not isinstance(function, ast.Name):
        return None
    agent = types.global_declaration(function, id(file))
    if not isinstance(agent, ast.AgentDecl) or _streams(agent):
        return None
    assert isinstance(statement, ast.Stmt)
    return _AgentCall(statement, agent, target, value, call)


def _streams(agent: ast.AgentDecl) -> bool:
    stream = agent.property("stream")
    return stream is not None and isinstance(stream.value, ast.Bool) and stream.value.value


def _sequential_calls(types: Types, file: SourceFile, statements: Sequence[ast.Node]) -> Iterator[Diagnostic]:
    current: list[_AgentCall] = []  # the group of independent calls so far
    for statement in statements:
        call = _agent_call(types, file, statement)
        if call is None or (current and _depends(call, current)):
            if len(current) >= 2:
                yield _parallel_hint(file, current)
            current = []
        if call is not None:
            current.append(call)
    if len(current) >= 2:
        yield _parallel_hint(file, current)


def _depends(call: _AgentCall, group: list[_AgentCall]) -> bool:
    """The call cannot join the group: same agent, or it reads or reassigns what the group assigns."""
    if any(c.agent is call.agent for c in group):
        return True
    assigned = {c.target for c in group if c.target}
    return bool(assigned) and (call.target in assigned or bool(call.reads() & assigned))


def _parallel_hint(file: SourceFile, group: list[_AgentCall]) -> Diagnostic:
    span = Span(group[0].statement.span.start, group[-1].statement.span.end)
    first, last = file.line_of(span.start) + 1, file.line_of(span.end) + 1
    branches = []
    for call in group:
        text = file.text_of(call.value.span)
        branches.append(f"{call.target} = {text}" if call.target else text)
    replacement = f"fork [{', '.join(branches)}] merge all"
    return Diagnostic.warning(
        span,
        f"agent calls on lines {first}–{last} do not depend on each other; they could run in parallel",
        path=file.path,
        fix=Fix.replace(span, replacement, "Run in parallel with fork", Safety.UNSAFE),
    )


# ------------------------------------------------------------------------------ case 2


def _single_element(file: SourceFile, dag: ast.Dag) -> Iterator[Diagnostic]:
    if dag.op in FAN_OUT:
        listed, other = dag.right, dag.left
    elif dag.op in MERGE:
        listed, other = dag.left, dag.right
    else:
        return
    if not (isinstance(listed, ast.ListLit) and len(listed.elements) == 1):
        return
    element = file.text_of(listed.elements[0].span)
    rest = file.text_of(other.span)
    replacement = f"{rest} >> {element}" if dag.op in FAN_OUT else f"{element} >> {rest}"
    yield Diagnostic.warning(
        listed.span,
        f"'{dag.op}' with a single element; use '>>'",
        path=file.path,
        fix=Fix.replace(dag.span, replacement, "Use '>>'", Safety.UNSAFE),
    )


# ------------------------------------------------------------------------------ case 3


def _hot_long_prompt(file: SourceFile, agent: ast.AgentDecl) -> Iterator[Diagnostic]:
    temperature = _temperature(agent)
    if temperature is None:
        return
    value, expr = temperature
    if value <= HOT_TEMPERATURE:
        return
    length = len(system_prompt(agent))
    if length <= LONG_PROMPT:
        return
    yield Diagnostic.warning(
        expr.span,
        f"agent '{agent.name}' combines temperature {file.text_of(expr.span)} with a {length}-character "
        "prompt; replies may be slow and inconsistent",
        path=file.path,
    )


def _temperature(agent: ast.AgentDecl) -> tuple[float, ast.Expr] | None:
    """The temperature the agent runs with: a decorator wins over the property (L§3.1.2)."""
    for decorator in agent.decorators:
        spec = DECORATORS.get(decorator.name)
        if spec is not None and spec.property == "temperature":
            for argument in decorator.arguments:
                value = number_of(argument.value)
                if value is not None:
                    return value, argument.value
    prop = agent.property("temperature")
    if prop is not None:
        value = number_of(prop.value)
        if value is not None:
            return value, prop.value
    return None


def system_prompt(agent: ast.AgentDecl) -> str:
    """The role line plus the prompt (or the description standing in for it), L§7.3.1."""

    def text(key: str) -> str:
        prop = agent.property(key)
        return prop.value.value if prop is not None and isinstance(prop.value, ast.StringLit) else ""

    role = text("role")
    prompt = text("prompt") or text("description")
    return (f"Role: {role}. " if role else "") + prompt
