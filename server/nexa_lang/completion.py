"""Completion at a cursor: what may be typed there, with documentation and snippets.

`complete(analysis, offset)` decides the context from the text before the cursor and the syntax
around it, most specific first:

1. a model string (`model: "…`, `fallback: "…`, `clone(model="…`) → model identifiers (S§4);
   after `@` starting a top-level item → the decorators that fit the declaration after it (S§3.2);
2. after `std.` / `std.ns.` → namespaces or their functions (S§2);
3. after `X.` → members of agent, tool or job `X` (`run`, `run_result`, `clone`, member fns,
   flows, lets, properties; S§1.4, S§1.10), or of `self` in an agent's member;
4. after `implements` → protocols; in a `uses` list or a `tools` list → tools, `@tool fn`s and
   std namespaces;
5. at a member position of an agent body → property keys (S§3.1) with value snippets, and the
   member keywords; in a property's value → its legal words;
6. anywhere else → the keywords the grammar accepts there (`cursor_context.keywords_at`),
   declaration and statement snippets, the activation's locals, the agent's members, the
   program's declarations and the prelude, with runnables first right after a DAG operator.

Items carry the byte span they replace (`Completions.replace`); the server converts it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import lru_cache, partial
from weakref import WeakKeyDictionary

from nexa_lang import ast
from nexa_lang.analysis import Analysis
from nexa_lang.builtin_docs import (
    AGENT_MEMBERS,
    JOB_MEMBERS,
    NAMESPACE_DOCS,
    PRELUDE_DOCS,
    STD_DOCS,
    TOOL_MEMBERS,
    signature_text,
)
from nexa_lang.cursor_context import CursorContext
from nexa_lang.keywords import RESERVED
from nexa_lang.model import Program, Symbol, pattern_bindings
from nexa_lang.model_ids import KNOWN_MODEL_NAMES, KNOWN_PROVIDERS, split_provider, usual_provider
from nexa_lang.outline import match_score
from nexa_lang.positions import Span
from nexa_lang.prelude import PREDEFINED_VALUES, PRELUDE_NAMES, STD_NAMESPACES
from nexa_lang.properties import (
    AGENT_PROPERTIES,
    BOOL,
    DECORATORS,
    DICT,
    ENUM,
    INT,
    MODEL_ID,
    NUMBER,
    PATH,
    SETTINGS,
    STR,
    STR_LIST,
    TOOL_LIST,
    TOOL_SOURCES,
    TYPE,
    SettingSpec,
)
from nexa_lang.signatures import PRELUDE_SIGNATURES, std_signature
from nexa_lang.token_estimates import context_window
from nexa_lang.types import (
    BUILTIN_SPELLINGS,
    ERROR_KINDS,
    OBJECT_TYPES,
    Types,
    single_binding,
    type_of_annotation,
)


class CompletionKind(str, Enum):
    KEYWORD = "keyword"
    SNIPPET = "snippet"
    AGENT = "agent"
    TOOL = "tool"
    PROTOCOL = "protocol"
    FLOW = "flow"
    FUNCTION = "function"
    METHOD = "method"
    VARIABLE = "variable"
    PROPERTY = "property"
    FIELD = "field"
    MODULE = "module"
    VALUE = "value"
    TYPE = "type"


@dataclass(frozen=True)
class CompletionItem:
    label: str
    kind: CompletionKind
    detail: str = ""
    # Markdown, or a function making it: a declaration's documentation (its hover) is built only
    # when an editor asks for it (completionItem/resolve), not for every item of a long list.
    doc_source: str | Callable[[], str] = field(default="", compare=False, repr=False)
    insert_text: str | None = None  # None: the label
    is_snippet: bool = False  # insert_text uses snippet syntax ($1, ${1:x}, ${1|a,b|})
    sort_text: str = ""

    @property
    def documentation(self) -> str:
        """The item's documentation (markdown; "" when it has none)."""
        source = self.doc_source
        return source() if callable(source) else source

    @property
    def has_documentation(self) -> bool:
        """Whether the item may have documentation, without building it."""
        return bool(self.doc_source)


@dataclass
class Completions:
    items: list[CompletionItem] = field(default_factory=list)
    replace: Span = Span(0, 0)  # the text the chosen item replaces
    typed: str = ""  # the part of `replace` before the cursor

    def matching(self) -> Completions:
        """Only the items an editor would show for the typed text: those whose label holds its
        characters in order, ignoring case (every item when nothing is typed)."""
        if not self.typed:
            return self
        kept = [item for item in self.items if match_score(self.typed, item.label) is not None]
        return Completions(kept, self.replace, self.typed)

    def labels(self) -> list[str]:
        return [item.label for item in self.items]

    def item(self, label: str) -> CompletionItem | None:
        return next((i for i in self.items if i.label == label), None)


# Sort groups: lower sorts first.
_LOCAL, _MEMBER, _GLOBAL, _PRELUDE, _KEYWORD, _SNIPPET = "0", "1", "2", "3", "4", "5"

