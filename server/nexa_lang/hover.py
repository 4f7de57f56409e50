"""Hover: what the thing under the cursor is, as markdown.

Declarations show their signature, their doc comment (`Decl.doc`) and a summary (an agent's model,
role, prompt, tools and members; a protocol's fields; a tool's parameters). Names show the
declaration they resolve to, a local's inferred type, or a built-in's signature and meaning
(S§1, S§2). Agent property keys, decorator names and `@tool` options show their row of the
property tables (S§3), and a model string shows its provider and context window.
"""

from __future__ import annotations

from dataclasses import dataclass

from nexa_lang import ast
from nexa_lang.analysis import Analysis
from nexa_lang.builtin_docs import (
    AGENT_MEMBERS,
    ERROR_FIELDS,
    JOB_MEMBERS,
    NAMESPACE_DOCS,
    PRELUDE_DOCS,
    STD_DOCS,
    TOOL_MEMBERS,
    signature_text,
)
from nexa_lang.callees import _std_path
from nexa_lang.model import SourceFile, Symbol, pattern_bindings
from nexa_lang.model_ids import split_provider
from nexa_lang.occurrences import (
    Category,
    Denotes,
    Occurrence,
    Role,
    error_binding_spans,
    program_occurrences,
)
from nexa_lang.positions import Span
from nexa_lang.prelude import PREDEFINED_VALUES, STD_NAMESPACES, is_prelude_name
from nexa_lang.prompt_preview import primary_model, string_property
from nexa_lang.properties import AGENT_PROPERTIES, DECORATORS, SETTINGS, SettingSpec
from nexa_lang.scopes import Resolution
from nexa_lang.signatures import PRELUDE_SIGNATURES, std_signature
from nexa_lang.token_estimates import context_window
from nexa_lang.types import BUILTIN_SPELLINGS, ERROR_KINDS, Types


@dataclass(frozen=True)
class Hover:
    markdown: str
    span: Span


def _code(text: str) -> str:
    return f"```nexa\n{text}\n```"


def _within(span: Span | None, offset: int) -> bool:
    return span is not None and span != (0, 0) and span.start <= offset <= span.end


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------ declarations


def signature_of(file: SourceFile, decl: ast.Decl) -> str:
    """The one-line signature of a declaration, from its source text."""
    params = getattr(decl, "params", None)
    params_text = "(" + ", ".join(file.text_of(p.span) for p in params) + ")" if params is not None else ""
    returns = getattr(decl, "return_type", None)
    returns_text = f" -> {file.text_of(returns.span)}" if returns is not None else ""
    if isinstance(decl, ast.AgentDecl):
        parts = [f"agent {decl.name}"]
        if decl.uses:
            parts.append("uses " + ", ".join(u.text for u in decl.uses))
        if decl.implements:
            parts.append("implements " + ", ".join(n.id for n in decl.implements))
        return " ".join(parts) + returns_text
    if isinstance(decl, ast.FlowDecl):
        return f"flow {decl.name}{params_text if decl.params or decl.has_parens else ''}{returns_text}"
    if isinstance(decl, ast.FunctionDecl):
        return f"fn {decl.name}{params_text}{returns_text}"
    if isinstance(decl, ast.ToolFnDecl):
        return f"@tool fn {decl.name}{params_text}{returns_text}"
    if isinstance(decl, ast.ToolDecl):
        return f"tool {decl.name}"
    if isinstance(decl, ast.ProtocolDecl):
        return f"protocol {decl.name}"
    if isinstance(decl, ast.TestDecl):
        return f'test "{decl.name}"'
    first_line = file.text_of(decl.span).splitlines()[0] if decl.span != (0, 0) else decl.name
    return first_line.rstrip(" {")


def declaration_markdown(file: SourceFile, decl: ast.Decl) -> str:
    signature = signature_of(file, decl)
    contracts = getattr(decl, "contracts", None) or []
    if isinstance(decl, ast.FlowDecl | ast.AgentDecl) and contracts:  # the header's clauses (L§3.6)
        clauses = [f"    {c.kind} {_short(file.text_of(c.condition.span), 100)}" for c in contracts]
        signature = "\n".join([signature, *clauses])
    parts = [_code(signature)]
    if decl.doc:
        parts.append(decl.doc)
    if isinstance(decl, ast.AgentDecl):
        parts.append(agent_summary(decl))
    elif isinstance(decl, ast.ProtocolDecl):
        parts.append(protocol_summary(file, decl))
    elif isinstance(decl, ast.ToolDecl):
        parts.append(tool_summary(file, decl))
    elif isinstance(decl, ast.ToolFnDecl):
        if decl.description is not None:
            parts.append(decl.description.value)
        options = ", ".join(f"{o.key}: {file.text_of(o.value.span)}" for o in decl.options)
        if options:
            parts.append(f"options: {options}")
    return "\n\n".join(p for p in parts if p)


