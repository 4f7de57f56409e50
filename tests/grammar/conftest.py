"""Fixtures for the grammar tests: the Nexa language, a parser, the query files, and a finder for
the first syntax problem (ERROR or MISSING node) of a tree.

Positions in failure messages and expectations are 1-based lines and 1-based columns counted in
characters (code points), the way an editor shows them; tree-sitter itself counts bytes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import tree_sitter

import tree_sitter_nexa

QUERY_NAMES = ("highlights", "locals", "injections", "folds", "indents", "tags")


@dataclass(frozen=True)
class Problem:
    """The first ERROR or MISSING node of a tree, located for people."""

    kind: str  # "ERROR" or "MISSING <node type>"
    line: int  # 1-based
    column: int  # 1-based, in characters
    text: str

    def describe(self, where: str) -> str:
        return f"{where}:{self.line}:{self.column}: {self.kind} at {self.text[:40]!r}"


def first_bad_node(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The first ERROR or MISSING node in document order, or None for a clean tree."""
    if node.is_error or node.is_missing:
        return node
    if not node.has_error:
        return None
    for child in node.children:
        found = first_bad_node(child)
        if found is not None:
            return found
    return None


def locate_problem(source: bytes, node: tree_sitter.Node) -> Problem:
    row, byte_column = node.start_point
    line_start = node.start_byte - byte_column
    column = len(source[line_start : node.start_byte].decode("utf-8", errors="replace")) + 1
    kind = f"MISSING {node.type}" if node.is_missing else "ERROR"
    text = source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")
    return Problem(kind, row + 1, column, text)


@pytest.fixture(scope="session")
def nexa() -> tree_sitter.Language:
    return tree_sitter.Language(tree_sitter_nexa.language())


@pytest.fixture
def parser(nexa: tree_sitter.Language) -> tree_sitter.Parser:
    return tree_sitter.Parser(nexa)


@pytest.fixture
def parse(parser: tree_sitter.Parser) -> Callable[[str | bytes], tree_sitter.Tree]:
    def parse_text(source: str | bytes) -> tree_sitter.Tree:
        return parser.parse(source.encode("utf-8") if isinstance(source, str) else source)

    return parse_text


@pytest.fixture
def first_problem(
    parse: Callable[[str | bytes], tree_sitter.Tree],
) -> Callable[[str | bytes], Problem | None]:
    """Parse a source and return its first syntax problem, or None when it parses cleanly."""

    def find(source: str | bytes) -> Problem | None:
        data = source.encode("utf-8") if isinstance(source, str) else source
        bad = first_bad_node(parse(data).root_node)
        return None if bad is None else locate_problem(data, bad)

    return find


@pytest.fixture(scope="session")
def queries_dir(repo_root: Path) -> Path:
    """grammar-ts/queries of this checkout (not a copy inside an installed wheel)."""
    return repo_root / "grammar-ts" / "queries"


@pytest.fixture(scope="session")
def query_text(queries_dir: Path) -> Callable[[str], str]:
    def read(name: str) -> str:
        return (queries_dir / f"{name}.scm").read_text(encoding="utf-8")

    return read


@pytest.fixture(scope="session")
def query(nexa: tree_sitter.Language, query_text: Callable[[str], str]) -> Callable[[str], tree_sitter.Query]:
    compiled: dict[str, tree_sitter.Query] = {}

    def get(name: str) -> tree_sitter.Query:
        if name not in compiled:
            compiled[name] = tree_sitter.Query(nexa, query_text(name))
        return compiled[name]

    return get
