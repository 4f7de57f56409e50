"""What surrounds a cursor: the word being typed, the text before it on its line, the declaration
and activation that hold it, and the keywords the grammar accepts there.

Editor features (completion above all) work on half-typed text, where the AST may have lost the
construct being written. So this module answers from three sources, most precise first: the
tree-sitter parse state at the cursor (`keywords_at`, through `Language.lookahead_iterator`), the
AST (`nodes_at`, activations), and the text of the line before the cursor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from tree_sitter import Node as TSNode

from nexa_lang import ast
from nexa_lang.analysis import Analysis
from nexa_lang.keywords import CONTEXTUAL, RESERVED
from nexa_lang.model import SourceFile
from nexa_lang.occurrences import reply_record
from nexa_lang.parsing import nexa_language
from nexa_lang.positions import Span
from nexa_lang.scopes import Activation
from nexa_lang.types import Types, single_binding, type_of_annotation

KEYWORDS = RESERVED | CONTEXTUAL
_ERROR_STATE = 65535
_START_STATE = 1
_WORD_CHAR = re.compile(rb"[A-Za-z0-9_]")
PLACEHOLDER = "__nexa_cursor__"
_CLOSERS = {"(": ")", "[": "]", "{": "}"}
# Keywords that continue an expression (`a and b`, `x otherwise y`): not offered at a line start.
INFIX_KEYWORDS = frozenset({"and", "or", "otherwise", "fallback", "in", "as", "to", "satisfies", "against"})
# One decorator, `@name` with an optional argument list (strings in it may hold parentheses).
_DECORATOR = r'@([A-Za-z_]\w*)\s*(?:\((?:"[^"\n]*"|[^()"\n])*\))?'
# A line whose text before the word being typed is decorators and then the `@` of a new one (not
# `type T = str @"…"`, whose `@` starts a constraint).
_DECORATOR_LINE = re.compile(rf"^\s*(?:{_DECORATOR}\s*)*@$")
_DECORATORS_BEFORE = re.compile(rf"(?:{_DECORATOR}\s*)+$")
_ONE_DECORATOR = re.compile(_DECORATOR)
_GAP = re.compile(r"(?:\s+|//[^\n]*)*")
_WORD = re.compile(r"[A-Za-z_]\w*")
_DECORATOR_REACH = 4000  # characters around the cursor searched for neighbouring decorators


def word_span(source: bytes, offset: int) -> Span:
    """The identifier characters right before `offset` (the word being typed) and after it."""
    start = offset
    while start > 0 and _WORD_CHAR.fullmatch(source[start - 1 : start]):
        start -= 1
    end = offset
    while end < len(source) and _WORD_CHAR.fullmatch(source[end : end + 1]):
        end += 1
    return Span(start, end)


@dataclass(eq=False)
class CursorContext:
    analysis: Analysis
    offset: int

    @cached_property
    def source(self) -> bytes:
        return self.analysis.file.source

    @cached_property
    def word(self) -> Span:
        """The span a completion replaces: the word around the cursor, up to the cursor's end."""
        return word_span(self.source, self.offset)

    @property
    def prefix(self) -> str:
        """The part of the word before the cursor."""
        return self.source[self.word.start : self.offset].decode("utf-8", "replace")

    @cached_property
    def line_before(self) -> str:
        """The text of the cursor's line before the word being typed."""
        line_start = self.source.rfind(b"\n", 0, self.word.start) + 1
        return self.source[line_start : self.word.start].decode("utf-8", "replace")

    @cached_property
    def text_before(self) -> str:
        """Everything before the word being typed (for constructs spanning lines)."""
        return self.source[: self.word.start].decode("utf-8", "replace")

    @cached_property
    def structure(self) -> Analysis:
        """The analysis the cursor's surroundings are read from: the document itself, or, when it
        has syntax errors, a repaired copy of the text before the cursor (`repair_prefix`), whose
        offsets up to the word being typed are the document's."""
        if not self.analysis.file.has_syntax_errors:
            return self.analysis
        prefix = self.source[: self.word.start].decode("utf-8", "replace")
        return repaired_analysis(self.analysis, prefix)

    @property
    def anchor(self) -> int:
        """The offset to query `structure` at."""
        return self.offset if self.structure is self.analysis else self.word.start

    @cached_property
    def nodes(self) -> list[ast.Node]:
        return self.structure.nodes_at(self.anchor)

    @property
    def at_line_start(self) -> bool:
        return self.line_before.strip() == ""

    def innermost(self, *kinds: type[ast.Node]) -> ast.Node | None:
        return next((n for n in reversed(self.nodes) if isinstance(n, kinds)), None)

    @cached_property
    def agent(self) -> ast.AgentDecl | None:
        """The agent declaration whose text holds the cursor."""
        found = self.innermost(ast.AgentDecl)
        return found if isinstance(found, ast.AgentDecl) else None

    @cached_property
    def in_agent_body_slot(self) -> bool:
        """The cursor is directly in an agent body, where a member (property, fn, flow, let) starts."""
        agent = self.agent
        if agent is None or not (agent.body_span.start < self.anchor < agent.body_span.end):
            return False
        inner = self.nodes[self.nodes.index(agent) + 1 :]
        if any(not isinstance(n, ast.Property) for n in inner):
            return False  # inside a member function, a let, a value…
        prop = next((n for n in inner if isinstance(n, ast.Property)), None)
        if prop is not None and not (prop.key_span.start <= self.word.start <= prop.key_span.end):
            return False  # in the value of a property
        return self.at_line_start or self.line_before.rstrip().endswith((",", "{", ";"))

    @cached_property
    def property(self) -> ast.Property | None:
        """The agent property whose value the cursor is in."""
        found = self.innermost(ast.Property)
        if isinstance(found, ast.Property) and self.anchor > found.key_span.end:
            return found
        return None

    @cached_property
    def activation(self) -> Activation | None:
        """The innermost activation of this file whose node holds the cursor (the top level when
        none does)."""
        best: Activation | None = None
        top: Activation | None = None
        for activation in self.structure.program.scopes.activations:
            if activation.file is not self.structure.file:
                continue
            if activation.kind == "top":
                top = activation
                continue
            span = activation.node.span
            if span.start <= self.anchor <= span.end and (best is None or best.node.span.contains(span)):
                best = activation
        return best or top

    @cached_property
    def decorator_neighbours(self) -> tuple[frozenset[str], str | None] | None:
        """When the word being typed is the name of a decorator (`@‸` at the start of a top-level
        item): the names of the other decorators of the same run, before and after it, and the
        first word after the run (`agent`, `fn`, …; None when nothing follows). Else None."""
        if not _DECORATOR_LINE.match(self.line_before) or unclosed_brackets(self.text_before):
            return None
        before = self.text_before[-_DECORATOR_REACH:-1]
        run = _DECORATORS_BEFORE.search(before)
        names = {m.group(1) for m in _ONE_DECORATOR.finditer(run.group(0))} if run else set()
        after = self.source[self.word.end : self.word.end + _DECORATOR_REACH].decode("utf-8", "replace")
        index = _GAP.match(after).end()
        if after.startswith("(", index):  # the argument list of the decorator being renamed
            index = after.find(")", index) + 1 or len(after)
        while True:
            index = _GAP.match(after, index).end()
            following = _ONE_DECORATOR.match(after, index)
            if following is None:
                break
            names.add(following.group(1))
            index = following.end()
        word = _WORD.match(after, index)
        return frozenset(names), word.group(0) if word else None

    @cached_property
    def in_comment_or_string(self) -> bool:
        node = self._ts_node
        while node is not None:
            if node.type in ("comment", "string", "raw_string", "template_string", "triple_string"):
                return node.start_byte < self.offset < node.end_byte or (
                    node.type == "comment" and node.start_byte < self.offset
                )
            node = node.parent
        return False

    def record_held_by(self, receiver: str) -> ast.StructDecl | ast.ProtocolDecl | None:
        """The struct or protocol the name `receiver` statically holds at the cursor: `self` in an
        impl, a typed parameter or `let`, a local bound once to `S(…)`."""
        program = self.analysis.program

        def named(name: str) -> ast.StructDecl | ast.ProtocolDecl | None:
            symbol = program.lookup(name)
            node = symbol.node if symbol is not None else None
            return node if isinstance(node, ast.StructDecl | ast.ProtocolDecl) else None

        if receiver == "self":
            impl = self.innermost(ast.ImplDecl)
            return named(impl.type_name) if isinstance(impl, ast.ImplDecl) else None
        activation = self.activation
        while activation is not None and activation.kind != "top" and receiver not in activation.locals:
            activation = activation.parent
        if activation is None or activation.kind == "top":
            return None
        for param in getattr(activation.node, "params", []) or []:
            if isinstance(param, ast.Param) and param.name == receiver:
                static = type_of_annotation(program, param.type) if param.type is not None else None
                return named(static.name) if static is not None else None
        binding = single_binding(activation, receiver)
        if isinstance(binding, ast.Let) and binding.type is not None:
            return named(type_of_annotation(program, binding.type).name)
        value = binding.value if binding is not None else None
        if isinstance(value, ast.Call) and isinstance(value.function, ast.Name):
            symbol = program.lookup(value.function.id)
            if symbol is not None and isinstance(symbol.node, ast.StructDecl):
                return symbol.node
        record = reply_record(program, Types(program), value, id(self.analysis.file))
        return record if isinstance(record, ast.StructDecl | ast.ProtocolDecl) else None

    @cached_property
    def in_interpolating_string(self) -> bool:
        """The cursor is inside a `"…"` or `'…'` string, the forms where `#{…}` interpolates (§1.6.3)."""
        node = self._ts_node
        while node is not None:
            if node.type in ("comment", "raw_string", "template_string", "triple_string"):
                return False
            if node.type == "string":
                return node.start_byte < self.offset < node.end_byte
            node = node.parent
        return False

    @cached_property
    def _ts_node(self) -> TSNode | None:
        root = self.analysis.file.tree.root_node
        at = max(self.offset - 1, 0)
        return root.descendant_for_byte_range(at, at)

    @cached_property
    def keywords(self) -> frozenset[str] | None:
        """`keywords_at` the start of the word being typed."""
        structure = self.structure.file
        return keywords_at(structure.tree.root_node, structure.source, self.word.start)


