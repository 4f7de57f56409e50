"""highlights.scm gives each construct the capture of its scheme, and gives a node one capture
(apart from the documented method-call refinement), so that editors that keep the first and
editors that keep the last of two captures show the same colours."""

import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
import tree_sitter

NodeKey = tuple[int, int, int]  # start byte, end byte, kind id


def captures_per_node(
    query: tree_sitter.Query, root: tree_sitter.Node
) -> dict[NodeKey, list[tuple[int, str]]]:
    """(pattern index, capture name) for every captured node, in pattern order."""
    found: dict[NodeKey, list[tuple[int, str]]] = defaultdict(list)
    for pattern, captures in tree_sitter.QueryCursor(query).matches(root):
        for name, nodes in captures.items():
            for node in nodes:
                found[(node.start_byte, node.end_byte, node.kind_id)].append((pattern, name))
    for entries in found.values():
        entries.sort()
    return found


@pytest.fixture
def highlight_of(
    parse: Callable[[str], tree_sitter.Tree], query: Callable[[str], tree_sitter.Query]
) -> Callable[[str, str, int], str | None]:
    """The capture that wins (the last pattern, as in Neovim and tree-sitter-highlight) for the
    node spanning exactly the `nth` occurrence of `text` in `source` (a whole word if `text` is
    one)."""

    def find(source: str, text: str, nth: int = 0) -> str | None:
        data = source.encode("utf-8")
        word = re.escape(text.encode("utf-8"))
        if re.fullmatch(rb"\w+", text.encode("utf-8")):
            word = rb"(?<!\w)" + word + rb"(?!\w)"
        start, end = list(re.finditer(word, data))[nth].span()
        per_node = captures_per_node(query("highlights"), parse(source).root_node)
        spanning = [(key, names) for key, names in per_node.items() if key[:2] == (start, end)]
        if not spanning:
            return None
        return spanning[0][1][-1][1]

    return find


AGENT = (
    "// The writer\n"
    "@timeout(seconds=45)\n"
    "agent Writer uses std.fs, Search implements Draft {\n"
    '    prompt: "Write."\n'
    "    memory: persistent\n"
    "    model = pick()\n"
    "}\n"
)
FLOW = (
    "flow main(topic: str, style: Style = 1) -> str {\n"
    "    let [a, ..rest] = parts\n"
    '    draft = topic >> Writer |>> [Critic, Editor] ?? "none"\n'
    "    n = len(draft) + helper(2.5) + Vec2(dx: 1).norm()\n"
    '    Greeter.run(self, "hi #{topic}\\n")\n'
    "    if not done and n > 0 { return none } else { break }\n"
    "    for each i, x in xs { continue }\n"
    "    while true { x = x otherwise false }\n"
    '    try { raise Bad("x") } catch (ProtocolError e) { print(e) }\n'
    "    s = Shape::Dot\n"
    '    python! """x = 1"""\n'
    "}\n"
)
DECLARATIONS = (
    'include "lib.nxlib"\nimport std.fs as fs\n'
    '@tool("Read", risk_level: low)\nfn read(path: string): string { return path }\n'
    'tool Search { description: "s" }\n'
    "protocol Draft { title: str, tags: list[str] }\n"
    "struct Vec2 { dx: Int }\nenum Shape { Dot, Circle(r) }\n"
    "trait Named { fn label(): str }\nimpl Named for Vec2 { fn label() { self.dx } }\n"
    'job Sync on "q" (priority: high) { retry: 2 perform(id) { x() } }\n'
    'server 80 { route GET "/" => Writer |>> fmt }\n'
    "db store = connect(url)\n"
)