_MODEL_STRING = re.compile(r"""\b(?:model|fallback)\s*[:=]?\s*(?:\[[^\]\n]*)?["']([^"'\n]*)$""")
_STD_PATH = re.compile(r"\bstd((?:\.[A-Za-z_]\w*)*)\.$")
_MEMBER_ACCESS = re.compile(r"\b([A-Za-z_]\w*)\.$")
_SCOPED_ACCESS = re.compile(r"\b([A-Za-z_]\w*)::$")
# `#{` or `#{name.` of an interpolation being typed (not `\#{`, which is literal text, L§1.6.3).
_INTERPOLATION = re.compile(r"(?<!\\)#\{\s*(?:([A-Za-z_]\w*)\.)?$")
# Where a type is written: a parameter of a flow/fn/job declaration, a return type after the
# parameter list, a typed `let`, a `type` alias, a struct field on the struct's line (L§3.8).
_TYPE_SLOT = re.compile(
    r"\b(?:flow|fn|job)(?:\s+[A-Za-z_]\w*)?\s*\((?:[^(){}]*,)?\s*[A-Za-z_]\w*\s*:\s*$"
    r"|\b(?:flow|fn)(?:\s+[A-Za-z_]\w*)?\s*\([^(){}]*\)\s*(?:->|:)\s*$"
    r"|\blet\s+[A-Za-z_]\w*\s*:\s*$"
    r"|\btype\s+[A-Za-z_]\w*\s*=\s*$"
    r"|\bstruct\s+[A-Za-z_]\w*\s*\{(?:[^{}]*,)?\s*[A-Za-z_]\w*\s*:\s*$"
    r"|\bprotocol\s+[A-Za-z_]\w*\s*\{(?:[^{}]*,)?\s*[A-Za-z_]\w*\s*:\s*$"
    r"|\benum\s+[A-Za-z_]\w*\s*\{[^{}]*\((?:[^(){}]*,)?\s*[A-Za-z_]\w*\s*:\s*$"  # a payload field
    r"|\bsatisfies\s+$"  # verify x satisfies T (L§4.15)
)
# A field line of a struct or protocol written over several lines: `    score: `.
_FIELD_LINE = re.compile(r"^\s*[A-Za-z_]\w*\s*:\s*$")
# The end of a type being written (L§3.8): `list[`, `dict[str, `, `str | `, `int? | `.
_TYPE_TAIL = re.compile(r"(?:\[|\||,|\]|\?|[A-Za-z_]\w*)\s*$")
# `catch (Kind e)` (L§4.9), `on_error(e: Kind)` and `catch_correction(e: Kind)` (L§4.15).
_ERROR_KIND_SLOT = re.compile(r"\bcatch\s*\(\s*$|\b(?:on_error|catch_correction)\s*\(\s*[A-Za-z_]\w*\s*:\s*$")
_TOOL_HOOK = re.compile(r"\b(?:before_tool|after_tool)\s*\(\s*$")  # L§4.15: a tool's name
# A harness statement's parameter list (L§4.15), up to the cursor: `autoloop max_steps: 3, ‸`.
_HARNESS_LINE = re.compile(r"^\s*(autoloop|with_context|context_policy)\b\s*\{?([^{}\"']*)$")
_HARNESS_VALUE = re.compile(r"([A-Za-z_]\w*)\s*:\s*$")
_IMPL_TRAIT = re.compile(r"^\s*impl\s+$")
_IMPL_TYPE = re.compile(r"^\s*impl\s+[A-Za-z_]\w*\s+for\s+$")
_IMPLEMENTS = re.compile(r"\bimplements\s+(?:[A-Za-z_]\w*\s*,\s*)*$")
_USES = re.compile(r"""\buses\b[^{}=;]*$|\btools\s*[:=]\s*\[[^\]]*$""")
_VALUE_AFTER_KEY = re.compile(r"^\s*([A-Za-z_]\w*)\s*[:=]\s*$")
_DAG_OPERATOR = re.compile(r"(>>|\|>>|\|\||&>>|&&|\|>|\?\?|:)\s*$")

# A snippet whose label is a keyword replaces the keyword's item (one item per label); its
# detail says what it inserts.
DECLARATION_SNIPPETS: dict[str, tuple[str, str, str]] = {
    # keyword that must be valid → (label, snippet, detail)
    "agent": (
        "agent",
        'agent ${1:Name} {\n    role: "${2:role}"\n    model: "${3:openai/gpt-4o-mini}"\n'
        '    prompt: "${4:what the agent does}"\n}\n',
        "agent Name { role, model, prompt } (declaration)",
    ),
    "flow": ("flow", "flow ${1:main}(${2}) {\n    $0\n}\n", "flow main() { … } (declaration)"),
    "tool": (
        "tool",
        'tool ${1:name} {\n    description: "${2:what the tool does}"\n'
        '    parameters: {"${3:arg}": "string"}\n}\n',
        "tool name { description, parameters } (declaration)",
    ),
    "protocol": (
        "protocol",
        "protocol ${1:Name} {\n    ${2:field}: ${3:str}\n}\n",
        "protocol Name { field: type } (declaration)",
    ),
    "test": ("test", 'test "${1:what it checks}" {\n    $0\n}\n', 'test "…" { … } (declaration)'),
}
TOOL_FN_SNIPPET = '@tool("${1:what it does}")\nfn ${2:name}(${3:arg}: str) -> str {\n    $0\n}\n'
STATEMENT_SNIPPETS: dict[str, tuple[str, str, str]] = {
    "match": (
        "match intent",
        'match ${1:message} {\n    intent("${2:what the text asks for}") => ${3:Agent}.run(${1:message})\n'
        "    _ => ${4:none}\n}",
        'match x { intent("…") => … }',
    ),
    "semantic_if": (
        "semantic_if",
        'semantic_if "${1:condition}" against ${2:text} {\n    $0\n}',
        'semantic_if "…" against text { … }',
    ),
    "for": ("for each", "for each ${1:item} in ${2:items} {\n    $0\n}", "for each item in items { … }"),
    "try": ("try catch", "try {\n    $1\n} catch (${2:e}) {\n    $0\n}", "try { … } catch (e) { … }"),
    "loop": ("loop until", 'loop {\n    $1\n} until ("${2:condition}")', 'loop { … } until ("…")'),
}
AGENT_MEMBER_SNIPPETS: tuple[tuple[str, str, str], ...] = (
    ("fn", "fn ${1:name}(${2}) {\n    $0\n}", "fn name() { … } (member function)"),
    ("flow", "flow ${1:name}(${2}) {\n    $0\n}", "flow name() { … } (member flow)"),
    ("let", "let ${1:name} = $0", "let name = … (member value)"),
    ("uses", "uses ${1:std.fs}", "uses std.fs (tools offered to the model)"),
)
# Keywords when the parse state is unknown (the fallback rules).
_DECLARATION_WORDS = (
    "agent",
    "tool",
    "protocol",
    "flow",
    "test",
    "type",
    "struct",
    "enum",
    "trait",
    "impl",
    "include",
    "import",
    "job",
    "server",
    "db",
    "kv",
    "auth",
)
_STATEMENT_WORDS = (
    "if",
    "for",
    "while",
    "loop",
    "match",
    "try",
    "raise",
    "assert",
    "defer",
    "return",
    "break",
    "continue",
    "let",
    "print",
    "semantic_if",
    "autoloop",
    "with_context",
    "try_agent",
    "verify",
    "reflect",
)
_EXPRESSION_WORDS = (
    "true",
    "false",
    "none",
    "not",
    "await",
    "match",
    "spawn",
    "fork",
    "snapshot",
    "receive",
    "semantic_if",
)


