"""One document seen by the editor features: its parsed file, the program it belongs to, and
position queries over them. Editor features (completion, hover, navigation, …) are pure functions
of an `Analysis` and a byte offset, returning spans; the language server converts positions.
"""

from __future__ import annotations

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

    def reference_at(self, offset: int) -> Reference | None:
        return next((r for r in self.references if r.span.start <= offset <= r.span.end), None)


def analyze(workspace: Workspace, file: SourceFile) -> Analysis:
    """The analysis of `file` as the root of its own program (its includes merged in)."""
    return Analysis(file, workspace.program(file), workspace)