HIGHLIGHT_CASES = [
    (AGENT, "// The writer", 0, "comment"),
    (AGENT, "@", 0, "attribute"),
    (AGENT, "timeout", 0, "attribute"),
    (AGENT, "seconds", 0, "parameter"),
    (AGENT, "45", 0, "number"),
    (AGENT, "agent", 0, "keyword"),
    (AGENT, "Writer", 0, "type"),
    (AGENT, "uses", 0, "keyword"),
    (AGENT, "std.fs", 0, "namespace"),
    (AGENT, "Search", 0, "function"),
    (AGENT, "implements", 0, "keyword"),
    (AGENT, "Draft", 0, "type"),
    (AGENT, "prompt", 0, "property"),
    (AGENT, '"Write."', 0, "string"),
    (AGENT, "persistent", 0, "constant"),
    (AGENT, "model", 0, "property"),
    (AGENT, "pick", 0, "function.call"),
    (FLOW, "flow", 0, "keyword.function"),
    (FLOW, "main", 0, "function"),
    (FLOW, "topic", 0, "parameter"),
    (FLOW, "str", 0, "type.builtin"),
    (FLOW, "Style", 0, "type"),
    (FLOW, "->", 0, "operator"),
    (FLOW, "let", 0, "keyword"),
    (FLOW, "a", 0, "variable"),
    (FLOW, "rest", 0, "variable"),
    (FLOW, "draft", 0, "variable"),
    (FLOW, ">>", 0, "operator"),
    (FLOW, "Writer", 0, "type"),
    (FLOW, "|>>", 0, "operator"),
    (FLOW, "Critic", 0, "type"),
    (FLOW, "??", 0, "operator"),
    (FLOW, "len", 0, "function.builtin"),
    (FLOW, "helper", 0, "function.call"),
    (FLOW, "2.5", 0, "float"),
    (FLOW, "Vec2", 0, "constructor"),
    (FLOW, "dx", 0, "parameter"),
    (FLOW, "norm", 0, "method"),
    (FLOW, "Greeter", 0, "type"),
    (FLOW, "run", 0, "method"),
    (FLOW, "self", 0, "variable.builtin"),
    (FLOW, "#{topic}", 0, "string.special"),
    (FLOW, "\\n", 0, "string.escape"),
    (FLOW, "if", 0, "conditional"),
    (FLOW, "not", 0, "keyword.operator"),
    (FLOW, "and", 0, "keyword.operator"),
    (FLOW, "return", 0, "keyword"),
    (FLOW, "none", 1, "constant.builtin"),
    (FLOW, "else", 0, "conditional"),
    (FLOW, "break", 0, "repeat"),
    (FLOW, "for", 0, "repeat"),
    (FLOW, "each", 0, "repeat"),
    (FLOW, "in", 0, "repeat"),
    (FLOW, "continue", 0, "repeat"),
    (FLOW, "while", 0, "repeat"),
    (FLOW, "true", 0, "boolean"),
    (FLOW, "otherwise", 0, "keyword.operator"),
    (FLOW, "try", 0, "exception"),
    (FLOW, "raise", 0, "exception"),
    (FLOW, "Bad", 0, "constructor"),
    (FLOW, "catch", 0, "exception"),
    (FLOW, "ProtocolError", 0, "type"),
    (FLOW, "print", 0, "function.builtin"),
    (FLOW, "Shape", 0, "type"),
    (FLOW, "Dot", 0, "constant"),
    (FLOW, "::", 0, "punctuation.delimiter"),
    (FLOW, "python!", 0, "keyword"),
    (FLOW, "{", 0, "punctuation.bracket"),
    (FLOW, ",", 0, "punctuation.delimiter"),
    (DECLARATIONS, "include", 0, "include"),
    (DECLARATIONS, "import", 0, "include"),
    (DECLARATIONS, "as", 0, "include"),
    (DECLARATIONS, "fs", 1, "namespace"),
    (DECLARATIONS, "tool", 0, "attribute"),
    (DECLARATIONS, "risk_level", 0, "property"),
    (DECLARATIONS, "low", 0, "constant"),
    (DECLARATIONS, "fn", 0, "keyword.function"),
    (DECLARATIONS, "read", 0, "function"),
    (DECLARATIONS, "tool", 1, "keyword"),
    (DECLARATIONS, "Search", 0, "function"),
    (DECLARATIONS, "description", 0, "property"),
    (DECLARATIONS, "protocol", 0, "keyword"),
    (DECLARATIONS, "title", 0, "field"),
    (DECLARATIONS, "list", 0, "type.builtin"),
    (DECLARATIONS, "struct", 0, "keyword"),
    (DECLARATIONS, "Vec2", 0, "type"),
    (DECLARATIONS, "dx", 0, "field"),
    (DECLARATIONS, "Circle", 0, "constant"),
    (DECLARATIONS, "label", 0, "method"),
    (DECLARATIONS, "impl", 0, "keyword"),
    (DECLARATIONS, "for", 0, "keyword"),
    (DECLARATIONS, "dx", 1, "property"),
    (DECLARATIONS, "job", 0, "keyword"),
    (DECLARATIONS, "Sync", 0, "type"),
    (DECLARATIONS, "on", 0, "keyword"),
    (DECLARATIONS, "priority", 0, "property"),
    (DECLARATIONS, "high", 0, "constant"),
    (DECLARATIONS, "perform", 0, "keyword"),
    (DECLARATIONS, "id", 0, "parameter"),
    (DECLARATIONS, "route", 0, "keyword"),
    (DECLARATIONS, "GET", 0, "constant"),
    (DECLARATIONS, "Writer", 0, "type"),
    (DECLARATIONS, "fmt", 0, "function"),
    (DECLARATIONS, "connect", 0, "function.builtin"),
    (DECLARATIONS, "store", 0, "variable"),
]