def complete(analysis: Analysis, offset: int) -> Completions:
    """The completion items at byte `offset` of the analysed file."""
    found = _complete(CursorContext(analysis, offset))
    if found.replace.start <= offset <= found.replace.end:
        found.typed = analysis.file.source[found.replace.start : offset].decode("utf-8", "replace")
    return found


def _complete(ctx: CursorContext) -> Completions:
    analysis = ctx.analysis
    model = _model_string(ctx)
    if model is not None:
        return model
    if ctx.in_comment_or_string:
        interpolation = _INTERPOLATION.search(ctx.line_before) if ctx.in_interpolating_string else None
        if interpolation is None:
            return Completions([], ctx.word)
        if interpolation.group(1):  # a path reads values: fields, lets and properties, no calls
            values = (CompletionKind.FIELD, CompletionKind.PROPERTY, CompletionKind.VALUE)
            members = [i for i in member_items(ctx, interpolation.group(1)) if i.kind in values]
            return Completions(members, ctx.word)
        named = [i for i in general_items(ctx) if i.sort_text[:1] in (_LOCAL, _MEMBER, _GLOBAL)]
        return Completions([replace(i, insert_text=None, is_snippet=False) for i in named], ctx.word)
    decorators = ctx.decorator_neighbours
    if decorators is not None:
        return Completions(decorator_items(ctx, *decorators), ctx.word)
    line = ctx.line_before
    std = _STD_PATH.search(line)
    if std is not None:
        return Completions(std_items(std.group(1).lstrip("."), with_empty=_in_uses(ctx)), ctx.word)
    member = _MEMBER_ACCESS.search(line)
    if member is not None:
        return Completions(member_items(ctx, member.group(1)), ctx.word)
    scoped = _SCOPED_ACCESS.search(line)
    if scoped is not None:
        return Completions(variant_items(ctx.analysis.program, scoped.group(1)), ctx.word)
    if _in_type(ctx, line):
        return Completions(type_items(ctx.analysis.program), ctx.word)
    harness = _harness_items(line)
    if harness is not None:
        return Completions(harness, ctx.word)
    if _ERROR_KIND_SLOT.search(line):
        return Completions(_error_kind_items(), ctx.word)
    if _TOOL_HOOK.search(line):
        tools = _symbols_of(analysis, "tool", _MEMBER) + _symbols_of(analysis, "tool_fn", _MEMBER)
        return Completions(tools, ctx.word)
    if _IMPL_TRAIT.search(line):
        return Completions(_symbols_of(analysis, "trait", _MEMBER), ctx.word)
    if _IMPL_TYPE.search(line):
        types = _symbols_of(analysis, "struct", _MEMBER) + _symbols_of(analysis, "enum", _MEMBER)
        return Completions(types, ctx.word)
    if _IMPLEMENTS.search(line):
        return Completions(_symbols_of(analysis, "protocol", _MEMBER), ctx.word)
    if _in_uses(ctx):
        return Completions(uses_items(analysis), ctx.word)
    if ctx.in_agent_body_slot:
        return Completions(agent_body_items(ctx), ctx.word)
    tool = tool_in_body_slot(ctx)
    if tool is not None:
        return Completions(tool_body_items(ctx, tool), ctx.word)
    value = _property_value(ctx)
    if value is not None:
        return Completions(value, ctx.word)
    return Completions(arm_pattern_items(ctx) + general_items(ctx), ctx.word)


def _in_type(ctx: CursorContext, line: str) -> bool:
    """The cursor is where a type is written (L§3.8): a type slot, or inside a type already begun
    there (after `[`, `|`, or a `,` between brackets)."""
    text = line
    while True:
        if _TYPE_SLOT.search(text) or _field_line_of_record(ctx, text):
            return True
        tail = _TYPE_TAIL.search(text)
        if tail is None or (tail.group().startswith(",") and text.count("[") <= text.count("]")):
            return False
        if text is line and not tail.group().startswith(("[", "|", ",")):
            return False  # the word being typed right after a name is no type continuation
        text = text[: tail.start()]


def _harness_items(line: str) -> list[CompletionItem] | None:
    """In an autoloop / with_context / context_policy header: the parameters not yet given, or the
    bare words a parameter takes (`strategy: sliding_window`)."""
    found = _HARNESS_LINE.search(line)
    if found is None:
        return None
    place, rest = found.group(1), found.group(2)
    table = SETTINGS[place]
    value = _HARNESS_VALUE.search(rest)
    if value is not None:
        spec = table.get(value.group(1))
        if spec is None or not spec.value.words:
            return None
        return [
            CompletionItem(w, CompletionKind.VALUE, spec.key, spec.meaning, sort_text=f"{i:02}")
            for i, w in enumerate(spec.value.words)
        ]
    if rest.strip() and not rest.rstrip().endswith(",") and not rest.endswith((" ", "\t")):
        return None
    given = set(re.findall(r"([A-Za-z_]\w*)\s*:", rest))
    return [
        CompletionItem(
            key, CompletionKind.PROPERTY, f"{place} parameter", spec.meaning, f"{key}: ", False, key
        )
        for key, spec in table.items()
        if key not in given
    ]