def agent_summary(agent: ast.AgentDecl) -> str:
    rows = []
    model = primary_model(agent)
    if model is not None:
        window = context_window(model)
        rows.append(
            f"- **model** `{model}` ({f'context {window:,} tokens' if window else 'context: unknown'})"
        )
    else:
        rows.append("- **model** the configured default")
    for key in ("role", "prompt", "description"):
        value = string_property(agent, key)
        if value:
            rows.append(f"- **{key}** {_short(value)}")
    tools = [u.text for u in agent.uses]
    listed = agent.property("tools") or agent.property("uses")
    if listed is not None and isinstance(listed.value, ast.ListLit):
        tools += [e.id for e in listed.value.elements if isinstance(e, ast.Name)]
    if tools:
        rows.append("- **tools** " + ", ".join(f"`{t}`" for t in tools))
    if agent.implements:
        rows.append("- **returns** a record of " + ", ".join(f"`{n.id}`" for n in agent.implements))
    members = [f"`{f.name}()`" for f in [*agent.functions, *agent.flows]]
    if members:
        rows.append("- **members** " + ", ".join(members))
    return "\n".join(rows)


def protocol_summary(file: SourceFile, protocol: ast.ProtocolDecl) -> str:
    return "\n".join(f"- `{f.name}`: `{file.text_of(f.type.span)}`" for f in protocol.fields)


def tool_summary(file: SourceFile, tool: ast.ToolDecl) -> str:
    rows = []
    description = tool.property("description")
    if description is not None and isinstance(description.value, ast.StringLit):
        rows.append(description.value.value)
    parameters = tool.property("parameters")
    if parameters is not None and isinstance(parameters.value, ast.DictLit):
        rows.append(
            "\n".join(f"- `{e.key}`: `{file.text_of(e.value.span)}`" for e in parameters.value.entries)
        )
    for source in ("mcp", "python", "wasm"):
        prop = tool.property(source)
        if prop is not None:
            rows.append(f"{source}: `{file.text_of(prop.value.span)}`")
    return "\n\n".join(rows)


def setting_markdown(spec: SettingSpec, place: str = "agent property") -> str:
    return (
        f"**{spec.key}** ({place})\n\n{spec.meaning}\n\n"
        f"Accepts {spec.value.expected}; default `{spec.default}`."
    )


def builtin_markdown(name: str) -> str | None:
    signature = PRELUDE_SIGNATURES.get(name)
    doc = PRELUDE_DOCS.get(name, "")
    if signature is not None:
        return "\n\n".join(p for p in (_code(signature_text(signature)), doc, "built-in (S§1)") if p)
    if name in PREDEFINED_VALUES:
        return f"{_code(name)}\n\nbuilt-in value (L§6.5.2)"
    if is_prelude_name(name):
        return "\n\n".join(p for p in (_code(f"{name}(…)"), doc, "built-in (S§1)") if p)
    return None


def std_markdown(namespace: str, function: str | None) -> str:
    if function is None:
        functions = ", ".join(f"`{f}`" for f in STD_NAMESPACES.get(namespace, ()))
        return f"{_code(f'std.{namespace}')}\n\n{NAMESPACE_DOCS.get(namespace, '')}\n\n{functions}".strip()
    signature = std_signature(namespace, function)
    text = signature_text(signature, f"std.{namespace}.") if signature else f"std.{namespace}.{function}"
    doc = STD_DOCS.get(signature.name if signature else function) or PRELUDE_DOCS.get(function, "")
    return "\n\n".join(p for p in (_code(text), doc) if p)


def model_markdown(model_id: str) -> str:
    provider, _, name = split_provider(model_id)
    window = context_window(model_id)
    return (
        f"**model** `{model_id}`\n\n- provider: `{provider or 'default (openai endpoint)'}`\n"
        f"- name: `{name}`\n- context window: {f'{window:,} tokens' if window else 'unknown'}"
    )


