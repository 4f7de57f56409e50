"""One document seen by the editor features: its parsed file, the program it belongs to, and
position queries over them. Editor features (completion, hover, navigation, …) are pure functions
of an `Analysis` and a byte offset, returning spans; the language server converts positions.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property

from nexa_lang import ast
from nexa_lang.model import Program, SourceFile, Workspace
from nexa_lang.scopes import Reference


@dataclass(eq=False)
class Analysis:
    file: SourceFile
    program: Program
    workspace: Workspace

    @cached_property
    def references(self) -> list[Reference]:
        """The resolved references whose text is in this document."""
        return [r for r in self.program.scopes.references if r.file is self.file]

    def nodes_at(self, offset: int) -> list[ast.Node]:
        """The AST nodes whose span holds `offset`, outermost first (the module is not included).

        A span holds an offset at its end too, so a cursor right after a name finds the name.
        """
        path: list[ast.Node] = []
        children = list(self.file.module.children())
        while True:
            inner = next(
                (c for c in children if c.span.start <= offset <= c.span.end and c.span != (0, 0)), None
            )
            if inner is None:
                return path
            path.append(inner)
            children = list(inner.children())

    @cached_property
    def _reference_starts(self) -> tuple[list[int], list[int], int]:
        """The references' numbers sorted by start, those starts, and the longest reference."""
        order = sorted(range(len(self.references)), key=lambda n: self.references[n].span.start)
        starts = [self.references[n].span.start for n in order]
        longest = max((r.span.end - r.span.start for r in self.references), default=0)
        return order, starts, longest

    def reference_at(self, offset: int) -> Reference | None:
        """The first reference (in `references` order) whose span holds `offset` (its end too);
        found by bisection among the references starting at most one name's length before it."""
        order, starts, longest = self._reference_starts
        last = bisect_right(starts, offset)
        first = bisect_left(starts, offset - longest, 0, last)
        holding = [n for n in order[first:last] if offset <= self.references[n].span.end]
        return self.references[min(holding)] if holding else None


def analyze(workspace: Workspace, file: SourceFile) -> Analysis:
    """The analysis of `file` as the root of its own program (its includes merged in)."""
    return Analysis(file, workspace.program(file), workspace)
