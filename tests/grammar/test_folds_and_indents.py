"""folds.scm folds bodies and multi-line literals; indents.scm indents bodies, dedents closing
brackets and leaves string and comment contents alone."""

from collections.abc import Callable

import tree_sitter

SOURCE = (
    "/* header\n   comment */\n"
    "agent Writer {\n"
    '    prompt: """\n    Write.\n    """\n'
    "}\n"
    "flow main {\n"
    "    if ready {\n"
    '        x = {"a": 1,\n             "b": 2}\n'
    "    }\n"
    "}\n"
)


def captured_types(query: tree_sitter.Query, root: tree_sitter.Node, name: str) -> list[str]:
    nodes = tree_sitter.QueryCursor(query).captures(root).get(name, [])
    return [node.type for node in sorted(nodes, key=lambda node: (node.start_byte, -node.end_byte))]


def test_bodies_and_multiline_literals_fold(
    parse: Callable[[str], tree_sitter.Tree], query: Callable[[str], tree_sitter.Query]
) -> None:
    folds = captured_types(query("folds"), parse(SOURCE).root_node, "fold")
    assert folds == ["comment", "agent_body", "triple_string", "block", "block", "dict_literal"]


def test_bodies_indent_and_closing_brackets_branch(
    parse: Callable[[str], tree_sitter.Tree], query: Callable[[str], tree_sitter.Query]
) -> None:
    root = parse(SOURCE).root_node
    assert captured_types(query("indents"), root, "indent") == [
        "agent_body",
        "block",
        "block",
        "dict_literal",
    ]
    # The closing braces of the agent body, the `if` block, the dict and the flow body.
    assert captured_types(query("indents"), root, "branch") == ["}", "}", "}", "}"]


def test_string_and_comment_contents_keep_their_indentation(
    parse: Callable[[str], tree_sitter.Tree], query: Callable[[str], tree_sitter.Query]
) -> None:
    ignored = captured_types(query("indents"), parse(SOURCE).root_node, "ignore")
    assert ignored == ["comment", "triple_string"]


def test_broken_code_keeps_the_previous_indentation(
    parse: Callable[[str], tree_sitter.Tree], query: Callable[[str], tree_sitter.Query]
) -> None:
    auto = captured_types(query("indents"), parse("flow main {\n    x = a >> >> b\n}\n").root_node, "auto")
    assert auto == ["ERROR"]
