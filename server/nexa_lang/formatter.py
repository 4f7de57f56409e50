"""The Nexa pretty-printer: `format_source(text) -> text`, idempotent, meaning-preserving.

It works on the tree-sitter CST (`nexa_lang.parsing.parse`), so comments are tokens like any other
and are never lost. The program is read as a sequence of *atoms*: every leaf token, plus string
literals (all forms, including template strings and the body of `python!`) and comments, each kept
byte for byte. Only the white space *between* atoms is rewritten:

* **Line breaks are the user's.** Newlines can change the parse (L§1.2: a line that starts with
  `(`, `[`, `-` … continues the previous expression; `return` takes the next line's expression), so
  the formatter never joins two lines and never splits one. Runs of blank lines become one blank
  line; blank lines right after an opening bracket, right before a closing one, at the start and at
  the end of the file are dropped. The file ends with exactly one line break.
* **Indentation is one unit per open bracket** (blocks, agent and other declaration bodies, dict and
  list literals, argument lists that span lines). A line that starts with a closing bracket gets
  the indentation of the line that opened it, so `foo({` … `})` indents its body once. A line that
  continues an expression or a statement of the line above (`>> Next`, `.method()`, the value after
  `key:` …) gets one more level. The content of multi-line strings and block comments is not
  re-indented. The unit is 4 spaces (the house style, used by `nexa-lsp --format`); the language
  server passes the editor's `FormattingOptions` instead (`tabSize` spaces, or a tab when
  `insertSpaces` is false), which is safe since indentation has no meaning in Nexa (L§1.2).
* **Spacing within a line** follows a small table (`_spacing`): one space around binary, comparison
  and DAG operators, `=`, `=>`, `->`, `??` and the `:` of `x ?? A : B`; `key: value` (no space
  before the colon, one after); none inside `( )` and `[ ]`, before `,` `;` `)` `]` `?`, around
  `.` `::` and after `@` and unary `-`; `{ a }` for blocks and bodies; `f(x)` for calls and
  parameter lists, `if (x)` after keywords (also `semantic_if (v, "q")` and `unharnessed ("why")`,
  as the spec writes them). Three places keep the user's choice (one space or none): the inside of
  dict-literal and map-pattern braces (`{a: 1}` / `{ a: 1 }`), the `=` of named arguments
  (`f(n=1)` / `f(n = 1)`) and the colon of `mcp:"uri"`; the first two are made the same on both
  sides (a space on either side means a space on both). Where removing a space could glue two
  tokens into one (`- -x`, `? ??`), the space stays.
* **Comments** keep their place in the token stream. A comment on a line of its own gets the
  indentation of the code line below it (so `// why` above `else` stands at the level of `else`);
  one right before a closing bracket stays at the level of the items inside.
* Trailing white space is removed (also at the end of `//` comments); indentation is rewritten
  in the unit, whatever the line had. The spaces before a comment that ends a line are kept, so
  aligned trailing comments stay aligned (a gap holding a tab becomes one space).
* **Line ends**: the output uses the file's dominant line end (CRLF files stay CRLF, LF stay LF;
  mixed files get the most common one between tokens). Line ends inside strings and block comments
  are part of those atoms and are kept as they are. A leading byte-order mark is kept.

A file with syntax errors is refused: `format_source` raises `FormatError` (with `.text`, the
unchanged input, and `.line`, the 1-based line of the first error); the caller keeps the text.
As a last safety net the result is parsed again and compared with the input's syntax tree (leaf
texts, node types and fields, comment texts; white space and comment positions ignored): if
anything differs the formatter raises `FormatError` instead of returning a changed program.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from nexa_lang.parsing import parse
from nexa_lang.syntax_errors import syntax_errors

__all__ = ["FormatError", "format_source", "syntax_signature"]

INDENT = "    "  # the house style's unit of indentation
_BOM = "\ufeff"
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_TEXT_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")

# Nodes kept whole, byte for byte: their inside is text, not tokens to space.
ATOMS = frozenset({"string", "triple_string", "raw_string", "template_string", "comment"})
OPENERS = frozenset({b"(", b"[", b"{"})
CLOSERS = frozenset({b")", b"]", b"}"})
# A `(` owned by one of these is a call-like list: no space before it (`f(x)`, `fn f(x)`).
CALL_PARENS = frozenset(
    {
        "argument_list",
        "parameter_list",
        "decorator",
        "tool_function_declaration",
        "snapshot_expression",
        "receive_expression",
        "restore_statement",
        "correction_clause",
        "hook_statement",
        "intent_arm",
        "db_declaration",
        "kv_declaration",
        "auth_declaration",
        "variant_pattern",
        "enum_variant",
        "spawn_expression",
        "perform_clause",
        "failure_clause",
    }
)
# A `[` owned by one of these follows its operand directly (`xs[0]`, `list[str]`).
INDEX_BRACKETS = frozenset({"index_expression", "generic_type"})
# Braces of data keep the user's inner spacing (`{a: 1}` or `{ a: 1 }`); every other brace is a
# block or body, written `{ a }`.
DATA_BRACES = frozenset({"dict_literal", "map_pattern"})
# Nodes that hold the braces of a body for their parent (`agent A { … }`, `if x { … }`).
BODIES = frozenset({"block", "agent_body", "server_body", "case_block"})
# Expressions that start with their keyword and hold a body (`fn(a) {`, `match x {`).
BODY_VALUES = frozenset({"lambda_expression", "match_expression", "semantic_if_expression"})
# Words that continue a construct but start a line of their own at the construct's level.
NEVER_CONTINUATION = frozenset({b"{", b"else", b"catch", b"catch_correction", b"on_failure"})
# Characters that may combine into one token when two tokens touch.
_OPERATOR_CHARS = frozenset(b"+-*/%<>=!&|?:.@^~#")
_QUOTES = frozenset(b"\"'!")


# Per node (by id, within one tree): its bracket children as (is_opener, start, end).
_BracketCache = dict[int, list[tuple[bool, int, int]]]


class FormatError(Exception):
    """The text cannot be formatted; `text` is the input, unchanged, and the message says why."""

    def __init__(self, message: str, text: str, line: int | None = None) -> None:
        super().__init__(message)
        self.text = text
        self.line = line


@dataclass(eq=False)
class _Atom:
    """One token of the layout: a leaf of the CST or a whole string or comment."""

    node: Node
    start: int
    end: int
    ancestors: tuple[Node, ...]  # from the root down to the parent

    @property
    def kind(self) -> str:
        return self.node.type

    @property
    def parent_kind(self) -> str:
        return self.ancestors[-1].type if self.ancestors else ""


def format_source(text: str, indent: str = INDENT) -> str:
    """`text` pretty-printed (see the module documentation), indented by `indent` per level
    (spaces or one tab); raises `FormatError` when it has syntax errors."""
    if indent != "\t" and (not indent or indent.strip(" ")):
        raise ValueError(f"an indentation unit is spaces or one tab, not {indent!r}")
    bom = text.startswith(_BOM)
    body = text[1:] if bom else text
    try:
        source = body.encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate: not text a file can hold
        raise FormatError(f"the text is not valid Unicode ({error.reason}); not formatted", text) from None
    tree = parse(source)
    # Every E008 counts, not only ERROR and MISSING nodes: some recovery forms parse without them
    # (`while x: …}`, an interpolation key with its string's own quote), and formatting those would
    # move or space out text the user has still to correct.
    errors = syntax_errors(tree, source)
    if errors:
        line = source[: min(e.span.start for e in errors)].count(b"\n") + 1
        raise FormatError(f"the file has syntax errors (first at line {line}); not formatted", text, line)
    atoms = list(_atoms(tree.root_node))
    formatted = _layout(source, atoms, _dominant_line_end(source), indent.encode())
    check = parse(formatted)
    if check.root_node.has_error or syntax_signature(formatted, check.root_node) != syntax_signature(
        source, tree.root_node
    ):
        raise FormatError("formatting would change the program's syntax tree; not formatted", text)
    result = formatted.decode("utf-8")
    return _BOM + result if bom else result


@dataclass(frozen=True)
class LineEdit:
    """Replace the whole lines `span` (bytes of the input, UTF-8) with `new_text`."""

    span: tuple[int, int]
    new_text: str


def format_lines(text: str, first_line: int, last_line: int, indent: str = INDENT) -> list[LineEdit]:
    """The edits that format only lines `first_line`..`last_line` (0-based, inclusive) of `text`,
    as an editor's "format selection" wants: the whole file is formatted (so indentation is right
    for the context) and only the changed lines inside the range are returned. Raises
    `FormatError` like `format_source`."""
    formatted = format_source(text, indent)
    if formatted == text:
        return []
    old = _split_lines(text)
    new = _split_lines(formatted)
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line.encode("utf-8", "surrogatepass")))
    # The formatter never joins or splits lines, so lines pair up by their text without white
    # space; each paired line is its own edit, and only the blank lines it drops are unpaired.
    edits: list[LineEdit] = []
    matcher = difflib.SequenceMatcher(a=[_bare(x) for x in old], b=[_bare(x) for x in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                if old[i] != new[j] and first_line <= i <= last_line:
                    edits.append(LineEdit((starts[i], starts[i + 1]), new[j]))
            continue
        inside = i1 <= last_line and i2 > first_line if i2 > i1 else first_line <= i1 <= last_line + 1
        if inside:
            edits.append(LineEdit((starts[i1], starts[i2]), "".join(new[j1:j2])))
    return edits


def _split_lines(text: str) -> list[str]:
    """`text` cut after each line end, where the language server counts lines (LF, CRLF, CR);
    `str.splitlines` would also cut at U+2028, U+0085 or a form feed inside a string."""
    return [line for line in _TEXT_LINE.findall(text) if line]


def _bare(line: str) -> str:
    return "".join(line.split())


# ------------------------------------------------------------------------------------ atoms


def _atoms(root: Node) -> Iterator[_Atom]:
    stack: list[tuple[Node, tuple[Node, ...]]] = [(root, ())]
    while stack:
        node, ancestors = stack.pop()
        if node.child_count == 0 or node.type in ATOMS:
            if node.end_byte > node.start_byte:
                yield _Atom(node, node.start_byte, node.end_byte, ancestors)
            continue
        inner = (*ancestors, node)
        stack.extend((child, inner) for child in reversed(node.children))


def _dominant_line_end(source: bytes) -> bytes:
    counts = Counter(match.group() for match in _LINE_BREAK.finditer(source))
    if not counts:
        return b"\n"
    best = max(counts.values())
    return next(end for end in (b"\n", b"\r\n", b"\r") if counts[end] == best)


# ------------------------------------------------------------------------------------ layout


def _layout(source: bytes, atoms: list[_Atom], line_end: bytes, indent: bytes) -> bytes:
    out = bytearray()
    open_levels: list[int] = []  # for each open bracket: the level its contents are indented from
    line_level = line_base = 0  # the current line's level, and that level without continuation
    previous: _Atom | None = None
    previous_code: _Atom | None = None  # the previous atom that is not a comment
    next_code = _next_code_atoms(atoms)
    brackets: _BracketCache = {}
    line_starts: list[int] = [0]  # the first byte of each output line's first atom, in order
    line_levels: list[int] = [0]  # and that line's level
    for index, atom in enumerate(atoms):
        text = source[atom.start : atom.end]
        if atom.kind == "comment" and text.startswith(b"//"):
            text = text.rstrip()
        if previous is not None:
            gap = source[previous.end : atom.start]
            breaks = len(_LINE_BREAK.findall(gap))
            if breaks == 0:
                out += _spacing(source, previous, atom)
            else:
                after_opener = _text(source, previous) in OPENERS and previous.kind != "comment"
                before_closer = text in CLOSERS and atom.kind != "comment"
                blank = breaks >= 2 and not after_opener and not before_closer
                out += line_end * (2 if blank else 1)
                line_base, line_level = _line_level(
                    atom, text, previous_code, open_levels, next_code[index], source, brackets
                )
                out += indent * line_level
                line_starts.append(atom.start)
                line_levels.append(line_level)
        out += text
        if atom.kind != "comment":
            if text in OPENERS:
                # A body is indented from the line where its declaration, statement or clause
                # (or lambda, `match`, case table) starts, however its header runs over lines
                # (a condition in parentheses, parameters, `requires` lines); anything else from
                # the opener's line.
                header = _header_start(atom)
                if header is not None and header < line_starts[-1]:
                    open_levels.append(line_levels[bisect.bisect_right(line_starts, header) - 1])
                elif header is not None and _opens_body(atom):
                    open_levels.append(line_base)
                else:
                    open_levels.append(line_level)
            elif text in CLOSERS and open_levels:
                open_levels.pop()
            previous_code = atom
        previous = atom
    if out:
        out += line_end
    return bytes(out)


def _body_owner(atom: _Atom) -> Node | None:
    """The node whose body a `{` opens (a declaration, statement, clause or a value with a body);
    None for any other bracket."""
    if atom.node.type != "{" or not atom.ancestors:
        return None
    owner = atom.ancestors[-1]
    if owner.type in BODIES and len(atom.ancestors) > 1:
        owner = atom.ancestors[-2]
    return owner


def _header_start(atom: _Atom) -> int | None:
    """Where the construct whose body a `{` opens starts: a declaration, statement or clause, or
    an expression that starts with its keyword (`fn(…) {`, `match x {`, `semantic_if (x, "q") {`);
    None for any other `{` (a dict, a case table after `??`)."""
    owner = _body_owner(atom)
    if owner is not None and (_opens_body(atom) or owner.type in BODY_VALUES):
        return owner.start_byte
    return None


def _opens_body(atom: _Atom) -> bool:
    """Whether a `{` opens the body of a declaration or a statement (not of a lambda or a value)."""
    owner = _body_owner(atom)
    return owner is not None and owner.type.endswith(("_declaration", "_statement", "_clause"))


def _text(source: bytes, atom: _Atom) -> bytes:
    return source[atom.start : atom.end]


def _next_code_atoms(atoms: list[_Atom]) -> list[_Atom | None]:
    """For each atom, the first atom after it that is not a comment (None at the end)."""
    found: list[_Atom | None] = [None] * len(atoms)
    following: _Atom | None = None
    for index in range(len(atoms) - 1, -1, -1):
        found[index] = following
        if atoms[index].kind != "comment":
            following = atoms[index]
    return found


def _line_level(
    atom: _Atom,
    text: bytes,
    previous_code: _Atom | None,
    open_levels: list[int],
    next_code: _Atom | None,
    source: bytes,
    brackets: _BracketCache,
) -> tuple[int, int]:
    """The indentation level of the line that starts with `atom`, without and with continuation."""
    if atom.kind == "comment" and next_code is not None:
        # A comment on a line of its own is about the code below it: it gets that line's level
        # (`// why` above `else` stands at the level of `else`, not one deeper); before a closing
        # bracket it stays inside the brackets, with the last item.
        following = _text(source, next_code)
        if following not in CLOSERS:
            return _line_level(next_code, following, previous_code, open_levels, None, source, brackets)
    if text in CLOSERS and atom.kind != "comment":
        level = open_levels[-1] if open_levels else 0
        return level, level
    base = open_levels[-1] + 1 if open_levels else 0
    if previous_code is not None and _is_continuation(previous_code, atom, text, brackets):
        return base, base + 1
    return base, base


def _is_continuation(previous: _Atom, atom: _Atom, text: bytes, brackets: _BracketCache) -> bool:
    """Whether the line starting with `atom` continues the construct that `previous` is part of,
    rather than starting a new item of a body, block or list."""
    if text in NEVER_CONTINUATION:
        return False
    if previous.parent_kind == "decorator" or (
        previous.parent_kind == "tool_function_declaration" and text == b"fn"
    ):
        return False  # a decorator stands on the line above its declaration
    common = _common_ancestor(previous, atom)
    if common is None or common.type == "source_file":
        return False
    return not _owns_brackets_around(common, atom, brackets)


def _common_ancestor(a: _Atom, b: _Atom) -> Node | None:
    common: Node | None = None
    for x, y in zip((*a.ancestors, a.node), (*b.ancestors, b.node), strict=False):
        if x.id != y.id:
            break
        common = x
    return common


def _owns_brackets_around(node: Node, atom: _Atom, brackets: _BracketCache) -> bool:
    """Whether `atom` lies between an opening and a closing bracket that are children of `node`:
    then it is an item of the list or body that `node` holds."""
    # A block of n statements is asked about once per line: its brackets are listed once, so a
    # long body costs linear time, not quadratic.
    listed = brackets.get(node.id)
    if listed is None:
        listed = brackets[node.id] = [
            (child.type in ("(", "[", "{"), child.start_byte, child.end_byte)
            for child in node.children
            if child.type in ("(", "[", "{", ")", "]", "}")
        ]
    opened = any(is_open and end <= atom.start for is_open, _, end in listed)
    closed = any(not is_open and start >= atom.end for is_open, start, _ in listed)
    return opened and closed


# ------------------------------------------------------------------------------------ spacing


def _spacing(source: bytes, left: _Atom, right: _Atom) -> bytes:
    """The white space between two atoms on one line."""
    wanted = _wanted_spacing(source, left, right)
    if wanted is None:  # the user's choice: one space if there was any white space
        wanted = b" " if left.end < right.start else b""
    if wanted == b"" and _would_merge(_text(source, left), _text(source, right)):
        return b" "
    return wanted


def _wanted_spacing(source: bytes, left: _Atom, right: _Atom) -> bytes | None:
    lt, rt = _text(source, left), _text(source, right)
    lk, rk = left.kind, right.kind
    lp, rp = left.parent_kind, right.parent_kind
    if rk == "comment":
        if lt in (b"(", b"[") and lk != "comment" and not _text(source, right).startswith(b"//"):
            return b""
        gap = source[left.end : right.start]
        return gap if gap and not gap.strip(b" ") else b" "  # aligned trailing comments stay aligned
    if lk == "comment":
        return b"" if rt in (b")", b"]", b",", b";") else b" "
    if lt == b"{" and rt == b"}":
        return b""
    if lt in (b"(", b"["):
        return b""
    if rt in (b")", b"]", b",", b";"):
        return b""
    if lt == b"{":
        return _data_brace_spacing(source, left.ancestors[-1]) if lp in DATA_BRACES else b" "
    if rt == b"}":
        return _data_brace_spacing(source, right.ancestors[-1]) if rp in DATA_BRACES else b" "
    if lt == b"-" and lp in ("unary_expression", "negative_number", "literal_pattern"):
        return b""  # `-x`, `-1`, `-(a + b)`
    if rt == b"(":
        return b"" if rp in CALL_PARENS else b" "
    if rt == b"[":
        return b"" if rp in INDEX_BRACKETS else b" "
    if lt == b"." or rt == b".":
        return b""
    if lt in (b"::", b"..") or rt == b"::":
        return b""
    if lt == b"@" and lp in ("decorator", "tool_function_declaration"):
        return b""
    if rt == b"..":
        return b" " if lt == b"," else None  # `[h, ..t]` like any list item
    if rt == b"?" and rp in ("try_expression", "optional_type"):
        return b""
    if rt == b":":
        return b" " if rp == "branch_expression" else b""
    if lt == b":" and lp == "mcp_use":
        return None  # `mcp:"uri"` and `mcp: "uri"` are both usual (L§3.1.3)
    if rp == "legacy_generic_type" and rt in (b"<", b">") or lp == "legacy_generic_type" and lt == b"<":
        return b""
    if b"=" in (lt, rt) and (lp if lt == b"=" else rp) in (
        "keyword_argument",
        "decorator_argument",
        "job_option",
    ):
        return _named_argument_spacing(source, left.ancestors[-1] if lt == b"=" else right.ancestors[-1])
    return b" "


def _same_line_gaps(source: bytes, pairs: list[tuple[Node, Node]]) -> list[bytes]:
    """The gaps between the given node pairs that neither contain a line break nor touch a
    comment (the spacing next to a comment is the comment's own)."""
    gaps = [source[a.end_byte : b.start_byte] for a, b in pairs if "comment" not in (a.type, b.type)]
    return [gap for gap in gaps if not _LINE_BREAK.search(gap)]


def _data_brace_spacing(source: bytes, node: Node) -> bytes:
    """The user's choice, `{a: 1}` or `{ a: 1 }`, made the same on both sides: a space inside
    both braces if either had one (a side that breaks the line does not count)."""
    children = node.children
    braces = [i for i, child in enumerate(children) if child.type in ("{", "}")]
    if len(braces) != 2 or braces[1] - braces[0] < 2:
        return b""
    first, last = braces
    gaps = _same_line_gaps(
        source, [(children[first], children[first + 1]), (children[last - 1], children[last])]
    )
    return b" " if any(gaps) else b""


def _named_argument_spacing(source: bytes, node: Node) -> bytes:
    """The user's choice, `n=1` or `n = 1`, made the same on both sides of the `=`."""
    children = node.children
    for i, child in enumerate(children):
        if child.type == "=" and 0 < i < len(children) - 1:
            gaps = _same_line_gaps(source, [(children[i - 1], child), (child, children[i + 1])])
            return b" " if any(gaps) else b""
    return b" "


def _would_merge(left: bytes, right: bytes) -> bool:
    """Whether `left` directly followed by `right` could be read as other tokens."""
    a, b = left[-1], right[0]
    if _is_word_byte(a) and (_is_word_byte(b) or b in _QUOTES):
        return True
    if a in _OPERATOR_CHARS and b in _OPERATOR_CHARS:
        return True
    return (left.isdigit() and b == ord(".")) or (a == ord(".") and chr(b).isdigit())


def _is_word_byte(byte: int) -> bool:
    return chr(byte).isalnum() or byte == ord("_") or byte >= 0x80


# ------------------------------------------------------------------------------------ equivalence


def syntax_signature(source: bytes, root: Node | None = None) -> tuple[tuple[object, ...], tuple[bytes, ...]]:
    """What formatting must not change: every non-comment node as (depth, type, field, text of a
    leaf or atom), in order, and the texts of the comments (`//` comments without trailing white
    space). White space and where comments sit are not part of it."""
    if root is None:
        root = parse(source).root_node
    nodes: list[tuple[object, ...]] = []
    comments: list[bytes] = []
    stack: list[tuple[Node, int, str | None]] = [(root, 0, None)]
    while stack:
        node, depth, field = stack.pop()
        if node.type == "comment":
            text = source[node.start_byte : node.end_byte]
            comments.append(text.rstrip() if text.startswith(b"//") else text)
            continue
        is_atom = node.child_count == 0 or node.type in ATOMS
        text = source[node.start_byte : node.end_byte] if is_atom else b""
        nodes.append((depth, node.type, field, text))
        if not is_atom:
            children = [
                (child, depth + 1, node.field_name_for_child(i)) for i, child in enumerate(node.children)
            ]
            stack.extend(reversed(children))
    return tuple(nodes), tuple(comments)