def skip_comment_or_string(text: str, index: int) -> int | None:
    """When a `//` comment or a string starts at `index`, the index just after it; else None. A
    one-line string left open ends at its line's end (the index after the newline, or past the
    end of `text`); the scanners of typed text (brackets, arguments) share this."""
    if text.startswith("//", index):
        end = text.find("\n", index)
        return len(text) if end < 0 else end
    if text.startswith('"""', index):
        end = text.find('"""', index + 3)
        return len(text) if end < 0 else end + 3
    quote = text[index]
    if quote not in "\"'":
        return None
    end, length = index + 1, len(text)
    while end < length and text[end] not in (quote, "\n"):
        end += 2 if text[end] == "\\" else 1
    return end + 1


def unclosed_brackets(text: str) -> str:
    """The closing brackets that `text` leaves open, innermost first (strings and `//` comments
    skipped)."""
    stack: list[str] = []
    index, length = 0, len(text)
    while index < length:
        skipped = skip_comment_or_string(text, index)
        if skipped is not None:
            index = skipped
            continue
        char = text[index]
        if char in _CLOSERS:
            stack.append(_CLOSERS[char])
        elif stack and char == stack[-1]:
            stack.pop()
        index += 1
    return "".join(reversed(stack))


def repaired_analysis(analysis: Analysis, prefix: str) -> Analysis:
    """An analysis of `prefix` completed so that it parses: a placeholder name where the cursor
    is (so `x >> ` has an operand) and the brackets it leaves open closed. Of the two variants,
    with and without the placeholder, the first that parses without errors is taken. A prefix whose
    repair is nested too deeply to lower (hundreds of brackets left open) is not repaired: the
    document's own analysis is returned."""
    closers = unclosed_brackets(prefix)
    chosen: SourceFile | None = None
    for middle in (PLACEHOLDER, ""):
        try:
            candidate = SourceFile.from_text(f"{prefix}{middle}\n{closers}", analysis.file.path)
        except RecursionError:
            return analysis
        if not candidate.has_syntax_errors:
            chosen = candidate
            break
        chosen = chosen or candidate
    assert chosen is not None
    return Analysis(chosen, analysis.workspace.program(chosen), analysis.workspace)


