"""Folding ranges: declarations, blocks and bracketed literals that span lines (from the syntax tree,
like grammar-ts/queries/folds.scm), multi-line strings and `python!` blocks, block comments and runs
of line comments, and runs of `include`/`import` lines.

Ranges are byte spans of the folded construct; the server turns them into lines (an editor usually
keeps the line of a closing brace visible, so it ends the fold on the line before a final `}`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from tree_sitter import Node as TSNode

from nexa_lang import ast
from nexa_lang.model import SourceFile
from nexa_lang.positions import Span


class FoldingKind(str, Enum):
    """LSP's FoldingRangeKind values; a fold without a kind is a region of code."""

    COMMENT = "comment"
    IMPORTS = "imports"
    REGION = "region"


@dataclass(frozen=True)
class FoldingRange:
    span: Span
    kind: FoldingKind | None = None


# Node types that fold when they span lines: declarations, bodies and bracketed lists.
FOLDING_NODES: frozenset[str] = frozenset(
    """
    agent_declaration tool_declaration tool_function_declaration protocol_declaration flow_declaration
    test_declaration struct_declaration enum_declaration trait_declaration impl_declaration
    job_declaration server_declaration function_declaration type_declaration
    agent_body block server_body route_group perform_clause failure_clause context_policy_statement
    match_expression case_block dict_literal list_literal argument_list parameter_list
    triple_string template_string raw_string string python_statement
    """.split()
)


def folding_ranges(file: SourceFile) -> list[FoldingRange]:
    """The folds of `file`, in source order; only ranges that span at least two lines, and one per
    pair of first and last line (the outermost construct)."""
    found: list[FoldingRange] = []
    found.extend(_syntax_folds(file.tree.root_node))
    found.extend(_comment_folds(file))
    found.extend(_include_folds(file))
    result: list[FoldingRange] = []
    seen: set[tuple[int, int]] = set()
    for fold in sorted(found, key=lambda f: (f.span.start, -f.span.end)):
        lines = (file.line_of(fold.span.start), file.line_of(max(fold.span.start, fold.span.end - 1)))
        if lines[0] == lines[1] or lines in seen:
            continue
        seen.add(lines)
        result.append(fold)
    return result


def _syntax_folds(root: TSNode) -> Iterator[FoldingRange]:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in FOLDING_NODES:
            yield FoldingRange(Span(node.start_byte, node.end_byte))
        stack.extend(node.children)


def _comment_folds(file: SourceFile) -> Iterator[FoldingRange]:
    """Block comments, and runs of line comments on consecutive lines (each alone on its line)."""
    comments: list[TSNode] = []
    stack = [file.tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "comment":
            comments.append(node)
        else:
            stack.extend(node.children)
    comments.sort(key=lambda n: n.start_byte)
    run: list[TSNode] = []
    for comment in comments:
        text = file.source[comment.start_byte : comment.start_byte + 2]
        if text == b"/*":
            yield FoldingRange(Span(comment.start_byte, comment.end_byte), FoldingKind.COMMENT)
            continue
        if run and (
            file.line_of(comment.start_byte) != file.line_of(run[-1].start_byte) + 1
            or not _starts_its_line(file, comment.start_byte)
        ):
            yield FoldingRange(Span(run[0].start_byte, run[-1].end_byte), FoldingKind.COMMENT)
            run = []
        if _starts_its_line(file, comment.start_byte):
            run.append(comment)
    if run:
        yield FoldingRange(Span(run[0].start_byte, run[-1].end_byte), FoldingKind.COMMENT)


def _starts_its_line(file: SourceFile, offset: int) -> bool:
    start = file.lines.line_start(file.line_of(offset))
    return not file.source[start:offset].strip()


def _include_folds(file: SourceFile) -> Iterator[FoldingRange]:
    """Consecutive `include` and `import` declarations."""
    run: list[ast.Node] = []
    for item in [*file.module.items, None]:
        if isinstance(item, ast.Include | ast.Import):
            run.append(item)
            continue
        if len(run) > 1:
            yield FoldingRange(Span(run[0].span.start, run[-1].span.end), FoldingKind.IMPORTS)
        run = []
