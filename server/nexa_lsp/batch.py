"""Checking many files for `nexa-lsp --check`: serially for a few, in a process pool for many.

The files given form one checking context (diagnostics.md §2.1, nexa_lang.context): each file is
one `CheckJob`, and the work is one `UnitJob` per program to check: a root with the libraries of
the context it includes, or a file on its own. Workers read the files themselves and cache per
unit, so only paths and results cross process boundaries; the main process merges what the units
found in each library over its includers (`finish_library`). Each file's `FileResult` carries the
diagnostics or the one-line reason the file could not be checked.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from nexa_lang.check import LibraryOfRoot, check_root, finish_library, fix_source, parse_file
from nexa_lang.checker import rules
from nexa_lang.config import Settings
from nexa_lang.context import plan_context
from nexa_lang.diagnostics import Diagnostic
from nexa_lang.model import SharedFiles, Workspace
from nexa_lang.nesting import NESTED_TOO_DEEPLY, deepest_position
from nexa_lsp.check_cache import CachedCheck, CheckCache
from nexa_lsp.sources import SourcePath, SourceProblem, decode_source, read_source, write_atomically

PARALLEL_MIN_FILES = 8  # below this, starting worker processes costs more than it saves
log = logging.getLogger(__name__)
# The files the programs checked in this process include (in a worker, or in the main process when
# checking serially), each parsed and lowered once: a library is often included by many roots.
# Emptied when a run starts; workers start with it empty.
_included = SharedFiles()


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
    problem_at: tuple[int, int] | None = None  # the line and column the problem is about
    fixed: list[Diagnostic] = field(default_factory=list)
    fixed_text: str | None = None  # standard input's text after fixes (printed instead of written)

    def source_problem(self) -> SourceProblem:
        return SourceProblem(self.shown, self.problem or "", self.problem_at)


@dataclass(frozen=True)
class UnitJob:
    """One program to check: `root` as its own program, reporting also on `libraries` (files of
    the context that it includes, §2.1)."""

    root: CheckJob
    libraries: tuple[CheckJob, ...] = ()
    looked_up: bool = False  # the main process found no cached result: don't look again


@dataclass
class UnitResult:
    root: FileResult
    libraries: dict[str, list[Diagnostic]] = field(default_factory=dict)  # unfinished, by shown name


def run_unit(unit: UnitJob) -> UnitResult:
    # The checker allocates many small objects and few cycles: collecting during a unit costs a
    # quarter of its time; the collector runs again once the unit is done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run_unit(unit)
    finally:
        if collecting:
            gc.enable()


def _run_unit(unit: UnitJob) -> UnitResult:
    findings: dict[str, list[Diagnostic]] = {}

    def check(job: CheckJob, text: str, data: bytes) -> list[Diagnostic]:
        checked = _check(job, text, data, unit.libraries, look_up=not unit.looked_up)
        findings.update(checked.libraries)
        return checked.diagnostics

    return UnitResult(run_job(unit.root, check), findings)


def run_job(
    job: CheckJob, check: Callable[[CheckJob, str, bytes], list[Diagnostic]] | None = None
) -> FileResult:
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
        elif check is not None:
            result.diagnostics = check(job, read.text, read.data)
        else:
            result.diagnostics = _check(job, read.text, read.data).diagnostics
    except RecursionError:
        result.problem, result.problem_at = NESTED_TOO_DEEPLY, deepest_position(read.data)
        result.diagnostics = []
    except Exception as error:  # an internal failure: one line for the user, the traceback to the log
        log.debug("checking %s failed", source.shown, exc_info=True)
        if os.environ.get("NEXA_DEBUG"):
            import traceback

            traceback.print_exc(file=sys.stderr)
        result.problem = f"internal error while checking ({type(error).__name__}: {error}); please report it"
        result.diagnostics = []
    return result


def _check(
    job: CheckJob, text: str, data: bytes, libraries: tuple[CheckJob, ...] = (), look_up: bool = True
) -> CachedCheck:
    cache = _cache_of(job) if job.use_cache else None
    use_cache = cache is not None and not job.source.is_stdin
    shown = _unit_key(job, libraries)
    if use_cache and look_up:
        cached = cache.load(job.settings, shown, data)
        if cached is not None:
            return cached
    reported = [
        LibraryOfRoot(lib.source.shown, Workspace.key(str(lib.source.path)), lib.settings)
        for lib in libraries
        if lib.source.path is not None
    ]
    checked = check_root(parse_file(text, job.source.shown), job.settings, reported, _included)
    result = CachedCheck(checked.diagnostics, checked.libraries)
    if use_cache:
        cache.store(job.settings, shown, data, result, checked.dependencies)
    return result


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
            result.diagnostics = _check(job, text, data).diagnostics
            return
    result.fixed = outcome.fixed
    result.text = outcome.text


def run_jobs(
    jobs: list[CheckJob], workers: int, on_result: Callable[[FileResult], None] | None = None
) -> list[FileResult]:
    """Check `jobs` as one context; results in the order of `jobs`. `on_result` is called as each
    file's result is known (progress). With fixes, every file is fixed on its own first, then the
    roots that include libraries of the context are checked again with them (§2.1)."""
    _included.clear()  # a run keeps only the files of its own context
    fixing = any(job.fix or job.unsafe_fixes for job in jobs)
    plan = plan_context(
        [str(job.source.path) if job.source.path and job.stdin_data is None else None for job in jobs]
    )
    results: list[FileResult | None] = [None] * len(jobs)
    if fixing:
        for index, result in enumerate(_map(run_job, jobs, workers)):
            results[index] = result
        units = [u for u in plan.units if u.libraries]
    else:
        units = plan.units
    unit_jobs = [
        UnitJob(_checking(jobs[u.root]), tuple(_checking(jobs[i]) for i in u.libraries)) for u in units
    ]
    library_findings: dict[int, list[list[Diagnostic]]] = {}
    for unit, outcome in zip(units, _outcomes(unit_jobs, workers), strict=False):
        earlier = results[unit.root]
        if earlier is not None:  # fixed in the first pass: keep what was fixed, report the new check
            earlier.diagnostics = outcome.root.diagnostics
            if earlier.problem is None:
                earlier.problem, earlier.problem_at = outcome.root.problem, outcome.root.problem_at
        else:
            results[unit.root] = outcome.root
            if on_result is not None:
                on_result(outcome.root)
        for index in unit.libraries:
            library_findings.setdefault(index, []).append(outcome.libraries.get(jobs[index].source.shown, []))
    for index, findings in library_findings.items():
        library = _finish_library(jobs[index], findings, results[index])
        if results[index] is None and on_result is not None:
            on_result(library)
        results[index] = library
    if fixing and on_result is not None:
        for result in results:
            if result is not None:
                on_result(result)
    return [r for r in results if r is not None]


def _outcomes(units: list[UnitJob], workers: int) -> Iterator[UnitResult]:
    """`run_unit` of each unit, in order. Results the cache holds are read here, in the main
    process: a warm run then starts no workers, and only the units that changed cross to them."""
    cached = [_cached_unit(unit) for unit in units]
    missed = [replace(u, looked_up=True) for u, hit in zip(units, cached, strict=True) if hit is None]
    computed = _map(run_unit, missed, workers)
    for hit in cached:
        yield hit if hit is not None else next(computed)


def _cached_unit(unit: UnitJob) -> UnitResult | None:
    job = unit.root
    if not job.use_cache or job.source.is_stdin or job.stdin_data is not None:
        return None
    read = read_source(job.source)
    if isinstance(read, SourceProblem):
        return None  # the worker reports it
    cached = _cache_of(job).load(job.settings, _unit_key(job, unit.libraries), read.data)
    if cached is None:
        return None
    result = FileResult(job.source.shown, str(job.source.path), read.text, cached.diagnostics)
    return UnitResult(result, cached.libraries)


def _cache_of(job: CheckJob) -> CheckCache:
    return CheckCache(Path(job.cache_dir) if job.cache_dir else None)


def _unit_key(job: CheckJob, libraries: tuple[CheckJob, ...]) -> str:
    """What the cache keys a unit's result by besides the text: the name it is shown under and the
    libraries it reports on, with their settings."""
    return "\0".join(
        [job.source.shown, *(f"{lib.source.shown}\0{lib.settings.fingerprint()}" for lib in libraries)]
    )


def _checking(job: CheckJob) -> CheckJob:
    return CheckJob(
        job.source, job.settings, cache_dir=job.cache_dir, use_cache=job.use_cache, stdin_data=job.stdin_data
    )


def _finish_library(
    job: CheckJob, findings: list[list[Diagnostic]], earlier: FileResult | None
) -> FileResult:
    """The result of a library checked as part of its includers: read it, merge, finish."""
    result = earlier or FileResult(job.source.shown, str(job.source.path) if job.source.path else None)
    read = read_source(job.source)
    if isinstance(read, SourceProblem):
        result.problem = result.problem or read.reason
        result.diagnostics = []
        return result
    result.text = read.text
    try:
        result.diagnostics = finish_library(parse_file(read.text, job.source.shown), job.settings, findings)
    except Exception as error:  # an internal failure: one line for the user, the traceback to the log
        log.debug("checking %s failed", job.source.shown, exc_info=True)
        result.problem = f"internal error while checking ({type(error).__name__}: {error}); please report it"
        result.diagnostics = []
    return result


def _map(function: Callable, items: list, workers: int) -> Iterator:
    """`map`, in a process pool when there is enough work to pay for starting one."""
    if workers <= 1 or len(items) < PARALLEL_MIN_FILES:
        yield from map(function, items)
        return
    workers = min(workers, len(items))
    chunk = max(1, len(items) // (workers * 16))  # small chunks: no worker idles at the end
    rules()  # imported before the workers start: forked workers inherit them instead of importing
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker) as pool:
        yield from pool.map(function, items, chunksize=chunk)


def _start_worker() -> None:
    # Ctrl-C is the main process's to handle (--watch ends with exit code 0); workers stay quiet.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # What the worker inherited (modules, rules, jobs) lives as long as it does: the collector's
    # full passes between units need not traverse it again (and, after a fork, need not touch
    # the pages it shares with the main process).
    gc.freeze()


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
