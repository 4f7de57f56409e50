"""Calls whose argument list the parser could not finish: `review(claim,` with its `)` missing
(a MISSING node) or with skipped text (an ERROR node) directly inside the parentheses.

The next line of such a call is read as one more argument, so counting or typing its arguments
would add an E012/E302/W008/W010 to the E008 the syntax error already has. The argument rules
skip these calls, in the spirit of §2.6 (no rule reports on what a syntax error produced).
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from tree_sitter import Node

from nexa_lang import ast
from nexa_lang.callees import Callee, resolved_calls
from nexa_lang.model import Program, SourceFile

_UNFINISHED: WeakKeyDictionary[Program, set[tuple[str | None, int, int]]] = WeakKeyDictionary()


def finished_calls(program: Program) -> list[tuple[SourceFile, ast.Call, Callee]]:
    """`resolved_calls(program)` without the calls whose argument list is unfinished."""
    unfinished = _UNFINISHED.get(program)
    if unfinished is None:
        unfinished = _UNFINISHED[program] = {
            (file.path, node.start_byte, node.end_byte)
            for file in program.files
            for node in _unfinished_argument_lists(file.tree.root_node)
        }
    if not unfinished:
        return resolved_calls(program)
    return [
        (file, call, callee)
        for file, call, callee in resolved_calls(program)
        if (file.path, call.arguments_span.start, call.arguments_span.end) not in unfinished
    ]


def _unfinished_argument_lists(root: Node) -> list[Node]:
    """The `argument_list` nodes with a MISSING or ERROR child, descending only into subtrees
    that hold an error (iterative: brackets may nest thousands deep)."""
    found = []
    stack = [root] if root.has_error else []
    while stack:
        node = stack.pop()
        if node.type == "argument_list" and any(c.is_missing or c.is_error for c in node.children):
            found.append(node)
        stack.extend(c for c in node.children if c.has_error and not c.is_error)
    return found
