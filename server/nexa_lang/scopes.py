"""Activations, local bindings and name references with their resolution (diagnostics.md §2.2–2.3).

An activation is one body that runs with its own locals: a flow, test, lambda, member function,
impl method, `@tool fn`, job handler, or the top level. Blocks do not open scopes (D22), so every
binding occurrence anywhere in an activation's body is a local of it, before or after the use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from nexa_lang import ast
from nexa_lang.model import Program, SourceFile, Symbol, pattern_bindings
from nexa_lang.positions import Span
from nexa_lang.prelude import is_prelude_name


class Position(str, Enum):
    """Where a reference stands (§2.2); rules word their messages by it."""

    RUNNABLE = "runnable"
    CALL = "call"
    RECEIVER = "receiver"
    VARIABLE = "variable"


class Resolution(str, Enum):
    LOCAL = "local"
    MEMBER = "member"  # a member of the enclosing agent, or self
    GLOBAL = "global"
    PRELUDE = "prelude"
    SPECIAL = "special"  # result/old in ensures, input/args in agent contracts
    UNRESOLVED = "unresolved"


@dataclass(eq=False)
class Activation:
    """One body with its own locals; `parent` is the enclosing activation of a lambda."""

    kind: str  # top | flow | test | lambda | function | tool_fn | job | contract
    node: ast.Node
    file: SourceFile
    parent: Activation | None = None
    agent: ast.AgentDecl | None = None
    locals: dict[str, Span] = field(default_factory=dict)
    bindings: list[tuple[str, Span]] = field(default_factory=list)  # every binding occurrence, in order
    specials: frozenset[str] = frozenset()
    is_open: bool = False  # contains a python! block (§2.3)

    def bind(self, name: str, span: Span) -> None:
        """Record a binding occurrence; the first one of a name is where the local is declared."""
        self.locals.setdefault(name, span)
        self.bindings.append((name, span))

    def binds(self, name: str) -> bool:
        activation: Activation | None = self
        while activation is not None:
            if name in activation.locals or name in activation.specials:
                return True
            activation = activation.parent
        return False


@dataclass(eq=False, slots=True)
class Reference:
    name: str
    span: Span
    position: Position
    file: SourceFile
    activation: Activation
    resolution: Resolution = Resolution.UNRESOLVED
    symbol: Symbol | None = None


@dataclass(eq=False)
class Scopes:
    activations: list[Activation]
    references: list[Reference]

    def unresolved(self) -> Iterator[Reference]:
        return (r for r in self.references if r.resolution is Resolution.UNRESOLVED)

    def by_span(self) -> dict[tuple[int, Span], Reference]:
        """The references by (id of their file, span) (indexed on first use)."""
        found = self.__dict__.get("_by_span")
        if found is None:
            found = self.__dict__["_by_span"] = {(id(r.file), r.span): r for r in self.references}
        return found

    def named(self, name: str) -> list[Reference]:
        """The references to `name`, in order (indexed on first use)."""
        by_name = self.__dict__.get("_by_name")
        if by_name is None:
            by_name = {}
            for reference in self.references:
                by_name.setdefault(reference.name, []).append(reference)
            self.__dict__["_by_name"] = by_name
        return by_name.get(name, [])


def analyze_scopes(program: Program) -> Scopes:
    builder = _ScopeBuilder(program)
    for file in program.files:
        builder.file(file)
    member_names: dict[int, set[str]] = {}  # by id of an agent (its members are asked many times)
    # Every name bound at top level is a global (L§6.1), also when bound inside a block, by a
    # `for`, a `match` arm, a `catch` or a `fork` branch; the program's symbols list only the
    # plain top-level assignments and lets.
    top_names = {name for a in builder.activations if a.kind == "top" for name in a.locals}
    for reference in builder.references:
        _resolve(program, reference, member_names, top_names)
    return Scopes(builder.activations, builder.references)


def _resolve(
    program: Program, ref: Reference, member_names: dict[int, set[str]], top_names: set[str]
) -> None:
    activation = ref.activation
    name = ref.name
    chain: Activation | None = activation
    while chain is not None:  # the innermost activation that binds the name
        if name in chain.specials:
            ref.resolution = Resolution.SPECIAL
            return
        if name in chain.locals:
            ref.resolution = Resolution.LOCAL if chain.kind != "top" else Resolution.GLOBAL
            ref.symbol = program.lookup(name) if chain.kind == "top" else None
            return
        chain = chain.parent
    agent = _enclosing_agent(activation)
    if agent is not None:
        members = member_names.get(id(agent))
        if members is None:
            members = member_names[id(agent)] = _agent_member_names(agent)
        if name == "self" or name in members:
            ref.resolution = Resolution.MEMBER
            return
    symbol = program.lookup(ref.name)
    if symbol is not None:
        ref.resolution, ref.symbol = Resolution.GLOBAL, symbol
        return
    if name in top_names:
        ref.resolution = Resolution.GLOBAL
        return
    if is_prelude_name(ref.name):
        ref.resolution = Resolution.PRELUDE
        return
    # A route target or middleware may name an agent member function of a unique name (D70).
    if ref.position is Position.RUNNABLE and activation.kind == "top":
        owners = [a for a in program.agents() if any(f.name == ref.name for f in a.functions)]
        if len(owners) == 1:
            ref.resolution = Resolution.MEMBER


def _enclosing_agent(activation: Activation | None) -> ast.AgentDecl | None:
    while activation is not None:
        if activation.agent is not None:
            return activation.agent
        activation = activation.parent
    return None


def _agent_member_names(agent: ast.AgentDecl) -> set[str]:
    names = {f.name for f in agent.functions} | {f.name for f in agent.flows}
    names |= {p.key for p in agent.properties}
    for let in agent.lets:
        names |= {name for name, _ in pattern_bindings(let.pattern)}
    return names


class _ScopeBuilder:
    def __init__(self, program: Program) -> None:
        self.program = program
        self.activations: list[Activation] = []
        self.references: list[Reference] = []

    # ---- activations

    def _open(
        self,
        kind: str,
        node: ast.Node,
        file: SourceFile,
        parent: Activation | None = None,
        agent: ast.AgentDecl | None = None,
        specials: frozenset[str] = frozenset(),
    ) -> Activation:
        activation = Activation(kind, node, file, parent, agent, specials=specials)
        self.activations.append(activation)
        return activation

    def file(self, file: SourceFile) -> None:
        top = self._open("top", file.module, file)
        statements = file.module.statements
        for statement in statements:
            self._bind_statement(top, statement)
        for statement in statements:
            self._statement(top, statement)
        for decl in file.module.declarations:
            self._declaration(top, decl, file)

    def _declaration(self, top: Activation, decl: ast.Decl, file: SourceFile) -> None:
        if isinstance(decl, ast.FlowDecl):
            self._flow(decl, file, None)
        elif isinstance(decl, ast.AgentDecl):
            for contract in decl.contracts:
                scope = self._open(
                    "contract", contract, file, agent=decl, specials=frozenset({"input", "args", "result"})
                )
                self._expr(scope, contract.condition)
            for prop in decl.properties:
                # `key = expr` is evaluated in the global scope (§3.1.4); `tools = [a, b]` items are
                # tool positions (E007), not variables.
                if prop.is_assignment and prop.key != "tools":
                    self._expr(top, prop.value)
            for function in decl.functions:
                self._body(file, "function", function, function.params, function.body, agent=decl)
            for flow in decl.flows:
                self._flow(flow, file, decl)
            for let in decl.lets:
                scope = self._open("function", let, file, agent=decl)
                self._expr(scope, let.value)
        elif isinstance(decl, ast.ToolFnDecl):
            self._body(file, "tool_fn", decl, decl.params, decl.body)
        elif isinstance(decl, ast.TestDecl):
            self._body(file, "test", decl, [], decl.body)
        elif isinstance(decl, ast.ImplDecl | ast.TraitDecl):
            for method in decl.methods:
                if method.body is not None:
                    self._body(file, "function", method, method.params, method.body, specials={"self"})
        elif isinstance(decl, ast.JobDecl):
            if decl.perform is not None:
                scope = self._body(file, "job", decl, [], decl.perform)
                for name in decl.perform_params:
                    scope.bind(name.id, name.span)
            if decl.on_failure is not None:
                scope = self._body(file, "job", decl, [], decl.on_failure)
                for name in decl.failure_params:
                    scope.bind(name.id, name.span)
        elif isinstance(decl, ast.ServerDecl):
            for route, _ in _routes(decl):
                for stage in route.stages:
                    self._reference(top, stage.id, stage.span, Position.RUNNABLE)
            for item in _server_items(decl):
                for name in item.names:
                    self._reference(top, name.id, name.span, Position.RUNNABLE)
        elif isinstance(decl, ast.HandleDecl) and decl.argument is not None:
            self._expr(top, decl.argument)

    def _flow(self, flow: ast.FlowDecl, file: SourceFile, agent: ast.AgentDecl | None) -> None:
        scope = self._body(file, "flow", flow, flow.params, flow.body, agent=agent)
        for contract in flow.contracts:
            specials = {"result", "old"} if contract.kind == "ensures" else set()
            contract_scope = self._open(
                "contract", contract, file, parent=scope, agent=agent, specials=frozenset(specials)
            )
            self._expr(contract_scope, contract.condition)

    def _body(
        self,
        file: SourceFile,
        kind: str,
        node: ast.Node,
        params: list[ast.Param],
        body: ast.Block | None,
        parent: Activation | None = None,
        agent: ast.AgentDecl | None = None,
        specials: set[str] | None = None,
    ) -> Activation:
        extra = set(specials or ())
        if agent is not None:
            extra.add("self")
        scope = self._open(kind, node, file, parent, agent, frozenset(extra))
        for param in params:
            scope.bind(param.name, param.name_span)
            if param.default is not None:
                self._expr(scope, param.default)
        if body is not None:
            self._bind_statement(scope, body)  # the whole block at once: one query, not one a statement
            for statement in body.statements:
                self._statement(scope, statement)
        return scope

    # ---- bindings (first pass over an activation: blocks do not scope)

    def _bind_statement(self, scope: Activation, statement: ast.Node) -> None:
        """Record every binding occurrence below `statement`, not descending into lambdas."""
        # In walk order (source order: the first binding wins), from the file's node index.
        for node in scope.file.nodes.within(statement, _BINDING_KINDS, (ast.Lambda,)):
            for name, name_span in _binding_occurrences(node):
                scope.bind(name, name_span)
            if isinstance(node, ast.PythonBlock):
                scope.is_open = True

    # ---- references

    def _reference(self, scope: Activation, name: str, span: Span, position: Position) -> None:
        self.references.append(Reference(name, span, position, scope.file, scope))

    def _statement(self, scope: Activation, statement: ast.Stmt) -> None:
        if isinstance(statement, ast.Assign):
            target = statement.target
            if not isinstance(target, ast.Name):
                self._expr(scope, target)  # the base name of `a.b = …` is a variable position
            self._expr(scope, statement.value)
            return
        if isinstance(statement, ast.Let):
            self._expr(scope, statement.value)
            return
        if isinstance(statement, ast.Raise) and isinstance(statement.value, ast.Call):
            # `raise Kind(message)`: Kind names an error kind and need not be declared (D27).
            if not isinstance(statement.value.function, ast.Name):
                self._expr(scope, statement.value.function)
            for argument in statement.value.arguments:
                self._expr(scope, argument.value)
            return
        if isinstance(statement, ast.Hook) and statement.event in ("before_tool", "after_tool"):
            self._block(scope, statement.body)  # the tool name is checked by E007, not as a variable
            return
        # A fast_match pattern is data: its `#{…}` is text, not names (L§1.6.5, D04).
        data = statement.fast_match if isinstance(statement, ast.SemanticIf) else None
        for child in statement.children():
            if child is data:
                continue
            if isinstance(child, ast.Expr):
                self._expr(scope, child)
            elif isinstance(child, ast.Block):
                self._block(scope, child)
            elif isinstance(child, ast.Stmt):
                self._statement(scope, child)
            elif isinstance(child, ast.Correction):
                self._block(scope, child.body)

    def _block(self, scope: Activation, block: ast.Block) -> None:
        for statement in block.statements:
            self._statement(scope, statement)

    def _expr(self, scope: Activation, expr: ast.Node | None, position: Position = Position.VARIABLE) -> None:
        if type(expr) is ast.Name:  # half of the expressions: no dispatch
            self.references.append(Reference(expr.id, expr.span, position, scope.file, scope))
        elif expr is not None:
            # One look-up by class instead of a test per kind of expression (scopes visit every
            # expression of a program).
            _expr_visitor(type(expr))(self, scope, expr, position)

    def _name(self, scope: Activation, expr: ast.Name, position: Position) -> None:
        self._reference(scope, expr.id, expr.span, position)

    def _call(self, scope: Activation, expr: ast.Call, position: Position) -> None:
        if _is_join(expr.function):  # join(A, B): its arguments are runnables (§2.2)
            self._expr(scope, expr.function, Position.CALL)
            for argument in expr.arguments:
                self._runnable_operand(scope, argument.value, Position.RUNNABLE)
            return
        function = expr.function
        if isinstance(function, ast.Member) and function.name != "run" and _is_join_call(function.object):
            # join(A, B).M(x): the member name M is an agent (L§5.12)
            self._expr(scope, function.object)
            self._reference(scope, function.name, function.name_span, Position.RUNNABLE)
        else:
            self._expr(scope, function, Position.CALL)
        for argument in expr.arguments:
            self._expr(scope, argument.value)

    def _member(self, scope: Activation, expr: ast.Member, position: Position) -> None:
        self._expr(scope, expr.object, Position.RECEIVER)

    def _dag(self, scope: Activation, expr: ast.Dag, position: Position) -> None:
        if isinstance(expr.left, ast.ListLit) and expr.op in ("&>>", "&&"):
            self._runnable_operand(scope, expr.left, Position.RUNNABLE)
        else:
            self._expr(scope, expr.left, Position.VARIABLE)
        if isinstance(expr.right, ast.Member) and expr.op in (">>", "|>"):
            # a member path stage `x >> A.run`: its leftmost name is the runnable (§2.2)
            self._member_path(scope, expr.right)
        else:
            right_position = Position.RUNNABLE if isinstance(expr.right, ast.Name) else Position.VARIABLE
            self._runnable_operand(scope, expr.right, right_position)

    def _branch(self, scope: Activation, expr: ast.Branch, position: Position) -> None:
        self._expr(scope, expr.input)
        self._runnable_operand(scope, expr.consequence, Position.RUNNABLE)
        self._runnable_operand(scope, expr.alternative, Position.RUNNABLE)
        for case in expr.cases:
            self._expr(scope, case.value)

    def _spawn(self, scope: Activation, expr: ast.Spawn, position: Position) -> None:
        if expr.actor is not None:
            self._reference(scope, expr.actor.id, expr.actor.span, Position.RUNNABLE)
        self._expr(scope, expr.task)
        for argument in expr.arguments:
            self._expr(scope, argument.value)
        if expr.agents is not None:
            self._runnable_operand(scope, expr.agents, Position.RUNNABLE)

    def _lambda(self, scope: Activation, expr: ast.Lambda, position: Position) -> None:
        lambda_scope = self._body(
            scope.file, "lambda", expr, expr.params, expr.body, parent=scope, agent=None
        )
        lambda_scope.agent = None

    def _match(self, scope: Activation, expr: ast.Match, position: Position) -> None:
        self._expr(scope, expr.subject)
        for arm in expr.arms:
            if isinstance(arm, ast.MatchArm) and arm.guard is not None:
                self._expr(scope, arm.guard)
            self._arm_body(scope, arm.body)

    def _otherwise(self, scope: Activation, expr: ast.Otherwise, position: Position) -> None:
        self._expr(scope, expr.left)
        self._arm_body(scope, expr.right)

    def _string(self, scope: Activation, expr: ast.StringLit, position: Position) -> None:
        for interpolation in expr.interpolations:
            for name in interpolation.names:
                self._reference(scope, name.id, name.span, Position.VARIABLE)

    def _no_names(self, scope: Activation, expr: ast.Node, position: Position) -> None:
        return

    def _other(self, scope: Activation, expr: ast.Node, position: Position) -> None:
        for child in expr.child_list():
            if isinstance(child, ast.Expr):
                self._expr(scope, child)
            elif isinstance(child, ast.Argument | ast.ForkBranch | ast.CaseArm | ast.DictEntry):
                self._expr(scope, getattr(child, "value", None))

    def _arm_body(self, scope: Activation, body: ast.Expr | ast.Block | None) -> None:
        if isinstance(body, ast.Block):
            self._block(scope, body)
        else:
            self._expr(scope, body)

    def _member_path(self, scope: Activation, member: ast.Member) -> None:
        base: ast.Expr = member
        while isinstance(base, ast.Member):
            base = base.object
        if isinstance(base, ast.Name):
            self._reference(scope, base.id, base.span, Position.RUNNABLE)
        else:
            self._expr(scope, member)

    def _runnable_operand(self, scope: Activation, expr: ast.Expr | None, position: Position) -> None:
        if isinstance(expr, ast.ListLit):
            for element in expr.elements:
                self._expr(
                    scope, element, Position.RUNNABLE if isinstance(element, ast.Name) else Position.VARIABLE
                )
        else:
            self._expr(scope, expr, position)


_ExprVisit = Callable[[_ScopeBuilder, Activation, Any, Position], None]

# How `_ScopeBuilder._expr` visits an expression, by its class (the first that it is an instance of).
_EXPR_VISITS: list[tuple[type[ast.Node] | tuple[type[ast.Node], ...], _ExprVisit]] = [
    (ast.Name, _ScopeBuilder._name),
    (ast.Call, _ScopeBuilder._call),
    (ast.Member, _ScopeBuilder._member),
    (ast.Dag, _ScopeBuilder._dag),
    (ast.Branch, _ScopeBuilder._branch),
    (ast.Spawn, _ScopeBuilder._spawn),
    (ast.Lambda, _ScopeBuilder._lambda),
    (ast.Match, _ScopeBuilder._match),
    (ast.Otherwise, _ScopeBuilder._otherwise),
    (ast.StringLit, _ScopeBuilder._string),
    ((ast.ScopedName, ast.TemplateLit), _ScopeBuilder._no_names),
]
_EXPR_VISITOR: dict[type, _ExprVisit] = {}  # by class: its entry of `_EXPR_VISITS`, or `_other`


def _expr_visitor(cls: type) -> _ExprVisit:
    visit = _EXPR_VISITOR.get(cls)
    if visit is None:
        visit = next((v for kinds, v in _EXPR_VISITS if issubclass(cls, kinds)), _ScopeBuilder._other)
        _EXPR_VISITOR[cls] = visit
    return visit


def _is_join(function: ast.Expr) -> bool:
    return isinstance(function, ast.Name) and function.id == "join"


def _is_join_call(expr: ast.Expr) -> bool:
    return isinstance(expr, ast.Call) and _is_join(expr.function)


# The node types `_bind_statement` looks at: those `_binding_occurrences` reads and python! blocks
# (which open the activation); lambdas are not descended.
_BINDING_KINDS = (
    ast.Assign,
    ast.Let,
    ast.For,
    ast.ForEach,
    ast.TryCatch,
    ast.Correction,
    ast.Hook,
    ast.MatchArm,
    ast.ForkBranch,
    ast.PythonBlock,
)


def _binding_occurrences(node: ast.Node) -> Iterator[tuple[str, Span]]:
    if isinstance(node, ast.Assign) and isinstance(node.target, ast.Name):
        yield node.target.id, node.target.span
    elif isinstance(node, ast.Let | ast.For):
        yield from pattern_bindings(node.pattern)
    elif isinstance(node, ast.ForEach):
        yield node.variable, node.variable_span
        if node.value is not None and node.value_span is not None:
            yield node.value, node.value_span
    elif isinstance(node, ast.TryCatch) and node.name:
        yield node.name, node.name_span
    elif isinstance(node, ast.Correction) and node.name:
        yield node.name, node.name_span
    elif isinstance(node, ast.Hook) and node.event == "on_error" and node.name and node.name_span:
        yield node.name, node.name_span
    elif isinstance(node, ast.MatchArm):
        yield from pattern_bindings(node.pattern)
    elif isinstance(node, ast.ForkBranch) and node.name and node.name_span:
        yield node.name, node.name_span


def _routes(
    server: ast.ServerDecl | ast.RouteGroup,
) -> Iterator[tuple[ast.Route, ast.ServerDecl | ast.RouteGroup]]:
    for route in server.routes:
        yield route, server
    for group in server.groups:
        yield from _routes(group)


def _server_items(server: ast.ServerDecl | ast.RouteGroup) -> Iterator[ast.ServerItem]:
    yield from server.items
    for group in server.groups:
        yield from _server_items(group)
