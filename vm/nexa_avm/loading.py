"""L§7.2 step 1 for `nexa run`, `nexa test` and `nexa disasm`: read, merge includes, check, compile.

The check is the checker of `nexa-lsp --check` (`nexa_lang.check.check_file`) with the same
configuration (`nexa.toml`): a program with an error is not run, and its diagnostics are printed in
`--check`'s full text format (on stderr: stdout belongs to the program, L§7.2).

A program that passed is cached in `.nexa_cache/bytecode/` (the VM's state directory, L§7.13), like
Python's `.pyc` files: the compiled program and the warnings text, keyed by the root file's path and
validated by the bytes of every file of the program, of the configuration files that could apply,
and by the VM's own sources. A hit runs without loading the front-end at all.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any, TextIO

from .bytecode import CompiledProgram

CACHE_DIR = os.path.join(".nexa_cache", "bytecode")
CACHE_FORMAT = 1


class RunSettings:
    """What the VM needs from the configuration (plain data, so that it can be cached). Plain
    classes here and in bytecode.py: a cache hit defines them at start-up, and a dataclass costs
    about a millisecond to define."""

    def __init__(
        self,
        provider_config: dict[str, Any] | None = None,
        max_loop: int | None = None,
        max_concurrent: int = 64,
        strategy: str = "adaptive",  # [scheduler] (scheduler.py)
        rate_limits: tuple[tuple[str, float], ...] = (),
        sandbox: Any = None,  # [sandbox] as a sandbox.SandboxConfig, paths absolute
        type_mode: str = "warn",  # [type] mode
        consensus_timeout: float = 120.0,  # [runtime] consensus_timeout (E404)
    ) -> None:
        self.provider_config = provider_config if provider_config is not None else {}
        self.max_loop = max_loop
        self.max_concurrent = max_concurrent
        self.strategy = strategy
        self.rate_limits = rate_limits
        self.sandbox = sandbox
        self.type_mode = type_mode
        self.consensus_timeout = consensus_timeout


class Loaded:
    def __init__(self, program: CompiledProgram | None, settings: RunSettings, exit_code: int = 0) -> None:
        self.program = program
        self.settings = settings
        self.exit_code = exit_code  # 2 when the program must not run


def load_program(
    path: str, stderr: TextIO, config: str | None = None, use_cache: bool = True, grants: Any = None
) -> Loaded:
    """`grants`: what the command-line flags allow (a `sandbox.SandboxConfig`), counted by the check
    as part of the effective sandbox configuration (S001)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        data.decode("utf-8")
    except OSError as error:
        stderr.write(f"nexa: cannot read '{path}': {error.strerror or error}\n")
        return Loaded(None, RunSettings(), 2)
    except UnicodeDecodeError:
        stderr.write(f"nexa: cannot read '{path}': not UTF-8 text\n")
        return Loaded(None, RunSettings(), 2)
    key = _cache_key(path, data, config, grants) if use_cache else None
    if key is not None:
        cached = _read_cache(key)
        if cached is not None:
            program, settings, warnings = cached
            stderr.write(warnings)
            return Loaded(program, settings)
    from nexa_lang.terminal_log import one_line_log

    try:
        with one_line_log(stderr, "nexa"):
            loaded, warnings, files = _check_and_compile(path, stderr, config, grants)
    except RecursionError:
        from nexa_lang.nesting import NESTED_TOO_DEEPLY, deepest_position

        line, column = deepest_position(data)
        stderr.write(f"nexa: {path}:{line}:{column}: {NESTED_TOO_DEEPLY}\n")
        return Loaded(None, RunSettings(), 2)
    except Exception as error:  # a front-end bug: one line for the user, the traceback on request
        if os.environ.get("NEXA_DEBUG"):
            import traceback

            traceback.print_exc(file=stderr)
        problem = f"{type(error).__name__}: {error}"
        stderr.write(f"nexa: internal error while checking '{path}' ({problem}); please report it\n")
        return Loaded(None, RunSettings(), 70)
    if key is not None and loaded.program is not None:
        _write_cache(key, loaded, warnings, files)
    return loaded


