"""E008 syntax-error: one diagnostic per MISSING node and per outermost ERROR node of the tree.

Why: the parser recovers from mistakes, so the rest of the file can still be checked, but the
recovered tree is not what the user meant; each skipped or invented token is reported, saying what
the parser expected there (diagnostics.md E008).

Messages:
* MISSING: `expected {token}`; for a closing token, `… to close the {construct} opened at line {n}`.
* ERROR: `unexpected {found}`, then `; expected {list}` when the parser state before the error
  admits at most 8 alternatives (read with tree-sitter's lookahead iterator), then `in {construct}`.
* Special cases: unterminated string or comment, chained comparison, text after `?`, a `#` line
  (no comment in Nexa), and upstream's `semantic_match`. An unterminated `/*` is one token up to
  the end of the file (the grammar's `unterminated_comment`, valid nowhere), and its E008 covers
  that whole token; so is a `#` up to the end of its line (`hash_line`).
Ranges: MISSING zero-width after the previous token; ERROR the first token inside it, with the
whole ERROR node as related information. No fixes; E008 cannot be suppressed or ignored.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache

from tree_sitter import Language, Node, Tree

from nexa_lang.codes import SYNTAX_ERROR
from nexa_lang.diagnostics import Diagnostic, Related
from nexa_lang.parsing import nodes_of_type
from nexa_lang.positions import LineIndex, Span

MAX_ERRORS = 100
MAX_ALTERNATIVES = 8

# Constructs named in `in {construct}` (the innermost enclosing one with a name).
_CONSTRUCTS = {
    "agent_declaration": "agent",
    "tool_declaration": "tool",
    "tool_function_declaration": "tool function",
    "protocol_declaration": "protocol",
    "flow_declaration": "flow",
    "function_declaration": "function",
    "test_declaration": "test",
    "type_declaration": "type",
    "struct_declaration": "struct",
    "enum_declaration": "enum",
    "trait_declaration": "trait",
    "impl_declaration": "impl",
    "job_declaration": "job",
    "server_declaration": "server",
}

# Nonterminals described in words in an "expected" list, the most general first: a kind that
# adds no token to those of the kinds listed before it is not listed. Statements come before
# declarations because declarations only occur where statements do too (see `_first_tokens`).
_KIND_WORDS = (
    ("_statement", "a statement"),
    ("_declaration", "a declaration"),
    ("_expression", "an expression"),
    ("_operand", "an expression"),
    ("_type", "a type"),
    ("_pattern", "a pattern"),
    ("block", "a block"),
    ("agent_body", "an agent body"),
    ("argument_list", "an argument list"),
    ("parameter_list", "a parameter list"),
    ("_string_literal", "a string"),
    ("string", "a string"),
    ("triple_string", "a string"),
    ("identifier", "an identifier"),
    ("integer", "an integer"),
    ("float", "a number"),
)
# Tokens whose name is not what the user types: node kinds in words, scanned keywords as typed.
_TOKEN_WORDS = {
    "end": "end of file",
    "identifier": "an identifier",
    "integer": "an integer",
    "float": "a number",
    "raw_string": "a string",
    "comment": "a comment",
    "string_content": "string text",
    "escape_sequence": "an escape sequence",
    "interpolation": "an interpolation",
    "break_statement": "'break'",
    "continue_statement": "'continue'",
    "wildcard_pattern": "'_'",
}
# Tokens never listed: comments may stand anywhere; `unterminated_comment` and `hash_line` are valid
# nowhere.
_UNLISTED_TOKENS = {"comment", "unterminated_comment", "hash_line"}
_STRING_TOKENS = {'"', "'", '"""', 'template"""', "string", "triple_string", "raw_string", "template_string"}
_STRING_PARTS = {'"', "'", '"""', "string_content", "escape_sequence", "interpolation"}
_CLOSERS = {"}": "{", ")": "(", "]": "[", '"': '"', "'": "'", '"""': '"""'}
_INFIX_OPERATORS = {
    ">>", "|>>", "||", "&>>", "&&", "|>", "??", "+", "-", "*", "/", "%",
    "==", "!=", "<", "<=", ">", ">=", "and", "or", "otherwise", "fallback", "=", "=>", "->",
}  # fmt: skip
_OPERATOR_START = re.compile(rb"[<>!=]")  # the first characters of the comparison operators
_LEADING_TOKEN = re.compile(
    rb"[A-Za-z_][A-Za-z0-9_]*!?|[0-9]+(?:\.[0-9]+)?|\"\"\"|\|>>|&>>|>>|\|\||&&|\|>|\?\?|::|->|=>|==|!=|<=|>=|\.\.|/\*"
    # One whole UTF-8 character (lead byte and continuation bytes), so a message shows '名', not
    # the replacement character decoded from its first byte, and its range covers the character.
    rb"|[\xc2-\xf4][\x80-\xbf]{1,3}|\S"
)


@dataclass(frozen=True)
class _Grammar:
    """What the E008 messages need to know about the language's symbols."""

    language: Language
    first_nonterminal: int  # symbols below this id are tokens

    def is_token(self, symbol: int) -> bool:
        return symbol < self.first_nonterminal

    def names(self, state: int) -> list[tuple[int, str]]:
        iterator = self.language.lookahead_iterator(state)
        if iterator is None:
            return []
        return [(symbol, self.language.node_kind_for_id(symbol) or "") for symbol in iterator.symbols()]

    def listed_tokens(self, entries: list[tuple[int, str]]) -> set[str]:
        """The tokens among `entries` that an "expected" list may name: not the hidden ones (the
        external scanner's markers `_scanner_hook`, `_key_marker`, …, which stand for nothing the
        user types; where a key may stand, an identifier is admitted too), not comments."""
        return {
            name
            for symbol, name in entries
            if self.is_token(symbol)
            and (symbol == 0 or self.language.node_kind_is_visible(symbol))  # 0 is the end of file
            and not name.startswith("_")
            and name not in _UNLISTED_TOKENS
        }


