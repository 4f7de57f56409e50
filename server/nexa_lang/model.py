"""The semantic model: parsed files, programs (a file plus its includes) and their global symbols.

Spec: diagnostics.md §2.1 (programs, roots, libraries), L§2.4 (include), L§6.1 (what declares a
name). A `Workspace` caches parsed files by path and re-parses a file only when its text changes, so
the CLI, the server and the VM share one way of loading programs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from tree_sitter import Tree

from nexa_lang import ast
from nexa_lang.lowering import lower, lower_outline
from nexa_lang.parsing import parse
from nexa_lang.positions import LineIndex, Span

if TYPE_CHECKING:
    from nexa_lang.dag import ActivationGraph
    from nexa_lang.node_index import FileNodes, ProgramNodes
    from nexa_lang.scopes import Scopes

NEXA_SOURCE_SUFFIXES = (".nx", ".nxlib")


@dataclass(eq=False)
class SourceFile:
    """One parsed file. `source` is the exact UTF-8 text the spans index."""

    path: str | None
    source: bytes
    tree: Tree
    module: ast.Module
    # Whether the file has E008 diagnostics, when whoever built it already knows (the checker has
    # just listed them); else found on first use (`reports_syntax_errors`).
    syntax_errors_found: bool | None = field(default=None, repr=False)

    @classmethod
    def outline_of(cls, text: bytes, path: str) -> SourceFile:
        """A file whose module holds only its includes and flow names (`lower_outline`): enough
        for `is_program_root` and `Workspace.program`'s include walk, not for checking."""
        tree = parse(text)
        return cls(path, text, tree, lower_outline(tree.root_node, text, path))

    @classmethod
    def from_text(
        cls, text: str | bytes, path: str | None = None, old_tree: Tree | None = None
    ) -> SourceFile:
        source = text.encode("utf-8") if isinstance(text, str) else text
        tree = parse(source, old_tree)
        return cls(path, source, tree, lower(tree.root_node, source, path))

    @cached_property
    def nodes(self) -> FileNodes:
        """Every node of the file's tree, by type (walked once, on first use)."""
        from nexa_lang.node_index import FileNodes

        return FileNodes(self.module)

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.source)

    @property
    def has_syntax_errors(self) -> bool:
        """Whether the tree has an ERROR or MISSING node (what the editor features repair)."""
        return self.tree.root_node.has_error

    @property
    def reports_syntax_errors(self) -> bool:
        """Whether the file has E008 diagnostics (§2.6): an ERROR or MISSING node, or a recovery
        form that the grammar parses without one (`while x: …}`, `agnet A {`; grammar G17-G27)."""
        if self.syntax_errors_found is None:
            from nexa_lang.syntax_errors import syntax_errors

            self.syntax_errors_found = self.has_syntax_errors or bool(
                syntax_errors(self.tree, self.source, self.lines)
            )
        return self.syntax_errors_found

    @property
    def is_library_file(self) -> bool:
        return bool(self.path and self.path.endswith(".nxlib"))

    @property
    def is_program_root(self) -> bool:
        """Not `.nxlib`, and declares `flow main` or includes a Nexa file (§2.1)."""
        if self.is_library_file:
            return False
        for decl in self.module.declarations:
            if isinstance(decl, ast.FlowDecl) and decl.name == "main":
                return True
            if (
                isinstance(decl, ast.Include)
                and decl.path is not None
                and not decl.path.value.endswith(".nxs")
            ):
                return True
        return False

    def spelled(self, path: str) -> SourceFile:
        """This file under another spelling of its path (`../lib/a.nxlib` from another folder):
        the same text, tree, module and node index, shown as `path` in diagnostics and related
        locations. (`module.path` keeps the first spelling; nothing reads it.)"""
        if path == self.path:
            return self
        other = SourceFile(path, self.source, self.tree, self.module, self.reports_syntax_errors)
        other.nodes = self.nodes
        other.lines = self.lines
        return other

    def text_of(self, span: Span) -> str:
        return self.source[span.start : span.end].decode("utf-8", errors="replace")

    def line_of(self, offset: int) -> int:
        """0-based line of a byte offset."""
        return self.lines.line_of(offset)


# Declaration kinds that put a name in the program's global namespace (L§6.1).
DECLARATION_KINDS: dict[type[ast.Decl], str] = {
    ast.AgentDecl: "agent",
    ast.ToolDecl: "tool",
    ast.ToolFnDecl: "tool_fn",
    ast.ProtocolDecl: "protocol",
    ast.FlowDecl: "flow",
    ast.TypeDecl: "type",
    ast.StructDecl: "struct",
    ast.EnumDecl: "enum",
    ast.TraitDecl: "trait",
    ast.JobDecl: "job",
    ast.HandleDecl: "handle",
    ast.ServerDecl: "server",
    ast.Import: "import",
}


