"""Running the checker for the server, in a worker process so that the event loop keeps serving.

The worker gets plain data (the path, the text, the open documents that override the disk, the
workspace's roots that include the file) and runs the same engine as `nexa-lsp --check`, with the
configuration found for each file (`SettingsLoader`, nexa.toml / pyproject.toml), so the server and
the CLI agree: a file is checked as its own program (`check_parsed`), except a library that roots
of the workspace include, which is checked as part of each of their programs (`check_library`,
diagnostics.md §2.1).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from nexa_lang.check import ParsedFile, check_library, check_parsed, parse_file
from nexa_lang.config import ConfigError, Settings, SettingsLoader, explicit_config_path
from nexa_lang.diagnostics import Diagnostic
from nexa_lang.model import Workspace
from nexa_lsp.sources import SourcePath, SourceText, read_source

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckRequest:
    path: str | None
    text: str
    overlays: dict[str, str] = field(default_factory=dict)  # open documents, by path
    config_generation: int = 0  # bumped when a configuration file changes
    # The workspace's program roots that include this file (a library), in the order `--check`
    # would take them; empty: the file is checked as its own program.
    roots: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckOutcome:
    diagnostics: list[Diagnostic]
    dependencies: list[str]  # normalised paths of the other files the result depends on
    config_problems: list[str]  # one line each: the configuration could not be read
    seconds: float


_loader: tuple[int, SettingsLoader] | None = None


def settings_for(path: str | None, generation: int) -> tuple[Settings, list[str]]:
    """The settings `--check` would use for `path`, read once per configuration generation."""
    global _loader
    if _loader is None or _loader[0] != generation:
        _loader = (generation, SettingsLoader(explicit_config_path(None)))
    try:
        return _loader[1].settings_for(Path(path) if path else None), []
    except ConfigError as error:
        return Settings(), [f"{d.path or 'configuration'}: {d.code} {d.message}" for d in error.diagnostics]


def run_check(request: CheckRequest) -> CheckOutcome:
    started = time.perf_counter()
    settings, problems = settings_for(request.path, request.config_generation)
    workspace = Workspace()
    for path, text in request.overlays.items():
        try:
            workspace.set_text(path, text)
        except RecursionError:  # that buffer is nested too deeply to lower: it must not stop this check
            log.warning("open document %s is nested too deeply to check; using the file on disk", path)
    dependencies: list[str] = []
    parsed = parse_file(request.text, request.path)
    roots = _roots(request) if request.path else []
    if request.path and roots:
        workspace.set_text(request.path, request.text)  # the roots' programs see the edited library
        diagnostics = check_library(parsed, settings, roots, workspace, dependencies)
        own = Workspace.key(request.path)
        dependencies = [d for d in dependencies if Workspace.key(d) != own]
    else:
        diagnostics = check_parsed(parsed, settings, dependencies, workspace)
    return CheckOutcome(
        diagnostics,
        sorted({Workspace.key(d) for d in dependencies}),
        problems,
        time.perf_counter() - started,
    )


def _roots(request: CheckRequest) -> list[tuple[ParsedFile, Settings]]:
    """The including roots, parsed from their open documents' text or else the disk, with their
    settings; a root that cannot be read is left out (as `--check` leaves out its findings)."""
    overlays = {Workspace.key(path): text for path, text in request.overlays.items()}
    roots = []
    for root in request.roots:
        text = overlays.get(Workspace.key(root))
        if text is None:
            read = read_source(SourcePath(root, Path(root)))
            if not isinstance(read, SourceText):
                continue
            text = read.text
        roots.append((parse_file(text, root), settings_for(root, request.config_generation)[0]))
    return roots


def warm_up() -> int:
    """Imports the checker and its rules in the worker (called once at start)."""
    run_check(CheckRequest(None, "flow main { }\n"))
    return os.getpid()


def make_executor() -> Executor:
    """One worker process (the machine's other cores serve the editor); NEXA_LSP_CHECK_THREADS=1
    checks in a thread of the server process instead."""
    if os.environ.get("NEXA_LSP_CHECK_THREADS"):
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="nexa-check")
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