# ------------------------------------------------------------------------------ the cursor


def hover(analysis: Analysis, offset: int) -> Hover | None:
    """What to show for the cursor at byte `offset`, or None."""
    for node in reversed(analysis.nodes_at(offset)):
        found = _hover_node(analysis, node, offset)
        if found is not None:
            return found
    reference = analysis.reference_at(offset)
    if reference is not None:
        return _hover_reference(
            analysis, reference.name, reference.span, reference.resolution, reference.symbol
        )
    return _hover_occurrence(analysis, offset)


# What each built-in type means (L§3.8's table), by canonical name.
_TYPE_MEANINGS: dict[str, str] = {
    "str": "text",
    "int": "integer (64-bit)",
    "float": "number (an int is accepted)",
    "bool": "boolean",
    "none": "`none`",
    "list": "list (bare = list of anything)",
    "dict": "dict (bare = any dict)",
    "any": "anything",
    "optional": "T or none",
    "Result": "ok value T or error E",
}


def builtin_type_markdown(name: str) -> str:
    """A built-in type name (any accepted spelling, L§3.8), an object type (S§0.1) or an error kind
    (S§0.2)."""
    canonical = BUILTIN_SPELLINGS.get(name)
    if canonical is None:
        where = "error kind (S§0.2)" if name in ERROR_KINDS else "built-in object type (S§0.1)"
        return f"{_code(name)}\n\n{where}"
    shown = {"optional": "Option[T]", "Result": "Result[T, E]"}.get(canonical, canonical)
    same = f", the same as `{shown}`" if shown != name else ""
    return f"{_code(name)}\n\nbuilt-in type{same}: {_TYPE_MEANINGS[canonical]} (L§3.8)"


def _hover_occurrence(analysis: Analysis, offset: int) -> Hover | None:
    """Names that are not variable references: type names (built-in or declared) and the like."""
    occurrence = program_occurrences(analysis.program).at(analysis.file, offset)
    if occurrence is None:
        return None
    name = occurrence.target.name
    if occurrence.category is Category.BUILTIN_TYPE:
        return Hover(builtin_type_markdown(name), occurrence.span)
    target = occurrence.target
    if target.denotes is Denotes.PRELUDE:
        return _hover_prelude(name, occurrence.span)
    if target.denotes is Denotes.VARIANT and isinstance(target.owner, ast.EnumDecl):
        return _hover_variant(analysis, target.owner, name, occurrence.span)
    if target.denotes is Denotes.MEMBER and isinstance(target.owner, ast.AgentDecl):
        return _hover_agent_member(analysis, target.owner, name, occurrence.span)
    if target.denotes is Denotes.LOCAL or occurrence.category is Category.GLOBAL_VARIABLE:
        return _hover_binding(analysis, occurrence)
    if target.denotes is Denotes.STD and name == "std":
        namespaces = ", ".join(f"`{n}`" for n in sorted(STD_NAMESPACES) if "." not in n)
        return Hover(f"{_code('std')}\n\nthe standard library (S§2): {namespaces}", occurrence.span)
    if target.denotes is Denotes.STD and name.startswith("std."):
        path = name[len("std.") :]
        if path in STD_NAMESPACES or "." not in path:
            return Hover(std_markdown(path, None), occurrence.span)
        namespace, function = path.rsplit(".", 1)
        return Hover(std_markdown(namespace, function), occurrence.span)
    if target.denotes is Denotes.GLOBAL:
        symbol = analysis.program.lookup(name)
        if symbol is not None and symbol.decl is not None:
            return Hover(declaration_markdown(symbol.file, symbol.decl), occurrence.span)
    if target.denotes in (Denotes.FIELD, Denotes.METHOD):
        found = _member_declaration(analysis, target.owner, name)
        if found is not None:
            file, node = found
            if isinstance(node, ast.Decl):
                return Hover(declaration_markdown(file, node), occurrence.span)
            owner = target.owner
            what = {ast.StructDecl: "struct", ast.ProtocolDecl: "protocol", ast.EnumVariant: "variant"}
            kind = next((w for t, w in what.items() if isinstance(owner, t)), "")
            owner_name = getattr(owner, "name", "")
            return Hover(f"{_code(file.text_of(node.span))}\n\nfield of {kind} {owner_name}", occurrence.span)
    return None


