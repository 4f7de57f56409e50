"""injections.scm hands the body of every `python!` block, and nothing else, to the Python grammar,
and that body parses as Python where it stands in the file (as an editor parses an injection)."""

from collections.abc import Callable
from pathlib import Path

import pytest
import tree_sitter
import tree_sitter_python

TOOL_FN = (
    '@tool("Count the words of a text")\n'
    "fn count_words(text: str): int {\n"
    '    python! """\n'
    "    words = text.split()\n"
    "    return len(words)\n"
    '    """\n'
    "}\n"
)


@pytest.fixture(scope="module")
def python_language() -> tree_sitter.Language:
    return tree_sitter.Language(tree_sitter_python.language())


def injected(query: tree_sitter.Query, root: tree_sitter.Node) -> list[tuple[str, tree_sitter.Node]]:
    """(language, content node) of every injection match."""
    found = []
    for pattern, captures in tree_sitter.QueryCursor(query).matches(root):
        language = query.pattern_settings(pattern)["injection.language"]
        assert isinstance(language, str)
        found += [(language, node) for node in captures["injection.content"]]
    return found


def parse_injection(
    language: tree_sitter.Language, source: bytes, node: tree_sitter.Node
) -> tree_sitter.Tree:
    parser = tree_sitter.Parser(language)
    parser.included_ranges = [node.range]
    return parser.parse(source)


def test_python_block_content_is_injected_as_python(
    parse: Callable[[str], tree_sitter.Tree], query: Callable[[str], tree_sitter.Query]
) -> None:
    [(language, node)] = injected(query("injections"), parse(TOOL_FN).root_node)
    assert language == "python"
    assert node.type == "string_content"
    assert node.parent is not None and node.parent.type == "triple_string"
    assert node.parent.parent is not None and node.parent.parent.type == "python_statement"
    assert node.text is not None and node.text.strip().startswith(b"words = text.split()")


def test_injected_python_parses_as_python(
    parse: Callable[[str], tree_sitter.Tree],
    query: Callable[[str], tree_sitter.Query],
    python_language: tree_sitter.Language,
) -> None:
    [(_, node)] = injected(query("injections"), parse(TOOL_FN).root_node)
    python = parse_injection(python_language, TOOL_FN.encode(), node)
    assert not python.root_node.has_error
    statements = [child.type for child in python.root_node.named_children]
    assert statements == ["expression_statement", "return_statement"]


def test_other_triple_strings_are_not_injected(
    parse: Callable[[str], tree_sitter.Tree], query: Callable[[str], tree_sitter.Query]
) -> None:
    source = 'agent A {\n    prompt: """\n    import os\n    """\n}\nflow f {\n    x = """y = 1"""\n}\n'
    assert injected(query("injections"), parse(source).root_node) == []


def test_every_python_block_of_the_corpus_is_injected_and_parses(
    corpus_files: list[Path],
    parse: Callable[[bytes], tree_sitter.Tree],
    query: Callable[[str], tree_sitter.Query],
    python_language: tree_sitter.Language,
) -> None:
    blocks = 0
    for path in corpus_files:
        source = path.read_bytes()
        root = parse(source).root_node
        for language, node in injected(query("injections"), root):
            blocks += 1
            assert language == "python"
            python = parse_injection(python_language, source, node)
            assert not python.root_node.has_error, f"{path.name}:{node.start_point.row + 1}"
            assert python.root_node.named_child_count > 0
    # Nexa-Code/tools.nx (5), v2.0/nexa_code.nx (5), v1.2/16_native_controls_and_python.nx (1).
    assert blocks == 11