def parse_state_at(root: TSNode, offset: int) -> int | None:
    """The parser's state between the tokens around `offset`.

    The state after the token before the cursor (`next_parse_state`) when the table has a shift for
    it; otherwise (the token triggered reductions first) the state in which the token after the
    cursor was read, which accepts the same lookaheads. None when both are error states.
    """
    previous = _leaf_before(root, offset)
    following = _leaf_from(root, offset)
    candidates = [previous.next_parse_state if previous is not None else _START_STATE]
    if following is not None:
        candidates.append(following.parse_state)
    return next((s for s in candidates if s not in (0, _ERROR_STATE)), None)


def _leaf_before(node: TSNode, offset: int) -> TSNode | None:
    """The last leaf under `node` that is not a comment, has text and ends at or before `offset`.

    Only the subtrees starting before `offset` are entered, last first, so the walk follows one
    path down the tree instead of visiting every leaf. A stack, not recursion: a tree may be
    nested thousands of levels deep.
    """
    stack = [node]
    while stack:
        node = stack.pop()
        if node.child_count == 0:
            if node.type != "comment" and node.start_byte < node.end_byte <= offset:
                return node
            continue
        stack.extend(child for child in node.children if child.start_byte < offset)  # last on top
    return None


def _leaf_from(node: TSNode, offset: int) -> TSNode | None:
    """The first leaf under `node` that is not a comment and starts at or after `offset` (a
    zero-width leaf, such as a missing token, included); subtrees ending before it are skipped."""
    stack = [node]
    while stack:
        node = stack.pop()
        if node.child_count == 0:
            if node.type != "comment" and node.start_byte >= offset:
                return node
            continue
        stack.extend(child for child in reversed(node.children) if child.end_byte >= offset)  # first on top
    return None


def keywords_at(root: TSNode, source: bytes, offset: int) -> frozenset[str] | None:
    """The keywords the grammar accepts at `offset`, or None when the parse state is unknown there
    (the caller then falls back to its own context rules).

    Contextual keywords are kept only where no identifier is expected: a word such as `db` or `type`
    is an ordinary name inside expressions, so offering it as a keyword there would be noise. Infix
    keywords are dropped when the cursor starts a new line.
    """
    state = parse_state_at(root, offset)
    if state is None:
        return None
    iterator = nexa_language().lookahead_iterator(state)
    if iterator is None:
        return None
    names = set(iterator.names())
    words = {n for n in names if n in RESERVED}
    if "identifier" not in names or _at_top_level(root, offset):
        words |= {n for n in names if n in CONTEXTUAL}
    line_start = source.rfind(b"\n", 0, offset) + 1
    if source[line_start:offset].strip() == b"":
        words -= INFIX_KEYWORDS
    return frozenset(words)


def _at_top_level(root: TSNode, offset: int) -> bool:
    for child in root.children:
        if child.start_byte < offset < child.end_byte and child.type != "ERROR":
            return False
    return True
