"""Every occurrence of a name in a program, with what it denotes (spec L§6).

One index behind definition, references, highlights, rename and semantic tokens: a name the cursor
is on is looked up here, and "all uses of the same thing" are the occurrences with an equal
`Target`. The index is built once per `Program` from the resolved references of `nexa_lang.scopes`,
the binding occurrences of every activation, and the declaration names and name positions of the
AST that are not variable references (members, `Enum::Variant`, types, `implements`, `uses`, keyword
arguments, include paths).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from weakref import WeakKeyDictionary

from nexa_lang import ast
from nexa_lang.keywords import TYPE_NAMES
from nexa_lang.model import DECLARATION_KINDS, Program, SourceFile, Symbol, pattern_bindings
from nexa_lang.positions import Span
from nexa_lang.prelude import STD_NAMESPACES, is_prelude_name
from nexa_lang.scopes import Activation, Reference, Resolution
from nexa_lang.types import ERROR_KINDS, OBJECT_TYPES, Types, single_binding, type_of_annotation


class Denotes(str, Enum):
    """What kind of thing a name stands for; with `Target.owner` it says which one."""

    GLOBAL = "global"  # a declaration or top-level variable (L§6.1); owner None
    LOCAL = "local"  # a parameter or local variable; owner the Activation that binds it
    MEMBER = "member"  # an agent's property, fn, flow or let; owner the AgentDecl
    VARIANT = "variant"  # a variant of a declared enum; owner the EnumDecl
    FIELD = "field"  # a struct, protocol or variant field; owner the declaration (declarations only)
    METHOD = "method"  # a trait or impl method; owner the TraitDecl/ImplDecl (declarations only)
    FILE = "file"  # the file an `include` names; owner the SourceFile, or None when missing
    PRELUDE = "prelude"  # a built-in name (L§6.5) or type name
    STD = "std"  # a std namespace or std function (L§6.6); name is the dotted path
    SPECIAL = "special"  # self, result, old, input, args; owner the Activation that provides it
    UNRESOLVED = "unresolved"


@dataclass(frozen=True)
class Target:
    """The thing a name denotes. Two occurrences denote the same thing when their targets are
    equal; owners compare by identity (AST nodes, activations and files are never equal by value)."""

    denotes: Denotes
    name: str
    owner: object = None


class Role(str, Enum):
    DECLARATION = "declaration"  # where the thing is declared (a local: its first binding)
    WRITE = "write"  # a later binding occurrence (assignment, loop variable, pattern)
    READ = "read"


class Category(str, Enum):
    """What a name is, finer than `Denotes`: semantic tokens and symbol kinds are chosen from it."""

    AGENT = "agent"
    FLOW = "flow"
    TOOL = "tool"
    PROTOCOL = "protocol"
    TYPE = "type"
    STRUCT = "struct"
    ENUM = "enum"
    TRAIT = "trait"
    JOB = "job"
    HANDLE = "handle"
    SERVER = "server"
    IMPORT = "import"
    GLOBAL_VARIABLE = "global_variable"
    VARIABLE = "variable"
    PARAMETER = "parameter"
    PROPERTY = "property"
    METHOD = "method"
    ENUM_MEMBER = "enum_member"
    FIELD = "field"
    FILE = "file"
    NAMESPACE = "namespace"
    FUNCTION = "function"  # a prelude or std function
    VALUE = "value"  # a prelude value (std, secrets, runtime, JobQueue)
    BUILTIN_TYPE = "builtin_type"
    SPECIAL = "special"
    UNKNOWN = "unknown"


SYMBOL_CATEGORY: dict[str, Category] = {
    "agent": Category.AGENT,
    "tool": Category.TOOL,
    "tool_fn": Category.TOOL,
    "protocol": Category.PROTOCOL,
    "flow": Category.FLOW,
    "type": Category.TYPE,
    "struct": Category.STRUCT,
    "enum": Category.ENUM,
    "trait": Category.TRAIT,
    "job": Category.JOB,
    "handle": Category.HANDLE,
    "server": Category.SERVER,
    "import": Category.IMPORT,
    "global": Category.GLOBAL_VARIABLE,
}


@dataclass(frozen=True)
class Occurrence:
    file: SourceFile
    span: Span
    target: Target
    role: Role
    category: Category
    is_shorthand: bool = False  # `{key}` in a map pattern: the key is the binding (rename writes `key: new`)

    def holds(self, offset: int) -> bool:
        return self.span.start <= offset <= self.span.end


@dataclass(eq=False)
class Occurrences:
    """The occurrences of one program, by file (in source order) and by target."""

    program: Program
    by_file: dict[SourceFile, list[Occurrence]] = field(default_factory=dict)
    by_target: dict[Target, list[Occurrence]] = field(default_factory=dict)

    def in_file(self, file: SourceFile) -> list[Occurrence]:
        return self.by_file.get(file, [])

    def of(self, target: Target) -> list[Occurrence]:
        return self.by_target.get(target, [])

    def at(self, file: SourceFile, offset: int) -> Occurrence | None:
        """The occurrence under `offset`: one that starts at or before it and ends after it, else one
        that ends right at it (a cursor just after a name)."""
        touching = [o for o in self.in_file(file) if o.holds(offset)]
        inside = [o for o in touching if o.span.start <= offset < o.span.end]
        candidates = inside or touching
        return min(candidates, key=lambda o: o.span.end - o.span.start) if candidates else None


_CACHE: WeakKeyDictionary[Program, Occurrences] = WeakKeyDictionary()


def program_occurrences(program: Program) -> Occurrences:
    """The occurrence index of `program`, built on first use."""
    found = _CACHE.get(program)
    if found is None:
        found = _Indexer(program).build()
        _CACHE[program] = found
    return found


def declaring_activation(activation: Activation, name: str) -> Activation | None:
    """The activation, from `activation` outwards, whose locals hold `name`."""
    chain: Activation | None = activation
    while chain is not None:
        if name in chain.locals:
            return chain
        chain = chain.parent
    return None


def enclosing_agent(activation: Activation | None) -> ast.AgentDecl | None:
    while activation is not None:
        if activation.agent is not None:
            return activation.agent
        activation = activation.parent
    return None


def member_category(agent: ast.AgentDecl, name: str) -> Category | None:
    """PROPERTY or METHOD when `name` is a member of `agent` (L§3.1.4), else None."""
    if any(f.name == name for f in agent.functions) or any(f.name == name for f in agent.flows):
        return Category.METHOD
    if agent.property(name) is not None:
        return Category.PROPERTY
    if any(n == name for let in agent.lets for n, _ in pattern_bindings(let.pattern)):
        return Category.PROPERTY
    return None


def parameter_spans(activation: Activation) -> set[Span]:
    node = activation.node
    if isinstance(node, ast.JobDecl):
        return {n.span for n in node.perform_params + node.failure_params}
    params = getattr(node, "params", None)
    return {p.name_span for p in params} if isinstance(params, list) else set()


def error_binding_spans(file: SourceFile) -> set[Span]:
    """Where `file` binds a caught error to a name: `catch (e)`, `catch_correction(e)` and an
    `on_error(e)` hook (L§7.7.2); hover and semantic tokens give such a name the error fields."""
    spans: set[Span] = set()
    for node in file.nodes.of(ast.TryCatch, ast.Correction, ast.Hook):
        if isinstance(node, ast.TryCatch | ast.Correction) and node.name:
            spans.add(node.name_span)
        elif isinstance(node, ast.Hook) and node.event == "on_error" and node.name_span is not None:
            spans.add(node.name_span)
    return spans


def resolve_include(file: SourceFile, include: ast.Include, program: Program) -> SourceFile | None:
    """The program file an include names, when it was found."""
    if include.path is None or file.path is None:
        return None
    wanted = os.path.normpath(os.path.abspath(os.path.join(os.path.dirname(file.path), include.path.value)))
    return next(
        (f for f in program.files if f.path and os.path.normpath(os.path.abspath(f.path)) == wanted), None
    )


_WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")


class _Indexer:
    def __init__(self, program: Program) -> None:
        self.program = program
        self.index = Occurrences(program)
        self.seen: dict[tuple[int, Span], Occurrence] = {}
        self.references: dict[tuple[int, Span], Reference] = {
            (id(r.file), r.span): r for r in program.scopes.references
        }
        self.activation_of: dict[int, Activation] = {}
        for activation in program.scopes.activations:
            if activation.kind in ("flow", "tool_fn", "function"):
                self.activation_of.setdefault(id(activation.node), activation)
        self.first_global_binding: set[str] = set()
        self.types = Types(program)
        self.assigned_members: set[int] = set()  # `a.b = …` targets: their member is written

    def build(self) -> Occurrences:
        for file in self.program.files:
            self.declarations(file)
        for activation in self.program.scopes.activations:
            self.bindings(activation)
        for reference in self.program.scopes.references:
            self.reference(reference)
        for file in self.program.files:
            for node in file.module.walk():
                self.node(file, node)
        for occurrences in self.index.by_file.values():
            occurrences.sort(key=lambda o: o.span)
        return self.index

    def add(
        self,
        file: SourceFile,
        span: Span,
        target: Target,
        role: Role,
        category: Category,
        is_shorthand: bool = False,
    ) -> None:
        if span.end <= span.start:
            return
        key = (id(file), span)
        if key in self.seen:
            return
        occurrence = Occurrence(file, span, target, role, category, is_shorthand)
        self.seen[key] = occurrence
        self.index.by_file.setdefault(file, []).append(occurrence)
        self.index.by_target.setdefault(target, []).append(occurrence)

    # ---- names a program resolves globally

    def global_name(self, file: SourceFile, name: str, span: Span) -> None:
        """A name in a position that only a declaration or built-in can fill (types, uses, implements)."""
        symbol = self.program.lookup(name)
        if symbol is not None:
            self.add(file, span, Target(Denotes.GLOBAL, name), Role.READ, SYMBOL_CATEGORY[symbol.kind])
        elif name in TYPE_NAMES or name in OBJECT_TYPES or name in ERROR_KINDS:
            self.add(file, span, Target(Denotes.PRELUDE, name), Role.READ, Category.BUILTIN_TYPE)
        elif is_prelude_name(name):
            self.add(file, span, Target(Denotes.PRELUDE, name), Role.READ, _prelude_category(name))
        else:
            self.add(file, span, Target(Denotes.UNRESOLVED, name), Role.READ, Category.UNKNOWN)

    def symbol(self, name: str) -> Symbol | None:
        return self.program.lookup(name)

    # ---- declarations

    def declarations(self, file: SourceFile) -> None:
        for decl in file.module.declarations:
            if isinstance(decl, ast.Import) and _is_std_module(decl.module):
                self.std_path(file, decl.module, decl.module_span)
            if isinstance(decl, ast.Include):
                if decl.path is not None:
                    included = resolve_include(file, decl, self.program)
                    target = Target(Denotes.FILE, decl.path.value, included)
                    self.add(file, decl.path.span, target, Role.READ, Category.FILE)
                continue
            kind = DECLARATION_KINDS.get(type(decl))
            if decl.name and kind is not None:
                target = Target(Denotes.GLOBAL, decl.name)
                self.add(file, decl.name_span, target, Role.DECLARATION, SYMBOL_CATEGORY[kind])
            if isinstance(decl, ast.AgentDecl):
                self.agent(file, decl)
            elif isinstance(decl, ast.ProtocolDecl):
                for protocol_field in decl.fields:
                    self.add(
                        file,
                        protocol_field.name_span,
                        Target(Denotes.FIELD, protocol_field.name, decl),
                        Role.DECLARATION,
                        Category.FIELD,
                    )
            elif isinstance(decl, ast.StructDecl):
                for struct_field in decl.fields:
                    self.add(
                        file,
                        struct_field.name_span,
                        Target(Denotes.FIELD, struct_field.name, decl),
                        Role.DECLARATION,
                        Category.FIELD,
                    )
            elif isinstance(decl, ast.EnumDecl):
                for variant in decl.variants:
                    self.add(
                        file,
                        variant.name_span,
                        Target(Denotes.VARIANT, variant.name, decl),
                        Role.DECLARATION,
                        Category.ENUM_MEMBER,
                    )
                    for variant_field in variant.fields:
                        self.add(
                            file,
                            variant_field.name_span,
                            Target(Denotes.FIELD, variant_field.name, variant),
                            Role.DECLARATION,
                            Category.FIELD,
                        )
            elif isinstance(decl, ast.TraitDecl | ast.ImplDecl):
                if isinstance(decl, ast.ImplDecl):
                    self.global_name(file, decl.name, decl.name_span)
                    self.global_name(file, decl.type_name, decl.type_span)
                for method in decl.methods:
                    self.add(
                        file,
                        method.name_span,
                        Target(Denotes.METHOD, method.name, decl),
                        Role.DECLARATION,
                        Category.METHOD,
                    )
                    if id(method) not in self.activation_of:  # a trait's signature: no body
                        for param in method.params:
                            target = Target(Denotes.LOCAL, param.name, method)
                            self.add(file, param.name_span, target, Role.DECLARATION, Category.PARAMETER)

    def agent(self, file: SourceFile, agent: ast.AgentDecl) -> None:
        for prop in agent.properties:
            target = Target(Denotes.MEMBER, prop.key, agent)
            self.add(file, prop.key_span, target, Role.DECLARATION, Category.PROPERTY)
            if prop.key in ("uses", "tools"):
                for name in _listed_names(prop.value):
                    self.global_name(file, name.id, name.span)
        for member in [*agent.functions, *agent.flows]:
            self.add(
                file,
                member.name_span,
                Target(Denotes.MEMBER, member.name, agent),
                Role.DECLARATION,
                Category.METHOD,
            )
        for let in agent.lets:
            for name, span in pattern_bindings(let.pattern):
                self.add(file, span, Target(Denotes.MEMBER, name, agent), Role.DECLARATION, Category.PROPERTY)
        for implemented in agent.implements:
            self.global_name(file, implemented.id, implemented.span)
        for item in agent.uses:
            if item.kind != "name":
                continue
            if item.text == "std" or item.text.startswith("std."):
                self.std_path(file, item.text, item.span)
            else:
                self.global_name(file, item.text, item.span)

    def std_path(self, file: SourceFile, path: str, span: Span) -> None:
        """`std.ns.fn` written as one dotted name: a token for each segment."""
        if len(path.encode()) != span.end - span.start:
            return  # spaces or comments inside the dotted name: leave it to the grammar's colouring
        start = span.start
        segments = path.split(".")
        for count, segment in enumerate(segments, 1):
            prefix = ".".join(segments[:count])
            end = start + len(segment.encode())
            self.add(file, Span(start, end), Target(Denotes.STD, prefix), Role.READ, _std_category(prefix))
            start = end + 1

    # ---- bindings of every activation

    def bindings(self, activation: Activation) -> None:
        file = activation.file
        if activation.kind == "top":
            for name, span in sorted(activation.bindings, key=lambda b: b[1]):
                symbol = self.symbol(name)
                if symbol is not None and symbol.kind == "global":
                    is_declaration = symbol.file is file and symbol.name_span == span
                else:
                    is_declaration = symbol is None and name not in self.first_global_binding
                self.first_global_binding.add(name)
                category = SYMBOL_CATEGORY[symbol.kind] if symbol is not None else Category.GLOBAL_VARIABLE
                role = Role.DECLARATION if is_declaration else Role.WRITE
                self.add(file, span, Target(Denotes.GLOBAL, name), role, category, _is_shorthand(file, span))
            return
        parameters = parameter_spans(activation)
        first: dict[str, Span] = {}
        for name, span in activation.bindings:
            if name not in first or span < first[name]:
                first[name] = span
        for name, span in activation.bindings:
            role = Role.DECLARATION if first[name] == span else Role.WRITE
            is_parameter = first[name] in parameters
            category = Category.PARAMETER if is_parameter else Category.VARIABLE
            target = Target(Denotes.LOCAL, name, activation)
            self.add(file, span, target, role, category, _is_shorthand(file, span))

    # ---- resolved references

    def reference(self, ref: Reference) -> None:
        file, span, name = ref.file, ref.span, ref.name
        if ref.resolution is Resolution.LOCAL:
            owner = declaring_activation(ref.activation, name)
            if owner is None:
                return
            parameters = parameter_spans(owner)
            first = min((s for n, s in owner.bindings if n == name), default=owner.locals[name])
            category = Category.PARAMETER if first in parameters else Category.VARIABLE
            self.add(file, span, Target(Denotes.LOCAL, name, owner), Role.READ, category)
        elif ref.resolution is Resolution.GLOBAL:
            symbol = ref.symbol or self.symbol(name)
            category = SYMBOL_CATEGORY[symbol.kind] if symbol is not None else Category.GLOBAL_VARIABLE
            self.add(file, span, Target(Denotes.GLOBAL, name), Role.READ, category)
        elif ref.resolution is Resolution.MEMBER:
            agent = enclosing_agent(ref.activation)
            if agent is None or member_category(agent, name) is None:
                owners = [a for a in self.program.agents() if any(f.name == name for f in a.functions)]
                agent = owners[0] if len(owners) == 1 else agent
            if agent is not None:
                category = member_category(agent, name) or Category.METHOD
                self.add(file, span, Target(Denotes.MEMBER, name, agent), Role.READ, category)
        elif ref.resolution is Resolution.PRELUDE:
            self.add(file, span, Target(Denotes.PRELUDE, name), Role.READ, _prelude_category(name))
        elif ref.resolution is Resolution.SPECIAL:
            owner = ref.activation
            while owner.parent is not None and name not in owner.specials:
                owner = owner.parent
            self.add(file, span, Target(Denotes.SPECIAL, name, owner), Role.READ, Category.SPECIAL)
        else:
            self.add(file, span, Target(Denotes.UNRESOLVED, name), Role.READ, Category.UNKNOWN)

    # ---- names in expressions, patterns and types that are not variable references

    def node(self, file: SourceFile, node: ast.Node) -> None:
        if isinstance(node, ast.Assign) and isinstance(node.target, ast.Member):
            self.assigned_members.add(id(node.target))  # walked before the target itself
        if isinstance(node, ast.Member):
            self.member(file, node)
        elif isinstance(node, ast.ScopedName):
            self.scoped(file, node.scope, node.scope_span, node.name, node.name_span)
        elif isinstance(node, ast.VariantPattern):
            spans = _variant_pattern_spans(file, node)
            if spans is not None:
                self.scoped(file, node.enum, spans[0], node.variant, spans[1])
        elif isinstance(node, ast.NamedType | ast.GenericType | ast.LegacyGenericType):
            start = node.span.start
            name_span = Span(start, start + len(node.name.encode()))
            if file.source[name_span.start : name_span.end] == node.name.encode():
                self.global_name(file, node.name, name_span)
        elif isinstance(node, ast.Call) and isinstance(node.function, ast.Name):
            self.keyword_arguments(file, node)
            function = node.function
            if function.id in ERROR_KINDS and (id(file), function.span) not in self.references:
                # `raise ToolError("…")`: a built-in error kind made with a message (S§0.2)
                target = Target(Denotes.PRELUDE, function.id)
                self.add(file, function.span, target, Role.READ, Category.BUILTIN_TYPE)
        elif isinstance(node, ast.Interpolation) and node.names:
            self.interpolated_member(file, node)
        elif isinstance(node, ast.Hook) and node.event in ("before_tool", "after_tool"):
            if node.name and node.name_span:  # a tool position (diagnostics.md E007)
                self.global_name(file, node.name, node.name_span)
        elif isinstance(node, ast.Hook | ast.Correction | ast.TryCatch) and node.kind:
            self.error_kind(file, node)

    def error_kind(self, file: SourceFile, node: ast.Hook | ast.Correction | ast.TryCatch) -> None:
        """The error kind of `catch (Kind e)`, `on_error(e: Kind)`, `catch_correction(e: Kind)`: a
        built-in kind (S§0.2) is a type; other kinds are free names a `raise Kind(…)` makes."""
        if node.kind not in ERROR_KINDS and node.kind != "Error":
            return
        span = node.kind_span if isinstance(node, ast.TryCatch) else None
        if span is None:
            header_end = node.body.span.start if node.body.span.start > node.span.start else node.span.end
            header = file.source[node.span.start : header_end]
            found = re.search(
                rb"(?<![A-Za-z0-9_])" + re.escape(node.kind.encode()) + rb"(?![A-Za-z0-9_])", header
            )
            if found is None:
                return
            span = Span(node.span.start + found.start(), node.span.start + found.end())
        self.add(file, span, Target(Denotes.PRELUDE, node.kind), Role.READ, Category.BUILTIN_TYPE)

    def member(self, file: SourceFile, member: ast.Member) -> None:
        base: ast.Expr = member.object
        path = [member.name]
        while isinstance(base, ast.Member):
            path.insert(0, base.name)
            base = base.object
        if not isinstance(base, ast.Name):
            return
        ref = self.references.get((id(file), base.span))
        if ref is None:
            return
        if base.id == "std" and ref.resolution is Resolution.PRELUDE:
            dotted = "std." + ".".join(path)
            self.add(file, member.name_span, Target(Denotes.STD, dotted), Role.READ, _std_category(dotted))
            return
        imported = ref.symbol.node if ref.resolution is Resolution.GLOBAL and ref.symbol is not None else None
        if isinstance(imported, ast.Import) and _is_std_module(imported.module):
            dotted = ".".join((imported.module, *path))  # `import std.text as t`: `t.f` is `std.text.f`
            self.add(file, member.name_span, Target(Denotes.STD, dotted), Role.READ, _std_category(dotted))
            return
        if member.object is not base:
            return
        agent: ast.AgentDecl | None = None
        if ref.resolution is Resolution.GLOBAL and ref.symbol is not None and ref.symbol.kind == "agent":
            agent = ref.symbol.node if isinstance(ref.symbol.node, ast.AgentDecl) else None
        elif ref.resolution is Resolution.SPECIAL and base.id == "self":
            agent = enclosing_agent(ref.activation)
        if agent is None:
            self.record_member(file, member, self.record_type(file, base, ref))
            return
        category = member_category(agent, member.name)
        if category is not None:
            self.add(file, member.name_span, Target(Denotes.MEMBER, member.name, agent), Role.READ, category)

    def interpolated_member(self, file: SourceFile, interpolation: ast.Interpolation) -> None:
        """`#{a.b}`: the member after the leading name (`self.x`, `Agent.role`, `v.field`), as if
        written `a.b` in an expression."""
        base = interpolation.names[0]
        found = _MEMBER_AFTER.match(file.source, base.span.end, interpolation.span.end)
        if found is None:
            return
        name_span = Span(found.start(1), found.end(1))
        member = ast.Member(
            span=Span(base.span.start, name_span.end),
            object=base,
            name=found.group(1).decode(),
            name_span=name_span,
        )
        self.member(file, member)

    def record_type(self, file: SourceFile, base: ast.Name, ref: Reference) -> ast.Decl | None:
        """The struct or protocol a name statically holds: `self` in an `impl … for S`, a typed
        parameter or `let`, or a local bound once to `S(…)` or to a call declared to return one."""
        if ref.resolution is Resolution.SPECIAL and base.id == "self":
            impl = next(
                (
                    d
                    for d in file.module.declarations
                    if isinstance(d, ast.ImplDecl) and d.span.contains(base.span)
                ),
                None,
            )
            return self.record_named(impl.type_name) if impl is not None else None
        if ref.resolution is Resolution.SPECIAL and base.id == "result":
            return self.result_type(file, base.span)
        if ref.resolution not in (Resolution.LOCAL, Resolution.GLOBAL):
            return None
        static = self.types.type_of(base, id(file))
        if not static.is_any:
            return self.record_named(static.name)
        if ref.resolution is not Resolution.LOCAL:
            return None
        owner = declaring_activation(ref.activation, base.id)
        binding = single_binding(owner, base.id) if owner is not None else None
        value = binding.value if binding is not None else None
        if isinstance(binding, ast.Let) and not isinstance(binding.pattern, ast.BindingPattern):
            return None
        if isinstance(value, ast.Call) and isinstance(value.function, ast.Name):
            called = self.types.callee_declaration(value, id(file))
            if isinstance(called, ast.StructDecl):
                return called
        return reply_record(self.program, self.types, value, id(file))

    def result_type(self, file: SourceFile, span: Span) -> ast.Decl | None:
        """`result` in an `ensures`: the declared result of the flow or agent (L§3.6)."""
        owner = next((d for d in file.module.declarations if d.span.contains(span)), None)
        if isinstance(owner, ast.AgentDecl):
            flow = next((f for f in owner.flows if f.span.contains(span)), None)
            if flow is not None:
                owner = flow
        written: ast.Node | None = None
        if isinstance(owner, ast.FlowDecl):
            written = owner.return_type
        elif isinstance(owner, ast.AgentDecl):
            declared = owner.property("output_type")
            written = declared.value if declared is not None else owner.return_type
        if written is None or isinstance(written, ast.LegacyGenericType):
            return None
        return self.record_named(type_of_annotation(self.program, written).name)

    def record_named(self, name: str) -> ast.Decl | None:
        symbol = self.symbol(name)
        node = symbol.node if symbol is not None else None
        return node if isinstance(node, ast.StructDecl | ast.ProtocolDecl) else None

    def record_member(self, file: SourceFile, member: ast.Member, record: ast.Decl | None) -> None:
        """`r.field` or `r.method` where `r` holds the struct or protocol `record`."""
        if isinstance(record, ast.StructDecl | ast.ProtocolDecl):
            if any(f.name == member.name for f in record.fields):
                target = Target(Denotes.FIELD, member.name, record)
                role = Role.WRITE if id(member) in self.assigned_members else Role.READ
                self.add(file, member.name_span, target, role, Category.FIELD)
                return
        if isinstance(record, ast.StructDecl):
            for _, impl in self.program.of_kind(ast.ImplDecl):
                if (
                    isinstance(impl, ast.ImplDecl)
                    and impl.type_name == record.name
                    and any(m.name == member.name for m in impl.methods)
                ):
                    target = Target(Denotes.METHOD, member.name, impl)
                    self.add(file, member.name_span, target, Role.READ, Category.METHOD)
                    return

    def scoped(self, file: SourceFile, scope: str, scope_span: Span, name: str, name_span: Span) -> None:
        symbol = self.symbol(scope)
        if symbol is not None and isinstance(symbol.node, ast.EnumDecl):
            self.add(file, scope_span, Target(Denotes.GLOBAL, scope), Role.READ, Category.ENUM)
            if any(v.name == name for v in symbol.node.variants):
                target = Target(Denotes.VARIANT, name, symbol.node)
                self.add(file, name_span, target, Role.READ, Category.ENUM_MEMBER)
        elif symbol is None and scope in ("Option", "Result"):
            self.add(file, scope_span, Target(Denotes.PRELUDE, scope), Role.READ, Category.ENUM)
            target = Target(Denotes.PRELUDE, f"{scope}::{name}")
            self.add(file, name_span, target, Role.READ, Category.ENUM_MEMBER)
        elif symbol is not None:
            self.add(file, scope_span, Target(Denotes.GLOBAL, scope), Role.READ, SYMBOL_CATEGORY[symbol.kind])

    def keyword_arguments(self, file: SourceFile, call: ast.Call) -> None:
        """`f(x = 1)` where `f` is a flow or `@tool fn`: `x` is that parameter; `S(x: 1)` where `S`
        is a struct: `x` is that field."""
        assert isinstance(call.function, ast.Name)
        ref = self.references.get((id(file), call.function.span))
        if ref is None or ref.resolution is not Resolution.GLOBAL or ref.symbol is None:
            return
        if isinstance(ref.symbol.node, ast.StructDecl):  # `S(field: value)` (L§3.9)
            struct = ref.symbol.node
            for argument in call.arguments:
                if (
                    argument.name
                    and argument.name_span
                    and any(f.name == argument.name for f in struct.fields)
                ):
                    target = Target(Denotes.FIELD, argument.name, struct)
                    self.add(file, argument.name_span, target, Role.READ, Category.FIELD)
            return
        activation = self.activation_of.get(id(ref.symbol.node))
        if activation is None:
            return
        parameters = parameter_spans(activation)
        for argument in call.arguments:
            if argument.name and argument.name_span and activation.locals.get(argument.name) in parameters:
                target = Target(Denotes.LOCAL, argument.name, activation)
                self.add(file, argument.name_span, target, Role.READ, Category.PARAMETER)


def reply_record(program: Program, types: Types, value: ast.Expr | None, file_id: int) -> ast.Decl | None:
    """The protocol (or struct) whose record an agent's reply is, when `value` runs an agent:
    `A.run(…)`, `A(…)` or a pipeline `x >> A` ending in it. The agent's `output_type`, its `-> T`,
    else its `implements P` (L§7.3.3)."""
    agent: ast.Node | None = None
    if isinstance(value, ast.Dag) and value.op == ">>" and isinstance(value.right, ast.Name):
        agent = types.global_declaration(value.right, file_id)
    elif isinstance(value, ast.Call):
        function = value.function
        if isinstance(function, ast.Name) or (isinstance(function, ast.Member) and function.name == "run"):
            agent = types.callee_declaration(value, file_id)
    if not isinstance(agent, ast.AgentDecl):
        return None
    declared = agent.property("output_type")
    written = declared.value if declared is not None else agent.return_type
    name: str | None = None
    if written is not None and not isinstance(written, ast.LegacyGenericType):
        name = type_of_annotation(program, written).name
    elif agent.implements:
        name = agent.implements[0].id
    symbol = program.lookup(name) if name else None
    node = symbol.node if symbol is not None else None
    return node if isinstance(node, ast.StructDecl | ast.ProtocolDecl) else None


_MEMBER_AFTER = re.compile(rb"\.([A-Za-z_][A-Za-z0-9_]*)")


def _is_std_module(module: str) -> bool:
    return module == "std" or module.startswith("std.")


def _listed_names(value: ast.Expr) -> Iterator[ast.Name]:
    if isinstance(value, ast.Name):
        yield value
    elif isinstance(value, ast.ListLit):
        yield from (e for e in value.elements if isinstance(e, ast.Name))


def _prelude_category(name: str) -> Category:
    if name == "std":
        return Category.NAMESPACE
    if name in ("secrets", "runtime", "JobQueue"):
        return Category.VALUE
    if name in ("Option", "Result"):
        return Category.ENUM
    return Category.FUNCTION


def _std_category(path: str) -> Category:
    """`std` and `std.ns` are namespaces; `std.ns.fn` is a function (L§6.6)."""
    inner = path[4:]
    if path == "std" or inner in STD_NAMESPACES or any(ns.startswith(inner + ".") for ns in STD_NAMESPACES):
        return Category.NAMESPACE
    return Category.FUNCTION


def _is_shorthand(file: SourceFile, span: Span) -> bool:
    """A `{key}` map-pattern entry binds the key's name: its text is the key itself."""
    return any(
        isinstance(node, ast.MapPatternEntry) and node.pattern is None and node.key_span == span
        for node in _map_entries(file)
    )


_MAP_ENTRIES: WeakKeyDictionary[SourceFile, list[ast.MapPatternEntry]] = WeakKeyDictionary()


def _map_entries(file: SourceFile) -> list[ast.MapPatternEntry]:
    found = _MAP_ENTRIES.get(file)
    if found is None:
        found = [n for n in file.module.walk() if isinstance(n, ast.MapPatternEntry)]
        _MAP_ENTRIES[file] = found
    return found


def _variant_pattern_spans(file: SourceFile, pattern: ast.VariantPattern) -> tuple[Span, Span] | None:
    """The spans of `Enum` and `Variant` in `Enum::Variant(…)` (the pattern node has only its own)."""
    text = file.source[pattern.span.start : pattern.span.end]
    words = [m for m in _WORD.finditer(text)][:2]
    if len(words) < 2 or [w.group().decode() for w in words] != [pattern.enum, pattern.variant]:
        return None
    base = pattern.span.start
    return (
        Span(base + words[0].start(), base + words[0].end()),
        Span(base + words[1].start(), base + words[1].end()),
    )
