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

from nexa_lang.analysis import Analysis
from nexa_lang.occurrences import Category, Denotes, Role, program_occurrences
from nexa_lang.positions import Span


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
    tokens: list[SemanticToken] = []
    read_in_bodies = {r.span for r in analysis.references if r.activation.kind != "top"}
    last_end = -1
    for occurrence in program_occurrences(analysis.program).in_file(analysis.file):
        if span is not None and (occurrence.span.end <= span.start or occurrence.span.start >= span.end):
            continue
        chosen = CATEGORY_TOKENS.get(occurrence.category)
        if chosen is None or occurrence.span.start < last_end:
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
        tokens.append(SemanticToken(occurrence.span, token_type, modifiers | frozenset(extra)))
        last_end = occurrence.span.end
    return tokens


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
