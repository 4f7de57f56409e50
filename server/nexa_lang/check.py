"""The checker's entry point: source text in, sorted diagnostics out.

`nexa-lsp --check`, the language server and `nexa run`'s compile step all call `check_source`, so
they report the same diagnostics for the same text (ARCHITECTURE.md). The steps:

1. parse with tree-sitter and report E008 for every syntax error;
2. build the semantic model (`build_model`) and run the rules the configuration selects on it
   (`nexa_lang.checker.check_program`, which drops what they report inside ERROR nodes, §2.6);
3. keep what the configuration selects, with its severities (§14.2);
4. apply suppression comments and add M001 for unused ones (§13);
5. sort by file, start, code (§1.4).

In a checking context (§2.1, nexa_lang.context) a root's check also collects what its program finds
inside the libraries it includes (`check_root`); `finish_library` merges those findings over the
library's includers and finishes them like step 3–5; `check_library` does both for one library
(the language server's open library, checked through the workspace's roots that include it).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tree_sitter import Tree

from nexa_lang.checker import check_program, rules
from nexa_lang.config import Settings
from nexa_lang.diagnostics import Diagnostic, sort_diagnostics
from nexa_lang.fixes import apply_fixes
from nexa_lang.lowering import lower
from nexa_lang.model import Program, SourceFile, Workspace
from nexa_lang.parsing import parse
from nexa_lang.positions import LineIndex, Span
from nexa_lang.suppressions import apply_suppressions, suppressions_of_tree
from nexa_lang.syntax_errors import error_spans, syntax_errors


@dataclass
class ParsedFile:
    """One parsed source file: what a model builder and the server start from."""

    path: str | None
    source: bytes  # UTF-8; every offset of the tree and of every diagnostic indexes these bytes
    tree: Tree
    index: LineIndex
    error_spans: list[Span] = field(default_factory=list)  # outermost ERROR nodes

    @property
    def has_syntax_errors(self) -> bool:
        return self.tree.root_node.has_error

    def inside_error(self, span: Span) -> bool:
        return any(error.contains(span) for error in self.error_spans)


def parse_file(text: str, path: str | None = None) -> ParsedFile:
    source = text.encode("utf-8")
    tree = parse(source)
    return ParsedFile(path, source, tree, LineIndex.of(source), error_spans(tree))


def build_model(
    parsed: ParsedFile,
    settings: Settings,
    workspace: Workspace | None = None,
    syntax_errors_found: bool | None = None,
) -> Program:
    """The semantic model the rules read: the program of this file (the file and what it includes,
    nexa_lang.model), with `settings` attached for the rules that need configuration. Included files
    are read through `workspace` (the language server's, where open documents override the disk),
    else from the disk. `syntax_errors_found` says whether the file has E008s, when the caller has
    listed them (else the model finds out when a rule asks, §2.6)."""
    module = lower(parsed.tree.root_node, parsed.source, parsed.path)
    workspace = workspace if workspace is not None else Workspace()
    root = SourceFile(parsed.path, parsed.source, parsed.tree, module, syntax_errors_found)
    program = workspace.program(root)
    program.settings = settings
    return program


def check_source(text: str, path: str | None = None, settings: Settings | None = None) -> list[Diagnostic]:
    """Every diagnostic of `text` (the contents of the file `path`), sorted."""
    return check_parsed(parse_file(text, path), settings)


@dataclass(frozen=True)
class FileCheck:
    diagnostics: list[Diagnostic]
    dependencies: list[str]  # the other files of the program: the result holds while they are unchanged


def check_file(text: str, path: str | None = None, settings: Settings | None = None) -> FileCheck:
    """`check_source` plus the files the result depends on (for caches)."""
    dependencies: list[str] = []
    diagnostics = check_parsed(parse_file(text, path), settings, dependencies)
    return FileCheck(diagnostics, dependencies)


def check_parsed(
    parsed: ParsedFile,
    settings: Settings | None = None,
    dependencies: list[str] | None = None,
    workspace: Workspace | None = None,
) -> list[Diagnostic]:
    """Every diagnostic of a parsed file checked as its own program, sorted; the paths of the
    program's other files are appended to `dependencies` when given. Included files are read
    through `workspace` when given (the language server's open documents), else from the disk."""
    checked = check_root(parsed, settings, workspace=workspace)
    if dependencies is not None:
        dependencies.extend(checked.dependencies)
    return checked.diagnostics


@dataclass(frozen=True)
class LibraryOfRoot:
    """A library that a root's check reports on too (diagnostics.md §2.1): the name its
    diagnostics are shown under, its `Workspace.key`, and its own settings."""

    path: str
    key: str
    settings: Settings


@dataclass(frozen=True)
class RootCheck:
    diagnostics: list[Diagnostic]  # the root file's, final
    libraries: dict[str, list[Diagnostic]]  # by library path: what this program finds in it, unfinished
    dependencies: list[str]  # the other files of the program (and missing includes)


def check_root(
    parsed: ParsedFile,
    settings: Settings | None = None,
    libraries: Sequence[LibraryOfRoot] = (),
    workspace: Workspace | None = None,
) -> RootCheck:
    """Check the program of `parsed`: the root's diagnostics, finished (selection, suppressions,
    sorted), and for each of `libraries` the findings of this program inside it, to be merged over
    the library's includers by `finish_library`."""
    settings = settings if settings is not None else Settings()
    path = parsed.path
    found = [d.with_(path=path) for d in syntax_errors(parsed.tree, parsed.source, parsed.index)]
    enabled = set(settings.selection.enabled_for(path))
    for library in libraries:
        enabled |= library.settings.selection.enabled_for(library.path)
    selected = [r for r in rules() if r.code in enabled]
    findings: dict[str, list[Diagnostic]] = {library.path: [] for library in libraries}
    dependencies: list[str] = []
    if selected:
        program = build_model(parsed, settings, workspace, syntax_errors_found=bool(found))
        dependencies.extend(f.path for f in program.files if f.path and f.source is not parsed.source)
        for includer, include in program.missing_includes:  # their appearance changes the result
            if include.path is not None:
                base = os.path.dirname(includer.path) if includer.path else os.getcwd()
                dependencies.append(os.path.join(base, include.path.value))
        by_key = {library.key: library.path for library in libraries}
        keys: dict[str | None, str | None] = {}
        for diagnostic in check_program(program, selected):
            if diagnostic.path == path:
                found.append(diagnostic)
            elif by_key and diagnostic.path is not None:
                if diagnostic.path not in keys:
                    keys[diagnostic.path] = by_key.get(Workspace.key(diagnostic.path))
                shown = keys[diagnostic.path]
                if shown is not None:
                    findings[shown].append(diagnostic.with_(path=shown))
    checked = {r.code for r in selected if r.code in settings.selection.enabled_for(path)}
    return RootCheck(finish_file(parsed, found, settings, checked), findings, dependencies)


def finish_library(
    parsed: ParsedFile, settings: Settings | None, findings: Iterable[list[Diagnostic]]
) -> list[Diagnostic]:
    """The diagnostics of a library checked as part of its includers: each root's findings (in
    the order of the roots) merged per (range, code), so that a context-dependent diagnostic is
    reported once, with the program of the first root it holds in (§2.1); then finished."""
    settings = settings if settings is not None else Settings()
    merged = [d.with_(path=parsed.path) for d in syntax_errors(parsed.tree, parsed.source, parsed.index)]
    seen: set[tuple[int, int, str]] = set()
    for found in findings:
        fresh = [d for d in found if (d.span.start, d.span.end, d.code) not in seen]
        seen.update((d.span.start, d.span.end, d.code) for d in fresh)
        merged.extend(fresh)
    enabled = settings.selection.enabled_for(parsed.path)
    checked = {r.code for r in rules() if r.code in enabled}
    return finish_file(parsed, merged, settings, checked)


def check_library(
    parsed: ParsedFile,
    settings: Settings | None,
    roots: Sequence[tuple[ParsedFile, Settings]],
    workspace: Workspace | None = None,
    dependencies: list[str] | None = None,
) -> list[Diagnostic]:
    """The diagnostics of the library `parsed` checked as part of each of `roots` (the roots of
    the context that include it, in the context's order; §2.1): `check_root` for each, reporting
    on this library, then `finish_library`, as `nexa-lsp --check` does over its units. The roots'
    paths and the files of their programs are appended to `dependencies` when given."""
    settings = settings if settings is not None else Settings()
    path = parsed.path or ""
    library = LibraryOfRoot(path, Workspace.key(path), settings)
    findings: list[list[Diagnostic]] = []
    for root, root_settings in roots:
        try:
            checked = check_root(root, root_settings, [library], workspace)
        except RecursionError:  # a root too deeply nested to check reports nothing here (as in --check)
            continue
        findings.append(checked.libraries[path])
        if dependencies is not None and root.path is not None:
            dependencies.append(root.path)
            dependencies.extend(checked.dependencies)
    return finish_library(parsed, settings, findings)


def finish_file(
    parsed: ParsedFile, found: list[Diagnostic], settings: Settings, checked: set[str]
) -> list[Diagnostic]:
    """Keep what the configuration selects for the file, with its severities (§14.2); apply its
    suppression comments, judging only the `checked` codes for M001 (§13); sort (§1.4)."""
    selection = settings.selection
    path = parsed.path
    found = selection.apply(found, path)
    suppressions = suppressions_of_tree(parsed.tree, parsed.index)
    if suppressions:
        found = apply_suppressions(
            found,
            suppressions,
            parsed.index,
            path=path,
            is_enabled=lambda code: (
                code in checked
            ),  # a suppression of a code no rule checked cannot be judged
            judge_blanket=bool(checked),
        )
        found = selection.apply(found, path)  # severities of the M001 just added
    return sort_diagnostics(found)


@dataclass(frozen=True)
class FixOutcome:
    text: str  # the fixed text (the input when nothing applied)
    fixed: list[Diagnostic]  # every diagnostic fixed, over all rounds
    remaining: list[Diagnostic]  # the diagnostics of the fixed text


def fix_source(
    text: str,
    path: str | None = None,
    settings: Settings | None = None,
    *,
    unsafe: bool = False,
    max_rounds: int = 10,
) -> FixOutcome:
    """Apply fixes until none applies (fixes that overlap wait for the next round), then re-check."""
    fixed: list[Diagnostic] = []
    diagnostics = check_source(text, path, settings)
    for _ in range(max_rounds):
        applied = apply_fixes(text, diagnostics, unsafe=unsafe)
        if not applied.changed or applied.text == text:
            break
        fixed.extend(applied.fixed)
        text = applied.text
        diagnostics = check_source(text, path, settings)
    return FixOutcome(text, fixed, diagnostics)
