"""W006 file-not-found: an included or referenced file does not exist.

Why: a missing include leaves the program open (its names cannot be checked, and `nexa run`
refuses it); a missing skill file offers no tools, a missing tool module or image fails at run time.
Checked: `include` paths (not `.nxs`), `uses` strings (`.md` skill files; others must be a file,
a std namespace or a `.nxs` path), a tool's `wasm:`/`python:` path and `.json` `mcp:` value, and the
literal argument of `img(…)`/`render_file(…)`. Paths are relative to the file that names them;
`experience` files and database paths are created at run time and not checked.
Example: `include "lib/helpers.nxlib"` with no such file. No fix.
"""

import os
from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span

FILE_ARGUMENT_FUNCTIONS = ("img", "render_file")


@rule("W006", "file-not-found")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, include in program.missing_includes:
        if include.path is not None:
            yield _not_found(file, include.path.value, include.path.span)
    for file in program.files:
        for text, span, is_file in _named_files(file):
            if is_file and not os.path.exists(_absolute(file, text)):
                yield _not_found(file, text, span)
            elif not is_file and not _is_uses_target(file, text):
                message = f"'{text}' is neither a file nor a std namespace"
                yield Diagnostic.warning(span, message, path=file.path)


def _not_found(file: SourceFile, text: str, span: Span) -> Diagnostic:
    message = f"file not found: '{text}' (looked for '{_absolute(file, text)}')"
    return Diagnostic.warning(span, message, path=file.path)


def _absolute(file: SourceFile, text: str) -> str:
    base = os.path.dirname(os.path.abspath(file.path)) if file.path else os.getcwd()
    return os.path.normpath(os.path.join(base, text))


def _is_uses_target(file: SourceFile, text: str) -> bool:
    """A `uses` string that is not `.md`: a `std.…` path (E303 judges it), `.nxs`, or a file."""
    return text.startswith("std.") or text.endswith(".nxs") or os.path.exists(_absolute(file, text))


def _named_files(file: SourceFile) -> Iterator[tuple[str, Span, bool]]:
    """(path text, string literal range, must be a file) for every path the file names; the
    third part is False for `uses` strings that may also name a std namespace."""
    for decl in file.module.declarations:
        if isinstance(decl, ast.AgentDecl):
            for item in decl.uses:
                if item.kind == "string":
                    yield item.text, item.span, item.text.endswith(".md")
        elif isinstance(decl, ast.ToolDecl):
            yield from _tool_paths(decl)
    for node in file.nodes.of(ast.Call):
        if isinstance(node, ast.Call) and _is_file_function(node.function) and node.arguments:
            argument = node.arguments[0].value
            if isinstance(argument, ast.StringLit) and not argument.interpolations:
                yield argument.value, argument.span, True


def _tool_paths(tool: ast.ToolDecl) -> Iterator[tuple[str, Span, bool]]:
    for prop in tool.properties:
        value = prop.value
        if not isinstance(value, ast.StringLit) or value.interpolations:
            continue
        if prop.key in ("wasm", "python") or (prop.key == "mcp" and value.value.endswith(".json")):
            yield value.value, value.span, True


def _is_file_function(function: ast.Expr) -> bool:
    return isinstance(function, ast.Name) and function.id in FILE_ARGUMENT_FUNCTIONS