def _error_kind_items() -> list[CompletionItem]:
    """The built-in error kinds (S§0.2) and `Error`, which catches them all (L§4.9 D26)."""
    return [
        CompletionItem(kind, CompletionKind.TYPE, "error kind", sort_text=_GLOBAL + kind)
        for kind in (*ERROR_KINDS, "Error")
    ]


def _field_line_of_record(ctx: CursorContext, text: str) -> bool:
    return bool(_FIELD_LINE.search(text)) and ctx.innermost(ast.StructDecl, ast.ProtocolDecl) is not None


# ------------------------------------------------------------------------------ model strings


def _model_string(ctx: CursorContext) -> Completions | None:
    line_start = ctx.source.rfind(b"\n", 0, ctx.offset) + 1
    before = ctx.source[line_start : ctx.offset].decode("utf-8", "replace")
    found = _MODEL_STRING.search(before)
    if found is None or not _inside_string(before, found.start(1)):
        return None
    typed = found.group(1)
    start = ctx.offset - len(typed.encode("utf-8"))
    rest = ctx.source[ctx.offset :]
    end = ctx.offset
    while end < len(ctx.source) and rest[end - ctx.offset : end - ctx.offset + 1] not in (
        b'"',
        b"'",
        b"\n",
        b"",
    ):
        end += 1
    return Completions(model_items(typed), Span(start, end))


def _inside_string(line: str, content_start: int) -> bool:
    """The quote before `content_start` opens a string (an even number of quotes precede it)."""
    quote = line[content_start - 1]
    return line[: content_start - 1].count(quote) % 2 == 0


def model_items(typed: str = "") -> list[CompletionItem]:
    """Model identifiers. With nothing or a bare name typed: `offline`, `provider/name` for the
    known names under their usual provider, the bare names and the provider prefixes. After a
    `provider/` (or known `provider:`) prefix: that provider's own known names first, then the
    other known names under it (S§4.2 makes no list check: a provider may serve any name)."""
    provider, separator, _ = split_provider(typed)
    if separator:
        assert provider is not None
        ranked = sorted(KNOWN_MODEL_NAMES, key=lambda name: usual_provider(name) != provider)
        return [
            _model_item(
                f"{provider}{separator}{name}", name, "1" if usual_provider(name) == provider else "2"
            )
            for name in ranked
        ]
    items = [
        CompletionItem(
            "offline",
            CompletionKind.VALUE,
            "built-in offline provider",
            "Deterministic replies, no network (S§4.5).",
            sort_text="0offline",
        )
    ]
    for name in KNOWN_MODEL_NAMES:
        usual = usual_provider(name)
        if usual is not None:
            items.append(_model_item(f"{usual}/{name}", name, "1"))
        items.append(_model_item(name, name, "3"))
    for known in KNOWN_PROVIDERS:
        if known != "offline":
            items.append(
                CompletionItem(f"{known}/", CompletionKind.MODULE, "provider", sort_text="4" + known)
            )
    return items


def _model_item(label: str, name: str, rank: str) -> CompletionItem:
    window = context_window(name)
    detail = f"context: {window:,} tokens" if window else "context: unknown"
    return CompletionItem(label, CompletionKind.VALUE, detail, sort_text=rank + name)


# ------------------------------------------------------------------------------ decorators

TOOL_DECORATOR_SNIPPET = 'tool("${1:what it does}")'


def decorator_items(
    ctx: CursorContext, others: frozenset[str], following: str | None
) -> list[CompletionItem]:
    """After `@` at the start of a top-level item: the agent decorators (S§3.2) and `tool` (L§3.3),
    only those that fit the declaration that follows (`agent` or `fn`) and the other decorators
    of the run (`@tool` stands alone before a `fn`; agent decorators go together)."""
    agent_names = frozenset(DECORATORS)
    names: list[str] = [*DECORATORS, "tool"]
    if following == "agent" or others & agent_names:
        names = [*DECORATORS]
    elif following == "fn" or "tool" in others:
        names = [] if "tool" in others else ["tool"]
    renaming = ctx.source[ctx.word.end : ctx.word.end + 1] == b"("  # keep the arguments written
    items: list[CompletionItem] = []
    for name in names:
        if name == "tool":
            detail, documentation = (
                '@tool("description", key: value…) fn',
                (
                    "Declares the `fn` that follows as a tool function: callable from Nexa code and offered "
                    "to every agent; the string is the description given to models (L§3.3)."
                ),
            )
            snippet = TOOL_DECORATOR_SNIPPET
        else:
            spec = DECORATORS[name]
            placeholder = "F" if name == "temperature" else "N"  # as S§3.2 writes the forms
            forms = [f"@{name}({parameter}={placeholder})" for parameter in spec.parameters]
            detail = " or ".join(forms)
            setting = AGENT_PROPERTIES[spec.property]
            documentation = (
                f"Sets the agent's `{spec.property}` ({setting.meaning}); accepts {setting.value.expected}. "
                "When the property is also set, the decorator wins (S§3.2)."
            )
            if len(spec.parameters) == 1:
                snippet = f"{name}({spec.parameters[0]}=${{1:{placeholder}}})"
            else:
                snippet = f"{name}(${{1|{','.join(spec.parameters)}|}}=${{2:{placeholder}}})"
        items.append(
            CompletionItem(
                name,
                CompletionKind.FUNCTION,
                detail,
                documentation,
                None if renaming else snippet,
                not renaming,
                _MEMBER + name,
            )
        )
    return items


# ------------------------------------------------------------------------------ std


