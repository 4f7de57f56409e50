"""Every node of a file (and of a program's files), walked once and grouped by type.

Rules used to walk each file's tree themselves, one walk per rule (and some once per declaration),
which made the checker's time grow with the number of rules times the size of the program. The
index walks a file once; `of(kind)` answers in the order a walk would have produced (depth first,
source order; for a program, its files in merge order), so a rule that switches to it reports exactly
what it reported before. Built on first use by `SourceFile.nodes` and `Program.nodes`.
"""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING, TypeVar

from nexa_lang import ast

if TYPE_CHECKING:
    from nexa_lang.model import SourceFile

N = TypeVar("N", bound=ast.Node)


class FileNodes:
    """The nodes of one file's tree by type."""

    def __init__(self, root: ast.Node) -> None:
        self._by_type: dict[type, list[tuple[int, ast.Node]]] = {}
        self._queries: dict[tuple[type, ...], list[ast.Node]] = {}
        by_type = self._by_type
        # `root.walk()` unrolled: this walk visits every node of every file once.
        stack: list[ast.Node] = [root]
        order = 0
        while stack:
            node = stack.pop()
            entries = by_type.get(type(node))
            if entries is None:
                entries = by_type[type(node)] = []
            entries.append((order, node))
            order += 1
            below = node.child_list()
            if below:
                below.reverse()
                stack.extend(below)
        self.size = order

    def of(self, *kinds: type[ast.Node]) -> list[ast.Node]:
        """Every node that is an instance of one of `kinds`, in walk order."""
        found = self._queries.get(kinds)
        if found is None:
            by_type = self._by_type
            lists = [by_type[t] for t in _types_of(kinds) if t in by_type]
            if not lists:
                found = []
            elif len(lists) == 1:
                found = [node for _, node in lists[0]]
            else:  # each list is in walk order; the orders are distinct, so nodes are never compared
                found = [node for _, node in sorted(chain.from_iterable(lists))]
            self._queries[kinds] = found
        return found

    def nodes(self, kind: type[N]) -> list[N]:
        """The nodes of one kind, typed for the caller."""
        return self.of(kind)  # type: ignore[return-value]


_TYPES_OF: dict[tuple[type, ...], list[type]] = {}


def _types_of(kinds: tuple[type, ...]) -> list[type]:
    """The node classes whose instances are instances of one of `kinds` (computed once per query)."""
    found = _TYPES_OF.get(kinds)
    if found is None:
        found, pending = [], list(kinds)
        while pending:
            cls = pending.pop()
            if cls not in found:
                found.append(cls)
                pending.extend(cls.__subclasses__())
        _TYPES_OF[kinds] = found
    return found


class ProgramNodes:
    """The nodes of a program's files: each file's index, files in merge order."""

    def __init__(self, files: list[SourceFile]) -> None:
        self.files = files
        self._queries: dict[tuple[type, ...], list[tuple[SourceFile, ast.Node]]] = {}

    def of(self, *kinds: type[ast.Node]) -> list[tuple[SourceFile, ast.Node]]:
        """Every (file, node) whose node is an instance of one of `kinds`, in walk order."""
        found = self._queries.get(kinds)
        if found is None:
            found = self._queries[kinds] = [(f, n) for f in self.files for n in f.nodes.of(*kinds)]
        return found
