"""The flow graph of a flow: the one builder behind the G-checks, `nexa/dag` and `nexa-lsp --dag`.

A data-flow reading of the flow body: each agent run, tool call, flow call and DAG operator becomes a
node; an edge goes from the node that produced a value to the node that consumes it. Variables carry
the producing nodes from an assignment to their later uses, so `draft = A.run(q); B.run(draft)` links
A to B. Node ids are `n0`, `n1`, … in source-traversal order, so the same text gives the same ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nexa_lang import ast
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span

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


Outputs = list[str]  # ids of the nodes whose value an expression yields


class _Builder:
    def __init__(self, program: Program, file: SourceFile, flow: str, names: list[str]) -> None:
        self.program = program
        self.file = file
        self.graph = FlowGraph(flow, names, root=program.root)
        self.variables: dict[str, Outputs] = {}
        self.returned: Outputs = []

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
        node_id = f"n{len(self.graph.nodes)}"
        self.graph.nodes.append(DagNode(node_id, kind, label, span, self.file, node))
        for source in dict.fromkeys(inputs):
            self.connect(source, node_id, edge_label)
        return node_id

    def connect(self, source: str, target: str, label: str | None = None) -> None:
        if not any(e.source == source and e.target == target and e.label == label for e in self.graph.edges):
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
        outputs = self.returned or self.variables.get("result", [])
        if outputs:
            self.add("output", "result", decl.name_span, outputs, node=decl)

    def block(self, block: ast.Block | None, context: Outputs) -> Outputs:
        last: Outputs = []
        if block is None:
            return last
        for statement in block.statements:
            last = self.statement(statement, context)
        return last

    def statement(self, stmt: ast.Stmt, context: Outputs) -> Outputs:
        if isinstance(stmt, ast.Assign | ast.Let):
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
            return self.expr(value)
        if isinstance(stmt, ast.Return):
            outputs = self.expr(stmt.value) if stmt.value is not None else []
            self.returned.extend(o for o in outputs if o not in self.returned)
            return outputs
        if isinstance(stmt, ast.If):
            self.expr(stmt.condition)
            self.block(stmt.consequence, context)
            self.else_branch(stmt.alternative, context)
            return []
        if isinstance(stmt, ast.SemanticIf):
            subject = self.expr(stmt.subject)
            node = self.add("semantic_if", stmt.condition.value, stmt.condition.span, subject, stmt)
            self.branch_block(stmt.consequence, node, "yes")
            if isinstance(stmt.alternative, ast.Block):
                self.branch_block(stmt.alternative, node, "no")
            elif stmt.alternative is not None:
                self.statement(stmt.alternative, [node])
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
            self.branch_block(stmt.body, node, None)
            return [node]
        if isinstance(stmt, ast.TryCatch):
            self.block(stmt.body, context)
            self.block(stmt.handler, context)
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
                continue
            outputs.extend(
                self.expr(child.value if isinstance(child, ast.Argument | ast.ForkBranch) else child)
            )
        return outputs

    def stage(self, expr: ast.Expr, inputs: Outputs, edge_label: str | None = None) -> Outputs:
        """A runnable applied to `inputs`: an agent, flow, tool, call with extra arguments, member path."""
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
                outputs.extend(self.stage(element, inputs, edge_label))
            return outputs
        produced = self.expr(expr)
        for target in produced:
            for source in inputs:
                self.connect(source, target, edge_label)
        return produced

    def dag(self, expr: ast.Dag) -> Outputs:
        left = self.expr(expr.left) if not _is_runnable_list(expr.left, self) else self.stage(expr.left, [])
        op = expr.op
        if op == ">>":
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
            outputs = self.stage(expr.right, [node])
            return outputs if op == "|>>" else []
        # &>> merge and && consensus: the left list's items join, then the right runnable runs
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
        node = self.add("join", "join", call.function.span, inputs, call)
        for argument in call.arguments:
            if isinstance(argument.value, ast.Name):
                agent = self.add("agent", argument.value.id, argument.value.span, [], argument.value)
                self.connect(agent, node)
        return node

    def branch(self, expr: ast.Branch) -> Outputs:
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
            return self.stage(expr.agents, [])
        inputs: Outputs = []
        for argument in expr.arguments:
            inputs.extend(self.expr(argument.value))
        label = expr.actor.id if expr.actor is not None else "task"
        node = self.add("spawn", label, expr.span, inputs + self.expr(expr.task), expr)
        if expr.actor is not None and self.kind_of(expr.actor.id) == "agent":
            agent = self.add("agent", expr.actor.id, expr.actor.span, [node], expr.actor)
            return [agent]
        return [node]


def _is_runnable_list(expr: ast.Expr, builder: _Builder) -> bool:
    """A list of agents on the left of `&>>`/`&&` stands for their replies (data-source rule, D38)."""
    return isinstance(expr, ast.ListLit) and any(
        isinstance(e, ast.Name) and builder.kind_of(e.id) == "agent" for e in expr.elements
    )


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