@lru_cache(maxsize=4)
def _grammar(language: Language) -> _Grammar:
    # tree-sitter numbers tokens first, then the rules starting with the root rule.
    return _Grammar(language, language.id_for_node_kind("source_file", True))


@lru_cache(maxsize=4)
def _first_tokens(language: Language) -> dict[str, frozenset[str]]:
    """For each described nonterminal, the tokens that may start it: the tokens admitted by every
    parse state in which the nonterminal may come next. This is a superset of its FIRST set, exact
    enough to fold `'('`, `'['`, `identifier`, … into "an expression"; it is too wide only for a
    kind that never occurs without another (declarations always come with statements), which the
    order of `_KIND_WORDS` accounts for."""
    grammar = _grammar(language)
    wanted = {kind for kind, _ in _KIND_WORDS}
    first: dict[str, set[str]] = {}
    for state in range(1, language.parse_state_count):
        entries = grammar.names(state)
        tokens = {name for symbol, name in entries if grammar.is_token(symbol)}
        for symbol, name in entries:
            if name in wanted and not grammar.is_token(symbol):
                first[name] = first[name] & tokens if name in first else set(tokens)
    return {kind: frozenset(tokens) for kind, tokens in first.items()}


def describe_expected(language: Language, state: int) -> list[str] | None:
    """The alternatives the parser admits in `state`, in words, or None when there are more than
    `MAX_ALTERNATIVES` (a list that long does not help anyone)."""
    if state <= 0:
        return None
    grammar = _grammar(language)
    entries = grammar.names(state)
    tokens = grammar.listed_tokens(entries)
    nonterminals = {name for symbol, name in entries if not grammar.is_token(symbol)}
    first = _first_tokens(language)
    words: list[str] = []
    covered: set[str] = set()
    for kind, word in _KIND_WORDS:
        starts = first.get(kind, frozenset()) & tokens if kind in nonterminals else frozenset()
        if kind in tokens:
            starts = frozenset({kind})
        if not starts - covered:
            continue
        covered |= starts
        if word not in words:
            words.append(word)
    for token in sorted(tokens - covered, key=_token_order):
        word = _TOKEN_WORDS.get(token) or f"'{token}'"
        if word not in words:
            words.append(word)
    return words if 0 < len(words) <= MAX_ALTERNATIVES else None


def _token_order(token: str) -> tuple[int, str]:
    # Punctuation before keywords before end of file, so lists read naturally.
    return (2 if token == "end" else 1 if token[:1].isalpha() else 0, token)