@pytest.mark.parametrize(
    ("source", "text", "nth", "expected"),
    HIGHLIGHT_CASES,
    ids=[f"{text}#{nth}->{expected}" for _, text, nth, expected in HIGHLIGHT_CASES],
)
def test_construct_gets_its_capture(
    source: str, text: str, nth: int, expected: str, highlight_of: Callable[[str, str, int], str | None]
) -> None:
    assert highlight_of(source, text, nth) == expected


def test_lowercase_operand_on_the_left_of_a_dag_is_data_and_uncaptured(
    highlight_of: Callable[[str, str, int], str | None],
) -> None:
    source = "flow f {\n    r = draft >> Editor\n}\n"
    assert highlight_of(source, "draft", 0) is None
    assert highlight_of(source, "Editor", 0) == "type"


def test_snippets_parse_cleanly(first_problem: Callable[[str], object]) -> None:
    assert [first_problem(s) for s in (AGENT, FLOW, DECLARATIONS)] == [None, None, None]


def overlaps(query: tree_sitter.Query, root: tree_sitter.Node) -> list[tuple[str, ...]]:
    """Capture names, in pattern order, of every node that gets more than one distinct capture."""
    found = []
    for entries in captures_per_node(query, root).values():
        names = tuple(dict.fromkeys(name for _, name in entries))
        if len(names) > 1:
            found.append(names)
    return found


def test_a_node_gets_one_capture_except_a_called_member(
    corpus_files: list[Path],
    parse: Callable[[bytes], tree_sitter.Tree],
    query: Callable[[str], tree_sitter.Query],
) -> None:
    seen: set[tuple[str, ...]] = set()
    for path in corpus_files:
        seen.update(overlaps(query("highlights"), parse(path.read_bytes()).root_node))
    for snippet in (AGENT, FLOW, DECLARATIONS):
        seen.update(overlaps(query("highlights"), parse(snippet.encode()).root_node))
    # `a.m(x)`: the member pattern, then (later, so it wins) the method-call pattern.
    assert seen == {("property", "method")}


def test_every_token_outside_literals_is_highlighted(
    corpus_files: list[Path],
    parse: Callable[[bytes], tree_sitter.Tree],
    query: Callable[[str], tree_sitter.Query],
) -> None:
    # Quotes belong to their string, `GET` to its http_method, `null` to its none literal: the
    # enclosing node carries the capture.
    inside_literal = {"string", "triple_string", "template_string", "raw_string", "http_method", "none"}
    missed: set[tuple[str, str]] = set()
    for path in corpus_files:
        root = parse(path.read_bytes()).root_node
        captured = set(captures_per_node(query("highlights"), root))
        stack = [root]
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            parent = node.parent
            if node.is_named or parent is None or parent.type in inside_literal:
                continue
            if (node.start_byte, node.end_byte, node.kind_id) not in captured:
                missed.add((node.type, parent.type))
    assert missed == set()
