"""The call graph of flows, member functions, agents and tools, read from the resolved references
(diagnostics.md §2.4 reachability, G002, and the flow cycles of G006). Every reference is an edge
for reachability; only those that run the callee (`Call.runs`) are edges of G006's cycles.

An *owner* is the declaration whose code a reference runs in: a top-level flow, an agent (its member
functions, member flows, contracts), a `@tool fn`, or an entry (`main`, tests, top-level statements,
server routes and middleware, jobs, impl methods). Lambdas belong to the owner they are created in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple
from weakref import WeakKeyDictionary

from nexa_lang import ast
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span
from nexa_lang.scopes import Activation, Position, Reference, Resolution


class Owner(NamedTuple):  # a tuple: hashed and compared in C, tens of thousands of times a program
    kind: str  # flow | member | agent | tool | entry
    name: str
    label: str  # how a message names it: flow 'x', agent 'A', 'A.f'

    @property
    def is_entry(self) -> bool:
        return self.kind == "entry"


ENTRY = Owner("entry", "", "")


class Call(NamedTuple):
    caller: Owner
    callee: Owner
    span: Span
    file: SourceFile
    # The edge runs the callee: a call, a runnable position (`x >> f`, `spawn f(…)`), an agent's
    # members and `uses`. False for a reference that only reads the callee as a value (`g = f`,
    # `f == g`, `after(1, f)`): that makes it reachable (G002) but is no call (G006).
    runs: bool = True


@dataclass
class CallGraph:
    calls: list[Call] = field(default_factory=list)
    _index: dict[str, tuple[int, dict[Owner, list[Call]]]] = field(default_factory=dict, repr=False)

    def from_owner(self, owner: Owner) -> list[Call]:
        return self._by("caller").get(owner, [])

    def to_owner(self, owner: Owner) -> list[Call]:
        return self._by("callee").get(owner, [])

    def _by(self, end: str) -> dict[Owner, list[Call]]:
        """Calls grouped by caller or callee, in order (rebuilt when calls were added since)."""
        cached = self._index.get(end)
        if cached is None or cached[0] != len(self.calls):
            grouped: dict[Owner, list[Call]] = {}
            for call in self.calls:
                grouped.setdefault(getattr(call, end), []).append(call)
            cached = self._index[end] = (len(self.calls), grouped)
        return cached[1]


def owner_of(activation: Activation) -> Owner:
    """The declaration `activation` runs as part of."""
    while activation.kind in ("lambda", "contract") and activation.parent is not None:
        activation = activation.parent
    node = activation.node
    if activation.agent is not None:
        if isinstance(node, ast.FunctionDecl | ast.FlowDecl):
            name = f"{activation.agent.name}.{node.name}"
            return Owner("member", name, f"'{name}'")
        return Owner("agent", activation.agent.name, f"agent '{activation.agent.name}'")
    if isinstance(node, ast.FlowDecl):
        return Owner("flow", node.name, f"flow '{node.name}'")
    if isinstance(node, ast.ToolFnDecl):
        return Owner("tool", node.name, f"tool '{node.name}'")
    return ENTRY


def declaration_owner(symbol_kind: str, name: str) -> Owner | None:
    if symbol_kind == "flow":
        return Owner("flow", name, f"flow '{name}'")
    if symbol_kind == "agent":
        return Owner("agent", name, f"agent '{name}'")
    if symbol_kind in ("tool", "tool_fn"):
        return Owner("tool", name, f"tool '{name}'")
    return None


_CALL_GRAPHS: WeakKeyDictionary[Program, CallGraph] = WeakKeyDictionary()


def build_call_graph(program: Program) -> CallGraph:
    """The call graph of `program`, built once per program (G002 and G006 both read it; neither
    changes it)."""
    graph = _CALL_GRAPHS.get(program)
    if graph is None:
        graph = _CALL_GRAPHS[program] = _build_call_graph(program)
    return graph


def _build_call_graph(program: Program) -> CallGraph:
    graph = CallGraph()
    agents = {a.name: a for a in program.agents()}
    owners: dict[int, Owner] = {}  # by id of activation: most references share a few activations
    for reference in program.scopes.references:
        if reference.resolution not in _CALLING:  # locals, prelude names…: most references
            continue
        callee = _callee(reference, agents)
        if callee is not None:
            caller = owners.get(id(reference.activation))
            if caller is None:
                caller = owners[id(reference.activation)] = owner_of(reference.activation)
            runs = reference.position in _RUNNING
            graph.calls.append(Call(caller, callee, reference.span, reference.file, runs))
    graph.calls.extend(_member_calls(program, agents))
    for file, decl in program.declarations():
        if isinstance(decl, ast.AgentDecl):
            owner = Owner("agent", decl.name, f"agent '{decl.name}'")
            for flow in decl.flows:  # an agent's member flows and functions run as part of it
                member = Owner("member", f"{decl.name}.{flow.name}", f"'{decl.name}.{flow.name}'")
                graph.calls.append(Call(owner, member, flow.name_span, file))
            for function in decl.functions:
                name = f"{decl.name}.{function.name}"
                graph.calls.append(Call(owner, Owner("member", name, f"'{name}'"), function.name_span, file))
            for item in decl.uses:  # `uses` names tools (§2.4)
                symbol = program.lookup(item.text) if item.kind == "name" else None
                target = declaration_owner(symbol.kind, symbol.name) if symbol else None
                if target is not None:
                    graph.calls.append(Call(owner, target, item.span, file))
    return graph


def _member_calls(program: Program, agents: dict[str, ast.AgentDecl]) -> Iterator[Call]:
    """`Agent.m(…)` and, inside the agent, `self.m(…)` where `m` is a member function or flow: a
    call of that member (G006 follows it like a call of a flow). The receiver alone only reaches
    the agent, which reaches every member, so reachability (G002) does not change."""
    references = program.scopes.by_span()
    for file, call in program.nodes.of(ast.Call):
        assert isinstance(call, ast.Call)
        member = call.function
        if not (isinstance(member, ast.Member) and isinstance(member.object, ast.Name)):
            continue
        reference = references.get((id(file), member.object.span))
        if reference is None:
            continue
        agent: ast.AgentDecl | None = None
        if reference.resolution is Resolution.GLOBAL and reference.symbol is not None:
            agent = agents.get(reference.symbol.name) if reference.symbol.kind == "agent" else None
        elif reference.resolution is Resolution.SPECIAL and reference.name == "self":
            agent = _agent_of(reference.activation)
        if agent is None or not any(m.name == member.name for m in [*agent.functions, *agent.flows]):
            continue
        name = f"{agent.name}.{member.name}"
        span = Span(member.object.span.start, member.name_span.end)
        yield Call(owner_of(reference.activation), Owner("member", name, f"'{name}'"), span, file)


_CALLING = (Resolution.GLOBAL, Resolution.MEMBER)
_RUNNING = (Position.CALL, Position.RUNNABLE)  # diagnostics.md §2.2; the other positions read a value


def _callee(reference: Reference, agents: dict[str, ast.AgentDecl]) -> Owner | None:
    if reference.resolution is Resolution.GLOBAL and reference.symbol is not None:
        return declaration_owner(reference.symbol.kind, reference.symbol.name)
    if reference.resolution is Resolution.MEMBER:
        agent = _agent_of(reference.activation) or route_member_agent(reference, agents.values())
        if agent is not None and any(m.name == reference.name for m in [*agent.functions, *agent.flows]):
            name = f"{agent.name}.{reference.name}"
            return Owner("member", name, f"'{name}'")
    return None


def route_member_agent(reference: Reference, agents: Iterable[ast.AgentDecl]) -> ast.AgentDecl | None:
    """The agent whose member function a top-level route target or middleware name resolves to
    (L D70: exactly one agent has a member function of that name), else None."""
    if reference.resolution is not Resolution.MEMBER or reference.activation.kind != "top":
        return None
    owners = [a for a in agents if any(f.name == reference.name for f in a.functions)]
    return owners[0] if len(owners) == 1 else None


def _agent_of(activation: Activation | None) -> ast.AgentDecl | None:
    while activation is not None:
        if activation.agent is not None:
            return activation.agent
        activation = activation.parent
    return None


def reachable(graph: CallGraph, entries: set[Owner]) -> set[Owner]:
    seen = set(entries)
    stack = list(entries)
    while stack:
        owner = stack.pop()
        for call in graph.from_owner(owner):
            if call.callee not in seen:
                seen.add(call.callee)
                stack.append(call.callee)
    return seen


def flows_in_order(program: Program) -> Iterator[tuple[SourceFile, ast.FlowDecl]]:
    for file, decl in program.declarations():
        if isinstance(decl, ast.FlowDecl) and decl.name:
            yield file, decl
