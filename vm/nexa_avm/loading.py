"""L§7.2 step 1 for `nexa run`, `nexa test` and `nexa disasm`: read, merge includes, check, compile.

The check is the checker of `nexa-lsp --check` (`nexa_lang.check.check_file`) with the same
configuration (`nexa.toml`): a program with an error is not run, and its diagnostics are printed in
`--check`'s full text format (on stderr: stdout belongs to the program, L§7.2).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from nexa_lang.check import check_file
from nexa_lang.codes import Severity
from nexa_lang.config import ConfigError, Settings, SettingsLoader
from nexa_lang.diagnostics import Diagnostic
from nexa_lang.model import Workspace

from .compiler import CompiledProgram, CompileError, compile_program


@dataclass
class Loaded:
    program: CompiledProgram | None
    settings: Settings
    exit_code: int = 0  # 2 when the program must not run
    diagnostics: list[tuple[str, str, list[Diagnostic]]] = field(default_factory=list)  # (shown, text, diags)


def load_program(path: str, stderr: TextIO, config: str | None = None) -> Loaded:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        stderr.write(f"nexa: cannot read '{path}': {error.strerror or error}\n")
        return Loaded(None, Settings(), 2)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        stderr.write(f"nexa: cannot read '{path}': not UTF-8 text\n")
        return Loaded(None, Settings(), 2)
    try:
        settings = SettingsLoader(config).settings_for(Path(path))
    except ConfigError as error:
        for diagnostic in error.diagnostics:
            stderr.write(f"{diagnostic.path or 'configuration'}: {diagnostic.code} {diagnostic.message}\n")
        return Loaded(None, Settings(), 2)

    workspace = Workspace()
    root = workspace.file(path)
    if root is None:
        stderr.write(f"nexa: cannot read '{path}'\n")
        return Loaded(None, settings, 2)
    program = workspace.program(root)
    checked: list[tuple[str, str, list[Diagnostic]]] = []
    for file in program.files:
        file_text = file.source.decode("utf-8", "replace")
        shown = file.path or path
        diagnostics = check_file(file_text, shown, settings).diagnostics
        if diagnostics:
            checked.append((shown, file_text, diagnostics))
    has_errors = any(d.severity is Severity.ERROR for _, _, diags in checked for d in diags)
    if checked:
        print_diagnostics(checked, stderr)
    loaded = Loaded(None, settings, 0, checked)
    if program.missing_includes:
        for _, include in program.missing_includes:
            target = include.path.value if include.path is not None else "?"
            stderr.write(f"cannot load program: include '{target}' not found\n")
        loaded.exit_code = 2
        return loaded
    if has_errors:
        loaded.exit_code = 2
        return loaded
    try:
        loaded.program = compile_program(program)
    except CompileError as error:
        stderr.write(f"nexa: cannot compile {error.file or path}: {error}\n")
        loaded.exit_code = 2
    return loaded


def print_diagnostics(checked: list[tuple[str, str, list[Diagnostic]]], stderr: TextIO) -> None:
    from nexa_lsp.batch import FileResult
    from nexa_lsp.reports import Indexes, locate, report_full

    results = [FileResult(shown, shown, text, diagnostics) for shown, text, diagnostics in checked]
    items = locate(results, Indexes(results))
    colour = _wants_colour(stderr)
    stderr.write(report_full(items, results, colour))


def _wants_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