_BUILTIN_VARIANTS: dict[str, str] = {
    "Option::Some": "`Option::Some(value)`: an option holding a value",
    "Option::None": "`Option::None`: an option holding nothing",
    "Result::Ok": "`Result::Ok(value)`: a successful result",
    "Result::Err": "`Result::Err(error)`: a failed result",
}


def _hover_prelude(name: str, span: Span) -> Hover | None:
    if name in _BUILTIN_VARIANTS:
        return Hover(f"{_code(name)}\n\n{_BUILTIN_VARIANTS[name]} (built-in variant)", span)
    if name in ("Option", "Result"):
        return Hover(builtin_type_markdown(name), span)
    text = builtin_markdown(name)
    return Hover(text, span) if text else None


def _hover_variant(analysis: Analysis, enum: ast.EnumDecl, name: str, span: Span) -> Hover | None:
    variant = next((v for v in enum.variants if v.name == name), None)
    file = _file_declaring(analysis, enum)
    if variant is None or file is None:
        return None
    fields = ", ".join(file.text_of(f.span) for f in variant.fields)
    label = f"{enum.name}::{variant.name}" + (f"({fields})" if variant.fields else "")
    return Hover(f"{_code(label)}\n\nvariant of enum {enum.name}", span)


def _hover_agent_member(analysis: Analysis, agent: ast.AgentDecl, name: str, span: Span) -> Hover | None:
    """A member of an agent that the property table does not describe: a member fn or flow, a
    `let` member, or a `key = expr` member."""
    file = _file_declaring(analysis, agent)
    if file is None:
        return None
    for function in [*agent.functions, *agent.flows]:
        if function.name == name:
            return Hover(declaration_markdown(file, function), span)
    for let in agent.lets:
        if any(bound == name for bound, _ in pattern_bindings(let.pattern)):
            return Hover(
                f"{_code(_short(file.text_of(let.span), 120))}\n\n`let` member of agent {agent.name}", span
            )
    prop = agent.property(name)
    if prop is not None and prop.value is not None:
        value = _short(file.text_of(prop.value.span), 80)
        return Hover(f"**{name}** = `{value}`\n\nmember of agent {agent.name}", span)
    return None


def _file_declaring(analysis: Analysis, decl: ast.Node) -> SourceFile | None:
    return next((f for f in analysis.program.files if _declares(f, decl)), None)


def _hover_binding(analysis: Analysis, occurrence: Occurrence) -> Hover:
    """A local or global variable where it is bound (`x = …`, `let`, `for x in`, a pattern): its
    type as inferred at its reads."""
    name = occurrence.target.name
    kind = {
        Category.PARAMETER: "parameter",
        Category.GLOBAL_VARIABLE: "global variable",
    }.get(occurrence.category, "local variable")
    reads = [
        o
        for o in program_occurrences(analysis.program).of(occurrence.target)
        if o.role is Role.READ and o.file is analysis.file
    ]
    static = _type_of_name(analysis, reads[0].span) if reads else None
    shown = f"{name}: {static}" if static else name
    return Hover(f"{_code(shown)}\n\n{kind}", occurrence.span)


def _member_declaration(analysis: Analysis, owner: object, name: str) -> tuple[SourceFile, ast.Node] | None:
    """The field or method `name` of a struct, protocol, variant, trait or impl, with its file."""
    members: list[ast.Node] = []
    if isinstance(owner, ast.StructDecl | ast.ProtocolDecl | ast.EnumVariant):
        members = [f for f in owner.fields if f.name == name]
    elif isinstance(owner, ast.TraitDecl | ast.ImplDecl):
        members = [m for m in owner.methods if m.name == name]
    if not members or not isinstance(owner, ast.Node):
        return None
    file = next(
        (f for f in analysis.program.files if f.module.span.contains(owner.span) and _declares(f, owner)),
        None,
    )
    return (file, members[0]) if file is not None else None


def _declares(file: SourceFile, owner: ast.Node) -> bool:
    if not file.module.span.contains(owner.span):
        return False
    return any(decl is owner for decl in file.module.declarations) or any(
        node is owner for node in file.module.walk()
    )


_HARNESS_PLACES: dict[type[ast.Node], str] = {
    ast.Autoloop: "autoloop",
    ast.WithContext: "with_context",
    ast.ContextPolicy: "context_policy",
}


