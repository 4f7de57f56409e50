"""Every node of a file (and of a program's files), walked once and grouped by type.

Rules used to walk each file's tree themselves, one walk per rule (and some once per declaration),
which made the checker's time grow with the number of rules times the size of the program. The
index walks a file once; `of(kind)` answers in the order a walk would have produced (depth first,
source order; for a program, its files in merge order), so a rule that switches to it reports exactly
what it reported before. Built on first use by `SourceFile.nodes` and `Program.nodes`.

The walk also records where each node's subtree ends, so `within(node, kinds)` answers "the nodes
of these kinds below this node" from the same walk: scopes' bindings and the static types' binding
table used to walk each activation's body again.
"""

from __future__ import annotations

from bisect import bisect_left
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
        self._ordered: dict[tuple[type, ...], tuple[list[int], list[ast.Node]]] = {}
        self._position: dict[int, int] = {}  # id of a node: its place in the walk
        self._end: list[int] = []  # by place in the walk: the place just after the node's subtree
        by_type, position, end = self._by_type, self._position, self._end
        leaves: set[type] = set()  # the classes seen whose nodes have no children to list
        # `root.walk()` unrolled: this walk visits every node of every file once. An int on the
        # stack is the place of a node whose children were pushed above it: popped, its subtree ends.
        stack: list[ast.Node | int] = [root]
        pop, push, extend, end_at = stack.pop, stack.append, stack.extend, end.append
        order = 0
        while stack:
            node = pop()
            cls = type(node)
            if cls is int:
                end[node] = order  # type: ignore[index]
                continue
            entries = by_type.get(cls)
            if entries is None:
                entries = by_type[cls] = []
                if not ast.may_have_children(cls):
                    leaves.add(cls)
            entries.append((order, node))  # type: ignore[arg-type]
            position[id(node)] = order
            end_at(order + 1)
            if cls not in leaves:
                below = node.child_list()  # type: ignore[union-attr]
                if below:
                    push(order)
                    below.reverse()
                    extend(below)
            order += 1
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

    def extent(self, node: ast.Node) -> tuple[int, int]:
        """The place of `node` (of this file) in the walk, and the place just after its subtree:
        a node is below another exactly when its place lies inside the other's extent."""
        start = self._position[id(node)]
        return start, self._end[start]

    def within(
        self, node: ast.Node, kinds: tuple[type[ast.Node], ...], opaque: tuple[type[ast.Node], ...] = ()
    ) -> list[ast.Node]:
        """The nodes at or below `node` that are instances of one of `kinds`, in walk order, leaving
        out the subtrees of `opaque` nodes (themselves included). A node of another tree gets an
        index of its own."""
        start = self._position.get(id(node))
        if start is None:
            return FileNodes(node).within(node, kinds, opaque)
        ordered = self._ordered.get(kinds + opaque)
        if ordered is None:  # as in `of`, with the places kept
            lists = [self._by_type[t] for t in _types_of(kinds + opaque) if t in self._by_type]
            entries = sorted(chain.from_iterable(lists)) if len(lists) > 1 else (lists[0] if lists else [])
            ordered = self._ordered[kinds + opaque] = ([at for at, _ in entries], [n for _, n in entries])
        orders, nodes = ordered
        stop = self._end[start]
        first = bisect_left(orders, start)
        last = bisect_left(orders, stop, first)
        if not opaque:
            return nodes[first:last]
        result: list[ast.Node] = []
        hidden_until = -1  # the end of the opaque subtree being skipped
        for at in range(first, last):
            place = orders[at]
            if place < hidden_until:
                continue
            candidate = nodes[at]
            if isinstance(candidate, opaque):
                hidden_until = self._end[place]
            else:
                result.append(candidate)
        return result


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
