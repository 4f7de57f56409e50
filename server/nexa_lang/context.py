"""Checking contexts (diagnostics.md §2.1): which files are checked as part of which programs.

`nexa-lsp --check` checks the files it was given, the server the files of its workspace. A library
(a file that is not a program root) included, directly or transitively, by roots of the context is
checked as part of each of those roots' programs, and its diagnostics are merged over them
(`check.finish_library`): a context-dependent one (E001, W001) is reported once, with the program
it holds in. Every other file is checked as its own program, so a library no root includes is
checked standalone. The plan is a list of `Unit`s, one per program to check: the work the CLI
spreads over its process pool and caches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nexa_lang.check import LibraryOfRoot, check_root, finish_library, parse_file
from nexa_lang.config import Settings
from nexa_lang.diagnostics import Diagnostic
from nexa_lang.model import Workspace

INCLUDE_WORD = b"include"


@dataclass
class Unit:
    """One program to check: the file at `root` (an index into the context's files) and the
    libraries of the context that this program reports on, in the order of the context."""

    root: int
    libraries: list[int] = field(default_factory=list)


@dataclass
class ContextPlan:
    units: list[Unit]
    includers: dict[int, list[int]]  # library → the units (indexes into `units`) that report on it

    def unit_of(self, index: int) -> Unit | None:
        return next((u for u in self.units if u.root == index), None)


def plan_context(
    paths: Sequence[str | None], read: Callable[[str], bytes | None] | None = None
) -> ContextPlan:
    """The units for the files `paths` (None: a file without a path, such as standard input,
        which is always its own program). Only files whose text contains `include` are parsed here, and
    only their outlines (includes and flow names) are lowered."""
    read = read or _read
    workspace = Workspace(outlines=True)
    keys = {Workspace.key(p): i for i, p in enumerate(paths) if p is not None}
    libraries_of: dict[int, list[int]] = {}
    for index, path in enumerate(paths):
        if path is None:
            continue
        data = read(path)
        if data is None or INCLUDE_WORD not in data:
            continue  # includes nothing: its own program is just itself
        root = workspace.file(path)
        if root is None or not root.is_program_root:
            continue  # a library's includes only matter through the roots that include it
        found = []
        for file in workspace.program(root).files:
            if file is root or file.path is None or file.is_program_root:
                continue  # a root included by another root is still checked as its own program
            included = keys.get(Workspace.key(file.path))
            if included is not None and included != index:
                found.append(included)
        if found:
            libraries_of[index] = sorted(found)
    grouped = {library for found in libraries_of.values() for library in found}
    units: list[Unit] = []
    includers: dict[int, list[int]] = {}
    for index in range(len(paths)):
        if index in grouped:
            continue
        for library in libraries_of.get(index, []):
            includers.setdefault(library, []).append(len(units))
        units.append(Unit(index, libraries_of.get(index, [])))
    return ContextPlan(units, includers)


def _read(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


def check_context(
    texts: Sequence[tuple[str, str]], settings: Settings | Callable[[str], Settings] | None = None
) -> dict[str, list[Diagnostic]]:
    """Check `(path, text)` pairs as one context, serially: every file's diagnostics, by path.
    (The CLI does the same work in parallel and cached, nexa_lsp.batch.)"""
    settings_of = settings if callable(settings) else (lambda _path: settings or Settings())
    by_path = dict(texts)
    paths = list(by_path)
    plan = plan_context(paths, lambda p: by_path[p].encode("utf-8") if p in by_path else _read(p))
    result: dict[str, list[Diagnostic]] = {}
    findings: dict[int, list[list[Diagnostic]]] = {}
    for unit in plan.units:
        path = paths[unit.root]
        libraries = [
            LibraryOfRoot(paths[i], Workspace.key(paths[i]), settings_of(paths[i])) for i in unit.libraries
        ]
        checked = check_root(parse_file(by_path[path], path), settings_of(path), libraries)
        result[path] = checked.diagnostics
        for i in unit.libraries:
            findings.setdefault(i, []).append(checked.libraries[paths[i]])
    for i, found in findings.items():
        path = paths[i]
        result[path] = finish_library(parse_file(by_path[path], path), settings_of(path), found)
    return {path: result[path] for path in paths}