def std_items(path: str, with_empty: bool = False) -> list[CompletionItem]:
    """After `std.` (path ""), `std.db.` or `std.ns.`: the next namespace part or the functions.
    The namespaces that hold no function (`std.pipe`, …; S§2) only `with_empty` (in a `uses`
    list, which accepts them): in code a call through them is E303."""
    items: list[CompletionItem] = []
    if path in STD_NAMESPACES and STD_NAMESPACES[path]:
        for name in STD_NAMESPACES[path]:
            signature = std_signature(path, name) or PRELUDE_SIGNATURES.get(name)
            detail = signature_text(signature) if signature else f"std.{path}.{name}"
            documentation = STD_DOCS.get(name) or PRELUDE_DOCS.get(name, "")
            items.append(
                CompletionItem(
                    name, CompletionKind.FUNCTION, detail, documentation, f"{name}($1)", True, _MEMBER + name
                )
            )
        return items
    prefix = f"{path}." if path else ""
    children = sorted(
        {
            ns[len(prefix) :].split(".")[0]
            for ns, functions in STD_NAMESPACES.items()
            if ns.startswith(prefix) and (functions or with_empty)
        }
    )
    for child in children:
        full = prefix + child
        items.append(
            CompletionItem(
                child,
                CompletionKind.MODULE,
                f"std.{full}",
                NAMESPACE_DOCS.get(full, ""),
                sort_text=_MEMBER + child,
            )
        )
    return items


# ------------------------------------------------------------------------------ members


def member_items(ctx: CursorContext, receiver: str) -> list[CompletionItem]:
    analysis = ctx.analysis
    if receiver == "self" and ctx.agent is not None:
        return agent_member_items(ctx.agent)
    local = ctx.activation is not None and ctx.activation.binds(receiver)
    symbol = None if local else analysis.program.lookup(receiver)
    node = symbol.node if symbol is not None else None
    if isinstance(node, ast.AgentDecl):
        return agent_member_items(node)
    if isinstance(node, ast.ToolDecl | ast.ToolFnDecl):
        return _signature_members(TOOL_MEMBERS)
    if isinstance(node, ast.JobDecl):
        return _signature_members(JOB_MEMBERS)
    if isinstance(node, ast.EnumDecl):
        return [CompletionItem(v.name, CompletionKind.VALUE, f"{node.name}::{v.name}") for v in node.variants]
    if isinstance(node, ast.Import) and (node.module == "std" or node.module.startswith("std.")):
        return std_items(node.module[len("std.") :])  # `import std.text as t`: `t.` is `std.text.`
    return record_items(ctx, receiver)


def record_items(ctx: CursorContext, receiver: str) -> list[CompletionItem]:
    """The fields and impl methods of the struct (or fields of the protocol) that `receiver`
    statically holds: `self` in an impl, a typed parameter or `let`, a local bound once to `S(…)`."""
    program = ctx.analysis.program
    record = ctx.record_held_by(receiver)
    if record is None:
        return []
    items = [
        CompletionItem(
            f.name,
            CompletionKind.FIELD,
            f"{f.name}: {ctx.analysis.file.text_of(f.type.span)}" if _has_text(ctx, f.type) else f.name,
            sort_text=_MEMBER + f.name,
        )
        for f in record.fields
        if isinstance(f, ast.FieldDecl | ast.ProtocolField)
    ]
    if isinstance(record, ast.StructDecl):
        for _, impl in program.of_kind(ast.ImplDecl):
            if isinstance(impl, ast.ImplDecl) and impl.type_name == record.name:
                for method in impl.methods:
                    params = ", ".join(p.name for p in method.params)
                    items.append(
                        CompletionItem(
                            method.name,
                            CompletionKind.METHOD,
                            f"{record.name}.{method.name}({params})",
                            method.doc or "",
                            f"{method.name}($1)" if method.params else f"{method.name}()",
                            bool(method.params),
                            _MEMBER + method.name,
                        )
                    )
    return items


def _has_text(ctx: CursorContext, node: ast.Node | None) -> bool:
    return node is not None and node.span.end > node.span.start


def arm_pattern_items(ctx: CursorContext) -> list[CompletionItem]:
    """Where a match arm starts and the subject is of a declared enum: a pattern for each variant
    (`Shape::Circle(r)`), sorted before everything else, then `_`."""
    if not _ARM_START.search(ctx.line_before):
        return []
    match = ctx.innermost(ast.Match)
    if not isinstance(match, ast.Match) or not match.span.contains(Span(ctx.offset, ctx.offset)):
        return []
    if any(arm.span.start <= ctx.word.start < arm.span.end for arm in match.arms):
        return []  # inside an arm (its body or guard), not at the start of a new one
    enum = _enum_of(ctx, match.subject)
    if enum is None:
        return []
    items = []
    for number, variant in enumerate(enum.variants):
        label = f"{enum.name}::{variant.name}"
        insert = None
        if variant.fields:
            holes = ", ".join(f"${{{i}:{f.name}}}" for i, f in enumerate(variant.fields, 1))
            label += "(" + ", ".join(f.name for f in variant.fields) + ")"
            insert = f"{enum.name}::{variant.name}({holes})"
        items.append(
            CompletionItem(
                label, CompletionKind.VALUE, f"variant of {enum.name}", "", insert, insert is not None,
                f"{_LOCAL}0{number:03}",
            )
        )  # fmt: skip
    items.append(CompletionItem("_", CompletionKind.KEYWORD, "any other value", sort_text=f"{_LOCAL}0999"))
    return items


# A match arm starts here: the line so far is only indentation, or ends with the `{` or `,` that
# closes the previous arm.
_ARM_START = re.compile(r"(?:^|[{,])\s*$")


def _enum_of(ctx: CursorContext, subject: ast.Expr) -> ast.EnumDecl | None:
    """The declared enum a match subject holds: a typed parameter or `let`, a local bound once to
    `Enum::Variant…`, or whatever the type inference knows."""
    program = ctx.analysis.program
    name: str | None = None
    if isinstance(subject, ast.Name):
        activation = ctx.activation
        while activation is not None and activation.kind != "top" and subject.id not in activation.locals:
            activation = activation.parent
        if activation is not None and activation.kind != "top":
            param = next(
                (
                    p
                    for p in getattr(activation.node, "params", []) or []
                    if getattr(p, "name", "") == subject.id
                ),
                None,
            )
            if isinstance(param, ast.Param) and param.type is not None:
                name = type_of_annotation(program, param.type).name
            binding = single_binding(activation, subject.id) if name is None else None
            if isinstance(binding, ast.Let) and binding.type is not None:
                name = type_of_annotation(program, binding.type).name
            elif binding is not None and isinstance(binding.value, ast.ScopedName):
                name = binding.value.scope
            elif binding is not None and isinstance(binding.value, ast.Call):
                function = binding.value.function
                name = function.scope if isinstance(function, ast.ScopedName) else None
    elif isinstance(subject, ast.ScopedName):
        name = subject.scope
    if name is None:
        name = Types(program).type_of(subject, id(ctx.analysis.file)).name
    symbol = program.lookup(name)
    return symbol.node if symbol is not None and isinstance(symbol.node, ast.EnumDecl) else None