def _hover_node(analysis: Analysis, node: ast.Node, offset: int) -> Hover | None:
    file = analysis.file
    if isinstance(node, ast.Import) and _within(node.module_span, offset) and node.module.startswith("std"):
        return _hover_occurrence(analysis, offset)  # the segment of the std path under the cursor
    if isinstance(node, ast.Decl) and _within(node.name_span, offset):
        return Hover(declaration_markdown(file, node), node.name_span)
    if isinstance(node, ast.AgentDecl):
        for protocol in node.implements:
            if _within(protocol.span, offset):
                symbol = analysis.program.lookup(protocol.id)
                if symbol is not None and symbol.decl is not None:
                    return Hover(declaration_markdown(symbol.file, symbol.decl), protocol.span)
        for decorator in node.decorators:
            if _within(decorator.name_span, offset) and decorator.name in DECORATORS:
                spec = AGENT_PROPERTIES[DECORATORS[decorator.name].property]
                return Hover(setting_markdown(spec, f"@{decorator.name}"), decorator.name_span)
    if isinstance(node, ast.Property) and _within(node.key_span, offset):
        owner = _owner_of(analysis, node)
        table = AGENT_PROPERTIES if isinstance(owner, ast.AgentDecl) else SETTINGS["tool"]
        spec = table.get(node.key)
        if spec is not None:
            place = "agent property" if table is AGENT_PROPERTIES else "tool key"
            return Hover(setting_markdown(spec, place), node.key_span)
    if isinstance(node, ast.Property) and node.key in ("model", "fallback"):
        for string in node.value.walk():
            if isinstance(string, ast.StringLit) and _within(string.span, offset):
                return Hover(model_markdown(string.value), string.span)
    if isinstance(node, ast.ToolOption) and _within(node.key_span, offset):
        spec = SETTINGS["@tool"].get(node.key)
        if spec is not None:
            return Hover(setting_markdown(spec, "@tool option"), node.key_span)
    if isinstance(node, ast.JobOption) and _within(node.key_span, offset):
        spec = SETTINGS["job"].get(node.key)  # L§3.10's table
        if spec is not None:
            return Hover(setting_markdown(spec, "job option"), node.key_span)
    if isinstance(node, ast.Autoloop | ast.WithContext | ast.ContextPolicy):
        place = _HARNESS_PLACES[type(node)]
        for param in node.params:  # L§4.15's table
            spec = SETTINGS[place].get(param.name)
            if spec is not None and _within(param.name_span, offset):
                return Hover(setting_markdown(spec, f"{place} parameter"), param.name_span)
    if isinstance(node, ast.UseItem):
        return _hover_use(analysis, node, offset)
    if isinstance(node, ast.ProtocolField) and _within(node.name_span, offset):
        return Hover(
            _code(f"{node.name}: {file.text_of(node.type.span)}") + "\n\nprotocol field", node.name_span
        )
    if isinstance(node, ast.Param) and _within(node.name_span, offset):
        return Hover(_code(file.text_of(node.span)) + "\n\nparameter", node.name_span)
    if isinstance(node, ast.Member) and _within(node.name_span, offset):
        return _hover_member(analysis, node)
    if isinstance(node, ast.PrintCall | ast.Print):
        # `print` is a reserved word with its own syntax (L§1.5.1, L§4.4), never a name reference,
        # so it is recognised by its keyword at the start of the node.
        keyword = Span(node.span.start, node.span.start + len("print"))
        if _within(keyword, offset) and file.text_of(keyword) == "print":
            return Hover(builtin_markdown("print") or "", keyword)
    return None


def _owner_of(analysis: Analysis, prop: ast.Property) -> ast.Node | None:
    for decl in analysis.file.module.declarations:
        if decl.span.contains(prop.span):
            return decl
    return None


def _hover_use(analysis: Analysis, item: ast.UseItem, offset: int) -> Hover | None:
    text = item.text
    if text.startswith("std."):
        segment = _hover_occurrence(analysis, offset)  # `std.db.sqlite`: the segment under the cursor
        if segment is not None:
            return segment
        path = text[4:]
        if path in STD_NAMESPACES:
            return Hover(std_markdown(path, None), item.span)
        namespace, _, function = path.rpartition(".")
        return Hover(std_markdown(namespace, function), item.span)
    symbol = analysis.program.lookup(text)
    if symbol is not None and symbol.decl is not None:
        return Hover(declaration_markdown(symbol.file, symbol.decl), item.span)
    return None


