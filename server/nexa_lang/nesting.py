"""Where a text is nested most deeply, found without recursion.

The front-end lowers the syntax tree recursively, so a text nested deeper than Python's recursion
limit (hundreds of brackets, a sum of hundreds of terms, a pasted generated expression) cannot be
checked. The tools that meet the resulting `RecursionError` say so in one line with this place,
instead of showing a traceback.
"""

from __future__ import annotations

from tree_sitter import Tree

from nexa_lang.parsing import parse

NESTED_TOO_DEEPLY = "nested too deeply to check"


def deepest_offset(tree: Tree) -> tuple[int, int]:
    """(depth, start byte) of the first of the most deeply nested nodes of `tree`."""
    cursor = tree.walk()
    depth, best = 0, (0, 0)
    while True:
        if depth > best[0]:
            best = (depth, cursor.node.start_byte)
        if cursor.goto_first_child():
            depth += 1
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return best
            depth -= 1


def deepest_position(source: bytes, tree: Tree | None = None) -> tuple[int, int]:
    """The 1-based line and column (in code points, as `--check` counts) where `source` is nested
    most deeply."""
    _, offset = deepest_offset(tree or parse(source))
    line_start = source.rfind(b"\n", 0, offset) + 1
    column = len(source[line_start:offset].decode("utf-8", "replace")) + 1
    return source.count(b"\n", 0, offset) + 1, column
