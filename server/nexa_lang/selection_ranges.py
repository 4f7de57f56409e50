"""Selection ranges ("expand selection"): for a cursor, the spans that hold it from the innermost
name outwards (token → expression → statement → block → declaration → file), read off the syntax
tree; a name inside a string (`#{name}`) adds its own span first.
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node as TSNode

from nexa_lang.analysis import Analysis
from nexa_lang.occurrences import program_occurrences
from nexa_lang.positions import Span

_WORD_LEAVES = frozenset({"identifier", "integer", "float", "true", "false", "none", "string_content"})


def selection_ranges(analysis: Analysis, offsets: Iterable[int]) -> list[list[Span]]:
    """For each offset, the spans holding it, innermost first, each strictly larger than the last."""
    return [selection_range(analysis, offset) for offset in offsets]


def selection_range(analysis: Analysis, offset: int) -> list[Span]:
    file = analysis.file
    offset = max(0, min(offset, len(file.source)))
    node = _leaf_at(file.tree.root_node, offset)
    spans: list[Span] = []
    name = program_occurrences(analysis.program).at(file, offset)
    if name is not None and (node is None or Span(node.start_byte, node.end_byte).contains(name.span)):
        spans.append(name.span)
    while node is not None:
        span = Span(node.start_byte, node.end_byte)
        if not spans or (span != spans[-1] and span.contains(spans[-1])):
            spans.append(span)
        node = node.parent
    whole = Span(0, len(file.source))
    if not spans or spans[-1] != whole:
        spans.append(whole)
    return spans


def _leaf_at(root: TSNode, offset: int) -> TSNode | None:
    """The smallest node at `offset`, preferring a word that ends at it (a cursor after a name)."""
    node = root.descendant_for_byte_range(offset, offset)
    if offset > 0 and (node is None or node.type not in _WORD_LEAVES or node.start_byte == offset):
        before = root.descendant_for_byte_range(offset - 1, offset - 1)
        if before is not None and before.type in _WORD_LEAVES and before.end_byte == offset:
            return before
    return node
