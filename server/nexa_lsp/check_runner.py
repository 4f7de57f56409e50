"""Running the checker for the server, in a worker process so that the event loop keeps serving.

The worker gets plain data (the path, the text, the open documents that override the disk) and runs
the same engine as `nexa-lsp --check`: `nexa_lang.check.check_parsed` with the configuration found
for the file (`SettingsLoader`, nexa.toml / pyproject.toml), so the server and the CLI agree.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from nexa_lang.check import check_parsed, parse_file
from nexa_lang.config import ConfigError, Settings, SettingsLoader, explicit_config_path
from nexa_lang.diagnostics import Diagnostic
from nexa_lang.model import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckRequest:
    path: str | None
    text: str
    overlays: dict[str, str] = field(default_factory=dict)  # open documents, by path
    config_generation: int = 0  # bumped when a configuration file changes


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
    diagnostics = check_parsed(parse_file(request.text, request.path), settings, dependencies, workspace)
    return CheckOutcome(
        diagnostics,
        sorted({Workspace.key(d) for d in dependencies}),
        problems,
        time.perf_counter() - started,
    )


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