def _hover_member(analysis: Analysis, member: ast.Member) -> Hover | None:
    std = _std_path(member)
    if std is not None:
        namespace = ".".join(std)
        if namespace in STD_NAMESPACES:  # `std.db.sqlite` in `std.db.sqlite.query(…)`
            return Hover(std_markdown(namespace, None), member.name_span)
        return Hover(std_markdown(*std), member.name_span)
    if isinstance(member.object, ast.Name) and member.object.id == "std":
        return Hover(std_markdown(member.name, None), member.name_span)
    receiver = member.object
    if not isinstance(receiver, ast.Name):
        return None
    if member.name in ERROR_FIELDS and _binds_an_error(analysis, receiver):
        kind, doc = ERROR_FIELDS[member.name]
        shown = _code(f"{receiver.id}.{member.name}: {kind}")
        return Hover(f"{shown}\n\n{doc}\n\nfield of an error value (S§0.2)", member.name_span)
    symbol = analysis.program.lookup(receiver.id)
    node = symbol.node if symbol is not None else None
    if receiver.id == "self":
        node = next((a for a in analysis.program.agents() if a.span.contains(member.span)), None)
    if isinstance(node, ast.AgentDecl):
        if member.name in AGENT_MEMBERS:
            signature, doc = AGENT_MEMBERS[member.name]
            return Hover(f"{_code(signature_text(signature, node.name + '.'))}\n\n{doc}", member.name_span)
        for function in [*node.functions, *node.flows]:
            if function.name == member.name:
                file = symbol.file if symbol is not None else analysis.file
                return Hover(declaration_markdown(file, function), member.name_span)
        spec = AGENT_PROPERTIES.get(member.name)
        prop = node.property(member.name)
        if prop is not None or spec is not None:
            value = ""
            if prop is not None and prop.value is not None:
                file = symbol.file if symbol is not None else analysis.file
                value = f"\n\n`{node.name}.{member.name}` = `{_short(file.text_of(prop.value.span), 80)}`"
            return Hover((setting_markdown(spec) if spec else f"**{member.name}**") + value, member.name_span)
    table = TOOL_MEMBERS if isinstance(node, ast.ToolDecl | ast.ToolFnDecl) else JOB_MEMBERS
    if isinstance(node, ast.ToolDecl | ast.ToolFnDecl | ast.JobDecl) and member.name in table:
        signature, doc = table[member.name]
        return Hover(f"{_code(signature_text(signature, receiver.id + '.'))}\n\n{doc}", member.name_span)
    return None


def _binds_an_error(analysis: Analysis, name: ast.Name) -> bool:
    """Whether `name` is the variable of a `catch (e)`, a `catch_correction(e)` or an `on_error(e)`
    hook (L§7.7.2): the places that bind an error value."""
    occurrences = program_occurrences(analysis.program)
    occurrence = occurrences.at(analysis.file, name.span.start)
    if occurrence is None or occurrence.target.denotes is not Denotes.LOCAL:
        return False
    bindings = {o.span for o in occurrences.of(occurrence.target) if o.role is not Role.READ}
    return not bindings.isdisjoint(error_binding_spans(analysis.file))


def _hover_reference(
    analysis: Analysis, name: str, span: Span, resolution: Resolution, symbol: Symbol | None
) -> Hover | None:
    if symbol is not None and symbol.decl is not None:
        return Hover(declaration_markdown(symbol.file, symbol.decl), span)
    if resolution is Resolution.PRELUDE:
        text = builtin_markdown(name)
        return Hover(text, span) if text else None
    if resolution in (Resolution.LOCAL, Resolution.GLOBAL):
        kind = "local variable" if resolution is Resolution.LOCAL else "global variable"
        static = _type_of_name(analysis, span)
        shown = f"{name}: {static}" if static else name
        return Hover(f"{_code(shown)}\n\n{kind}", span)
    if resolution is Resolution.SPECIAL:
        return Hover(f"{_code(name)}\n\nbound by the contract", span)
    if resolution is Resolution.MEMBER:
        return Hover(f"{_code(name)}\n\nmember of the enclosing agent", span)
    return None


def _type_of_name(analysis: Analysis, span: Span) -> str | None:
    for node in analysis.file.module.walk():
        if isinstance(node, ast.Name) and node.span == span:
            static = Types(analysis.program).type_of(node, id(analysis.file))
            return None if static.is_any else str(static)
    return None
