"""Checking many files for `nexa-lsp --check`: serially for a few, in a process pool for many.

Each file is one `CheckJob`; its `FileResult` carries the diagnostics or the one-line reason the
file could not be checked. Workers read the files themselves, so only paths and results cross
process boundaries.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from nexa_lang.check import check_file, fix_source
from nexa_lang.config import Settings
from nexa_lang.diagnostics import Diagnostic
from nexa_lsp.check_cache import CheckCache
from nexa_lsp.sources import SourcePath, SourceProblem, decode_source, read_source, write_atomically

PARALLEL_MIN_FILES = 8  # below this, starting worker processes costs more than it saves
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckJob:
    source: SourcePath
    settings: Settings
    fix: bool = False
    unsafe_fixes: bool = False
    cache_dir: str | None = None
    use_cache: bool = True
    stdin_data: bytes | None = None  # standard input, read once by the main process


@dataclass
class FileResult:
    shown: str
    path: str | None
    text: str | None = None  # the checked text (after fixes), for showing source lines
    diagnostics: list[Diagnostic] = field(default_factory=list)
    problem: str | None = None  # why the file could not be checked
    fixed: list[Diagnostic] = field(default_factory=list)
    fixed_text: str | None = None  # standard input's text after fixes (printed instead of written)

    @property
    def problem_line(self) -> str:
        return SourceProblem(self.shown, self.problem or "").line()


def run_job(job: CheckJob) -> FileResult:
    source = job.source
    result = FileResult(source.shown, str(source.path) if source.path else None)
    if job.stdin_data is not None:
        read = decode_source(source, job.stdin_data)
    else:
        read = read_source(source)
    if isinstance(read, SourceProblem):
        result.problem = read.reason
        return result
    result.text = read.text
    try:
        if job.fix or job.unsafe_fixes:
            _fix(job, read.text, read.data, result)
        else:
            result.diagnostics = _check(job, read.text, read.data)
    except RecursionError:
        result.problem = "nested too deeply to check"
        result.diagnostics = []
    except Exception as error:  # an internal failure: one line for the user, the traceback to the log
        log.debug("checking %s failed", source.shown, exc_info=True)
        if os.environ.get("NEXA_DEBUG"):
            import traceback

            traceback.print_exc(file=sys.stderr)
        result.problem = f"internal error while checking ({type(error).__name__}: {error}); please report it"
        result.diagnostics = []
    return result


def _check(job: CheckJob, text: str, data: bytes) -> list[Diagnostic]:
    cache = CheckCache(Path(job.cache_dir) if job.cache_dir else None) if job.use_cache else None
    use_cache = cache is not None and not job.source.is_stdin
    if use_cache:
        cached = cache.load(job.settings, job.source.shown, data)
        if cached is not None:
            return cached
    checked = check_file(text, job.source.shown, job.settings)
    if use_cache:
        cache.store(job.settings, job.source.shown, data, checked.diagnostics, checked.dependencies)
    return checked.diagnostics


def _fix(job: CheckJob, text: str, data: bytes, result: FileResult) -> None:
    outcome = fix_source(text, job.source.shown, job.settings, unsafe=job.unsafe_fixes)
    result.diagnostics = outcome.remaining
    if outcome.text == text:
        return
    if job.source.path is None:
        result.fixed_text = outcome.text
    else:
        failure = write_atomically(job.source.path, outcome.text, data)
        if failure is not None:
            result.problem = failure
            result.diagnostics = check_file(text, job.source.shown, job.settings).diagnostics
            return
    result.fixed = outcome.fixed
    result.text = outcome.text


def run_jobs(
    jobs: list[CheckJob], workers: int, on_result: Callable[[FileResult], None] | None = None
) -> list[FileResult]:
    """Results in the order of `jobs`; `on_result` is called as each one arrives (progress)."""
    results = []
    for result in _results(jobs, workers):
        if on_result is not None:
            on_result(result)
        results.append(result)
    return results


def _results(jobs: list[CheckJob], workers: int) -> Iterator[FileResult]:
    if workers <= 1 or len(jobs) < PARALLEL_MIN_FILES:
        yield from map(run_job, jobs)
        return
    workers = min(workers, len(jobs))
    chunk = max(1, len(jobs) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts) as pool:
        yield from pool.map(run_job, jobs, chunksize=chunk)


def _ignore_interrupts() -> None:
    # Ctrl-C is the main process's to handle (--watch ends with exit code 0); workers stay quiet.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