@dataclass(eq=False)
class Symbol:
    """A global name: a declaration, or a variable assigned at top level (`kind` 'global')."""

    name: str
    kind: str
    node: ast.Node
    file: SourceFile
    name_span: Span

    @property
    def decl(self) -> ast.Decl | None:
        return self.node if isinstance(self.node, ast.Decl) else None


@dataclass(eq=False)
class Program:
    """A file with everything it includes, transitively; included files come first (L§2.4)."""

    root: SourceFile
    files: list[SourceFile]
    missing_includes: list[tuple[SourceFile, ast.Include]] = field(default_factory=list)
    symbols: dict[str, list[Symbol]] = field(default_factory=dict)
    settings: Any = None  # the lint/sandbox configuration the checker runs with (nexa_lang.config)
    _declared_by_kind: dict[type[ast.Decl], list[tuple[SourceFile, ast.Decl]]] = field(
        default_factory=dict, init=False, repr=False
    )

    @cached_property
    def scopes(self) -> Scopes:
        """Activations and resolved name references (computed once, on first use)."""
        from nexa_lang.scopes import analyze_scopes

        return analyze_scopes(self)

    @cached_property
    def activation_graphs(self) -> list[ActivationGraph]:
        """What the G-checks follow in each activation's body: the values, the stages and the reads
        of locals, without building graph nodes (nexa_lang.dag, built once, on first use)."""
        from nexa_lang.dag import activation_graphs

        return activation_graphs(self)

    @cached_property
    def nodes(self) -> ProgramNodes:
        """Every node of every file, by type (each file walked once; nexa_lang.node_index)."""
        from nexa_lang.node_index import ProgramNodes

        return ProgramNodes(self.files)

    @property
    def is_root(self) -> bool:
        """A program root: not `.nxlib`, and declares `flow main` or includes a Nexa file (§2.1)."""
        return self.root.is_program_root

    @property
    def is_open(self) -> bool:
        """An include names a Nexa file that does not exist (§2.3)."""
        return bool(self.missing_includes)

    def lookup(self, name: str) -> Symbol | None:
        """The declaration the program uses for `name` (the first one, in merge order)."""
        found = self.symbols.get(name)
        return found[0] if found else None

    @cached_property
    def _declared(self) -> list[tuple[SourceFile, ast.Decl]]:
        return [(file, decl) for file in self.files for decl in file.module.declarations]

    def declarations(self) -> Iterator[tuple[SourceFile, ast.Decl]]:
        """Every declaration of the program's files, in merge order (listed once: the rules ask
        for them, and for those of one kind, many times a program)."""
        return iter(self._declared)

    def of_kind(self, kind: type[ast.Decl]) -> Iterator[tuple[SourceFile, ast.Decl]]:
        found = self._declared_by_kind.get(kind)
        if found is None:
            found = self._declared_by_kind[kind] = [(f, d) for f, d in self._declared if isinstance(d, kind)]
        return iter(found)

    def agents(self) -> list[ast.AgentDecl]:
        return [d for _, d in self.of_kind(ast.AgentDecl) if isinstance(d, ast.AgentDecl)]

    def flows(self) -> list[ast.FlowDecl]:
        return [d for _, d in self.of_kind(ast.FlowDecl) if isinstance(d, ast.FlowDecl)]

    def flow(self, name: str) -> ast.FlowDecl | None:
        return next((f for f in self.flows() if f.name == name), None)

    @property
    def has_syntax_errors(self) -> bool:
        """Whether a file of the program has E008 diagnostics: the program-wide rules that need
        every reference (W001, G002, G006) are skipped then (§2.6)."""
        return any(f.reports_syntax_errors for f in self.files)


def collect_symbols(files: list[SourceFile]) -> dict[str, list[Symbol]]:
    """Every global name of the files, in merge order; a name may have several (E004)."""
    symbols: dict[str, list[Symbol]] = {}
    seen_globals: set[str] = set()
    for file in files:
        for item in file.module.items:
            kind = DECLARATION_KINDS.get(type(item))
            if kind is not None and isinstance(item, ast.Decl) and item.name:
                symbols.setdefault(item.name, []).append(Symbol(item.name, kind, item, file, item.name_span))
            elif isinstance(item, ast.Assign | ast.Let):
                for name, name_span in top_level_bindings(item):
                    if name not in seen_globals and name not in symbols:
                        seen_globals.add(name)
                        symbols.setdefault(name, []).append(Symbol(name, "global", item, file, name_span))
    return symbols


def top_level_bindings(statement: ast.Stmt) -> Iterator[tuple[str, Span]]:
    if isinstance(statement, ast.Assign) and isinstance(statement.target, ast.Name):
        yield statement.target.id, statement.target.span
    elif isinstance(statement, ast.Let):
        yield from pattern_bindings(statement.pattern)