def variant_items(program: Program, scope: str) -> list[CompletionItem]:
    """After `Enum::`: the enum's variants (a variant with fields inserts its parentheses);
    `Option::` and `Result::` give their built-in variants."""
    symbol = program.lookup(scope)
    node = symbol.node if symbol is not None else None
    if isinstance(node, ast.EnumDecl):
        items = []
        for variant in node.variants:
            fields = ", ".join(f.name for f in variant.fields)
            detail = f"{node.name}::{variant.name}" + (f"({fields})" if variant.fields else "")
            insert = f"{variant.name}($1)" if variant.fields else None
            items.append(
                CompletionItem(
                    variant.name,
                    CompletionKind.VALUE,
                    detail,
                    "",
                    insert,
                    bool(insert),
                    _MEMBER + variant.name,
                )
            )
        return items
    builtin = {"Option": (("Some", True), ("None", False)), "Result": (("Ok", True), ("Err", True))}
    if node is None and scope in builtin:
        return [
            CompletionItem(
                name, CompletionKind.VALUE, f"{scope}::{name}", "", f"{name}($1)" if takes else None, takes
            )
            for name, takes in builtin[scope]
        ]
    return []


def type_items(program: Program) -> list[CompletionItem]:
    """Where a type is written: the program's types, then the built-in spellings (L§3.8) and the
    object types (S§0.1)."""
    items = [
        symbol_item(symbols[0], _LOCAL)
        for symbols in program.symbols.values()
        if symbols[0].kind in ("struct", "enum", "protocol", "type", "trait")
    ]
    seen = {i.label for i in items}
    canonical = {"str", "int", "float", "bool", "list", "dict", "any", "unit", "Option", "Result"}
    for name in (*BUILTIN_SPELLINGS, *OBJECT_TYPES):
        if name not in seen:
            if name in canonical:
                group, detail = _GLOBAL + "0", "built-in type"
            elif name in BUILTIN_SPELLINGS:
                group, detail = _GLOBAL + "1", f"built-in type ({BUILTIN_SPELLINGS[name]})"
            else:
                group, detail = _PRELUDE, "built-in object type"
            items.append(CompletionItem(name, CompletionKind.TYPE, detail, sort_text=group + name))
    return items


def _signature_members(table: dict) -> list[CompletionItem]:
    return [
        CompletionItem(
            name, CompletionKind.METHOD, signature_text(sig), doc, f"{name}($1)", True, _MEMBER + name
        )
        for name, (sig, doc) in table.items()
    ]


def agent_member_items(agent: ast.AgentDecl) -> list[CompletionItem]:
    """`run`, `run_result`, `clone`, member fns and flows, lets, then the properties (S§1.4)."""
    items = _signature_members(AGENT_MEMBERS)
    for function in [*agent.functions, *agent.flows]:
        params = ", ".join(p.name for p in function.params)
        items.append(
            CompletionItem(
                function.name,
                CompletionKind.METHOD,
                f"{agent.name}.{function.name}({params})",
                function.doc or "",
                f"{function.name}($1)",
                True,
                _MEMBER + function.name,
            )
        )
    for let in agent.lets:
        for name, _ in pattern_bindings(let.pattern):
            items.append(CompletionItem(name, CompletionKind.FIELD, f"let {name}", sort_text=_MEMBER + name))
    for key in dict.fromkeys(
        ["name", "role", "prompt", "model", "description", *(p.key for p in agent.properties)]
    ):
        spec = AGENT_PROPERTIES.get(key)
        items.append(
            CompletionItem(
                key,
                CompletionKind.PROPERTY,
                "read-only field",
                spec.meaning if spec else "",
                sort_text=_GLOBAL + key,
            )
        )
    return items


# ------------------------------------------------------------------------------ uses and implements


def _in_uses(ctx: CursorContext) -> bool:
    if _USES.search(ctx.line_before) is None:
        return False
    return ctx.agent is not None or "agent" in ctx.line_before


def uses_items(analysis: Analysis) -> list[CompletionItem]:
    items = _symbols_of(analysis, "tool", _LOCAL) + _symbols_of(analysis, "tool_fn", _LOCAL)
    for ns in STD_NAMESPACES:
        if STD_NAMESPACES[ns]:
            items.append(
                CompletionItem(
                    f"std.{ns}",
                    CompletionKind.MODULE,
                    "std namespace",
                    NAMESPACE_DOCS.get(ns, ""),
                    sort_text=_GLOBAL + ns,
                )
            )
    items.append(
        CompletionItem(
            'mcp:"…"',
            CompletionKind.SNIPPET,
            "tools of an MCP server",
            insert_text='mcp:"${1:uri}"',
            is_snippet=True,
            sort_text=_SNIPPET,
        )
    )
    return items


def _symbols_of(analysis: Analysis, kind: str, group: str) -> list[CompletionItem]:
    return [
        symbol_item(symbols[0], group)
        for symbols in analysis.program.symbols.values()
        if symbols and symbols[0].kind == kind
    ]


# ------------------------------------------------------------------------------ tool bodies

_TOOL_KEYS = SETTINGS["tool"]
_WASM_ONLY_KEYS = frozenset(_TOOL_KEYS) - {"description", "parameters", *TOOL_SOURCES}