def _check_and_compile(
    path: str, stderr: TextIO, config: str | None, grants: Any = None
) -> tuple[Loaded, str, list[str]]:
    from nexa_lang.check import check_file
    from nexa_lang.codes import Severity
    from nexa_lang.config import ConfigError, SettingsLoader
    from nexa_lang.model import Workspace

    from .compiler import CompileError, compile_program
    from .sandbox import config_from_settings

    try:
        settings = SettingsLoader(config).settings_for(Path(path))
    except ConfigError as error:
        for diagnostic in error.diagnostics:
            stderr.write(f"{config_location(diagnostic)}: {diagnostic.code} {diagnostic.message}\n")
        return Loaded(None, RunSettings(), 2), "", []
    run_settings = RunSettings(
        provider_config=settings_mapping(settings),
        max_loop=settings.runtime.max_loop,
        max_concurrent=settings.scheduler.max_concurrent,
        strategy=settings.scheduler.strategy,
        rate_limits=tuple(settings.scheduler.rate_limits),
        sandbox=config_from_settings(settings),
        type_mode=settings.type.mode,
        consensus_timeout=settings.runtime.consensus_timeout,
    )
    check_settings = _with_grants(settings, grants)
    workspace = Workspace()
    root = workspace.file(path)
    if root is None:
        stderr.write(f"nexa: cannot read '{path}'\n")
        return Loaded(None, run_settings, 2), "", []
    program = workspace.program(root)
    files = [f.path or path for f in program.files]
    checked: list[tuple[str, str, list[Any]]] = []
    for file in program.files:
        file_text = file.source.decode("utf-8", "replace")
        shown = file.path or path
        diagnostics = check_file(file_text, shown, check_settings).diagnostics
        if diagnostics:
            checked.append((shown, file_text, diagnostics))
    has_errors = any(d.severity is Severity.ERROR for _, _, diags in checked for d in diags)
    report = render_diagnostics(checked, stderr) if checked else ""
    stderr.write(report)
    loaded = Loaded(None, run_settings, 0)
    if program.missing_includes:
        for _, include in program.missing_includes:
            target = include.path.value if include.path is not None else "?"
            stderr.write(f"cannot load program: include '{target}' not found\n")
        loaded.exit_code = 2
        return loaded, report, files
    if has_errors:
        loaded.exit_code = 2
        return loaded, report, files
    try:
        loaded.program = compile_program(program)
    except CompileError as error:
        stderr.write(f"nexa: cannot compile {error.file or path}: {error}\n")
        loaded.exit_code = 2
    return loaded, report, files


def config_location(diagnostic: Any) -> str:
    """Where a configuration diagnostic is, as `nexa-lsp --check` prints it: `FILE:LINE:COLUMN` of
    the key (diagnostics.md E202); the file alone for E201 (a missing file has no lines)."""
    from nexa_lang.config import COMMAND_LINE
    from nexa_lang.positions import LineIndex, Unit

    path = diagnostic.path
    if path is None:
        return "configuration"
    if path == COMMAND_LINE or diagnostic.code == "E201":
        return path
    try:
        with open(path, "rb") as handle:
            index = LineIndex(handle.read())
    except OSError:  # gone since it was read: the file alone
        return path
    line, column = index.position(diagnostic.span.start, Unit.CODEPOINT, line_base=1, column_base=1)
    return f"{path}:{line}:{column}"


def settings_mapping(settings: Any) -> dict[str, Any]:
    """The parts of the configuration the providers read, as the mapping they expect."""
    llm = {k: v for k, v in vars(settings.llm).items() if v is not None}
    agent = {k: v for k, v in vars(settings.agent).items() if v is not None}
    providers = {name: {k: v for k, v in vars(p).items() if v is not None} for name, p in settings.providers}
    return {"llm": llm, "agent": agent, "providers": providers}