def pattern_bindings(pattern: ast.Pattern) -> Iterator[tuple[str, Span]]:
    """Names a pattern binds (L§5.10.2), with the span of each binding occurrence."""
    for node in pattern.walk():
        if isinstance(node, ast.BindingPattern):
            yield node.name, node.span
        elif isinstance(node, ast.RestPattern) and node.name and node.name_span:
            yield node.name, node.name_span
        elif isinstance(node, ast.MapPatternEntry) and node.pattern is None:
            yield node.key, node.key_span


class Workspace:
    """Parsed files by path, re-parsed only when their text changes; open editor buffers override
    the disk through `set_text`."""

    def __init__(self, *, outlines: bool = False) -> None:
        self.outlines = outlines  # load files as outlines only (SourceFile.outline_of)
        self._files: dict[str, SourceFile] = {}
        self._overlays: dict[str, str] = {}
        self._disk_stamp: dict[str, tuple[int, int]] = {}

    @staticmethod
    def key(path: str) -> str:
        return os.path.normpath(os.path.abspath(path))

    def set_text(self, path: str, text: str, old_tree: Tree | None = None) -> SourceFile:
        key = self.key(path)
        self._overlays[key] = text
        file = SourceFile.from_text(text, path, old_tree)
        self._files[key] = file
        return file

    def close(self, path: str) -> None:
        key = self.key(path)
        self._overlays.pop(key, None)
        self._files.pop(key, None)

    def invalidate(self, path: str) -> None:
        key = self.key(path)
        if key not in self._overlays:
            self._files.pop(key, None)

    def file(self, path: str) -> SourceFile | None:
        """The parsed file at `path`, or None when it cannot be read."""
        key = self.key(path)
        if key in self._overlays:
            return self._files[key]
        try:
            stat = os.stat(key)
        except OSError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self._files.get(key)
        if cached is not None and self._disk_stamp.get(key) == stamp:
            return cached
        try:
            with open(key, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        file = SourceFile.outline_of(data, path) if self.outlines else SourceFile.from_text(data, path)
        self._files[key] = file
        self._disk_stamp[key] = stamp
        return file

    def program(self, root: SourceFile) -> Program:
        """The program of `root`: its includes merged recursively, each file once (D07)."""
        files: list[SourceFile] = []
        missing: list[tuple[SourceFile, ast.Include]] = []
        self._visit(root, files, missing, set())
        return Program(root=root, files=files, missing_includes=missing, symbols=collect_symbols(files))

    def _visit(
        self,
        file: SourceFile,
        files: list[SourceFile],
        missing: list[tuple[SourceFile, ast.Include]],
        visiting: set[str],
    ) -> None:
        """Append `file` to `files` after the files it includes (not yet visited). A method, not a
        nested function calling itself: that would be a reference cycle holding the whole program,
        left for the cyclic collector instead of being freed when the program is dropped."""
        key = self.key(file.path) if file.path else f"<{id(file)}>"
        if key in visiting:
            return
        visiting.add(key)
        for include in file.module.declarations:
            if not isinstance(include, ast.Include) or include.path is None:
                continue
            target = include.path.value
            if target.endswith(".nxs"):
                continue  # secrets are loaded by the runtime (L§2.4)
            base = os.path.dirname(file.path) if file.path else os.getcwd()
            included = self.file(os.path.join(base, target))
            if included is None:
                missing.append((file, include))
            else:
                self._visit(included, files, missing, visiting)
        files.append(file)

    def includers(self, path: str, roots: list[str]) -> list[str]:
        """Which of `roots` include `path`, directly or transitively."""
        key = self.key(path)
        result = []
        for root in roots:
            root_file = self.file(root)
            if root_file is None:
                continue
            program = self.program(root_file)
            if any(f.path and self.key(f.path) == key for f in program.files if f is not root_file):
                result.append(root)
        return result


class SharedFiles(Workspace):
    """A workspace for checking many programs in one process (`nexa-lsp --check`): a file that
    several programs include is parsed and lowered once and reused while its content is the same
    (compared byte for byte, not by disk time stamps, which can miss a quick rewrite); each
    program sees it under the path its own include spells."""

    def file(self, path: str) -> SourceFile | None:
        key = self.key(path)
        if key in self._overlays:
            return super().file(path)
        try:
            with open(key, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        cached = self._files.get(key)
        if cached is None or cached.source != data:
            cached = self._files[key] = SourceFile.from_text(data, path)
        return cached.spelled(path)

    def clear(self) -> None:
        self._files.clear()
        self._overlays.clear()


def program_of_text(text: str, path: str | None = None, workspace: Workspace | None = None) -> Program:
    """A program for one text (tests, stdin); includes resolve relative to `path` on disk."""
    workspace = workspace or Workspace()
    root = workspace.set_text(path, text) if path else SourceFile.from_text(text, None)
    return workspace.program(root)