def tool_in_body_slot(ctx: CursorContext) -> ast.ToolDecl | None:
    """The `tool X { … }` whose body holds the cursor where a key starts (not in a value)."""
    tool = ctx.innermost(ast.ToolDecl)
    if not isinstance(tool, ast.ToolDecl):
        return None
    brace = ctx.structure.file.source.find(b"{", tool.name_span.end)
    if brace < 0 or not (brace < ctx.anchor < tool.span.end):
        return None
    inner = ctx.nodes[ctx.nodes.index(tool) + 1 :]
    if any(not isinstance(n, ast.Property) for n in inner):
        return None
    prop = next((n for n in inner if isinstance(n, ast.Property)), None)
    if prop is not None and not (prop.key_span.start <= ctx.word.start <= prop.key_span.end):
        return None  # in the value of a key
    return tool if ctx.at_line_start or ctx.line_before.rstrip().endswith((",", "{", ";")) else None


def tool_body_items(ctx: CursorContext, tool: ast.ToolDecl) -> list[CompletionItem]:
    """The keys of a tool declaration (S§5.2) not written yet: with `wasm:` its limit keys, with
    `mcp:`/`python:` neither the limits nor `parameters` (E010/W007 there)."""
    at = ctx.word.start
    present = {p.key for p in tool.properties if not p.key_span.start <= at <= p.key_span.end}
    source = next((key for key in TOOL_SOURCES if key in present), None)
    items: list[CompletionItem] = []
    for key, spec in _TOOL_KEYS.items():
        if key in present or (source is not None and key in TOOL_SOURCES):
            continue
        if source in ("mcp", "python") and (key in _WASM_ONLY_KEYS or key == "parameters"):
            continue
        snippet = "[$1]" if spec.value.kind == STR_LIST else value_snippet(spec)
        items.append(
            CompletionItem(
                key,
                CompletionKind.PROPERTY,
                f"{spec.value.kind} · default {spec.default}",
                f"**{key}** (tool key): {spec.meaning}\n\n"
                f"Accepts {spec.value.expected}; default `{spec.default}` (S§5.2).",
                f"{key}: {snippet}",
                True,
                _MEMBER + key,
            )
        )
    return items


# ------------------------------------------------------------------------------ agent bodies


def agent_body_items(ctx: CursorContext) -> list[CompletionItem]:
    agent = ctx.agent
    assert agent is not None
    present = {p.key for p in agent.properties}
    typed = ctx.prefix
    items: list[CompletionItem] = []
    members = {label for label, _, _ in AGENT_MEMBER_SNIPPETS}
    for key, spec in AGENT_PROPERTIES.items():
        if (key in present and key != typed) or key in members:
            continue  # set already, or offered as a member snippet (`uses`)
        items.append(
            CompletionItem(
                key,
                CompletionKind.PROPERTY,
                f"{spec.value.kind} · default {spec.default}",
                property_documentation(spec),
                f"{key}: {value_snippet(spec)}",
                True,
                _MEMBER + key,
            )
        )
    for label, snippet, detail in AGENT_MEMBER_SNIPPETS:
        spec = AGENT_PROPERTIES.get(label)
        items.append(
            CompletionItem(
                label,
                CompletionKind.KEYWORD,
                detail,
                property_documentation(spec) if spec is not None else "",
                insert_text=snippet,
                is_snippet=True,
                sort_text=_KEYWORD + label,
            )
        )
    return items


def property_documentation(spec: SettingSpec) -> str:
    return (
        f"**{spec.key}**: {spec.meaning}\n\nAccepts {spec.value.expected}; default `{spec.default}` (S§3.1)."
    )


def value_snippet(spec: SettingSpec) -> str:
    """The value part of a property snippet, shaped by the key's value type."""
    value = spec.value
    if value.words and value.kind == ENUM:
        return '"${1|' + ",".join(value.words) + '|}"'
    if value.kind == BOOL:
        return "${1|true,false|}"
    if value.kind in (INT, NUMBER):
        default = spec.default if re.fullmatch(r"[0-9.]+", spec.default) else ""
        return "${1:" + default + "}"
    if value.kind in (STR, PATH, MODEL_ID):
        return '"$1"'
    if value.kind == TOOL_LIST:
        return "[$1]"
    if value.kind == DICT:
        return "{$1}"
    if value.kind == TYPE:
        return "${1:str}"
    return "$1"


def _property_value(ctx: CursorContext) -> list[CompletionItem] | None:
    """Legal words in the value of an agent property (`tool_call_strategy: |`)."""
    if ctx.agent is None:
        return None
    key: str | None = None
    if ctx.property is not None:
        key = ctx.property.key
    else:
        found = _VALUE_AFTER_KEY.match(ctx.line_before)
        key = found.group(1) if found else None
    spec = AGENT_PROPERTIES.get(key or "")
    if spec is None:
        return None
    if spec.value.kind == MODEL_ID:
        return [
            CompletionItem(f'"{i.label}"', i.kind, i.detail, i.doc_source, sort_text=i.sort_text)
            for i in model_items()
        ]
    words = list(spec.value.words)
    if spec.value.kind == BOOL or spec.value.also_bool:
        words = ["true", "false", *(f'"{w}"' for w in words)]
    else:
        words = [f'"{w}"' for w in words]
    if not words:
        return None
    return [
        CompletionItem(w, CompletionKind.VALUE, spec.key, spec.meaning, sort_text=f"{i:02}")
        for i, w in enumerate(words)
    ]


# ------------------------------------------------------------------------------ everywhere else


def general_items(ctx: CursorContext) -> list[CompletionItem]:
    analysis = ctx.analysis
    after_dag = _DAG_OPERATOR.search(ctx.line_before) is not None and not ctx.at_line_start
    keywords = ctx.keywords if ctx.keywords is not None else _fallback_keywords(ctx)
    items: list[CompletionItem] = []
    seen: set[str] = set()

    def add(item: CompletionItem) -> None:
        if item.label not in seen:
            seen.add(item.label)
            items.append(item)

    activation = ctx.activation
    chain = activation
    while chain is not None:
        if chain.kind != "top":
            for name in chain.locals:
                add(CompletionItem(name, CompletionKind.VARIABLE, "local variable", sort_text=_LOCAL + name))
            for name in sorted(chain.specials):
                add(
                    CompletionItem(
                        name, CompletionKind.VARIABLE, f"bound in this {chain.kind}", sort_text=_LOCAL + name
                    )
                )
        chain = chain.parent
    agent = _enclosing_agent(activation)
    if agent is not None:
        for item in agent_member_items(agent):
            if item.label not in AGENT_MEMBERS and item.label not in ("name",):
                add(item)
    for item in program_items(analysis.program, after_dag):
        add(item)
    for item in prelude_items():
        add(item)
    snippets = _snippet_items(keywords, after_dag)
    with_snippet = {item.label for item in snippets}
    for word in sorted(keywords - with_snippet):
        add(CompletionItem(word, CompletionKind.KEYWORD, "keyword", sort_text=_KEYWORD + word))
    for item in snippets:
        add(item)
    return items


def _snippet_items(keywords: frozenset[str], after_dag: bool) -> list[CompletionItem]:
    """The declaration and statement snippets whose keyword is valid; one labelled as its keyword
    sorts with the keywords, in its place."""
    found: list[tuple[str, str, str]] = []
    if not after_dag:
        found += [entry for keyword, entry in DECLARATION_SNIPPETS.items() if keyword in keywords]
        if "agent" in keywords:
            found.append(
                ("@tool fn", TOOL_FN_SNIPPET, '@tool("…") fn name(arg: str) -> str { … } (declaration)')
            )
    found += [entry for keyword, entry in STATEMENT_SNIPPETS.items() if keyword in keywords]
    return [
        CompletionItem(
            label,
            CompletionKind.SNIPPET,
            detail,
            insert_text=snippet,
            is_snippet=True,
            sort_text=(_KEYWORD if label in keywords else _SNIPPET) + label,
        )
        for label, snippet, detail in found
    ]


def _enclosing_agent(activation: object) -> ast.AgentDecl | None:
    while activation is not None:
        agent = getattr(activation, "agent", None)
        if agent is not None:
            return agent
        activation = getattr(activation, "parent", None)
    return None


def _fallback_keywords(ctx: CursorContext) -> frozenset[str]:
    """Context rules for when the parse state says nothing (inside an error)."""
    if not ctx.at_line_start:
        return frozenset(_EXPRESSION_WORDS)
    activation = ctx.activation
    if activation is None or activation.kind == "top":
        return frozenset(_DECLARATION_WORDS + _STATEMENT_WORDS + _EXPRESSION_WORDS)
    return frozenset(_STATEMENT_WORDS + _EXPRESSION_WORDS)


# The program's declarations as items, per program (a document version's analysis keeps its
# program): they do not depend on the cursor, only on whether runnables sort first.
_PROGRAM_ITEMS: WeakKeyDictionary[Program, dict[bool, list[CompletionItem]]] = WeakKeyDictionary()


def program_items(program: Program, runnables_first: bool = False) -> list[CompletionItem]:
    """An item for each global name of `program` (its first declaration), computed once per
    program; with `runnables_first`, agents, flows and tools sort with the locals."""
    cached = _PROGRAM_ITEMS.setdefault(program, {})
    items = cached.get(runnables_first)
    if items is None:
        runnable_group = _LOCAL if runnables_first else _GLOBAL
        items = []
        for symbols in program.symbols.values():
            symbol = symbols[0]
            is_runnable = symbol.kind in ("agent", "flow", "tool", "tool_fn")
            items.append(symbol_item(symbol, runnable_group if is_runnable else _GLOBAL))
        cached[runnables_first] = items
    return items


@lru_cache(maxsize=1)
def prelude_items() -> tuple[CompletionItem, ...]:
    """The prelude's functions and values that are not reserved words, by name."""
    return tuple(prelude_item(name) for name in sorted(PRELUDE_NAMES) if name not in RESERVED)


_SYMBOL_KINDS = {
    "agent": CompletionKind.AGENT,
    "tool": CompletionKind.TOOL,
    "tool_fn": CompletionKind.TOOL,
    "protocol": CompletionKind.PROTOCOL,
    "flow": CompletionKind.FLOW,
    "global": CompletionKind.VARIABLE,
    "type": CompletionKind.TYPE,
    "struct": CompletionKind.TYPE,
    "enum": CompletionKind.TYPE,
    "trait": CompletionKind.TYPE,
    "import": CompletionKind.MODULE,
}


def symbol_item(symbol: Symbol, group: str = _GLOBAL) -> CompletionItem:
    from nexa_lang.hover import declaration_markdown  # hover's summary is the documentation

    kind = _SYMBOL_KINDS.get(symbol.kind, CompletionKind.VARIABLE)
    detail = symbol.kind.replace("_", " ") if symbol.kind != "global" else "global variable"
    decl = symbol.decl
    documentation: str | Callable[[], str] = ""
    if decl is not None:
        documentation = partial(declaration_markdown, symbol.file, decl)
    insert: str | None = None
    is_snippet = False
    if isinstance(decl, ast.FlowDecl | ast.ToolFnDecl) and decl.params:
        insert = f"{symbol.name}($1)"
        is_snippet = True
    return CompletionItem(symbol.name, kind, detail, documentation, insert, is_snippet, group + symbol.name)


def prelude_item(name: str) -> CompletionItem:
    signature = PRELUDE_SIGNATURES.get(name)
    if name in PREDEFINED_VALUES:
        return CompletionItem(name, CompletionKind.VARIABLE, "built-in value", sort_text=_PRELUDE + name)
    detail = signature_text(signature) if signature else "built-in function"
    return CompletionItem(
        name,
        CompletionKind.FUNCTION,
        detail,
        PRELUDE_DOCS.get(name, ""),
        f"{name}($1)",
        True,
        _PRELUDE + name,
    )
