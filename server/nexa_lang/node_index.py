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
from collections.abc import Callable
from itertools import chain
from typing import TYPE_CHECKING, TypeVar

from nexa_lang import ast

if TYPE_CHECKING:
    from nexa_lang.model import SourceFile

N = TypeVar("N", bound=ast.Node)


class FileNodes:
    """The nodes of one file's tree by type."""

    def __init__(self, root: ast.Node) -> None:
        # The walk keeps, per node, only what every query needs: the node in `_walk` and its place
        # under its class. Where a node stands in the walk is looked up by class when a query
        # asks (`_place`), and the end of a subtree is recorded for nodes with children only.
        self._walk: list[ast.Node] = []  # every node, in walk order
        self._places: dict[type, list[int]] = {}  # by class: the places of its nodes, ascending
        self._end: dict[int, int] = {}  # by place: the place just after the subtree of a node with children
        self._positions: dict[type, dict[int, int]] = {}  # by class: id of a node -> its place
        self._queries: dict[tuple[type, ...], list[ast.Node]] = {}
        self._ordered: dict[tuple[type, ...], tuple[list[int], list[ast.Node]]] = {}
        places_of, end = self._places, self._end
        # By class: its places and its child lister (None for a class whose nodes have no
        # children), one dict read a node.
        kinds: dict[type, tuple[list[int], Callable[[ast.Node], list[ast.Node]] | None]] = {}
        # `root.walk()` unrolled: this walk visits every node of every file once. An int on the
        # stack is the place of a node whose children were pushed above it: popped, its subtree ends.
        stack: list[ast.Node | int] = [root]
        pop, push, extend, visit = stack.pop, stack.append, stack.extend, self._walk.append
        order = 0
        while stack:
            node = pop()
            cls = type(node)
            if cls is int:
                end[node] = order  # type: ignore[index]
                continue
            kind = kinds.get(cls)
            if kind is None:
                places_of[cls] = []
                kind = kinds[cls] = (places_of[cls], ast.child_lister(cls))
            places, lister = kind
            places.append(order)
            visit(node)  # type: ignore[arg-type]
            if lister is not None:
                below = lister(node)  # type: ignore[arg-type]
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
            walk = self._walk
            found = self._queries[kinds] = [walk[at] for at in self._places_of(kinds)]
        return found

    def nodes(self, kind: type[N]) -> list[N]:
        """The nodes of one kind, typed for the caller."""
        return self.of(kind)  # type: ignore[return-value]

    def extent(self, node: ast.Node) -> tuple[int, int]:
        """The place of `node` (of this file) in the walk, and the place just after its subtree:
        a node is below another exactly when its place lies inside the other's extent."""
        start = self._place(node)
        if start is None:
            raise KeyError(node)
        return start, self._end.get(start, start + 1)

    def within(
        self, node: ast.Node, kinds: tuple[type[ast.Node], ...], opaque: tuple[type[ast.Node], ...] = ()
    ) -> list[ast.Node]:
        """The nodes at or below `node` that are instances of one of `kinds`, in walk order, leaving
        out the subtrees of `opaque` nodes (themselves included). A node of another tree gets an
        index of its own."""
        start = self._place(node)
        if start is None:
            return FileNodes(node).within(node, kinds, opaque)
        ordered = self._ordered.get(kinds + opaque)
        if ordered is None:  # as in `of`, with the places kept
            walk = self._walk
            orders = self._places_of(kinds + opaque)
            ordered = self._ordered[kinds + opaque] = (orders, [walk[at] for at in orders])
        orders, nodes = ordered
        end = self._end
        first = bisect_left(orders, start)
        last = bisect_left(orders, end.get(start, start + 1), first)
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
                hidden_until = end.get(place, place + 1)
            else:
                result.append(candidate)
        return result

    def _places_of(self, kinds: tuple[type, ...]) -> list[int]:
        """The places of the instances of `kinds`, ascending (do not modify: it may be the index's own)."""
        lists = [self._places[t] for t in _types_of(kinds) if t in self._places]
        if len(lists) > 1:  # each list is ascending and the places are distinct
            return sorted(chain.from_iterable(lists))
        return lists[0] if lists else []

    def _place(self, node: ast.Node) -> int | None:
        """The place of `node` in the walk; None for a node of another tree."""
        cls = type(node)
        positions = self._positions.get(cls)
        if positions is None:
            walk = self._walk
            positions = self._positions[cls] = {id(walk[at]): at for at in self._places.get(cls, ())}
        return positions.get(id(node))


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
