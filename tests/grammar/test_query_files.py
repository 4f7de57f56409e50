"""The six query files compile against the grammar and stay within what their readers accept:
Neovim 0.7's capture names and predicates, py-tree-sitter's predicates, `tree-sitter tags`'
capture names."""

import re
from collections.abc import Callable

import pytest
import tree_sitter

QUERY_NAMES = ["highlights", "locals", "injections", "folds", "indents", "tags"]

# Highlight captures that Neovim 0.7 (with nvim-treesitter of its time) maps to highlight groups.
NVIM_07_HIGHLIGHTS = {
    "attribute", "boolean", "character", "comment", "conditional", "constant", "constant.builtin",
    "constant.macro", "constructor", "error", "exception", "field", "float", "function",
    "function.builtin", "function.call", "function.macro", "include", "keyword", "keyword.function",
    "keyword.operator", "keyword.return", "label", "method", "method.call", "namespace", "number",
    "operator", "parameter", "property", "punctuation.bracket", "punctuation.delimiter",
    "punctuation.special", "repeat", "string", "string.escape", "string.regex", "string.special",
    "symbol", "tag", "text", "type", "type.builtin", "variable", "variable.builtin",
}  # fmt: skip

# Predicates and directives of Neovim 0.7's query module (each predicate also with a `not-` prefix).
NVIM_07_PREDICATES = {"eq?", "match?", "vim-match?", "lua-match?", "contains?", "any-of?"}
NVIM_07_DIRECTIVES = {"set!", "offset!"}
# py-tree-sitter 0.26 accepts #not-any-of? but does not apply it: a query using it would match
# more in our server than in an editor.
IGNORED_BY_PY_TREE_SITTER = {"not-any-of?"}

NVIM_07_INDENT_CAPTURES = {"indent", "branch", "dedent", "ignore", "auto", "aligned_indent", "zero_indent"}


def predicates_in(text: str) -> set[str]:
    without_comments = "\n".join(line.split(";", 1)[0] for line in text.splitlines())
    without_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', without_comments)
    return set(re.findall(r"\(#([A-Za-z0-9_.-]+[?!])", without_strings))


def capture_names(query: tree_sitter.Query) -> set[str]:
    return {query.capture_name(i) for i in range(query.capture_count)}


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_query_file_compiles_and_has_patterns(name: str, query: Callable[[str], tree_sitter.Query]) -> None:
    assert query(name).pattern_count > 0


def test_highlight_captures_are_neovim_07_names(query: Callable[[str], tree_sitter.Query]) -> None:
    assert capture_names(query("highlights")) - NVIM_07_HIGHLIGHTS == set()


def test_highlights_capture_keywords_types_and_functions(query: Callable[[str], tree_sitter.Query]) -> None:
    # A near miss of the test above: the scheme uses the core names, not only exotic ones.
    assert {"keyword", "type", "function", "string", "comment", "operator"} <= capture_names(
        query("highlights")
    )


@pytest.mark.parametrize("name", ["highlights", "locals", "injections", "folds", "indents"])
def test_editor_queries_use_only_neovim_07_predicates(name: str, query_text: Callable[[str], str]) -> None:
    allowed = NVIM_07_PREDICATES | {f"not-{p}" for p in NVIM_07_PREDICATES} | NVIM_07_DIRECTIVES
    used = predicates_in(query_text(name))
    assert used - allowed == set()
    assert used & IGNORED_BY_PY_TREE_SITTER == set()


def test_match_regexes_use_syntax_vim_and_rust_read_alike(query_text: Callable[[str], str]) -> None:
    regexes = re.findall(r'\(#(?:not-)?match\? @[\w.]+ "([^"]*)"\)', query_text("highlights"))
    assert regexes, "highlights.scm is expected to use #match?"
    for regex in regexes:
        # Anchors, a bracket class, a group of alternatives of plain words: the same in Vim's
        # very-magic mode (Neovim 0.7) and in Rust's and Python's regex engines.
        assert re.fullmatch(r"\^(\[[A-Za-z_-]+\]|\([A-Za-z_|]+\)\$)", regex), regex


def test_locals_use_the_names_tree_sitter_tags_accepts(query: Callable[[str], tree_sitter.Query]) -> None:
    # tree-sitter.json loads locals.scm with tags.scm; `tree-sitter tags` rejects any other name.
    assert capture_names(query("locals")) == {"local.scope", "local.definition", "local.reference"}


def test_tags_use_the_tag_capture_convention(query: Callable[[str], tree_sitter.Query]) -> None:
    names = capture_names(query("tags"))
    assert {"name", "doc"} <= names
    others = names - {"name", "doc"}
    assert others and all(re.fullmatch(r"(definition|reference)\.[a-z]+", n) for n in others), others


def test_tags_predicates_are_the_tagging_directives(query_text: Callable[[str], str]) -> None:
    assert predicates_in(query_text("tags")) == {"strip!", "select-adjacent!"}


def test_folds_capture_only_fold(query: Callable[[str], tree_sitter.Query]) -> None:
    assert capture_names(query("folds")) == {"fold"}


def test_indent_captures_are_neovim_07_names(query: Callable[[str], tree_sitter.Query]) -> None:
    names = capture_names(query("indents"))
    assert names <= NVIM_07_INDENT_CAPTURES
    assert {"indent", "branch"} <= names


def test_injections_name_content_and_language(query: Callable[[str], tree_sitter.Query]) -> None:
    injections = query("injections")
    assert capture_names(injections) == {"injection.content"}
    assert injections.pattern_settings(0) == {"injection.language": "python", "language": "python"}
