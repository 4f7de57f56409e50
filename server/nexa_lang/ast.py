"""Typed syntax tree of a Nexa file, lowered from the tree-sitter CST by `nexa_lang.lowering`.

Every node carries `span`, the byte range of its text, so a diagnostic, a DAG node and a bytecode
instruction all point back at the same source. Names that a tool navigates to (a declaration's name,
a member name, a keyword argument's name) carry their own `*_span`. Optional parts the user has not
typed yet are `None`: the tree may come from a file with syntax errors (spec diagnostics §2.6).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Union

from nexa_lang.positions import Span

NO_SPAN = Span(0, 0)

# Every node class is a keyword-only dataclass compared by identity. Its repr is the one generic
# `Node.__repr__`: generating one per class cost a third of importing this module, which every
# `nexa-lsp --check` and cold `nexa run` pays. Its fields are slots: a node is one allocation
# instead of two (object and attribute values), which lowering makes and the checker frees for
# every node of every file; it also means a node has no attributes beyond its fields.
node = dataclass(kw_only=True, eq=False, repr=False, slots=True)


# Field annotations that never hold a node: `children` skips these fields.
_SCALAR_TYPES = frozenset(
    {"Span", "Span | None", "list[Span]", "str", "str | None", "list[str]", "bool", "int", "int | None"}
    | {"int | float", "int | float | str | bool"}
)
_CHILD_LISTERS: dict[type, Callable[[Node], list[Node]]] = {}


def _child_lister(cls: type) -> Callable[[Node], list[Node]]:
    """A function listing the child nodes of a `cls` instance, made once per class.

    Every walk of the tree (the node index, scopes, activation graphs, several rules) calls
    `child_list` on every node, and a loop over the field names with `getattr` was the largest
    single cost of checking. So, as `dataclasses` does for `__init__`, the function is generated
    from the class's fields: one statement per field that may hold a node, which appends the
    value when it is a node or the nodes of a list or tuple, exactly as the loop did. A field
    declared as a list is tested for a sequence first, the others for a node first (either order
    gives the same result: a node is never a sequence); the items are filtered in a plain loop,
    which costs less than a comprehension's frame.
    """
    lister = _CHILD_LISTERS.get(cls)
    if lister is None:
        lines = ["def child_list(self):", "    found = []", "    append = found.append"]
        node_test = ["    if isinstance(value, Node):", "        append(value)"]
        sequence_test = [
            "    if isinstance(value, SEQUENCE):",
            "        for item in value:",
            "            if isinstance(item, Node):",
            "                append(item)",
        ]
        for field_ in fields(cls):
            if field_.type in _SCALAR_TYPES:
                continue
            is_list = str(field_.type).startswith("list[")
            first, second = (sequence_test, node_test) if is_list else (node_test, sequence_test)
            lines += [f"    value = self.{field_.name}", *first, "    el" + second[0].lstrip(), *second[1:]]
        lines.append("    return found")
        namespace: dict[str, object] = {}
        scope = {"Node": Node, "SEQUENCE": (list, tuple)}
        exec("\n".join(lines), scope, namespace)  # noqa: S102 - our own field names only
        lister = _CHILD_LISTERS[cls] = namespace["child_list"]  # type: ignore[assignment]
        cls.child_list = lister  # type: ignore[attr-defined]  # later calls skip `Node.child_list`
    return lister


@cache
def may_have_children(cls: type[Node]) -> bool:
    """Whether an instance of `cls` can have child nodes: it has a field that may hold a node, or
    a hand-written `child_list`. A walker need not list the children of the others (a third of
    the nodes: names, numbers…)."""
    lister = cls.child_list
    if lister is not Node.child_list and lister not in _CHILD_LISTERS.values():
        return True
    return any(field_.type not in _SCALAR_TYPES for field_ in fields(cls))


def child_lister(cls: type[Node]) -> Callable[[Node], list[Node]] | None:
    """The function listing the children of a `cls` instance (its `child_list`, generated if
    need be), or None when an instance cannot have any: for a walker, which then calls it
    directly rather than looking the method up on every node."""
    if not may_have_children(cls):
        return None
    lister = cls.child_list
    return _child_lister(cls) if lister is Node.child_list else lister


@node
class Node:
    span: Span = NO_SPAN

    def __init_subclass__(cls, **kwargs: object) -> None:
        # `super()` without arguments would name the class that `dataclass(slots=True)` replaced
        super(Node, cls).__init_subclass__(**kwargs)  # noqa: UP008
        # Every class gets its own `child_list` entry, which its first call replaces with the
        # class's generated lister: a lister installed on a base class (an `Expr()` listed, say)
        # lists the base's fields and must never be inherited. A hand-written `child_list`, as
        # StringLit's, is inherited as usual.
        inherited = cls.child_list
        if inherited is Node.child_list or inherited in _CHILD_LISTERS.values():
            cls.child_list = Node.child_list  # type: ignore[method-assign]

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"{type(self).__name__}({shown})"

    def children(self) -> Iterator[Node]:
        """The direct child nodes, in source order of the fields."""
        return iter(self.child_list())

    def child_list(self) -> list[Node]:
        """`children` as a new list (the walkers' fast path). The first call on a class generates
        its lister (`_child_lister`), which then replaces this method on the class."""
        return _child_lister(type(self))(self)

    def walk(self) -> Iterator[Node]:
        """This node and every node below it, depth first, in source order."""
        stack: list[Node] = [self]
        pop, extend = stack.pop, stack.extend
        while stack:
            node = pop()
            yield node
            below = node.child_list()
            if below:
                below.reverse()
                extend(below)


# ---------------------------------------------------------------------------------- types (§3.8)


@node
class TypeExpr(Node):
    pass


@node
class NamedType(TypeExpr):
    name: str


@node
class GenericType(TypeExpr):
    name: str
    arguments: list[TypeExpr] = field(default_factory=list)


@node
class OptionalType(TypeExpr):
    inner: TypeExpr


@node
class UnionType(TypeExpr):
    options: list[TypeExpr] = field(default_factory=list)


@node
class LegacyGenericType(TypeExpr):
    """`-> Name<Inner>` in an agent header (W003)."""

    name: str
    argument: str


@node
class TypeString(TypeExpr):
    """A quoted type in a protocol field (`"string"`, `"a|b"`, §3.4)."""

    text: str


# ---------------------------------------------------------------------------------- expressions


@node
class Expr(Node):
    pass


@node
class Name(Expr):
    id: str


@node
class ScopedName(Expr):
    """`Enum::Variant`."""

    scope: str
    name: str
    scope_span: Span = NO_SPAN
    name_span: Span = NO_SPAN


@node
class Number(Expr):
    value: int | float
    text: str = ""


@node
class Bool(Expr):
    value: bool


@node
class NoneLit(Expr):
    spelling: str = "none"


@node
class Interpolation(Node):
    """`#{path}` inside a string: `path` is the text between the braces, stripped (§1.6.3)."""

    path: str
    names: list[Name] = field(default_factory=list)  # the leading name, resolvable like a variable


@node
class StringLit(Expr):
    """Any string form. `value` is the text with escapes applied and interpolations kept as `#{…}`;
    `parts` alternate text and `Interpolation`s for the forms that interpolate."""

    value: str
    kind: str = "double"  # double | single | triple | raw
    parts: list[str | Interpolation] = field(default_factory=list)

    @property
    def interpolations(self) -> list[Interpolation]:
        return [p for p in self.parts if isinstance(p, Interpolation)]

    def child_list(self) -> list[Node]:
        return [p for p in self.parts if isinstance(p, Interpolation)]


@node
class TemplateLit(Expr):
    text: str
    content_span: Span = NO_SPAN


@node
class Member(Expr):
    object: Expr
    name: str
    name_span: Span = NO_SPAN


@node
class Argument(Node):
    value: Expr
    name: str | None = None
    name_span: Span | None = None


@node
class Call(Expr):
    function: Expr
    arguments: list[Argument] = field(default_factory=list)
    arguments_span: Span = NO_SPAN


@node
class Index(Expr):
    object: Expr
    index: Expr


@node
class Unary(Expr):
    op: str  # '-' | 'not'
    operand: Expr


@node
class Await(Expr):
    value: Expr


@node
class Binary(Expr):
    """Arithmetic (`+ - * / %`), comparison (`== != < <= > >=`) and logic (`and or`)."""

    op: str
    left: Expr
    right: Expr
    op_span: Span = NO_SPAN


@node
class Dag(Expr):
    """One of the six DAG operators `>> |>> || &>> && |>` (§5.6)."""

    op: str
    left: Expr
    right: Expr
    op_span: Span = NO_SPAN


@node
class Coalesce(Expr):
    left: Expr
    right: Expr


@node
class CaseArm(Node):
    label: StringLit
    value: Expr


@node
class Branch(Expr):
    """`x ?? A : B` (consequence/alternative) or `x ?? { "label" => e }` (cases), §5.7.2."""

    input: Expr
    consequence: Expr | None = None
    alternative: Expr | None = None
    cases: list[CaseArm] = field(default_factory=list)


@node
class Otherwise(Expr):
    op: str  # 'otherwise' | 'fallback'
    left: Expr
    right: Expr | Block


@node
class TryExpr(Expr):
    """Postfix `?` (§5.9)."""

    operand: Expr


@node
class FallbackElement(Expr):
    """`fallback: expr` inside a list literal (model lists, §3.1.5)."""

    value: Expr


@node
class ListLit(Expr):
    elements: list[Expr] = field(default_factory=list)


@node
class DictEntry(Node):
    key: str
    value: Expr
    key_span: Span = NO_SPAN
    key_is_word: bool = False


@node
class DictLit(Expr):
    entries: list[DictEntry] = field(default_factory=list)
    has_map: bool = False


@node
class Param(Node):
    name: str
    name_span: Span = NO_SPAN
    type: TypeExpr | None = None
    default: Expr | None = None


@node
class Lambda(Expr):
    params: list[Param] = field(default_factory=list)
    return_type: TypeExpr | None = None
    body: Block | None = None


@node
class MatchArm(Node):
    pattern: Pattern
    body: Expr | Block | None
    guard: Expr | None = None
    guard_after: bool = False
    second_guard: Expr | None = None  # `p if a => e if b`: an error (E015), kept for its range


@node
class IntentArm(Node):
    intent: StringLit
    body: Expr | Block | None


@node
class Match(Expr):
    subject: Expr
    arms: list[MatchArm | IntentArm] = field(default_factory=list)

    @property
    def is_intent_match(self) -> bool:
        return any(isinstance(arm, IntentArm) for arm in self.arms)


@node
class SemanticIfExpr(Expr):
    subject: Expr
    question: StringLit
    cases: list[CaseArm] = field(default_factory=list)


@node
class PrintCall(Expr):
    arguments: list[Argument] = field(default_factory=list)


@node
class Spawn(Expr):
    """`spawn(task)`, `spawn Actor(args)` or `spawn [A, B]` (§5.2.7)."""

    task: Expr | None = None
    actor: Name | None = None
    arguments: list[Argument] = field(default_factory=list)
    agents: ListLit | None = None


@node
class ForkBranch(Node):
    value: Expr
    name: str | None = None
    name_span: Span | None = None


@node
class Fork(Expr):
    branches: list[ForkBranch] = field(default_factory=list)
    strategy: str = ""
    strategy_span: Span = NO_SPAN


@node
class SnapshotExpr(Expr):
    pass


@node
class Receive(Expr):
    type: TypeExpr | None = None


@node
class Missing(Expr):
    """An expression the user has not written (yet): the tree has an ERROR or MISSING there."""


# ---------------------------------------------------------------------------------- patterns


@node
class Pattern(Node):
    pass


@node
class WildcardPattern(Pattern):
    pass


@node
class LiteralPattern(Pattern):
    value: Expr


@node
class BindingPattern(Pattern):
    name: str


@node
class TuplePattern(Pattern):
    elements: list[Pattern] = field(default_factory=list)


@node
class RestPattern(Pattern):
    name: str | None = None
    name_span: Span | None = None


@node
class ListPattern(Pattern):
    elements: list[Pattern] = field(default_factory=list)
    rest: RestPattern | None = None


@node
class MapPatternEntry(Node):
    key: str
    key_span: Span = NO_SPAN
    pattern: Pattern | None = None  # None: binds the key's name


@node
class MapPattern(Pattern):
    entries: list[MapPatternEntry] = field(default_factory=list)
    rest: RestPattern | None = None


@node
class VariantPattern(Pattern):
    enum: str
    variant: str
    arguments: list[Pattern] = field(default_factory=list)
    has_parens: bool = False
    variant_span: Span | None = None  # the variant name after `::` (E002 points at it)


# ---------------------------------------------------------------------------------- statements


@node
class Stmt(Node):
    pass


@node
class Block(Node):
    statements: list[Stmt] = field(default_factory=list)


@node
class ExprStmt(Stmt):
    expr: Expr


@node
class Let(Stmt):
    pattern: Pattern
    value: Expr
    type: TypeExpr | None = None


@node
class Assign(Stmt):
    target: Expr  # Name, Member or Index
    value: Expr


@node
class Print(Stmt):
    value: Expr


@node
class If(Stmt):
    condition: Expr
    consequence: Block
    alternative: Block | If | SemanticIf | None = None


@node
class SemanticIf(Stmt):
    condition: StringLit
    subject: Expr
    consequence: Block
    fast_match: StringLit | None = None
    alternative: Block | If | SemanticIf | None = None


@node
class While(Stmt):
    condition: Expr
    body: Block


@node
class ForEach(Stmt):
    variable: str
    variable_span: Span
    iterable: Expr
    body: Block
    value: str | None = None
    value_span: Span | None = None


@node
class For(Stmt):
    pattern: Pattern
    iterable: Expr
    body: Block


@node
class Loop(Stmt):
    body: Block
    condition: Expr


@node
class Break(Stmt):
    pass


@node
class Continue(Stmt):
    pass


@node
class Return(Stmt):
    value: Expr | None = None


@node
class TryCatch(Stmt):
    body: Block
    handler: Block
    name: str = ""
    name_span: Span = NO_SPAN
    kind: str | None = None
    kind_span: Span | None = None


@node
class Raise(Stmt):
    value: Expr


@node
class Assert(Stmt):
    condition: Expr
    against: Expr | None = None


@node
class Defer(Stmt):
    value: Expr


@node
class PythonBlock(Stmt):
    code: str
    code_span: Span = NO_SPAN


@node
class ContractStmt(Stmt):
    kind: str  # requires | ensures
    condition: Expr


@node
class HarnessParam(Node):
    name: str
    value: int | float | str | bool
    name_span: Span = NO_SPAN
    value_span: Span = NO_SPAN
    is_symbol: bool = False  # a bare word such as sliding_window


@node
class Autoloop(Stmt):
    params: list[HarnessParam] = field(default_factory=list)
    body: Block = field(default_factory=Block)


@node
class WithContext(Stmt):
    params: list[HarnessParam] = field(default_factory=list)
    body: Block = field(default_factory=Block)


@node
class ContextPolicy(Stmt):
    params: list[HarnessParam] = field(default_factory=list)


@node
class Correction(Node):
    name: str
    body: Block
    name_span: Span = NO_SPAN
    kind: str | None = None


@node
class TryAgent(Stmt):
    body: Block
    corrections: list[Correction] = field(default_factory=list)


@node
class Restore(Stmt):
    snapshot: Expr
    condition: Expr | None = None


@node
class Verify(Stmt):
    subject: Expr
    type: TypeExpr | None = None
    against: Expr | None = None


@node
class Reflect(Stmt):
    note: Expr


@node
class Unharnessed(Stmt):
    body: Block
    reason: StringLit | None = None


@node
class Hook(Stmt):
    event: str  # before_step after_step on_error before_tool after_tool
    body: Block
    name: str | None = None
    name_span: Span | None = None
    kind: str | None = None


@node
class Pass(Stmt):
    message: Expr
    actor: Expr


# ---------------------------------------------------------------------------------- declarations


@node
class Decl(Node):
    """A named declaration; `name_span` is where rules about the declaration point (§1.5)."""

    name: str = ""
    name_span: Span = NO_SPAN
    doc: str | None = None  # the `//` comment lines right above, for hover


@node
class Include(Decl):
    path: StringLit | None = None


@node
class Import(Decl):
    module: str = ""
    module_span: Span = NO_SPAN
    alias: str | None = None
    alias_span: Span | None = None


@node
class DecoratorArg(Node):
    name: str
    value: Expr
    name_span: Span = NO_SPAN


@node
class Decorator(Node):
    name: str
    name_span: Span = NO_SPAN
    arguments: list[DecoratorArg] = field(default_factory=list)


@node
class UseItem(Node):
    """One item of a uses list: a dotted name, a string, or `mcp:"…"` (§3.1.3)."""

    kind: str  # name | string | mcp
    text: str


@node
class Property(Node):
    """`key: value`, `key literal` (colon-less) or `key = expr` (`is_assignment`)."""

    key: str
    value: Expr
    key_span: Span = NO_SPAN
    colonless: bool = False
    is_assignment: bool = False


@node
class Contract(Node):
    kind: str  # requires | ensures
    condition: Expr


@node
class FunctionDecl(Decl):
    """`fn name(params) … { … }`: agent member functions and impl methods (`body` None in traits)."""

    params: list[Param] = field(default_factory=list)
    return_type: TypeExpr | None = None
    body: Block | None = None


@node
class FlowDecl(Decl):
    params: list[Param] = field(default_factory=list)
    has_parens: bool = False
    return_type: TypeExpr | None = None
    contracts: list[Contract] = field(default_factory=list)
    body: Block = field(default_factory=Block)


@node
class AgentDecl(Decl):
    decorators: list[Decorator] = field(default_factory=list)
    uses: list[UseItem] = field(default_factory=list)
    implements: list[Name] = field(default_factory=list)
    return_type: TypeExpr | None = None
    contracts: list[Contract] = field(default_factory=list)
    properties: list[Property] = field(default_factory=list)
    functions: list[FunctionDecl] = field(default_factory=list)
    flows: list[FlowDecl] = field(default_factory=list)
    lets: list[Let] = field(default_factory=list)
    body_span: Span = NO_SPAN

    def property(self, key: str) -> Property | None:
        return next((p for p in self.properties if p.key == key), None)


@node
class ToolDecl(Decl):
    properties: list[Property] = field(default_factory=list)

    def property(self, key: str) -> Property | None:
        return next((p for p in self.properties if p.key == key), None)


@node
class ToolOption(Node):
    key: str
    value: Expr
    key_span: Span = NO_SPAN


@node
class ToolFnDecl(Decl):
    description: StringLit | None = None
    options: list[ToolOption] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)
    return_type: TypeExpr | None = None
    body: Block = field(default_factory=Block)


@node
class ProtocolField(Node):
    name: str
    type: TypeExpr
    name_span: Span = NO_SPAN


@node
class ProtocolDecl(Decl):
    fields: list[ProtocolField] = field(default_factory=list)


@node
class TestDecl(Decl):
    """`name` is the test's name (the string), `name_span` the string."""

    body: Block = field(default_factory=Block)


@node
class TypeDecl(Decl):
    type: TypeExpr | None = None
    constraint: StringLit | None = None


@node
class FieldDecl(Node):
    name: str
    name_span: Span = NO_SPAN
    type: TypeExpr | None = None


@node
class StructDecl(Decl):
    fields: list[FieldDecl] = field(default_factory=list)


@node
class EnumVariant(Node):
    name: str
    name_span: Span = NO_SPAN
    fields: list[FieldDecl] = field(default_factory=list)
    has_payload: bool = False


@node
class EnumDecl(Decl):
    variants: list[EnumVariant] = field(default_factory=list)


@node
class TraitDecl(Decl):
    methods: list[FunctionDecl] = field(default_factory=list)


@node
class ImplDecl(Decl):
    """`impl Trait for Type`: `name` is the trait, `type_name` the implementing type."""

    type_name: str = ""
    type_span: Span = NO_SPAN
    methods: list[FunctionDecl] = field(default_factory=list)


@node
class JobOption(Node):
    key: str
    value: Expr
    key_span: Span = NO_SPAN


@node
class JobDecl(Decl):
    queue: str = ""
    queue_span: Span = NO_SPAN
    options: list[JobOption] = field(default_factory=list)  # header options
    properties: list[JobOption] = field(default_factory=list)  # body config lines
    perform_params: list[Name] = field(default_factory=list)
    perform: Block | None = None
    perform_span: Span | None = None
    failure_params: list[Name] = field(default_factory=list)
    on_failure: Block | None = None
    perform_count: int = 0
    failure_count: int = 0
    perform_spans: list[Span] = field(default_factory=list)  # every `perform`, for E004
    failure_spans: list[Span] = field(default_factory=list)  # every `on_failure`, for E004


@node
class Route(Node):
    method: str  # GET … or SEMANTIC for a semantic route
    path: StringLit
    stages: list[Name] = field(default_factory=list)
    operators: list[str] = field(default_factory=list)


@node
class ServerItem(Node):
    """static / cors / middleware / require_auth directives."""

    kind: str
    strings: list[StringLit] = field(default_factory=list)
    names: list[Name] = field(default_factory=list)
    options: DictLit | None = None


@node
class RouteGroup(Node):
    prefix: StringLit
    routes: list[Route] = field(default_factory=list)
    items: list[ServerItem] = field(default_factory=list)
    groups: list[RouteGroup] = field(default_factory=list)


@node
class ServerDecl(Decl):
    """`name` is set for a named server; `port` for a numbered one."""

    port: int | None = None
    routes: list[Route] = field(default_factory=list)
    items: list[ServerItem] = field(default_factory=list)
    groups: list[RouteGroup] = field(default_factory=list)


@node
class HandleDecl(Decl):
    """`db h = connect(…)`, `kv h = open(…)`, `auth h = enable_auth(…)`."""

    kind: str = ""  # db | kv | auth
    argument: Expr | None = None


DeclarationNode = Union[  # noqa: UP007 - a readable list of the kinds
    Include,
    Import,
    AgentDecl,
    ToolDecl,
    ToolFnDecl,
    ProtocolDecl,
    FlowDecl,
    TestDecl,
    TypeDecl,
    StructDecl,
    EnumDecl,
    TraitDecl,
    ImplDecl,
    JobDecl,
    ServerDecl,
    HandleDecl,
]


@node
class Module(Node):
    """One file: its declarations and top-level statements, in source order."""

    path: str | None = None
    items: list[Decl | Stmt] = field(default_factory=list)

    @property
    def declarations(self) -> list[Decl]:
        return [item for item in self.items if isinstance(item, Decl)]

    @property
    def statements(self) -> list[Stmt]:
        return [item for item in self.items if isinstance(item, Stmt)]
