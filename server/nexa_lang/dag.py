"""The flow graph: the one builder behind the graph G-checks, `nexa/dag` and `nexa-lsp --dag`.

A data-flow reading of a body: each agent run, tool call, flow call and DAG operator becomes a node;
an edge goes from the node that produced a value to the node that consumes it. Variables carry the
producing nodes from an assignment to their later uses, so `draft = A.run(q); B.run(draft)` links A
to B. Node ids are `n0`, `n1`, … in source-traversal order, so the same text gives the same ids.

* `build_flow_graph(program, flow)`: the graph of one top-level flow (`nexa/dag`, `--dag`).
* `activation_graphs(program)`: for each activation where values flow (top-level statements,
  flows, tests, `@tool fn`s, agent member functions and flows, lambdas, each job handler), built
  once per program by the same walk, what the G-checks follow: the `ValueSite`s (fan-outs `|>>`,
  fire-and-forgets `||`, spawns) with what becomes of their value, the `StagePair`s of the
  pipelines (a producer and the stage receiving its value), and the reads of each local (`print`,
  arguments, returns, operands, interpolations, reads from lambdas created in the activation).
  G001, G004, G007 and G010 read these, never nodes or edges, so that walk makes none.
  Names are resolved once, by `nexa_lang.scopes`: the reads are its references to the
  activation's locals.

G002 (unreachable from entry) and G006 (recursive flows) are about the call graph of declarations,
not about values inside a body; they read `nexa_lang.rules.flow_calls` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nexa_lang import ast
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span
from nexa_lang.scopes import Activation, Resolution

NODE_KINDS = (
    "input",
    "output",
    "agent",
    "tool",
    "flow_call",
    "fork",
    "merge",
    "consensus",
    "fire_and_forget",
    "branch",
    "coalesce",
    "intent_match",
    "semantic_if",
    "loop",
    "spawn",
    "await",
    "join",
    "pipe_call",
)


class UnknownFlowError(LookupError):
    """`flow` names no flow of the program."""


@dataclass(eq=False)
class DagNode:
    id: str
    kind: str
    label: str
    span: Span
    file: SourceFile
    ast_node: ast.Node | None = None


@dataclass(eq=False)
class DagEdge:
    source: str
    target: str
    label: str | None = None


@dataclass(eq=False)
class FlowGraph:
    flow: str | None
    flows: list[str]
    nodes: list[DagNode] = field(default_factory=list)
    edges: list[DagEdge] = field(default_factory=list)
    root: SourceFile | None = None

    def node(self, node_id: str) -> DagNode:
        return next(n for n in self.nodes if n.id == node_id)

    def successors(self, node_id: str) -> list[str]:
        return [e.target for e in self.edges if e.source == node_id]

    def predecessors(self, node_id: str) -> list[str]:
        return [e.source for e in self.edges if e.target == node_id]

    def to_dict(
        self, convert_range: Callable[[SourceFile, Span], Any], uri_of: Callable[[SourceFile], str | None]
    ) -> dict[str, Any]:
        """The `nexa/dag` schema; `convert_range` turns a file span into the client's range, and
        `uri_of` names a file (None for the requested document itself)."""
        return {
            "flow": self.flow,
            "flows": list(self.flows),
            "nodes": [
                {
                    "id": n.id,
                    "kind": n.kind,
                    "label": n.label,
                    "range": convert_range(n.file, n.span),
                    "uri": None if n.file is self.root else uri_of(n.file),
                }
                for n in self.nodes
            ],
            "edges": [{"source": e.source, "target": e.target, "label": e.label} for e in self.edges],
        }


@dataclass(eq=False)
class ValueSite:
    """A value the G-checks follow: a fan-out `|>>` (G001), a fire-and-forget `||` (G010) or a
    `spawn` (G007), with what its statement does with it: `discarded` (the whole expression
    statement), `assigned` (the whole value of `x = …` / `let x = …`, see `name`) or `used` (an
    operand, argument, returned value, …)."""

    expr: ast.Dag | ast.Spawn
    fate: str
    name: str | None = None
    after: int = 0  # a read of `name` counts when it starts at or after this offset


@dataclass(eq=False)
class StagePair:
    """A stage and what feeds it (G004): `a >> R`, each `>>` of a chain, `L &>> M` / `L && J`
    (`merged`: the list's items are joined), and both arms of `x ?? A : B`."""

    producer: ast.Expr
    stage: ast.Expr
    merged: bool


@dataclass(eq=False)
class ActivationGraph:
    """What the G-checks follow in one activation: the walk of its flow graph, without the graph."""

    activation: Activation
    values: list[ValueSite] = field(default_factory=list)
    stages: list[StagePair] = field(default_factory=list)
    reads: dict[str, list[int]] = field(default_factory=dict)  # local → start offsets of its reads
    # top-level variables that another body (a flow, a test, …) reads: those may run at any time
    read_elsewhere: set[str] = field(default_factory=set)

    @property
    def file(self) -> SourceFile:
        return self.activation.file

    def is_read_after(self, name: str, offset: int) -> bool:
        return name in self.read_elsewhere or any(start >= offset for start in self.reads.get(name, ()))


def flow_names(program: Program) -> list[str]:
    """Top-level flows of the program's root file, then of its includes, in source order."""
    names: list[str] = []
    for file in [program.root, *[f for f in program.files if f is not program.root]]:
        names.extend(d.name for d in file.module.declarations if isinstance(d, ast.FlowDecl) and d.name)
    return list(dict.fromkeys(names))


def default_flow(program: Program) -> str | None:
    names = flow_names(program)
    return "main" if "main" in names else (names[0] if names else None)


def build_flow_graph(program: Program, flow: str | None = None) -> FlowGraph:
    """The graph of `flow` (default: `main`, else the first flow). No flows: an empty graph with
    `flow` None. An unknown flow name raises UnknownFlowError."""
    names = flow_names(program)
    if flow is None:
        flow = default_flow(program)
        if flow is None:
            return FlowGraph(None, [], root=program.root)
    if flow not in names:
        raise UnknownFlowError(
            f"unknown flow '{flow}'; the program's flows are: {', '.join(names) or 'none'}"
        )
    for file in program.files:
        for decl in file.module.declarations:
            if isinstance(decl, ast.FlowDecl) and decl.name == flow:
                builder = _Builder(program, file, flow, names)
                builder.flow(decl)
                return builder.graph
    raise UnknownFlowError(f"unknown flow '{flow}'")


def activation_graphs(program: Program) -> list[ActivationGraph]:
    """An `ActivationGraph` for every activation that has a body, in the order of `program.scopes`
    (the rules read them through `Program.activation_graphs`, built once per program)."""
    graphs: dict[int, ActivationGraph] = {}
    for activation, body in _activation_bodies(program):
        found = graphs[id(activation)] = ActivationGraph(activation)
        nodes = activation.file.nodes
        if not isinstance(activation.node, ast.Module) and not nodes.within(activation.node, _FOLLOWED):
            continue  # most tests, tools and lambdas, and many flows, have nothing to follow
        builder = _Builder(program, activation.file, None, [], sites=found)
        for statement in body:
            # A statement without a followed node records nothing, and each statement starts
            # afresh (`top`; the variables only feed nodes, which this walk does not make).
            if nodes.within(statement, _FOLLOWED):
                builder.statement(statement, [])
    _record_reads(program, graphs)
    return list(graphs.values())


_FOLLOWED = (ast.Dag, ast.Spawn, ast.Branch)  # the only makers of value sites and stage pairs


def _activation_bodies(program: Program) -> list[tuple[Activation, list[ast.Stmt]]]:
    """Every activation with its top statements (a job's two handlers are two activations)."""
    found: list[tuple[Activation, list[ast.Stmt]]] = []
    job_handlers: dict[int, list[ast.Block]] = {}
    for activation in program.scopes.activations:
        node = activation.node
        if isinstance(node, ast.Module):
            found.append((activation, node.statements))
        elif isinstance(node, ast.FlowDecl | ast.TestDecl | ast.ToolFnDecl):
            found.append((activation, node.body.statements))
        elif isinstance(node, ast.FunctionDecl | ast.Lambda) and node.body is not None:
            found.append((activation, node.body.statements))
        elif isinstance(node, ast.JobDecl):
            handlers = job_handlers.setdefault(
                id(node), [b for b in (node.perform, node.on_failure) if b is not None]
            )
            if handlers:
                found.append((activation, handlers.pop(0).statements))
    return found


def _record_reads(program: Program, graphs: dict[int, ActivationGraph]) -> None:
    """Each reference to a local goes to the graph of the activation that binds it (a lambda's
    read of its creator's local is a read in the creator)."""
    tops = {id(a.file): graphs.get(id(a)) for a in program.scopes.activations if a.kind == "top"}
    for reference in program.scopes.references:
        activation: Activation | None = reference.activation
        name = reference.name
        while activation is not None and name not in activation.locals and name not in activation.specials:
            activation = activation.parent
        if activation is None:
            symbol = reference.symbol
            if reference.resolution is Resolution.GLOBAL and symbol is not None and symbol.kind == "global":
                top = tops.get(id(symbol.file))
                if top is not None:
                    top.read_elsewhere.add(name)
            continue
        if activation.file is not reference.file:
            continue
        graph = graphs.get(id(activation))
        if graph is not None:
            graph.reads.setdefault(name, []).append(reference.span.start)


Outputs = list[str]  # ids of the nodes whose value an expression yields


class Paths:
    """Alternative paths through a statement (if/else arms, a catch handler, a loop body): each path
    starts from the variables as they were before; afterwards a variable carries what any path left
    in it (`may_skip`: a path that runs none of them exists, so the earlier values stay possible).
    Not a callback runner, so that nested statements cost no extra Python frames."""

    def __init__(self, variables: dict[str, Outputs], may_skip: bool) -> None:
        self.before = variables
        self.states: list[dict[str, Outputs]] = [variables] if may_skip else []

    def start(self) -> dict[str, Outputs]:
        return dict(self.before)

    def end(self, variables: dict[str, Outputs]) -> None:
        self.states.append(variables)

    def merged(self) -> dict[str, Outputs]:
        merged: dict[str, Outputs] = {}
        for state in self.states:
            for name, outputs in state.items():
                merged[name] = list(dict.fromkeys(merged.get(name, []) + outputs))
        return merged


class _Builder:
    """The walk of a body that builds its flow graph (`nexa/dag`, `--dag`), or, given `sites`,
    records only what the G-checks follow there: then it makes no nodes and no edges."""

    def __init__(
        self,
        program: Program,
        file: SourceFile,
        flow: str | None,
        names: list[str],
        sites: ActivationGraph | None = None,
    ) -> None:
        self.program = program
        self.file = file
        self.graph = FlowGraph(flow, names, root=program.root)
        self.edge_keys: set[tuple[str, str, str | None]] = set()  # the graph's edges, for `connect`
        self.variables: dict[str, Outputs] = {}
        self.returned: Outputs = []
        self.sites = sites
        self.top: tuple[ast.Node, str, str | None, int] | None = None  # the statement's whole value
        # the start of the outermost loop being walked: a read anywhere in a loop body may follow
        # an assignment made further down in it (in the next iteration)
        self.loop_start: int | None = None

    def value_site(self, expr: ast.Dag | ast.Spawn) -> None:
        """Record a followed value and what its statement does with it."""
        if self.sites is None:
            return
        if self.top is not None and self.top[0] is expr:
            _, fate, name, after = self.top
            self.sites.values.append(ValueSite(expr, fate, name, after))
        else:
            self.sites.values.append(ValueSite(expr, "used"))

    def stage_pair(self, producer: ast.Expr | None, stage: ast.Expr | None, merged: bool) -> None:
        if self.sites is not None and producer is not None and stage is not None:
            self.sites.stages.append(StagePair(producer, stage, merged))

    # ---- graph primitives

    def add(
        self,
        kind: str,
        label: str,
        span: Span,
        inputs: Outputs = (),
        node: ast.Node | None = None,
        edge_label: str | None = None,
    ) -> str:
        if self.sites is not None:  # the G-checks read no nodes
            return ""
        node_id = f"n{len(self.graph.nodes)}"
        self.graph.nodes.append(DagNode(node_id, kind, label, span, self.file, node))
        for source in dict.fromkeys(inputs):
            self.connect(source, node_id, edge_label)
        return node_id

    def connect(self, source: str, target: str, label: str | None = None) -> None:
        if self.sites is not None:  # the G-checks read no edges
            return
        key = (source, target, label)
        if key not in self.edge_keys:  # a set: scanning the edges made a graph's build quadratic
            self.edge_keys.add(key)
            self.graph.edges.append(DagEdge(source, target, label))

    def kind_of(self, name: str) -> str | None:
        symbol = self.program.lookup(name)
        return symbol.kind if symbol else None

    # ---- flow

    def flow(self, decl: ast.FlowDecl) -> None:
        label = ", ".join(p.name for p in decl.params) or "input"
        entry = self.add("input", label, decl.name_span, node=decl)
        for param in decl.params:
            self.variables[param.name] = [entry]
        self.block(decl.body, [entry])
        self.link_sources(entry)
        outputs = self.returned or self.variables.get("result", [])
        if outputs:
            self.add("output", "result", decl.name_span, outputs, node=decl)

    def block(self, block: ast.Block | None, context: Outputs) -> Outputs:
        if block is None:
            return []
        return self.statements(block.statements, context)

    def statements(self, statements: list[ast.Stmt], context: Outputs) -> Outputs:
        last: Outputs = []
        for statement in statements:
            last = self.statement(statement, context)
        return last

    def statement(self, stmt: ast.Stmt, context: Outputs) -> Outputs:
        self.top = None
        if isinstance(stmt, ast.Assign | ast.Let):
            single = _assigned_name(stmt)
            after = stmt.span.end if self.loop_start is None else self.loop_start
            self.top = (stmt.value, "assigned", single, after) if single else None
            outputs = self.expr(stmt.value)
            targets = []
            if isinstance(stmt, ast.Assign) and isinstance(stmt.target, ast.Name):
                targets = [stmt.target.id]
            elif isinstance(stmt, ast.Let):
                targets = [n.name for n in stmt.pattern.walk() if isinstance(n, ast.BindingPattern)]
            for name in targets:
                self.variables[name] = outputs
            return outputs
        if isinstance(stmt, ast.ExprStmt | ast.Print | ast.Defer | ast.Raise | ast.Reflect):
            value = getattr(stmt, "expr", None) or getattr(stmt, "value", None) or getattr(stmt, "note", None)
            self.top = (value, "discarded", None, stmt.span.end) if isinstance(stmt, ast.ExprStmt) else None
            return self.expr(value)
        if isinstance(stmt, ast.Return):
            outputs = self.expr(stmt.value) if stmt.value is not None else []
            self.returned.extend(o for o in outputs if o not in self.returned)
            return outputs
        if isinstance(stmt, ast.If):
            self.expr(stmt.condition)
            paths = Paths(self.variables, may_skip=stmt.alternative is None)
            self.variables = paths.start()
            self.block(stmt.consequence, context)
            paths.end(self.variables)
            if stmt.alternative is not None:
                self.variables = paths.start()
                self.else_branch(stmt.alternative, context)
                paths.end(self.variables)
            self.variables = paths.merged()
            return []
        if isinstance(stmt, ast.SemanticIf):
            subject = self.expr(stmt.subject)
            node = self.add("semantic_if", stmt.condition.value, stmt.condition.span, subject, stmt)
            paths = Paths(self.variables, may_skip=stmt.alternative is None)
            self.variables = paths.start()
            self.branch_block(stmt.consequence, node, "yes")
            paths.end(self.variables)
            if stmt.alternative is not None:
                self.variables = paths.start()
                if isinstance(stmt.alternative, ast.Block):
                    self.branch_block(stmt.alternative, node, "no")
                else:
                    before = len(self.graph.nodes)
                    self.statement(stmt.alternative, [node])
                    self.link_roots(node, before, "no")
                paths.end(self.variables)
            self.variables = paths.merged()
            return [node]
        if isinstance(stmt, ast.Loop | ast.While | ast.ForEach | ast.For | ast.Autoloop):
            label = {
                ast.Loop: "loop … until",
                ast.While: "while",
                ast.ForEach: "for each",
                ast.For: "for",
                ast.Autoloop: "autoloop",
            }[type(stmt)]
            inputs = self.expr(getattr(stmt, "iterable", None) or getattr(stmt, "condition", None))
            node = self.add("loop", label, _keyword_span(stmt), inputs or context, stmt)
            # `loop … until` runs its body at least once; the others may not run it at all
            paths = Paths(self.variables, may_skip=not isinstance(stmt, ast.Loop))
            self.variables = paths.start()
            outer_loop = self.loop_start
            self.loop_start = stmt.span.start if outer_loop is None else outer_loop
            self.branch_block(stmt.body, node, None)
            self.loop_start = outer_loop
            paths.end(self.variables)
            self.variables = paths.merged()
            return [node]
        if isinstance(stmt, ast.TryCatch):
            self.block(stmt.body, context)
            # the handler runs after part of the body: what the body assigned may or may not stay
            paths = Paths(self.variables, may_skip=True)
            self.variables = paths.start()
            self.block(stmt.handler, context)
            paths.end(self.variables)
            self.variables = paths.merged()
            return []
        if isinstance(stmt, ast.WithContext | ast.Unharnessed | ast.TryAgent | ast.Hook):
            self.block(stmt.body, context)
            for correction in getattr(stmt, "corrections", []):
                self.block(correction.body, context)
            return []
        if isinstance(stmt, ast.Pass):
            message = self.expr(stmt.message)
            actor = self.expr(stmt.actor)
            for target in actor:
                for source in message:
                    self.connect(source, target, "pass")
            return []
        if isinstance(stmt, ast.Assert | ast.Verify):
            self.expr(getattr(stmt, "condition", None) or getattr(stmt, "subject", None))
            return []
        for child in stmt.children():  # other statements: their values, blocks and statements
            if isinstance(child, ast.Block):
                self.block(child, context)
            elif isinstance(child, ast.Stmt):
                self.statement(child, context)
            elif isinstance(child, ast.Expr):
                self.expr(child)
        return []

    def else_branch(self, alternative: ast.Block | ast.If | ast.SemanticIf | None, context: Outputs) -> None:
        if isinstance(alternative, ast.Block):
            self.block(alternative, context)
        elif alternative is not None:
            self.statement(alternative, context)

    def branch_block(self, block: ast.Block, node: str, label: str | None) -> None:
        """A block that runs under a decision node: its first stages hang off that node."""
        before = len(self.graph.nodes)
        self.block(block, [node])
        self.link_roots(node, before, label)

    def link_sources(self, entry: str) -> None:
        """The flow's entry feeds every node that nothing else feeds (a run on a literal, a call
        with constant arguments, a `fork`, a `spawn(fn …)`): the flow starts them."""
        fed = {e.target for e in self.graph.edges}
        for node in self.graph.nodes:
            if node.id != entry and node.id not in fed:
                self.connect(entry, node.id)

    def link_roots(self, node: str, before: int, label: str | None) -> None:
        """Connect `node` to the nodes created since `before` that have no other input."""
        created = {n.id for n in self.graph.nodes[before:]}
        targets = {e.target for e in self.graph.edges if e.source in created or e.source == node}
        for node_id in [n.id for n in self.graph.nodes[before:]]:
            if node_id not in targets:
                self.connect(node, node_id, label)

    # ---- expressions

    def expr(self, expr: ast.Node | None) -> Outputs:
        if expr is None or isinstance(expr, ast.Missing):
            return []
        if isinstance(expr, ast.Name):
            return list(self.variables.get(expr.id, []))
        if isinstance(expr, ast.Dag):
            return self.dag(expr)
        if isinstance(expr, ast.Call):
            return self.call(expr, [])
        if isinstance(expr, ast.Branch):
            return self.branch(expr)
        if isinstance(expr, ast.Coalesce):
            inputs = self.expr(expr.left) + self.expr(expr.right)
            return [self.add("coalesce", "??", expr.span, inputs, expr)]
        if isinstance(expr, ast.Match) and expr.is_intent_match:
            return self.intent_match(expr)
        if isinstance(expr, ast.SemanticIfExpr):
            subject = self.expr(expr.subject)
            node = self.add("semantic_if", expr.question.value, expr.question.span, subject, expr)
            return self.cases(node, expr.cases, subject)
        if isinstance(expr, ast.Spawn):
            return self.spawn(expr)
        if isinstance(expr, ast.Await):
            inputs = self.expr(expr.value)
            return [self.add("await", "await", expr.span, inputs, expr)]
        if isinstance(expr, ast.Fork):
            fork = self.add("fork", "fork", expr.span, [], expr)
            outputs = []
            for branch in expr.branches:
                before = len(self.graph.nodes)
                produced = self.expr(branch.value)
                self.link_roots(fork, before, branch.name)
                outputs.extend(produced)
                if branch.name:
                    self.variables[branch.name] = produced
            return [self.add("merge", f"merge {expr.strategy}", expr.strategy_span, outputs, expr)]
        if isinstance(expr, ast.Lambda):
            return []
        outputs: Outputs = []
        for child in expr.children():
            if isinstance(child, ast.Block):
                self.block(child, [])
                continue
            outputs.extend(
                self.expr(child.value if isinstance(child, ast.Argument | ast.ForkBranch) else child)
            )
        return outputs

    def stage(self, expr: ast.Expr, inputs: Outputs, edge_label: str | None = None) -> Outputs:
        """A runnable applied to `inputs`: an agent, flow, tool, call with extra arguments, member path,
        or a pipeline `B >> C` (a `??` arm or case, the right operand of a DAG operator)."""
        if isinstance(expr, ast.Dag) and expr.op == ">>":
            # A pipeline in a runnable position is a chain, not a run (L§5.1 `x ?? A : B >> C`,
            # L§7.5.6; the VM's MAKE_CHAIN): `inputs` feed its first stage, whose output feeds the
            # next, so B is no data source here. A first stage that makes no node (a literal)
            # passes `inputs` on, so that the arm still hangs off its decision node.
            self.stage_pair(expr.left, expr.right, False)
            head = self.stage(expr.left, inputs, edge_label)
            return self.stage(expr.right, head) if head else self.stage(expr.right, inputs, edge_label)
        if isinstance(expr, ast.Name):
            kind = self.kind_of(expr.id)
            if kind == "agent":
                return [self.add("agent", expr.id, expr.span, inputs, expr, edge_label)]
            if kind == "flow":
                return [self.add("flow_call", expr.id, expr.span, inputs, expr, edge_label)]
            if kind in ("tool", "tool_fn"):
                return [self.add("tool", expr.id, expr.span, inputs, expr, edge_label)]
            upstream = self.variables.get(expr.id, [])
            if upstream:  # a variable holding a runnable (`join` handle, lambda result)
                return [self.add("pipe_call", expr.id, expr.span, inputs + upstream, expr, edge_label)]
            return [self.add("pipe_call", expr.id, expr.span, inputs, expr, edge_label)]
        if isinstance(expr, ast.Call):
            return self.call(expr, inputs, edge_label)
        if isinstance(expr, ast.Member):
            return [self.add("pipe_call", _dotted(expr), expr.span, inputs, expr, edge_label)]
        if isinstance(expr, ast.Spawn) and expr.agents is not None:
            return self.stage(expr.agents, inputs, edge_label)
        if isinstance(expr, ast.ListLit):
            outputs: Outputs = []
            for element in expr.elements:
                if isinstance(element, ast.Dag) and element.op == ">>":
                    # a list's elements are values: `[A, B >> C]` runs B >> C (B a data source,
                    # D38) before the list is applied; it is no chain (the VM evaluates it)
                    outputs.extend(self.value_stage(element, inputs, edge_label))
                else:
                    outputs.extend(self.stage(element, inputs, edge_label))
            return outputs
        return self.value_stage(expr, inputs, edge_label)

    def value_stage(self, expr: ast.Expr, inputs: Outputs, edge_label: str | None) -> Outputs:
        """Another expression in a runnable position: its value is what `inputs` are applied to."""
        produced = self.expr(expr)
        for target in produced:
            for source in inputs:
                self.connect(source, target, edge_label)
        return produced

    def source(self, expr: ast.Expr) -> Outputs:
        """A data source (D38): an agent there stands for its reply, so it is an agent node."""
        if isinstance(expr, ast.Name) and expr.id not in self.variables and self.kind_of(expr.id) == "agent":
            return [self.add("agent", expr.id, expr.span, [], expr)]
        return self.expr(expr)

    def dag(self, expr: ast.Dag) -> Outputs:
        op = expr.op
        if op == "|>":  # no data-source rule for a pipe (7.5.8)
            left = self.expr(expr.left)
        elif op in ("&>>", "&&") and isinstance(expr.left, ast.ListLit):
            left = [o for element in expr.left.elements for o in self.source(element)]
        else:
            left = self.source(expr.left)
        if op == ">>":
            self.stage_pair(expr.left, expr.right, False)
            return self.stage(expr.right, left)
        if op == "|>":
            if isinstance(expr.right, ast.Name | ast.Member | ast.Call):
                label = _callee_label(expr.right)
                extra = self.arguments(expr.right) if isinstance(expr.right, ast.Call) else []
                return [self.add("pipe_call", label, expr.right.span, left + extra, expr.right)]
            return self.stage(expr.right, left)
        if op in ("|>>", "||"):
            kind = "fork" if op == "|>>" else "fire_and_forget"
            label = "map" if op == "|>>" and not isinstance(expr.right, ast.ListLit | ast.Spawn) else op
            node = self.add(kind, label, expr.op_span, left, expr)
            self.value_site(expr)
            outputs = self.stage(expr.right, [node])
            return outputs if op == "|>>" else []
        if op == "&&" and isinstance(expr.right, ast.ListLit):
            # `a && [R1, …]` (vote): each Ri runs with `a`, the majority reply is the value
            voters = self.stage(expr.right, left)
            return [self.add("consensus", "vote", expr.op_span, voters, expr)]
        # &>> merge and && consensus: the left list's items join, then the right runnable runs
        self.stage_pair(expr.left, expr.right, True)
        kind = "merge" if op == "&>>" else "consensus"
        node = self.add(kind, op, expr.op_span, left, expr)
        return self.stage(expr.right, [node])

    def call(self, call: ast.Call, inputs: Outputs, edge_label: str | None = None) -> Outputs:
        function = call.function
        arguments = self.arguments(call)
        # A.run(x), A.clone(...), A.member(x): agent at the receiver
        if isinstance(function, ast.Member) and isinstance(function.object, ast.Name):
            receiver = function.object.id
            kind = self.kind_of(receiver)
            if kind == "agent":
                return [
                    self.add("agent", receiver, function.object.span, inputs + arguments, call, edge_label)
                ]
            if kind in ("tool", "tool_fn"):
                return [
                    self.add("tool", receiver, function.object.span, inputs + arguments, call, edge_label)
                ]
        # join(A, B).M(x) / join(A, B).run(x)
        if (
            isinstance(function, ast.Member)
            and isinstance(function.object, ast.Call)
            and _callee_label(function.object) == "join"
        ):
            join = self.join(function.object, inputs + arguments)
            if function.name != "run" and self.kind_of(function.name) == "agent":
                return [self.add("agent", function.name, function.name_span, [join], call, edge_label)]
            return [join]
        if isinstance(function, ast.Name):
            name = function.id
            if name == "join":
                return [self.join(call, inputs)]
            kind = self.kind_of(name)
            if kind == "agent":
                return [self.add("agent", name, function.span, inputs + arguments, call, edge_label)]
            if kind == "flow":
                return [self.add("flow_call", name, function.span, inputs + arguments, call, edge_label)]
            if kind in ("tool", "tool_fn"):
                return [self.add("tool", name, function.span, inputs + arguments, call, edge_label)]
        if inputs:  # `x >> f(args)` / `x |> obj.m(args)`: a call stage of something else
            return [
                self.add("pipe_call", _callee_label(call), call.span, inputs + arguments, call, edge_label)
            ]
        return arguments

    def arguments(self, call: ast.Call) -> Outputs:
        outputs: Outputs = []
        for argument in call.arguments:
            outputs.extend(self.expr(argument.value))
        return outputs

    def join(self, call: ast.Call, inputs: Outputs) -> str:
        """`join(A, B)` applied to `inputs`: each agent runs with them, the join node combines the replies."""
        agents = [
            self.add("agent", argument.value.id, argument.value.span, inputs, argument.value)
            for argument in call.arguments
            if isinstance(argument.value, ast.Name)
        ]
        return self.add("join", "join", call.function.span, agents or inputs, call)

    def branch(self, expr: ast.Branch) -> Outputs:
        for arm in (expr.consequence, expr.alternative):
            self.stage_pair(expr.input, _chain_head(arm), False)
        subject = self.expr(expr.input)
        node = self.add("branch", "??", expr.span, subject, expr)
        if expr.cases:
            return self.cases(node, expr.cases, subject)
        outputs: Outputs = []
        for label, target in (("yes", expr.consequence), ("no", expr.alternative)):
            if target is not None:
                outputs.extend(self.stage(target, [node], label))
        return outputs

    def cases(self, node: str, cases: list[ast.CaseArm], subject: Outputs) -> Outputs:
        outputs: Outputs = []
        for case in cases:
            outputs.extend(self.stage(case.value, [node], case.label.value))
        return outputs

    def intent_match(self, match: ast.Match) -> Outputs:
        subject = self.expr(match.subject)
        node = self.add("intent_match", "match intent", match.span, subject, match)
        outputs: Outputs = []
        for arm in match.arms:
            label = arm.intent.value if isinstance(arm, ast.IntentArm) else "_"
            before = len(self.graph.nodes)
            if isinstance(arm.body, ast.Block):
                produced = self.block(arm.body, [node])
            else:
                produced = self.expr(arm.body)
            self.link_roots(node, before, label)
            outputs.extend(produced)
        return outputs

    def spawn(self, expr: ast.Spawn) -> Outputs:
        if expr.agents is not None:
            self.value_site(expr)
            return self.stage(expr.agents, [])
        inputs: Outputs = []
        for argument in expr.arguments:
            inputs.extend(self.expr(argument.value))
        label = expr.actor.id if expr.actor is not None else "task"
        node = self.add("spawn", label, expr.span, inputs + self.expr(expr.task), expr)
        self.value_site(expr)
        actor_kind = self.kind_of(expr.actor.id) if expr.actor is not None else None
        if expr.actor is not None and actor_kind in ("agent", "flow"):
            kind = "agent" if actor_kind == "agent" else "flow_call"
            return [self.add(kind, expr.actor.id, expr.actor.span, [node], expr.actor)]
        if isinstance(expr.task, ast.Lambda) and expr.task.body is not None and self.sites is None:
            # the preview shows what the task runs; the G-checks read the lambda's own activation
            return self.task_body(expr.task.body, node)
        return [node]

    def task_body(self, body: ast.Block, node: str) -> Outputs:
        """The body of a spawned lambda, hanging off its spawn node; its value is what it returns."""
        returned, self.returned = self.returned, []
        variables = dict(self.variables)
        before = len(self.graph.nodes)
        last = self.block(body, [node])
        self.link_roots(node, before, None)
        produced = self.returned or last
        self.returned, self.variables = returned, variables
        return produced or [node]


def _is_runnable_list(expr: ast.Expr, builder: _Builder) -> bool:
    """A list of agents on the left of `&>>`/`&&` stands for their replies (data-source rule, D38)."""
    return isinstance(expr, ast.ListLit) and any(
        isinstance(e, ast.Name) and builder.kind_of(e.id) == "agent" for e in expr.elements
    )


def _chain_head(expr: ast.Expr | None) -> ast.Expr | None:
    """The first stage of a pipeline in a runnable position (`B` of `B >> C`): what its input feeds."""
    while isinstance(expr, ast.Dag) and expr.op == ">>":
        expr = expr.left
    return expr


def _dotted(expr: ast.Expr) -> str:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Member):
        return f"{_dotted(expr.object)}.{expr.name}"
    if isinstance(expr, ast.Call):
        return _dotted(expr.function)
    return "…"


def _callee_label(expr: ast.Expr) -> str:
    return _dotted(expr.function if isinstance(expr, ast.Call) else expr)


def _keyword_span(stmt: ast.Stmt) -> Span:
    """The span of a statement's leading keyword, so a loop node does not cover the whole loop."""
    start = stmt.span.start
    return Span(
        start,
        start + {ast.Loop: 4, ast.While: 5, ast.ForEach: 3, ast.For: 3, ast.Autoloop: 8}.get(type(stmt), 0),
    )


def _assigned_name(statement: ast.Assign | ast.Let) -> str | None:
    """`x = value` or `let x = value`: the one name bound."""
    if isinstance(statement, ast.Assign) and isinstance(statement.target, ast.Name):
        return statement.target.id
    if isinstance(statement, ast.Let) and isinstance(statement.pattern, ast.BindingPattern):
        return statement.pattern.name
    return None