def render_diagnostics(checked: list[tuple[str, str, list[Any]]], stderr: TextIO) -> str:
    from nexa_lsp.batch import FileResult
    from nexa_lsp.reports import Indexes, locate, report_full

    results = [FileResult(shown, shown, text, diagnostics) for shown, text, diagnostics in checked]
    items = locate(results, Indexes(results))
    return report_full(items, results, _wants_colour(stderr))


def _wants_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# ------------------------------------------------------------------------------------ the cache


def _toolchain_stamp() -> str:
    """Sizes and modification times of the front-end's and the VM's sources."""
    import nexa_lang

    parts = []
    for package in (os.path.dirname(nexa_lang.__file__), os.path.dirname(__file__)):
        for folder, _, names in os.walk(package):
            for name in sorted(names):
                if name.endswith(".py"):
                    stat = os.stat(os.path.join(folder, name))
                    parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def _config_files(path: str, config: str | None) -> list[str]:
    """Every file that could be the program's configuration: an explicit one, or each nexa.toml
    and pyproject.toml from the file's folder up to the root."""
    if config is not None:
        return [config]
    found = []
    folder = Path(path).resolve().parent
    for each in (folder, *folder.parents):
        for name in ("nexa.toml", "pyproject.toml"):
            candidate = each / name
            if candidate.is_file():
                found.append(str(candidate))
    return found


def _digest_files(paths: list[str]) -> str | None:
    digest = hashlib.sha256()
    for each in paths:
        try:
            with open(each, "rb") as handle:
                digest.update(each.encode() + b"\0" + handle.read() + b"\0")
        except OSError:
            return None
    return digest.hexdigest()


def _with_grants(settings: Any, grants: Any) -> Any:
    """`settings` whose sandbox also allows what the command-line flags allow."""
    if grants is None:
        return settings
    from dataclasses import replace

    sandbox = settings.sandbox
    return replace(
        settings,
        sandbox=replace(
            sandbox,
            fs_read=(*sandbox.fs_read, *grants.fs_read),
            fs_write=(*sandbox.fs_write, *grants.fs_write),
            net=(*sandbox.net, *grants.net),
            shell=sandbox.shell or grants.shell,
            python=sandbox.python or grants.python,
        ),
    )


def _cache_key(path: str, data: bytes, config: str | None, grants: Any = None) -> str | None:
    configs = _config_files(path, config)
    config_digest = _digest_files(configs)
    if config_digest is None:
        return None
    head = hashlib.sha256()
    for part in (
        str(CACHE_FORMAT),
        os.path.abspath(path),
        path,
        hashlib.sha256(data).hexdigest(),
        config_digest,
        _toolchain_stamp(),
        os.environ.get("NO_COLOR", ""),
        "" if grants is None else repr(sorted(vars(grants).items())),  # the check's S001 counts them
    ):
        head.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return head.hexdigest()


def _read_cache(key: str) -> tuple[CompiledProgram, RunSettings, str] | None:
    try:
        with open(os.path.join(CACHE_DIR, key + ".pickle"), "rb") as handle:
            entry = pickle.load(handle)
        if entry.get("format") != CACHE_FORMAT:
            return None
        if _digest_files(entry["files"]) != entry["files_digest"]:
            return None
        return entry["program"], entry["settings"], entry["warnings"]
    except Exception:  # a missing, stale or unreadable entry: compile again
        return None


def _write_cache(key: str, loaded: Loaded, warnings: str, files: list[str]) -> None:
    digest = _digest_files(files)
    if digest is None:
        return
    entry = {
        "format": CACHE_FORMAT,
        "files": files,
        "files_digest": digest,
        "program": loaded.program,
        "settings": loaded.settings,
        "warnings": warnings,
    }
    try:
        os.makedirs(CACHE_DIR, exist_ok=True)
        temporary = os.path.join(CACHE_DIR, f"{key}.{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, os.path.join(CACHE_DIR, key + ".pickle"))
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass
