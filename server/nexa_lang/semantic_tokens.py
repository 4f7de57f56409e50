"""Semantic tokens: the names a TextMate grammar cannot classify (is `Writer` an agent or a variable?
is `topic` a parameter?), from the occurrence index.

Token types are LSP's standard names, so every client themes them without extra contributions;
the table `CATEGORY_TOKENS` says which Nexa thing gets which: agents are classes, flows and tools
functions, protocols and traits interfaces, agent property keys and `let` members properties,
member fns and flows methods, std namespaces namespaces. Modifiers: `declaration` where a name is
declared, `readonly` for handles, enum members and globals read inside bodies (L§6.2 D44),
`defaultLibrary` for built-in and std names, and `global` (a custom modifier, ignored by clients that
do not know it) for top-level variables.

The server encodes tokens into LSP's relative integers (positions are converted only there);
`token_edits` computes a `semanticTokens/full/delta` answer from two encoded arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from nexa_lang import ast
from nexa_lang.analysis import Analysis
from nexa_lang.builtin_docs import AGENT_MEMBERS, ERROR_FIELDS, JOB_MEMBERS, TOOL_MEMBERS
from nexa_lang.occurrences import (
    Category,
    Denotes,
    Role,
    enclosing_agent,
    error_binding_spans,
    program_occurrences,
)
from nexa_lang.positions import Span
from nexa_lang.scopes import Reference, Resolution


class TokenType(str, Enum):
    NAMESPACE = "namespace"
    TYPE = "type"
    CLASS = "class"
    ENUM = "enum"
    INTERFACE = "interface"
    STRUCT = "struct"
    PARAMETER = "parameter"
    VARIABLE = "variable"
    PROPERTY = "property"
    ENUM_MEMBER = "enumMember"
    FUNCTION = "function"
    METHOD = "method"


class TokenModifier(str, Enum):
    DECLARATION = "declaration"
    READONLY = "readonly"
    DEFAULT_LIBRARY = "defaultLibrary"
    GLOBAL = "global"


# The legend the server announces; a token's type and modifier bits index these lists.
TOKEN_TYPES: list[str] = [t.value for t in TokenType]
TOKEN_MODIFIERS: list[str] = [m.value for m in TokenModifier]

CATEGORY_TOKENS: dict[Category, tuple[TokenType, frozenset[TokenModifier]]] = {
    Category.AGENT: (TokenType.CLASS, frozenset()),
    Category.FLOW: (TokenType.FUNCTION, frozenset()),
    Category.TOOL: (TokenType.FUNCTION, frozenset()),
    Category.PROTOCOL: (TokenType.INTERFACE, frozenset()),
    Category.TYPE: (TokenType.TYPE, frozenset()),
    Category.STRUCT: (TokenType.STRUCT, frozenset()),
    Category.ENUM: (TokenType.ENUM, frozenset()),
    Category.TRAIT: (TokenType.INTERFACE, frozenset()),
    Category.JOB: (TokenType.CLASS, frozenset()),
    Category.HANDLE: (TokenType.VARIABLE, frozenset({TokenModifier.READONLY, TokenModifier.GLOBAL})),
    Category.SERVER: (TokenType.CLASS, frozenset()),
    Category.IMPORT: (TokenType.NAMESPACE, frozenset()),
    Category.GLOBAL_VARIABLE: (TokenType.VARIABLE, frozenset({TokenModifier.GLOBAL})),
    Category.VARIABLE: (TokenType.VARIABLE, frozenset()),
    Category.PARAMETER: (TokenType.PARAMETER, frozenset()),
    Category.PROPERTY: (TokenType.PROPERTY, frozenset()),
    Category.METHOD: (TokenType.METHOD, frozenset()),
    Category.ENUM_MEMBER: (TokenType.ENUM_MEMBER, frozenset({TokenModifier.READONLY})),
    Category.FIELD: (TokenType.PROPERTY, frozenset()),
    Category.NAMESPACE: (TokenType.NAMESPACE, frozenset()),
    Category.FUNCTION: (TokenType.FUNCTION, frozenset()),
    Category.VALUE: (TokenType.VARIABLE, frozenset({TokenModifier.READONLY})),
    Category.BUILTIN_TYPE: (TokenType.TYPE, frozenset()),
    Category.SPECIAL: (TokenType.VARIABLE, frozenset({TokenModifier.READONLY})),
}


@dataclass(frozen=True)
class SemanticToken:
    span: Span
    type: TokenType
    modifiers: frozenset[TokenModifier] = frozenset()

    @property
    def type_index(self) -> int:
        return TOKEN_TYPES.index(self.type.value)

    @property
    def modifier_bits(self) -> int:
        return sum(1 << TOKEN_MODIFIERS.index(m.value) for m in self.modifiers)


def semantic_tokens(analysis: Analysis, span: Span | None = None) -> list[SemanticToken]:
    """The tokens of the analysed file in source order, or only those overlapping `span` (a range
    request). Unresolved names and include paths get no token; tokens never overlap."""
    found: list[SemanticToken] = []
    read_in_bodies = {r.span for r in analysis.references if r.activation.kind != "top"}
    occurrences = program_occurrences(analysis.program).in_file(analysis.file)
    for occurrence in occurrences:
        chosen = CATEGORY_TOKENS.get(occurrence.category)
        if chosen is None:
            continue
        token_type, modifiers = chosen
        extra: set[TokenModifier] = set()
        if occurrence.role is Role.DECLARATION:
            extra.add(TokenModifier.DECLARATION)
        denotes = occurrence.target.denotes
        if denotes in (Denotes.PRELUDE, Denotes.STD, Denotes.SPECIAL):
            extra.add(TokenModifier.DEFAULT_LIBRARY)
        if (
            occurrence.category is Category.GLOBAL_VARIABLE
            and occurrence.role is Role.READ
            and occurrence.span in read_in_bodies
        ):
            extra.add(TokenModifier.READONLY)
        found.append(SemanticToken(occurrence.span, token_type, modifiers | frozenset(extra)))
    named = {o.span for o in occurrences}
    found.extend(t for t in builtin_member_tokens(analysis) if t.span not in named)
    tokens: list[SemanticToken] = []
    last_end = -1
    for token in sorted(found, key=lambda t: t.span.start):
        if span is not None and (token.span.end <= span.start or token.span.start >= span.end):
            continue
        if token.span.start < last_end:
            continue
        tokens.append(token)
        last_end = token.span.end
    return tokens


# Read-only fields every agent has (S§1.4), besides its declared property keys.
AGENT_FIELDS = frozenset({"name", "role", "prompt", "model", "description"})

_LIBRARY_METHOD = (TokenType.METHOD, frozenset({TokenModifier.DEFAULT_LIBRARY}))
_LIBRARY_FIELD = (TokenType.PROPERTY, frozenset({TokenModifier.READONLY, TokenModifier.DEFAULT_LIBRARY}))


def builtin_member_tokens(analysis: Analysis) -> list[SemanticToken]:
    """`A.run`, `A.clone`, `A.name`, `T.run`, `J.enqueue`, `e.message`: members the language gives
    every agent, tool, job and error value (S§1.4, S§1.10, S§0.2). They declare nothing the user
    could rename, so they are not occurrences (references and rename ignore them); only their
    highlighting is added here."""
    by_span = {(r.span.start, r.span.end): r for r in analysis.references}
    nodes = analysis.file.nodes
    error_names = error_binding_spans(analysis.file)
    error_variables: dict[tuple[int, str], bool] = {}  # (activation, name): only bound to errors
    tokens: list[SemanticToken] = []
    for node in nodes.of(ast.Member):
        if not isinstance(node, ast.Member) or not isinstance(node.object, ast.Name):
            continue
        ref = by_span.get((node.object.span.start, node.object.span.end))
        if ref is None:
            continue
        chosen = _builtin_member(ref, node.name, error_names, error_variables)
        if chosen is not None:
            tokens.append(SemanticToken(node.name_span, *chosen))
    return tokens


def _builtin_member(
    ref: Reference, name: str, error_names: set[Span], error_variables: dict[tuple[int, str], bool]
) -> tuple[TokenType, frozenset[TokenModifier]] | None:
    declared = ref.symbol.node if ref.resolution is Resolution.GLOBAL and ref.symbol is not None else None
    if ref.resolution is Resolution.SPECIAL and ref.name == "self":
        declared = enclosing_agent(ref.activation)
    if isinstance(declared, ast.AgentDecl):
        if name in AGENT_MEMBERS:
            return _LIBRARY_METHOD
        return _LIBRARY_FIELD if name in AGENT_FIELDS else None
    if isinstance(declared, ast.ToolDecl | ast.ToolFnDecl):
        return _LIBRARY_METHOD if name in TOOL_MEMBERS else None
    if isinstance(declared, ast.JobDecl):
        return _LIBRARY_METHOD if name in JOB_MEMBERS else None
    if ref.resolution is Resolution.LOCAL and name in ERROR_FIELDS:
        activation = ref.activation
        while activation is not None and ref.name not in activation.locals:
            activation = activation.parent
        if activation is None:
            return None
        key = (id(activation), ref.name)
        if key not in error_variables:  # only ever bound to a caught error
            bound = [s for n, s in activation.bindings if n == ref.name]
            error_variables[key] = bool(bound) and all(s in error_names for s in bound)
        if error_variables[key]:
            return _LIBRARY_FIELD
    return None


@dataclass(frozen=True)
class TokenEdit:
    """One edit of a `semanticTokens/full/delta` answer: replace `delete_count` integers at
    `start` of the previous array by `data`."""

    start: int
    delete_count: int
    data: list[int]


def token_edits(previous: Sequence[int], current: Sequence[int]) -> list[TokenEdit]:
    """The edits that turn the encoded array `previous` into `current`: one edit covering what lies
    between their common prefix and common suffix (whole tokens of five integers), or none."""
    if list(previous) == list(current):
        return []
    prefix = 0
    limit = min(len(previous), len(current))
    while prefix < limit and previous[prefix] == current[prefix]:
        prefix += 1
    prefix -= prefix % 5
    suffix = 0
    while (
        suffix < limit - prefix and previous[len(previous) - 1 - suffix] == current[len(current) - 1 - suffix]
    ):
        suffix += 1
    suffix -= suffix % 5
    return [
        TokenEdit(
            start=prefix,
            delete_count=len(previous) - prefix - suffix,
            data=list(current[prefix : len(current) - suffix]),
        )
    ]