def join_alternatives(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


# --- finding the errors ------------------------------------------------------------------------


def syntax_errors(tree: Tree, source: bytes, index: LineIndex | None = None) -> list[Diagnostic]:
    """Every E008 of `tree` (parsed from `source`), at most `MAX_ERRORS` and a last one saying so."""
    index = index or LineIndex.of(source)
    found: list[Diagnostic] = []
    for diagnostic in _find(tree, source):
        if len(found) == MAX_ERRORS:
            found.append(
                Diagnostic.for_code(
                    SYNTAX_ERROR, diagnostic.span, "too many syntax errors; later ones are not shown"
                )
            )
            break
        found.append(diagnostic)
    return found


def error_spans(tree: Tree) -> list[Span]:
    """The spans of the outermost ERROR nodes (rules drop their diagnostics inside them, §2.6), and
    of the declarations whose keyword is misspelled (read as statements, not as ERROR nodes)."""
    spans = [Span(node.start_byte, node.end_byte) for node in _walk(tree.root_node) if node.is_error]
    spans += [Span(word.start_byte, end) for word, end, _ in misspelled_declarations(tree.root_node)]
    source = tree.root_node.text or b""
    spans += [region for _, region, _ in same_quote_keys(tree.root_node, source)]
    return spans


def _walk(root: Node) -> Iterator[Node]:
    """Nodes in source order, not descending into ERROR nodes or into subtrees without errors
    (iterative: a file may nest brackets thousands deep)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if node.is_error:
            continue
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))


def _find(tree: Tree, source: bytes) -> Iterator[Diagnostic]:
    root = tree.root_node
    # A declaration with a misspelled keyword is one error region: one E008 for the whole of it.
    regions = []
    for word, end, keyword in misspelled_declarations(root):
        regions.append(Span(word.start_byte, end))
        found = (word.text or b"").decode()
        message = f"unexpected identifier '{found}'; did you mean '{keyword}'?"
        yield Diagnostic.for_code(SYNTAX_ERROR, Span(word.start_byte, word.end_byte), message)
    for key, region, message in same_quote_keys(root, source):
        regions.append(region)
        yield Diagnostic.for_code(SYNTAX_ERROR, key, message)
    for diagnostic in _tree_errors(tree, source):
        if not any(region.contains(diagnostic.span) for region in regions):
            yield diagnostic


def _tree_errors(tree: Tree, source: bytes) -> Iterator[Diagnostic]:
    language = tree.language
    root = tree.root_node
    semantic_match_reported: set[int] = set()
    if root.has_error:
        for node in _walk(root):
            if node.is_missing:
                yield _missing(node, source, language)
            elif node.is_error:
                yield _error(node, source, language, semantic_match_reported, root)
                # MISSING nodes inside an ERROR node are reported too (one per MISSING node).
                yield from (_missing(m, source, language) for m in _missing_inside(node))
    yield from _chained_comparisons(root, source)
    yield from _missing_conditions(root, source)
    yield from _python_elifs(root, source)
    yield from _unclosed_tool_options(root, source)
    yield from _unclosed_test_names(root)
    yield from _defers_without_expression(root, source)
    yield from _colon_blocks(root, source)
    yield from _unclosed_context_policies(root, source)


def _missing_inside(error: Node) -> Iterator[Node]:
    stack = list(reversed(error.children))
    while stack:
        node = stack.pop()
        if node.is_missing:
            yield node
        elif node.has_error:
            stack.extend(reversed(node.children))


# --- MISSING -----------------------------------------------------------------------------------


def _missing(node: Node, source: bytes, language: Language) -> Diagnostic:
    before = _previous_leaf(node)
    at = before.end_byte if before is not None else node.start_byte
    span = Span(at, at)
    token = node.type
    parent = node.parent
    if token in ('"', "'", '"""') and parent is not None and parent.type in _STRING_TOKENS:
        message = "unterminated string literal"
    elif token in _CLOSERS and parent is not None:
        message = _closing_message(token, parent, source)
    elif token == "identifier" and parent is not None and parent.type == "defer_statement":
        message = "expected an expression after 'defer'"  # `defer` alone, then `let …` (G24)
    elif token == "identifier" and parent is not None and parent.type == "flow_declaration":
        # `flow (x: str) {` while the name is not typed yet (grammar decision G22).
        message = "expected a flow name"
    elif node.is_named:
        words = describe_expected(language, before.next_parse_state) if before is not None else None
        message = "expected " + (join_alternatives(words) if words else _TOKEN_WORDS.get(token, f"a {token}"))
    else:
        message = f"expected '{token}'"
    return Diagnostic.for_code(SYNTAX_ERROR, span, message)


def _closing_message(token: str, parent: Node, source: bytes) -> str:
    opener = _CLOSERS[token]
    opening = next((c for c in parent.children if c.type == opener and not c.is_missing), None)
    if opening is None:
        return f"expected '{token}'"
    line = LineIndex.of(source).line_of(opening.start_byte) + 1
    construct = parent.type.replace("_", " ").strip()
    return f"expected '{token}' to close the {construct} opened at line {line}"


# --- ERROR -------------------------------------------------------------------------------------


def _error(
    node: Node, source: bytes, language: Language, semantic_match_reported: set[int], root: Node
) -> Diagnostic:
    first = _first_token(node)
    span = _token_span(first, node, source)
    related = [Related(Span(node.start_byte, node.end_byte), "the parser skipped this text")]
    before = _previous_leaf(node)
    inside = _inside(node, source, root)

    comment = _unterminated_comment(node)
    if comment is not None:
        # The rest of the file is the comment (grammar decision G15), so it is the whole range.
        span = Span(comment.start_byte, comment.end_byte)
        inside = inside or _open_construct(node, comment, source)
        return Diagnostic.for_code(SYNTAX_ERROR, span, "unterminated comment" + inside, related=related)

    quote = _unclosed_quote(node, source)
    if quote is not None:
        # `intent("no end) => …`: the ERROR starts before the string (at `intent`), but the mistake
        # is the quote whose string runs to the end of the line (diagnostics.md E008 special case).
        span = Span(quote.start_byte, quote.end_byte)
        return Diagnostic.for_code(
            SYNTAX_ERROR, span, "unterminated string literal" + inside, related=related
        )

    special = _special_error(node, first, before, span, source, semantic_match_reported)
    if special is not None:
        message, span = special
        return Diagnostic.for_code(SYNTAX_ERROR, span, message + inside, related=related)

    culprit, state = _culprit(node, before, language)
    if culprit is None and _parsing_resumed_after(node):
        # The parser skipped these tokens and went on with a good node: they are the junk.
        culprit = first
        state = 0  # the tokens fitted where they stood, so no list of alternatives would help
    if culprit is not None:
        # The parser met a token it could not use here (usually the ERROR's first token).
        span = _token_span(None if culprit.is_error else culprit, culprit, source)
        message = (
            f"unexpected {_describe_found(None if culprit.is_error else culprit, span, source, language)}"
        )
        expected = describe_expected(language, state)
        if expected is not None:
            message += "; expected " + join_alternatives(expected)
        return Diagnostic.for_code(SYNTAX_ERROR, span, message + inside, related=related)

    if source[span.start : span.end] == b"@" and span.end == node.end_byte:
        # A lone `@` (a decorator whose name is not typed yet) is the mistake, not the declaration
        # keyword after it (diagnostics.md E008: the first token inside the ERROR node).
        return Diagnostic.for_code(SYNTAX_ERROR, span, "unexpected '@'" + inside, related=related)

    # Every token of the ERROR fitted where it stood: the parser got stuck at what follows it, so
    # that token (or the end of the file) is the unexpected one.
    last = _last_token(node) or node
    following = _next_token_span(source, node.end_byte)
    if following is None and last.type in _STRING_PARTS:
        message = "unterminated string literal"
        return Diagnostic.for_code(SYNTAX_ERROR, Span(last.end_byte, last.end_byte), message, related=related)
    if following is None:
        found, span = "end of file", Span(last.end_byte, last.end_byte)
    else:
        found, span = _describe_found(None, following, source, language), following
    message = f"unexpected {found}"
    expected = describe_expected(language, last.next_parse_state)
    last_text = source[last.start_byte : last.end_byte].decode("utf-8", "replace")
    if expected is not None:
        message += "; expected " + join_alternatives(expected)
    elif last.type in _INFIX_OPERATORS:
        message += f"; expected an expression after '{last_text}'"
    else:
        message += f" after '{last_text}'" if len(last_text) <= 20 else ""
    if following is None:
        unclosed = _unclosed(node, source)
        if unclosed is not None and expected is None:
            message = f"unexpected end of file; expected {unclosed}"
        elif unclosed is not None and not any(unclosed.startswith(word + " ") for word in expected):
            message += f"; {unclosed} is also missing"
    return Diagnostic.for_code(SYNTAX_ERROR, span, message + inside, related=related)


def _unclosed_quote(node: Node, source: bytes) -> Node | None:
    """The opening quote of a one-line string that the ERROR node ends with, when that string runs to
    the end of its line without its closing quote and the ERROR starts before it (a string that starts
    the ERROR is a special case of `_special_error`), and the parser went on after the ERROR."""
    children = node.children
    if len(children) < 3 or children[-1].type not in _STRING_PARTS - {'"', "'", '"""'}:
        return None
    if source[children[-1].end_byte : children[-1].end_byte + 1] not in (b"\n", b"\r", b""):
        return None
    at = len(children) - 1
    while at > 0 and children[at].type in _STRING_PARTS - {'"', "'", '"""'}:
        at -= 1
    quote = children[at]
    if at == 0 or quote.type not in ('"', "'") or not _parsing_resumed_after(node):
        return None
    return quote


def _parsing_resumed_after(node: Node) -> bool:
    """True when a well-formed named node follows the ERROR node (the parser recovered by skipping
    the ERROR's tokens), False when a closing token or the end of the file follows it (the parser
    got stuck there)."""
    sibling = node.next_sibling
    while sibling is not None and sibling.type == "comment":
        sibling = sibling.next_sibling
    return sibling is not None and sibling.is_named and not sibling.has_error


@lru_cache(maxsize=2048)
def _admitted(language: Language, state: int) -> frozenset[int]:
    iterator = language.lookahead_iterator(state)
    return frozenset(iterator.symbols()) if iterator is not None else frozenset()


def _culprit(node: Node, before: Node | None, language: Language) -> tuple[Node | None, int]:
    """The first token inside the ERROR node that its parse state does not admit, with the state
    it was met in. tree-sitter keeps on each token the state it was shifted in, so the tokens the
    parser could use pass this test and the first one it had to skip does not."""
    previous = before
    open_brackets: list[str] = []
    for leaf in _leaves(node):
        if leaf.end_byte == leaf.start_byte or leaf.type == "comment":
            continue
        state = leaf.parse_state
        # A closing bracket whose opener is not in the ERROR node is unexpected even when some
        # parse stack admitted it.
        unmatched = leaf.type in ("}", ")", "]") and (
            not open_brackets or open_brackets.pop() != _CLOSERS[leaf.type]
        )
        if leaf.type in ("{", "(", "["):
            open_brackets.append(leaf.type)
        if (
            unmatched
            or state in (0, 65535)
            or leaf.is_error
            or leaf.grammar_id not in _admitted(language, state)
        ):
            if unmatched and previous is not None:
                state = previous.next_parse_state
            if state in (0, 65535) and previous is not None:
                state = previous.next_parse_state
            return leaf, state if state != 65535 else 0
        previous = leaf
    return None, 0


def _next_token_span(source: bytes, offset: int) -> Span | None:
    """The token starting at or after `offset`, skipping white space and comments."""
    while True:
        while offset < len(source) and source[offset : offset + 1].isspace():
            offset += 1
        if source.startswith(b"//", offset):
            newline = source.find(b"\n", offset)
            offset = len(source) if newline == -1 else newline
            continue
        if source.startswith(b"/*", offset) and (close := source.find(b"*/", offset + 2)) != -1:
            offset = close + 2
            continue
        break
    if offset >= len(source):
        return None
    match = _LEADING_TOKEN.match(source, offset)
    return Span(offset, match.end() if match else offset + 1)


def _special_error(
    node: Node,
    first: Node | None,
    before: Node | None,
    span: Span,
    source: bytes,
    semantic_match_reported: set[int],
) -> tuple[str, Span] | None:
    text = source[span.start : span.end]
    start = span.start
    if first is not None and first.type == "hash_line":
        # A Python-style `# note` (grammar decision G17): the scanner made the rest of the line one token.
        return "unexpected '#'; comments start with '//'", Span(first.start_byte, first.end_byte)
    if text[:1] in (b'"', b"'") and first is not None and first.type in _STRING_TOKENS | {"ERROR"}:
        line_end = source.find(b"\n", start)
        rest = source[start + 1 : line_end if line_end != -1 else len(source)]
        if text[:1] not in rest:
            return "unterminated string literal", span
    if before is not None and before.type == "?" and before.parent is not None:
        if before.parent.type == "try_expression":
            return "'?' must end the expression", span
    typed = _typed_assignment(node, text, source)
    if typed is not None:
        return f"unexpected ':'; a typed variable is declared with '{typed}'", span
    # Upstream's `semantic_match …` parses as expression statements up to the first ERROR.
    statement = _semantic_match_before(node)
    if statement is not None and statement.start_byte not in semantic_match_reported:
        semantic_match_reported.add(statement.start_byte)
        name = _first_token(statement) or statement
        message = "unexpected identifier 'semantic_match'; it was renamed to 'semantic_if'"
        return message, Span(name.start_byte, name.end_byte)
    return None


def _typed_assignment(node: Node, text: bytes, source: bytes) -> str | None:
    """`score: Score = 3` (no such statement, L§4: `let` declares a typed variable): the `let`
    statement to write instead, or None when the ERROR is another ':'."""
    name = node.prev_sibling
    if text != b":" or name is None or name.type != "expression_statement" or name.named_child_count != 1:
        return None
    word = name.named_children[0]
    line_end = source.find(b"\n", node.end_byte)
    rest = source[node.end_byte : line_end if line_end != -1 else len(source)].strip()
    if word.type != "identifier" or word.end_point.row != node.start_point.row or b"=" not in rest:
        return None
    variable = source[word.start_byte : word.end_byte].decode("utf-8", "replace")
    written = f"let {variable}: {rest.decode('utf-8', 'replace')}"
    return written if len(written) <= 60 else f"let {variable}: TYPE = VALUE"


def _unterminated_comment(node: Node) -> Node | None:
    """The `unterminated_comment` token in the ERROR node: the scanner's token for a `/*` that no
    `*/` closes. It runs to the end of the file, so it is the ERROR's last child."""
    last = node.child(node.child_count - 1) if node.child_count else None
    return last if last is not None and last.type == "unterminated_comment" else None


# Declaration keywords whose `{` opens a construct named in `in {construct}`.
_CONSTRUCT_KEYWORDS = {
    "agent": "agent",
    "tool": "tool",
    "protocol": "protocol",
    "flow": "flow",
    "fn": "function",
    "test": "test",
    "type": "type",
    "struct": "struct",
    "enum": "enum",
    "trait": "trait",
    "impl": "impl",
    "job": "job",
    "server": "server",
}


def _open_construct(node: Node, end: Node, source: bytes) -> str:
    """` in flow 'main'` for the innermost declaration whose `{` is still open at `end`, read from
    the ERROR's tokens: a comment that swallows the closing `}` leaves the declaration unreduced,
    so the tree has no node to name it."""
    header: tuple[str, str] | None = None
    opened: list[tuple[str, str] | None] = []
    leaves = [leaf for leaf in _leaves(node) if leaf.start_byte < end.start_byte and leaf.type != "comment"]
    for leaf, following in zip(leaves, [*leaves[1:], None], strict=False):
        if leaf.type in _CONSTRUCT_KEYWORDS and not leaf.is_named and following is not None:
            if following.type in ("identifier", "string_content"):
                name = source[following.start_byte : following.end_byte].decode("utf-8", "replace")
                header = (_CONSTRUCT_KEYWORDS[leaf.type], name)
        elif leaf.type == "{":
            opened.append(header)
            header = None
        elif leaf.type == "}" and opened:
            opened.pop()
    for construct in reversed(opened):
        if construct is not None:
            return f" in {construct[0]} '{construct[1]}'"
    return ""


def _unclosed(node: Node, source: bytes) -> str | None:
    """`'}' to close the '{' opened at line 3` for the innermost bracket the ERROR node leaves open
    (at the end of the file tree-sitter often wraps everything after an unclosed bracket in one
    ERROR node)."""
    openers: list[Node] = []
    for leaf in _leaves(node):
        if leaf.type in ("{", "(", "["):
            openers.append(leaf)
        elif leaf.type in ("}", ")", "]") and openers and _CLOSERS[leaf.type] == openers[-1].type:
            openers.pop()
    if not openers:
        return None
    opener = openers[-1]
    closer = {v: k for k, v in _CLOSERS.items()}[opener.type]
    line = LineIndex.of(source).line_of(opener.start_byte) + 1
    return f"'{closer}' to close the '{opener.type}' opened at line {line}"


def _leaves(node: Node) -> Iterator[Node]:
    stack = list(reversed(node.children))
    while stack:
        child = stack.pop()
        if child.child_count == 0:
            yield child
        else:
            stack.extend(reversed(child.children))


def _semantic_match_before(node: Node) -> Node | None:
    sibling = node.prev_sibling
    while sibling is not None and sibling.type in ("expression_statement", "comment"):
        head = _first_token(sibling)
        if head is not None and head.type == "identifier" and head.text == b"semantic_match":
            return sibling
        sibling = sibling.prev_sibling
    return None


def _describe_found(first: Node | None, span: Span, source: bytes, language: Language) -> str:
    text = source[span.start : span.end].decode("utf-8", "replace")
    kind = first.type if first is not None else None
    if kind in _STRING_TOKENS or (kind is None and text[:1] in "\"'"):
        return "string"
    if kind == "identifier" or (
        kind is None and re.fullmatch(r"[A-Za-z_]\w*", text) and not _is_keyword(language, text)
    ):
        return f"identifier '{text}'"
    if kind in ("integer", "float") or (kind is None and text[:1].isdigit()):
        return f"number '{text}'"
    return f"'{text}'"


def _is_keyword(language: Language, word: str) -> bool:
    return language.id_for_node_kind(word, False) not in (None, 0)


def _first_token(node: Node) -> Node | None:
    """The first non-empty, non-comment leaf of `node` (None when `node` itself is a leaf)."""
    stack = list(reversed(node.children))
    while stack:
        child = stack.pop()
        if child.end_byte == child.start_byte or child.type == "comment":
            continue
        if child.child_count == 0:
            return child
        stack.extend(reversed(child.children))
    return None


def _last_token(node: Node) -> Node | None:
    stack = list(node.children)
    while stack:
        child = stack.pop()
        if child.end_byte == child.start_byte or child.type == "comment":
            continue
        if child.child_count == 0:
            return child
        stack.extend(child.children)
    return None


def _token_span(first: Node | None, error: Node, source: bytes) -> Span:
    if first is not None:
        return Span(first.start_byte, first.end_byte)
    # A leaf ERROR node: its first token is read from the text.
    start = error.start_byte
    while start < error.end_byte and source[start : start + 1].isspace():
        start += 1
    match = _LEADING_TOKEN.match(source, start, max(error.end_byte, start))
    end = match.end() if match else error.end_byte
    return Span(start, end)


def _previous_leaf(node: Node) -> Node | None:
    """The last non-empty, non-comment token before `node`."""
    current: Node | None = node
    while current is not None:
        sibling = current.prev_sibling
        while sibling is not None:
            leaf = _last_leaf(sibling)
            if leaf is not None:
                return leaf
            sibling = sibling.prev_sibling
        current = current.parent
    return None


def _last_leaf(node: Node) -> Node | None:
    if node.type == "comment" or node.end_byte == node.start_byte:
        return None
    if node.child_count == 0:
        return node
    return _last_token(node)


def _inside(node: Node, source: bytes, root: Node) -> str:
    """` in flow 'main'`: the innermost enclosing named construct, if any.

    Found going down from `root` (`child_with_descendant`), not up through `parent`: tree-sitter
    finds a parent by descending from the root, so climbing from a node nested thousands deep was
    quadratic (seconds for one long `a + a + …` line)."""
    innermost: Node | None = None
    current: Node | None = root
    while current is not None and current != node:
        if current.type in _CONSTRUCTS:
            innermost = current
        current = current.child_with_descendant(node)
    if innermost is None:
        return ""
    word = _CONSTRUCTS[innermost.type]
    name = innermost.child_by_field_name("name")
    if name is not None and not name.is_missing:
        text = source[name.start_byte : name.end_byte].decode("utf-8", "replace")
        return f" in {word} '{text.strip(chr(34))}'"
    return f" in {word}"


# --- chained comparisons (the grammar accepts them for better recovery) -----------------------


def _chained_comparisons(root: Node, source: bytes) -> Iterator[Diagnostic]:
    """One E008 per chain `a < b < c`, at the operator that continues the chain."""
    for node in _comparisons(root, source):
        operands = (node.child_by_field_name("left"), node.child_by_field_name("right"))
        if any(operand is not None and operand.type == node.type for operand in operands):
            if node.parent is None or node.parent.type != node.type:  # the outermost of a chain
                operator = node.child_by_field_name("operator") or node
                yield Diagnostic.for_code(
                    SYNTAX_ERROR,
                    Span(operator.start_byte, operator.end_byte),
                    "comparisons cannot be chained; use 'and'",
                )


def _comparisons(root: Node, source: bytes) -> list[Node]:
    """Every comparison_expression of the tree, ordered as `nodes_of_type` orders them.

    A query visits every node of the tree, which cost a third as much as parsing. In a tree without
    errors each comparison's operator is in the text, so a lookup at each character that may start
    one (`<`, `>`, `!`, `=`) finds them all: the smallest named node holding an operator is its
    comparison. A tree with errors may hold a MISSING operator, which has no text."""
    if root.has_error:
        return nodes_of_type(root, "comparison_expression")
    found: dict[tuple[int, int], Node] = {}
    for match in _OPERATOR_START.finditer(source):
        at = match.start()
        node = root.named_descendant_for_byte_range(at, at + 1)
        if node is not None and node.type == "comparison_expression":
            found[node.byte_range] = node  # `==` and `!=` are met twice
    return sorted(found.values(), key=lambda node: (node.start_byte, -node.end_byte))


# `if {`, `while {`, `match {`, a flow's `requires {` (grammar decision G18); a comment before the
# `{` is not looked for.
_CONDITIONLESS = re.compile(rb"\b(?:if|while|match|requires|ensures)\s*\{")
_CONDITION_FIELDS = {
    "if_statement": "condition",
    "while_statement": "condition",
    "match_expression": "subject",
    "contract_clause": "condition",
}


def _keyword_statements(
    root: Node, source: bytes, pattern: re.Pattern[bytes], statement_types: Collection[str]
) -> Iterator[tuple[Node, Node]]:
    """The keyword and its statement for each match of `pattern` in the text that starts with a
    keyword token whose parent is a statement of `statement_types` (not a word in a string or a
    comment): how the checks of the recovery forms find their rare statements without a walk over
    every node."""
    for match in pattern.finditer(source):
        keyword = root.descendant_for_byte_range(match.start(), match.start() + 1)
        statement = keyword.parent if keyword is not None else None
        if (
            keyword is not None
            and statement is not None
            and keyword.start_byte == match.start()
            and statement.type in statement_types
        ):
            yield keyword, statement


def _missing_conditions(root: Node, source: bytes) -> Iterator[Diagnostic]:
    """One E008 per `if`, `while` or contract without a condition and per `match` without a subject. The
    grammar lets them out only so that the `{` a user types after the keyword opens the block (G18);
    the tree has no MISSING node there, so this reports it as one: zero-width after the keyword.
    Found through the text, as the chained comparisons are, instead of a walk over every node."""
    for keyword, statement in _keyword_statements(root, source, _CONDITIONLESS, _CONDITION_FIELDS):
        if statement.child_by_field_name(_CONDITION_FIELDS[statement.type]) is None:
            span = Span(keyword.end_byte, keyword.end_byte)
            wanted = "a condition" if statement.type != "match_expression" else "an expression"
            yield Diagnostic.for_code(SYNTAX_ERROR, span, f"expected {wanted} after '{keyword.type}'")


# --- Misspelled declaration keywords -------------------------------------------------------------

# Declaration keywords a top-level line may start with, and words from other languages for them.
_DECLARATION_KEYWORDS = (
    "agent", "flow", "tool", "protocol", "struct", "enum", "trait", "impl", "test", "job", "server",
    "type", "include", "import",
)  # fmt: skip
_FOREIGN_KEYWORDS = {"def": "flow", "fun": "flow", "func": "flow", "function": "flow", "class": "struct"}


def _near_keyword(word: str) -> str | None:
    """The declaration keyword `word` is one typo away from (a letter added, dropped, changed, or two
    neighbours swapped: `agnet`, `flwo`, `fow`), or the Nexa word for another language's keyword."""
    if word in _FOREIGN_KEYWORDS:
        return _FOREIGN_KEYWORDS[word]
    if len(word) < 3:
        return None
    for keyword in _DECLARATION_KEYWORDS:
        if word != keyword and _one_typo(word, keyword):
            return keyword
    return None


def _one_typo(a: str, b: str) -> bool:
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if len(long) - len(short) != 1:
        return False
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def misspelled_declarations(root: Node) -> Iterator[tuple[Node, int, str]]:
    """Top-level declarations whose keyword is misspelled (`agnet Writer {`, `flwo f(x) {`, `def f():`).
    The grammar is free-form, so the words parse as statements (`agnet`, `Writer`, a dict) and the
    body's names became E001s. Such a line starts at column 0 with a lone word one typo away from a
    declaration keyword, followed on the same line by a name. Its region runs to the first `}` at
    column 0 (the declaration's end) or up to the next declaration; it is reported as one E008 and
    treated as an ERROR node (§2.6). Yields the word, the region's end and the keyword meant."""
    children = root.children
    for at, node in enumerate(children):
        if node.type != "expression_statement" or node.start_point.column != 0 or at + 1 == len(children):
            continue
        word = node.child(0) if node.child_count else None
        following = children[at + 1]
        if (
            word is None
            or word.type != "identifier"
            or word.end_byte != node.end_byte
            or following.start_point.row != node.start_point.row
            or following.type == "ERROR"
            and following.child_count == 0
        ):
            continue
        name = following  # the first leaf of the next statement must be a name
        while name.type != "identifier" and name.child_count:
            name = name.children[0]
        if name.type != "identifier" or name.start_byte != following.start_byte:
            continue
        keyword = _near_keyword((word.text or b"").decode())
        if keyword is None:
            continue
        end = node.end_byte
        for sibling in children[at + 1 :]:
            if sibling.type.endswith("_declaration") and sibling.start_point.column == 0:
                break
            end = sibling.end_byte
            if sibling.end_point.column == 1 and sibling.text is not None and sibling.text.endswith(b"}"):
                break
        yield word, end, keyword


def _python_elifs(root: Node, source: bytes) -> Iterator[Diagnostic]:
    """One E008 per `elif` that the grammar read as `else if` (grammar decision G20)."""
    if b"elif" not in source:
        return
    for node in nodes_of_type(root, "elif"):
        span = Span(node.start_byte, node.end_byte)
        yield Diagnostic.for_code(SYNTAX_ERROR, span, "unexpected identifier 'elif'; write 'else if'")


def _unclosed_tool_options(root: Node, source: bytes) -> Iterator[Diagnostic]:
    """One E008 per `@tool(…` whose `)` is missing before its `fn` (grammar decision G21): the grammar
    lets the `)` out so that the function is kept, so this reports it as a MISSING `)` would be."""
    if b"@tool" not in source:
        return
    for node in root.children:  # a top-level declaration (one inside an ERROR is reported by it)
        if node.type != "tool_function_declaration":
            continue
        children = node.children
        if any(child.type == ")" for child in children):
            continue
        keyword = next((child for child in children if child.type == "fn"), None)
        opening = next((child for child in children if child.type == "("), None)
        before = keyword.prev_sibling if keyword is not None else None
        if before is None or opening is None:
            continue
        line = LineIndex.of(source).line_of(opening.start_byte) + 1
        message = f"expected ')' to close the @tool options opened at line {line}"
        yield Diagnostic.for_code(SYNTAX_ERROR, Span(before.end_byte, before.end_byte), message)


def is_unclosed_test_name(node: Node) -> bool:
    """A test name without its closing quote (grammar decision G23): a `string` that is one token."""
    return node.type == "string" and node.child_count == 0


def _unclosed_test_names(root: Node) -> Iterator[Diagnostic]:
    """One E008 per test name without its closing quote (grammar decision G23): the grammar reads the
    rest of the line as the name so that the `{` still opens the body; this reports it as the quote."""
    for node in root.children:
        name = node.child_by_field_name("name") if node.type == "test_declaration" else None
        if name is not None and is_unclosed_test_name(name):
            quote = Span(name.start_byte, name.start_byte + 1)
            yield Diagnostic.for_code(SYNTAX_ERROR, quote, "unterminated string literal")


_DEFER = re.compile(rb"\bdefer\b")


def _defers_without_expression(root: Node, source: bytes) -> Iterator[Diagnostic]:
    """One E008 per `defer` read with the next line's assignment (grammar decision G24): the grammar
    keeps the assignment a statement, so this reports the missing expression as a MISSING node would
    be: zero-width after the keyword."""
    for keyword, statement in _keyword_statements(root, source, _DEFER, ("defer_statement",)):
        if keyword.type == "defer" and statement.child_by_field_name("statement") is not None:
            span = Span(keyword.end_byte, keyword.end_byte)
            yield Diagnostic.for_code(SYNTAX_ERROR, span, "expected an expression after 'defer'")


# `#{path[` directly followed by a quoted key and `]`: the key of an interpolation path (§1.6.3).
_KEY_IN_PATH = re.compile(
    rb"#\{[ \t]*[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\]|\[[A-Za-z_][A-Za-z0-9_]*\])*"
    rb"\[([\"'])([A-Za-z0-9_][A-Za-z0-9_ ]*)\1\]"  # a key of words, not `" + k + "` (concatenation)
)


def same_quote_keys(root: Node, source: bytes) -> Iterator[tuple[Span, Span, str]]:
    """Interpolation keys written with the quote of their own string: `"#{cfg["name"]}"`. A string
    ends at its next unescaped quote and an unclosed `#{` is text (§1.6.1-1.6.3), so this reads as
    the string `"#{cfg["`, the word `name` and the string `"]}"`, valid only in theory (free form,
    §1.2), and with a variable `name` in scope no diagnostic at all. Reported as one E008 at the key
    whose region (from the quote to the end of its line) counts as an ERROR node (§2.6): other
    diagnostics there are dropped and the lowering makes no code of it. Yields the key's span, the
    region and the message."""
    if b"#{" not in source:
        return
    for match in _KEY_IN_PATH.finditer(source):
        quote = match.start(1)
        closing = root.descendant_for_byte_range(quote, quote + 1)
        string = closing.parent if closing is not None else None
        if (
            closing is None
            or string is None
            or string.type != "string"
            or closing.start_byte != quote
            or source[string.start_byte : string.start_byte + 1] != match.group(1)
        ):
            continue  # the quote does not end a string of its kind: the path is well quoted
        # The rest of the line is what the broken string left: `name`, `"]}!"`, and in an argument
        # list the `)` or `,` the parser then could not use.
        end = source.find(b"\n", quote)
        end = len(source) if end == -1 else end
        key = Span(match.start(2), match.end(2))
        other = "'" if match.group(1) == b'"' else '"'
        path = source[match.start() + 2 : match.end()].decode("utf-8", "replace").strip()
        fixed = path.replace(match.group(1).decode(), other)
        message = (
            f"unexpected {_describe_key(match.group(2))} after a string; inside "
            f"{match.group(1).decode()}…{match.group(1).decode()} write the key with the other quote: "
            f"#{{{fixed}}}"
        )
        yield key, Span(quote, end), message


def _describe_key(key: bytes) -> str:
    text = key.decode("utf-8", "replace")
    return f"identifier '{text}'" if re.fullmatch(r"[A-Za-z_]\w*", text) else f"'{text}'"


_IF_OR_WHILE = re.compile(rb"\b(?:if|while)\b")
_BLOCK_FIELDS = {"if_statement": "consequence", "while_statement": "body"}


def _colon_blocks(root: Node, source: bytes) -> Iterator[Diagnostic]:
    """One E008 per block of an `if`/`while` opened with Python's `:` (grammar decision G26): the
    grammar reads `:` up to the `}` as the block, so that the `}` does not end the enclosing body; this
    reports the `:` as the ERROR node it would otherwise be. Found from each keyword in the text."""
    for keyword, statement in _keyword_statements(root, source, _IF_OR_WHILE, _BLOCK_FIELDS):
        if keyword.type not in ("if", "while"):
            continue
        block = statement.child_by_field_name(_BLOCK_FIELDS[statement.type])
        colon = block.child(0) if block is not None and block.child_count else None
        if colon is not None and colon.type == ":":
            brace = colon.next_sibling is not None and colon.next_sibling.type == "{"
            message = "unexpected ':'" + ("" if brace else "; a block starts with '{'")
            message += _inside(colon, source, root)
            yield Diagnostic.for_code(SYNTAX_ERROR, Span(colon.start_byte, colon.end_byte), message)


_CONTEXT_POLICY = re.compile(rb"\bcontext_policy\b")


def _unclosed_context_policies(root: Node, source: bytes) -> Iterator[Diagnostic]:
    """One E008 per `context_policy {` whose `}` is missing (grammar decision G27): the grammar ends the
    statement after its last parameter so that the next line stays a statement; this reports the `}`
    as a MISSING node would be: zero-width after the last parameter."""
    statements = _keyword_statements(root, source, _CONTEXT_POLICY, ("context_policy_statement",))
    for keyword, statement in statements:
        if any(child.type == "}" for child in statement.children):
            continue
        opening = next((child for child in statement.children if child.type == "{"), None)
        line = LineIndex.of(source).line_of(opening.start_byte if opening else keyword.start_byte) + 1
        last = _last_token(statement) or statement
        message = f"expected '}}' to close the context_policy opened at line {line}"
        yield Diagnostic.for_code(SYNTAX_ERROR, Span(last.end_byte, last.end_byte), message)
